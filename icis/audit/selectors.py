"""The audit trail read back: field-level history of every domain model, and security events."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from simple_history.models import registered_models

from icis.accounts.models import AuditEvent
from icis.core.audit import field_changes

ACTIONS = {"+": "create", "~": "update", "-": "delete"}


@dataclass
class AuditRow:
    at: datetime.datetime
    user: str | None
    via: str
    kind: str  # model label or "security"
    action: str
    object_id: str
    object_repr: str
    changes: list = field(default_factory=list)


def audited_models() -> list:
    """Models with their own history table (not the link tables simple-history tracks for a model's m2m fields)."""
    models = [model for model in registered_models.values() if hasattr(model, "history")]
    return sorted(models, key=lambda model: model._meta.label)


def _describe(record) -> str:
    """The record as it was, in words; a row whose __str__ follows a relation since deleted gets its id."""
    try:
        return str(record.instance)[:120]
    except ObjectDoesNotExist:
        return f"#{record.instance.pk}"


def pk_value(model, object_id: str):
    """`object_id` as a primary key of `model`, or None when it cannot be one ("abc" for a number)."""
    try:
        return model._meta.pk.to_python(object_id)
    except ValidationError:
        return None


def _history_rows(model, *, user_id, since, until, object_id, limit) -> list[AuditRow]:
    history = model.history.model
    query = history.objects.select_related("history_user").order_by("-history_date", "-history_id")
    if user_id:
        query = query.filter(history_user_id=user_id)
    if since:
        query = query.filter(history_date__date__gte=since)
    if until:
        query = query.filter(history_date__date__lte=until)
    if object_id:
        value = pk_value(model, object_id)
        if value is None:
            return []
        query = query.filter(**{model._meta.pk.attname: value})
    rows = []
    for record in query[:limit]:
        rows.append(
            AuditRow(
                at=record.history_date,
                user=record.history_user.username if record.history_user else None,
                via=getattr(record, "history_channel", ""),
                kind=model._meta.label,
                action=ACTIONS[record.history_type],
                object_id=str(getattr(record, model._meta.pk.attname)),
                object_repr=_describe(record) if record.history_type != "-" else "",
                changes=field_changes(record) if record.history_type == "~" else [],
            )
        )
    return rows


def audit_log(
    *, user_id=None, model_label: str = "", since=None, until=None, object_id: str = "", limit: int = 500
) -> list[AuditRow]:
    """The newest `limit` audit rows matching the filters, across all models and security events."""
    rows: list[AuditRow] = []
    models = audited_models()
    if model_label and model_label != "security":
        models = [m for m in models if m._meta.label == model_label]
    if model_label != "security":
        for model in models:
            rows += _history_rows(model, user_id=user_id, since=since, until=until, object_id=object_id, limit=limit)
    # Security events have no record id: a record id filter leaves them out unless they were asked for.
    if model_label == "security" or (not model_label and not object_id):
        events = AuditEvent.objects.select_related("actor")
        if user_id:
            events = events.filter(Q(actor_id=user_id))
        if since:
            events = events.filter(at__date__gte=since)
        if until:
            events = events.filter(at__date__lte=until)
        for event in events[:limit]:
            rows.append(
                AuditRow(
                    at=event.at,
                    user=event.actor.username if event.actor else event.username or None,
                    via=event.via,
                    kind="security",
                    action=str(event.get_action_display()),
                    object_id="",
                    object_repr=event.subject,
                    changes=[{"field": k, "old": None, "new": v} for k, v in event.detail.items()],
                )
            )
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit]


def object_history(obj) -> list[AuditRow]:
    return _history_rows(type(obj), user_id=None, since=None, until=None, object_id=str(obj.pk), limit=1000)


def model_for(app_label: str, model_name: str):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if model in registered_models.values() else None
