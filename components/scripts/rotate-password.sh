#!/bin/sh
# Make one database role's password the current generation's: the official postgres image reads
# POSTGRES_PASSWORD only when it initialises an empty volume, so a rotated password is applied to
# the running server here, with ALTER ROLE, logged in with the previous generation's password.
# Idempotent: when the current password already logs in, nothing changes.
#
# env: PGHOST, PGPORT (default 5432), PGUSER, PGDATABASE   where the role logs in (libpq's own variables)
#      CURRENT_PASSWORD                                     the password to apply (secret: never echoed)
#      PREVIOUS_PASSWORD                                    the previous generation's (unset before any rotation)
set -eu

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
: "${PGDATABASE:?PGDATABASE is required}"
: "${CURRENT_PASSWORD:?CURRENT_PASSWORD is required}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

logs_in() { # logs_in <password>
  PGPASSWORD="$1" psql --no-psqlrc --no-password --quiet --tuples-only -c 'SELECT 1' >/dev/null 2>&1
}

if logs_in "$CURRENT_PASSWORD"; then
  echo "rotate-password: $PGUSER@$PGHOST already uses the current password"
  exit 0
fi
if [ -z "${PREVIOUS_PASSWORD:-}" ] || ! logs_in "$PREVIOUS_PASSWORD"; then
  echo "rotate-password: FAILED: $PGUSER@$PGHOST/$PGDATABASE accepts neither the current nor the previous" \
    "generation's password (is the server up? rotation generations must go up by one at a time)" >&2
  exit 1
fi
# The new password goes to the server as a psql variable, quoted by psql (:'pw'), never as SQL
# text built here; it is on psql's argv only inside this container's own process namespace.
PGPASSWORD="$PREVIOUS_PASSWORD" psql --no-psqlrc --no-password --quiet -v ON_ERROR_STOP=1 \
  -v pw="$CURRENT_PASSWORD" >/dev/null <<'SQL'
ALTER ROLE CURRENT_USER PASSWORD :'pw';
SQL
if ! logs_in "$CURRENT_PASSWORD"; then
  echo "rotate-password: FAILED: $PGUSER@$PGHOST does not accept the new password after ALTER ROLE" >&2
  exit 1
fi
echo "rotate-password: $PGUSER@$PGHOST now uses the current password"
