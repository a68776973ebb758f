// Shared printing for the benchmarks: one table per benchmark, in milliseconds.

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

/** Prints rows of timing samples (ms) as a markdown table with p50, p90 and p99. */
export function printTable(title: string, rows: readonly (readonly [string, readonly number[]])[], footer?: string): void {
  console.log(`\n### ${title}\n`)
  console.log('| | n | p50 | p90 | p99 |')
  console.log('|---|---:|---:|---:|---:|')
  for (const [label, values] of rows) {
    const f = (v: number): string => v < 0.1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(3)} ms`
    console.log(`| ${label} | ${values.length} | ${f(median(values))} | ${f(quantile(values, 0.9))} | ${f(quantile(values, 0.99))} |`)
  }
  if (footer) console.log(`\n${footer}`)
}
