"""Keeps the audit trail in its own database.

Audit models live only in the `audit` database and nothing else does, so the
audit database can have its own credentials, its own backups and an app role
that cannot rewrite history (see the lockdown_audit_db command).
"""

AUDIT_APP = "audit"
AUDIT_DB = "audit"


class AuditRouter:
    def db_for_read(self, model, **hints):
        return AUDIT_DB if model._meta.app_label == AUDIT_APP else "default"

    def db_for_write(self, model, **hints):
        return AUDIT_DB if model._meta.app_label == AUDIT_APP else "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Foreign keys cannot cross databases; audit rows refer to other objects by id only.
        return (obj1._meta.app_label == AUDIT_APP) == (obj2._meta.app_label == AUDIT_APP)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == AUDIT_APP:
            return db == AUDIT_DB
        return db != AUDIT_DB
