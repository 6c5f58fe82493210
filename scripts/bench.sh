#!/usr/bin/env bash
# Runs one API benchmark (apps/api/src/bench/<name>.ts) with the same services as the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
source scripts/with-services.sh
trap stop_embedded_pg EXIT
ensure_postgres pg-bench 54327
ensure_redis
npx tsc -b tsconfig.build.json
node "apps/api/dist/bench/$1.js"
