import { describe, expect, test } from 'vitest'
import { parseCompareArgs, parseReady, parseRelativeEffect } from '../../src/cli/compare-args.js'

const LIVE = ['--base', 'node v1.mjs', '--head', 'node v2.mjs', '--scenario', 's.mjs']

describe('parseCompareArgs', () => {
  test('a live comparison with its defaults', () => {
    expect(parseCompareArgs(LIVE)).toEqual({
      mode: 'live', base: 'node v1.mjs', head: 'node v2.mjs', scenario: 's.mjs', ready: { http: '/health' },
      rounds: 20, warmup: 3, failOnStructure: false, strict: false, format: 'text',
    })
  })

  test('every option', () => {
    expect(parseCompareArgs([...LIVE, '--ready', 'log:listening', '--cwd', '/srv', '--name', 'shop', '--start-timeout-ms', '20000',
      '--rounds', '12', '--warmup=2', '--seed=-5', '--min-relative-effect', '5%', '--min-effect-ms', '0.5', '--fail-on-structure', '--format', 'html', '--out', 'r.html'])).toEqual({
      mode: 'live', base: 'node v1.mjs', head: 'node v2.mjs', scenario: 's.mjs', ready: { log: 'listening' }, cwd: '/srv', name: 'shop',
      startTimeoutMs: 20000, rounds: 12, warmup: 2, seed: -5, minRelativeEffect: 0.05, minEffectMs: 0.5, failOnStructure: true, strict: false,
      format: 'html', out: 'r.html',
    })
  })

  test('the deprecated flag names still work: --threshold, --min-effect, --start-timeout', () => {
    expect(parseCompareArgs([...LIVE, '--threshold', '5%', '--min-effect', '2', '--start-timeout', '900'])).toMatchObject({
      minRelativeEffect: 0.05, minEffectMs: 2, startTimeoutMs: 900,
    })
  })

  test.each([
    ['--min-relative-effect', '--threshold'], ['--min-effect-ms', '--min-effect'], ['--start-timeout-ms', '--start-timeout'],
  ])('%s and its old name %s together are refused', (name, old) => {
    expect(() => parseCompareArgs([...LIVE, name, '1', old, '1'])).toThrow(`${old} is the older name of ${name}, and both are given`)
  })

  test('--rounds auto with --max-rounds, and --quantiles as percentiles or fractions', () => {
    expect(parseCompareArgs([...LIVE, '--rounds', 'auto', '--max-rounds', '40', '--quantiles', 'p50,p90,p99.9'])).toMatchObject({
      rounds: 'auto', maxRounds: 40, quantiles: [0.5, 0.9, 0.999],
    })
    expect(parseCompareArgs([...LIVE, '--quantiles', '0.5, .99'])).toMatchObject({ quantiles: [0.5, 0.99] })
  })

  test('stored results', () => {
    expect(parseCompareArgs(['--base-file', 'a.json', '--head-file', 'b.json#base', '--strict'])).toEqual({
      mode: 'files', baseFile: 'a.json', headFile: 'b.json#base', failOnStructure: false, strict: true, format: 'text',
    })
  })

  test.each([
    ['r.json', 'json'], ['r.md', 'markdown'], ['r.markdown', 'markdown'], ['r.HTML', 'html'], ['r.htm', 'html'], ['r.txt', 'text'], ['report', 'text'],
  ])('--out %s implies --format %s', (out, format) => {
    expect(parseCompareArgs([...LIVE, '--out', out])).toMatchObject({ format })
  })

  test('--format wins over the extension', () => {
    expect(parseCompareArgs([...LIVE, '--out', 'r.json', '--format', 'markdown'])).toMatchObject({ format: 'markdown' })
  })

  test.each([
    [['--help'], { mode: 'help' }],
    [[...LIVE, '-h'], { mode: 'help' }],
  ])('%j asks for help', (argv, expected) => {
    expect(parseCompareArgs(argv)).toEqual(expected)
  })

  test.each([
    [[...LIVE, '--bogus'], /^Failed to read the arguments: Unknown option '--bogus'.*Run `tracewright compare --help` for the options\.$/],
    [[...LIVE, '--rounds'], /Option '--rounds <value>' argument missing/],
    [[...LIVE, 'node', 'v3.mjs'], /unexpected "node"\. Commands go in one quoted argument, e\.g\. --base "node server\.js"/],
    [['--head', 'x', '--scenario', 's'], /--base is missing\. Please give the command that starts the base version/],
    [['--base', 'x', '--scenario', 's'], /--head is missing/],
    [['--base', 'x', '--head', 'y'], /--scenario is missing\. Please give a scenario file/],
    [['--base-file', 'a.json'], /--head-file is missing/],
    [['--base-file', 'a.json', '--head-file', 'b.json', '--rounds', '3'], /--rounds starts or measures versions, but --base-file and --head-file compare stored results/],
    [[...LIVE, '--rounds', '0'], /--rounds "0": expected a whole number of at least 1/],
    [[...LIVE, '--rounds', '2.5'], /--rounds "2.5": expected a whole number/],
    [[...LIVE, '--warmup=-1'], /--warmup "-1": expected a whole number of at least 0/],
    [[...LIVE, '--min-effect-ms', 'x'], /--min-effect-ms "x": expected a number of at least 0/],
    [[...LIVE, '--min-effect', 'x'], /--min-effect "x": expected a number of at least 0/],
    [[...LIVE, '--format', 'pdf'], /--format "pdf": expected one of text, markdown, json, html/],
    [[...LIVE, '--ready', 'tcp'], /--ready "tcp": expected http:<path> \(e\.g\. http:\/health\), log:<text> \(e\.g\. log:listening\) or port/],
    [[...LIVE, '--min-relative-effect', '10'], /--min-relative-effect "10": expected a percentage such as 10% or a fraction such as 0\.1/],
    [[...LIVE, '--max-rounds', '40'], /--max-rounds bounds --rounds auto, and --rounds is not given/],
    [[...LIVE, '--rounds', 'auto', '--max-rounds', '3'], /--max-rounds "3": expected a whole number of at least 5/],
    [[...LIVE, '--quantiles', 'p50,p100'], /--quantiles "p50,p100": "p100" is not a quantile\. Please list percentiles such as p50,p90,p99/],
    [[...LIVE, '--quantiles', '90'], /"90" is not a quantile/],
    [[...LIVE, '--threshold', '10'], /--threshold "10": expected a percentage such as 10% or a fraction such as 0\.1/],
  ])('%j: a readable error', (argv, message) => {
    expect(() => parseCompareArgs(argv)).toThrow(message)
  })
})

describe('parseReady', () => {
  test.each([
    ['http:/health', { http: '/health' }],
    ['http:/ready?deep=1', { http: '/ready?deep=1' }],
    ['log:listening on', { log: 'listening on' }],
    ['port', { port: true }],
  ])('%s', (text, expected) => {
    expect(parseReady(text)).toEqual(expected)
  })

  test.each(['http:health', 'log:', 'http', ''])('refuses %j', (text) => {
    expect(() => parseReady(text)).toThrow(/expected http:<path>/)
  })
})

describe('parseRelativeEffect', () => {
  test.each([['10%', 0.1], ['2.5%', 0.025], ['0%', 0], ['0.1', 0.1], ['.05', 0.05], ['150%', 1.5]])('%s → %d', (text, value) => {
    expect(parseRelativeEffect(text)).toBeCloseTo(value, 10)
  })

  test.each(['1', '10', 'ten', '-5%', '%', ''])('refuses %j', (text) => {
    expect(() => parseRelativeEffect(text)).toThrow(/expected a percentage such as 10%/)
  })
})
