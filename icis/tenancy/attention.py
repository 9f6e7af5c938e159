"""What needs attention in tenancy: Circular 14 Form 01/02 reports overdue for the latest period whose
deadline has passed, one line per cluster."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Group, Item

from . import periods
from .choices import ReportForm
from .selectors import overdue_counts, overdue_named_counts


def _due_period(form: str, today):
    """The latest closed period whose deadline has passed (the one before when the latest is still open)."""
    period = periods.latest_closed(today)
    if today >= period.deadline(form):
        return period
    previous = f"{period.year}-H1" if period.kind == "Y" else f"{period.year - 1}-Y"
    return periods.parse(previous)


def _item(form: str, period, cluster_id: int, name: str, count: int, url: str) -> Item:
    detail = (
        _("%(count)s tenant projects have not sent Form 01 for the %(period)s (deadline: before %(date)s).")
        if form == ReportForm.FORM_01
        else _("The infrastructure investor has not sent Form 02 for the %(period)s (deadline: before %(date)s).")
    ) % {"count": count, "period": period.label, "date": formats.date(period.deadline(form))}
    return Item(
        f"form_{form}_overdue",
        _("Circular 14 report overdue"),
        name,
        detail,
        f"{url}?cluster={cluster_id}&period={period.code}&form={form}",
        period.deadline(form),
        1,
    )


def items(user, today):
    if not user.has_perm("tenancy.view_submission"):
        return
    from icis.clusters.models import Cluster

    clusters = Cluster.objects.restrict(user)
    url = reverse("tenancy:submission_list")
    for form in (ReportForm.FORM_01, ReportForm.FORM_02):
        period = _due_period(form, today)
        # counted in the database: the list names clusters, never the (tens of thousands of) projects
        for cluster, count in overdue_counts(form=form, period=period, clusters=clusters, today=today):
            yield _item(form, period, cluster.pk, cluster.name, count, url)


def summary(user, today, limit: int) -> list[Group]:
    """`items` grouped: per form one query (each cluster's name and count); only the first `limit` items
    are worded. All of a form's items share one date, so the cluster's name orders them."""
    if not user.has_perm("tenancy.view_submission"):
        return []
    from icis.clusters.models import Cluster

    clusters = Cluster.objects.restrict(user)
    url = reverse("tenancy:submission_list")
    groups = []
    for form in (ReportForm.FORM_01, ReportForm.FORM_02):
        period = _due_period(form, today)
        rows = sorted(
            (name, pk, n)
            for pk, name, n in overdue_named_counts(form=form, period=period, clusters=clusters, today=today)
        )
        shown = [_item(form, period, pk, name, n, url) for name, pk, n in rows[:limit]]
        groups.append(Group(f"form_{form}_overdue", _("Circular 14 report overdue"), 1, len(rows), shown))
    return groups
