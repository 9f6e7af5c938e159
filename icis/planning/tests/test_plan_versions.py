"""Plan membership apart from the lifecycle: versions hold one entry per cluster with its group; totals
are computed (withdrawn and deferred listed, never counted); approving an amendment makes the next
version; two versions compare cluster by cluster; pages and API are scoped per province."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.documents.models import Document, DocumentType
from icis.geo.tests.test_provinces import _client, two  # noqa: F401 (fixture)
from icis.planning import selectors, services
from icis.planning.choices import AmendmentStatus, PlanGroup
from icis.planning.models import AmendmentChange, DevelopmentPlan, PlanAmendment, PlanEntry
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db
D = datetime.date
G = PlanGroup


def entry(plan, cluster, group=G.KEPT, area=None, **fields):
    return PlanEntry.objects.create(
        plan=plan,
        cluster=cluster,
        name=cluster.name if cluster else fields.pop("name"),
        group=group,
        planned_area_ha=Decimal(str(area)) if area is not None else None,
        **fields,
    )


@pytest.fixture
def plan(hanoi):
    return DevelopmentPlan.objects.create(
        province_id="01", name="PA 2030", horizon_year=2030, vision_year=2050, cluster_count=4, area_ha=Decimal("70")
    )


@pytest.fixture
def six(plan):
    """One cluster per group."""
    clusters = {group: make_cluster(name=f"Cụm {group}", area_ha=10) for group in G.values}
    areas = {G.KEPT: 10, G.AREA_CHANGED: 20, G.WITHDRAWN: 30, G.ADDED: 15, G.BROUGHT_FORWARD: 25, G.DEFERRED: 40}
    for group, cluster in clusters.items():
        entry(plan, cluster, group, areas[group])
    return clusters


def test_totals_are_computed_from_the_entries_withdrawn_and_deferred_not_counted(plan, six):
    totals = selectors.plan_totals(plan)
    assert totals.computed
    assert (totals.clusters, totals.area_ha) == (4, Decimal("70"))
    assert totals.not_counted == 2
    assert (totals.stated_clusters, totals.stated_area_ha) == (4, Decimal("70"))
    assert not totals.disagree
    plan.cluster_count = 5
    plan.save()
    assert selectors.plan_totals(plan).clusters_disagree  # shown beside, never silently picked


def test_a_plan_without_entries_shows_only_the_stated_figures(plan):
    totals = selectors.plan_totals(plan)
    assert not totals.computed and totals.clusters is None
    assert (totals.cluster_figure, totals.area_figure) == (4, Decimal("70"))


def test_form_04_and_the_dashboard_use_the_computed_totals(plan, six, boss):
    plan.cluster_count = 159
    plan.save()
    from icis.dashboard.selectors import registry_summary

    summary = registry_summary(user=boss, province_code="01")
    assert summary["plan"]["clusters"] == 4
    assert summary["plan"]["stated_clusters"] == 159 and summary["plan"]["disagree"]


def test_withdrawing_an_established_cluster_keeps_it_established(plan, boss):
    cluster = make_cluster(status=ClusterStatus.ESTABLISHED, status_date=D(2015, 1, 1))
    kept = entry(plan, cluster, G.KEPT, 12)
    services.plan_entry_save(plan=plan, entry=kept, data={"group": G.WITHDRAWN}, actor=boss, expected_version=1)
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.ESTABLISHED
    assert selectors.plan_totals(plan).clusters == 0


def test_entry_rules(boss, two):  # noqa: F811
    plan = DevelopmentPlan.objects.get(province_id="01")
    cluster = make_cluster()
    services.plan_entry_save(plan=plan, data={"cluster": cluster, "group": G.KEPT}, actor=boss)
    with pytest.raises(ValidationError) as twice:
        services.plan_entry_save(plan=plan, data={"cluster": cluster, "group": G.ADDED}, actor=boss)
    assert "cluster" in twice.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        services.plan_entry_save(plan=plan, data={"cluster": two["t"]}, actor=boss)
    assert "cluster" in elsewhere.value.message_dict
    with pytest.raises(ValidationError) as negative:
        services.plan_entry_save(plan=plan, data={"name": "X", "planned_area_ha": Decimal(-1)}, actor=boss)
    assert "planned_area_ha" in negative.value.message_dict
    stale = PlanEntry.objects.get(plan=plan, cluster=cluster)
    services.plan_entry_save(plan=plan, entry=stale, data={"phase": "2021–2030"}, actor=boss, expected_version=1)
    with pytest.raises(ValidationError):
        services.plan_entry_save(plan=plan, entry=stale, data={"phase": "x"}, actor=boss, expected_version=1)
    assert PlanEntry.objects.get(plan=plan, cluster=cluster).phase == "2021–2030"


def approve(amendment, boss, on=None):
    on = on or D(2026, 3, 1)
    decision = Document.objects.create(doc_type=DocumentType.DECISION, number="12/QĐ-UBND", year=2026)
    amendment.status = AmendmentStatus.TO_CITY
    amendment.save()
    return services.amendment_advance(
        amendment=amendment, to_status=AmendmentStatus.APPROVED, on=on, document=decision, actor=boss
    )


def test_approving_an_amendment_makes_the_next_version(plan, six, boss):
    proposed = make_cluster(name="Cụm mới", status=ClusterStatus.PROPOSED, planned_area_ha=Decimal("33"))
    amendment = PlanAmendment.objects.create(title="Điều chỉnh 2026", plan=plan)
    amendment.clusters.add(proposed)
    AmendmentChange.objects.create(
        amendment=amendment, cluster=six[G.KEPT], group=G.AREA_CHANGED, planned_area_ha=Decimal("12")
    )
    AmendmentChange.objects.create(amendment=amendment, cluster=six[G.ADDED], group=G.WITHDRAWN)
    AmendmentChange.objects.create(amendment=amendment, cluster=six[G.DEFERRED], group=G.BROUGHT_FORWARD)
    approve(amendment, boss)

    plan.refresh_from_db()
    new = DevelopmentPlan.objects.get(province_id="01", is_current=True)
    assert new.pk != plan.pk and new.amends == plan and not plan.is_current and new.from_amendment == amendment
    assert plan.entries.count() == 6  # the old version stays as it was
    groups = {e.cluster.name: (e.group, e.planned_area_ha) for e in new.entries.select_related("cluster")}
    assert groups == {
        "Cụm kept": (G.AREA_CHANGED, Decimal("12")),
        "Cụm area_changed": (G.KEPT, Decimal("20")),
        "Cụm added": (G.WITHDRAWN, Decimal("15")),
        "Cụm brought_forward": (G.KEPT, Decimal("25")),
        "Cụm deferred": (G.BROUGHT_FORWARD, Decimal("40")),
        "Cụm mới": (G.ADDED, Decimal("33")),
    }  # the withdrawn one is left behind
    proposed.refresh_from_db()
    assert proposed.status == ClusterStatus.PLANNED

    changes = {row["name"]: row["change"] for row in selectors.compare(plan, new)}
    assert changes == {
        "Cụm kept": "area_changed",
        "Cụm area_changed": "kept",
        "Cụm added": "withdrawn",
        "Cụm brought_forward": "kept",
        "Cụm deferred": "brought_forward",
        "Cụm mới": "added",
    }
    back = {row["name"]: row["change"] for row in selectors.compare(new, plan)}
    assert back["Cụm deferred"] == "deferred" and back["Cụm mới"] == "withdrawn"


def test_pages_show_versions_entries_and_compare(plan, six, boss):
    page = Client()
    page.force_login(boss)
    versions = page.get("/planning/versions/", {"province": "01"})
    assert versions.status_code == 200 and "PA 2030" in versions.content.decode()
    detail = page.get(f"/planning/versions/{plan.pk}/").content.decode()
    for group in G.values:
        assert f'id="group-{group}"' in detail
    assert 'data-figure="computed-clusters">4<' in detail
    cluster = make_cluster(name="Cụm thêm")
    added = page.post(
        f"/planning/versions/{plan.pk}/entries/new/",
        {"cluster": cluster.pk, "group": G.ADDED, "planned_area_ha": "7,5", "phase": "2031–2050"},
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    created = PlanEntry.objects.get(plan=plan, cluster=cluster)
    assert created.planned_area_ha == Decimal("7.5") and created.name == "Cụm thêm"
    edited = page.post(
        f"/planning/entries/{created.pk}/edit/",
        {"cluster": cluster.pk, "name": "Cụm thêm", "group": G.DEFERRED, "version": created.version},
    )
    assert edited.status_code == 302
    assert PlanEntry.objects.get(pk=created.pk).group == G.DEFERRED
    other = DevelopmentPlan.objects.create(
        province_id="01", name="PA cũ", horizon_year=2020, cluster_count=1, area_ha=1, is_current=False
    )
    compared = page.get(f"/planning/versions/{plan.pk}/compare/", {"old": other.pk})
    assert compared.status_code == 200 and 'data-change="added"' in compared.content.decode()


def test_a_doit_officer_edits_entries_a_commune_official_does_not(plan, six):
    officer = person("doit", roles.DOIT_OFFICER)
    commune = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    target = plan.entries.first()
    for user, expected in ((officer, 200), (commune, 403)):
        page = Client()
        page.force_login(user)
        assert page.get(f"/planning/entries/{target.pk}/edit/").status_code == expected
        assert page.get(f"/planning/versions/{plan.pk}/entries/new/").status_code == expected


def test_versions_are_scoped_per_province(two, boss):  # noqa: F811
    hanoi_plan = DevelopmentPlan.objects.get(province_id="01")
    test_plan = DevelopmentPlan.objects.get(province_id="T9")
    entry(test_plan, two["t"], G.KEPT, 6)
    hanoi_doit, test_doit, moit = two["hanoi_doit"], two["test_doit"], two["moit"]
    page = Client()
    page.force_login(hanoi_doit)
    assert page.get(f"/planning/versions/{test_plan.pk}/").status_code == 404
    assert page.get(f"/planning/versions/{hanoi_plan.pk}/compare/", {"old": test_plan.pk}).status_code == 404
    assert page.get(f"/planning/versions/{test_plan.pk}/entries/new/").status_code == 404
    assert "PA Thử" not in page.get("/planning/versions/").content.decode()
    api = _client(hanoi_doit)
    assert [p["name"] for p in api.get("/api/development-plans/").json()["results"]] == ["PA Hà Nội"]
    assert api.get(f"/api/development-plans/{test_plan.pk}/").status_code == 404
    assert api.get("/api/plan-entries/").json()["count"] == 0
    refused = api.post("/api/plan-entries/", {"plan": hanoi_plan.pk, "cluster": two["t"].pk}, format="json")
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"cluster"}
    refused = api.post("/api/plan-entries/", {"plan": test_plan.pk, "name": "X"}, format="json")
    assert refused.status_code == 400 and {e["field"] for e in refused.json()["errors"]} == {"plan"}
    assert {p["name"] for p in _client(moit).get("/api/development-plans/").json()["results"]} == {
        "PA Hà Nội",
        "PA Thử",
    }
    mine = _client(test_doit).get("/api/development-plans/").json()["results"]
    assert [p["name"] for p in mine] == ["PA Thử"] and mine[0]["totals"]["clusters"] == 1


def test_api_entries_and_compare(plan, six, api):
    other = DevelopmentPlan.objects.create(
        province_id="01", name="PA mới", horizon_year=2030, is_current=False, amends=plan
    )
    body = api.get(f"/api/development-plans/{plan.pk}/").json()
    assert body["totals"]["clusters"] == 4 and body["totals"]["not_counted"] == 2
    assert len(api.get(f"/api/development-plans/{plan.pk}/entries/").json()) == 6
    created = api.post(
        "/api/plan-entries/",
        {"plan": other.pk, "cluster": six[G.KEPT].pk, "group": "area_changed", "planned_area_ha": "11"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    compared = api.get(f"/api/development-plans/{other.pk}/compare/").json()
    assert compared["old"] == plan.pk, compared
    assert compared["summary"]["area_changed"] == 1, compared
    assert compared["summary"]["withdrawn"] == 4
    assert compared["summary"]["deferred"] == 0
    changed = api.patch(f"/api/plan-entries/{created.json()['id']}/", {"group": "withdrawn"}, format="json")
    assert changed.status_code == 200 and changed.json()["counted"] is False


def test_an_entry_saved_unchanged_writes_nothing(plan, boss):
    cluster = make_cluster(status=ClusterStatus.ESTABLISHED, status_date=D(2015, 1, 1))
    kept = entry(plan, cluster, G.KEPT, 12)
    rows = kept.history.count()
    same = services.plan_entry_save(
        plan=plan,
        entry=kept,
        data={"group": G.KEPT, "planned_area_ha": Decimal("12.00")},
        actor=boss,
        expected_version=1,
    )
    assert same.version == 1 and kept.history.count() == rows
    changed = services.plan_entry_save(
        plan=plan, entry=kept, data={"planned_area_ha": Decimal("12.5")}, actor=boss, expected_version=1
    )
    assert changed.version == 2 and kept.history.count() == rows + 1
