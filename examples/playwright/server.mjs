// The shop front: a small real web front end and the JSON API behind it, in one plain node:http
// service with no tracing set-up of its own. Run with `node --import tracewright/register`: the
// http instrumentation makes each request's SERVER span, and the "database" below (an in-memory
// table, queried through spans as a real driver's instrumentation would record them) adds a
// CLIENT span per query. The page (GET /) lists products with a Buy button each and the orders
// made; a Buy answers with the new order, or with an error the page shows when the product is
// sold out. Refresh reloads products, orders and stats: three requests from one click.
import { createServer } from 'node:http'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('shop-front', '1.0.0')
const products = [
  { sku: 'KB-01', name: 'Keyboard', stock: 5 },
  { sku: 'MS-02', name: 'Mouse', stock: 0 },
]
const orders = []

/** One query: a CLIENT span named like the statement, as the pg instrumentation names its spans. */
function query(statement, run) {
  return tracer.startActiveSpan(statement, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'sqlite', 'db.query.text': statement } }, (span) => {
    try {
      return run()
    } finally {
      span.end()
    }
  })
}

class SoldOutError extends Error {
  name = 'SoldOutError'
}

function buy(sku) {
  const product = query('SELECT * FROM products WHERE sku = ?', () => products.find((p) => p.sku === sku))
  if (product === undefined || product.stock === 0) throw new SoldOutError(`${product?.name ?? sku} is sold out`)
  product.stock--
  const order = { id: orders.length + 1, sku, name: product.name }
  query('INSERT INTO orders (sku) VALUES (?)', () => orders.push(order))
  return order
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type }).end(type === 'application/json' ? JSON.stringify(body) : body)
}

async function readBody(req) {
  let text = ''
  for await (const chunk of req) text += chunk
  return text === '' ? {} : JSON.parse(text)
}

async function handle(req, res) {
  const { pathname } = new URL(req.url ?? '/', 'http://shop')
  const span = trace.getActiveSpan()
  span?.setAttribute('http.route', pathname)
  if (req.method === 'GET' && pathname === '/health') return send(res, 200, { status: 'ok' })
  if (req.method === 'GET' && pathname === '/') return send(res, 200, PAGE, 'text/html; charset=utf-8')
  if (req.method === 'GET' && pathname === '/api/products') return send(res, 200, query('SELECT * FROM products', () => products))
  // One query for every order, whatever their number: no N+1.
  if (req.method === 'GET' && pathname === '/api/orders') return send(res, 200, query('SELECT * FROM orders JOIN products USING (sku)', () => orders))
  if (req.method === 'GET' && pathname === '/api/stats') return send(res, 200, { orders: query('SELECT count(*) FROM orders', () => orders.length) })
  if (req.method === 'POST' && pathname === '/api/orders') {
    const { sku } = await readBody(req)
    try {
      return send(res, 201, buy(sku))
    } catch (error) {
      if (!(error instanceof SoldOutError)) throw error
      span?.recordException(error)
      span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
      return send(res, 409, { error: error.message })
    }
  }
  send(res, 404, { error: 'not found' })
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => send(res, 500, { error: String(error) }))
})
server.listen(Number(process.env.PORT), '127.0.0.1')

// The page loads an optional stylesheet from ?assets=<origin>: another origin, which the
// harness must leave untouched.
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Shop</title>
<script>const assets = new URLSearchParams(location.search).get('assets'); if (assets) document.write('<link rel="stylesheet" href="' + assets + '/shop.css">')</script>
</head>
<body>
<h1>Shop</h1>
<ul id="products"></ul>
<p id="error" role="alert" hidden></p>
<h2>Orders</h2>
<ul id="orders" aria-label="orders"></ul>
<p>Orders made: <span id="count">0</span></p>
<button id="refresh">Refresh</button>
<script>
const $ = (id) => document.getElementById(id)
async function loadProducts() {
  const list = await (await fetch('/api/products')).json()
  $('products').replaceChildren(...list.map((p) => {
    const item = document.createElement('li')
    item.textContent = p.name + ' (' + p.stock + ' left) '
    const button = document.createElement('button')
    button.textContent = 'Buy ' + p.name
    button.onclick = () => buy(p.sku)
    item.append(button)
    return item
  }))
}
async function loadOrders() {
  const list = await (await fetch('/api/orders')).json()
  $('orders').replaceChildren(...list.map((o) => Object.assign(document.createElement('li'), { textContent: 'Order ' + o.id + ': ' + o.name })))
}
async function loadStats() {
  $('count').textContent = String((await (await fetch('/api/stats')).json()).orders)
}
async function buy(sku) {
  const response = await fetch('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku }) })
  const body = await response.json()
  if (!response.ok) {
    $('error').textContent = 'Could not buy: ' + body.error
    $('error').hidden = false
    return
  }
  $('error').hidden = true
  $('orders').append(Object.assign(document.createElement('li'), { textContent: 'Order ' + body.id + ': ' + body.name }))
}
$('refresh').onclick = () => Promise.all([loadProducts(), loadOrders(), loadStats()])
loadProducts()
</script>
</body>
</html>
`
