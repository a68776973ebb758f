// How to start the Python orders service: Flask under `opentelemetry-instrument`, from the venv
// scripts/build-examples.sh makes in .build/venv.
import { ensureBuiltBy, folderOf } from '../polyglot/example.ts'
import type { LanguageExample } from '../polyglot/example.ts'

const dir = folderOf(import.meta.url)

export const pythonExample: LanguageExample = {
  language: 'python',
  dir,
  options: (env, collector) => ({
    command: [`${dir}.build/venv/bin/opentelemetry-instrument`, `${dir}.build/venv/bin/python`, 'app.py'],
    cwd: dir,
    ready: { http: '/health' },
    name: 'orders-python',
    // Unbuffered, so a crash's traceback reaches the harness's output tail at once.
    env: { ...env, PYTHONUNBUFFERED: '1' },
    timeout: 15_000,
    ...(collector === undefined ? {} : { collector }),
  }),
  ensureBuilt: ensureBuiltBy(dir, 'python'),
}
