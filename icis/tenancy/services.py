"""Writes with rules: tenants, tenant projects (land within the cluster's industrial land) and the
Circular 14 submission workflow (draft → submitted → returned → resubmitted → accepted)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from icis.clusters import plausibility
from icis.clusters.models import Cluster
from icis.clusters.services import CONFIRM_HINT
from icis.core import formats, lifecycle
from icis.core.changes import apply_changes, unchanged
from icis.core.concurrency import check_version
from icis.core.forms import field_error

from . import periods, report_forms
from .choices import PROJECT_LIFECYCLE, SUBMISSION_LIFECYCLE, ProjectStatus, ReportForm, SubmissionStatus
from .models import ProjectStatusChange, Submission, SubmissionStatusChange, Tenant, TenantProject
from .selectors import hectares

TENANT_FIELDS = ("name", "tax_code", "is_fdi", "country", "sector", "contact_name", "phone", "email", "organisation")
PROJECT_FIELDS = (
    "cluster",
    "tenant",
    "name",
    "land_ha",
    "approval_number",
    "approval_date",
    "lease_start",
    "lease_end",
    "status",
    "ended_on",
    "employees",
)


# What an edit may change: the status moves only through `project_transition`, with its history.
PROJECT_EDIT_FIELDS = tuple(f for f in PROJECT_FIELDS if f != "status")


def _save(obj, actor, *, validated: bool = False):
    if not validated:
        obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


@transaction.atomic
def tenant_create(*, data: dict, actor) -> Tenant:
    return _save(Tenant(**{k: v for k, v in data.items() if k in TENANT_FIELDS}), actor)


@transaction.atomic
def tenant_update(*, tenant: Tenant, data: dict, actor, expected_version: int | None = None) -> Tenant:
    current = Tenant.objects.select_for_update().get(pk=tenant.pk)
    check_version(current, expected_version)
    for key, value in data.items():
        if key in TENANT_FIELDS:
            setattr(current, key, value)
    if unchanged(current):
        return current
    current.version += 1
    return _save(current, actor)


def tenant_by_tax_code(tax_code: str) -> Tenant:
    """The registered firm with this tax code: how an investor names a firm it does not lease to yet."""
    tenant = Tenant.objects.filter(tax_code=tax_code.strip()).first()
    if tenant is None:
        raise field_error(
            "tenant_tax_code",
            _("No firm with tax code %(tax_code)s is registered; register the firm first.") % {"tax_code": tax_code},
            "unknown_tax_code",
        )
    return tenant


def active_projects(cluster_id: int, *, exclude_pk=None):
    """Projects holding land now (not left): what the industrial land must accommodate."""
    projects = TenantProject.objects.filter(cluster_id=cluster_id).exclude(status=ProjectStatus.LEFT)
    return projects.exclude(pk=exclude_pk) if exclude_pk else projects


def _check_land(project: TenantProject) -> None:
    if project.status == ProjectStatus.LEFT:
        return
    # Lock the cluster row so two projects cannot both take the last hectares.
    cluster = Cluster.objects.select_for_update().get(pk=project.cluster_id)
    if cluster.industrial_land_ha is None:
        raise field_error(
            "cluster",
            _(
                "Cluster %(cluster)s has no industrial land recorded; record it (from the detailed plan) before "
                "adding tenant projects."
            )
            % {"cluster": cluster.name},
            "no_industrial_land",
        )
    taken = hectares(active_projects(cluster.pk, exclude_pk=project.pk).aggregate(total=Sum("land_ha"))["total"])
    refusal = land_refusal(cluster, taken=taken, asked=project.land_ha)
    if refusal is not None:
        raise refusal


def land_refusal(cluster: Cluster, *, taken: Decimal, asked: Decimal) -> ValidationError | None:
    """The error for a project asking `asked` ha of a cluster whose other projects hold `taken` ha, if it does not
    fit (shared with the tenant import, which counts `taken` in memory with the cluster's row locked once)."""
    left = cluster.industrial_land_ha - taken
    if asked <= left:
        return None
    return field_error(
        "land_ha",
        _(
            "Only %(left)s ha of industrial land is left in cluster %(cluster)s (%(taken)s of %(total)s ha already "
            "taken); this project asks for %(asked)s ha."
        )
        % {
            "left": ha_text(left),
            "cluster": cluster.name,
            "taken": ha_text(taken),
            "total": ha_text(cluster.industrial_land_ha),
            "asked": ha_text(asked),
        },
        "exceeds_industrial_land",
    )


def ha_text(value) -> str:
    return formats.area(value)  # the page language's separators, no trailing zeros


DATED_FIELDS = ("approval_date", "lease_start")


def _check_dates(project: TenantProject, *, confirmed: bool, touched) -> None:
    """A lease or approval dated before the cluster was established is saved only once a person has seen
    the warning (`confirmed`); the warnings stay on the instance for the page to show."""
    dates = {f: (TenantProject._meta.get_field(f).verbose_name, getattr(project, f)) for f in DATED_FIELDS}
    found = plausibility.dates_before_establishment(project.cluster, dates)
    project.plausibility_warnings = found
    if found and not confirmed and set(touched) & set(DATED_FIELDS):
        raise ValidationError({w.field: ValidationError(f"{w.message} {_(CONFIRM_HINT)}", code=w.code) for w in found})


@transaction.atomic
def project_create(
    *,
    data: dict,
    actor,
    illustrative: bool = False,
    confirmed: bool = True,
    status_date: datetime.date | None = None,
    reason: str = "",
) -> TenantProject:
    """A lease, registered in the status the evidence shows (first row of its lifecycle). The status date
    is `status_date`, else the day a tenant who left left, else unknown. Interactive callers pass the
    person's `confirmed` (see `_check_dates`)."""
    project = TenantProject(**{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    PROJECT_LIFECYCLE.check_known(project.status, "status")
    if status_date is None and project.status == ProjectStatus.LEFT:
        status_date = project.ended_on
    project.status_since = status_date
    project.is_illustrative = illustrative
    project.full_clean()
    _check_land(project)
    _check_dates(project, confirmed=confirmed, touched=DATED_FIELDS)
    _save(project, actor, validated=True)
    lifecycle.register(
        PROJECT_LIFECYCLE,
        project.status,
        actor=actor,
        effective_on=status_date,
        reason=reason or _("Registered"),
        row_model=ProjectStatusChange,
        row_fields={"project": project},
    )
    return project


def leased_land(cluster: Cluster) -> Decimal:
    """The industrial land that the cluster's tenant projects hold now (the cluster's industrial land
    may not drop below it: registered with the cluster services in TenancyConfig.ready)."""
    return hectares(active_projects(cluster.pk).aggregate(total=Sum("land_ha"))["total"])


def _check_tenant_change(current: TenantProject, data: dict) -> None:
    """A project's periodic reports are its firm's: once it has any, the firm cannot be swapped
    (that would hand one firm's reports to another)."""
    tenant = data.get("tenant")
    if tenant is None or tenant.pk == current.tenant_id or not current.submissions.exists():
        return
    raise field_error(
        "tenant",
        _(
            "This project already has periodic reports filed by %(tenant)s, so its firm cannot be changed. "
            "Record that the firm left and add a project for the new firm."
        )
        % {"tenant": current.tenant.name},
        "tenant_has_reports",
    )


@transaction.atomic
def project_update(
    *, project: TenantProject, data: dict, actor, expected_version: int | None = None, confirmed: bool = True
) -> TenantProject:
    current = TenantProject.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    _check_tenant_change(current, data)
    if "status" in data and data["status"] != current.status:
        raise field_error("status", _(STATUS_BY_TRANSITION), "read_only")
    changed = apply_changes(current, {k: v for k, v in data.items() if k in PROJECT_EDIT_FIELDS})
    current.full_clean()
    _check_land(current)
    _check_dates(current, confirmed=confirmed, touched=changed)
    if unchanged(current):
        return current
    current.version += 1
    return _save(current, actor)


STATUS_BY_TRANSITION = gettext_noop(
    "The status is not edited: record the change with its date (“Change status” on the page; "
    "POST /api/tenant-projects/{id}/transition/ in the API)."
)


@transaction.atomic
def project_transition(
    *,
    project: TenantProject,
    to_status: str,
    effective_on: datetime.date,
    actor,
    reason: str = "",
    document=None,
    expected_version: int | None = None,
) -> TenantProject:
    """The one way a tenant project's status changes, dated, as a typed history row. Leaving sets the
    day the tenant left."""
    current = TenantProject.objects.select_for_update().get(pk=project.pk)
    lifecycle.transition(
        current,
        PROJECT_LIFECYCLE,
        to_status,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        document=document,
        expected_version=expected_version,
        extra={"ended_on": effective_on} if to_status == ProjectStatus.LEFT else {},
        row_model=ProjectStatusChange,
        row_fields={"project": current},
        save=_save,
    )
    return current


# --- Circular 14 submissions -------------------------------------------------------------------------


def _subject_filter(form: str, cluster, tenant_project) -> Q:
    if form == ReportForm.FORM_01:
        return Q(tenant_project=tenant_project)
    return Q(cluster=cluster)


@transaction.atomic
def submission_save(
    *, form: str, period: str, actor, data: dict, cluster=None, tenant_project=None, expected_version: int | None = None
) -> Submission:
    """Create or update a draft (or a returned report being corrected)."""
    if form not in ReportForm.values:
        raise field_error("form", _("Unknown form '%(form)s'; use 01 or 02.") % {"form": form}, "invalid")
    try:
        parsed = periods.parse(period)
    except ValueError as error:
        raise field_error("period", str(error), "invalid") from None
    if form == ReportForm.FORM_01:
        if tenant_project is None:
            raise field_error("tenant_project", _("Form 01 is filed for a tenant project."), "required")
        cluster = tenant_project.cluster
    elif cluster is None:
        raise field_error("cluster", _("Form 02 is filed for a cluster."), "required")
    clean, errors = report_forms.clean_figures(form, data)
    if errors:
        raise ValidationError(
            {f"data.{key}": ValidationError(message, code="invalid") for key, message in errors.items()}
        )
    existing = (
        Submission.objects.select_for_update()
        .filter(_subject_filter(form, cluster, tenant_project), form=form, period=parsed.code)
        .first()
    )
    if existing is None:
        submission = Submission(form=form, period=parsed.code, cluster=cluster, tenant_project=tenant_project)
    else:
        submission = existing
        check_version(submission, expected_version)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise field_error(
                "status",
                _("This report is %(status)s; it can no longer be edited.")
                % {"status": submission.get_status_display()},
                "locked",
            )
    submission.data = clean
    if unchanged(submission):
        return submission
    if existing is not None:
        submission.version += 1
        return _save(submission, actor)
    _save(submission, actor)
    lifecycle.register(
        SUBMISSION_LIFECYCLE,
        submission.status,
        actor=actor,
        effective_on=timezone.localdate(),
        row_model=SubmissionStatusChange,
        row_fields={"submission": submission},
    )
    return submission


def _move(current: Submission, to: str, actor, *, reason: str = "", extra: dict) -> Submission:
    """One step of the Circular 14 workflow through the one lifecycle, dated today, as a typed row."""
    lifecycle.transition(
        current,
        SUBMISSION_LIFECYCLE,
        to,
        actor=actor,
        effective_on=timezone.localdate(),
        reason=reason,
        since_field=None,
        extra=extra,
        row_model=SubmissionStatusChange,
        row_fields={"submission": current},
        save=_save,
    )
    return current


@transaction.atomic
def submission_submit(*, submission: Submission, actor) -> Submission:
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    gaps = report_forms.missing(current.form, current.data)
    if gaps:
        raise field_error(
            "data",
            _("Fill in every figure before submitting; missing: %(keys)s.") % {"keys": ", ".join(gaps)},
            "incomplete",
        )
    return _move(
        current, SubmissionStatus.SUBMITTED, actor, extra={"submitted_at": timezone.now(), "submitted_by": actor}
    )


@transaction.atomic
def submission_return(*, submission: Submission, reason: str, actor) -> Submission:
    if not (reason or "").strip():
        raise field_error("reason", _("Say what must be corrected."), "required")
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    return _move(
        current,
        SubmissionStatus.RETURNED,
        actor,
        reason=reason.strip(),
        extra={"return_reason": reason.strip(), "reviewed_at": timezone.now(), "reviewed_by": actor},
    )


@transaction.atomic
def submission_accept(*, submission: Submission, actor) -> Submission:
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    return _move(current, SubmissionStatus.ACCEPTED, actor, extra={"reviewed_at": timezone.now(), "reviewed_by": actor})
