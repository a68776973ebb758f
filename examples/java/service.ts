// How to start the Java orders service: compiled classes and the pom's jars, both made by
// scripts/build-examples.sh in .build/.
import { ensureBuiltBy, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

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
    // Today's settle (which ends when the entry span arrives) returns about 45 of 100 traces of this
    // service without their query spans: the Java SDK's exporter sends its batches without waiting for the previous one, so the entry span can arrive first. A
    // 100 ms quiet window after it brings that to 0 of 100; see the report of issue 15.
    quietMs: 100,
    timeout: 20_000,
    ...(collector === undefined ? {} : { collector }),
  }),
  ensureBuilt: ensureBuiltBy(dir, 'java'),
}
