// A Jest transform that runs TypeScript as Node does: `stripTypeScriptTypes` blanks the types out
// and keeps every other character in place, so no source map is needed and line numbers in
// failures are the spec's own. The project's TypeScript is erasable-only (Node runs it without a
// build), so nothing else is needed: no Babel preset, no ts-jest, no SWC.
import { stripTypeScriptTypes } from 'node:module'

export default {
  process(sourceText) {
    return { code: stripTypeScriptTypes(sourceText, { mode: 'strip' }) }
  },
}
