from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The largest id a database column holds: filters refuse larger ones with a 400, not an overflow.
ID_MAX = 2**63 - 1


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A piece of background work (an import, a long report) waiting in the database queue and run by a
    worker process (`manage.py jobs_worker`). Its status, progress and outcome are kept here, so any app
    server shows them and a restart loses nothing (`icis/core/jobs.py`, docs/jobs.md)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    handler = models.CharField(_("handler"), max_length=200, editable=False)
    label = models.CharField(_("job"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True, editable=False)
    # An uploaded file the job reads (at most ICIS_IMPORT_MAX_BYTES), emptied once the job has succeeded.
    payload = models.BinaryField(_("file"), default=b"", blank=True, editable=False)
    language = models.CharField(_("language of the messages"), max_length=8, default="vi")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("reason"), blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    retryable = models.BooleanField(_("can be retried"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("queue task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # The sweeper's query: running jobs whose heartbeat stopped.
            models.Index(fields=["status", "heartbeat_at"], name="core_job_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="core_job_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.label} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def status_colour(self) -> str:
        return {self.Status.SUCCEEDED: "success", self.Status.FAILED: "danger"}.get(self.status, "info")


class DailyRun(models.Model):
    """The last day a daily job (`icis.core.periodic`) was queued: the workers' claim, so that however many
    workers poll, each daily job is queued once a day."""

    name = models.CharField(_("daily job"), max_length=100, primary_key=True)
    last_day = models.DateField(_("last queued for"), null=True, blank=True)
    last_job = models.ForeignKey(
        Job, verbose_name=_("last job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")

    def __str__(self):
        return f"{self.name}: {self.last_day}"
