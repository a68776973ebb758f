import type { Readable } from 'node:stream'

/** The last lines a child process wrote to one stream, for error messages. */
export class OutputTail {
  readonly #lines: string[] = []
  readonly #max: number
  #partial = ''

  constructor(max = 40) {
    this.#max = max
  }

  /** Reads `stream` line by line, keeping the tail and handing each line to `onLine`. */
  attach(stream: Readable | null, onLine: (line: string) => void): void {
    if (stream === null) return
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n')
      this.#partial = parts.pop() ?? ''
      for (const line of parts) this.#push(line.replace(/\r$/, ''), onLine)
    })
    stream.on('end', () => {
      if (this.#partial) this.#push(this.#partial, onLine)
      this.#partial = ''
    })
  }

  /** Every kept line. */
  lines(): readonly string[] {
    return this.#partial ? [...this.#lines, this.#partial] : this.#lines
  }

  /** `label (last N lines):` and the lines, indented; empty when nothing was written. */
  format(label: string, count = 20): string {
    const tail = this.lines().slice(-count)
    if (tail.length === 0) return ''
    return `${label} (last ${tail.length} line${tail.length === 1 ? '' : 's'}):\n${tail.map((l) => `  | ${l}`).join('\n')}`
  }

  #push(line: string, onLine: (line: string) => void): void {
    this.#lines.push(line)
    if (this.#lines.length > this.#max) this.#lines.shift()
    onLine(line)
  }
}
