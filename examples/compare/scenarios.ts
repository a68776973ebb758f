// The scenarios `tracewright compare` runs against both versions, written with the same client as
// specs. A TypeScript file: Node runs it by stripping the types.
import { defineScenarios } from 'tracewright'
import type { ScenarioClient } from 'tracewright'

export default defineScenarios({
  'get order': async (client: ScenarioClient) => {
    const { response } = await client.request('GET /orders/42')
    if (response.status !== 200) throw new Error(`GET /orders/42 answered ${response.status}`)
  },
  'list orders': 'GET /orders',
})
