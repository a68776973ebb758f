import { compareSides, summariseScenarios } from '../../../src/compare/compare-sides.js'
import type { SideComparisonOptions } from '../../../src/compare/compare-sides.js'
import { representativeRun, toReportTrace, toSideSamples } from '../../../src/compare/side-samples.js'
import { COMPARISON_SCHEMA_VERSION } from '../../../src/compare/types.js'
import type { ComparisonReport, ScenarioComparison } from '../../../src/compare/types.js'
import type { EnvironmentFingerprint } from '../../../src/baseline/baseline-file.js'
import { shopRuns, V1, V2 } from '../../compare/shop-runs.js'
import type { ShopVersion } from '../../compare/shop-runs.js'

/** A fixed environment, so reports built in tests are the same on every machine. */
export const FIXTURE_ENVIRONMENT: EnvironmentFingerprint = { cpu: 'Fixture CPU @ 3.00GHz', cores: 2, node: 'v24.0.0', os: 'linux x64' }

/**
 * A paired comparison report of the fixture shop: 'get order' with v2's N+1, new statement,
 * new stock host and slower pricing; 'get order, same version' without a change.
 */
export function fixtureReport(options: { failOnStructure?: boolean; head?: ShopVersion; quantiles?: readonly number[] } = {}): ComparisonReport {
  const settings: SideComparisonOptions = {
    paired: true, minRelativeEffect: 0.1, minAbsoluteEffectMs: 1, alpha: 0.01, seed: 1, failOnStructure: options.failOnStructure ?? false, advisory: false,
    ...(options.quantiles === undefined ? {} : { quantiles: options.quantiles }),
  }
  const scenario = (name: string, head: ShopVersion, seed: number): ScenarioComparison => {
    const runs = shopRuns(V1, head, 16, seed)
    const comparison = compareSides(name, toSideSamples(runs.base, FIXTURE_ENVIRONMENT), toSideSamples(runs.head, FIXTURE_ENVIRONMENT), settings)
    return {
      ...comparison,
      representative: { base: representativeRun(runs.base).map(toReportTrace), head: representativeRun(runs.head).map(toReportTrace) },
    }
  }
  const scenarios = [scenario('get order', options.head ?? V2, 7), scenario('get order, same version', V1, 8)]
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'tracewright-comparison',
    createdAt: '2026-01-02T03:04:05.000Z',
    mode: 'paired',
    base: { label: 'base', command: ['node', '--import', 'tracewright/register', 'v1.mjs'] },
    head: { label: 'head', command: ['node', '--import', 'tracewright/register', 'v2 <new>.mjs'] },
    settings: {
      rounds: 16, warmup: 3, minRelativeEffect: 0.1, minAbsoluteEffectMs: 1, alpha: 0.01, seed: 1, failOnStructure: options.failOnStructure ?? false,
      ...(options.quantiles === undefined ? {} : { quantiles: options.quantiles }),
    },
    summary: summariseScenarios(scenarios, []),
    scenarios,
  }
}
