#!/usr/bin/env bash
# Install Debian's Chromium for the web page tests (tests/web) when it is missing.
# Playwright drives this system browser; it never downloads one of its own.
set -euo pipefail

log() { printf 'ci-chromium: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if command -v chromium >/dev/null 2>&1; then
    log "found $(command -v chromium)"
    exit 0
fi
log "installing chromium from the Debian archive"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium >&2
command -v chromium >/dev/null 2>&1 || { log "chromium is still missing"; exit 1; }
log "installed $(command -v chromium)"
