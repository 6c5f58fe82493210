#!/usr/bin/env bash
# The whole test suite: install, type-check, lint, then every jest project
# (pure libraries, then the API against real PostgreSQL and Redis).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
source scripts/with-services.sh
trap stop_embedded_pg EXIT
ensure_postgres pg-test 54329
ensure_redis
export NX_DAEMON=false NX_NO_CLOUD=true
echo "› tsc -b (types et build)"
npx tsc -b tsconfig.build.json
echo "› eslint (frontières de modules Nx comprises)"
npx nx show projects >/dev/null  # computes the project graph the boundary rule reads
npx eslint . --max-warnings=0
echo "› jest"
mkdir -p tmp
status=0
npx jest --ci --json --outputFile=tmp/jest-results.json "$@" || status=$?
# Web app (issue #8): types, component tests (vitest, jsdom), then end to end in Chromium against
# the real API, worker and a fresh database (apps/admin/e2e). MTR_SKIP_WEB=1 skips it.
rm -f tmp/admin-unit-results.json tmp/admin-e2e-results.json
web_failed=0
if [ "${MTR_SKIP_WEB:-0}" != 1 ]; then
  echo "› application web : construction, tests de composants, bout en bout (Chromium, axe-core)"
  if node apps/admin/scripts/build-if-needed.mjs && npx tsc -p apps/admin/tsconfig.node.json; then
    (cd apps/admin && npx vitest run --reporter=default --reporter=json --outputFile.json=../../tmp/admin-unit-results.json) || status=1
    (cd apps/admin && npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=../../tmp/admin-e2e-results.json) || status=1
    [ -f tmp/admin-e2e-results.json ] || web_failed=1
  else
    web_failed=1
    status=1
  fi
fi
# One plain closing line for CI readers.
WEB_FAILED=$web_failed node -e "const fs=require('fs');let p=0,f=+process.env.WEB_FAILED,s=0;for(const n of ['jest','admin-unit','admin-e2e']){const j='./tmp/'+n+'-results.json';if(!fs.existsSync(j))continue;const r=require(j);p+=r.numPassedTests;f+=r.numFailedTests;s+=r.numPendingTests||0}console.log('tests: '+p+' passed, '+f+' failed'+(s?', '+s+' skipped':''))" || true
exit $status
