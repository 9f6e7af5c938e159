"""What needs attention in inspections: corrective actions past their deadline, escalated to the leader
(the dashboard's attention list, most urgent first)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Item

from .selectors import overdue_violations


def items(user, today):
    if not user.has_perm("inspections.view_violation"):
        return
    for violation in overdue_violations(user, today):
        yield Item(
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
