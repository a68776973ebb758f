// How to start the Java orders service: compiled classes and the pom's jars, both made by
// scripts/build-examples.sh in .build/.
import { ensureBuiltBy, folderOf } from '../polyglot/example.js'
import type { LanguageExample } from '../polyglot/example.js'

const dir = folderOf(import.meta.url)

export const javaExample: LanguageExample = {
  language: 'java',
  dir,
  options: (env, collector) => ({
    command: ['java', '-XX:TieredStopAtLevel=1', '-cp', `${dir}.build/classes:${dir}.build/lib/*`, 'example.Main'],
    cwd: dir,
    ready: { http: '/health' },
    name: 'orders-java',
    env: { ...env },
    timeout: 20_000,
    ...(collector === undefined ? {} : { collector }),
  }),
  ensureBuilt: ensureBuiltBy(dir, 'java'),
}
