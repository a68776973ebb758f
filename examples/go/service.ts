// How to start the Go orders service (built by scripts/build-examples.sh into .build/orders).
import { ensureBuiltBy, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

export const goExample: LanguageExample = {
  language: 'go',
  dir,
  options: (env, collector) => ({
    command: [`${dir}.build/orders`],
    cwd: dir,
    ready: { http: '/health' },
    name: 'orders-go',
    env: { ...env },
    timeout: 10_000,
    ...(collector === undefined ? {} : { collector }),
  }),
  ensureBuilt: ensureBuiltBy(dir, 'go'),
}
