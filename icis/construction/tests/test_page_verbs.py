"""The construction pages' verbs on the generic action views, as an attacker and a careless user would
use them: the wrong role, another scope, a bad date, an unknown export format."""

import pytest
from django.test import Client

from icis.construction import services
from icis.construction.models import PlannedVisit, ProgressReport, VisitPlan
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


@pytest.fixture
def plan(hanoi, boss):
    cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Cụm đang xây")
    return services.visit_plan_generate(
        period_start=day("2026-01-01"), period_end=day("2026-06-30"), frequency_months=3, actor=boss
    )


def test_a_draft_visit_is_moved_refused_on_a_bad_date_and_removed(page, plan):
    url = f"/construction/visits/{plan.pk}/"
    visit = plan.visits.order_by("due_on").first()
    bad = page.post(url, {"visit": visit.pk, "due_on": "31/02/2026", "version": visit.version}, follow=True)
    assert bad.status_code == 200 and [str(m) for m in bad.context["messages"]]
    assert PlannedVisit.objects.get(pk=visit.pk).due_on == visit.due_on
    moved = page.post(url, {"visit": visit.pk, "due_on": "15/02/2026", "version": visit.version})
    assert moved.status_code == 302 and PlannedVisit.objects.get(pk=visit.pk).due_on == day("2026-02-15")
    assert page.post(url, {"visit": visit.pk, "delete": "1"}).status_code == 302
    assert not PlannedVisit.objects.filter(pk=visit.pk).exists()


def test_a_visit_of_another_plan_is_404_and_approving_needs_the_permission(page, plan, boss, world):
    other = services.visit_plan_generate(
        period_start=day("2026-07-01"), period_end=day("2026-12-31"), frequency_months=3, actor=boss
    )
    foreign = other.visits.first()
    response = page.post(f"/construction/visits/{plan.pk}/", {"visit": foreign.pk, "due_on": "01/03/2026"})
    assert response.status_code == 404
    client = Client()
    client.force_login(world["users"]["inspector"])
    assert client.post(f"/construction/visits/{plan.pk}/", {"approve": "1"}).status_code == 403
    assert VisitPlan.objects.get(pk=plan.pk).status == "draft"
    assert page.post(f"/construction/visits/{plan.pk}/", {"approve": "1"}).status_code == 302
    assert VisitPlan.objects.get(pk=plan.pk).status == "approved"
    late = page.post(f"/construction/visits/{plan.pk}/", {"visit": plan.visits.first().pk, "delete": "1"}, follow=True)
    assert [str(m) for m in late.context["messages"]]  # an approved plan's visits stay: refused, said why
    assert plan.visits.count() == PlannedVisit.objects.filter(plan=plan).count() > 0


def test_generating_a_plan_with_a_bad_period_shows_the_error_on_the_list_page(page, plan):
    response = page.post(
        "/construction/visits/", {"period_start": "30/06/2026", "period_end": "01/01/2026", "frequency_months": "3"}
    )
    assert response.status_code == 200 and 'id="generate-form"' in response.content.decode()
    assert response.context["form"].errors and VisitPlan.objects.count() == 1


def test_an_unknown_export_format_is_refused(page, hanoi):
    assert page.get("/construction/obstacles/", {"export": "pdf"}).status_code == 400
