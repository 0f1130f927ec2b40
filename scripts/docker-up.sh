#!/usr/bin/env bash
# Make sure a Docker daemon is answering on this machine.
#
#   scripts/docker-up.sh
#
# - If `docker info` answers: print the server version, exit 0.
# - Otherwise: install Debian's docker.io if dockerd is missing (note that
#   /usr/local/bin/docker may be a client only), start dockerd in the
#   background (log: $DOCKERD_LOG, default /var/log/dockerd.log) and wait up to
#   $DOCKER_WAIT seconds (default 60) for `docker info` to answer.
# Runs as root, or through sudo when not root and sudo is available.
# Idempotent: a running daemon is left alone.
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
DOCKER_WAIT=${DOCKER_WAIT:-60}

log() { echo "[docker-up] $*"; }
die() { echo "[docker-up] ERROR: $*" >&2; exit 1; }

server_version() { docker info --format '{{.ServerVersion}}' 2>/dev/null; }

if command -v docker >/dev/null 2>&1 && v=$(server_version) && [ -n "$v" ]; then
  log "docker daemon already running, server version $v"
  exit 0
fi

# Privilege: root directly, else sudo (non-interactive) if available.
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
    log "not root: using sudo"
    if v=$(sudo -n docker info --format '{{.ServerVersion}}' 2>/dev/null) && [ -n "$v" ]; then
      log "docker daemon is running (server version $v) but its socket is not accessible to $(id -un);"
      log "use sudo or add the user to the 'docker' group"
      exit 0
    fi
  else
    die "docker is not answering, and starting dockerd needs root (no sudo found)"
  fi
fi

if ! command -v dockerd >/dev/null 2>&1 && [ ! -x /usr/sbin/dockerd ] && [ ! -x /usr/bin/dockerd ]; then
  log "dockerd not found: installing Debian's docker.io"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io
fi
DOCKERD=$(command -v dockerd || true)
if [ -z "$DOCKERD" ]; then
  for p in /usr/sbin/dockerd /usr/bin/dockerd; do [ -x "$p" ] && DOCKERD=$p && break; done
fi
[ -n "$DOCKERD" ] || die "dockerd still missing after installing docker.io"
command -v docker >/dev/null 2>&1 || die "docker client missing (docker.io should provide /usr/bin/docker)"

if pgrep -x dockerd >/dev/null 2>&1; then
  log "a dockerd process exists but does not answer yet; waiting for it instead of starting another"
else
  log "starting $DOCKERD in the background (log: $DOCKERD_LOG)"
  # The redirection is done by a root shell so that the log path is writable.
  "${SUDO[@]}" sh -c 'nohup "$1" >"$2" 2>&1 </dev/null &' sh "$DOCKERD" "$DOCKERD_LOG"
fi

log "waiting up to ${DOCKER_WAIT}s for the daemon to answer"
deadline=$((SECONDS + DOCKER_WAIT))
while [ "$SECONDS" -lt "$deadline" ]; do
  if v=$(server_version) && [ -n "$v" ]; then
    log "docker daemon up after $((SECONDS + DOCKER_WAIT - deadline))s, server version $v"
    exit 0
  fi
  sleep 1
done

echo "[docker-up] ERROR: dockerd did not answer 'docker info' within ${DOCKER_WAIT}s." >&2
echo "[docker-up] See the daemon log: $DOCKERD_LOG (last lines below)" >&2
tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || "${SUDO[@]}" tail -n 20 "$DOCKERD_LOG" >&2 || true
exit 1
