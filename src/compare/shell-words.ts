import { UsageError } from '../errors.js'

/** A command line split into the program, its arguments and leading `NAME=value` assignments. */
export interface SplitCommand {
  /** The program and its arguments, as `spawn` takes them. */
  readonly argv: readonly [string, ...string[]]
  /** Leading `NAME=value` words, as a shell would put them in the program's environment. */
  readonly env: Readonly<Record<string, string>>
}

// Characters a shell would act on outside quotes. Nothing here runs a shell, so a command that
// relies on one is refused rather than passed on with the operator as a literal argument.
const OPERATORS: Readonly<Record<string, string>> = {
  '|': 'a pipe',
  '&': 'a background or && operator',
  ';': 'a command separator',
  '<': 'a redirection',
  '>': 'a redirection',
  '(': 'a subshell',
  ')': 'a subshell',
  '`': 'a command substitution',
  '$': 'a variable or command substitution',
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/

/**
 * Splits a command line the way a POSIX shell splits words, without a shell: nothing in it is
 * expanded or evaluated. Words are separated by unquoted whitespace; `'…'` keeps everything
 * literally; `"…"` keeps everything except that `\"`, `\\`, `` \` `` and `\$` stand for the
 * character itself; outside quotes `\x` stands for `x`. Leading `NAME=value` words become
 * environment variables, as in `NODE_ENV=production node server.js`.
 *
 * Pipes, `&&`, `;`, redirections, subshells, `$VAR`, `$(…)`, backticks and comments are refused
 * with a {@link UsageError} naming the character and its column: a program cannot do what the user
 * meant by them. Quote such a character to pass it literally, or put the pipeline in a script and
 * run the script.
 *
 * @example
 * ```ts
 * splitCommand(`PORT_HINT=1 node --import tracewright/register "my server.mjs"`)
 * // { argv: ['node', '--import', 'tracewright/register', 'my server.mjs'], env: { PORT_HINT: '1' } }
 * splitCommand('node a.js | tee log') // throws UsageError: "|" at column 11 is a pipe …
 * ```
 */
export function splitCommand(text: string, what = 'the command'): SplitCommand {
  if (typeof text !== 'string') {
    throw new UsageError(`Failed to read ${what}: expected a string such as "node server.js", got ${String(text)}.`)
  }
  const fail = (column: number, problem: string, fix: string): never => {
    throw new UsageError(`Failed to read ${what} ${JSON.stringify(text)}: ${problem} at column ${column + 1}. ${fix}`)
  }
  const words: string[] = []
  let word: string | undefined
  let quote: "'" | '"' | undefined
  let quoteStart = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quote === "'") {
      if (c === "'") quote = undefined
      else word = (word ?? '') + c
      continue
    }
    if (quote === '"') {
      if (c === '"') {
        quote = undefined
      } else if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) {
        if (text[i + 1] !== '\n') word = (word ?? '') + (text[i + 1] as string)
        i++
      } else if (c === '$' || c === '`') {
        fail(i, `${JSON.stringify(c)} inside double quotes would be ${OPERATORS[c]} in a shell`,
          `tracewright runs commands without a shell, so nothing is expanded. Please write the value itself, or use single quotes to pass ${JSON.stringify(c)} literally.`)
      } else {
        word = (word ?? '') + c
      }
      continue
    }
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
      continue
    }
    if (c === "'" || c === '"') {
      quote = c
      quoteStart = i
      word ??= ''
      continue
    }
    if (c === '\\') {
      if (i + 1 >= text.length) fail(i, 'a trailing backslash escapes nothing', 'Please remove it, or write \\\\ for a literal backslash.')
      // A backslash-newline continues the line, as in a shell.
      if (text[i + 1] !== '\n') word = (word ?? '') + text[i + 1]
      i++
      continue
    }
    if (c === '#' && word === undefined) {
      fail(i, '"#" would start a comment in a shell', 'Please remove the comment, or quote the "#" to pass it literally.')
    }
    const operator = OPERATORS[c]
    if (operator !== undefined) {
      fail(i, `${JSON.stringify(c)} is ${operator}`,
        'tracewright runs commands without a shell, so there are no pipes, lists, redirections or expansions. ' +
          'Please quote the character to pass it literally, or put what you need in a script and run that (e.g. --base "./start-base.sh").')
    }
    word = (word ?? '') + c
  }
  if (quote !== undefined) fail(quoteStart, `the ${quote === "'" ? 'single' : 'double'} quote is never closed`, 'Please close it.')
  if (word !== undefined) words.push(word)
  const env: Record<string, string> = {}
  let first = 0
  while (first < words.length && ASSIGNMENT.test(words[first] as string)) {
    const assignment = words[first] as string
    const eq = assignment.indexOf('=')
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1)
    first++
  }
  const argv = words.slice(first)
  if (argv.length === 0) {
    throw new UsageError(`Failed to read ${what} ${JSON.stringify(text)}: it names no program to run. Please give the program and its arguments, e.g. "node server.js".`)
  }
  return { argv: argv as [string, ...string[]], env }
}

/**
 * Writes argv back as one line that {@link splitCommand} reads into the same words, quoting only
 * the words that need it; for messages and reports.
 *
 * @example
 * ```ts
 * joinCommand(['node', 'my server.mjs']) // `node 'my server.mjs'`
 * ```
 */
export function joinCommand(argv: readonly string[]): string {
  return argv.map((word) => (word !== '' && /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ')
}
