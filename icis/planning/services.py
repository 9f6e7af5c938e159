import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.core import formats, lifecycle
from icis.core.changes import apply_changes
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.documents.models import Document

from .choices import AMENDMENT_LIFECYCLE, AmendmentStatus, PlanGroup, TaskStatus
from .models import AmendmentChange, AmendmentEvent, DevelopmentPlan, PlanAmendment, PlanEntry, Task, TaskUpdate


@transaction.atomic
def amendment_advance(
    *,
    amendment: PlanAmendment,
    to_status: str,
    on: datetime.date,
    actor,
    document: Document | None = None,
    note: str = "",
) -> PlanAmendment:
    """Move a plan amendment one step; approval (with its decision) puts its proposed clusters in the plan."""
    current = PlanAmendment.objects.select_for_update().get(pk=amendment.pk)
    AMENDMENT_LIFECYCLE.check_move(current.status, to_status)
    if to_status in (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED) and document is None:
        raise field_error(
            "document", _("Record the provincial People's Committee's decision (number and date)."), "required"
        )
    lifecycle.transition(
        current,
        AMENDMENT_LIFECYCLE,
        to_status,
        actor=actor,
        effective_on=on,
        reason=note,
        document=document,
        extra={"decision": document} if to_status in (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED) else {},
        row_model=AmendmentEvent,
        row_fields={"amendment": current},
    )
    if to_status == AmendmentStatus.APPROVED:
        plan_next_version(amendment=current, on=on, document=document, actor=actor)
        for cluster in current.clusters.filter(status=ClusterStatus.PROPOSED):
            cluster_services.cluster_transition(
                cluster=cluster,
                to_status=ClusterStatus.PLANNED,
                effective_on=on,
                document=document,
                actor=actor,
                reason=_("Added to the development plan by %(decision)s") % {"decision": document},
            )
    return current


# ------------------------------------------------------------------------------------------ plan versions


def _next_version_name(plan: DevelopmentPlan, document: Document | None, on: datetime.date) -> str:
    decision = document.number if document is not None and document.number else formats.date(on)
    base = plan.name.split(" — ")[0]
    return (_("%(plan)s — amended by %(decision)s") % {"plan": base, "decision": decision})[:300]


@transaction.atomic
def plan_next_version(*, amendment: PlanAmendment, on: datetime.date, document: Document | None, actor):
    """The version an approved amendment makes: a copy of the version in force (withdrawn entries left
    behind; every other entry "kept", deferred ones still deferred), the amendment's changes applied
    (`AmendmentChange`: area changed, withdrawn, brought forward, deferred, added), its proposed
    clusters without a change added with their planned area. The new version is current; the old one
    stays as it was. Cluster statuses are not touched here (membership is not the lifecycle)."""
    amended = DevelopmentPlan.objects.select_for_update().get(pk=amendment.plan_id)
    base = DevelopmentPlan.objects.filter(province_id=amended.province_id, is_current=True).first() or amended
    DevelopmentPlan.objects.filter(province_id=amended.province_id, is_current=True).update(is_current=False)
    plan = DevelopmentPlan(
        province_id=base.province_id,
        name=_next_version_name(base, document, on),
        document=document,
        horizon_year=base.horizon_year,
        vision_year=base.vision_year,
        cluster_count=None,
        area_ha=None,
        is_current=True,
        amends=base,
        approved_on=on,
        from_amendment=amendment,
        notes=_("Made by approving the amendment “%(title)s”.") % {"title": amendment.title},
    )
    plan._history_user = actor
    plan.save()
    entries = {}
    for old in base.entries.exclude(group=PlanGroup.WITHDRAWN):
        entry = PlanEntry(
            plan=plan,
            cluster_id=old.cluster_id,
            name=old.name,
            planned_area_ha=old.planned_area_ha,
            phase=old.phase,
            sectors=old.sectors,
            is_expansion=old.is_expansion,
            group=PlanGroup.DEFERRED if old.group == PlanGroup.DEFERRED else PlanGroup.KEPT,
        )
        entries[old.cluster_id or ("name", old.name)] = entry
    changed = {change.cluster_id: change for change in amendment.changes.select_related("cluster")}
    for cluster in amendment.clusters.all():
        if cluster.pk in changed:
            continue
        if cluster.pk in entries and entries[cluster.pk].group == PlanGroup.DEFERRED:
            entries[cluster.pk].group = PlanGroup.BROUGHT_FORWARD  # proposed again within the horizon
        elif cluster.pk not in entries:
            entries[cluster.pk] = PlanEntry(
                plan=plan,
                cluster=cluster,
                name=cluster.name,
                planned_area_ha=cluster.planned_area_ha if cluster.planned_area_ha is not None else cluster.area_ha,
                group=PlanGroup.ADDED,
            )
    for cluster_id, change in changed.items():
        entry = entries.get(cluster_id) or PlanEntry(plan=plan, cluster=change.cluster, name=change.cluster.name)
        entry.group = change.group
        if change.planned_area_ha is not None:
            entry.planned_area_ha = change.planned_area_ha
        elif entry.planned_area_ha is None:
            entry.planned_area_ha = change.cluster.planned_area_ha
        if change.phase:
            entry.phase = change.phase
        entries[cluster_id] = entry
    for entry in entries.values():
        entry._history_user = actor
        entry.save()
    return plan


ENTRY_FIELDS = ("cluster", "name", "group", "planned_area_ha", "phase", "sectors", "is_expansion")


@transaction.atomic
def plan_entry_save(
    *, plan: DevelopmentPlan, data: dict, actor, entry: PlanEntry | None = None, expected_version=None
) -> PlanEntry:
    """Create or change one entry of a plan version: one entry per cluster and version, the cluster of
    the plan's province, an area not below zero. Never changes the cluster's status: an established
    cluster withdrawn from the plan stays established and monitored. A stale edit is refused."""
    _refuse_unknown(data, ENTRY_FIELDS)
    if entry is None:
        current = PlanEntry(plan=plan)
    else:
        current = PlanEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(current, expected_version)
        if current.plan_id != plan.pk:
            raise ValidationError(_("This entry belongs to another plan version."))
    errors = {}
    cluster = data.get("cluster", current.cluster if current.pk else None)
    if cluster is not None and cluster.province_id != plan.province_id:
        errors["cluster"] = _("%(cluster)s is not a cluster of this plan's province.") % {"cluster": cluster}
    elif cluster is not None:
        twin = PlanEntry.objects.filter(plan=plan, cluster=cluster).exclude(pk=current.pk).first()
        if twin is not None:
            errors["cluster"] = _("%(cluster)s already has an entry in this version (“%(name)s”).") % {
                "cluster": cluster,
                "name": twin.name,
            }
    area = data.get("planned_area_ha", current.planned_area_ha)
    if area is not None and area < 0:
        errors["planned_area_ha"] = _("The planned area cannot be negative.")
    group = data.get("group", current.group)
    if group not in PlanGroup.values:
        errors["group"] = _("Choose one of the plan groups.")
    name = (data.get("name") if "name" in data else current.name) or (cluster.name if cluster is not None else "")
    if not name.strip():
        errors["name"] = _("Give the cluster's name as the plan writes it.")
    if errors:
        raise ValidationError(errors)
    changed = _apply(current, {**data, "name": name.strip()})
    if current.pk and not changed:
        return current  # saved untouched: nothing written, no new version
    if current.pk:
        current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    return current


# ------------------------------------------------------------------------- versions and amendments kept on pages

VERSION_FIELDS = (
    "name",
    "document",
    "approved_on",
    "horizon_year",
    "vision_year",
    "cluster_count",
    "area_ha",
    "notes",
)
# A horizon or vision year outside these is a typing mistake, not a plan.
PLAN_YEARS = (2000, 2100)


def _refuse_unknown(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})


def _apply(obj, data: dict) -> dict:
    """Set the given values; on a saved object only those that differ (what changed: empty, nothing to save)."""
    if obj.pk is None:
        for key, value in data.items():
            setattr(obj, key, value)
        return dict(data)
    return apply_changes(obj, data)


def has_successor(plan: DevelopmentPlan) -> bool:
    """Whether another version amends this one: it is then history and no longer edited."""
    return DevelopmentPlan.objects.filter(amends=plan).exists()


@transaction.atomic
def plan_version_save(
    *,
    province_id: str,
    data: dict,
    actor,
    plan: DevelopmentPlan | None = None,
    is_current: bool = False,
    expected_version=None,
) -> DevelopmentPlan:
    """Create a version of a province's development plan as its approving decision states it (the base
    plan: name, decision, date, horizon, vision, the stated totals), or correct one while no version
    amends it. A new version made current replaces the current one (which stays, not current). Later
    versions are made by approving amendments (`plan_next_version`), not here. An unchanged save
    writes nothing."""
    _refuse_unknown(data, VERSION_FIELDS)
    if plan is None:
        current = DevelopmentPlan(province_id=province_id, is_current=False)
    else:
        current = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
        check_version(current, expected_version)
        if current.province_id != province_id:
            raise ValidationError(_("This version belongs to another province."))
        if has_successor(current):
            raise ValidationError(
                _("A later version amends this one: it is kept as it was approved. Record an amendment instead.")
            )
    changed = _apply(current, data)
    errors = {}
    if not (current.name or "").strip():
        errors["name"] = _("Give the plan's name as its decision words it.")
    low, high = PLAN_YEARS
    if current.horizon_year is None or not low <= current.horizon_year <= high:
        errors["horizon_year"] = _("Give the horizon year (%(low)s–%(high)s).") % {"low": low, "high": high}
    elif current.vision_year is not None and current.vision_year <= current.horizon_year:
        errors["vision_year"] = _("The vision year comes after the horizon year %(year)s.") % {
            "year": current.horizon_year
        }
    if current.vision_year is not None and not low <= current.vision_year <= high:
        errors["vision_year"] = _("Give the vision year (%(low)s–%(high)s).") % {"low": low, "high": high}
    if current.approved_on is not None and current.approved_on > timezone.localdate():
        errors["approved_on"] = _("The date %(date)s is in the future.") % {"date": formats.date(current.approved_on)}
    if current.area_ha is not None and current.area_ha < 0:
        errors["area_ha"] = _("The area cannot be negative.")
    if errors:
        raise ValidationError(errors)
    current.name = current.name.strip()
    if current.pk and not changed:
        return current
    if current.pk:
        current.version += 1
    elif is_current:
        for old in DevelopmentPlan.objects.select_for_update().filter(province_id=province_id, is_current=True):
            old.is_current = False
            old.version += 1
            old._history_user = actor
            old.save()
        current.is_current = True
    current.full_clean()
    current._history_user = actor
    current.save()
    return current


AMENDMENT_FIELDS = ("title", "proposed_by", "clusters", "notes")
CLOSED_AMENDMENT = (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED)


def _check_open(amendment: PlanAmendment) -> None:
    if amendment.status in CLOSED_AMENDMENT:
        raise ValidationError(
            _("The amendment is %(status)s: its changes are kept as decided.")
            % {"status": AmendmentStatus(amendment.status).label.lower()},
            code="closed",
        )


@transaction.atomic
def amendment_save(
    *, plan: DevelopmentPlan, data: dict, actor, amendment: PlanAmendment | None = None, expected_version=None
) -> PlanAmendment:
    """Draft an amendment of a plan version (title, proposing organisation, proposed clusters, notes) or
    change it while it is open. Its procedure moves through `amendment_advance` only. Proposed clusters
    are of the plan's province."""
    _refuse_unknown(data, AMENDMENT_FIELDS)
    data = dict(data)
    clusters = data.pop("clusters", None)
    if amendment is None:
        current = PlanAmendment(plan=plan)
    else:
        current = PlanAmendment.objects.select_for_update().get(pk=amendment.pk)
        check_version(current, expected_version)
        if current.plan_id != plan.pk:
            raise ValidationError(_("This amendment amends another plan version."))
        _check_open(current)
    errors = {}
    if clusters is not None:
        foreign = [c for c in clusters if c.province_id != plan.province_id]
        if foreign:
            errors["clusters"] = _("Not clusters of this plan's province: %(clusters)s.") % {
                "clusters": ", ".join(str(c) for c in foreign)
            }
    changed = _apply(current, data)
    if not (current.title or "").strip():
        errors["title"] = _("Give the amendment's title.")
    if errors:
        raise ValidationError(errors)
    current.title = current.title.strip()
    same_clusters = clusters is None or (
        current.pk is not None and set(current.clusters.values_list("pk", flat=True)) == {c.pk for c in clusters}
    )
    if current.pk and not changed and same_clusters:
        return current
    if current.pk:
        current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    if clusters is not None and not same_clusters:
        current.clusters.set(clusters)
    return current


CHANGE_FIELDS = ("cluster", "group", "planned_area_ha", "phase")


@transaction.atomic
def amendment_change_save(
    *, amendment: PlanAmendment, data: dict, actor, change: AmendmentChange | None = None, expected_version=None
) -> AmendmentChange:
    """Say what an open amendment does to one cluster: its group in the new version (area changed,
    withdrawn, added, brought forward, deferred, kept), its planned area and phase there. One row per
    cluster and amendment; the cluster is of the plan's province. Applied when the amendment is
    approved (`plan_next_version`). An unchanged save writes nothing."""
    _refuse_unknown(data, CHANGE_FIELDS)
    locked = PlanAmendment.objects.select_for_update().get(pk=amendment.pk)
    _check_open(locked)
    if change is None:
        current = AmendmentChange(amendment=locked)
    else:
        current = AmendmentChange.objects.select_for_update().get(pk=change.pk)
        check_version(current, expected_version)
        if current.amendment_id != locked.pk:
            raise ValidationError(_("This change belongs to another amendment."))
    errors = {}
    cluster = data.get("cluster", current.cluster if current.cluster_id else None)
    province_id = locked.plan.province_id
    if cluster is None:
        errors["cluster"] = _("Choose the cluster the change is about.")
    elif cluster.province_id != province_id:
        errors["cluster"] = _("%(cluster)s is not a cluster of this plan's province.") % {"cluster": cluster}
    else:
        twin = AmendmentChange.objects.filter(amendment=locked, cluster=cluster).exclude(pk=current.pk).first()
        if twin is not None:
            errors["cluster"] = _("%(cluster)s already has a change in this amendment (%(group)s).") % {
                "cluster": cluster,
                "group": twin.get_group_display(),
            }
    group = data.get("group", current.group)
    if group not in PlanGroup.values:
        errors["group"] = _("Choose one of the plan groups.")
    area = data.get("planned_area_ha", current.planned_area_ha)
    if area is not None and area < 0:
        errors["planned_area_ha"] = _("The planned area cannot be negative.")
    elif area is None and group == PlanGroup.AREA_CHANGED:
        errors["planned_area_ha"] = _("Give the new planned area.")
    if errors:
        raise ValidationError(errors)
    changed = _apply(current, data)
    if current.pk and not changed:
        return current
    if current.pk:
        current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    return current


@transaction.atomic
def amendment_change_delete(*, change: AmendmentChange, actor, expected_version=None) -> None:
    """Remove a change row from an open amendment (its history keeps who removed it)."""
    locked = PlanAmendment.objects.select_for_update().get(pk=change.amendment_id)
    _check_open(locked)
    current = AmendmentChange.objects.select_for_update().get(pk=change.pk)
    check_version(current, expected_version)
    current._history_user = actor
    current.delete()


# ----------------------------------------------------------------------------------------------- plan tasks

RECORDABLE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.DONE)


def may_record_task(user, task: Task) -> bool:
    """The lead organisation's officers record a task's progress; so may whoever may change tasks (DoIT)."""
    if not user.is_authenticated:
        return False
    if user.has_perm("planning.change_task"):
        return True
    return bool(user.organisation_id) and user.organisation_id == task.lead_organisation_id


@transaction.atomic
def task_record(*, task: Task, status: str, on, note: str, actor, evidence=None, expected_version=None) -> TaskUpdate:
    """Record progress on a task: the status from `on`, what was done, the evidence. Refused when the
    actor is not of the lead organisation, the date is in the future or before the last record, or the
    status is "late" (that one is computed from the deadline, never set)."""
    if not may_record_task(actor, task):
        raise PermissionDenied(_("Only the lead organisation of this task records its progress."))
    current = Task.objects.select_for_update().get(pk=task.pk)
    check_version(current, expected_version)
    errors = {}
    if status not in RECORDABLE_TASK_STATUSES:
        allowed = ", ".join(str(TaskStatus(s).label) for s in RECORDABLE_TASK_STATUSES)
        errors["status"] = _("Choose one of: %(allowed)s. “Late” follows from the deadline.") % {"allowed": allowed}
    if on is None:
        errors["on"] = _("Give the date.")
    elif on > timezone.localdate():
        errors["on"] = _("The date %(date)s is in the future.") % {"date": formats.date(on)}
    else:
        last = current.updates.order_by("-on", "-id").first()
        if last is not None and on < last.on:
            errors["on"] = _("The last progress was recorded for %(date)s; this one cannot be earlier.") % {
                "date": formats.date(last.on)
            }
    if not (note or "").strip():
        errors["note"] = _("Say what was done.")
    if errors:
        raise ValidationError(errors)
    update = TaskUpdate.objects.create(
        task=current, on=on, status=status, note=note.strip(), evidence=evidence, actor=actor
    )
    if current.status != status or current.status_since != on:
        current.status = status
        current.status_since = on
        current.version += 1
        current._history_user = actor
        current.save()
    return update
