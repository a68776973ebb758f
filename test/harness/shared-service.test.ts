import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { connectService, ServiceError, UsageError } from 'tracewright'
import type { SharedServiceHandle } from 'tracewright'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const suite = join(root, 'test', 'fixtures', 'shared-suite')

describe('one service for a whole suite: shareService in globalSetup, connectService in each file', () => {
  test('three spec files in their own workers share one child-process service, each seeing only its traces', async () => {
    const output = await run(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--config', join(suite, 'vitest.config.ts'), '--no-color'], {
      cwd: suite,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    }).then(({ stdout, stderr }) => `${stdout}\n${stderr}`, (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}\n${error.stderr ?? ''}`)
    expect(output).toMatch(/Test Files\s+3 passed \(3\)/)
    expect(output).toMatch(/Tests\s+9 passed \(9\)/)
    expect(output.match(/\[shared-suite\] started the service once/g)).toHaveLength(1)
  }, 60_000)

  test('a handle that is not one gets a UsageError; a relay that is gone, a ServiceError', async () => {
    await expect(connectService(undefined as unknown as SharedServiceHandle)).rejects.toThrow(UsageError)
    const gone: SharedServiceHandle = { url: 'http://127.0.0.1:9', name: 'gone', relay: 'http://127.0.0.1:9' }
    await expect(connectService(gone)).rejects.toThrow(ServiceError)
    await expect(connectService(gone)).rejects.toThrow(/Failed to reach the relay of shared service "gone"/)
  })
})
