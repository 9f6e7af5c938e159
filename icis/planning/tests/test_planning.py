import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.documents.models import Document, DocumentType
from icis.planning import indicators, selectors, services
from icis.planning.choices import AmendmentStatus, AreaSourceKind
from icis.planning.models import AnnualPlan, AreaStatement, DevelopmentPlan, PlanAmendment, Target
from icis.tenancy import services as tenancy_services
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db
D = datetime.date


def move(cluster, to, on, actor):
    return cluster_services.cluster_transition(cluster=cluster, to_status=to, effective_on=on, reason="QĐ", actor=actor)


@pytest.fixture
def plan305(hanoi):
    plan = AnnualPlan.objects.create(province_id="01", year=2026, title="KH 305", number="305/KH-UBND")
    Target.objects.create(
        plan=plan,
        indicator="fully_occupied",
        label="Lấp đầy 6 CCN",
        target_min=6,
        target_max=6,
        params={"threshold": 100},
    )
    Target.objects.create(
        plan=plan,
        indicator="infrastructure_completed",
        label="Hoàn thành hạ tầng 26 CCN",
        target_min=26,
        target_max=26,
        params={"started_from": 2021, "started_to": 2025},
    )
    Target.objects.create(
        plan=plan, indicator="established_or_expanded", label="Thành lập, mở rộng 5–10 CCN", target_min=5, target_max=10
    )
    return plan


def actuals(plan, day):
    return {row["target"].indicator: row["actual"] for row in selectors.plan_progress(plan, as_of=day)}


def test_plan_305_actuals_follow_status_changes_live(plan305, boss):
    started_2022 = make_cluster(status=ClusterStatus.UNDER_CONSTRUCTION, status_date=D(2022, 3, 1))
    started_2019 = make_cluster(status=ClusterStatus.UNDER_CONSTRUCTION, status_date=D(2019, 3, 1))
    planned = make_cluster(status=ClusterStatus.PLANNED, status_date=D(2020, 1, 1))
    today = D(2026, 11, 1)
    assert actuals(plan305, today) == {"fully_occupied": 0, "infrastructure_completed": 0, "established_or_expanded": 0}
    move(started_2022, ClusterStatus.INFRASTRUCTURE_COMPLETE, D(2026, 5, 1), boss)
    move(started_2019, ClusterStatus.INFRASTRUCTURE_COMPLETE, D(2026, 5, 1), boss)  # started before 2021
    move(planned, ClusterStatus.ESTABLISHED, D(2026, 2, 1), boss)
    assert actuals(plan305, today) == {"fully_occupied": 0, "infrastructure_completed": 1, "established_or_expanded": 1}
    # Measured for a past date, the later changes are not counted yet.
    assert actuals(plan305, D(2026, 4, 30)) == {
        "fully_occupied": 0,
        "infrastructure_completed": 0,
        "established_or_expanded": 1,
    }


def test_expansions_decided_in_the_year_count_as_expanded(plan305, boss):
    cluster = make_cluster(status=ClusterStatus.OPERATING, status_date=D(2015, 1, 1), area_ha=40)
    expansion = cluster_services.expansion_create(
        cluster=cluster, data={"added_area_ha": Decimal(5)}, actor=boss, status_date=D(2025, 1, 1)
    )
    cluster_services.expansion_transition(
        expansion=expansion,
        to_status=ClusterStatus.ESTABLISHED,
        effective_on=D(2026, 3, 3),
        reason="QĐ mở rộng",
        actor=boss,
    )
    assert actuals(plan305, D(2026, 12, 31))["established_or_expanded"] == 1


def test_fully_occupied_uses_computed_occupancy(plan305, boss):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=12, industrial_land_ha=10)
    tenant = tenancy_services.tenant_create(data={"name": "A", "tax_code": "0101234567"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal("9.99"), "lease_start": D(2024, 1, 1)},
        actor=boss,
    )
    assert actuals(plan305, D(2026, 6, 1))["fully_occupied"] == 0
    other = tenancy_services.tenant_create(data={"name": "B", "tax_code": "0101234568"}, actor=boss)
    tenancy_services.project_create(
        data={"cluster": cluster, "tenant": other, "land_ha": Decimal("0.01"), "lease_start": D(2026, 1, 1)}, actor=boss
    )
    result = indicators.measure("fully_occupied", year=2026, params={"threshold": 100}, as_of=D(2026, 6, 1))
    assert result.value == 1 and result.clusters == [cluster]


def test_amendment_approval_puts_proposed_clusters_in_the_plan(hanoi, boss):
    plan = DevelopmentPlan.objects.create(
        province_id="01", name="QH", horizon_year=2030, cluster_count=159, area_ha=Decimal("3204.31")
    )
    proposed = make_cluster(status=ClusterStatus.PROPOSED, status_date=D(2024, 6, 30))
    amendment = PlanAmendment.objects.create(title="Bổ sung 8 CCN", plan=plan)
    amendment.clusters.add(proposed)
    with pytest.raises(ValidationError):
        services.amendment_advance(
            amendment=amendment, to_status=AmendmentStatus.APPROVED, on=D(2025, 1, 1), actor=boss
        )
    for step, day in (
        (AmendmentStatus.SUBMITTED, D(2024, 7, 1)),
        (AmendmentStatus.APPRAISED, D(2024, 8, 1)),
        (AmendmentStatus.TO_CITY, D(2024, 9, 1)),
    ):
        services.amendment_advance(amendment=amendment, to_status=step, on=day, actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.amendment_advance(
            amendment=amendment, to_status=AmendmentStatus.APPROVED, on=D(2025, 1, 1), actor=boss
        )
    assert "document" in caught.value.message_dict
    decision = Document.objects.create(
        doc_type=DocumentType.DECISION, number="123/QĐ-UBND", year=2025, issuer="UBND Thành phố Hà Nội"
    )
    services.amendment_advance(
        amendment=amendment, to_status=AmendmentStatus.APPROVED, on=D(2025, 1, 2), document=decision, actor=boss
    )
    proposed.refresh_from_db()
    assert proposed.status == ClusterStatus.PLANNED and proposed.status_since == D(2025, 1, 2)
    assert proposed.status_changes.first().document == decision


def test_area_statements_flag_disagreement(hanoi):
    cluster = make_cluster(area_ha=50)
    AreaStatement.objects.create(cluster=cluster, kind=AreaSourceKind.PLAN, area_ha=50)
    assert not selectors.area_statements(cluster)["disagree"]
    AreaStatement.objects.create(cluster=cluster, kind=AreaSourceKind.DETAILED_PLAN, area_ha=Decimal("49.6"))
    assert selectors.area_statements(cluster)["disagree"]


def test_annual_plans_api_gives_targets_with_live_actuals(api, plan305, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=D(2020, 1, 1))
    first = api.get("/api/annual-plans/").json()["results"][0]
    established = next(t for t in first["targets"] if t["indicator"] == "established_or_expanded")
    assert set(established) >= {"indicator", "target_min", "target_max", "actual", "unit"}
    assert (established["target_min"], established["target_max"], established["actual"]) == (5, 10, 0)
    move(cluster, ClusterStatus.ESTABLISHED, D(2026, 1, 15), boss)
    again = api.get("/api/annual-plans/").json()["results"][0]
    assert next(t for t in again["targets"] if t["indicator"] == "established_or_expanded")["actual"] == 1
    assert api.get("/api/annual-plans/", {"as_of": "2026-01-14"}).json()["results"][0]["targets"][2]["actual"] == 0
    assert api.get("/api/annual-plans/", {"as_of": "nope"}).status_code == 400


def test_planning_pages(page, plan305):
    assert page.get("/planning/").status_code == 200
    html = page.get(f"/planning/annual/{plan305.pk}/").content.decode()
    assert "Lấp đầy 6 CCN" in html and 'class="progress' in html


def test_plan_versions_list_undated_versions_after_dated_ones_on_every_database(page, hanoi):
    # NULLs sort first in a descending order on PostgreSQL, last on SQLite
    for name, approved_on in (("PA chưa rõ ngày", None), ("PA 2015", D(2015, 1, 5)), ("PA 2020", D(2020, 5, 4))):
        DevelopmentPlan.objects.create(
            province_id="01", name=name, horizon_year=2030, approved_on=approved_on, is_current=False
        )
    names = [v.name for v in page.get("/planning/versions/").context["object_list"] if not v.is_current]
    assert names == ["PA 2020", "PA 2015", "PA chưa rõ ngày"]
    names = [v.name for v in page.get("/planning/").context["versions"] if not v.is_current]
    assert names == ["PA 2020", "PA 2015", "PA chưa rõ ngày"]
