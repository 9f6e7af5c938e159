"""Reads of the inspections app: Decree 32 Art 24 conflicts, violations carried forward, the register
(inspection violations and the wastewater violations of `icis.environment` together) and the reports."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import CharField, Prefetch, Value
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.environment import models as environment
from icis.environment.choices import ViolationStatus as WastewaterStatus

from .choices import OPEN_STATUSES, InspectionStatus, PlanStatus, SubjectKind, Topic, ViolationStatus
from .models import Inspection, InspectionPlan, Violation, team_scoped


def plans():
    return InspectionPlan.objects.select_related("province", "approved_by")


def inspections():
    return Inspection.objects.select_related("plan", "cluster", "organisation", "tenant").prefetch_related(
        "checklists", "team"
    )


def violations():
    return Violation.objects.select_related(
        "inspection", "inspection__cluster", "inspection__tenant", "inspection__organisation"
    )


# --- Decree 32 Art 24.2 --------------------------------------------------------------------------------


@dataclass
class Conflict:
    """An entry of a plan inspecting a firm already inspected by plan in the same year."""

    entry: Inspection
    earlier: list[Inspection] = field(default_factory=list)

    @property
    def message(self) -> str:
        return art24_message(self.entry, self.earlier)


def art24_message(entry: Inspection, earlier: list[Inspection]) -> str:
    others = "; ".join(f"{e.plan.title if e.plan_id else '—'} ({e.month_label})" for e in earlier)
    return _(
        "Decree 32 Art 24.2: an inspection of a firm by plan is held “thường xuyên không quá một lần trong "
        "một năm trừ khi có dấu hiệu vi phạm pháp luật”. %(firm)s is already inspected by plan in %(year)s "
        "(%(others)s): mark this inspection “signs of violation” and give the reason, or remove it."
    ) % {"firm": entry.tenant.name if entry.tenant_id else "—", "year": entry.plan.year, "others": others}


def _regular_by_plan():
    """Inspections by plan that count towards the once-a-year limit: not cancelled, not marked
    “signs of violation”, in a plan that is approved (or the plan being checked)."""
    return Inspection.objects.filter(plan__isnull=False, signs_of_violation=False).exclude(
        status=InspectionStatus.CANCELLED
    )


def art24_conflicts(plan: InspectionPlan, *, entries=None) -> list[Conflict]:
    """The entries of `plan` (or the given ones) that Decree 32 Art 24.2 forbids as they stand: a firm
    inspected by plan more than once in the plan's year, without signs of violation. The first regular
    entry of a firm in a year is allowed; every later one conflicts."""
    if entries is None:
        entries = plan.inspections.select_related("tenant", "plan")
    entries = [
        e
        for e in entries
        if e.subject_kind == SubjectKind.TENANT and not e.signs_of_violation and e.status != InspectionStatus.CANCELLED
    ]
    if not entries:
        return []
    tenants = {e.tenant_id for e in entries}
    others = (
        _regular_by_plan()
        .filter(tenant_id__in=tenants, plan__year=plan.year)
        .filter(models.Q(plan__status=PlanStatus.APPROVED) | models.Q(plan=plan))
        .select_related("plan", "tenant")
        # plans whose status has no date after the dated ones on every database (SQLite sorts NULLs first)
        .order_by(models.F("plan__status_since").asc(nulls_last=True), "plan_id", "id")
    )
    by_tenant = defaultdict(list)
    for other in others:
        by_tenant[other.tenant_id].append(other)
    conflicts = []
    for entry in entries:
        earlier = [
            o
            for o in by_tenant[entry.tenant_id]
            if o.pk != entry.pk and (o.plan_id != plan.pk or entry.pk is None or o.pk < entry.pk)
        ]
        if earlier:
            conflicts.append(Conflict(entry, earlier))
    return conflicts


# --- follow-up -----------------------------------------------------------------------------------------


def same_subject_q(inspection: Inspection, prefix: str = "") -> models.Q:
    q = {f"{prefix}subject_kind": inspection.subject_kind, f"{prefix}cluster_id": inspection.cluster_id}
    if inspection.subject_kind == SubjectKind.TENANT:
        q = {f"{prefix}subject_kind": SubjectKind.TENANT, f"{prefix}tenant_id": inspection.tenant_id}
    elif inspection.subject_kind == SubjectKind.INVESTOR:
        q[f"{prefix}organisation_id"] = inspection.organisation_id
    return models.Q(**q)


def carried_forward(inspection: Inspection):
    """The violations of earlier inspections of the same subject that are still open (or were when this
    inspection followed them up): what a follow-up visit must check, oldest deadline first."""
    followed = inspection.follow_ups.values("violation_id")
    return (
        violations()
        .filter(same_subject_q(inspection, "inspection__"))
        .exclude(inspection=inspection)
        .filter(models.Q(status__in=OPEN_STATUSES) | models.Q(pk__in=followed))
        .prefetch_related("follow_ups__inspection")
        .order_by("deadline", "id")
    )


# --- the register: every kind of violation ---------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One violation of the register, whatever its source."""

    source: str  # "inspection" or "wastewater"
    id: int
    cluster_id: int
    cluster: str
    subject: str
    topic: str
    description: str
    legal_basis: str
    severity: str
    corrective_action: str
    responsible: str
    detected_on: datetime.date | None
    deadline: datetime.date
    status: str
    status_label: str
    is_open: bool
    overdue: bool
    original: str  # what the first visit found
    follow_up: str  # what the latest follow-up found ("" when none)
    url: str

    def as_dict(self) -> dict:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["detected_on"] = self.detected_on.isoformat() if self.detected_on else None
        data["deadline"] = self.deadline.isoformat()
        return data


WASTEWATER_OPEN = (WastewaterStatus.OPEN,)


def register_rows(
    user,
    *,
    today: datetime.date,
    open_only: bool = False,
    overdue_only: bool = False,
    cluster_id: int | None = None,
    source: str | None = None,
    topic: str | None = None,
    province: str | None = None,
    commune: str | None = None,
) -> "Register":
    """The violations `user` may see, inspection findings and wastewater violations together, oldest
    deadline first. `open_only`: still to remedy; `overdue_only`: open and past the deadline.
    A `Register`: rows are built only for the slice read (a page), whatever the number of violations."""
    sources: dict = {}
    if source in (None, "", "inspection") and user.has_perm("inspections.view_violation"):
        qs = violations().restrict(user).prefetch_related("follow_ups")
        if open_only or overdue_only:
            qs = qs.filter(status__in=OPEN_STATUSES)
        if overdue_only:
            qs = qs.filter(deadline__lt=today)
        if cluster_id:
            qs = qs.filter(inspection__cluster_id=cluster_id)
        if topic:
            qs = qs.filter(topic=topic)
        if province:
            qs = qs.filter(inspection__cluster__province_id=province)
        if commune:
            qs = qs.filter(inspection__cluster__communes=commune).distinct()
        sources["inspection"] = (qs, lambda v: _inspection_row(v, today))
    if (
        source in (None, "", "wastewater")
        and topic in (None, "", Topic.ENVIRONMENT)
        and user.has_perm("environment.view_violation")
    ):
        qs = (
            environment.Violation.objects.restrict(user)
            .select_related("plant", "regulation")  # the legal basis names the regulation: no query a row
            # a row names one of its plant's clusters (the first by the clusters' order): id and name only
            .prefetch_related(
                Prefetch("plant__clusters", queryset=Cluster.objects.only("id", "name"), to_attr=PLANT_CLUSTERS)
            )
        )
        if team_scoped(user):
            # An inspector: the wastewater violations of the clusters their plans inspect.
            clusters = Inspection.objects.restrict(user).exclude(subject_kind=SubjectKind.TENANT).values("cluster_id")
            qs = qs.filter(plant__clusters__in=clusters).distinct()
        if open_only or overdue_only:
            qs = qs.filter(status__in=WASTEWATER_OPEN)
        if overdue_only:
            qs = qs.filter(deadline__lt=today)
        if cluster_id:
            qs = qs.filter(plant__clusters=cluster_id).distinct()
        if province:
            qs = qs.filter(plant__clusters__province_id=province).distinct()
        if commune:
            qs = qs.filter(plant__clusters__communes=commune).distinct()
        sources["wastewater"] = (qs, lambda v: _wastewater_row(v, today, cluster_id))
    return Register(sources)


class Register(Sequence):
    """The register's rows in order (deadline, source, id), built only for what is read. Its length is a
    count a source; a slice (a page) is one query for its keys, ordered and cut in the database over
    both sources together (UNION ALL), and one more a source for its rows, so a page of a national
    register costs the same as a page of a small one and no key of another page crosses the wire.
    Iterating reads every key once, then builds the rows 500 at a time (the export)."""

    def __init__(self, sources: dict):
        self._sources = sources  # source → (queryset, build one row)
        self._length = None

    def __len__(self) -> int:
        if self._length is None:
            query = self._key_query(ordered=False)
            self._length = 0 if query is None else query.count()
        return self._length

    def _key_query(self, ordered=True):
        parts = [
            queryset.order_by()
            .annotate(_source=Value(source, output_field=CharField()))
            .values_list("deadline", "_source", "pk")
            for source, (queryset, _build) in self._sources.items()
        ]
        if not parts:
            return None
        first, *others = parts
        query = first.union(*others, all=True) if others else first
        return query.order_by("deadline", "_source", "pk") if ordered else query

    def _keys(self, start=None, stop=None) -> list:
        query = self._key_query()
        if query is None:
            return []
        return list(query[start:stop])

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1) or any(i is not None and i < 0 for i in (index.start, index.stop)):
                return self._rows(self._keys()[index])
            if index.start is not None and index.stop is not None and index.stop <= index.start:
                return []
            return self._rows(self._keys(index.start, index.stop))
        if index < 0:
            index += len(self)
        keys = self._keys(index, index + 1) if index >= 0 else []
        if not keys:
            raise IndexError("register index out of range")
        return self._rows(keys)[0]

    def __iter__(self):
        keys = self._keys()
        for start in range(0, len(keys), 500):
            yield from self._rows(keys[start : start + 500])

    def _rows(self, keys) -> list[RegisterRow]:
        wanted = defaultdict(list)
        for _deadline, source, pk in keys:
            wanted[source].append(pk)
        built = {}
        for source, pks in wanted.items():
            queryset, build = self._sources[source]
            for violation in queryset.filter(pk__in=pks):
                built[(source, violation.pk)] = build(violation)
        return [built[(source, pk)] for _deadline, source, pk in keys]


def _inspection_row(v: Violation, today) -> RegisterRow:
    follow_ups = sorted(v.follow_ups.all(), key=lambda f: f.id)
    return RegisterRow(
        source="inspection",
        id=v.pk,
        cluster_id=v.inspection.cluster_id,
        cluster=v.inspection.cluster.name,
        subject=v.inspection.subject_name,
        topic=_display(v, "topic"),
        description=v.description,
        legal_basis=v.legal_basis,
        severity=_display(v, "severity"),
        corrective_action=v.corrective_action,
        responsible=v.responsible,
        detected_on=v.inspection.inspected_on,
        deadline=v.deadline,
        status=v.status,
        status_label=_display(v, "status"),
        is_open=v.is_open,
        overdue=v.is_open and v.deadline < today,
        original=str(ViolationStatus.OPEN.label),
        follow_up=follow_ups[-1].get_result_display() if follow_ups else "",
        url=_detail_url("inspections:violation_detail", v.pk),
    )


def _display(instance, name: str):
    """`instance.get_<name>_display()` with the labels read once a language, not once a row (Django
    hashes every lazy label of the field on each call)."""
    key = (type(instance), name, translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in instance._meta.get_field(name).flatchoices}
    value = getattr(instance, name)
    return labels.get(value, value)


_LABELS: dict = {}
PLANT_CLUSTERS = "register_clusters"  # a plant's clusters, prefetched into a plain list


def _detail_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a `…/<int:pk>/` route, resolved once a name and script prefix
    rather than once a row (a page of the register reversed 50 URLs)."""
    key = (name, get_script_prefix())
    base = _DETAIL_URLS.get(key)
    if base is None:
        probe = reverse(name, args=[0])
        base = _DETAIL_URLS[key] = probe[: -len("0/")] if probe.endswith("/0/") else ""
    return f"{base}{pk}/" if base else reverse(name, args=[pk])


_DETAIL_URLS: dict = {}


def _wastewater_row(v, today, cluster_id) -> RegisterRow:
    clusters = getattr(v.plant, PLANT_CLUSTERS, None)
    clusters = list(v.plant.clusters.all()) if clusters is None else clusters
    cluster = next((c for c in clusters if c.pk == cluster_id), clusters[0] if clusters else None)
    is_open = v.status in WASTEWATER_OPEN
    return RegisterRow(
        source="wastewater",
        id=v.pk,
        cluster_id=cluster.pk if cluster else 0,
        cluster=cluster.name if cluster else "—",
        subject=str(v.plant),
        topic=str(Topic.ENVIRONMENT.label),
        description=v.description,
        legal_basis=str(v.regulation) if v.regulation_id else "",
        severity="",
        corrective_action=v.resolution,
        responsible=str(v.plant),
        detected_on=v.detected_on,
        deadline=v.deadline,
        status=v.status,
        status_label=_display(v, "status"),
        is_open=is_open,
        overdue=is_open and v.deadline < today,
        original=str(WastewaterStatus.OPEN.label),
        follow_up="" if v.status == WastewaterStatus.OPEN else _display(v, "status"),
        url=_detail_url("environment:violation_detail", v.pk),
    )


def overdue_violations(user, today: datetime.date):
    """Inspection violations past their deadline and not remedied, that `user` may see."""
    return violations().restrict(user).filter(status__in=OPEN_STATUSES, deadline__lt=today).order_by("deadline")


def cluster_summary(user, cluster, today: datetime.date) -> dict:
    qs = violations().restrict(user).filter(inspection__cluster=cluster)
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    last = (
        Inspection.objects.restrict(user)
        .filter(cluster=cluster, status=InspectionStatus.DONE)
        # a done inspection whose day was cleared is not the latest (PostgreSQL puts NULLs first)
        .order_by(models.F("inspected_on").desc(nulls_last=True), "-id")
        .first()
    )
    return {
        "open": open_qs.count(),
        "overdue": list(open_qs.filter(deadline__lt=today).order_by("deadline")[:5]),
        "overdue_count": open_qs.filter(deadline__lt=today).count(),
        "last": last,
    }


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def construction_visits(user, cluster, today: datetime.date, *, limit: int = 10) -> dict:
    """The site visits of a cluster: its inspections of the topic construction that `user` reaches (the
    construction page's "Site visits", once construction's own visit records), newest first, each with its
    findings and their photos; and those still open whose date to inspect by has passed (overdue)."""
    construction = (
        Inspection.objects.restrict(user)
        .filter(cluster=cluster, checklists__topic=Topic.CONSTRUCTION)
        .exclude(status=InspectionStatus.CANCELLED)
        .distinct()
    )
    visits = list(
        construction.select_related("plan")
        .prefetch_related("team", "checklists", "findings__evidence")
        .order_by(models.F("inspected_on").desc(nulls_last=True), models.F("due_on").desc(nulls_last=True), "-id")[
            :limit
        ]
    )
    # Overdue as construction counted it: still planned past its date, and decided (an approved plan's, or ad hoc).
    late = models.Q(status=InspectionStatus.PLANNED, due_on__lt=today) & (
        models.Q(plan=None) | models.Q(plan__status=PlanStatus.APPROVED)
    )
    overdue = list(construction.filter(late).select_related("plan").order_by("due_on", "id"))
    late_ids = {v.pk for v in overdue}
    rows = [
        {
            "inspection": visit,
            "overdue": visit.pk in late_ids,
            "findings": [
                {
                    "finding": finding,
                    "photos": [e for e in finding.evidence.all() if e.file.name.lower().endswith(IMAGE_SUFFIXES)],
                    "files": [e for e in finding.evidence.all() if not e.file.name.lower().endswith(IMAGE_SUFFIXES)],
                }
                for finding in visit.findings.all()
            ],
        }
        for visit in visits
    ]
    return {"visits": rows, "overdue": overdue}


# --- reports -------------------------------------------------------------------------------------------


def results_by(user, *, dimension: str, year: int | None = None, province: str | None = None) -> list[dict]:
    """Inspections done and violations found, by topic, province or commune: inspections, violations,
    open, overdue, remedied."""
    today = datetime.date.today()
    done = Inspection.objects.restrict(user).filter(status=InspectionStatus.DONE)
    found = violations().restrict(user)
    if year:
        done = done.filter(inspected_on__year=year)
        found = found.filter(inspection__inspected_on__year=year)
    if province:
        done = done.filter(cluster__province_id=province)
        found = found.filter(inspection__cluster__province_id=province)
    keys = {
        "topic": ("checklists__topic", "topic"),
        "province": ("cluster__province__name", "inspection__cluster__province__name"),
        "commune": ("cluster__communes__name", "inspection__cluster__communes__name"),
    }
    inspection_key, violation_key = keys[dimension]
    counts: dict[str, Counter] = defaultdict(Counter)
    for key, _pk in done.values_list(inspection_key, "pk").distinct():
        counts[key or ""]["inspections"] += 1
    for key, status, deadline in found.values_list(violation_key, "status", "deadline"):
        row = counts[key or ""]
        row["violations"] += 1
        if status in OPEN_STATUSES:
            row["open"] += 1
            if deadline < today:
                row["overdue"] += 1
        elif status == ViolationStatus.REMEDIED:
            row["remedied"] += 1
    labels = dict(Topic.choices) if dimension == "topic" else {}
    rows = [
        {
            "key": key,
            "label": str(labels.get(key, key)) or "—",
            **{k: c[k] for k in ("inspections", "violations", "open", "overdue", "remedied")},
        }
        for key, c in counts.items()
    ]
    return sorted(rows, key=lambda r: r["label"])
