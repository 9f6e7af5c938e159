"""The portal's daily jobs, queued by every worker when due (icis/core/periodic.py, registered in
PortalConfig.ready): the readiness summaries and kept occupied land of the published clusters, and the
erasure of enquirers' personal data after the province's retention period."""

import datetime

from django.utils.translation import gettext as _

from icis.core import jobs

from . import services


def _day(job) -> datetime.date | None:
    day = (job.params or {}).get("day")
    return datetime.date.fromisoformat(day) if day else None


@jobs.handler()
def refresh_job(job, progress) -> dict:
    count = services.readiness_refresh(day=_day(job))
    return {"refreshed": count, "message": _("%(count)s published clusters refreshed.") % {"count": count}}


@jobs.handler()
def purge_job(job, progress) -> dict:
    erased = services.erase_personal_data(today=_day(job))
    return {
        "erased": erased,
        "message": _("The personal data of %(count)s enquiries erased.") % {"count": len(erased)},
    }
