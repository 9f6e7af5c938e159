"""What needs attention in wastewater: violations past their corrective deadline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Group, Item, counted_first

from .choices import ViolationStatus
from .models import Violation


def _late(user, today):
    return (
        Violation.objects.restrict(user)
        .filter(status=ViolationStatus.OPEN, deadline__lt=today)
        .select_related("plant", "parameter")
        .order_by("deadline", "id")
    )


def _item(violation) -> Item:
    what = violation.parameter.code if violation.parameter_id else violation.get_kind_display()
    return _worded(violation.pk, violation.plant.name, what, violation.deadline)


def _worded(pk: int, plant: str, what: str, deadline) -> Item:
    return Item(
        "violation_overdue",
        _("Violation past its corrective deadline"),
        f"{plant}: {what}",
        _("Corrective deadline %(date)s passed; not yet remedied.") % {"date": formats.date(deadline)},
        reverse("environment:violation_detail", args=[pk]),
        deadline,
        1,
    )


# what `_item` reads of a violation, as one narrow row: the summary ranks and reads them in one query
_VALUES = ("pk", "plant__name", "parameter_id", "parameter__code", "kind", "deadline")


def _row_item(row) -> Item:
    kinds = Violation._meta.get_field("kind").flatchoices
    what = row["parameter__code"] if row["parameter_id"] else str(dict(kinds).get(row["kind"], row["kind"]))
    return _worded(row["pk"], row["plant__name"], what, row["deadline"])


def items(user, today):
    if not user.has_perm("environment.view_violation"):
        return
    for violation in _late(user, today):
        yield _item(violation)


def summary(user, today, limit: int) -> list[Group]:
    """`items` grouped, counted in the database; only the first `limit` are built (one query)."""
    if not user.has_perm("environment.view_violation"):
        return []
    late = _late(user, today).values(*_VALUES)
    count, found = counted_first(late, since="deadline", limit=limit, build=_row_item)
    return [Group("violation_overdue", _("Violation past its corrective deadline"), 1, count, found)]
