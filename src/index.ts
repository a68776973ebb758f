// The public library surface of `tracewright`. Matchers live in `tracewright/matchers` and are
// registered by `tracewright/vitest`.
import './node-version.js'
export { startService } from './harness/start-service.js'
export type { StartServiceOptions } from './harness/start-service.js'
export { setRoute } from './harness/set-route.js'
export { attachService } from './harness/attach-service.js'
export type { AttachServiceOptions } from './harness/attach-service.js'
export { jaegerTraces } from './sources/jaeger-traces.js'
export type { JaegerTracesOptions } from './sources/jaeger-traces.js'
export type { TraceSource } from './sources/trace-source.js'
export { connectService, shareService } from './harness/shared-service.js'
export type { ConnectServiceOptions, SharedServiceHandle, SharingService } from './harness/shared-service.js'
export type { InProcessApp, InProcessServiceOptions } from './harness/in-process.js'
export type { ChildProcessServiceOptions } from './harness/child-process.js'
export type { Readiness } from './harness/readiness.js'
export type {
  RequestOptions,
  RequestSpec,
  Service,
  TracedHttpResponse,
  TracedResponse,
  ForeignTrace,
  WaitForSpanOptions,
} from './harness/types.js'

export { Trace, traceOf } from './select/trace.js'
export { selfTimeMs } from './model/trace-tree.js'
export { criticalPath, criticalPathSpans, criticalTimeMs } from './model/critical-path.js'
export type { CriticalPathSpan, CriticalSegment } from './model/critical-path.js'
export type { TraceInit, TraceView } from './model/trace-tree.js'
export type { LinkedTraces, ResolvedLink, TraceOptions } from './select/trace.js'
export type { CapturedLog } from './model/captured-log.js'
export { renderTrace, formatMs } from './model/render-trace.js'
export { DEFAULT_SNAPSHOT_ATTRIBUTES, renderTraceSnapshot } from './model/trace-snapshot.js'
export type { TraceSnapshotOptions } from './model/trace-snapshot.js'
export { findTraceBreaks } from './model/trace-breaks.js'
export type { TraceBreak } from './model/trace-breaks.js'
export type { RenderTraceOptions, SpanMark } from './model/render-trace.js'
export { serviceOf, isCapturedSpan } from './model/captured-span.js'
export type {
  AttributeValue,
  Attributes,
  CapturedEvent,
  CapturedLink,
  CapturedScope,
  CapturedSpan,
  CapturedStatus,
  SpanKindName,
  StatusCodeName,
} from './model/captured-span.js'

export { lintTrace } from './lint/lint-trace.js'
export type {
  AllowPattern,
  CustomLintRule,
  CustomLintRuleDefinition,
  LintConfig,
  LintContext,
  LintFinding,
  LintRuleOptions,
  LintRuleSetting,
  LintRuleSeverity,
  LintSeverity,
  LintViolation,
} from './lint/types.js'

export { selectSpans, matchesSelector, closestSpans, explainMismatch, describeSelector } from './select/select-spans.js'
export type { Candidate, Equals, Mismatch } from './select/select-spans.js'
export { dbQuery } from './select/db-query.js'
export { anySpans } from './select/tree-pattern.js'
export type { AnySpans, TreePattern } from './select/tree-pattern.js'
export type {
  AsymmetricMatcherLike,
  AttributeMatcher,
  EventQuery,
  ScopeQuery,
  Selector,
  SpanPredicate,
  SpanQuery,
  TextMatcher,
} from './select/selector.js'

export { TraceStore } from './collector/trace-store.js'
export type { TraceEvent, TraceStoreOptions } from './collector/trace-store.js'
export { startCollector, linkLogLine } from './collector/start-collector.js'
export type { Collector, CollectorOptions } from './collector/start-collector.js'
export { settleTrace } from './collector/settle.js'
export { settleReport } from './harness/settle-report.js'
export type { SettleReport } from './harness/settle-report.js'
export type { SettleOptions } from './collector/settle.js'
export { StoreSpanProcessor, toCapturedSpan } from './collector/span-processor.js'

export { compareSamples, median, quantileMinSamples, samplesNeeded, tailPowerBound, tailRunsNeeded } from './baseline/statistics.js'
export type { CompareOptions, Comparison, QuantileComparison, TailComparison, TailVerdict, Verdict } from './baseline/statistics.js'
export { TraceSamples } from './baseline/trace-samples.js'
export type { KeySamples, SequentialDesign } from './baseline/trace-samples.js'
export type { AdaptiveOptions, Measurable, MeasureOptions, MeasureProgress, ScenarioClient } from './harness/measure.js'
export { drawMeasureProgress } from './report/measure-progress.js'
export type { MeasureProgressStream } from './report/measure-progress.js'
export { sequentialLooks } from './baseline/sequential.js'
export type { Look, SequentialPlan } from './baseline/sequential.js'
export { describeAttribution } from './baseline/attribution.js'
export type { CriticalPathAttribution, FrequencyChange, PathContribution } from './baseline/attribution.js'
export { spanKey } from './baseline/span-key.js'
export { compareWithBaseline } from './baseline/compare-baseline.js'
export type { BaselineComparison, BaselineComparisonOptions, KeyDuration, StructureChange } from './baseline/compare-baseline.js'

export { compareVersions } from './compare/compare-versions.js'
export type { CompareVersionsOptions, ComparisonProgress, VersionOptions } from './compare/compare-versions.js'
export { compareStoredResults, parseComparisonReport } from './compare/stored-results.js'
export type { CompareStoredResultsOptions } from './compare/stored-results.js'
export type { DecisionOptions } from './compare/settings.js'
export { defineScenarios, loadScenarios } from './compare/scenarios.js'
export type { Scenarios } from './compare/scenarios.js'
export { splitCommand, joinCommand } from './compare/shell-words.js'
export type { SplitCommand } from './compare/shell-words.js'
export { COMPARISON_SCHEMA_VERSION } from './compare/types.js'
export type {
  AttributeChange,
  ComparisonReport,
  ComparisonSettings,
  ComparisonSummary,
  ReportSpan,
  ReportTrace,
  ScenarioComparison,
  SideInfo,
  SideKey,
  SideSamples,
} from './compare/types.js'
export { formatComparisonText } from './report/comparison/comparison-text.js'
export type { ComparisonTextOptions } from './report/comparison/comparison-text.js'
export { formatComparisonMarkdown } from './report/comparison/comparison-markdown.js'
export { formatComparisonJson } from './report/comparison/comparison-json.js'
export { formatComparisonHtml } from './report/comparison/comparison-html.js'
export { toOtlpJson } from './collector/otlp/encode-otlp-json.js'
export type { OtlpJsonKeyValue, OtlpJsonTraces, OtlpJsonValue } from './collector/otlp/encode-otlp-json.js'

export {
  BaselineError,
  LateSpanError,
  OtlpDecodeError,
  SelectorError,
  ServiceError,
  ServiceStartError,
  SpanLookupError,
  TraceLimitError,
  TraceTimeoutError,
  TracewrightError,
  UsageError,
} from './errors.js'
export type { TracewrightErrorCode } from './errors.js'
