import type { Readable } from 'node:stream'
import { splitLines } from '../lines.js'
import type { LineSplitter } from '../lines.js'

/** The last lines a child process wrote to one stream, for error messages. */
export class OutputTail {
  readonly #lines: string[] = []
  readonly #max: number
  #splitter: LineSplitter | undefined

  constructor(max = 40) {
    this.#max = max
  }

  /** Reads `stream` line by line, keeping the tail and handing each line to `onLine`. */
  attach(stream: Readable | null, onLine: (line: string) => void): void {
    if (stream === null) return
    const lines = splitLines((line) => this.#push(line.replace(/\r$/, ''), onLine))
    this.#splitter = lines
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => lines.push(chunk))
    stream.on('end', () => lines.end())
  }

  /** Every kept line. */
  lines(): readonly string[] {
    const partial = this.#splitter?.partial
    return partial ? [...this.#lines, partial] : this.#lines
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
