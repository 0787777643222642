#!/bin/sh
# The audit trail's append-only login on a Docker host. The audit database's POSTGRES_USER is a
# superuser that owns the audit tables: as the app's login it could `SET session_replication_role
# = replica` or `ALTER TABLE ... DISABLE TRIGGER USER` and so rewrite history past the append-only
# triggers. The app therefore connects as AUDIT_ROLE, made here by that owner before every release:
#  - created when missing; LOGIN and no other attribute (not a superuser, cannot create roles or
#    databases, no replication, no BYPASSRLS), so it can change neither setting;
#  - its password set to AUDIT_ROLE_PASSWORD on every run, so a rotated password takes effect;
#  - SELECT and INSERT on the owner's tables in the public schema, now and for tables the owner
#    creates later (the migrations run as the owner): never UPDATE, DELETE or TRUNCATE, and never
#    ownership, which is what disabling a trigger needs.
# Idempotent; the privileges are read back at the end.
#
# env: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE   the audit database's owner (libpq's own variables)
#      AUDIT_ROLE            the login to create or update
#      AUDIT_ROLE_PASSWORD   its password (secret: never echoed, never on a command line)
set -eu

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
: "${PGDATABASE:?PGDATABASE is required}"
: "${AUDIT_ROLE:?AUDIT_ROLE is required}"
: "${AUDIT_ROLE_PASSWORD:?AUDIT_ROLE_PASSWORD is required}"
export AUDIT_ROLE_PASSWORD
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

if [ "$AUDIT_ROLE" = "$PGUSER" ]; then
  echo "audit-writer-role: FAILED: AUDIT_ROLE ($AUDIT_ROLE) must differ from the owner $PGUSER" >&2
  exit 1
fi

# Names travel as psql variables quoted by psql (:"name", :'name'); the password is read by psql
# from this process's env (backquoted printenv), so it is on no argv.
if ! granted=$(psql --no-psqlrc --no-password --quiet --tuples-only --no-align \
  -v ON_ERROR_STOP=1 -v VERBOSITY=terse -v role="$AUDIT_ROLE" -v owner="$PGUSER" -v db="$PGDATABASE" <<'SQL'
\set pw `printenv AUDIT_ROLE_PASSWORD`
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') AS missing \gset
\if :missing
CREATE ROLE :"role" LOGIN;
\endif
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
GRANT CONNECT ON DATABASE :"db" TO :"role";
GRANT USAGE ON SCHEMA public TO :"role";
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"role";
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO :"role";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE ON SEQUENCES TO :"role";
SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls,
       EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid),
       EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public'
               AND (has_table_privilege(r.oid, format('%I.%I', t.schemaname, t.tablename), 'UPDATE')
                 OR has_table_privilege(r.oid, format('%I.%I', t.schemaname, t.tablename), 'DELETE')
                 OR has_table_privilege(r.oid, format('%I.%I', t.schemaname, t.tablename), 'TRUNCATE')))
FROM pg_roles r WHERE r.rolname = :'role';
SQL
); then
  echo "audit-writer-role: FAILED: could not set up role $AUDIT_ROLE as $PGUSER@$PGHOST (see the error above)" >&2
  exit 1
fi
if [ "$granted" != "f|f|f" ]; then
  echo "audit-writer-role: FAILED: $AUDIT_ROLE is privileged, owns a table or may change audit rows" \
    "(attributes|owns|may change: \"$granted\")" >&2
  exit 1
fi
echo "audit-writer-role: $AUDIT_ROLE may read and append to $PGDATABASE, never change or remove a row"
