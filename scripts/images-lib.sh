# Helpers shared by scripts/images-offline.sh and scripts/images-lookalike.sh
# (sourced, not run). The sourcing script sets LOG_TAG, the prefix of its
# messages, before sourcing.

log() { echo "[$LOG_TAG] $*"; }
die() { echo "[$LOG_TAG] ERROR: $*" >&2; exit 1; }

TMP_DIRS=()
cleanup() {
  local d
  for d in "${TMP_DIRS[@]}"; do
    [ -n "$d" ] && [ -d "$d" ] && rm -rf --one-file-system "$d"
  done
  return 0
}
trap cleanup EXIT
# new_tmp NAME: make a temp dir (removed on exit) and put its path in $TMP.
# (Not a command substitution: the dir must be recorded in this shell.)
new_tmp() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/kafka-chaos-$1.XXXXXX")
  TMP_DIRS+=("$TMP")
}

TIMINGS=()
# timed LABEL CMD...: run CMD, print and record how long it took.
timed() {
  local label=$1 start end rc=0
  shift
  start=$(date +%s.%N)
  "$@" || rc=$?
  end=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  TIMINGS+=("$(printf '%-40s %7ss' "$label" "$secs")")
  log "step '$label' took ${secs}s"
  return "$rc"
}

# print_timings: every timed step of this run, if any.
print_timings() {
  if [ ${#TIMINGS[@]} -gt 0 ]; then
    log "timings:"
    printf '  %s\n' "${TIMINGS[@]}"
  fi
}

# go_arch MACHINE: uname -m's name of an architecture in Go's (and Debian's) terms.
go_arch() {
  case $1 in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) echo "$1" ;;
  esac
}

# require_local_engine HINT: Docker answers, on this machine's architecture.
# Binaries and packages fetched here are for this machine, so images built
# from them only run on an engine of the same architecture; HINT says what
# to do instead.
require_local_engine() {
  docker info >/dev/null 2>&1 || die "docker is not answering; run scripts/docker-up.sh first"
  local engine host
  engine=$(go_arch "$(docker info --format '{{.Architecture}}')")
  host=$(go_arch "$(uname -m)")
  [ "$engine" = "$host" ] || die "the Docker engine runs on $engine, this machine on $host: images built here would not run there; $1"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_size() { docker image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1000000 }'; }
