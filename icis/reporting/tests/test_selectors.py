import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.reporting import catalogue
from icis.reporting.selectors import area_report, form_03_04
from icis.tenancy import periods

from .registry import EXPECTED_03, EXPECTED_04, lifecycle

H1 = periods.parse("2026-H1")


def real_clusters():
    return Cluster.objects.filter(is_synthetic=False)


def values(indicators):
    return {i.number: i.value for i in indicators}


def test_form_04_has_every_indicator_of_the_circular_in_order(registry):
    indicators = form_03_04(period=H1, clusters=real_clusters())
    assert [i.number for i in indicators] == [
        *map(str, range(1, 15)),
        "15",
        "15.1",
        "15.2",
        "15.3",
        "15.4",
        "16",
        "16.1",
        "16.2",
        "16.3",
        "16.4",
        *map(str, range(17, 28)),
    ]
    assert all(i.label and i.label_en and i.unit and i.source for i in indicators)


def test_form_04_matches_the_hand_computed_figures(registry):
    assert values(form_03_04(period=H1, clusters=real_clusters())) == EXPECTED_04


def test_form_03_counts_only_the_clusters_a_source_places_in_the_commune(registry):
    assert values(form_03_04(period=H1, clusters=real_clusters(), communes=["10273"])) == EXPECTED_03


def test_each_indicator_names_its_source(registry):
    sources = {i.number: i.source for i in form_03_04(period=H1, clusters=real_clusters())}
    assert sources["1"] == sources["2"] == "development plan"
    assert sources["3"] == sources["17"] == "registry"
    assert sources["15"] == sources["15.2"] == sources["16"] == sources["20"] == "tenant projects"
    assert sources["9"] == sources["12"] == "construction milestones"
    assert sources["13"] == sources["14"] == "accepted Form 02 submissions"
    assert sources["26"] == sources["27"] == "wastewater plant register"
    assert sources["23"] == "accepted Form 01 submissions"
    assert sources["25"] == "accepted Form 01 and Form 02 submissions"
    assert sources["18"] == sources["19"] == "computed occupancy"
    assert set(sources.values()) <= set(catalogue.SOURCE_LABELS)
    commune = {i.number: i.source for i in form_03_04(period=H1, clusters=real_clusters(), communes=["10273"])}
    assert commune["1"] == commune["2"] == "registry"


def test_items_1_and_2_of_form_04_are_the_plan_in_force_not_the_registry_count(registry):
    province = form_03_04(period=H1, clusters=real_clusters())
    assert (province[0].value, province[0].plan_value) == (159, 159)
    assert province[1].value == province[1].plan_value == Decimal("3204.31")
    assert "the ICIS registry holds 7 of the plan's clusters" in province[0].note_en
    commune = form_03_04(period=H1, clusters=real_clusters(), communes=["10273"])
    assert (commune[0].value, commune[0].plan_value) == (3, None)
    assert "province totals only" in commune[0].note_en


def test_without_a_plan_in_force_items_1_and_2_are_blank_and_say_why(registry):
    from icis.planning.models import DevelopmentPlan

    DevelopmentPlan.objects.update(is_current=False)
    province = form_03_04(period=H1, clusters=real_clusters())
    assert (province[0].value, province[1].value) == (None, None)
    assert province[0].note_en == "No plan in force in ICIS"


def test_notes_say_how_many_reports_the_sums_come_from(registry):
    notes = {i.number: i.note_en for i in form_03_04(period=H1, clusters=real_clusters())}
    assert notes["13"] == "From 2 accepted Form 02 report(s) (3 expected)"
    assert notes["23"] == "From 2 accepted Form 01 report(s) (6 expected)"
    assert "1 cluster(s) past the start of construction" in notes["11"]
    assert "simple mean of the 4 clusters' rates: 25.21%" in notes["19"]


def test_a_status_change_moves_the_figures(registry, boss):
    cluster = registry["clusters"]["D"]
    cluster_services.cluster_transition(
        cluster=cluster,
        to_status=ClusterStatus.ESTABLISHED,
        effective_on=datetime.date(2026, 1, 20),
        reason="decision",
        actor=boss,
    )
    after = values(form_03_04(period=H1, clusters=real_clusters()))
    assert (after["3"], after["5"]) == (EXPECTED_04["3"] + 1, EXPECTED_04["5"] + 1)
    assert after["1"] == EXPECTED_04["1"]  # still in the plan
    # D has no recorded area: the count moves, the area does not, and the note says so.
    assert after["4"] == EXPECTED_04["4"]
    assert "1 cluster(s) with no area" in form_03_04(period=H1, clusters=real_clusters())[3].note_en


def test_figures_are_as_of_the_end_of_the_period(registry):
    earlier = values(form_03_04(period=periods.parse("2025-Y"), clusters=real_clusters()))
    assert earlier["5"] == 0  # C was established on 15/12/2025, after 14/12/2025
    assert earlier["3"] == 2
    later = values(form_03_04(period=periods.parse("2026-Y"), clusters=real_clusters()))
    assert later["11"] == 2  # B's project approval on 01/07/2026
    assert later["3"] == 4  # E established on 01/07/2026
    assert later["1"] == 159  # the plan's total, whatever the registry holds
    commune_later = values(form_03_04(period=periods.parse("2026-Y"), clusters=real_clusters(), communes=["10273"]))
    assert commune_later["1"] == 4  # J registered on 01/08/2026 in Phú Xuyên
    assert later["13"] == 0  # no accepted Form 02 for 2026-Y


def test_undated_statuses_are_counted_and_remarked(registry, boss):
    report = area_report(form="04", period=H1, user=boss)
    assert any("1 cluster(s) have a status no source dates" in english for _vi, english in report.remarks)


def test_form_03_remarks_the_clusters_only_suggested_to_lie_in_the_commune(registry, boss):
    from icis.geo.models import Commune

    report = area_report(form="03", period=H1, user=boss, commune=Commune.objects.get(code="10273"))
    assert report.value("1") == 3
    assert any("only suggested" in english for _vi, english in report.remarks)


def test_area_report_leaves_out_synthetic_clusters(registry, boss):
    report = area_report(form="04", period=H1, user=boss)
    assert {i.number: i.value for i in report.indicators} == EXPECTED_04
    assert report.reporting_unit == "Sở Công Thương thành phố Hà Nội"


def _queries(**kwargs):
    with CaptureQueriesContext(connection) as captured:
        form_03_04(period=H1, clusters=real_clusters(), **kwargs)
    return len(captured)


def test_query_count_does_not_grow_with_the_number_of_clusters(registry, boss):
    _queries()  # warm the content-type cache
    few = _queries()
    for n in range(12):
        lifecycle(
            f"X{n}",
            ClusterStatus.OPERATING,
            dates=(
                datetime.date(2019, 1, 1),
                datetime.date(2020, 1, 1),
                datetime.date(2021, 1, 1),
                datetime.date(2022, 1, 1),
            ),
            actor=boss,
            communes=["10273"],
            area_ha=10,
            industrial_land_ha=8,
        )
    many = _queries()
    assert many == few
    # 8 of them are the environment module's (plants, their links, status, requirements, samples, limits,
    # the Kq/Kf bands that judge plants whose factors are blank).
    assert many <= 15
    assert _queries(communes=["10273"]) <= 15


@pytest.mark.parametrize("code", ["2026-H2", "26-H1", "", "2026"])
def test_a_bad_period_is_refused_by_the_parser(code):
    with pytest.raises(ValueError, match="YYYY-H1"):
        periods.parse(code)
