/**
 * Splits a stream of text chunks into lines, for the harness's readers of child output and of
 * the span channel: one place that knows a line can span chunks and a chunk can hold many lines.
 */
export interface LineSplitter {
  /** Adds a chunk; calls `onLine` for every line it completes (without the `\n`). */
  push(chunk: string): void
  /** Hands over what is left after the last `\n` as a last line, if anything. */
  end(): void
  /** What has come after the last `\n` so far. */
  readonly partial: string
}

/** A {@link LineSplitter} calling `onLine` for every complete line, in order. */
export function splitLines(onLine: (line: string) => void): LineSplitter {
  let input = ''
  return {
    push(chunk) {
      input += chunk
      let start = 0
      for (let end = input.indexOf('\n'); end !== -1; end = input.indexOf('\n', start)) {
        // Advanced first: a line handler that throws must not see the same line again.
        const line = input.slice(start, end)
        start = end + 1
        onLine(line)
      }
      input = input.slice(start)
    },
    end() {
      const rest = input
      input = ''
      if (rest !== '') onLine(rest)
    },
    get partial() {
      return input
    },
  }
}
