"""The dashboard's charts: each a small data set (labels, series) computed over what the user may see
and as of a day, drawn by Chart.js on the page and downloadable as XLSX (and as PNG from the page)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icis.clusters.choices import STATUS_COLOURS, ClusterStatus
from icis.clusters.models import Cluster
from icis.construction.selectors import SUMMARY_KEYS, construction_summary
from icis.core import formats
from icis.environment.selectors import environment_summary
from icis.planning.models import AnnualPlan
from icis.planning.selectors import plan_progress
from icis.tenancy.selectors import occupancy_table

from .selectors import registry_summary


@dataclass
class Series:
    label: str
    data: list
    colour: str = "#0d6efd"
    colours: list[str] | None = None


@dataclass
class Chart:
    name: str
    title: str
    kind: str  # "bar", "line"
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""
    note: str = ""

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "type": self.kind,
            "unit": self.unit,
            "note": self.note,
            "labels": self.labels,
            "datasets": [
                {
                    "label": s.label,
                    "data": [None if v is None else float(v) for v in s.data],
                    "backgroundColor": s.colours or s.colour,
                    "borderColor": s.colour,
                }
                for s in self.series
            ],
        }

    def table(self) -> tuple[list[str], list[list]]:
        header = [self.title, *[s.label for s in self.series]]
        rows = [[label, *[s.data[i] for s in self.series]] for i, label in enumerate(self.labels)]
        return header, rows


def _clusters(user, province_code):
    clusters = Cluster.objects.restrict(user)
    return clusters.filter(province_id=province_code) if province_code else clusters


def status_chart(user, day, province_code=None):
    summary = registry_summary(user=user, as_of=day, province_code=province_code)
    statuses = list(summary["by_status"])
    return Chart(
        "status",
        _("Clusters by status"),
        "bar",
        [str(ClusterStatus(s).label) for s in statuses],
        [
            Series(
                _("Clusters"),
                [summary["by_status"][s]["count"] for s in statuses],
                colours=[STATUS_COLOURS[s] for s in statuses],
            ),
            Series(_("Area (ha)"), [summary["by_status"][s]["area_ha"] for s in statuses], "#6c757d"),
        ],
        note=_("As the registry stood on %(date)s.") % {"date": formats.date(day)},
    )


def targets_chart(user, day, province_code=None):
    plans = AnnualPlan.objects.filter(year__lte=day.year)
    if province_code:
        plans = plans.filter(province_id=province_code)
    plan = plans.prefetch_related("targets").order_by("-year").first()
    rows = plan_progress(plan, as_of=day, clusters=_clusters(user, province_code)) if plan else []
    rows = [r for r in rows if r.get("actual") is not None]
    labels = [r["target"].label if len(r["target"].label) <= 60 else r["target"].label[:59] + "…" for r in rows]
    return Chart(
        "targets",
        _("Annual plan targets against actuals"),
        "bar",
        labels,
        [
            Series(_("Target"), [r["target"].target_min or r["target"].target_max for r in rows], "#adb5bd"),
            Series(_("Actual"), [r["actual"] for r in rows], "#198754"),
        ],
        note=(plan.title if plan else _("No annual plan recorded.")),
    )


def _quarter_ends(day: datetime.date, count: int = 8) -> list[datetime.date]:
    ends = []
    year, quarter = day.year, (day.month - 1) // 3  # the last completed quarter
    for _i in range(count):
        if quarter == 0:
            year, quarter = year - 1, 4
        end_month = quarter * 3
        end = datetime.date(year, end_month, 31 if end_month in (3, 12) else 30)
        ends.append(end)
        quarter -= 1
    return [*sorted(ends), day]


def occupancy_chart(user, day, province_code=None):
    clusters = _clusters(user, province_code)
    days = _quarter_ends(day)
    values = []
    for d in days:
        table = occupancy_table(clusters=clusters, group_by="city", as_of=d)
        values.append(table[0]["occupancy_rate"] if table else None)
    return Chart(
        "occupancy",
        _("Occupancy over time"),
        "line",
        [formats.date(d) for d in days],
        [Series(_("Occupancy (%)"), values, "#0d6efd")],
        unit="%",
        note=_("Leased land of running leases over industrial land, at each quarter's end."),
    )


def construction_chart(user, day, province_code=None):
    counts = construction_summary(as_of=day, clusters=_clusters(user, province_code))
    labels = {
        "established": _("Established"),
        "under_construction": _("Construction begun"),
        "infrastructure_complete": _("Infrastructure complete"),
        "at_least_90_percent": _("At least 90%"),
        "not_started": _("Not started"),
        "stalled": _("Stalled"),
    }
    colours = ["#0d6efd", "#fd7e14", "#20c997", "#198754", "#6c757d", "#dc3545"]
    return Chart(
        "construction",
        _("Construction progress"),
        "bar",
        [str(labels[k]) for k in SUMMARY_KEYS],
        [Series(_("Clusters"), [counts[k] for k in SUMMARY_KEYS], colours=colours)],
        note=_("Clusters established up to %(date)s, by where their infrastructure stood.")
        % {"date": formats.date(day)},
    )


def compliance_chart(user, day, province_code=None):
    counts = environment_summary(user=user, as_of=day, province_code=province_code)
    rows = [
        ("clusters_operating", _("Operating clusters"), "#198754"),
        ("clusters_operating_without_plant", _("Operating without a wastewater plant"), "#fd7e14"),
        ("plants_operating", _("Plants operating"), "#0d6efd"),
        ("plants_not_meeting_standard", _("Plants not meeting the standard"), "#dc3545"),
        ("violations_open", _("Open violations"), "#dc3545"),
        ("violations_overdue", _("Violations past their deadline"), "#842029"),
    ]
    return Chart(
        "compliance",
        _("Wastewater compliance"),
        "bar",
        [str(label) for _key, label, _colour in rows],
        [Series(_("Count"), [counts[key] for key, _label, _colour in rows], colours=[c for _k, _l, c in rows])],
        note=_("Plants judged against the QCVN limits in force and the violation register, on %(date)s.")
        % {"date": formats.date(day)},
    )


CHART_TITLES = {
    "targets": gettext_lazy("Annual plan targets against actuals"),
    "status": gettext_lazy("Clusters by status"),
    "occupancy": gettext_lazy("Occupancy over time"),
    "construction": gettext_lazy("Construction progress"),
    "compliance": gettext_lazy("Wastewater compliance"),
}

CHARTS = {
    "targets": targets_chart,
    "status": status_chart,
    "occupancy": occupancy_chart,
    "construction": construction_chart,
    "compliance": compliance_chart,
}


def chart(name: str, user, day: datetime.date, province_code: str | None = None) -> Chart:
    """One chart over the clusters `user` reaches in `province_code` (None: every province they reach,
    the national roll-up), as the dashboard around it (the province switch of a national user)."""
    return CHARTS[name](user, day, province_code)
