// The Deno orders service (server.ts) under test: Deno.serve and fetch traced by Deno's built-in
// OpenTelemetry, query spans through @opentelemetry/api. The contract is the same for every
// language (../polyglot/contract.ts).
import { describeOrdersContract } from '../polyglot/contract.js'
import { denoExample } from './service.js'

describeOrdersContract(denoExample, {
  // Deno knows no routes: its SERVER spans are named by the method alone.
  ordersEntry: { name: 'GET', attributes: { 'url.path': '/orders' } },
  quoteEntry: { name: 'GET', attributes: { 'url.path': '/quote/KB-01' } },
  queryTextAttribute: 'db.query.text',
  statusCodeAttribute: 'http.response.status_code',
  statusCodeType: 'string',
  lintRules: [],
})
