"""Plan versions and amendments kept on pages and through the API, not only in the administration: a
version recorded as its decision states it, an amendment drafted with its change rows (area changed,
withdrawn, added, brought forward, deferred), approved through its procedure into the next version,
compared cluster by cluster; everything scoped per province, bad input and forged ids writing nothing."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from icis.accounts import roles
from icis.audit.tests.test_no_op_saves import snapshot
from icis.clusters.choices import ClusterStatus
from icis.documents.models import Document, DocumentType
from icis.geo.tests.test_provinces import _client, two  # noqa: F401 (fixture)
from icis.planning import services
from icis.planning.choices import AmendmentStatus, PlanGroup
from icis.planning.models import AmendmentChange, DevelopmentPlan, PlanAmendment, PlanEntry
from icis.testing.factories import make_cluster, person
from icis.testing.forms import browser_post

pytestmark = pytest.mark.django_db
D = datetime.date
G = PlanGroup


@pytest.fixture
def officer(hanoi):
    return person("doit-plan", roles.DOIT_OFFICER)


@pytest.fixture
def browser(officer):
    client = Client()
    client.force_login(officer)
    return client


def _form_errors(response) -> dict:
    return response.context["form"].errors if response.context and "form" in response.context else {}


def _plan_with_entries(officer):
    plan = services.plan_version_save(
        province_id="01",
        data={"name": "PA thử 2030", "horizon_year": 2030, "vision_year": 2050},
        is_current=True,
        actor=officer,
    )
    clusters = {
        key: make_cluster(name=f"Cụm {key}", area_ha=area)
        for key, area in (("A", 10), ("B", 20), ("C", 30), ("D", 40), ("F", 8))
    }
    for key, group in (("A", G.KEPT), ("B", G.KEPT), ("C", G.KEPT), ("D", G.DEFERRED)):
        services.plan_entry_save(
            plan=plan,
            data={"cluster": clusters[key], "group": group, "planned_area_ha": clusters[key].area_ha},
            actor=officer,
        )
    return plan, clusters


def test_a_doit_officer_records_a_version_amends_it_on_pages_and_approval_makes_the_next_version(browser, officer):
    assert browser.get("/planning/versions/").content.decode().count('id="add-version"') == 1
    assert browser.get("/planning/versions/new/").status_code == 200
    made = browser.post(
        "/planning/versions/new/",
        {
            "name": "Phương án phát triển CCN đến 2030",
            "horizon_year": "2030",
            "vision_year": "2050",
            "approved_on": "12/03/2021",
            "cluster_count": "4",
            "area_ha": "37,78",
            "is_current": "on",
        },
    )
    assert made.status_code == 302, _form_errors(made)
    base = DevelopmentPlan.objects.get(name="Phương án phát triển CCN đến 2030")
    assert base.area_ha == Decimal("37.78") and base.approved_on == D(2021, 3, 12) and base.is_current
    plan, clusters = _plan_with_entries(officer)  # a second base plan, made current, replaces the first
    base.refresh_from_db()
    assert not base.is_current and plan.is_current

    detail = browser.get(f"/planning/versions/{plan.pk}/").content.decode()
    assert 'id="edit-version"' in detail and 'id="add-amendment"' in detail
    proposed = make_cluster(name="Cụm mới E", status=ClusterStatus.PROPOSED, planned_area_ha=Decimal("15"))
    drafted = browser.post(
        f"/planning/versions/{plan.pk}/amendments/new/", {"title": "Điều chỉnh 2026", "clusters": [proposed.pk]}
    )
    assert drafted.status_code == 302, _form_errors(drafted)
    amendment = PlanAmendment.objects.get(title="Điều chỉnh 2026")
    assert drafted["Location"] == f"/planning/amendments/{amendment.pk}/"
    rows = [
        (clusters["A"], G.AREA_CHANGED, "12,5", ""),
        (clusters["B"], G.WITHDRAWN, "", ""),
        (clusters["C"], G.DEFERRED, "", "sau năm 2030"),
        (clusters["D"], G.BROUGHT_FORWARD, "", "2026–2030"),
        (clusters["F"], G.ADDED, "8", ""),
    ]
    for cluster, group, area, phase in rows:
        added = browser.post(
            f"/planning/amendments/{amendment.pk}/changes/new/",
            {"cluster": cluster.pk, "group": group, "planned_area_ha": area, "phase": phase},
        )
        assert added.status_code == 302, _form_errors(added)
    page = browser.get(f"/planning/amendments/{amendment.pk}/").content.decode()
    assert page.count("data-change=") == 5 and 'id="add-change"' in page

    # a second row for the same cluster is refused naming the cluster; nothing written
    twice = browser.post(
        f"/planning/amendments/{amendment.pk}/changes/new/", {"cluster": clusters["A"].pk, "group": G.WITHDRAWN}
    )
    assert twice.status_code == 200 and "cluster" in _form_errors(twice)
    assert amendment.changes.count() == 5
    # an area change without the new area says which field
    bare = AmendmentChange.objects.get(amendment=amendment, cluster=clusters["A"])
    refused = browser.post(
        f"/planning/amendment-changes/{bare.pk}/edit/",
        {"cluster": clusters["A"].pk, "group": G.AREA_CHANGED, "planned_area_ha": "", "version": bare.version},
    )
    assert refused.status_code == 200 and "planned_area_ha" in _form_errors(refused)
    # removed and recorded again
    withdrawn = AmendmentChange.objects.get(amendment=amendment, cluster=clusters["B"])
    removed = browser.post(f"/planning/amendment-changes/{withdrawn.pk}/delete/", {"version": withdrawn.version})
    assert removed.status_code == 302 and not AmendmentChange.objects.filter(pk=withdrawn.pk).exists()
    browser.post(
        f"/planning/amendments/{amendment.pk}/changes/new/", {"cluster": clusters["B"].pk, "group": G.WITHDRAWN}
    )

    decision = Document.objects.create(doc_type=DocumentType.DECISION, number="12/QĐ-UBND", year=2026)
    for step in (AmendmentStatus.SUBMITTED, AmendmentStatus.APPRAISED, AmendmentStatus.TO_CITY):
        moved = browser.post(f"/planning/amendments/{amendment.pk}/", {"to": step, "on": "02/03/2026"})
        assert moved.status_code == 302, _form_errors(moved)
    approved = browser.post(
        f"/planning/amendments/{amendment.pk}/", {"to": "approved", "on": "02/03/2026", "document": decision.pk}
    )
    assert approved.status_code == 302, _form_errors(approved)

    new = DevelopmentPlan.objects.get(province_id="01", is_current=True)
    assert new.amends == plan and new.from_amendment == amendment
    groups = {e.name: (e.group, e.planned_area_ha) for e in new.entries.all()}
    assert groups == {
        "Cụm A": (G.AREA_CHANGED, Decimal("12.5")),
        "Cụm B": (G.WITHDRAWN, Decimal("20")),
        "Cụm C": (G.DEFERRED, Decimal("30")),
        "Cụm D": (G.BROUGHT_FORWARD, Decimal("40")),
        "Cụm F": (G.ADDED, Decimal("8")),
        "Cụm mới E": (G.ADDED, Decimal("15")),
    }
    compared = browser.get(f"/planning/versions/{new.pk}/compare/").content.decode()
    for change in ("area_changed", "withdrawn", "deferred", "brought_forward", "added"):
        assert f'data-change="{change}"' in compared, change

    # once approved, the amendment and the amended version are kept as decided
    closed = browser.get(f"/planning/amendments/{amendment.pk}/").content.decode()
    assert 'id="add-change"' not in closed and 'id="edit-amendment"' not in closed
    late = browser.post(f"/planning/amendments/{amendment.pk}/changes/new/", {"cluster": proposed.pk, "group": "kept"})
    assert late.status_code == 200 and amendment.changes.count() == 5
    assert 'id="edit-version"' not in browser.get(f"/planning/versions/{plan.pk}/").content.decode()
    before = snapshot(plan)
    edited = browser.post(
        f"/planning/versions/{plan.pk}/edit/",
        {"name": "Đổi tên", "horizon_year": "2030", "version": plan.version},
    )
    assert edited.status_code == 200 and snapshot(plan) == before


def test_untouched_edit_forms_change_nothing(browser, officer):
    plan, clusters = _plan_with_entries(officer)
    document = Document.objects.create(doc_type=DocumentType.DECISION, number="7/QĐ-UBND", year=2021)
    plan = services.plan_version_save(
        province_id="01",
        plan=plan,
        data={"document": document, "area_ha": Decimal("37.78"), "cluster_count": 3, "notes": "n"},
        actor=officer,
    )
    amendment = services.amendment_save(
        plan=plan, data={"title": "Điều chỉnh", "clusters": [clusters["F"]], "notes": "x"}, actor=officer
    )
    change = services.amendment_change_save(
        amendment=amendment,
        data={"cluster": clusters["A"], "group": G.AREA_CHANGED, "planned_area_ha": Decimal("37.78"), "phase": "p"},
        actor=officer,
    )
    for url, obj in (
        (f"/planning/versions/{plan.pk}/edit/", plan),
        (f"/planning/amendments/{amendment.pk}/edit/", amendment),
        (f"/planning/amendment-changes/{change.pk}/edit/", change),
    ):
        before = snapshot(obj)
        response = browser.post(url, browser_post(browser.get(url).context["form"]))
        assert response.status_code == 302, (url, _form_errors(response))
        assert snapshot(obj) == before, f"saving the untouched form {url} changed the record"


def test_the_api_keeps_versions_amendments_and_change_rows(officer):
    api = _client(officer)
    made = api.post(
        "/api/development-plans/",
        {"province": "01", "name": "PA API", "horizon_year": 2030, "vision_year": 2050, "area_ha": "100.5"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    plan = DevelopmentPlan.objects.get(pk=made.json()["id"])
    assert plan.is_current  # the province had none
    cluster, other = make_cluster(name="Cụm X", area_ha=10), make_cluster(name="Cụm Y", area_ha=5)
    services.plan_entry_save(plan=plan, data={"cluster": cluster, "planned_area_ha": Decimal(10)}, actor=officer)
    drafted = api.post("/api/plan-amendments/", {"plan": plan.pk, "title": "ĐC API", "clusters": []}, format="json")
    assert drafted.status_code == 201, drafted.json()
    amendment_id = drafted.json()["id"]
    created = api.post(
        "/api/amendment-changes/",
        {"amendment": amendment_id, "cluster": cluster.pk, "group": "area_changed", "planned_area_ha": "12.25"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/amendment-changes/{created.json()['id']}/"
    read = api.get(url)
    etag = read["ETag"]
    assert api.get("/api/amendment-changes/", {"amendment": amendment_id}).json()["count"] == 1
    changed = api.patch(url, {"planned_area_ha": "13"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = api.patch(url, {"planned_area_ha": "14"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and AmendmentChange.objects.get().planned_area_ha == Decimal("13")
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert api.delete(url, HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    api.post(
        "/api/amendment-changes/",
        {"amendment": amendment_id, "cluster": other.pk, "group": "added", "planned_area_ha": "5"},
        format="json",
    )
    decision = Document.objects.create(doc_type=DocumentType.DECISION, number="3/QĐ-UBND", year=2026)
    for step in ("submitted", "appraised", "to_city"):
        assert (
            api.post(
                f"/api/plan-amendments/{amendment_id}/advance/", {"to": step, "date": "2026-03-01"}, format="json"
            ).status_code
            == 200
        )
    approved = api.post(
        f"/api/plan-amendments/{amendment_id}/advance/",
        {"to": "approved", "date": "2026-03-02", "document": decision.pk},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    new = DevelopmentPlan.objects.get(province_id="01", is_current=True)
    compared = api.get(f"/api/development-plans/{new.pk}/compare/").json()
    assert compared["old"] == plan.pk and {k: n for k, n in compared["summary"].items() if n} == {"added": 1, "kept": 1}
    late = api.post(
        "/api/amendment-changes/", {"amendment": amendment_id, "cluster": cluster.pk, "group": "kept"}, format="json"
    )
    assert late.status_code == 400 and AmendmentChange.objects.count() == 1
    edit_old = api.patch(f"/api/development-plans/{plan.pk}/", {"name": "Khác"}, format="json")
    assert edit_old.status_code == 400 and DevelopmentPlan.objects.get(pk=plan.pk).name == "PA API"
    renamed = api.patch(f"/api/development-plans/{new.pk}/", {"cluster_count": 2}, format="json")
    assert renamed.status_code == 200 and renamed.json()["totals"]["stated_clusters"] == 2


def test_bad_input_is_refused_by_field_and_writes_nothing(browser, officer):
    plan, clusters = _plan_with_entries(officer)
    count = DevelopmentPlan.objects.count()
    bad = browser.post(
        "/planning/versions/new/",
        {"name": "", "horizon_year": "2030", "vision_year": "2020", "area_ha": "abc", "approved_on": "31/02/2021"},
    )
    assert bad.status_code == 200 and {"name", "area_ha", "approved_on"} <= set(_form_errors(bad))
    future = browser.post(
        "/planning/versions/new/",
        {"name": "PA", "horizon_year": "2030", "vision_year": "2020", "approved_on": "01/01/2099"},
    )
    assert {"vision_year", "approved_on"} <= set(_form_errors(future))
    assert DevelopmentPlan.objects.count() == count
    amendment = services.amendment_save(plan=plan, data={"title": "ĐC"}, actor=officer)
    negative = browser.post(
        f"/planning/amendments/{amendment.pk}/changes/new/",
        {"cluster": clusters["A"].pk, "group": G.AREA_CHANGED, "planned_area_ha": "-1"},
    )
    assert "planned_area_ha" in _form_errors(negative) and not amendment.changes.exists()
    stale = services.amendment_change_save(
        amendment=amendment, data={"cluster": clusters["A"], "group": G.WITHDRAWN}, actor=officer
    )
    services.amendment_change_save(
        amendment=amendment, change=stale, data={"phase": "x"}, actor=officer, expected_version=1
    )
    old_form = browser.post(
        f"/planning/amendment-changes/{stale.pk}/edit/",
        {"cluster": clusters["A"].pk, "group": G.DEFERRED, "version": 1},
    )
    assert old_form.status_code == 200 and AmendmentChange.objects.get(pk=stale.pk).group == G.WITHDRAWN


def test_other_provinces_plans_and_amendments_cannot_be_reached_or_named(two):  # noqa: F811
    hanoi_plan = DevelopmentPlan.objects.get(province_id="01")
    test_plan = DevelopmentPlan.objects.get(province_id="T9")
    actor = two["test_doit"]
    theirs = services.amendment_save(plan=test_plan, data={"title": "ĐC Thử"}, actor=actor)
    their_change = services.amendment_change_save(
        amendment=theirs, data={"cluster": two["t"], "group": G.WITHDRAWN}, actor=actor
    )
    mine = services.amendment_save(plan=hanoi_plan, data={"title": "ĐC Hà Nội"}, actor=two["hanoi_doit"])
    counts = (DevelopmentPlan.objects.count(), PlanAmendment.objects.count(), AmendmentChange.objects.count())

    page = Client()
    page.force_login(two["hanoi_doit"])
    assert page.get("/planning/versions/new/?province=T9").status_code == 404
    assert page.post("/planning/versions/new/?province=T9", {"name": "X", "horizon_year": "2030"}).status_code == 404
    assert page.get(f"/planning/versions/{test_plan.pk}/edit/").status_code == 404
    assert page.post(f"/planning/versions/{test_plan.pk}/amendments/new/", {"title": "X"}).status_code == 404
    assert page.get(f"/planning/amendments/{theirs.pk}/edit/").status_code == 404
    assert page.post(f"/planning/amendments/{theirs.pk}/changes/new/", {"cluster": two["h"].pk}).status_code == 404
    assert page.get(f"/planning/amendment-changes/{their_change.pk}/edit/").status_code == 404
    assert page.post(f"/planning/amendment-changes/{their_change.pk}/delete/").status_code == 404
    foreign = page.post(f"/planning/amendments/{mine.pk}/changes/new/", {"cluster": two["t"].pk, "group": G.WITHDRAWN})
    assert foreign.status_code == 200 and "cluster" in _form_errors(foreign)
    forged = page.post(f"/planning/versions/{hanoi_plan.pk}/amendments/new/", {"title": "X", "clusters": [two["t"].pk]})
    assert forged.status_code == 200 and "clusters" in _form_errors(forged)

    api = _client(two["hanoi_doit"])
    refused = api.post("/api/development-plans/", {"province": "T9", "name": "X", "horizon_year": 2030}, format="json")
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"province"}
    assert api.patch(f"/api/development-plans/{test_plan.pk}/", {"name": "X"}, format="json").status_code == 404
    refused = api.post("/api/plan-amendments/", {"plan": test_plan.pk, "title": "X"}, format="json")
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"plan"}
    refused = api.post(
        "/api/amendment-changes/", {"amendment": theirs.pk, "cluster": two["h"].pk, "group": "kept"}, format="json"
    )
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"amendment"}
    refused = api.post(
        "/api/amendment-changes/", {"amendment": mine.pk, "cluster": two["t"].pk, "group": "kept"}, format="json"
    )
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"cluster"}
    assert api.patch(f"/api/amendment-changes/{their_change.pk}/", {"group": "kept"}, format="json").status_code == 404
    assert api.delete(f"/api/amendment-changes/{their_change.pk}/").status_code == 404
    assert api.get("/api/amendment-changes/").json()["count"] == 0
    assert api.get(f"/api/plan-amendments/{theirs.pk}/").status_code == 404
    assert (DevelopmentPlan.objects.count(), PlanAmendment.objects.count(), AmendmentChange.objects.count()) == counts
    assert AmendmentChange.objects.get(pk=their_change.pk).group == G.WITHDRAWN
    assert _client(two["moit"]).get("/api/amendment-changes/").json()["count"] == 1


def test_a_commune_official_reads_but_keeps_no_plan(officer):
    plan, clusters = _plan_with_entries(officer)
    amendment = services.amendment_save(plan=plan, data={"title": "ĐC"}, actor=officer)
    change = services.amendment_change_save(
        amendment=amendment, data={"cluster": clusters["A"], "group": G.WITHDRAWN}, actor=officer
    )
    commune = person("xa-plan", roles.COMMUNE_OFFICIAL, communes=["10273"])
    page = Client()
    page.force_login(commune)
    for url in (
        "/planning/versions/new/",
        f"/planning/versions/{plan.pk}/edit/",
        f"/planning/versions/{plan.pk}/amendments/new/",
    ):
        assert page.get(url).status_code == 403, url
    api = _client(commune)
    assert api.post("/api/development-plans/", {"province": "01", "name": "X", "horizon_year": 2030}).status_code == 403
    assert api.patch(f"/api/development-plans/{plan.pk}/", {"name": "X"}, format="json").status_code == 403
    assert DevelopmentPlan.objects.get(pk=plan.pk).name == "PA thử 2030"
    assert PlanEntry.objects.filter(plan=plan).count() == 4
    assert AmendmentChange.objects.get(pk=change.pk).group == G.WITHDRAWN
