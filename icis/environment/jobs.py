"""The continuous-monitoring import as a background job (icis/core/jobs.py): the page queues the file,
a worker reads it through `services.continuous_import` (all rows or none) and the job keeps the outcome."""

from django.utils.translation import gettext as _

from icis.core import channel, jobs
from icis.core.audit import acting
from icis.core.models import Job

from . import services
from .models import WastewaterPlant

HANDLER = "icis.environment.jobs.continuous_import_job"


@jobs.handler()
def continuous_import_job(job: Job, progress) -> dict:
    plant = WastewaterPlant.objects.get(pk=job.params["plant_id"])
    progress(5)
    try:
        with acting(job.created_by, channel.IMPORT):
            summary = services.continuous_import(plant=plant, content=bytes(job.payload), actor=job.created_by)
    except services.ImportRefused as refused:
        raise jobs.JobFailed(
            _("The file was refused: nothing was imported. Correct every problem listed and upload it again."),
            problems=refused.rows,
        ) from None
    message = _("Imported %(values)s values over %(days)s days; %(v)s violation(s) opened.") % {
        "values": summary["values"],
        "days": summary["days"],
        "v": summary["violations_opened"],
    }
    return {**summary, "plant_id": plant.pk, "message": message}


def start(*, plant: WastewaterPlant, filename: str, content: bytes, actor) -> Job:
    return jobs.enqueue(
        HANDLER,
        label=_("Continuous monitoring import: %(file)s (%(plant)s)") % {"file": filename, "plant": plant.name},
        actor=actor,
        params={"plant_id": plant.pk, "back_url": f"/environment/plants/{plant.pk}/"},
        payload=content,
    )
