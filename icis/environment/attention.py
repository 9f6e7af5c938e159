"""What needs attention in wastewater: violations past their corrective deadline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Item

from .choices import ViolationStatus
from .models import Violation


def items(user, today):
    if not user.has_perm("environment.view_violation"):
        return
    late = (
        Violation.objects.restrict(user)
        .filter(status=ViolationStatus.OPEN, deadline__lt=today)
        .select_related("plant", "parameter")
        .order_by("deadline", "id")
    )
    for violation in late:
        what = violation.parameter.code if violation.parameter_id else violation.get_kind_display()
        yield Item(
            "violation_overdue",
            _("Violation past its corrective deadline"),
            f"{violation.plant.name}: {what}",
            _("Corrective deadline %(date)s passed; not yet remedied.") % {"date": formats.date(violation.deadline)},
            reverse("environment:violation_detail", args=[violation.pk]),
            violation.deadline,
            1,
        )
