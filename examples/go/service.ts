// How to start the Go orders service (built by scripts/build-examples.sh into .build/orders).
import { ensureBuiltBy, exampleOptions, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

export const goExample: LanguageExample = {
  language: 'go',
  dir,
  options: exampleOptions(dir, { command: [`${dir}.build/orders`], name: 'orders-go', timeoutMs: 10_000 }),
  ensureBuilt: ensureBuiltBy(dir, 'go'),
}
