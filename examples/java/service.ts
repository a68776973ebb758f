// How to start the Java orders service: compiled classes and the pom's jars, both made by
// scripts/build-examples.sh in .build/.
import { ensureBuiltBy, exampleOptions, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

export const javaExample: LanguageExample = {
  language: 'java',
  dir,
  options: exampleOptions(dir, {
    command: ['java', '-XX:TieredStopAtLevel=1', '-cp', `${dir}.build/classes:${dir}.build/lib/*`, 'example.Main'],
    name: 'orders-java',
    timeoutMs: 20_000,
  }),
  ensureBuilt: ensureBuiltBy(dir, 'java'),
}
