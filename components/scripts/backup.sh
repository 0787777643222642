#!/bin/sh
# Dump the app and audit databases (pg_dump custom format, compressed) into $BACKUP_DIR with
# timestamped names, then prune by count and age. Any failure exits non-zero, so a release
# whose pre-release backup fails is aborted.
#
# env: DATABASE_URL, AUDIT_DATABASE_URL   connection URLs (secrets: never echoed)
#      BACKUP_DIR                          where dumps go (a protected volume or host path)
#      BACKUP_LABEL                        scheduled | pre-release | drill (default: scheduled)
#      RETENTION_COUNT, RETENTION_DAYS     keep at most N dumps per database, none older than D days;
#                                          the newest dump of each database is always kept
set -eu
# Dumps hold every row of both databases: readable by the backup user only.
umask 077

: "${DATABASE_URL:?DATABASE_URL is required}"
: "${AUDIT_DATABASE_URL:?AUDIT_DATABASE_URL is required}"
: "${BACKUP_DIR:?BACKUP_DIR is required}"
label="${BACKUP_LABEL:-scheduled}"
keep_count="${RETENTION_COUNT:-14}"
keep_days="${RETENTION_DAYS:-30}"

case "$label" in *[!a-z0-9-]* | "") echo "backup: BACKUP_LABEL must be lowercase letters, digits, dashes" >&2; exit 2 ;; esac
mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

dump() { # dump <database role: app|audit> <url>
  final="$BACKUP_DIR/$1-$label-$stamp.dump"
  partial="$final.partial"
  echo "backup: dumping the $1 database to $final"
  if ! pg_dump --format=custom --compress=9 --no-password --file="$partial" --dbname="$2"; then
    rm -f "$partial"
    echo "backup: FAILED to dump the $1 database; nothing was replaced" >&2
    exit 1
  fi
  # A dump is only ever visible under its final name once complete.
  mv "$partial" "$final"
}

prune() { # prune <database role>
  # Newest first, by the ISO 8601 UTC stamp at the end of the name (labels may contain dashes).
  ls -1 "$BACKUP_DIR" | grep -E "^$1-[a-z0-9-]+-[0-9]{8}T[0-9]{6}Z\.dump$" |
    sed -E 's/^.*-([0-9]{8}T[0-9]{6}Z)\.dump$/\1 &/' | sort -r | cut -d' ' -f2 | {
    n=0
    while IFS= read -r name; do
      n=$((n + 1))
      [ "$n" -eq 1 ] && continue
      if [ "$n" -gt "$keep_count" ] || [ -n "$(find "$BACKUP_DIR/$name" -mtime "+$keep_days" 2>/dev/null)" ]; then
        echo "backup: removing expired $name"
        rm -f "$BACKUP_DIR/$name"
      fi
    done
  }
}

dump app "$DATABASE_URL"
dump audit "$AUDIT_DATABASE_URL"
prune app
prune audit
echo "backup: done ($label, $stamp)"
