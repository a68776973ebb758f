// How to start the Python orders service: Flask under `opentelemetry-instrument`, from the venv
// scripts/build-examples.sh makes in .build/venv.
import { ensureBuiltBy, exampleOptions, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

export const pythonExample: LanguageExample = {
  language: 'python',
  dir,
  options: exampleOptions(dir, {
    command: [`${dir}.build/venv/bin/opentelemetry-instrument`, `${dir}.build/venv/bin/python`, 'app.py'],
    name: 'orders-python',
    timeoutMs: 15_000,
    // Unbuffered, so a crash's traceback reaches the harness's output tail at once.
    env: { PYTHONUNBUFFERED: '1' },
  }),
  ensureBuilt: ensureBuiltBy(dir, 'python'),
}
