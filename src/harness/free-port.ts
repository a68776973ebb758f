import { createServer } from 'node:net'
import type { Server } from 'node:net'

/**
 * A port on 127.0.0.1 that was free a moment ago. The child process binds it itself, so another
 * process could take it first; the harness then reports the service's own bind error.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Listens on 127.0.0.1 and an ephemeral port; rejects with the bind error. */
export function listenOnLoopback(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
}
