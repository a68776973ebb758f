import type { RequestListener } from 'node:http'
import { SpanKind, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('accounts-app', '1.0.0')

interface Account {
  readonly id: string
  readonly plan: string
  readonly email: string
}

const ACCOUNTS = new Map<string, Account>([['8231', { id: '8231', plan: 'team', email: 'ada@example.com' }]])

// The data layer, traced the way a database instrumentation does it: a CLIENT span named after the
// operation and table, with the stable database attributes.
async function findAccount(id: string): Promise<Account | undefined> {
  return tracer.startActiveSpan('SELECT accounts', {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'accounts',
      'db.query.text': 'SELECT id, plan, email FROM accounts WHERE id = $1',
    },
  }, async (span) => {
    try {
      return ACCOUNTS.get(id)
    } finally {
      span.end()
    }
  })
}

/**
 * The accounts service.
 * - `GET /accounts/:id` is traced by the conventions.
 * - `GET /legacy/accounts/:id` is the old endpoint, with the mistakes the lint exists to catch:
 *   the raw path recorded as the route, a span named after the account id, the customer's e-mail
 *   address in an attribute, and a camelCase attribute key.
 */
export const accountsApp: RequestListener = async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const current = /^\/accounts\/(\w+)$/.exec(url.pathname)
  const legacy = /^\/legacy\/accounts\/(\w+)$/.exec(url.pathname)
  const entry = trace.getActiveSpan()
  if (current) {
    entry?.setAttribute('http.route', '/accounts/:id')
    const account = await findAccount(current[1] as string)
    entry?.setAttribute('account.plan', account?.plan ?? 'none')
    res.writeHead(account ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(account ?? {}))
    return
  }
  if (legacy) {
    const id = legacy[1] as string
    entry?.setAttribute('http.route', url.pathname)
    const account = await tracer.startActiveSpan(`load account ${id}`, async (span) => {
      const found = await findAccount(id)
      span.setAttribute('customer.email', found?.email ?? '')
      span.setAttribute('accountPlan', found?.plan ?? '')
      span.end()
      return found
    })
    res.writeHead(account ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(account ?? {}))
    return
  }
  res.writeHead(404).end()
}
