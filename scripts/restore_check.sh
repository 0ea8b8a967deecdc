#!/usr/bin/env bash
# Prove that a backup of the database can be restored (docs/deploy.md, Backups).
#
#   scripts/restore_check.sh DATABASE_URL              dump it now, restore, compare
#   scripts/restore_check.sh DATABASE_URL BACKUP.dump  restore that backup, compare
#
# The backup (pg_dump's custom format, as the nightly job makes it) is restored
# into a scratch database on the same server, named after the source with
# "_restore_check" added, which is dropped again at the end. Then every table's
# row count and every sequence's position are compared with the source's: with a
# fresh dump they must all match; with an older backup file the source has moved
# on since, so the differences are listed and only a restore error fails.
# Needs pg_dump, pg_restore and psql of the server's major version or newer, and
# a role that may create databases. Exit status 0: restored and (fresh dump) equal.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
source_url=$1
backup=${2:-}

# postgres://user@host:5432/name?options -> the server part, the name, the options.
without_query=${source_url%%\?*}
query=${source_url#"$without_query"}
server=${without_query%/*}
name=${without_query##*/}
[ -n "$name" ] && [ "$server" != "$without_query" ] || usage
scratch="${name}_restore_check"
scratch_url="$server/$scratch$query"
admin_url="$server/postgres$query"

work=$(mktemp -d)
cleanup() {
  psql "$admin_url" -qAt -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

started=$(date +%s)
if [ -z "$backup" ]; then
  backup="$work/backup.dump"
  echo "Dumping $name (custom format)..."
  pg_dump --format=custom --no-owner --no-privileges --file="$backup" "$source_url"
fi
echo "Backup: $(du -h "$backup" | cut -f1)"

psql "$admin_url" -qAt -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" \
  -c "CREATE DATABASE \"$scratch\""
echo "Restoring into $scratch..."
if ! pg_restore --no-owner --no-privileges --exit-on-error --jobs=2 \
  --dbname="$scratch_url" "$backup"; then
  echo "FAILED: the backup did not restore." >&2
  exit 1
fi

# One line per table ("table<TAB>rows") and per sequence ("sequence<TAB>last value"),
# counted exactly, in one round trip.
census() {
  psql "$1" -qAt -v ON_ERROR_STOP=1 -F $'\t' <<'SQL'
SELECT format(
  'SELECT %L, count(*) FROM %I.%I',
  'table ' || schemaname || '.' || tablename, schemaname, tablename
)
FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT format(
  'SELECT %L, last_value FROM %I.%I',
  'sequence ' || schemaname || '.' || sequencename, schemaname, sequencename
)
FROM pg_sequences
ORDER BY 1
\gexec
SQL
}
census "$source_url" | sort >"$work/source.txt"
census "$scratch_url" | sort >"$work/restored.txt"

tables=$(grep -c '^table ' "$work/restored.txt" || true)
rows=$(awk -F'\t' '/^table /{n += $2} END {print n + 0}' "$work/restored.txt")
echo "Restored: $tables tables, $rows rows, in $(( $(date +%s) - started )) s."
if diff -u "$work/source.txt" "$work/restored.txt" >"$work/diff.txt"; then
  echo "OK: every table's row count and every sequence match the source."
  exit 0
fi
echo "Differences (- the source now, + the restored backup):"
grep '^[-+][a-z]' "$work/diff.txt" || true
if [ -z "${2:-}" ]; then
  echo "FAILED: a fresh dump restored differently." >&2
  exit 1
fi
echo "The backup restored; the source has changed since it was taken."
