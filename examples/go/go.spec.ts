// The Go orders service (main.go) under test: net/http with otelhttp, pgx with otelpgx, exported
// with otlptracehttp. The contract is the same for every language (../polyglot/contract.ts).
import { STABLE_CONVENTIONS, describeOrdersContract } from '../polyglot/contract.js'
import { goExample } from './service.js'

describeOrdersContract(goExample, {
  ordersEntry: { name: 'GET /orders' },
  quoteEntry: { name: 'GET /quote/{sku}' },
  ...STABLE_CONVENTIONS,
  lintRules: [],
})
