#!/usr/bin/env bash
# make loadtest: gunicorn on the local PostgreSQL with the seed plus generated records, then
# 32 concurrent connections for a minute over browse, search, record pages and API.
set -euo pipefail
cd "$(dirname "$0")/.."
PARTNERSHIPS=${PARTNERSHIPS:-20000}
pid=$(perf/serve.sh twinning_load "$PARTNERSHIPS" 8001)
trap 'kill "$pid" 2>/dev/null || true' EXIT
.venv/bin/python perf/loadtest.py --base-url http://127.0.0.1:8001 \
  --concurrency "${CONCURRENCY:-32}" --duration "${DURATION:-60}"
