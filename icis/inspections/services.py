"""Every write of the inspections app: plans and their approval (Decree 32 Art 24.2 enforced), inspections,
checklist answers, findings with evidence, violations and their follow-up.

A record a device created offline names its `client_id`: sending it again returns the record already
stored instead of a second one (the offline sync relies on it)."""

import datetime
import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.construction.selectors import add_months
from icis.core import formats, lifecycle
from icis.core.concurrency import check_version
from icis.tenancy.models import TenantProject

from . import selectors
from .choices import (
    FOLLOW_UP_RESULTS,
    INSPECTION_LIFECYCLE,
    PLAN_LIFECYCLE,
    VIOLATION_LIFECYCLE,
    InspectionStatus,
    PlanStatus,
    SubjectKind,
    Topic,
    ViolationStatus,
)
from .models import (
    ChecklistAnswer,
    ChecklistItem,
    ChecklistVersion,
    Evidence,
    Finding,
    FollowUp,
    Inspection,
    InspectionPlan,
    InspectionStatusChange,
    PlanStatusChange,
    Violation,
    ViolationStatusChange,
    team_scoped,
)

PLAN_FIELDS = ("province", "province_id", "year", "kind", "title", "notes")
INSPECTION_FIELDS = (
    "plan",
    "subject_kind",
    "cluster",
    "organisation",
    "tenant",
    "planned_month",
    "due_on",
    "signs_of_violation",
    "signs_reason",
    "inspected_on",
    "summary",
    "recommendations",
)
FINDING_FIELDS = ("item", "topic", "description", "latitude", "longitude", "observed_at")
VIOLATION_FIELDS = (
    "finding",
    "topic",
    "description",
    "legal_basis",
    "severity",
    "corrective_action",
    "deadline",
    "responsible",
)


def _only(data: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set here."), code="read_only") for f in sorted(unknown)}
        )


def _changes(obj, data: Mapping) -> set[str]:
    """The fields `data` would change on `obj` (a related record compared by its id)."""
    changed = set()
    for key, value in data.items():
        field = obj._meta.get_field(key)
        current = getattr(obj, field.attname)
        wanted = getattr(value, "pk", value) if field.is_relation else value
        if current != wanted:
            changed.add(key)
    return changed


def _save(obj, actor) -> None:
    obj._history_user = actor
    obj.save()


def _existing(model, client_id):
    """The record a device already synced under `client_id`, if any."""
    if client_id is None:
        return None
    return model.objects.filter(client_id=client_id).first()


def _client_id(client_id) -> uuid.UUID:
    return client_id or uuid.uuid4()


# --- plans ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, data: Mapping, actor) -> InspectionPlan:
    _only(data, PLAN_FIELDS)
    plan = InspectionPlan(**data, status=PlanStatus.DRAFT, status_since=timezone.localdate())
    plan.full_clean()
    _save(plan, actor)
    lifecycle.register(
        PLAN_LIFECYCLE,
        plan.status,
        actor=actor,
        effective_on=plan.status_since,
        row_model=PlanStatusChange,
        row_fields={"plan": plan},
    )
    return plan


def _editable(plan: InspectionPlan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            _("The plan is %(status)s: only a draft or returned plan can be changed.")
            % {"status": plan.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def plan_update(*, plan: InspectionPlan, data: Mapping, actor, expected_version: int | None = None) -> InspectionPlan:
    _only(data, PLAN_FIELDS)
    current = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    check_version(current, expected_version)
    _editable(current)
    for key, value in data.items():
        setattr(current, key, value)
    current.full_clean()
    current.version += 1
    _save(current, actor)
    return current


@transaction.atomic
def plan_transition(
    *,
    plan: InspectionPlan,
    to: str,
    actor,
    effective_on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> InspectionPlan:
    """Submit, approve or return a plan. Approval is refused while an entry breaks Decree 32 Art 24.2 (a
    firm inspected by plan more than once in the year without signs of violation)."""
    current = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if to in (PlanStatus.SUBMITTED, PlanStatus.APPROVED) and not current.inspections.exists():
        raise lifecycle.error("to", _("The plan lists no inspection yet."), "empty_plan")
    if to == PlanStatus.APPROVED:
        conflicts = selectors.art24_conflicts(current)
        if conflicts:
            raise ValidationError(
                {"to": [ValidationError(c.message, code="art24_conflict") for c in conflicts]},
            )
    extra = {"approved_by": actor} if to == PlanStatus.APPROVED else {}
    lifecycle.transition(
        current,
        PLAN_LIFECYCLE,
        to,
        actor=actor,
        effective_on=effective_on or timezone.localdate(),
        reason=reason,
        expected_version=expected_version,
        row_model=PlanStatusChange,
        row_fields={"plan": current},
        extra=extra,
    )
    return current


# --- inspections ---------------------------------------------------------------------------------------


def _check_subject(inspection: Inspection) -> None:
    errors = {}
    kind = inspection.subject_kind
    if kind == SubjectKind.TENANT:
        if not inspection.tenant_id:
            errors["tenant"] = ValidationError(_("Name the firm inspected."), code="required")
        elif not TenantProject.objects.filter(
            tenant_id=inspection.tenant_id, cluster_id=inspection.cluster_id
        ).exists():
            errors["tenant"] = ValidationError(
                _("%(firm)s has no project in %(cluster)s.")
                % {"firm": inspection.tenant.name, "cluster": inspection.cluster.name},
                code="not_in_cluster",
            )
    else:
        inspection.tenant = None
    if kind == SubjectKind.INVESTOR:
        inspection.organisation_id = inspection.organisation_id or inspection.cluster.investor_id
        if not inspection.organisation_id:
            errors["organisation"] = ValidationError(
                _("The cluster has no infrastructure investor; name the one inspected."), code="required"
            )
    elif kind == SubjectKind.CLUSTER:
        inspection.organisation = None
    if inspection.signs_of_violation and not inspection.signs_reason.strip():
        errors["signs_reason"] = ValidationError(
            _("Say which signs of violation justify this inspection (Decree 32 Art 24.2)."), code="required"
        )
    if not inspection.signs_of_violation:
        inspection.signs_reason = ""
    if inspection.plan_id and inspection.cluster.province_id != inspection.plan.province_id:
        errors["cluster"] = ValidationError(_("The cluster is not in the plan's province."), code="other_province")
    if inspection.inspected_on:
        try:
            lifecycle.check_not_future(inspection.inspected_on, "inspected_on")
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)


def _check_team_reach(inspection: Inspection, actor) -> None:
    """An inspector (team-scoped) plans or re-inspects only a subject of the plans whose team includes them:
    naming another cluster, investor or firm by its id is refused, nothing is written."""
    if not team_scoped(actor):
        return
    reached = Inspection.objects.restrict(actor, "change")
    if (
        inspection.plan_id
        and not InspectionPlan.objects.restrict(actor, "change").filter(pk=inspection.plan_id).exists()
    ):
        raise ValidationError(
            {"plan": ValidationError(_("You are not on the team of any inspection of this plan."), "out_of_reach")}
        )
    if inspection.pk:
        reached = reached.exclude(pk=inspection.pk)
    if not reached.filter(selectors.same_subject_q(inspection)).exists():
        field = {SubjectKind.TENANT: "tenant", SubjectKind.INVESTOR: "organisation"}.get(
            inspection.subject_kind, "cluster"
        )
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "%(subject)s is not a subject of the inspection plans whose team you are on: an inspector "
                        "inspects only those."
                    )
                    % {"subject": inspection.subject_name},
                    "out_of_reach",
                )
            }
        )


def _subject_key(inspection: Inspection) -> tuple:
    return (
        inspection.plan_id,
        inspection.subject_kind,
        inspection.cluster_id,
        inspection.organisation_id,
        inspection.tenant_id,
    )


def team_candidates():
    """The accounts that may be on an inspection team: active, and allowed to record findings."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    may_record = Q(
        groups__permissions__codename="add_finding", groups__permissions__content_type__app_label="inspections"
    )
    return get_user_model().objects.filter(Q(is_active=True) & (may_record | Q(is_superuser=True))).distinct()


def _team(team) -> list:
    ids = {getattr(member, "pk", member) for member in team}
    members = list(team_candidates().filter(pk__in=ids))
    if len(members) != len(ids):
        raise ValidationError(
            {"team": ValidationError(_("Only active inspectors and DoIT officers can be on the team."), "invalid")}
        )
    return members


def current_checklists(topics) -> list[ChecklistVersion]:
    """The newest checklist version of each topic."""
    chosen = []
    for topic in dict.fromkeys(topics):
        version = ChecklistVersion.objects.filter(topic=topic).order_by("-number").first()
        if version is None:
            raise ValidationError({"topics": ValidationError(_("No checklist for this topic."), code="invalid")})
        chosen.append(version)
    return chosen


@transaction.atomic
def inspection_create(*, data: Mapping, actor, topics=(), team=(), client_id: uuid.UUID | None = None) -> Inspection:
    """An entry of a plan (planned) or an ad-hoc inspection. The plan must still be editable; a firm's
    second regular inspection by plan in a year is kept but shown as a conflict until marked or removed."""
    existing = _existing(Inspection, client_id)
    if existing is not None:
        return existing
    _only(data, INSPECTION_FIELDS)
    inspection = Inspection(**data, client_id=_client_id(client_id))
    if inspection.plan_id:
        # Read again under lock: the caller's copy may predate a submission or approval.
        inspection.plan = InspectionPlan.objects.select_for_update().get(pk=inspection.plan_id)
        _editable(inspection.plan)
    if not topics:
        raise ValidationError({"topics": ValidationError(_("Choose at least one topic."), code="required")})
    checklists = current_checklists(topics)
    members = _team(team)
    _check_subject(inspection)
    _check_team_reach(inspection, actor)
    if team_scoped(actor) and actor not in members:
        members.append(actor)  # an inspector's own inspection: on its team, so it stays in their reach
    inspection.status = InspectionStatus.PLANNED
    # Left blank: an inspection held before it was entered (typed in from paper later) may be dated any past day.
    inspection.status_since = None
    inspection.full_clean(exclude=["client_id"])
    _save(inspection, actor)
    inspection.checklists.set(checklists)
    inspection.team.set(members)
    lifecycle.register(
        INSPECTION_LIFECYCLE,
        inspection.status,
        actor=actor,
        effective_on=timezone.localdate(),
        row_model=InspectionStatusChange,
        row_fields={"inspection": inspection},
    )
    return inspection


@transaction.atomic
def plan_draft_construction_visits(
    *,
    plan: InspectionPlan,
    period_start: datetime.date,
    period_end: datetime.date,
    actor,
    frequency_months: int | None = None,
    team=(),
) -> list[Inspection]:
    """Add to an editable plan a site visit (topic construction) to every cluster under construction of its
    province in the actor's reach, every `frequency_months` within the period (the plan's year).

    What construction's "generate a draft plan" did (wave 1), now on an inspection plan: first visits are
    spread over the first interval (cluster i starts i mod frequency months in), so the inspectors' load is
    even. A cluster already planned for construction in the same month of this plan is not planned twice.
    Each visit is one `inspection_create` (the same checks as a visit added by hand); all or nothing.
    """
    from django.conf import settings

    current = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _editable(current)
    frequency = frequency_months or settings.ICIS_VISIT_FREQUENCY_MONTHS
    if not 1 <= frequency <= 24:
        raise ValidationError(
            {"frequency_months": ValidationError(_("Visit every 1 to 24 months."), code="out_of_range")}
        )
    if period_end < period_start:
        raise ValidationError(
            {"period_end": ValidationError(_("The period cannot end before it starts."), code="before_start")}
        )
    if period_start.year != current.year or period_end.year != current.year:
        raise ValidationError(
            {
                "period_start": ValidationError(
                    _("Keep the visits within the plan's year (%(year)s).") % {"year": current.year},
                    code="outside_year",
                )
            }
        )
    clusters = list(
        Cluster.objects.restrict(actor, "view")
        .filter(status=ClusterStatus.UNDER_CONSTRUCTION, province_id=current.province_id)
        .order_by("sort_name", "id")
    )
    if not clusters:
        raise ValidationError(
            {
                "period_start": ValidationError(
                    _("No cluster of %(province)s is under construction: there is nothing to visit.")
                    % {"province": current.province.name},
                    code="empty",
                )
            }
        )
    planned = set(
        current.inspections.filter(checklists__topic=Topic.CONSTRUCTION, subject_kind=SubjectKind.CLUSTER)
        .values_list("cluster_id", "planned_month")
        .distinct()
    )
    created = []
    for index, cluster in enumerate(clusters):
        due = add_months(period_start, index % frequency)
        while due <= period_end:
            if (cluster.pk, due.month) not in planned:
                created.append(
                    inspection_create(
                        data={
                            "plan": current,
                            "subject_kind": SubjectKind.CLUSTER,
                            "cluster": cluster,
                            "planned_month": due.month,
                            "due_on": due,
                            "summary": _("Site visit: construction progress (drafted for %(date)s).")
                            % {"date": formats.date(due)},
                        },
                        topics=[Topic.CONSTRUCTION],
                        team=team,
                        actor=actor,
                    )
                )
            due = add_months(due, frequency)
    if not created:
        raise ValidationError(
            {
                "period_start": ValidationError(
                    _("Every cluster under construction is already planned for these months."), code="nothing_new"
                )
            }
        )
    return created


@transaction.atomic
def inspection_update(
    *, inspection: Inspection, data: Mapping, actor, topics=None, team=None, expected_version: int | None = None
) -> Inspection:
    _only(data, INSPECTION_FIELDS)
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    check_version(current, expected_version)
    planning = {"plan", "subject_kind", "cluster", "organisation", "tenant", "planned_month", "signs_of_violation"}
    if current.plan_id and planning & {k for k, v in data.items() if getattr(current, k) != v}:
        _editable(InspectionPlan.objects.select_for_update().get(pk=current.plan_id))
    before = _subject_key(current)
    for key, value in data.items():
        setattr(current, key, value)
    _check_subject(current)
    if _subject_key(current) != before:
        _check_team_reach(current, actor)
    current.full_clean(exclude=["client_id"])
    current.version += 1
    _save(current, actor)
    if topics is not None:
        if not topics:
            raise ValidationError({"topics": ValidationError(_("Choose at least one topic."), code="required")})
        current.checklists.set(current_checklists(topics))
    if team is not None:
        current.team.set(_team(team))
    return current


@transaction.atomic
def inspection_transition(
    *,
    inspection: Inspection,
    to: str,
    actor,
    effective_on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Inspection:
    """Done (on the day inspected) or cancelled (with the reason). An inspection by plan is held only once
    its plan is approved."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    extra = {}
    if to == InspectionStatus.DONE:
        if current.plan_id and current.plan.status != PlanStatus.APPROVED:
            raise lifecycle.error("to", _("The plan is not approved yet."), "plan_not_approved")
        effective_on = effective_on or current.inspected_on or timezone.localdate()
        extra["inspected_on"] = effective_on
    lifecycle.transition(
        current,
        INSPECTION_LIFECYCLE,
        to,
        actor=actor,
        effective_on=effective_on or timezone.localdate(),
        reason=reason,
        expected_version=expected_version,
        row_model=InspectionStatusChange,
        row_fields={"inspection": current},
        extra=extra,
    )
    return current


@transaction.atomic
def inspection_delete(*, inspection: Inspection, actor) -> None:
    """Remove a planned entry from a plan still being drafted (nothing recorded on it yet)."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if current.plan_id:
        _editable(current.plan)
    if current.status != InspectionStatus.PLANNED or current.findings.exists() or current.violations.exists():
        raise ValidationError(_("Only a planned inspection with nothing recorded can be removed."), code="in_use")
    current._history_user = actor
    current.delete()


# --- checklists, findings, evidence --------------------------------------------------------------------


def _recording(inspection: Inspection) -> None:
    if inspection.status == InspectionStatus.CANCELLED:
        raise ValidationError(_("The inspection was cancelled."), code="cancelled")


@transaction.atomic
def answer_set(
    *,
    inspection: Inspection,
    item: ChecklistItem,
    answer: str,
    note: str = "",
    actor,
    client_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> ChecklistAnswer:
    _recording(inspection)
    if not inspection.checklists.filter(pk=item.checklist_id).exists():
        raise ValidationError({"item": ValidationError(_("Not an item of this inspection's checklists."), "invalid")})
    row = ChecklistAnswer.objects.select_for_update().filter(inspection=inspection, item=item).first()
    if row is None:
        row = ChecklistAnswer(inspection=inspection, item=item, client_id=_client_id(client_id))
    else:
        check_version(row, expected_version)
        row.version += 1
    row.answer, row.note = answer, note
    row.full_clean(exclude=["client_id", "inspection", "item"])
    _save(row, actor)
    return row


@transaction.atomic
def finding_create(*, inspection: Inspection, data: Mapping, actor, client_id: uuid.UUID | None = None) -> Finding:
    existing = _existing(Finding, client_id)
    if existing is not None:
        return existing
    _only(data, FINDING_FIELDS)
    _recording(inspection)
    finding = Finding(inspection=inspection, recorded_by=actor, client_id=_client_id(client_id), **data)
    if finding.item_id and not inspection.checklists.filter(pk=finding.item.checklist_id).exists():
        raise ValidationError({"item": ValidationError(_("Not an item of this inspection's checklists."), "invalid")})
    if finding.item_id and not finding.topic:
        finding.topic = finding.item.checklist.topic
    if finding.observed_at and finding.observed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"observed_at": ValidationError(_("The time is in the future."), "future_date")})
    finding.full_clean(exclude=["client_id"])
    _save(finding, actor)
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, data: Mapping, actor, expected_version: int | None = None) -> Finding:
    _only(data, FINDING_FIELDS)
    current = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    check_version(current, expected_version)
    if not _changes(current, data):
        return current  # saved untouched: nothing written, no new version
    _recording(current.inspection)
    for key, value in data.items():
        setattr(current, key, value)
    if current.item_id and not current.inspection.checklists.filter(pk=current.item.checklist_id).exists():
        raise ValidationError({"item": ValidationError(_("Not an item of this inspection's checklists."), "invalid")})
    if current.observed_at and current.observed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"observed_at": ValidationError(_("The time is in the future."), "future_date")})
    current.full_clean(exclude=["client_id"])
    current.version += 1
    _save(current, actor)
    return current


@transaction.atomic
def evidence_add(
    *,
    finding: Finding,
    file,
    actor,
    caption: str = "",
    latitude=None,
    longitude=None,
    taken_at=None,
    client_id: uuid.UUID | None = None,
) -> Evidence:
    existing = _existing(Evidence, client_id)
    if existing is not None:
        return existing
    evidence = Evidence(
        finding=finding,
        file=file,
        caption=caption,
        latitude=latitude,
        longitude=longitude,
        taken_at=taken_at,
        client_id=_client_id(client_id),
    )
    evidence.full_clean(exclude=["client_id"])
    _save(evidence, actor)
    return evidence


# --- violations and follow-up --------------------------------------------------------------------------


@transaction.atomic
def violation_create(*, inspection: Inspection, data: Mapping, actor, client_id: uuid.UUID | None = None) -> Violation:
    existing = _existing(Violation, client_id)
    if existing is not None:
        return existing
    _only(data, VIOLATION_FIELDS)
    _recording(inspection)
    violation = Violation(inspection=inspection, client_id=_client_id(client_id), **data)
    if violation.finding_id and violation.finding.inspection_id != inspection.pk:
        raise ValidationError({"finding": ValidationError(_("Not a finding of this inspection."), "invalid")})
    found_on = inspection.inspected_on or timezone.localdate()
    if violation.deadline and violation.deadline < found_on:
        raise ValidationError(
            {"deadline": ValidationError(_("The deadline is before the inspection."), "deadline_before_inspection")}
        )
    violation.status = ViolationStatus.OPEN
    violation.status_since = found_on
    violation.full_clean(exclude=["client_id"])
    _save(violation, actor)
    lifecycle.register(
        VIOLATION_LIFECYCLE,
        violation.status,
        actor=actor,
        effective_on=found_on,
        row_model=ViolationStatusChange,
        row_fields={"violation": violation},
    )
    return violation


@transaction.atomic
def violation_update(*, violation: Violation, data: Mapping, actor, expected_version: int | None = None) -> Violation:
    _only(data, VIOLATION_FIELDS)
    current = Violation.objects.select_for_update().select_related("inspection").get(pk=violation.pk)
    check_version(current, expected_version)
    if not _changes(current, data):
        return current  # saved untouched: nothing written, no new version
    deadline_before = current.deadline
    for key, value in data.items():
        setattr(current, key, value)
    if current.finding_id and current.finding.inspection_id != current.inspection_id:
        raise ValidationError({"finding": ValidationError(_("Not a finding of this inspection."), "invalid")})
    found_on = current.inspection.inspected_on or timezone.localtime(current.created_at).date()
    if current.deadline != deadline_before and current.deadline and current.deadline < found_on:
        raise ValidationError(
            {"deadline": ValidationError(_("The deadline is before the inspection."), "deadline_before_inspection")}
        )
    current.full_clean(exclude=["client_id"])
    current.version += 1
    _save(current, actor)
    return current


@transaction.atomic
def follow_up_record(
    *,
    inspection: Inspection,
    violation: Violation,
    result: str,
    actor,
    note: str = "",
    client_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """What `inspection` found about a violation of an earlier visit of the same subject: remedied,
    partly remedied or not remedied. Moves the violation to that status (dated the visit's day)."""
    existing = _existing(FollowUp, client_id)
    if existing is not None:
        return existing
    _recording(inspection)
    if result not in FOLLOW_UP_RESULTS:
        VIOLATION_LIFECYCLE.check_known(result, "result")
        raise lifecycle.error("result", _("Say whether it is remedied, partly remedied or not remedied."), "invalid")
    current = Violation.objects.select_for_update().get(pk=violation.pk)
    if (
        current.inspection_id == inspection.pk
        or not selectors.carried_forward(inspection).filter(pk=current.pk).exists()
    ):
        raise lifecycle.error(
            "violation", _("Not an open violation of an earlier inspection of this subject."), "not_carried_forward"
        )
    if FollowUp.objects.filter(inspection=inspection, violation=current).exists():
        raise lifecycle.error("violation", _("This inspection already recorded a result for it."), "duplicate")
    day = inspection.inspected_on or timezone.localdate()
    if current.status_since and day < current.status_since:
        day = current.status_since
    lifecycle.transition(
        current,
        VIOLATION_LIFECYCLE,
        result,
        actor=actor,
        effective_on=day,
        reason=note,
        expected_version=expected_version,
        row_model=ViolationStatusChange,
        row_fields={"violation": current},
        save=lambda obj, who: _save(obj, who),
    )
    follow_up = FollowUp(
        inspection=inspection, violation=current, result=result, note=note, client_id=_client_id(client_id)
    )
    _save(follow_up, actor)
    return follow_up
