#!/bin/sh
# Restore one dump made by backup.sh into a database, in a single transaction: either the
# whole dump is restored or nothing changes.
#
# usage: restore.sh <dump file> <target database URL>
#   Stop the web service first (or restore into a scratch database and switch over).
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: restore.sh <dump file> <target database URL>" >&2
  exit 2
fi
dump="$1"
target="$2"
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 2; }

echo "restore: restoring $dump"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --no-password --dbname="$target" "$dump"
echo "restore: done"
