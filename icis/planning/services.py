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

from .choices import AMENDMENT_LIFECYCLE, AmendmentStatus, TaskStatus
from .models import AmendmentEvent, PlanAmendment, Task, TaskUpdate


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
