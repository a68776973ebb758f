#!/usr/bin/env bash
# Builds the two engines of the deployed-system tests (docs/deployed.md) from the versions pinned
# in deploy/*/go.mod and go.sum, each into its folder's .build/ (git ignores it):
#   deploy/collector  an OpenTelemetry Collector distribution (main.go: OTLP receiver, batch
#                     processor, otlp and otlphttp exporters, every module at one release)
#   deploy/jaeger     Jaeger v2, the module's `tool` directive (github.com/jaegertracing/jaeger/cmd/jaeger)
# A build whose inputs have not changed since the last good one is skipped, so the test suite's
# globalSetup runs this every time for a second. A cold build (empty Go caches) takes minutes:
# see DEVELOPERS.md for the measured time.
#
#   scripts/build-deployed.sh [collector] [jaeger]   (default: both)
#
# A failed build records why in .build/error, where the tests read it. Exit code 0 when every
# requested engine built, 1 otherwise.
set -uo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)
cd "$scripts/../deploy"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
failed=0

label=build-deployed
. "$scripts/build-stamps.sh"

# $1 folder, $2 binary name, $3 package to build, $4 input files.
build() {
  command -v go >/dev/null || { missing "$1" 'the go command is not on PATH. Please install Go 1.26 or newer.'; return; }
  local stamp; stamp=$(inputs "$1" "$4")
  [[ -x "$1/.build/$2" ]] && fresh "$1" "$stamp" && return
  mkdir -p "$1/.build" && rm -f "$1/.build/error" \
    && (cd "$1" && go build -trimpath -o ".build/$2.tmp" "$3" && mv ".build/$2.tmp" ".build/$2") \
    && echo "$stamp" > "$1/.build/stamp" || missing "$1" "go build failed (see above). Please check that the Go module proxy is reachable."
}

for engine in "${@:-collector jaeger}"; do
  for one in $engine; do
    start=$SECONDS
    case $one in
      collector) build collector otelcol . 'go.mod go.sum *.go' ;;
      jaeger) build jaeger jaeger github.com/jaegertracing/jaeger/cmd/jaeger 'go.mod go.sum' ;;
      *) echo "build-deployed: unknown engine $one (collector or jaeger)" >&2; failed=1; continue ;;
    esac
    echo "build-deployed: $one ready in $((SECONDS - start)) s" >&2
  done
done
exit $failed
