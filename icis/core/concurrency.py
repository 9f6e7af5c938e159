"""No lost updates: every editable object carries a version; an edit names the version it read."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleVersion(ValidationError):
    """Someone saved the object after the editor read it. Carries what they changed."""

    def __init__(self, message, *, changes, current_version):
        super().__init__(message, code="stale")
        self.changes = changes
        self.current_version = current_version


def changes_since(obj, version: int) -> list[dict]:
    """Field changes between the saved state at `version` and now, with who made the last one."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    base = history.filter(version=version).order_by("-history_date", "-history_id").first()
    latest = history.order_by("-history_date", "-history_id").first()
    if base is None or latest is None or base.pk == latest.pk:
        return []
    delta = latest.diff_against(base, excluded_fields=["version", "updated_at", "search_text", "sort_name"])
    who = latest.history_user.username if latest.history_user else None
    return [
        {
            "field": change.field,
            "old": _plain(change.old),
            "new": _plain(change.new),
            "by": who,
            "at": latest.history_date.isoformat(),
        }
        for change in delta.changes
    ]


def _plain(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def check_version(obj, expected: int | None) -> None:
    """Refuse the edit when `expected` (the version the editor read) is no longer current."""
    if expected is None or expected == obj.version:
        return
    changes = changes_since(obj, expected)
    summary = "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in changes) or _("details unavailable")
    raise StaleVersion(
        _(
            "Someone else saved this record after you opened it (you edited version %(yours)s, it is now "
            "version %(theirs)s). Their changes: %(changes)s. Reload, check, and apply yours again."
        )
        % {"yours": expected, "theirs": obj.version, "changes": summary},
        changes=changes,
        current_version=obj.version,
    )
