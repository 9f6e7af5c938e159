import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.core import formats, lifecycle
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.documents.models import Document

from .choices import AMENDMENT_LIFECYCLE, AmendmentStatus, PlanGroup, TaskStatus
from .models import AmendmentEvent, DevelopmentPlan, PlanAmendment, PlanEntry, Task, TaskUpdate


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
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
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
    for key, value in data.items():
        setattr(current, key, value)
    current.name = name.strip()
    if current.pk:
        current.version += 1
    current.full_clean()
    current._history_user = actor
    current.save()
    return current


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
