"""Background jobs on a database queue: one `enqueue()`, a heartbeat, a sweeper, a retry.

A job is a `Job` row (status, progress, outcome: what every app server reads) plus a task in the
django-tasks database queue (`django_tasks_db`: what a worker picks up). `enqueue()` writes the job and,
once the caller's transaction commits, puts `run_job` on the queue; `manage.py jobs_worker` runs it.

- The handler is a function marked with `@handler`, named by its dotted path. It runs in one transaction
  that ends by marking the job done (`succeed`), so the work and "done" are kept together or not at all.
- While it runs, a thread writes the job's progress and a heartbeat every ICIS_JOB_HEARTBEAT_SECONDS on
  its own connection. A running job silent for ICIS_JOB_STALE_SECONDS lost its worker (killed, server
  restarted): `sweep()` marks it failed with that reason, retryable. The worker sweeps every few seconds
  and pages that show a job sweep it when it looks silent. On SQLite a job's transaction holds the only
  write lock, so its heartbeat cannot be written until it ends; the sweeper's conditional update then
  waits for that lock and finds the job finished, so a live job is never marked failed.
- A lost database connection (or a locked database) ends the job with one clear, retryable reason.
- ICIS_JOBS_SYNC runs the job in the request (tests, scripts): same code, no worker, no heartbeat.

See docs/jobs.md.
"""

import contextlib
import datetime
import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from . import lifecycle
from .models import Job

logger = logging.getLogger(__name__)
Status = Job.Status

# A job's states move through the one lifecycle (`icis.core.lifecycle`): queued → running → done or failed,
# a failed job may be queued again. Each move is a conditional update (`_move`), so two workers, or a worker
# and the sweeper, never both win; the job's own fields (started, finished, message) are its history.
JOB_LIFECYCLE = lifecycle.Machine(
    name="job",
    states=Status,
    moves={
        Status.QUEUED: (Status.RUNNING,),
        Status.RUNNING: (Status.SUCCEEDED, Status.FAILED),
        Status.FAILED: (Status.QUEUED,),
        Status.SUCCEEDED: (),
    },
    reason_required=False,
)


def _move(job_id: int, current: str, to: str, *, when: dict | None = None, **fields) -> bool:
    """Move a job from `current` to `to` if it is still there (and matches `when`); False otherwise.
    A move outside JOB_LIFECYCLE is a programming error, refused with the one wording."""
    JOB_LIFECYCLE.check_move(current, to)
    return bool(Job.objects.filter(pk=job_id, status=current, **(when or {})).update(status=to, **fields))


class JobFailed(Exception):
    """Raised by a handler to end its job as failed with a reason the user can act on; `problems` lists
    the details (e.g. rows of a refused file). Nothing the handler wrote is kept."""

    def __init__(self, message: str, *, problems: list | None = None, retryable: bool = False):
        super().__init__(message)
        self.message, self.problems, self.retryable = message, problems or [], retryable


def handler(*, on_failure: Callable[[Job], None] | None = None, atomic: bool = True):
    """Mark a function `fn(job, progress) -> dict` as a job handler. `progress(percent)` reports how far
    it got; the dict it returns is the job's result. `on_failure(job)` runs in its own transaction
    whenever the job ends failed, by the handler or by the sweeper (e.g. to mark the domain record).

    The handler runs in one transaction that also marks the job done. `atomic=False` leaves the
    transaction to the handler (it must write in one and call `succeed` inside it): useful to read a
    file and report progress before taking SQLite's write lock."""

    def mark(fn):
        fn.icis_job_handler = True
        fn.on_failure = on_failure
        fn.atomic = atomic
        return fn

    return mark


def _resolve(path: str):
    fn = import_string(path)
    if not getattr(fn, "icis_job_handler", False):
        raise ValueError(f"{path} is not a job handler")
    return fn


def enqueue(path: str, *, label: str, actor=None, params: dict | None = None, payload: bytes = b"") -> Job:
    """Record a job and queue it once the current transaction commits (run at once when ICIS_JOBS_SYNC)."""
    _resolve(path)  # a typo fails here, in the request, not later in the worker
    job = Job.objects.create(
        handler=path,
        label=label[:200],
        params=params or {},
        payload=payload,
        created_by=actor,
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
    )
    _schedule(job)
    return job


def _schedule(job: Job) -> None:
    if settings.ICIS_JOBS_SYNC:
        execute(job.pk)
        job.refresh_from_db()
    else:
        # robust: a queue that cannot be written now must not turn the user's saved request into an error;
        # the sweeper queues the job later.
        transaction.on_commit(functools.partial(_send, job.pk), robust=True)


def _send(job_id: int) -> None:
    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


@task()
def run_job(job_id: int) -> str:
    """The queue's one task: run the job's handler. Its outcome is on the Job row. Every log line it
    writes carries `job-<id>` as its request id (icis/core/request_log.py)."""
    from .request_log import request_id_var

    token = request_id_var.set(f"job-{job_id}")
    try:
        return execute(job_id)
    finally:
        request_id_var.reset(token)


def retry(job: Job) -> bool:
    """Queue a failed, retryable job again; False when it is not (or no longer) in that state."""
    moved = _move(
        job.pk,
        Status.FAILED,
        Status.QUEUED,
        when={"retryable": True},
        progress=0,
        message="",
        problems=[],
        task_id="",
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if moved:
        _schedule(job)
    return bool(moved)


# --- running ---------------------------------------------------------------------------------------------


class _Heartbeat(threading.Thread):
    """Writes the job's progress and a sign of life on its own connection while the handler runs."""

    def __init__(self, job_id: int):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.percent = job_id, 0
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(settings.ICIS_JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now(), progress=self.percent
                    )
                except DatabaseError:
                    # SQLite: the job's own transaction holds the write lock until it ends. Or the
                    # connection was lost: a new one is opened for the next beat.
                    logger.debug("job %s: heartbeat not written", self.job_id, exc_info=True)
                    connection.close_if_unusable_or_obsolete()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.done.set()


def succeed(job: Job, result: dict | None = None) -> None:
    """Mark the job done. A handler calls it inside the transaction that writes its work, so the work and
    "done" are kept together or not at all; if the sweeper already gave the job up (its worker looked
    dead), this raises JobFailed and the transaction rolls back."""
    now = timezone.now()
    finished = _move(
        job.pk,
        Status.RUNNING,
        Status.SUCCEEDED,
        progress=100,
        result=result or {},
        payload=b"",
        finished_at=now,
        heartbeat_at=now,
    )
    if not finished:
        raise JobFailed(_stopped_message(), retryable=True)
    job.status, job.result = Status.SUCCEEDED, result or {}


def execute(job_id: int) -> str:
    """Claim a queued job, run its handler, record the outcome; returns the final status."""
    now = timezone.now()
    claimed = _move(
        job_id, Status.QUEUED, Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, progress=0
    )
    if not claimed:
        logger.warning("job %s is not waiting in the queue; not run again", job_id)
        return ""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    beat = None if settings.ICIS_JOBS_SYNC else _Heartbeat(job_id)
    written = {"percent": 0}

    def progress(percent: int) -> None:
        if beat is None:
            return
        beat.percent = max(0, min(100, int(percent)))
        if not connection.in_atomic_block and beat.percent != written["percent"]:
            # Outside a transaction (e.g. while a file is read) the handler's own connection writes at once.
            Job.objects.filter(pk=job_id, status=Status.RUNNING).update(
                progress=beat.percent, heartbeat_at=timezone.now()
            )
            written["percent"] = beat.percent

    if beat is not None:
        beat.start()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            try:
                fn = _resolve(job.handler)
                with transaction.atomic() if fn.atomic else contextlib.nullcontext():
                    result = fn(job, progress)
                    if fn.atomic:
                        succeed(job, result)
                if job.status != Status.SUCCEEDED:
                    with transaction.atomic():
                        succeed(job, result)
                return Status.SUCCEEDED
            except JobFailed as failure:
                return _fail(job, failure.message, problems=failure.problems, retryable=failure.retryable)
            except (OperationalError, InterfaceError):
                logger.warning("job %s: database connection lost", job_id, exc_info=True)
                message = _(
                    "The connection to the database was lost while this job ran; nothing was written. Try again "
                    "when the database is back."
                )
                return _fail(job, message, retryable=True)
            except Exception:
                logger.exception("job %s (%s) failed", job_id, job.handler)
                message = _(
                    "This job stopped because of an internal error; nothing was written. The error has been logged."
                )
                return _fail(job, message, retryable=True)
    finally:
        if beat is not None:
            beat.stop()


def _fail(job: Job, message: str, *, problems: list | None = None, retryable: bool) -> str:
    """Record the failure, reconnecting first if the connection is gone (a few tries: the database may be
    coming back). If it cannot be written, the sweeper marks the job failed once its heartbeat is old."""
    for attempt in range(3):
        try:
            if not connection.in_atomic_block:
                close_old_connections()
            with transaction.atomic():
                failed = _move(
                    job.pk,
                    Status.RUNNING,
                    Status.FAILED,
                    message=message,
                    problems=problems or [],
                    retryable=retryable,
                    finished_at=timezone.now(),
                )
                if failed:
                    _on_failure(job.handler, job.pk)
            return Status.FAILED
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise
            logger.warning("job %s: failure not recorded (try %s)", job.pk, attempt + 1, exc_info=True)
            connection.close()
            time.sleep(2**attempt)
    return Status.FAILED


def _on_failure(path: str, job_id: int) -> None:
    try:
        hook = getattr(_resolve(path), "on_failure", None)
    except (ImportError, ValueError):
        return
    if hook is not None:
        hook(Job.objects.get(pk=job_id))


# --- the sweeper ---------------------------------------------------------------------------------------------


def _stopped_message() -> str:
    return _(
        "The worker running this job stopped before it finished (it was restarted or killed, or lost the "
        "database); nothing was written. Try again."
    )


def looks_stale(job: Job, now: datetime.datetime | None = None) -> bool:
    """A running job whose heartbeat is older than ICIS_JOB_STALE_SECONDS."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.ICIS_JOB_STALE_SECONDS)
    return job.status == Status.RUNNING and job.heartbeat_at is not None and job.heartbeat_at < cutoff


def sweep(*, job_ids: list[int] | None = None) -> int:
    """Mark running jobs whose heartbeat stopped as failed (retryable) and their queue tasks too; the
    number marked. Queue jobs whose enqueue was lost (the process died between commit and queueing).
    Safe to run from any process, any number of times."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.ICIS_JOB_STALE_SECONDS)
    silent = Job.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff)
    if job_ids is not None:
        silent = silent.filter(pk__in=job_ids)
    unsent = Job.objects.filter(status=Status.QUEUED, task_id="", created_at__lt=cutoff)
    if job_ids is not None:
        unsent = unsent.filter(pk__in=job_ids)
    for job_id in unsent.values_list("pk", flat=True):
        logger.warning("job %s was never put on the queue; queued now", job_id)
        _send(job_id)  # a job sent twice still runs once: running it claims it first
    marked = 0
    for job in silent.only("pk", "handler", "language", "task_id"):
        with transaction.atomic(), translation.override(job.language or settings.LANGUAGE_CODE):
            message = _stopped_message()
            now = timezone.now()
            if not _move(
                job.pk,
                Status.RUNNING,
                Status.FAILED,
                when={"heartbeat_at__lt": cutoff},
                message=message,
                retryable=True,
                finished_at=now,
            ):
                continue
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                    status="FAILED",
                    finished_at=now,
                    exception_class_path="icis.core.jobs.WorkerLost",
                    traceback=message,
                )
            _on_failure(job.handler, job.pk)
            marked += 1
            logger.warning("job %s: no heartbeat since %s; marked failed", job.pk, cutoff)
    return marked


def sweep_if_stale(job: Job) -> Job:
    """For pages showing one job: resolve it if its worker is gone. A database that is busy (SQLite, a
    long job holding the write lock) leaves it for the worker's sweeper rather than keep the page waiting."""
    if not looks_stale(job):
        return job
    try:
        with _short_lock_wait():
            if sweep(job_ids=[job.pk]):
                job.refresh_from_db()
    except DatabaseError:
        logger.info("job %s: could not be swept now", job.pk, exc_info=True)
    return job


@contextlib.contextmanager
def _short_lock_wait():
    """On SQLite, wait at most 0.2 s for the write lock (a live job may hold it for a long time)."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    usual = connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.connection.execute("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        connection.connection.execute(f"PRAGMA busy_timeout = {int(usual)}")


class Sweeper(threading.Thread):
    """The worker's sweeper: every few seconds, on its own connection."""

    def __init__(self, every: float | None = None):
        super().__init__(name="job-sweeper", daemon=True)
        self.every = every or max(1.0, settings.ICIS_JOB_STALE_SECONDS / 3)
        self.done = threading.Event()

    def run(self) -> None:
        from . import periodic

        while not self.done.wait(self.every):
            try:
                close_old_connections()
                sweep()
                periodic.run_due()  # the daily jobs whose time has come (icis/core/periodic.py)
            except DatabaseError:
                logger.info("job sweeper: database not available", exc_info=True)
        connection.close()
