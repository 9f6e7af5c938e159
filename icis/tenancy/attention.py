"""What needs attention in tenancy: Circular 14 Form 01/02 reports overdue for the latest period whose
deadline has passed, one line per cluster."""

from django.urls import reverse
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.attention import Group, Item

from . import kept, periods
from .choices import ReportForm
from .models import TenancyState
from .selectors import overdue_counts, overdue_named_counts


def _due_period(form: str, today):
    return periods.due(form, today)


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
    """`items` grouped: per form one query (each cluster's name and count; Form 01's from the kept rows);
    only the first `limit` items are worded. All of a form's items share one date, so the cluster's name orders them."""
    if not user.has_perm("tenancy.view_submission"):
        return []
    from icis.clusters.models import Cluster

    clusters = Cluster.objects.restrict(user)
    url = reverse("tenancy:submission_list")
    groups = []
    for form in (ReportForm.FORM_01, ReportForm.FORM_02):
        period = _due_period(form, today)
        if form == ReportForm.FORM_01:  # the kept count (tenancy.kept), not a pass over every project
            kept.current(clusters, today, period)
            found = (
                TenancyState.objects.filter(cluster__in=clusters.order_by().values("pk"), form01_missing__gt=0)
                .order_by()
                .values_list("cluster_id", "cluster__name", "form01_missing")
            )
        else:
            found = overdue_named_counts(form=form, period=period, clusters=clusters, today=today)
        rows = sorted((name, pk, n) for pk, name, n in found)
        shown = [_item(form, period, pk, name, n, url) for name, pk, n in rows[:limit]]
        groups.append(Group(f"form_{form}_overdue", _("Circular 14 report overdue"), 1, len(rows), shown))
    return groups
