#!/usr/bin/env bash
# PostgreSQL's own ceiling for the patient page (issue #9, docs/scaling.md « Chiffres mesurés »):
# the transaction exactly as the API sends it (opening + principal check, the prepared 50-row
# page, the audit row with the COMMIT), replayed by pgbench as the application role, no Node, no
# HTTP; then the same without the audit row. Needs the database `npm run bench:load` leaves
# (mtr2_bench). Usage: bash scripts/pgbench-page.sh [clients] [seconds]
set -euo pipefail
C=${1:-8}
T=${2:-8}
HOST=${PGHOST:-127.0.0.1}
DB=${BENCH_DB:-mtr2_bench}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
psql -h "$HOST" -U postgres -d "$DB" -AtF' ' -c "SELECT DISTINCT ON (m.tenant_id) m.tenant_id, u.id, u.principal_version
  FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.role = 'coordinator' ORDER BY m.tenant_id LIMIT 10" > "$dir/users"
i=0
while read -r t u v; do
  i=$((i + 1))
  cat > "$dir/audit$i.sql" <<SQL
\set off random(0, 9) * 50
BEGIN;
SELECT set_config('app.tenant_id', '$t', true), set_config('app.scope', 'tenant', true), set_config('app.user_id', '$u', true);
SELECT auth_principal_current('$u', $v);
SELECT (SELECT coalesce(sum(patients), 0) FROM patient_counts) AS total, id, external_id, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, mt_rpps, to_char(mt_from, 'YYYY-MM-DD') AS mt_from, to_char(mt_to, 'YYYY-MM-DD') AS mt_to, to_char(info_note_date, 'YYYY-MM-DD') AS info_note_date, evaluation_opposed, identity_enc, key_id FROM patients ORDER BY external_id OFFSET :off LIMIT 50;
INSERT INTO audit_events (tenant_id, seq, actor_user_id, actor_role, action, resource_type, resource_id, correlation_id, detail, hash) VALUES ('$t'::uuid, 0, '$u'::uuid, 'coordinator', 'patient.read_identity', 'patient', NULL, NULL, '{"count":50,"offset":0}'::jsonb, '\x');
COMMIT;
SQL
  grep -v '^INSERT' "$dir/audit$i.sql" > "$dir/plain$i.sql"
done < "$dir/users"
[ "$i" -gt 0 ] || { echo "aucune structure dans $DB : lancez d'abord npm run bench:load" >&2; exit 1; }
run() { pgbench -h "$HOST" -U mtr_app -d "$DB" -n -M prepared -c "$C" -j 2 -T "$T" "$@" 2>&1 | grep -E '^(tps|latency average)'; }
files() { for k in $(seq 1 "$i"); do printf -- '-f %s ' "$dir/$1$k.sql"; done; }
echo "page + trace d'audit, $i structures, $C clients :"; run $(files audit)
echo "page + trace d'audit, une structure :"; run -f "$dir/audit1.sql"
echo "page sans trace d'audit, $i structures :"; run $(files plain)
