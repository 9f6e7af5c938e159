"""Biểu 03/04 figures by Circular 14's own definitions: items 1–2 are the plan in force; a cluster
"đã hoạt động" is one with tenant projects ("đã có dự án đầu tư trong cụm") whatever its status;
item 18 covers every cluster; item 25 counts the investors' staff too; items 26–27 come from the
wastewater plant register, with the Forms 02 that say otherwise shown beside."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from icis.clusters import selectors as cluster_selectors
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.reporting import catalogue
from icis.reporting.selectors import area_report, form_03_04
from icis.tenancy import periods
from icis.tenancy import services as tenancy_services
from icis.tenancy.choices import ProjectStatus
from icis.testing.law import law_items, squeeze

from .registry import EXPECTED_04, lifecycle
from .test_signed_wording import rendered_text, sheet_rows, signed

H1 = periods.parse("2026-H1")
d = datetime.date


def values(indicators) -> dict:
    return {i.number: i.value for i in indicators}


def notes(indicators) -> dict:
    return {i.number: i.note_en for i in indicators}


IN_THE_PERIOD = d(2026, 1, 15)


def tenant_project(cluster, land, actor, *, tax_code="0109999999", start=IN_THE_PERIOD):
    tenant = tenancy_services.tenant_create(data={"name": f"Công ty {tax_code}", "tax_code": tax_code}, actor=actor)
    return tenancy_services.project_create(
        data={
            "cluster": cluster,
            "tenant": tenant,
            "land_ha": Decimal(str(land)),
            "status": ProjectStatus.BUILDING,
            "lease_start": start,
        },
        actor=actor,
    )


def test_a_cluster_under_construction_with_a_5_ha_tenant_counts_as_in_operation(registry, boss):
    building = lifecycle(
        "K",
        ClusterStatus.UNDER_CONSTRUCTION,
        dates=(d(2024, 1, 1), d(2025, 3, 1)),
        actor=boss,
        communes=["10273"],
        area_ha=20,
        industrial_land_ha=16,
    )
    before = values(form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False)))
    assert before == {**EXPECTED_04, "3": 4, "4": Decimal("120.00")}  # established, not in operation
    tenant_project(building, 5, boss)
    after = values(form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False)))
    assert (after["15"], after["15.1"], after["15.2"]) == (before["15"] + 1, before["15.1"] + 1, before["15.2"])
    assert after["16"] == before["16"] + 20 and after["16.1"] == before["16.1"] + 20
    assert after["17"] == before["17"] + 16
    assert after["18"] == before["18"] + 5
    assert after["19"] == Decimal("29.52")  # (26 + 5) / (89 + 16)
    assert after["20"] == before["20"] + 1


def test_a_lease_starting_after_the_period_does_not_make_a_cluster_operate(registry, boss):
    building = lifecycle(
        "L", ClusterStatus.UNDER_CONSTRUCTION, dates=(d(2024, 1, 1), d(2025, 3, 1)), actor=boss, industrial_land_ha=10
    )
    tenant_project(building, 5, boss, start=d(2026, 6, 14) + datetime.timedelta(days=1))
    assert values(form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False)))["15"] == 4


def test_a_flagged_cluster_without_tenant_projects_is_left_out_and_the_note_says_so(registry, boss):
    lifecycle(
        "M", ClusterStatus.PLANNED, actor=boss, area_ha=8, industrial_land_ha=6, operating_without_establishment=True
    )
    indicators = form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False))
    assert values(indicators)["15.2"] == 1  # F only: it has a tenant project
    assert "1 cluster(s) flagged as operating without establishment have no tenant project" in notes(indicators)["15.2"]


def test_item_25_counts_the_tenants_and_the_investors_staff_and_says_so(registry):
    note = notes(form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False)))["25"]
    assert "Form 01 item 3: 150, from 2 accepted Form 01 report(s), 6 expected" in note
    assert "Form 02 item 11: 20, from 2 accepted Form 02 report(s), 3 expected" in note


def test_items_26_27_come_from_the_plant_register_and_show_the_forms_02_that_disagree(registry):
    indicators = form_03_04(period=H1, clusters=Cluster.objects.filter(is_synthetic=False))
    by_number = {i.number: i for i in indicators}
    assert (by_number["26"].value, by_number["27"].value) == (1, 0)  # B's plant is being built; A has none
    assert by_number["26"].source == by_number["27"].source == "wastewater plant register"
    assert "Cụm A: Form 02 says 1, plant register 0" in by_number["26"].note_en
    assert "Cụm B" not in by_number["26"].note_en  # B's Form 02 and the register agree
    assert "total by the Forms 02: 2 cluster(s)" in by_number["26"].note_en
    assert "Cụm A: Form 02 says 1, plant register 0" in by_number["27"].note_en
    assert "Cụm A: Biểu 02 ghi 1, sổ trạm XLNT: 0" in by_number["26"].note


@pytest.mark.django_db
def test_hanoi_demo_form_04_reads_the_plan_and_counts_a_building_cluster_once_it_has_a_tenant():
    call_command("load_demo", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    before = area_report(form="04", period=H1, user=admin)
    assert (before.value("1"), before.value("2")) == (159, Decimal("3204.31"))
    assert before.reporting_unit == "Sở Công Thương thành phố Hà Nội"

    cluster = Cluster.objects.get(name="Thiết Bình")
    assert cluster_selectors.status_on(cluster, H1.end) == ClusterStatus.UNDER_CONSTRUCTION
    # The registry has no industrial land for it; a tenant project needs some, as the detailed plan gives.
    cluster = cluster_services.cluster_update(cluster=cluster, data={"industrial_land_ha": Decimal("16")}, actor=admin)
    tenant_project(cluster, 5, admin)
    after = area_report(form="04", period=H1, user=admin)
    old, new = values(before.indicators), values(after.indicators)
    assert (new["1"], new["2"]) == (159, Decimal("3204.31"))
    assert (new["15"], new["15.1"]) == (old["15"] + 1, old["15.1"] + 1)
    assert new["16"] == old["16"] + cluster.area_ha
    assert new["17"] == old["17"] + 16
    assert new["18"] == old["18"] + 5
    assert new["19"] != old["19"] and new["19"] is not None

    # The demo's files carry the signed wording, every label compared with the law text.
    block = signed("04")
    rows = {row[0]: row for row in sheet_rows(after) if row[0]}
    laid_out = squeeze(rendered_text(after))
    for number, (label, unit) in law_items(block).items():
        assert (rows[number][1], rows[number][2]) == (label, unit), number
        assert squeeze(label) in laid_out, number
    assert squeeze(catalogue.FORM_04.signer) in laid_out and rows["1"][3] == 159
