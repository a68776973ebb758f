// The HTTP plumbing both versions share: a node:http server on 127.0.0.1:$PORT with /health, and
// a router that names the SERVER span after its route (`GET /orders/:id`) as frameworks do.
import { createServer } from 'node:http'
import { trace } from '@opentelemetry/api'

/** Serves `routes` ({ 'GET /orders/:id': async (params) => body }) on $PORT. */
export function serve(routes) {
  const compiled = Object.entries(routes).map(([route, handler]) => {
    const [method, path] = route.split(' ')
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`)
    return { route, method, path, pattern, handler }
  })
  const server = createServer(async (req, res) => {
    if (req.url === '/health') return res.end('ok')
    const url = new URL(req.url ?? '/', 'http://localhost')
    for (const { route, method, path, pattern, handler } of compiled) {
      const match = req.method === method ? pattern.exec(url.pathname) : null
      if (match === null) continue
      const span = trace.getActiveSpan()
      span?.updateName(route)
      span?.setAttribute('http.route', path)
      const body = await handler(match.groups ?? {})
      res.statusCode = body === undefined ? 404 : 200
      res.setHeader('content-type', 'application/json')
      return res.end(JSON.stringify(body ?? { error: 'not found' }))
    }
    res.statusCode = 404
    res.end()
  })
  const port = Number(process.env.PORT ?? 3000)
  server.listen(port, '127.0.0.1', () => console.log(`shop listening on ${port}`))
  return server
}

/** Waits `ms` inside an INTERNAL span named `name`: work done in the service itself. */
export function work(name, ms) {
  return trace.getTracer('shop').startActiveSpan(name, async (span) => {
    await new Promise((resolve) => setTimeout(resolve, ms))
    span.end()
  })
}
