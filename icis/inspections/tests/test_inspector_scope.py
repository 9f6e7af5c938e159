"""An inspector reaches only the plans whose team includes them and those plans' subjects (docs/inspections.md,
"Scope"), on pages, API, exports, reports, the field route and sync; a DoIT officer keeps the province. An
inspector naming by id an inspection, plan or subject outside their plans is refused and nothing is written."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from icis.accounts import roles
from icis.inspections import selectors
from icis.inspections.models import Finding, Inspection, Violation, team_scoped
from icis.testing.factories import make_cluster, person
from icis.testing.personas import api_client_for

from .factories import done, make_plan, make_violation

pytestmark = pytest.mark.django_db
DEADLINE = "2099-12-31"


@pytest.fixture
def plans(hanoi, boss):
    """Plan P lists cluster A with the inspector on the team; plan Q lists cluster B (another team). An earlier
    ad-hoc visit of A (no team) found a violation still open; B's visit found one too."""
    inspector = person("thanh-tra", roles.INSPECTOR)
    other = person("thanh-tra-2", roles.INSPECTOR)
    a = make_cluster(name="Cụm Phú Xuyên", area_ha=30)
    b = make_cluster(name="Cụm Đông Phú Yên", area_ha=20)
    today = timezone.localdate()
    earlier = done(make_inspection(boss, a), boss, day=today)
    old_a = make_violation(boss, earlier, deadline=today + datetime.timedelta(days=30), description="Vi phạm A")
    p, q = make_plan(boss, title="KH P"), make_plan(boss, title="KH Q")
    mine = make_inspection(boss, a, plan=p, team=[inspector])
    mate = make_inspection(boss, a, plan=p, planned_month=9, team=[other])  # same plan, another team
    theirs = make_inspection(boss, b, plan=q, team=[other])
    b_visit = done(make_inspection(boss, b), boss, day=today)
    old_b = make_violation(boss, b_visit, deadline=today + datetime.timedelta(days=30), description="Vi phạm B")
    return locals() | {"boss": boss}


def make_inspection(boss, cluster, *, team=(), **data):
    from icis.inspections import services

    kind = data.pop("subject_kind", "cluster")
    return services.inspection_create(
        data={"subject_kind": kind, "cluster": cluster, **data}, topics=("construction",), team=team, actor=boss
    )


def test_only_inspectors_are_narrowed(plans):
    assert team_scoped(plans["inspector"])
    assert not team_scoped(plans["boss"])
    assert not team_scoped(person("doit", roles.DOIT_OFFICER))
    assert not team_scoped(person("leader", roles.CITY_LEADER))


def test_an_inspector_sees_their_plans_and_those_plans_subjects_and_doit_the_province(plans):
    api = api_client_for(plans["inspector"])
    assert [r["id"] for r in api.get("/api/inspection-plans/").json()["results"]] == [plans["p"].pk]
    seen = {r["id"] for r in api.get("/api/inspections/").json()["results"]}
    # Every entry of plan P (the other team's too) and the earlier visit of the same subject (cluster A).
    assert seen == {plans["mine"].pk, plans["mate"].pk, plans["earlier"].pk}
    described = {r["description"] for r in api.get("/api/violations/").json()["results"]}
    assert described == {"Vi phạm A"}
    assert api.get(f"/api/inspections/{plans['theirs'].pk}/").status_code == 404
    assert api.get(f"/api/inspection-plans/{plans['q'].pk}/").status_code == 404
    # A DoIT officer keeps the province.
    doit = api_client_for(person("doit", roles.DOIT_OFFICER))
    assert len(doit.get("/api/inspection-plans/").json()["results"]) == 2
    assert {r["description"] for r in doit.get("/api/violations/").json()["results"]} == {"Vi phạm A", "Vi phạm B"}


def test_pages_exports_and_reports_keep_to_the_inspectors_plans(plans):
    client = Client()
    client.force_login(plans["inspector"])
    assert client.get(f"/inspections/{plans['mine'].pk}/").status_code == 200
    assert client.get(f"/inspections/{plans['theirs'].pk}/").status_code == 404
    assert client.get(f"/inspections/violations/{plans['old_b'].pk}/").status_code == 404
    assert client.get(f"/inspections/violations/{plans['old_a'].pk}/").status_code == 200
    register = client.get("/inspections/violations/?export=csv").content.decode("utf-8-sig")
    assert "Vi phạm A" in register and "Vi phạm B" not in register
    listing = client.get("/inspections/?export=csv").content.decode("utf-8-sig")
    assert "Cụm Phú Xuyên" in listing and "Cụm Đông Phú Yên" not in listing
    assert client.get("/inspections/reports/?by=topic&export=xlsx").status_code == 200
    # The report counts one inspection done (the earlier visit of A) and its violation; B's are not counted.
    rows = selectors.results_by(plans["inspector"], dimension="topic")
    assert (sum(r["inspections"] for r in rows), sum(r["violations"] for r in rows)) == (1, 1)
    rows = selectors.results_by(person("doit", roles.DOIT_OFFICER), dimension="topic")
    assert (sum(r["inspections"] for r in rows), sum(r["violations"] for r in rows)) == (2, 2)
    # The field route: only their own team's visits.
    route = api_client_for(plans["inspector"]).get(f"/api/inspections/route/?day={timezone.localdate():%Y-%m-%d}")
    assert all(i["id"] == plans["mine"].pk for i in route.json()["inspections"])


def test_an_inspector_writing_outside_their_plans_by_id_is_refused_and_nothing_is_written(plans):
    inspector = plans["inspector"]
    api = api_client_for(inspector)
    counts = (Inspection.objects.count(), Violation.objects.count(), Finding.objects.count())
    violation = {
        "inspection": plans["theirs"].pk,
        "topic": "construction",
        "description": "Chưa có giấy phép xây dựng",
        "legal_basis": "NĐ 32/2024/NĐ-CP Điều 21 khoản 2",
        "corrective_action": "Xin giấy phép",
        "deadline": DEADLINE,
        "responsible": "Chủ đầu tư",
    }
    answer = api.post("/api/violations/", violation, format="json")
    assert answer.status_code == 400 and "inspection" in answer.json()["errors"][0]["field"]
    # A finding through the sync and through the page on the other plan's inspection: not there.
    finding = {"kind": "finding", "client_id": str(uuid.uuid4()), "inspection": plans["theirs"].pk, "description": "x"}
    assert api.post("/api/inspections/sync/", finding, format="json").status_code == 404
    client = Client()
    client.force_login(inspector)
    page = client.post(
        f"/inspections/{plans['theirs'].pk}/findings/new/", {"topic": "construction", "description": "x"}
    )
    assert page.status_code == 404
    # Planning an inspection of a subject outside their plans (cluster B), or in the other team's plan.
    adhoc = api.post(
        "/api/inspections/",
        {"subject_kind": "cluster", "cluster": plans["b"].pk, "topics": ["construction"]},
        format="json",
    )
    assert adhoc.status_code == 400
    error = adhoc.json()["errors"][0]
    assert error["field"] == "cluster" and "Cụm Đông Phú Yên" in error["message"]
    entry = {"plan": plans["q"].pk, "subject_kind": "cluster", "cluster": plans["a"].pk, "topics": ["construction"]}
    assert api.post("/api/inspections/", entry, format="json").status_code == 400
    # Following up B's violation from their own inspection of A.
    follow = {
        "kind": "follow_up",
        "client_id": str(uuid.uuid4()),
        "inspection": plans["mine"].pk,
        "violation": plans["old_b"].pk,
        "result": "remedied",
    }
    assert api.post("/api/inspections/sync/", follow, format="json").status_code == 404
    assert (Inspection.objects.count(), Violation.objects.count(), Finding.objects.count()) == counts
    plans["old_b"].refresh_from_db()
    assert plans["old_b"].status == "open"


def test_an_inspectors_own_visit_of_a_subject_of_their_plans_puts_them_on_the_team(plans):
    api = api_client_for(plans["inspector"])
    answer = api.post(
        "/api/inspections/",
        {"subject_kind": "cluster", "cluster": plans["a"].pk, "topics": ["construction"]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    created = Inspection.objects.get(pk=answer.json()["id"])
    assert list(created.team.all()) == [plans["inspector"]]
    # An edit moving the subject to another cluster is refused the same way.
    from icis.inspections import services

    with pytest.raises(Exception) as refused:
        services.inspection_update(inspection=created, data={"cluster": plans["b"]}, actor=plans["inspector"])
    assert "cluster" in refused.value.message_dict
    created.refresh_from_db()
    assert created.cluster == plans["a"]
