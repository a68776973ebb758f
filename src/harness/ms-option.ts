import { UsageError } from '../errors.js'
import { finiteAtLeast, requireNumber } from '../number-option.js'

/** A time option's names: the current `…Ms` one and the deprecated one without its unit. */
export interface MsOptionNames {
  readonly name: string
  readonly alias: string
}

const MILLISECONDS = finiteAtLeast(0, 'a number of milliseconds ≥ 0', '5000')

/**
 * Reads a time option in ms by its `…Ms` name, or else by its deprecated alias (`timeout` for
 * `timeoutMs`): the value, or `fallback` when neither is given, checked by requireNumber. Errors
 * name the current option, and both names given with different values is an error rather than
 * a silent pick.
 */
export function msOption(options: object, names: MsOptionNames, fallback: number, action: string): number {
  const record = options as Readonly<Record<string, unknown>>
  const value = record[names.name]
  const old = record[names.alias]
  if (value !== undefined && old !== undefined && value !== old) {
    throw new UsageError(`Failed to ${action}: ${names.name} and its deprecated alias ${names.alias} are both given, with different values. Please give only ${names.name}.`)
  }
  return requireNumber(value ?? old ?? fallback, names.name, MILLISECONDS, action, 'must')
}
