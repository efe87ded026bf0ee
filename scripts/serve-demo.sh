#!/usr/bin/env bash
# Serves the demo: the background worker in the background, the web server in the foreground on
# 127.0.0.1:${PORT:-8000}. The worker is stopped when the server stops (Ctrl-C) or the shell exits.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/dudao" worker &
worker=$!
stop_worker() {
    trap - EXIT INT TERM
    if kill -0 "$worker" 2>/dev/null; then
        kill -TERM "$worker" 2>/dev/null || true
        wait "$worker" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'stop_worker; exit 130' INT
trap 'stop_worker; exit 143' TERM

echo "Dudao demo on http://127.0.0.1:${PORT:-8000}/ (background worker pid $worker); Ctrl-C stops both."
"$BIN/dudao" runserver "127.0.0.1:${PORT:-8000}"
