"""Makes the audit trail append-only for the role the application connects as.

Two layers, both idempotent so the release phase can run this on every deploy:
1. REVOKE UPDATE, DELETE, TRUNCATE on every audit table from the connecting
   role: effective for an ordinary role, even when it owns the tables.
2. A trigger that rejects UPDATE, DELETE and TRUNCATE: effective for every
   role, including a superuser, whom privileges do not bind.
"""
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, transaction

from config.db_router import AUDIT_APP, AUDIT_DB

REJECT_FUNCTION = "audit_reject_change"


class Command(BaseCommand):
    help = "Revoke UPDATE/DELETE on audit tables from the app role and reject changes with a trigger."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=AUDIT_DB, help="Database alias holding the audit tables.")

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(f"lockdown_audit_db needs PostgreSQL; database {database!r} is {connection.vendor}.")
        tables = [model._meta.db_table for model in apps.get_app_config(AUDIT_APP).get_models()]
        try:
            with transaction.atomic(using=database), connection.cursor() as cursor:
                existing = set(connection.introspection.table_names(cursor))
                missing = [table for table in tables if table not in existing]
                if missing:
                    raise CommandError(
                        f"Audit tables {missing} do not exist in database {database!r}: "
                        f"run `manage.py migrate --database={database}` first."
                    )
                cursor.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
                role, is_superuser = cursor.fetchone()
                cursor.execute(
                    f"""
                    CREATE OR REPLACE FUNCTION {REJECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
                    END;
                    $$
                    """
                )
                for table in tables:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {quoted} FROM CURRENT_USER")
                    # DROP + CREATE rather than CREATE OR REPLACE TRIGGER, which needs PostgreSQL 14.
                    for suffix, timing in (("append_only", "UPDATE OR DELETE ON {t} FOR EACH ROW"),
                                           ("no_truncate", "TRUNCATE ON {t} FOR EACH STATEMENT")):
                        trigger = connection.ops.quote_name(f"{table}_{suffix}")
                        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quoted}")
                        cursor.execute(
                            f"CREATE TRIGGER {trigger} BEFORE {timing.format(t=quoted)} "
                            f"EXECUTE FUNCTION {REJECT_FUNCTION}()"
                        )
                    self.stdout.write(
                        f"lockdown_audit_db: {table}: UPDATE/DELETE/TRUNCATE revoked from {role}; "
                        "append-only triggers in place"
                    )
        except DatabaseError as error:
            raise CommandError(f"lockdown_audit_db failed on database {database!r}: {error}") from error
        if is_superuser:
            self.stderr.write(
                self.style.WARNING(
                    f"lockdown_audit_db: role {role} is a superuser, so the REVOKE does not bind it; the triggers "
                    "still refuse changes. Give the application a non-superuser role for the audit database."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"lockdown_audit_db: {len(tables)} audit table(s) append-only."))
