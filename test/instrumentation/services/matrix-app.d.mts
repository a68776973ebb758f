// Types of matrix-app.mjs, which stays plain JavaScript so a child process runs it without a loader.
import type { RequestListener } from 'node:http'

/** Where the app's infrastructure is, and a URL where nothing listens. */
export interface MatrixConfig {
  readonly databaseUrl: string
  readonly schema: string
  readonly redisUrl: string
  readonly redisPrefix: string
  readonly amqpUrl: string
  readonly queue: string
  readonly deadUrl: string
}

/** The client libraries the app uses, loaded by the caller (so the caller decides how they are patched). */
export interface MatrixLibraries {
  readonly express: unknown
  readonly pg: unknown
  readonly Redis: unknown
  readonly amqp: unknown
  readonly http: unknown
}

export interface MatrixApp {
  /** The Express app: a node:http request listener. */
  readonly app: RequestListener
  /** Closes the broker, Redis and PostgreSQL connections. */
  close(): Promise<void>
}

export function createMatrixApp(libs: MatrixLibraries, config: MatrixConfig): Promise<MatrixApp>
