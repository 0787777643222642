#!/bin/sh
# Give the audit database its own login: where the server cannot create roles through its
# management API (Azure Database for PostgreSQL), the server admin creates it here, before the
# audit migrations. Idempotent, so the release runs it every time:
#  - creates the audit role (LOGIN, no other attribute) when it is missing;
#  - sets its password to AUDIT_ROLE_PASSWORD on every run, so a rotated password takes effect;
#  - lets it connect to the audit database and create tables in its public schema;
#  - keeps it out of the app database: CONNECT is revoked from PUBLIC there and granted to the
#    app's own role only.
#
# env: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE   the admin's login (libpq's own variables)
#      AUDIT_ROLE            the audit login to create or update
#      AUDIT_ROLE_PASSWORD   its password (secret: never echoed, never on a command line)
#      AUDIT_DATABASE        the database the audit role works in
#      APP_DATABASE          the database the audit role must not reach
#      APP_ROLE              the role the app connects to APP_DATABASE as (default: PGUSER)
set -eu

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
: "${AUDIT_ROLE:?AUDIT_ROLE is required}"
: "${AUDIT_ROLE_PASSWORD:?AUDIT_ROLE_PASSWORD is required}"
: "${AUDIT_DATABASE:?AUDIT_DATABASE is required}"
: "${APP_DATABASE:?APP_DATABASE is required}"
APP_ROLE="${APP_ROLE:-$PGUSER}"
export AUDIT_ROLE_PASSWORD
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

if [ "$AUDIT_ROLE" = "$APP_ROLE" ] || [ "$AUDIT_ROLE" = "$PGUSER" ]; then
  echo "audit-role: FAILED: AUDIT_ROLE ($AUDIT_ROLE) must differ from the app role and the admin" >&2
  exit 1
fi

# Names travel as psql variables quoted by psql (:"name", :'name'), never pasted into SQL here.
# The password is read by psql from this process's env (backquoted printenv), so it is on no
# argv; terse errors leave out the statement text that would carry it. A GRANT or REVOKE the
# admin may not make is only a WARNING in PostgreSQL, so the privileges are read back at the end.
if ! granted=$(psql --no-psqlrc --no-password --quiet --tuples-only --no-align -d "$AUDIT_DATABASE" \
  -v ON_ERROR_STOP=1 -v VERBOSITY=terse \
  -v role="$AUDIT_ROLE" -v audit_db="$AUDIT_DATABASE" -v app_db="$APP_DATABASE" -v app_role="$APP_ROLE" \
  <<'SQL'
\set pw `printenv AUDIT_ROLE_PASSWORD`
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') AS missing \gset
\if :missing
CREATE ROLE :"role" LOGIN;
\endif
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
GRANT CONNECT ON DATABASE :"audit_db" TO :"role";
GRANT USAGE, CREATE ON SCHEMA public TO :"role";
REVOKE CONNECT, TEMPORARY ON DATABASE :"app_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"app_db" FROM :"role";
GRANT CONNECT, TEMPORARY ON DATABASE :"app_db" TO :"app_role";
SELECT has_database_privilege(:'role', :'audit_db', 'CONNECT')
       AND has_schema_privilege(:'role', 'public', 'USAGE, CREATE'),
       has_database_privilege(:'role', :'app_db', 'CONNECT'),
       has_database_privilege(:'app_role', :'app_db', 'CONNECT');
SQL
); then
  echo "audit-role: FAILED: could not set up role $AUDIT_ROLE as $PGUSER@$PGHOST (see the error above)" >&2
  exit 1
fi
if [ "$granted" != "t|f|t" ]; then
  echo "audit-role: FAILED: $PGUSER could not give $AUDIT_ROLE exactly its privileges (audit database" \
    "$AUDIT_DATABASE usable, app database $APP_DATABASE closed to it, open to $APP_ROLE): got \"$granted\";" \
    "does $PGUSER own both databases?" >&2
  exit 1
fi
echo "audit-role: $AUDIT_ROLE may use database $AUDIT_DATABASE and cannot connect to $APP_DATABASE"
