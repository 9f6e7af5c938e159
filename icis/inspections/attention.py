"""What needs attention in inspections: corrective actions past their deadline, escalated to the leader
(the dashboard's attention list, most urgent first)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Group, Item, counted_first

from .selectors import overdue_violations


def _item(violation) -> Item:
    return Item(
        "inspection_violation_overdue",
        _("Corrective action overdue"),
        f"{violation.inspection.subject_name}: {violation.description[:80]}",
        _("Deadline %(date)s; responsible: %(who)s; status: %(status)s.")
        % {
            "date": formats.date(violation.deadline),
            "who": violation.responsible,
            "status": violation.get_status_display(),
        },
        reverse("inspections:violation_detail", args=[violation.pk]),
        violation.deadline,
        1,
    )


def items(user, today):
    if not user.has_perm("inspections.view_violation"):
        return
    for violation in overdue_violations(user, today):
        yield _item(violation)


def summary(user, today, limit: int) -> list[Group]:
    """`items` grouped, counted in the database; only the first `limit` are built (one query)."""
    if not user.has_perm("inspections.view_violation"):
        return []
    overdue = overdue_violations(user, today)
    count, found = counted_first(overdue, since="deadline", limit=limit, build=_item)
    return [Group("inspection_violation_overdue", _("Corrective action overdue"), 1, count, found)]
