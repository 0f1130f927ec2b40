#!/usr/bin/env bash
# CI ONLY: build look-alikes of the official images and tag them with the
# official names, inside CI's throwaway Docker engine, so that the harness's
# default path (no KAFKA_CHAOS_OFFLINE) runs against the official layout
# where no registry can be reached.
#
#   KAFKA_CHAOS_LOOKALIKE=1 scripts/images-lookalike.sh [KAFKA_VERSION ...]
#
# Never run this on a user's machine: an image tagged apache/kafka:<version>
# or ghcr.io/shopify/toxiproxy:<version> is used instead of the real one,
# which is then never pulled. The script refuses without
# KAFKA_CHAOS_LOOKALIKE=1, and refuses to replace an image pulled from a
# registry.
#
# Images (names from `kafka-chaos images`, i.e. what the default path asks
# for):
#   apache/kafka:<version>           images/lookalike/kafka: user appuser
#                                    (uid 1000), busybox /bin/sh, the
#                                    release's bin/*.sh and logging config,
#                                    the official volumes, entrypoint and
#                                    command; jars from kafka-chaos/kafka:<version>
#   ghcr.io/shopify/toxiproxy:<ver>  images/lookalike/toxiproxy: FROM scratch,
#                                    root; binaries from kafka-chaos/toxiproxy
#   eclipse-temurin:17-jdk           images/lookalike/jdk: root, the JDK at
#                                    /opt/java/openjdk (Debian's, whose JRE
#                                    has the compiler and jar modules), which
#                                    compiles the Java application
# Ryuk (testcontainers/ryuk, testcontainers' reaper) is not built: its Go
# module is not served by the module proxy, so .ci/run disables it.
#
# Needs the offline images (scripts/images-offline.sh <versions>) and
# Debian's busybox-static package, fetched with apt-get from this machine's
# apt sources. Arguments: Kafka versions (default: the pinned one).
# `go test ./cluster -run Lookalike` with KAFKA_CHAOS_LOOKALIKE=1 checks the
# result against the official layout.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOOKALIKE_DIR=$REPO_ROOT/images/lookalike

LOG_TAG=images-lookalike
# shellcheck source=scripts/images-lib.sh
. "$REPO_ROOT/scripts/images-lib.sh"

# The legacy builder takes a local image as FROM without asking a registry.
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0}

# default_images VERSION: the Kafka and toxiproxy images the default path
# asks for, one per line.
default_images() {
  (cd "$REPO_ROOT" && env -u KAFKA_CHAOS_OFFLINE -u KAFKA_CHAOS_KAFKA_IMAGE -u KAFKA_CHAOS_TOXIPROXY_IMAGE \
    go run ./cmd/kafka-chaos images "$1")
}

# may_replace TAG: refuse to shadow an image pulled from a registry (it has
# a repository digest; a locally built one has none).
may_replace() {
  image_exists "$1" || return 0
  [ "$(docker image inspect --format '{{len .RepoDigests}}' "$1")" = 0 ] ||
    die "$1 was pulled from a registry: not replacing it with a look-alike (this script is for CI's throwaway engine)"
}

# fetch_busybox DIR: Debian's static busybox, from this machine's apt sources.
fetch_busybox() {
  local dir=$1 deb
  new_tmp busybox
  if ! (cd "$TMP" && apt-get -qq download busybox-static 2>/dev/null); then
    log "apt-get download busybox-static failed: updating the package lists first"
    apt-get -qq update
    (cd "$TMP" && apt-get -qq download busybox-static 2>/dev/null) || die "apt-get download busybox-static failed"
  fi
  deb=$(echo "$TMP"/busybox-static_*.deb)
  dpkg-deb -x "$deb" "$TMP/x"
  cp "$TMP/x/bin/busybox" "$dir/busybox"
  "$dir/busybox" sh -c 'echo ok' >/dev/null || die "the busybox from $(basename "$deb") does not run"
}

# kafka_context DIR VERSION: the build context of the Kafka look-alike.
# Kafka 4 moved its scripts' default logging config to log4j2
# (config/log4j2.yaml, config/tools-log4j2.yaml); the copied scripts are
# the 3.9 line's, so for 4.x those two defaults are rewritten as 4.x has
# them.
kafka_context() {
  local ctx=$1 ver=$2 major=${2%%.*}
  cp -r "$LOOKALIKE_DIR/kafka/bin" "$LOOKALIKE_DIR/kafka/docker" "$LOOKALIKE_DIR/kafka/Dockerfile" \
    "$LOOKALIKE_DIR/kafka/__cacert_entrypoint.sh" "$ctx/"
  if [ "$major" -ge 4 ]; then
    cp -r "$LOOKALIKE_DIR/kafka/config/4" "$ctx/config"
    sed -i 's|"-Dlog4j.configuration=file:$base_dir/../config/log4j.properties"|"-Dlog4j2.configurationFile=$base_dir/../config/log4j2.yaml"|' "$ctx/bin/kafka-server-start.sh"
    sed -i -e 's|config/tools-log4j.properties"|config/tools-log4j2.yaml"|' \
      -e 's|"-Dlog4j.configuration=file:${LOG4J_DIR}"|"-Dlog4j2.configurationFile=${LOG4J_DIR}"|' "$ctx/bin/kafka-run-class.sh"
    grep -q 'log4j2.configurationFile=$base_dir/../config/log4j2.yaml' "$ctx/bin/kafka-server-start.sh" &&
      grep -q 'tools-log4j2.yaml' "$ctx/bin/kafka-run-class.sh" &&
      grep -q 'log4j2.configurationFile=${LOG4J_DIR}' "$ctx/bin/kafka-run-class.sh" ||
      die "the 4.x logging defaults did not apply to images/lookalike/kafka/bin"
  else
    cp -r "$LOOKALIKE_DIR/kafka/config/3" "$ctx/config"
  fi
}

build_kafka() { # build_kafka VERSION TAG BUSYBOX
  local ver=$1 tag=$2 ctx
  image_exists "kafka-chaos/kafka:$ver" || die "kafka-chaos/kafka:$ver (the jars) is missing: run scripts/images-offline.sh $ver first"
  may_replace "$tag"
  new_tmp "lookalike-kafka-$ver"
  ctx=$TMP
  kafka_context "$ctx" "$ver"
  cp "$3" "$ctx/busybox"
  timed "docker build $tag" docker build -q --force-rm --build-arg "KAFKA_VERSION=$ver" -t "$tag" "$ctx" >/dev/null
  log "built $tag ($(image_size "$tag"))"
}

build_toxiproxy() { # build_toxiproxy TAG
  local tag=$1 ver=${1##*:}
  image_exists "kafka-chaos/toxiproxy:$ver" || die "kafka-chaos/toxiproxy:$ver (the binaries) is missing: run scripts/images-offline.sh first"
  may_replace "$tag"
  timed "docker build $tag" docker build -q --force-rm --build-arg "TOXIPROXY_VERSION=$ver" -t "$tag" "$LOOKALIKE_DIR/toxiproxy" >/dev/null
  log "built $tag ($(image_size "$tag"))"
}

build_jdk() { # build_jdk TAG
  local tag=$1
  may_replace "$tag"
  timed "docker build $tag" docker build -q --force-rm -t "$tag" "$LOOKALIKE_DIR/jdk" >/dev/null
  log "built $tag ($(image_size "$tag"))"
}

main() {
  [ "${KAFKA_CHAOS_LOOKALIKE:-}" = 1 ] ||
    die "CI only: this tags look-alikes with the official image names, which then shadow the real images; set KAFKA_CHAOS_LOOKALIKE=1 on a throwaway Docker engine"
  local versions=("$@")
  if [ ${#versions[@]} -eq 0 ]; then
    versions=("$(sed -n 's/^const DefaultKafkaVersion = "\(.*\)"/\1/p' "$REPO_ROOT/cluster/config.go")")
  fi
  require_local_engine "build them on the engine's machine"
  command -v apt-get >/dev/null 2>&1 || die "apt-get is needed to fetch busybox-static"

  local bbdir v names=()
  new_tmp busybox-bin
  bbdir=$TMP
  timed "fetch busybox-static" fetch_busybox "$bbdir"
  for v in "${versions[@]}"; do
    [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad Kafka version '$v' (want X.Y.Z)"
    mapfile -t names < <(default_images "$v")
    [ ${#names[@]} = 3 ] || die "kafka-chaos images $v printed ${names[*]:-nothing}"
    build_kafka "$v" "${names[0]}" "$bbdir/busybox"
  done
  build_toxiproxy "${names[1]}"
  build_jdk "${names[2]}"
  print_timings
}

main "$@"
