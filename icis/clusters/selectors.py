"""Reads of the registry that aggregate or serve more than one interface."""

import datetime
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.utils import timezone

from icis.core.audit import field_changes
from icis.geo.models import LegacyCommune, strip_unit_type
from icis.geo.selectors import sole_successor

from .choices import ClusterStatus
from .models import Cluster, ClusterCommune, StatusChange


def cluster_list() -> QuerySet[Cluster]:
    """The list query every interface starts from: no query per row for what lists show."""
    return Cluster.objects.select_related("legacy_district", "province", "investor").prefetch_related(
        "commune_links__commune", "legacy_communes", "sectors"
    )


def cluster_detail() -> QuerySet[Cluster]:
    return (
        cluster_list()
        .select_related("establishment_decision")
        .prefetch_related("documents", "sources__document", "expansions__decision")
    )


def _zero_row():
    return {"count": 0, "area_ha": Decimal("0"), "area_unknown": 0}


_AREA_PLACES = Decimal(1).scaleb(-Cluster._meta.get_field("area_ha").decimal_places)


def status_summary(*, as_of: datetime.date | None = None, clusters: QuerySet | None = None) -> dict:
    """Counts and area by status, now or as the recorded transitions had it on `as_of`.

    One query whatever the number of clusters, counted and summed by the database. A cluster with no
    change recorded by `as_of` did not exist in the registry then and is left out.
    """
    clusters = Cluster.objects.all() if clusters is None else clusters
    by_status = {value: _zero_row() for value in ClusterStatus.values}
    rows = (
        clusters.values_list("status")
        if as_of is None
        else clusters.annotate(status_then=status_then(as_of)).values_list("status_then")
    )
    rows = rows.order_by().annotate(
        n=Count("id"), area=Sum("area_ha"), unknown=Count("id", filter=Q(area_ha__isnull=True))
    )
    for status, n, area, unknown in rows:
        if status is None:  # not yet in the registry that day
            continue
        # to the field's places, as a sum in Python would have them (SQLite's SUM is a float, read to 15 digits)
        area = Decimal("0") if area is None else area.quantize(_AREA_PLACES)
        by_status[status] = {"count": n, "area_ha": area, "area_unknown": unknown}
    total = {
        "count": sum(r["count"] for r in by_status.values()),
        "area_ha": sum((r["area_ha"] for r in by_status.values()), Decimal("0")),
        "area_unknown": sum(r["area_unknown"] for r in by_status.values()),
    }
    return {"as_of": as_of, "by_status": by_status, "total": total}


def status_then(as_of: datetime.date):
    """A cluster's status on `as_of` as an expression: the latest change of the cluster itself dated on or
    before that day (by date, then as recorded), None when there is none.

    The cluster's kept status answers it when it began on or before that day: `status` and `status_since`
    are the latest dated change's (`transition`, `record_history` and the imports write them together, and
    no change may be dated before the current status began), so only the clusters changed since, or whose
    latest status is undated, look their changes up (`clusters_change_asof_idx`): for the day of a recent
    report a few of them, not every cluster of the country (bench/RESULTS.md, issue 16). The one history
    this reads differently from the changes alone is one whose dates contradict the kept status (a status
    dated before an earlier-recorded change, possible only after an undated status): the kept status
    counts from the day it began, as it does today."""
    latest = StatusChange.objects.filter(
        cluster=OuterRef("pk"), expansion__isnull=True, effective_on__lte=as_of
    ).order_by("-effective_on", "-id")
    return Case(
        When(status_since__lte=as_of, then=F("status")),
        default=Subquery(latest.values("to_status")[:1]),
        output_field=CharField(),
    )


def status_on(cluster: Cluster, day: datetime.date) -> str | None:
    change = (
        StatusChange.objects.filter(cluster=cluster, expansion__isnull=True, effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .first()
    )
    return change.to_status if change else None


def name_commune_suggestion(*, name: str, legacy_district_code: str | None):
    """The new unit a cluster's name points at, if it names an old commune of its district that went
    whole into exactly one new unit; else None. A suggestion to verify, never a fact."""
    if not legacy_district_code:
        return None
    base = name.removeprefix("Làng nghề ").rstrip("0123456789 ").strip()
    for old in LegacyCommune.objects.filter(district_id=legacy_district_code):
        if strip_unit_type(old.name) == base:
            successor = sole_successor(old)
            if successor is not None:
                return successor
    return None


def cluster_history(cluster: Cluster) -> list[dict]:
    """Lifecycle events and field changes of a cluster, newest first (by when they were recorded)."""
    entries = [
        {
            "type": "status",
            "at": change.recorded_at,
            "user": change.actor.username if change.actor else None,
            "via": None,
            "effective_on": change.effective_on,
            "from_status": change.from_status,
            "to_status": change.to_status,
            "reason": change.reason,
            "document": change.document_id,
        }
        for change in cluster.status_changes.select_related("actor")
    ]
    for record in cluster.history.select_related("history_user").order_by("-history_date", "-history_id"):
        changes = field_changes(record)
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            {
                "type": "change",
                "at": record.history_date,
                "user": record.history_user.username if record.history_user else None,
                "via": record.history_channel,
                "action": {"+": "create", "~": "update", "-": "delete"}[record.history_type],
                "changes": [{"field": c["field"], "old": _plain(c["old"]), "new": _plain(c["new"])} for c in changes],
            }
        )
    entries.extend(_commune_link_entries(cluster))
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


def _commune_link_entries(cluster: Cluster) -> list[dict]:
    """Communes are links with a basis (stated / suggested): each add, removal or promotion, with who and when."""
    rows = ClusterCommune.history.filter(cluster_id=cluster.pk).select_related("history_user")
    entries = []
    for record in rows.order_by("history_date", "history_id"):
        label = f"{record.commune_id} ({record.basis})"
        if record.history_type == "+":
            old, new = None, label
        elif record.history_type == "-":
            old, new = label, None
        else:
            previous = record.prev_record
            if previous is None or previous.basis == record.basis:
                continue
            old, new = f"{previous.commune_id} ({previous.basis})", label
        entries.append(
            {
                "type": "change",
                "at": record.history_date,
                "user": record.history_user.username if record.history_user else None,
                "via": record.history_channel,
                "action": "update",
                "changes": [{"field": "communes", "old": old, "new": new}],
            }
        )
    return entries


def _plain(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


AS_OF_FIELDS = (
    "code",
    "name",
    "name_ascii",
    "kind",
    "legacy_district",
    "planned_area_ha",
    "area_ha",
    "industrial_land_ha",
    "latitude",
    "longitude",
    "investor",
    "establishment_decision",
    "needs_verification",
    "notes",
)


def cluster_as_of(cluster: Cluster, day: datetime.date) -> dict:
    """The cluster's recorded fields at the end of `day` (Vietnam time) and its status that day.

    Fields come from the change history (what the registry said then); the status from the dated
    lifecycle events (what was true then). Before the cluster was entered, there are no fields.
    """
    end_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    record = cluster.history.filter(history_date__lte=end_of_day).order_by("-history_date", "-history_id").first()
    facts = []
    if record is not None and record.history_type != "-":
        for name in AS_OF_FIELDS:
            field = Cluster._meta.get_field(name)
            value = getattr(record, field.attname)
            if field.is_relation and value is not None:
                value = str(field.related_model._default_manager.filter(pk=value).first() or value)
            elif field.choices:
                value = dict(field.flatchoices).get(value, value)
            facts.append({"label": field.verbose_name, "value": value, "now": _current(cluster, field)})
    status_then = status_on(cluster, day)
    return {
        "record": record,
        "facts": facts,
        "status_then": status_then,
        "status_then_label": ClusterStatus(status_then).label if status_then else None,
    }


def _current(cluster, field):
    if field.is_relation:
        value = getattr(cluster, field.name)
        return str(value) if value is not None else None
    if field.choices:
        return getattr(cluster, f"get_{field.name}_display")()
    return getattr(cluster, field.attname)
