#!/bin/sh
# The restore drill: dump both databases now, restore each dump into a scratch database on the
# same server, and compare the row count of every table. Exits non-zero when a restore fails or
# any count differs; the scratch databases are always dropped.
#
# env: DATABASE_URL, AUDIT_DATABASE_URL   (roles need CREATEDB on their server)
#      BACKUP_DIR                          where the drill's dumps go (label "drill")
set -eu

: "${DATABASE_URL:?DATABASE_URL is required}"
: "${AUDIT_DATABASE_URL:?AUDIT_DATABASE_URL is required}"
: "${BACKUP_DIR:?BACKUP_DIR is required}"
here="$(cd "$(dirname "$0")" && pwd)"

BACKUP_LABEL=drill RETENTION_COUNT="${RETENTION_COUNT:-3}" "$here/backup.sh"

# Swap the database name in a postgres:// URL (keeps credentials and query untouched).
with_database() { # with_database <url> <name>
  printf '%s\n' "$1" | sed -E "s#^([a-z]+://[^/]*)/[^?]*#\1/$2#"
}

# "table<TAB>rows" for every user table, sorted: the fingerprint compared before and after.
row_counts() { # row_counts <url>
  psql --no-password --no-psqlrc --quiet --tuples-only --no-align --field-separator="	" --dbname="$1" <<'SQL' |
SELECT format('SELECT %L, count(*) FROM %I.%I;', schemaname || '.' || tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
\gexec
SQL
    sort
}

status=0
scratch_dbs=""
cleanup() {
  for pair in $scratch_dbs; do
    psql --no-password --no-psqlrc --quiet --dbname="${pair#*|}" \
      -c "DROP DATABASE IF EXISTS \"${pair%%|*}\"" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

drill() { # drill <role: app|audit> <url>
  latest="$(ls -1 "$BACKUP_DIR" | grep -E "^$1-drill-.*\.dump$" | sort -r | head -n 1)"
  scratch="drill_$1_$(date -u +%Y%m%d%H%M%S)"
  scratch_dbs="$scratch_dbs $scratch|$2"
  psql --no-password --no-psqlrc --quiet --dbname="$2" -c "CREATE DATABASE \"$scratch\"" >/dev/null
  scratch_url="$(with_database "$2" "$scratch")"
  "$here/restore.sh" "$BACKUP_DIR/$latest" "$scratch_url"
  before="$(row_counts "$2")"
  after="$(row_counts "$scratch_url")"
  if [ "$before" = "$after" ]; then
    echo "drill: $1 database restored; row counts match ($(printf '%s\n' "$before" | grep -c .) tables)"
  else
    echo "drill: FAILED: $1 database row counts differ after restore" >&2
    printf '%s\n' "$before" > "$BACKUP_DIR/.drill-$1-before.txt"
    printf '%s\n' "$after" > "$BACKUP_DIR/.drill-$1-after.txt"
    status=1
  fi
}

drill app "$DATABASE_URL"
drill audit "$AUDIT_DATABASE_URL"
exit "$status"
