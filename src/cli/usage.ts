/** `tracewright --help` */
export const MAIN_USAGE = `Usage: tracewright <command> [options]

Trace-based contract testing for OpenTelemetry-instrumented services.

Commands:
  compare   Compare two versions of a service span by span (or two stored results):
            which spans got slower, and what it does differently.

Options:
  -h, --help      Show this help; \`tracewright compare --help\` for the command's options
  -v, --version   Show tracewright's version
`

/** `tracewright compare --help` */
export const COMPARE_USAGE = `Usage:
  tracewright compare --base "<command>" --head "<command>" --scenario <file> [options]
  tracewright compare --base-file <a.json> --head-file <b.json> [options]

Starts both versions side by side, each as its own process with its own collector, runs every
scenario in randomised interleaved rounds (warm-up rounds discarded) and reports per span key the
base and head medians, the paired ratio with its 95% interval and a verdict, plus what head does
differently: spans added or removed, spans per run, new SQL statements, hosts, queues, routes.

Versions:
  --base <command>       starts the base version, e.g. "node --import tracewright/register server.js"
  --head <command>       starts the head version
  --scenario <file>      a module whose default export is defineScenarios({ … }) (.js, .mjs, .ts)
  --ready <check>        when a version takes requests: http:<path> (default http:/health),
                         log:<text> (a line of its output contains the text) or port
  --cwd <dir>            working directory of both commands (default: the current one)
  --name <service>       service.name of both versions, part of every span key (default service)
  --start-timeout-ms <ms>  how long a version may take to get ready (default 10000);
                         --start-timeout is a deprecated alias

Measuring:
  --rounds <n>|auto      measured rounds; each runs every scenario once per version (default 20);
                         auto stops as soon as every verdict is settled (sequential design)
  --max-rounds <n>       with --rounds auto: stop here at the latest (default 60)
  --warmup <n>           rounds run first and discarded (default 3)
  --seed <n>             seed of the round order and of the bootstrap (default fixed)

Deciding:
  --min-relative-effect <size>  smallest relative change reported, e.g. 10% or 0.1
                         (default 10%); --threshold is a deprecated alias
  --min-effect-ms <ms>   smallest absolute change reported, in ms (default 1);
                         --min-effect is a deprecated alias
  --quantiles <list>     judge these quantiles per span key, e.g. p50,p90,p99 (default: median)
  --fail-on-structure    structural and behaviour changes count as a regression
  --strict               stored results from different environments gate on durations anyway

Stored results (compared unpaired):
  --base-file <file>     a JSON report (--format json) or a baseline file (__baselines__/*.json);
                         from a report its head side is read: append #base for its base side
  --head-file <file>     the same, for head

Output:
  --format <format>      text, markdown, json or html (default: from --out's extension, else text)
  --out <file>           write the report to the file; the text report still goes to stdout
  -h, --help             show this help

Commands are split into words as a shell would (quotes, backslashes, leading NAME=value words go
into the environment) but run without a shell: pipes, &&, ;, redirections and $ expansions are
refused. Each version gets PORT and OTEL_* in its environment and must listen on 127.0.0.1:$PORT.
Progress goes to stderr: a bar on a terminal, plain lines in CI.

Exit codes: 0 no regression, 1 regression (a span key slower, or a structural change with
--fail-on-structure), 2 usage or runtime error.
`
