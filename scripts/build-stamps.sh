# Sourced by build-examples.sh and build-deployed.sh: the stamp that skips an unchanged build, and
# the record of why one failed. Each script sets `label` (its name in messages) and `failed=0`.

# Skips a build whose inputs hash to the stamp of the last good build.
fresh() { [[ -f "$1/.build/stamp" && "$(cat "$1/.build/stamp")" == "$2" ]]; }
# $2 is a list of file patterns, expanded inside the folder $1.
inputs() { (cd "$1" && cat $2 | sha256sum | cut -d' ' -f1); }
# Records why $1 did not build, in .build/error, where its tests read it.
missing() {
  mkdir -p "$1/.build" && rm -f "$1/.build/stamp" && echo "$2" > "$1/.build/error"
  echo "$label: $1: $2" >&2
  failed=1
}
