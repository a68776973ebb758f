import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { ServiceError, ServiceStartError, startService } from 'tracewright'
import { alive, processesMatching, reportFigures, runVitest, vitestProject, waitUntil } from './helpers.js'

/*
 * Every way a service or a run can go wrong ends with a clear error within its timeout and leaves
 * no process behind; the process table is checked each time. (test/harness/child-process.test.ts
 * covers a command that exits early or does not exist, a readiness timeout, a crash mid-request
 * and a service ignoring SIGTERM; these extend it.)
 */

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const node = process.execPath
/** A command-line argument no other process has, to find a test's processes in the table. */
const marker = (what: string): string => `--tracewright-${what}-${process.pid}-${randomBytes(4).toString('hex')}`

const scratch = mkdtempSync(join(tmpdir(), 'tracewright-processes-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('services that misbehave', () => {
  test('another process grabs the port the harness picked before the service binds it: the EADDRINUSE exit is reported with the port and the fix', async () => {
    const portFile = join(scratch, 'port')
    const mark = marker('port')
    const starting = startService({
      command: [node, fixture('late-bind.mjs'), mark], env: { PORT_FILE: portFile }, ready: { http: '/health' }, name: 'late-bind',
    }).catch((e: unknown) => e)
    await waitUntil(() => existsSync(portFile) && readFileSync(portFile, 'utf8') !== '', 10_000, 'the service to report its port')
    const port = Number(readFileSync(portFile, 'utf8'))
    const squatter = net.createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    writeFileSync(`${portFile}.go`, '')
    const error = await starting
    await new Promise((resolve) => squatter.close(resolve))

    expect(error).toBeInstanceOf(ServiceStartError)
    const message = (error as Error).message
    expect(message).toMatch(/Failed to start the service "late-bind" .*: it exited with code 1 before it was ready/)
    expect(message).toContain('EADDRINUSE')
    expect(message).toContain(`Port ${port}, which the harness picked and gave the service in $PORT, was taken by another process before the service bound it.`)
    expect(processesMatching(mark)).toEqual([])
  })

  test('a child process that never answers: the request fails after requestTimeoutMs naming it; stop() with a request in flight is prompt and idempotent', async () => {
    const mark = marker('hangs')
    const svc = await startService({ command: [node, fixture('hangs.mjs'), mark], ready: { log: 'listening' }, name: 'hangs', requestTimeoutMs: 500 })
    const t0 = performance.now()
    const timedOut = await svc.request('GET /hang').catch((e: unknown) => e)
    const waited = performance.now() - t0

    expect(timedOut).toBeInstanceOf(ServiceError)
    expect((timedOut as Error).message).toMatch(/^Failed to GET \/hang: the service sent no response within requestTimeoutMs \(500 ms\)\. Please check that the handler answers every request, or raise requestTimeoutMs\./)
    expect(waited).toBeLessThan(2_000)

    const inFlight = svc.request('GET /hang').catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const t1 = performance.now()
    await Promise.all([svc.stop(), svc.stop()])
    await svc.stop()
    const stopped = performance.now() - t1

    expect(await inFlight).toBeInstanceOf(ServiceError)
    expect(((await inFlight) as Error).message).toMatch(/was stopped/)
    expect(stopped).toBeLessThan(2_000)
    expect(processesMatching(mark)).toEqual([])
    reportFigures('hung child process', { requestTimeoutMs: 500, failedAfterMs: waited, stopMs: stopped })
  })

  test('an in-process handler that never answers: the request fails after requestTimeoutMs; stop() does not wait for it', async () => {
    const svc = await startService({ app: (req, res) => { if (req.url !== '/hang') res.end() }, requestTimeoutMs: 300 })
    const timedOut = await svc.request('GET /hang').catch((e: unknown) => e)
    expect((timedOut as Error).message).toMatch(/no response within requestTimeoutMs \(300 ms\)/)

    const inFlight = svc.request('GET /hang', { timeoutMs: 60_000 }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const t0 = performance.now()
    await svc.stop()
    expect(performance.now() - t0).toBeLessThan(1_000)
    expect(await inFlight).toBeInstanceOf(ServiceError)
    expect(((await inFlight) as Error).message).toMatch(/^Failed to GET \/hang: the service was stopped while the request was in flight\./)
  })

  test('a service that ignores SIGTERM and started a helper that ignores it too: stop() leaves neither', async () => {
    const mark = marker('helper')
    const svc = await startService({ command: [node, fixture('spawns-helper.mjs'), mark], ready: { log: 'listening' }, stopGraceMs: 200 })
    await waitUntil(() => processesMatching(mark).length === 2, 5_000, 'the service and its helper')
    const pids = processesMatching(mark)
    await svc.stop()
    expect(pids.filter(alive)).toEqual([])
    expect(processesMatching(mark)).toEqual([])
  })

  test('the test process is killed with SIGKILL (no exit hook runs): its service goes with it', async () => {
    const mark = marker('orphan')
    // Its stderr is piped, not inherited: a process holding the worker's stderr would hold up vitest.
    const script = spawn(node, ['--import', fixture('load-sources.mjs'), fixture('harness-script.mjs'), 'hold', mark], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    script.stdout.on('data', (chunk: Buffer) => { out += String(chunk) })
    script.stderr.on('data', (chunk: Buffer) => { out += String(chunk) })
    const service = `${fixture('hangs.mjs')} ${mark}`
    try {
      await waitUntil(() => out.includes('READY'), 15_000, 'the harness script to start its service')
      expect(processesMatching(service)).toHaveLength(1)
    } finally {
      script.kill('SIGKILL')
    }
    const t0 = performance.now()
    await waitUntil(() => processesMatching(service).length === 0, 5_000, 'the orphaned service to be killed')
    reportFigures('harness killed with SIGKILL', { serviceGoneAfterMs: performance.now() - t0 })
  }, 30_000)
})


describe.concurrent('vitest runs that end badly', () => {
  const hangingSpec = (mark: string): string => [
    `import { afterAll, test } from 'vitest'`,
    `import { startService } from 'tracewright'`,
    `const svc = await startService({ command: [process.execPath, ${JSON.stringify(fixture('hangs.mjs'))}, ${JSON.stringify(mark)}], ready: { log: 'listening' } })`,
    `afterAll(() => svc.stop())`,
    `test('waits forever', async () => {`,
    `  console.log('READY')`,
    `  await new Promise(() => {})`,
    `}, 60_000)`,
  ].join('\n')

  test.each(['SIGINT', 'SIGTERM'] as const)('a run interrupted with %s mid-test leaves no service behind', async (signal) => {
    const mark = marker(`interrupted-${signal}`)
    const dir = vitestProject(scratch, `interrupted-${signal}`, { 'hangs.spec.ts': hangingSpec(mark) })
    const result = await runVitest(dir, signal)

    expect(result.output).toContain('READY')
    await waitUntil(() => processesMatching(mark).length === 0, 5_000, `the service of the run interrupted with ${signal} to be gone`)
    reportFigures(`vitest run interrupted with ${signal}`, { exitCode: String(result.code ?? result.signal), runMs: result.ms })
  }, 60_000)

  test('a test that times out in a request: afterAll stop() still kills the service, at once; a file that forgot stop() leaves nothing either', async () => {
    const timesOut = marker('times-out')
    const forgets = marker('forgets-stop')
    const dir = vitestProject(scratch, 'times-out', {
      'times-out.spec.ts': [
        `import { afterAll, test } from 'vitest'`,
        `import { startService } from 'tracewright'`,
        `const svc = await startService({ command: [process.execPath, ${JSON.stringify(fixture('hangs.mjs'))}, ${JSON.stringify(timesOut)}], ready: { log: 'listening' } })`,
        `afterAll(async () => {`,
        `  const t0 = performance.now()`,
        `  await svc.stop()`,
        `  console.log('STOPPED in ' + Math.round(performance.now() - t0) + ' ms')`,
        `})`,
        `test('hangs in a request', async () => { await svc.request('GET /hang') }, 500)`,
      ].join('\n'),
      'forgets-stop.spec.ts': [
        `import { expect, test } from 'vitest'`,
        `import { startService } from 'tracewright'`,
        `const svc = await startService({ command: [process.execPath, ${JSON.stringify(fixture('hangs.mjs'))}, ${JSON.stringify(forgets)}], ready: { log: 'listening' } })`,
        `test('uses the service and never stops it', () => { expect(svc.url).toMatch(/^http:/) })`,
      ].join('\n'),
    })
    const result = await runVitest(dir)
    const stopMs = Number(/STOPPED in (\d+) ms/.exec(result.output)?.[1])

    expect(result.code).toBe(1)
    expect(result.output).toMatch(/Test timed out in 500ms/)
    expect(stopMs).toBeLessThan(1_500)
    expect(processesMatching(timesOut)).toEqual([])
    await waitUntil(() => processesMatching(forgets).length === 0, 5_000, 'the service of the file that forgot stop() to be gone')
    reportFigures('vitest test timed out in a request', { exitCode: String(result.code), stopMs, runMs: result.ms })
  }, 60_000)
})
