#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and serve the playground at
# http://127.0.0.1:8080 (loopback only). Ctrl-C stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_FOR="${SETUP_FOR:-serve}" bash "$ROOT/scripts/setup.sh"
. "$ROOT/scripts/env.sh"
cd "$ROOT"
echo "[serve] building and serving on http://127.0.0.1:8080 ..."
exec trunk serve --release --address 127.0.0.1 --port 8080
