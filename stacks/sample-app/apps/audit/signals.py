from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.audit.models import AuditEvent
from apps.cases.models import CaseNote, Participant

AUDITED_MODELS = (CaseNote, Participant)


def record(action, *, user=None, instance=None, **detail):
    AuditEvent.objects.create(
        actor_id=getattr(user, "pk", None),
        actor_username=getattr(user, "username", "") or "",
        action=action,
        object_type=instance._meta.label if instance is not None else "",
        object_id=str(instance.pk) if instance is not None else "",
        detail=detail,
    )


def _saved(sender, instance, created, **kwargs):
    record("create" if created else "update", instance=instance, user=getattr(instance, "author", None))


def _deleted(sender, instance, **kwargs):
    record("delete", instance=instance)


for _model in AUDITED_MODELS:
    post_save.connect(_saved, sender=_model, dispatch_uid=f"audit-save-{_model._meta.label}")
    post_delete.connect(_deleted, sender=_model, dispatch_uid=f"audit-delete-{_model._meta.label}")


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    record("login", user=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The username only: the password in `credentials` must never reach a log or table.
    record("login_failed", username=credentials.get("username", ""))
