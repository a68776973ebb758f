import { describe, expect, test } from 'vitest'
import { joinCommand, splitCommand, UsageError } from 'tracewright'

describe('splitCommand', () => {
  test.each([
    ['node server.js', ['node', 'server.js']],
    ['  node   --import tracewright/register\tserver.js  ', ['node', '--import', 'tracewright/register', 'server.js']],
    [`node 'my server.mjs'`, ['node', 'my server.mjs']],
    [`node "my server.mjs" --flag="a b"`, ['node', 'my server.mjs', '--flag=a b']],
    [`node my\\ server.mjs`, ['node', 'my server.mjs']],
    [`echo 'it''s' "say \\"hi\\"" "back\\\\slash" "keep \\n"`, ['echo', 'its', 'say "hi"', 'back\\slash', 'keep \\n']],
    [`echo '$HOME | ; && > <' "a|b" a\\|b`, ['echo', '$HOME | ; && > <', 'a|b', 'a|b']],
    [`echo '' ""`, ['echo', '', '']],
    [`node a.js \\\n  --port 1`, ['node', 'a.js', '--port', '1']],
    [`node --title=a#b x`, ['node', '--title=a#b', 'x']],
  ])('%s', (input, argv) => {
    expect(splitCommand(input).argv).toEqual(argv)
  })

  test('leading NAME=value words go into the environment', () => {
    expect(splitCommand(`NODE_ENV=production DEBUG='a b' node server.js FOO=bar`)).toEqual({
      argv: ['node', 'server.js', 'FOO=bar'],
      env: { NODE_ENV: 'production', DEBUG: 'a b' },
    })
  })

  test.each([
    ['node a.js | tee log', '"|" is a pipe at column 11'],
    ['npm run build && node a.js', '"&" is a background or && operator at column 15'],
    ['node a.js; rm -rf /', '";" is a command separator at column 10'],
    ['node a.js > out.log', '">" is a redirection at column 11'],
    ['node a.js < in', '"<" is a redirection at column 11'],
    ['node $(which app)', '"$" is a variable or command substitution at column 6'],
    ['node $HOME/a.js', '"$" is a variable or command substitution at column 6'],
    ['node "$HOME/a.js"', '"$" inside double quotes would be a variable or command substitution in a shell at column 7'],
    ['node `which app`', '"`" is a command substitution at column 6'],
    ['(node a.js)', '"(" is a subshell at column 1'],
    ['node a.js # comment', '"#" would start a comment in a shell at column 11'],
    [`node 'a.js`, 'the single quote is never closed at column 6'],
    [`node "a.js`, 'the double quote is never closed at column 6'],
    ['node a.js \\', 'a trailing backslash escapes nothing at column 11'],
  ])('refuses %s', (input, problem) => {
    const error = (() => { try { splitCommand(input, 'the base command') } catch (e) { return e } })()
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(`Failed to read the base command ${JSON.stringify(input)}: ${problem}.`)
  })

  test('the refusal names the fix', () => {
    expect(() => splitCommand('a | b')).toThrow(/without a shell.*put what you need in a script/)
  })

  test.each(['', '   ', 'FOO=1', 'A=1 B=2'])('refuses %j: no program', (input) => {
    expect(() => splitCommand(input)).toThrow(/names no program to run/)
  })

  test('joinCommand quotes only what needs it, and splitCommand reads it back', () => {
    const argv = ['node', '--import', 'tracewright/register', 'my server.mjs', `it's`, '', 'a|b', '$HOME']
    const line = joinCommand(argv)
    expect(line).toBe(`node --import tracewright/register 'my server.mjs' 'it'\\''s' '' 'a|b' '$HOME'`)
    expect(splitCommand(line).argv).toEqual(argv)
  })
})
