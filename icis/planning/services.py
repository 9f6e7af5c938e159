import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.services import field_error
from icis.core import lifecycle
from icis.documents.models import Document

from .choices import AMENDMENT_LIFECYCLE, AmendmentStatus
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
    AMENDMENT_LIFECYCLE.check_move(current.status, to_status)
    if to_status in (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED) and document is None:
        raise field_error("document", _("Record the City People's Committee's decision (number and date)."), "required")
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
