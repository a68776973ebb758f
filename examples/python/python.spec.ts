// The Python orders service (app.py) under test: Flask, psycopg and urllib under
// `opentelemetry-instrument`, with no tracing code. The contract is the same for every language
// (../polyglot/contract.ts); the Python instrumentations record the HTTP and database conventions
// from before they were stable unless OTEL_SEMCONV_STABILITY_OPT_IN says otherwise.
import { STABLE_CONVENTIONS, describeOrdersContract } from '../polyglot/contract.js'
import { pythonExample } from './service.js'

describeOrdersContract(pythonExample, {
  ordersEntry: { name: 'GET /orders' },
  quoteEntry: { name: 'GET /quote/<sku>' },
  queryTextAttribute: 'db.statement',
  statusCodeAttribute: 'http.status_code',
  statusCodeType: 'number',
  // The flask, psycopg and urllib instrumentations record the HTTP and database conventions from
  // before they were stable (http.method, db.statement, …): a true finding, which the opt-in fixes.
  lintRules: ['outdated-attributes'],
})

describeOrdersContract(pythonExample, {
  env: { OTEL_SEMCONV_STABILITY_OPT_IN: 'http,database' },
  ordersEntry: { name: 'GET /orders' },
  quoteEntry: { name: 'GET /quote/<sku>' },
  ...STABLE_CONVENTIONS,
  lintRules: [],
})
