#!/usr/bin/env bash
# Builds the services of examples/go, examples/python and examples/java from their pinned
# dependencies (go.mod/go.sum, requirements.txt, pom.xml), each into its own .build/ folder (git
# ignores it). A language whose inputs have not changed since its last build is skipped, so running
# this before every test run costs a second. examples/deno needs no build: `npm ci` installs Deno.
#
#   scripts/build-examples.sh [go] [python] [java]   (default: all three)
#
# A missing toolchain fails that language with a message saying what to install; the others still
# build. Exit code: 0 when every requested language built, 1 otherwise.
set -uo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)
cd "$scripts/../examples"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
failed=0

label=build-examples
. "$scripts/build-stamps.sh"

build_go() {
  command -v go >/dev/null || { missing go 'the go command is not on PATH. Please install Go 1.26 or newer (e.g. apt-get install golang, or from the Go module proxy'"'"'s toolchain).'; return; }
  local stamp; stamp=$(inputs go 'go.mod go.sum *.go')
  fresh go "$stamp" && return
  mkdir -p go/.build && (cd go && go build -o .build/orders .) && echo "$stamp" > go/.build/stamp || missing go 'go build failed (see above).'
}

build_python() {
  command -v python3 >/dev/null || { missing python 'python3 is not on PATH. Please install Python 3.9 or newer with venv and pip (apt-get install python3-venv python3-pip).'; return; }
  local stamp; stamp=$(inputs python 'requirements.txt')
  fresh python "$stamp" && return
  rm -rf python/.build && python3 -m venv python/.build/venv \
    && python/.build/venv/bin/pip install -q --disable-pip-version-check -r python/requirements.txt \
    && echo "$stamp" > python/.build/stamp || missing python 'creating the venv or pip install -r requirements.txt failed (see above). Please install python3-venv and check that PyPI is reachable.'
}

build_java() {
  command -v mvn >/dev/null && command -v javac >/dev/null || { missing java 'mvn or javac is not on PATH. Please install a JDK 17 or newer and Maven (apt-get install openjdk-17-jdk-headless maven).'; return; }
  local stamp; stamp=$(inputs java 'pom.xml src/main/java/example/*.java')
  fresh java "$stamp" && return
  rm -rf java/.build && (cd java \
    && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=.build/lib \
    && javac -d .build/classes -cp '.build/lib/*' src/main/java/example/*.java) \
    && echo "$stamp" > java/.build/stamp || missing java 'resolving the pom or javac failed (see above). Please check that Maven Central is reachable.'
}

for language in "${@:-go python java}"; do
  for one in $language; do
    start=$SECONDS
    "build_$one"
    echo "build-examples: $one ready in $((SECONDS - start)) s" >&2
  done
done
exit $failed
