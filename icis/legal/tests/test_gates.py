import datetime
from decimal import Decimal

import pytest

from icis.accounts.models import Organisation
from icis.clusters.choices import ClusterKind, ClusterStatus
from icis.dossiers import services as dossiers
from icis.geo.models import Commune, Province
from icis.legal import selectors
from icis.legal.models import Rule, RuleSet
from icis.tenancy import services as tenancy
from icis.testing.factories import english, make_cluster

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def investor(db):
    return Organisation.objects.create(name="CĐT", kind="investor")


def lease(cluster, land, actor, n=0):
    tenant = tenancy.tenant_create(data={"name": f"T{n}", "tax_code": f"01012345{n:02d}"}, actor=actor)
    tenancy.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal(str(land)), "lease_start": D(2024, 1, 1)},
        actor=actor,
    )


def by_rule(result):
    return {c["rule"]: c for c in result["checks"]}


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests quote the English source messages."""
    yield from english(settings)


def scored_dossier(cluster, boss, *totals, kind="establish", expansion=None):
    """A dossier with one applicant per total, scored 15/15/30 and the rest on the financial plan."""
    dossier = dossiers.dossier_open(
        cluster=cluster, kind=kind, expansion=expansion, opened_on=D(2025, 1, 6), actor=boss
    )
    for n, total in enumerate(totals):
        organisation = Organisation.objects.create(name=f"Ứng viên {n} ({cluster.code})", kind="investor")
        total = Decimal(str(total))
        scores = {
            "infrastructure_score": min(total, Decimal(15)),
            "environment_score": min(max(total - 15, Decimal(0)), Decimal(15)),
            "capacity_score": min(max(total - 30, Decimal(0)), Decimal(30)),
            "financial_score": max(total - 60, Decimal(0)),
        }
        dossiers.applicant_add(dossier=dossier, organisation=organisation, scores=scores, actor=boss)
    return dossier


def commune(code, name, *, mountainous=False):
    return Commune.objects.create(
        code=code,
        name=name,
        province=Province.objects.get(code="01"),
        mountainous=mountainous,
        mountainous_source="" if mountainous is None else "Quyết định thử nghiệm (test)",
    )


def test_decree_32_is_loaded_as_data_with_its_date(db):
    rule_set = RuleSet.objects.get(code="nd32-2024")
    assert rule_set.effective_from == D(2024, 5, 1)
    assert Rule.objects.filter(rule_set=rule_set, action="expand", code="Art 8.2a").get().params == {"max_ha": 75}


def test_expanding_a_70_ha_cluster_by_6_ha_is_refused_with_the_75_ha_rule_and_numbers(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=70, industrial_land_ha=50, investor=investor)
    result = selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(6))
    gate = by_rule(result)["Art 8.2a"]
    assert not result["eligible"] and not gate["passed"]
    assert "70" in gate["detail"] and "6" in gate["detail"] and "76" in gate["detail"] and "75" in gate["detail"]
    assert result["rule_set"] == "nd32-2024"
    assert by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5)))["Art 8.2a"]["passed"]


def test_expanding_a_cluster_under_60_percent_is_refused_with_its_occupancy(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=40, industrial_land_ha=20, investor=investor)
    lease(cluster, 11.9, boss)
    gate = by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5)))["Art 8.2c"]
    assert not gate["passed"] and "59.50%" in gate["detail"]
    lease(cluster, 0.1, boss, n=1)
    gate = by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5)))["Art 8.2c"]
    assert gate["passed"] and "60.00%" in gate["detail"]


def test_documented_demand_can_replace_occupancy(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=40, industrial_land_ha=20, investor=investor)
    result = selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5), demand_ha=Decimal(25))
    assert by_rule(result)["Art 8.2c"]["passed"]


def test_establishment_gates_on_both_sides_of_their_thresholds(hanoi, boss, investor):
    existing = make_cluster(status=ClusterStatus.OPERATING, area_ha=200, industrial_land_ha=150)
    new = make_cluster(status=ClusterStatus.PLANNED, area_ha=30, investor=investor)
    lease(existing, 49, boss)  # 32.67% average, 101 ha unleased: both fail
    gate = by_rule(selectors.eligibility(new, action="establish"))["Art 8.1c"]
    assert not gate["passed"] and "101" in gate["detail"]
    lease(existing, 1, boss, n=1)  # 100 ha unleased: passes on the unleased test
    assert by_rule(selectors.eligibility(new, action="establish"))["Art 8.1c"]["passed"]
    small = make_cluster(status=ClusterStatus.PLANNED, area_ha=9.99, investor=investor)
    assert by_rule(selectors.eligibility(small, action="establish"))["Art 2.1"]["outcome"] == "cannot_assess"
    assert not by_rule(selectors.eligibility(small, action="establish"))["Art 2.1"]["passed"]
    small_lowland = make_cluster(
        status=ClusterStatus.PLANNED, area_ha=9.99, communes=[commune("99001", "Xã Đồng Bằng")]
    )
    assert by_rule(selectors.eligibility(small_lowland, action="establish"))["Art 2.1"]["outcome"] == "failed"
    no_dossier = make_cluster(status=ClusterStatus.PLANNED, area_ha=20, investor=investor)
    gate = by_rule(selectors.eligibility(no_dossier, action="establish"))["Art 8.1b"]
    assert not gate["passed"] and gate["outcome"] == "cannot_assess" and gate["missing"]
    assert gate["detail"].startswith("No establishment dossier is recorded")
    established = make_cluster(status=ClusterStatus.ESTABLISHED, area_ha=20, investor=investor)
    assert not by_rule(selectors.eligibility(established, action="establish"))["Art 8.1a"]["passed"]


def test_average_occupancy_above_50_percent_passes(hanoi, boss, investor):
    existing = make_cluster(status=ClusterStatus.OPERATING, area_ha=300, industrial_land_ha=250)
    new = make_cluster(status=ClusterStatus.PLANNED, area_ha=30, investor=investor)
    lease(existing, 125, boss)  # exactly 50%: not above
    assert not by_rule(selectors.eligibility(new, action="establish"))["Art 8.1c"]["passed"]
    lease(existing, 0.1, boss, n=1)
    assert by_rule(selectors.eligibility(new, action="establish"))["Art 8.1c"]["passed"]


def test_infrastructure_in_use_needs_roads_water_and_an_operating_plant(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=40, industrial_land_ha=20, investor=investor)
    gate = by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5)))["Art 8.2d"]
    assert not gate["passed"] and "Internal roads 0%" in gate["detail"] and "internal_roads" not in gate["detail"]


def test_a_new_rule_set_takes_effect_on_its_date(hanoi, boss, investor):
    amended = RuleSet.objects.create(
        code="amended-2026", title="Amending decree (test)", effective_from=D(2026, 9, 15), is_verified=False
    )
    Rule.objects.create(
        rule_set=amended,
        action="expand",
        code="Art 8.2a",
        check_name="area_after_expansion_max",
        params={"max_ha": 100},
        title="≤ 100 ha",
    )
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=70, industrial_land_ha=50, investor=investor)
    before = selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(6), on=D(2026, 9, 14))
    after = selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(6), on=D(2026, 9, 15))
    assert before["rule_set"] == "nd32-2024" and not by_rule(before)["Art 8.2a"]["passed"]
    assert after["rule_set"] == "amended-2026" and after["eligible"]


def test_eligibility_api_contract(api, hanoi, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=70, industrial_land_ha=50, investor=investor)
    body = api.get(f"/api/clusters/{cluster.pk}/eligibility/", {"action": "expand", "added_area_ha": 6}).json()
    assert set(body) >= {"eligible", "rule_set", "checks"} and body["eligible"] is False
    assert {"rule", "passed", "detail"} <= set(body["checks"][0])
    assert api.get(f"/api/clusters/{cluster.pk}/eligibility/", {"action": "expand"}).status_code == 400
    assert api.get(f"/api/clusters/{cluster.pk}/eligibility/", {"action": "merge"}).status_code == 400
    page = api.get(f"/api/clusters/{cluster.pk}/eligibility/", {"action": "establish"})
    assert page.status_code == 200


def test_eligibility_page(page, hanoi, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=70, industrial_land_ha=50, investor=investor)
    html = page.get(f"/legal/clusters/{cluster.pk}/", {"action": "expand", "added_area_ha": "6"}).content.decode()
    assert 'id="gates"' in html and "75" in html


# Issue 13: the gates as the signed text says them, three outcomes ------------------------------------


def test_8_2c_compares_demand_with_the_existing_industrial_land_not_the_land_still_free(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=60, industrial_land_ha=50, investor=investor)
    lease(cluster, 29.99, boss)  # 59.98% occupied: 20.01 ha still free
    gate = by_rule(
        selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5), demand_ha=Decimal("20.02"))
    )["Art 8.2c"]
    assert gate["outcome"] == "failed" and "20.02" in gate["detail"] and "50" in gate["detail"]
    gate = by_rule(
        selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5), demand_ha=Decimal("50.01"))
    )["Art 8.2c"]
    assert gate["outcome"] == "passed"
    gate = by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5), demand_ha=Decimal(50)))[
        "Art 8.2c"
    ]
    assert gate["outcome"] == "failed"  # "vượt quá": equal is not above


def test_8_2c_without_industrial_land_cannot_be_assessed(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=60, investor=investor)
    gate = by_rule(selectors.eligibility(cluster, action="expand", added_area_ha=Decimal(5), demand_ha=Decimal(99)))[
        "Art 8.2c"
    ]
    assert gate["outcome"] == "cannot_assess" and not gate["passed"]


def test_8_1b_a_winning_score_of_49_99_fails_and_50_passes(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, area_ha=30)
    scored_dossier(cluster, boss, "49.99", "30")
    gate = by_rule(selectors.eligibility(cluster, action="establish"))["Art 8.1b"]
    assert gate["outcome"] == "failed" and "49.99" in gate["detail"] and "50" in gate["detail"]
    other = make_cluster(status=ClusterStatus.PLANNED, area_ha=30)
    scored_dossier(other, boss, "50", "30")
    gate = by_rule(selectors.eligibility(other, action="establish"))["Art 8.1b"]
    assert gate["outcome"] == "passed" and "Ứng viên 0" in gate["detail"]


def test_8_1b_ignores_a_recorded_investor_without_scores(hanoi, boss, investor):
    cluster = make_cluster(status=ClusterStatus.PLANNED, area_ha=30, investor=investor)
    dossier = dossiers.dossier_open(cluster=cluster, kind="establish", opened_on=D(2025, 1, 6), actor=boss)
    gate = by_rule(selectors.eligibility(cluster, action="establish"))["Art 8.1b"]
    assert gate["outcome"] == "cannot_assess"
    dossiers.applicant_add(dossier=dossier, organisation=investor, actor=boss)
    gate = by_rule(selectors.eligibility(cluster, action="establish"))["Art 8.1b"]
    assert gate["outcome"] == "cannot_assess" and "CĐT" in gate["detail"]
    # A refused dossier's scores do not count.
    dossiers.dossier_close(dossier=dossier, outcome="refused", on=D(2025, 2, 1), actor=boss)
    assert by_rule(selectors.eligibility(cluster, action="establish"))["Art 8.1b"]["outcome"] == "cannot_assess"


def test_8_1c_established_clusters_without_land_data_cannot_be_assessed_and_are_named(hanoi, boss, investor):
    make_cluster(name="Cụm có số liệu", status=ClusterStatus.OPERATING, area_ha=50, industrial_land_ha=40)
    make_cluster(name="Cụm thiếu số liệu", status=ClusterStatus.OPERATING, area_ha=50)
    new = make_cluster(status=ClusterStatus.PLANNED, area_ha=30, investor=investor)
    result = selectors.eligibility(new, action="establish")
    gate = by_rule(result)["Art 8.1c"]
    assert gate["outcome"] == "cannot_assess" and not gate["passed"]
    assert "Cụm thiếu số liệu" in gate["detail"] and "Cụm có số liệu" not in gate["detail"]
    assert any("Cụm thiếu số liệu" in m for m in gate["missing"])
    assert not result["eligible"] and result["outcome"] in ("cannot_assess", "failed")


def test_8_1c_without_any_established_cluster_does_not_apply(hanoi, boss, investor):
    new = make_cluster(status=ClusterStatus.PLANNED, area_ha=30, investor=investor)
    assert by_rule(selectors.eligibility(new, action="establish"))["Art 8.1c"]["outcome"] == "passed"


def test_size_floor_is_5_ha_in_a_mountainous_commune(hanoi, boss):
    mountain = commune("99101", "Xã Núi Cao", mountainous=True)
    six = make_cluster(status=ClusterStatus.PLANNED, area_ha=6, communes=[mountain])
    gate = by_rule(selectors.eligibility(six, action="establish"))["Art 2.1"]
    assert gate["outcome"] == "passed" and "Xã Núi Cao" in gate["detail"]
    tiny = make_cluster(status=ClusterStatus.PLANNED, area_ha=4.99, communes=[mountain])
    assert by_rule(selectors.eligibility(tiny, action="establish"))["Art 2.1"]["outcome"] == "failed"
    lowland = make_cluster(status=ClusterStatus.PLANNED, area_ha=6, communes=[commune("99102", "Xã Đồng")])
    assert by_rule(selectors.eligibility(lowland, action="establish"))["Art 2.1"]["outcome"] == "failed"


def test_size_floor_is_5_ha_for_a_craft_village_cluster(hanoi, boss):
    craft = make_cluster(status=ClusterStatus.PLANNED, area_ha=6, kind=ClusterKind.CRAFT_VILLAGE)
    assert by_rule(selectors.eligibility(craft, action="establish"))["Art 2.1"]["outcome"] == "passed"
    craft_small = make_cluster(status=ClusterStatus.PLANNED, area_ha=4.99, kind=ClusterKind.CRAFT_VILLAGE)
    assert by_rule(selectors.eligibility(craft_small, action="establish"))["Art 2.1"]["outcome"] == "failed"


def test_size_across_mountainous_and_other_communes_cannot_be_assessed_only_when_the_floor_matters(hanoi, boss):
    both = [commune("99201", "Xã Núi", mountainous=True), commune("99202", "Xã Bằng")]
    six = make_cluster(status=ClusterStatus.PLANNED, area_ha=6, communes=both)
    gate = by_rule(selectors.eligibility(six, action="establish"))["Art 2.1"]
    assert gate["outcome"] == "cannot_assess" and "Xã Núi" in gate["detail"] and "Xã Bằng" in gate["detail"]
    twenty = make_cluster(status=ClusterStatus.PLANNED, area_ha=20, communes=both)
    assert by_rule(selectors.eligibility(twenty, action="establish"))["Art 2.1"]["outcome"] == "passed"
    unknown_area = make_cluster(status=ClusterStatus.PLANNED)
    assert by_rule(selectors.eligibility(unknown_area, action="establish"))["Art 2.1"]["outcome"] == "cannot_assess"


def test_size_in_a_commune_not_yet_classified_cannot_be_assessed_only_when_the_floor_matters(hanoi, boss):
    unrecorded = commune("99401", "Xã Chưa Phân Loại", mountainous=None)
    gate = by_rule(
        selectors.eligibility(
            make_cluster(status=ClusterStatus.PLANNED, area_ha=6, communes=[unrecorded]), action="establish"
        )
    )["Art 2.1"]
    assert gate["outcome"] == "cannot_assess" and any("Xã Chưa Phân Loại" in m for m in gate["missing"])
    gate = by_rule(
        selectors.eligibility(
            make_cluster(status=ClusterStatus.PLANNED, area_ha=4, communes=[unrecorded]), action="establish"
        )
    )["Art 2.1"]
    assert gate["outcome"] == "failed"


def test_a_mountainous_commune_needs_its_source(hanoi):
    from django.core.exceptions import ValidationError

    for value in (True, False):
        unit = Commune(code="99301", name="Xã Thiếu Nguồn", province=Province.objects.get(code="01"), mountainous=value)
        with pytest.raises(ValidationError) as refused:
            unit.full_clean()
        assert "mountainous_source" in refused.value.error_dict
    Commune(code="99302", name="Xã Chưa Ghi", province=Province.objects.get(code="01")).full_clean()


def test_every_gate_cites_the_decree_in_vietnamese_and_quotes_it(db):
    from pathlib import Path

    law = Path("/work/shared/law/ND-32-2024-quan-ly-phat-trien-CCN.txt")
    for rule in Rule.objects.filter(rule_set__code="nd32-2024"):
        assert rule.citation.startswith("Nghị định 32/2024/NĐ-CP, Điều "), rule.code
        assert rule.quote, rule.code
        if law.exists():
            text = law.read_text(encoding="utf-8")
            for part in rule.quote.split("…"):
                assert part.strip() in text, (rule.code, part[:60])


def test_eligibility_api_gives_three_outcomes(api, hanoi, boss, investor):
    make_cluster(name="Cụm thiếu số liệu", status=ClusterStatus.OPERATING, area_ha=50)
    new = make_cluster(status=ClusterStatus.PLANNED, area_ha=30)
    scored_dossier(new, boss, "49.99")
    body = api.get(f"/api/clusters/{new.pk}/eligibility/", {"action": "establish"}).json()
    outcomes = {c["rule"]: c["outcome"] for c in body["checks"]}
    assert outcomes["Art 8.1b"] == "failed" and outcomes["Art 8.1c"] == "cannot_assess"
    assert outcomes["Art 8.1a"] == "passed" and body["outcome"] == "failed" and body["eligible"] is False
    check = next(c for c in body["checks"] if c["rule"] == "Art 8.1c")
    assert check["passed"] is False and check["missing"] and check["citation"].startswith("Nghị định")
    bad = api.get(f"/api/clusters/{new.pk}/eligibility/", {"action": "expand", "added_area_ha": "-1"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "added_area_ha"


def test_eligibility_page_shows_cannot_be_assessed_and_refuses_bad_numbers(page, hanoi, investor):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=70, investor=investor)
    html = page.get(f"/legal/clusters/{cluster.pk}/", {"action": "expand", "added_area_ha": "4,5"}).content.decode()
    assert 'data-outcome="cannot_assess"' in html and "cannot be assessed" in html
    html = page.get(f"/legal/clusters/{cluster.pk}/", {"action": "expand", "added_area_ha": "abc"}).content.decode()
    assert 'id="eligibility-errors"' in html and "abc" in html and 'id="gates"' not in html


def test_the_correction_of_the_decree_32_rules_is_in_their_change_log(db):
    rule = Rule.objects.get(rule_set__code="nd32-2024", action="expand", code="Art 8.2c")
    assert "hiện có" in rule.title and "còn lại" not in rule.title
    latest = rule.history.order_by("-history_date").first()
    assert latest.history_type == "~" and latest.history_user.username == "system" and latest.citation
