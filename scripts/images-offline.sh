#!/usr/bin/env bash
# Build kafka-chaos's container images locally, without any image registry.
#
#   scripts/images-offline.sh [KAFKA_VERSION ...]
#
# Images:
#   kafka-chaos/debian-jre:bookworm   base rootfs: debootstrap (minbase) bookworm +
#                                     openjdk-17-jre-headless, `docker import`ed
#   kafka-chaos/kafka:<version>       one per Kafka version: jars from Maven
#                                     (org.apache.kafka:kafka_2.13 + runtime deps +
#                                     logging binding), images/kafka/{bin,config} and
#                                     the brokers' logging config (cluster/logging)
#   kafka-chaos/toxiproxy:<version>   static toxiproxy server built with `go install`,
#                                     FROM scratch (images/toxiproxy/Dockerfile)
#
# Arguments: the Kafka versions to build (e.g. `scripts/images-offline.sh 4.4.0 3.9.1`).
# With no arguments, $KAFKA_VERSION (default 4.4.0) is built.
# Kafka >= 4 gets log4j2 (log4j-slf4j-impl + log4j-core $LOG4J2_VERSION),
# Kafka 3.x gets reload4j (slf4j-reload4j), matching each release's slf4j 1.7 API.
#
# Environment:
#   KAFKA_VERSION      Kafka version when no arguments are given (default 4.4.0)
#   TOXIPROXY_VERSION  toxiproxy module version (default 2.12.0)
#   LOG4J2_VERSION     log4j2 version for Kafka >= 4 (default 2.24.3)
#   FORCE=1            rebuild images that already exist (base image included)
#   SKIP_TOXIPROXY=1   do not build the toxiproxy image
#   DEBIAN_MIRROR      Debian mirror for debootstrap (default: the first non-security
#                      Debian URI in this machine's apt sources)
#
# Idempotent: an image that exists is skipped unless FORCE=1 (or, for Kafka,
# it was built by an older recipe). Work happens in temp dirs that are
# removed on exit. No registry hosts are named here: the Debian mirror comes
# from apt's sources; Maven and Go use their own defaults.
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
TOXIPROXY_VERSION=${TOXIPROXY_VERSION:-2.12.0}
LOG4J2_VERSION=${LOG4J2_VERSION:-2.24.3}
RELOAD4J_VERSION=${RELOAD4J_VERSION:-1.2.25}
SLF4J1_VERSION=${SLF4J1_VERSION:-1.7.36}
FORCE=${FORCE:-0}
# Bumped whenever images/kafka or build_kafka change what a Kafka image
# holds: an existing image with another recipe label is rebuilt.
# 2: class-data-sharing archive of the broker.
# 3: kafka-producer-perf-test.sh, for the price calibration.
# The brokers' logging config does not count: the harness copies its own
# into every broker, whatever the image holds.
KAFKA_RECIPE=3
SKIP_TOXIPROXY=${SKIP_TOXIPROXY:-0}
BASE_IMAGE=kafka-chaos/debian-jre:bookworm
DEBIAN_SUITE=bookworm
DEBIAN_PACKAGES=openjdk-17-jre-headless,bash,procps,iproute2,util-linux

# The legacy builder never contacts a registry for a local FROM image, and
# works without buildx. Override with DOCKER_BUILDKIT=1 if wanted.
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0}

REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGES_DIR=$REPO_ROOT/images

LOG_TAG=images-offline
# shellcheck source=scripts/images-lib.sh
. "$REPO_ROOT/scripts/images-lib.sh"

OLD_IDS=() # images replaced under FORCE=1, removed at the end when unused
need_image() { # need_image TAG [RECIPE]: 0 when TAG must be built
  if [ "$FORCE" = 1 ]; then
    log "FORCE=1: (re)building $1"
    if image_exists "$1"; then
      OLD_IDS+=("$(docker image inspect --format '{{.Id}}' "$1")")
    fi
    return 0
  fi
  if image_exists "$1"; then
    local have
    have=$(docker image inspect --format '{{index .Config.Labels "io.kafka-chaos.recipe"}}' "$1")
    if [ -n "${2:-}" ] && [ "$have" != "$2" ]; then
      log "$1 was built by recipe '${have:-none}', this script has '$2': rebuilding"
      OLD_IDS+=("$(docker image inspect --format '{{.Id}}' "$1")")
      return 0
    fi
    log "$1 already exists ($(image_size "$1")); skipping (FORCE=1 rebuilds)"
    return 1
  fi
  return 0
}

# The first main (non-security) Debian URI from the machine's apt sources.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local f uri=""
  # deb822 files: the first URI of the first "deb" stanza that is not a security suite.
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    uri=$(awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uris != "" && suites !~ /-security/ && uris !~ /security/) {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = ""; uris = ""; suites = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "types:"  { $1 = ""; types = $0 }
      tolower($1) == "uris:"   { $1 = ""; sub(/^ +/, ""); uris = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      END { if (!found) flush() }
    ' "$f")
    [ -n "$uri" ] && break
  done
  # one-line format: deb [options] URI SUITE COMPONENTS...
  if [ -z "$uri" ]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      uri=$(awk '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i) !~ /security/ && $(i + 1) !~ /-security/) { print $(i); exit }
        }' "$f")
      [ -n "$uri" ] && break
    done
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set DEBIAN_MIRROR"
  echo "$uri"
}

build_base() {
  need_image "$BASE_IMAGE" || return 0
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "debootstrap missing: installing it with apt-get"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
  fi
  local mirror rootfs arch
  mirror=$(debian_mirror)
  arch=$(dpkg --print-architecture)
  new_tmp rootfs
  rootfs=$TMP
  log "debootstrap --variant=minbase --include=$DEBIAN_PACKAGES $DEBIAN_SUITE $rootfs <mirror from apt sources: $mirror>"
  timed "debootstrap $DEBIAN_SUITE+jre" \
    debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" "$DEBIAN_SUITE" "$rootfs" "$mirror" \
    || { tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true; die "debootstrap failed (log tail above)"; }
  # Keep the image small: no apt lists, caches, docs or logs.
  log "trimming the rootfs (apt lists/caches, docs, man pages, logs)"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/tmp/* "$rootfs"/root/.cache
  [ -x "$rootfs/usr/lib/jvm/java-17-openjdk-$arch/bin/java" ] || die "no JRE in the rootfs"
  log "docker import -> $BASE_IMAGE ($(du -sh --one-file-system "$rootfs" | cut -f1) rootfs)"
  timed "docker import base" bash -c '
    tar --numeric-owner --one-file-system -C "$1" -c . | docker import \
      -c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      -c "ENV LANG=C.UTF-8" \
      -c "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$2" \
      -c "CMD [\"/bin/bash\"]" \
      -m "debootstrap minbase '"$DEBIAN_SUITE"' + '"$DEBIAN_PACKAGES"'" \
      - "$3" >/dev/null
  ' _ "$rootfs" "$arch" "$BASE_IMAGE"
  rm -rf --one-file-system "$rootfs"
  log "built $BASE_IMAGE ($(image_size "$BASE_IMAGE"))"
}

write_pom() { # write_pom DIR VERSION
  local dir=$1 ver=$2 logging
  if [ "${ver%%.*}" -ge 4 ]; then
    logging="
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J2_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J2_VERSION</version></dependency>"
  else
    logging="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>$SLF4J1_VERSION</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>$RELOAD4J_VERSION</version></dependency>"
  fi
  cat >"$dir/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<!-- throwaway pom generated by kafka-chaos scripts/images-offline.sh -->
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.kafka-chaos.offline</groupId>
  <artifactId>kafka-jars</artifactId>
  <version>$ver</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$ver</version></dependency>
    <!-- kafka-topics.sh / kafka-metadata-quorum.sh / kafka-producer-perf-test.sh; Connect is not needed for them -->
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$ver</version>
      <exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion></exclusions>
    </dependency>$logging
  </dependencies>
</project>
POM
}

# resolve_jars MAVEN_DIR OUT_DIR: copy the pom's runtime dependencies to OUT_DIR.
# Maven's output goes to a log, shown (without colour codes) only on failure.
resolve_jars() {
  if ! mvn -B -q -f "$1/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$2" >"$1/mvn.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$1/mvn.log" | tail -n 40 >&2
    return 1
  fi
}

# jar_has_class LIBDIR CLASS: is CLASS in one of LIBDIR's jars?
jar_has_class() {
  local path=${2//.//}.class jar
  for jar in "$1"/*.jar; do
    if unzip -l "$jar" "$path" >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}

build_kafka() {
  local ver=$1 tag=kafka-chaos/kafka:$1
  need_image "$tag" "$KAFKA_RECIPE" || return 0
  image_exists "$BASE_IMAGE" || die "$BASE_IMAGE missing"
  local ctx
  new_tmp "kafka-$ver"
  ctx=$TMP
  mkdir -p "$ctx/maven" "$ctx/libs" "$ctx/config"
  write_pom "$ctx/maven" "$ver"
  log "mvn dependency:copy-dependencies for org.apache.kafka:kafka_2.13:$ver (+ kafka-tools, logging binding)"
  timed "maven resolve kafka $ver" resolve_jars "$ctx/maven" "$ctx/libs" \
    || die "Maven could not resolve org.apache.kafka:kafka_2.13:$ver (log above)"
  rm -rf "$ctx/maven"
  local cls
  for cls in kafka.Kafka kafka.tools.StorageTool org.apache.kafka.tools.TopicCommand org.apache.kafka.tools.MetadataQuorumCommand org.apache.kafka.tools.ProducerPerformance; do
    jar_has_class "$ctx/libs" "$cls" || die "main class $cls not found in the Kafka $ver jars"
  done
  log "$(find "$ctx/libs" -name '*.jar' | wc -l) jars, $(du -sh "$ctx/libs" | cut -f1); main classes present"
  cp -r "$IMAGES_DIR/kafka/bin" "$ctx/bin"
  chmod 0755 "$ctx"/bin/*.sh
  # The broker's logging config is the one the harness runs brokers with;
  # in the image it serves the broker started for the class archive.
  if [ "${ver%%.*}" -ge 4 ]; then
    cp "$REPO_ROOT/cluster/logging/log4j2.yaml" "$IMAGES_DIR/kafka/config/tools-log4j2.yaml" "$ctx/config/"
  else
    cp "$REPO_ROOT/cluster/logging/log4j.properties" "$IMAGES_DIR/kafka/config/tools-log4j.properties" "$ctx/config/"
  fi
  cp "$IMAGES_DIR/kafka/Dockerfile" "$ctx/Dockerfile"
  log "docker build -t $tag (FROM $BASE_IMAGE)"
  timed "docker build kafka $ver" \
    docker build -q --force-rm --build-arg "KAFKA_VERSION=$ver" --build-arg "RECIPE=$KAFKA_RECIPE" -t "$tag" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $tag ($(image_size "$tag"))"
}

build_toxiproxy() {
  local tag=kafka-chaos/toxiproxy:$TOXIPROXY_VERSION
  need_image "$tag" || return 0
  command -v go >/dev/null 2>&1 || die "go is needed to build toxiproxy"
  local ctx gobin
  new_tmp toxiproxy
  ctx=$TMP
  gobin=$ctx/gobin
  mkdir -p "$gobin"
  log "go install github.com/Shopify/toxiproxy/v2/cmd/{server,cli}@v$TOXIPROXY_VERSION (static, outside this module)"
  # Run from the temp dir with GOFLAGS cleared so that this repo's go.mod is
  # neither read nor touched.
  timed "go build toxiproxy $TOXIPROXY_VERSION" \
    env -C "$ctx" CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS= GO111MODULE=on \
      go install -trimpath \
        -ldflags "-s -w -X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" \
        "github.com/Shopify/toxiproxy/v2/cmd/server@v$TOXIPROXY_VERSION" \
        "github.com/Shopify/toxiproxy/v2/cmd/cli@v$TOXIPROXY_VERSION" \
    || die "go install of toxiproxy v$TOXIPROXY_VERSION failed"
  mv "$gobin/server" "$ctx/toxiproxy"
  mv "$gobin/cli" "$ctx/toxiproxy-cli"
  rm -rf "$gobin"
  cp "$IMAGES_DIR/toxiproxy/Dockerfile" "$ctx/Dockerfile"
  log "docker build -t $tag (FROM scratch)"
  timed "docker build toxiproxy" \
    docker build -q --force-rm --build-arg "TOXIPROXY_VERSION=$TOXIPROXY_VERSION" -t "$tag" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $tag ($(image_size "$tag"))"
}

main() {
  local versions=("$@")
  [ ${#versions[@]} -gt 0 ] || versions=("$KAFKA_VERSION")
  local v
  for v in "${versions[@]}"; do
    [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad Kafka version '$v' (want X.Y.Z)"
  done
  # The rootfs (debootstrap) and toxiproxy (go install) are built for this
  # machine.
  require_local_engine "use the official images (unset KAFKA_CHAOS_OFFLINE)"
  command -v mvn >/dev/null 2>&1 || die "mvn is needed to resolve the Kafka jars"
  command -v unzip >/dev/null 2>&1 || die "unzip is needed to check the Kafka jars"

  log "Kafka versions: ${versions[*]}; toxiproxy: $([ "$SKIP_TOXIPROXY" = 1 ] && echo skipped || echo "$TOXIPROXY_VERSION")"
  build_base
  for v in "${versions[@]}"; do
    build_kafka "$v"
  done
  [ "$SKIP_TOXIPROXY" = 1 ] || build_toxiproxy

  # Drop replaced images that nothing uses any more (children first).
  local i
  for ((i = ${#OLD_IDS[@]} - 1; i >= 0; i--)); do
    if ! docker image inspect "${OLD_IDS[i]}" >/dev/null 2>&1 \
       || docker image inspect --format '{{.RepoTags}}' "${OLD_IDS[i]}" | grep -q 'kafka-chaos/'; then
      continue # gone, or rebuilt to the same id
    fi
    log "removing replaced image ${OLD_IDS[i]:7:12}"
    docker image rm "${OLD_IDS[i]}" >/dev/null 2>&1 || log "  (still in use; kept)"
  done

  print_timings
  log "images:"
  docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | awk '/^kafka-chaos\// { printf "  %-40s %s\n", $1, $2 }' 
}

main "$@"
