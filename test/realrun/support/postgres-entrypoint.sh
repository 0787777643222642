#!/bin/sh
# The postgres image's docker-entrypoint.sh, reduced to what the suite's servers need, over
# Debian's PostgreSQL binaries: on an empty PGDATA, initdb with POSTGRES_USER as the superuser and
# POSTGRES_PASSWORD as its password, create POSTGRES_DB, require scram-sha-256 passwords from other
# containers; then exec the server. As in the image, the data directory is made 0700,
# listen_addresses is '*' and pg_hba.conf trusts local and loopback connections (the container's
# own loopback: every container has its own network namespace here, as under Docker).
set -eu

if [ "${1:-}" != "postgres" ]; then
  exec "$@"
fi
: "${POSTGRES_PASSWORD:?the postgres image refuses to initialise without POSTGRES_PASSWORD}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

mkdir -p "$PGDATA"
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --pgdata="$PGDATA" >/dev/null
  rm -f "$pwfile"
  # The image's pg_hba.conf: initdb's trust lines for local and loopback, then a password for
  # every other address.
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  if [ "$POSTGRES_DB" != "postgres" ]; then
    psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U "$POSTGRES_USER" -d postgres -v db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi
shift
exec postgres -c "listen_addresses=*" "$@"
