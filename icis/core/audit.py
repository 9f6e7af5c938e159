"""Field-level history for every domain model, through django-simple-history.

Each historical row also records the interface the change came through (see `channel`).
"""

import contextlib
from types import SimpleNamespace

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import channel


class ChannelTracked(models.Model):
    """Abstract base for history tables: adds the interface column."""

    history_channel = models.CharField(_("via"), max_length=16, default=channel.COMMAND)

    class Meta:
        abstract = True


HISTORY_OPTIONS = {"bases": [ChannelTracked], "cascade_delete_history": False}


def history(*, m2m_fields=(), **options) -> HistoricalRecords:
    """The history manager every domain model uses (`options`: e.g. `excluded_fields`); `m2m_fields` also
    records changes of those links."""
    return HistoricalRecords(**HISTORY_OPTIONS, m2m_fields=list(m2m_fields), **options)


@receiver(pre_create_historical_record)
def _tag_channel(sender, history_instance, **kwargs):
    history_instance.history_channel = channel.current()


ACTION_LABELS = {"create": _("created"), "update": _("changed"), "delete": _("deleted")}


def current_user():
    """The user a change is being made by: the request's, or the one a command acts as."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@contextlib.contextmanager
def acting(user, via: str = channel.COMMAND):
    """Attribute every change made inside to `user`, through interface `via` (commands, imports)."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user, META={})
    try:
        with channel.acting_via(via):
            yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def field_changes(record) -> list[dict]:
    """The fields that differ between a historical row and the one before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [{"field": change.field, "old": change.old, "new": change.new} for change in delta.changes]
