#!/usr/bin/env bash
# Starts the platform with demo data: installs what is missing, starts or finds PostgreSQL
# and Redis, builds, migrates, seeds, then runs the worker and the API until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
source scripts/with-services.sh
WORKER_PID=""
API_PID=""
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null || true
  [ -n "$WORKER_PID" ] && kill "$WORKER_PID" 2>/dev/null || true
  stop_embedded_pg
}
trap cleanup EXIT
ensure_postgres pg-dev 54328
ensure_redis

mkdir -p .data
if [ -z "${JWT_SECRET:-}" ]; then
  # A development secret kept across restarts; production sets JWT_SECRET itself.
  [ -f .data/dev-jwt-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64'))" > .data/dev-jwt-secret
  export JWT_SECRET="$(cat .data/dev-jwt-secret)"
fi
export DATABASE_NAME="${DATABASE_NAME:-mtr2}" PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"

echo "› build"
npx tsc -b tsconfig.build.json
node apps/admin/scripts/build-if-needed.mjs
# The API also serves the built web app under / (and itself under /api, as nginx does in production).
export WEB_APP_DIR="${WEB_APP_DIR:-$PWD/apps/admin/dist}"
echo "› migrations"
node apps/api/dist/cli/main.js migrate
echo "› données de démonstration"
node apps/api/dist/cli/main.js seed > .data/demo-logins.txt

node apps/api/dist/worker.js &
WORKER_PID=$!
node apps/api/dist/main.js &
API_PID=$!
for _ in $(seq 1 60); do
  curl -fs "http://$HOST:$PORT/health/live" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || { echo "L'API n'a pas démarré." >&2; exit 1; }
  sleep 0.5
done
cat .data/demo-logins.txt
echo
echo "Plateforme MTR 2 démarrée"
echo "  Application web:     http://$HOST:$PORT/   (comptes ci-dessus, mot de passe commun Demo-MTR2-2026!)"
echo "  API:                 http://$HOST:$PORT"
echo "  Documentation API:   http://$HOST:$PORT/docs"
echo "  Exemple: curl -s -X POST http://$HOST:$PORT/auth/login -H 'content-type: application/json' \\"
echo "             -d '{\"email\":\"coord.tilleuls@demo-mtr2.fr\",\"password\":\"Demo-MTR2-2026!\"}'"
echo "Arrêt: Ctrl-C"
wait "$API_PID"
