"""The continuous-monitoring import from the plant page runs as a background job (icis/core/jobs.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icis.clusters.choices import ClusterStatus
from icis.core import jobs
from icis.core.models import Job
from icis.environment.models import Sample
from icis.testing.factories import make_cluster

from .factories import day, make_plant


@pytest.fixture
def plant(hanoi, boss):
    cluster = make_cluster(name="Cụm Phú Xuyên", status=ClusterStatus.OPERATING, status_date=day("2015-01-01"))
    return make_plant(cluster, name="Trạm Phú Xuyên", since="2020-01-01")


@pytest.fixture
def queued(settings):
    settings.ICIS_JOBS_SYNC = False


def post(page, plant, content: bytes):
    upload = SimpleUploadedFile("quan-trac.csv", content)
    return page.post(f"/environment/plants/{plant.pk}/import/", {"file": upload})


def test_the_page_queues_the_file_and_the_job_page_shows_the_counts(page, plant, queued):
    response = post(page, plant, b"date,parameter,value,unit\n2026-03-01,COD,62,mg/l\n2026-03-02,COD,40,mg/l\n")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED and bytes(job.payload).startswith(b"date,")
    assert Sample.objects.count() == 0  # nothing until a worker runs it
    assert jobs.execute(job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert Sample.objects.filter(plant=plant).count() == 2 and bytes(job.payload) == b""
    html = page.get(response["Location"]).content.decode()
    assert "Imported 2 values over 2 days" in html and f"/environment/plants/{plant.pk}/" in html


def test_a_refused_file_lists_every_row_on_the_job_page_and_writes_nothing(page, plant, queued):
    post(page, plant, b"date,parameter,value,unit\n2026-03-01,COD,abc,mg/l\n2099-01-01,COD,1,mg/l\n")
    job = Job.objects.get()
    assert jobs.execute(job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert [p["row"] for p in job.problems] == [2, 3] and not job.retryable
    html = page.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-problems"' in html and "nothing was imported" in html and 'id="retry-form"' not in html
    assert Sample.objects.count() == 0


def test_in_synchronous_mode_the_page_answers_at_once(page, plant):
    response = post(page, plant, b"date,parameter,value,unit\n2026-03-01,COD,abc,mg/l\n")
    assert response.status_code == 200 and response.context["row_errors"][0]["row"] == 2
