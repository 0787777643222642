#!/bin/sh
# The postgres image's docker-entrypoint.sh, reduced to what the suite's servers need, over
# Debian's PostgreSQL binaries: on an empty PGDATA, initdb with POSTGRES_USER as the superuser and
# POSTGRES_PASSWORD as its password, create POSTGRES_DB, require scram-sha-256 passwords over TCP;
# then exec the server. As in the image, the data directory is made 0700 and listen_addresses is
# '*'; here '*' means the container's own address (its hostname in /etc/hosts), because every
# container of the suite shares one network namespace. The image's `host all all 127.0.0.1/32
# trust` lines are left out for the same reason: 127.0.0.1 is the container itself under Docker,
# and every container here.
set -eu

if [ "${1:-}" != "postgres" ]; then
  exec "$@"
fi
: "${POSTGRES_PASSWORD:?the postgres image refuses to initialise without POSTGRES_PASSWORD}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
# Read /etc/hosts directly: getent would take an all-digit container id for an IPv4 number.
own_address="$(awk -v h="$(hostname)" '$2 == h { print $1; exit }' /etc/hosts)"
: "${own_address:?no address for this container's hostname in /etc/hosts}"

mkdir -p "$PGDATA"
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --pgdata="$PGDATA" >/dev/null
  rm -f "$pwfile"
  # The image's pg_hba.conf ends with `host all all all scram-sha-256`.
  grep -v '^host' "$PGDATA/pg_hba.conf" > "$PGDATA/pg_hba.conf.new"
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf.new"
  mv "$PGDATA/pg_hba.conf.new" "$PGDATA/pg_hba.conf"
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
exec postgres -c "listen_addresses=$own_address" "$@"
