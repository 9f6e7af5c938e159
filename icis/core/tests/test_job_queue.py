"""The job queue in one process: enqueue on commit, the sweeper, "done" racing the sweeper, retry, the
job page. The multi-process behaviour is in test_jobs.py."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from icis.core import jobs
from icis.core.models import Job
from icis.testing.factories import english, person

HERE = "icis.core.tests.test_job_queue"
failures = []


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


@jobs.handler(on_failure=lambda job: failures.append(job.pk))
def make_group(job, progress):
    """Writes a row, then finishes (or fails as the parameters say)."""
    progress(50)
    Group.objects.create(name=job.params["name"])
    if job.params.get("lose_connection"):
        raise OperationalError("server closed the connection unexpectedly")
    if job.params.get("refuse"):
        raise jobs.JobFailed("Refused.", problems=[{"row": 2, "field": "x", "message": "bad"}])
    return {"message": "Made."}


def not_a_handler(job, progress):
    return {}


def test_a_job_is_queued_only_when_the_request_commits(settings, boss, django_capture_on_commit_callbacks):
    settings.ICIS_JOBS_SYNC = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.enqueue(f"{HERE}.make_group", label="x", actor=boss, params={"name": "g"})
    assert job.status == Job.Status.QUEUED and DBTaskResult.objects.count() == 0
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert str(task.id) == job.task_id and task.status == "READY" and task.args_kwargs["args"] == [job.pk]


def test_a_job_runs_once_and_keeps_its_outcome(boss):
    job = jobs.enqueue(f"{HERE}.make_group", label="x", actor=boss, params={"name": "g"})
    assert job.status == Job.Status.SUCCEEDED and job.result == {"message": "Made."} and job.attempts == 1
    assert jobs.execute(job.pk) == ""  # not waiting any more: a second delivery does nothing
    assert Group.objects.filter(name="g").count() == 1


def test_only_marked_functions_can_be_enqueued(boss):
    with pytest.raises(ValueError):
        jobs.enqueue(f"{HERE}.not_a_handler", label="x", actor=boss)
    with pytest.raises(ValueError):
        jobs.enqueue("os.system", label="x", actor=boss)


def test_a_lost_connection_fails_the_job_once_writes_nothing_and_can_be_retried(boss):
    job = jobs.enqueue(f"{HERE}.make_group", label="x", actor=boss, params={"name": "g", "lose_connection": True})
    assert job.status == Job.Status.FAILED and job.retryable and job.pk in failures
    assert "connection to the database was lost" in job.message and job.problems == []
    assert not Group.objects.filter(name="g").exists()
    Job.objects.filter(pk=job.pk).update(params={"name": "g"})
    assert jobs.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2 and Group.objects.filter(name="g").exists()


def test_a_refused_input_lists_its_problems_and_is_not_retried(boss):
    job = jobs.enqueue(f"{HERE}.make_group", label="x", actor=boss, params={"name": "g", "refuse": True})
    assert job.status == Job.Status.FAILED and job.message == "Refused." and job.problems[0]["row"] == 2
    assert not job.retryable and not jobs.retry(job) and not Group.objects.filter(name="g").exists()


def running(boss, *, silent_for: int, task: DBTaskResult | None = None) -> Job:
    beat = timezone.now() - datetime.timedelta(seconds=silent_for)
    return Job.objects.create(
        handler=f"{HERE}.make_group",
        label="x",
        created_by=boss,
        status=Job.Status.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        task_id=str(task.id) if task else "",
    )


def test_the_sweeper_fails_silent_jobs_only(settings, boss):
    settings.ICIS_JOB_STALE_SECONDS = 30
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="icis.core.jobs.run_job",
        backend_name="default",
        run_after=timezone.now(),
        status="RUNNING",
    )
    silent, alive = running(boss, silent_for=60, task=task), running(boss, silent_for=5)
    assert jobs.sweep() == 1 and jobs.sweep() == 0
    silent.refresh_from_db(), alive.refresh_from_db(), task.refresh_from_db()
    assert (
        silent.status == Job.Status.FAILED and silent.retryable and "Hãy chạy lại" in silent.message
    )  # the message is in the language of the person who started the job (Vietnamese by default)
    assert silent.pk in failures and task.status == "FAILED"
    assert alive.status == Job.Status.RUNNING


def test_a_handler_that_finishes_after_the_sweeper_gave_up_keeps_nothing(boss):
    job = running(boss, silent_for=600)
    jobs.sweep()
    with pytest.raises(jobs.JobFailed):
        jobs.succeed(job, {})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_a_job_whose_enqueue_was_lost_is_queued_by_the_sweeper(settings, boss):
    settings.ICIS_JOB_STALE_SECONDS = 30
    job = Job.objects.create(handler=f"{HERE}.make_group", label="x", created_by=boss, params={"name": "g"})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    jobs.sweep()
    job.refresh_from_db()
    assert DBTaskResult.objects.get().id.hex == job.task_id.replace("-", "")


# --- the job page ------------------------------------------------------------------------------------------


def test_the_job_page_shows_the_outcome_to_its_starter_only(client, hanoi):
    owner = person("owner")
    job = jobs.enqueue(f"{HERE}.make_group", label="Making a group", actor=owner, params={"name": "g"})
    client.force_login(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "Making a group" in html and "Made." in html
    state = client.get(reverse("core:job_progress", args=[job.pk])).json()
    assert state == {"status": "succeeded", "label": "Done", "progress": 100, "running": False}
    client.force_login(person("other"))
    for name in ("core:job_detail", "core:job_progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("core:job_retry", args=[job.pk])).status_code == 404


def test_a_failed_job_is_retried_from_its_page(client, hanoi):
    owner = person("owner")
    job = jobs.enqueue(f"{HERE}.make_group", label="x", actor=owner, params={"name": "g", "lose_connection": True})
    client.force_login(owner)
    html = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="retry-form"' in html
    Job.objects.filter(pk=job.pk).update(params={"name": "g"})
    client.post(reverse("core:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    client.post(reverse("core:job_retry", args=[job.pk]))  # done: nothing to retry
    job.refresh_from_db()
    assert job.attempts == 2


def test_a_running_job_page_polls_and_a_silent_one_is_resolved_when_shown(settings, client, hanoi):
    settings.ICIS_JOB_STALE_SECONDS = 30
    owner = person("owner")
    client.force_login(owner)
    alive = running(owner, silent_for=1)
    Job.objects.filter(pk=alive.pk).update(progress=37)
    html = client.get(reverse("core:job_detail", args=[alive.pk])).content.decode()
    assert 'id="import-progress"' in html and "37 %" in html
    silent = running(owner, silent_for=120)
    state = client.get(reverse("core:job_progress", args=[silent.pk])).json()
    assert state["status"] == "failed" and state["running"] is False
