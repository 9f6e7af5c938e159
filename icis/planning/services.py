import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.services import field_error
from icis.documents.models import Document

from .choices import AMENDMENT_TRANSITIONS, AmendmentStatus
from .models import AmendmentEvent, PlanAmendment


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
    allowed = AMENDMENT_TRANSITIONS[current.status]
    if to_status not in allowed:
        raise field_error(
            "to",
            _("The amendment is '%(status)s'; next allowed: %(allowed)s.")
            % {
                "status": current.get_status_display(),
                "allowed": ", ".join(str(AmendmentStatus(s).label) for s in allowed) or _("none (final)"),
            },
            "transition_not_allowed",
        )
    if on > timezone.localdate():
        raise field_error("on", _("The date is in the future."), "future_date")
    if to_status in (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED) and document is None:
        raise field_error(
            "document", _("Record the provincial People's Committee's decision (number and date)."), "required"
        )
    AmendmentEvent.objects.create(
        amendment=current,
        from_status=current.status,
        to_status=to_status,
        on=on,
        document=document,
        note=note,
        actor=actor,
    )
    current.status, current.status_since = to_status, on
    if to_status in (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED):
        current.decision = document
    current.version += 1
    current._history_user = actor
    current.save()
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
