"""The portal's daily jobs (readiness and vacant land refresh; personal data purge) are queued by the job
workers when due (icis/core/periodic.py): once a day however many workers poll, from their local time
on, with their effect and outcome on a job row."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from icis.core import periodic
from icis.core.models import DailyRun, Job
from icis.portal.models import ClusterLand, Enquiry

from .test_public import send_enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def daily_jobs_on(settings):
    settings.ICIS_DAILY_JOBS = True


TZ = timezone.get_default_timezone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def test_nothing_is_queued_when_daily_jobs_are_off(portal_world, settings):
    settings.ICIS_DAILY_JOBS = False
    assert periodic.run_due(at(timezone.localdate(), 12)) == []
    assert not DailyRun.objects.exists()


def test_both_portal_jobs_are_registered():
    names = {d.name: d for d in periodic.registered()}
    assert names["portal-refresh"].handler == "icis.portal.jobs.refresh_job"
    assert names["portal-purge-enquiries"].handler == "icis.portal.jobs.purge_job"


def test_daily_jobs_run_once_a_day_from_their_time(portal_world):
    today = timezone.localdate()
    assert periodic.run_due(at(today, 0, 10)) == []  # before 00:30: nothing due
    first = periodic.run_due(at(today, 0, 45))
    assert [j.handler for j in first] == ["icis.portal.jobs.refresh_job"]
    assert first[0].status == Job.Status.SUCCEEDED, first[0].message
    assert first[0].result["refreshed"] == 2
    assert periodic.run_due(at(today, 1, 0)) == []  # already queued today
    second = periodic.run_due(at(today, 3, 0))
    assert [j.handler for j in second] == ["icis.portal.jobs.purge_job"]
    assert periodic.run_due(at(today, 23, 0)) == []
    tomorrow = periodic.run_due(at(today + datetime.timedelta(days=1), 4, 0))
    assert sorted(j.handler for j in tomorrow) == ["icis.portal.jobs.purge_job", "icis.portal.jobs.refresh_job"]
    assert DailyRun.objects.get(name="portal-refresh").last_job == tomorrow[0]


def test_a_job_another_worker_claimed_today_is_not_queued_again(portal_world):
    today = timezone.localdate()
    DailyRun.objects.create(name="portal-refresh", last_day=today)
    DailyRun.objects.create(name="portal-purge-enquiries", last_day=today)
    assert periodic.run_due(at(today, 12)) == []


def test_the_refresh_job_renews_the_kept_land_of_every_published_cluster(portal_world):
    ClusterLand.objects.all().delete()
    periodic.run_due(at(timezone.localdate(), 1))
    assert ClusterLand.objects.filter(as_of=timezone.localdate()).count() == 2


def test_the_purge_job_erases_personal_data_past_the_retention(portal_world):
    from icis.geo.models import ProvinceSettings

    send_enquiry(Client())
    enquiry = Enquiry.objects.get()
    ProvinceSettings.objects.update_or_create(province_id=enquiry.province_id, defaults={"enquiry_retention_days": 30})
    later = timezone.localdate() + datetime.timedelta(days=31)
    jobs = periodic.run_due(at(later, 2, 30))
    purge = next(j for j in jobs if j.handler == "icis.portal.jobs.purge_job")
    assert purge.status == Job.Status.SUCCEEDED and purge.result["erased"] == [enquiry.reference]
    enquiry.refresh_from_db()
    assert enquiry.email == "" and enquiry.erased_on == later


def test_the_worker_queues_the_due_daily_jobs_when_it_starts(portal_world, monkeypatch):
    """`jobs_worker` runs `periodic.run_due()` at start (its sweeper thread then does each round). The
    queue loop and the thread are left out: they close the test's database connection."""
    from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

    from icis.core import jobs

    class NoThread:
        done = type("Done", (), {"set": lambda self: None})()

        def start(self):
            pass

    monkeypatch.setattr(jobs, "Sweeper", NoThread)
    monkeypatch.setattr(DatabaseWorkerCommand, "handle", lambda self, *args, **options: None)
    call_command("jobs_worker", "--batch", "--no-reload")
    now = timezone.localtime()
    due = {d.name for d in periodic.registered() if now.time() >= d.at}
    assert set(DailyRun.objects.filter(last_day=now.date()).values_list("name", flat=True)) == due
