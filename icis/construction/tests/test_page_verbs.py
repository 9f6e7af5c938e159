"""The construction pages' verbs on the generic action views, as an attacker and a careless user would
use them: the wrong role, another scope, a bad date, an unknown export format."""

import pytest

from icis.construction import services
from icis.construction.models import ProgressReport
from icis.geo.models import Commune

from .factories import cluster_with_history, day

pytestmark = pytest.mark.django_db


def building(commune):
    return cluster_with_history(
        established_on="2019-01-01", started_on="2020-01-01", communes=[Commune.objects.get(code=commune)]
    )


@pytest.fixture
def report(world, boss):
    return services.progress_report_submit(
        cluster=building("10273"), data={"report_date": day("2024-01-01"), "overall_percent": 10}, actor=boss
    )


def test_only_a_reviewer_decides_a_report_and_the_others_only_read_it(client, world, report):
    official = world["users"]["commune-official"]
    client.force_login(official)
    page = client.get(f"/construction/reports/{report.pk}/")
    assert page.status_code == 200 and 'id="review-form"' not in page.content.decode()
    assert client.post(f"/construction/reports/{report.pk}/", {"decision": "accept"}).status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"
    client.force_login(world["users"]["doit-officer"])
    assert 'id="review-form"' in client.get(f"/construction/reports/{report.pk}/").content.decode()
    assert client.post(f"/construction/reports/{report.pk}/", {"decision": "maybe"}).status_code == 200
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"


def test_a_report_outside_the_scope_is_404_even_for_a_post(client, world, boss):
    other = services.progress_report_submit(
        cluster=building("10030"), data={"report_date": day("2024-01-01"), "overall_percent": 10}, actor=boss
    )
    client.force_login(world["users"]["commune-official"])
    assert client.get(f"/construction/reports/{other.pk}/").status_code == 404
    assert client.post(f"/construction/reports/{other.pk}/", {"decision": "accept"}).status_code == 404


def test_an_unknown_export_format_is_refused(page, hanoi):
    assert page.get("/construction/obstacles/", {"export": "pdf"}).status_code == 400
