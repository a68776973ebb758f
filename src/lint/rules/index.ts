import type { LintRule } from '../lint-rule.js'
import { attributeNaming } from './attribute-naming.js'
import { emptyAttributeValues } from './empty-attribute-values.js'
import { errorStatus } from './error-status.js'
import { httpAttributes } from './http-attributes.js'
import { noPersonalData } from './no-personal-data.js'
import { dbAttributes, messagingAttributes, rpcAttributes } from './operation-attributes.js'
import { outdatedAttributes } from './outdated-attributes.js'
import { propagation } from './propagation.js'
import { serverSpanName } from './server-span-name.js'
import { spanKind } from './span-kind.js'
import { spanNameCardinality } from './span-name-cardinality.js'

/** Every built-in rule, in the order violations on one span are listed. */
export const BUILT_IN_RULES: readonly LintRule[] = [
  propagation,
  spanKind,
  errorStatus,
  noPersonalData,
  spanNameCardinality,
  serverSpanName,
  httpAttributes,
  dbAttributes,
  messagingAttributes,
  rpcAttributes,
  outdatedAttributes,
  attributeNaming,
  emptyAttributeValues,
]
