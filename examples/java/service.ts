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
    timeout: 20_000,
    // Today's settle (which ends when the entry span arrives) returned 42 of 100 traces of this
    // service without their query spans on a busy machine (0 of 100 idle): the Java SDK's exporter
    // can deliver the entry span's batch before theirs. A 100 ms quiet window after it brings that
    // to 0 of 100 (BENCHMARKS.md).
    quietMs: 100,
  }),
  ensureBuilt: ensureBuiltBy(dir, 'java'),
}
