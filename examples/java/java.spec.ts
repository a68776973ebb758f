// The Java orders service (Main.java) under test: the OpenTelemetry SDK from autoconfigure, the
// official JDBC library instrumentation, and SERVER/CLIENT spans the service makes for the JDK's
// HTTP server and client. The contract is the same for every language (../polyglot/contract.ts).
import { STABLE_CONVENTIONS, describeOrdersContract } from '../polyglot/contract.js'
import { javaExample } from './service.js'

describeOrdersContract(javaExample, {
  ordersEntry: { name: 'GET /orders' },
  quoteEntry: { name: 'GET /quote/{sku}' },
  queryTextAttribute: 'db.statement',
  statusCodeAttribute: 'http.response.status_code',
  statusCodeType: 'number',
  // The JDBC library instrumentation records the database conventions from before they were
  // stable (db.statement, db.system, …) unless OTEL_SEMCONV_STABILITY_OPT_IN=database.
  lintRules: ['outdated-attributes'],
})

describeOrdersContract(javaExample, {
  env: { OTEL_SEMCONV_STABILITY_OPT_IN: 'database' },
  ordersEntry: { name: 'GET /orders' },
  quoteEntry: { name: 'GET /quote/{sku}' },
  ...STABLE_CONVENTIONS,
  lintRules: [],
})
