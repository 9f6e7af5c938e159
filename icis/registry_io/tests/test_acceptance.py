"""The issue's acceptance test: from an empty registry, a made-up mountainous province (Lai Châu's real communes,
invented clusters, all marked synthetic) is loaded by the registry import alone, and ICIS reproduces the figures
the workbook implies; an error anywhere writes nothing."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.clusters.selectors import status_summary
from icis.documents.models import Document
from icis.geo.models import Commune, Province
from icis.planning.models import DevelopmentPlan, PlanEntry
from icis.registry_io import imports
from icis.registry_io.export import export_workbook
from icis.registry_io.synthetic import PLAN_2, synthetic_registry
from icis.reporting.selectors import form_03_04
from icis.tenancy import periods
from icis.testing.factories import superuser

pytestmark = pytest.mark.django_db

PROVINCE = "12"  # Lai Châu: a real province code; every cluster in the workbook is invented


@pytest.fixture
def province(db):
    communes = Commune.objects.filter(province_id=PROVINCE).order_by("code")
    first = communes.first()
    first.mountainous, first.mountainous_source = True, "Dữ liệu tổng hợp để thử nghiệm"
    first.save()
    return Province.objects.get(code=PROVINCE)


@pytest.fixture
def registry(province):
    communes = list(Commune.objects.filter(province_id=PROVINCE).order_by("code").values_list("code", "name"))
    return synthetic_registry(PROVINCE, communes, n=32)


def _run(data, province, *, commit, confirmed=True):
    return imports.run(data, province=province, actor=superuser(), commit=commit, confirmed=confirmed, synthetic=True)


def test_a_mountainous_province_loads_from_its_workbook_alone(province, registry):
    data, facts = registry
    assert not Cluster.objects.exists() and not DevelopmentPlan.objects.filter(province=province).exists()
    check = _run(data, province, commit=False)
    assert check.outcome.errors == [], [e["message"] for e in check.outcome.errors[:5]]
    assert not Cluster.objects.exists()  # a check writes nothing
    assert check.lookalikes == 1  # "… 0001 X 2" looks like "… 0001 X"
    assert check.outcome.summary["clusters"]["new"] == 32
    done = _run(data, province, commit=True)
    assert done.outcome.errors == [], done.outcome.errors[:5]
    assert Cluster.objects.filter(province=province).count() == 32
    # Two clusters straddle two communes; each has one lead commune.
    for code in ("SYN-12-0004", "SYN-12-0005"):
        links = ClusterCommune.objects.filter(cluster__code=code)
        assert links.count() == 2 and links.filter(is_lead=True).count() == 1
    small = Cluster.objects.get(code="SYN-12-0003")
    assert small.area_ha == 6 and small.communes.get().mountainous
    # Plan totals from the entries: withdrawn and deferred listed, never counted.
    count, area, not_counted = facts.plan_totals()
    plan = DevelopmentPlan.objects.get(province=province, is_current=True)
    assert plan.name == PLAN_2 and (plan.cluster_count, plan.area_ha) == (count, area.quantize(Decimal("0.01")))
    groups = set(PlanEntry.objects.filter(plan=plan).values_list("group", flat=True))
    assert groups == {"kept", "area_changed", "withdrawn", "added", "brought_forward", "deferred"}
    assert PlanEntry.objects.filter(plan=plan, group__in=["withdrawn", "deferred"]).count() == not_counted > 0
    clusters = Cluster.objects.filter(province=province)
    form = {
        i.number: i.value for i in form_03_04(period=periods.parse("2024-Y"), clusters=clusters, province_code=PROVINCE)
    }
    assert (form["1"], form["2"]) == (count, area.quantize(Decimal("0.01")))
    # The as-of summary for a past date follows the dated history.
    for day in (datetime.date(2014, 12, 31), datetime.date(2018, 6, 30), datetime.date(2023, 1, 1)):
        summary = status_summary(as_of=day, clusters=clusters)
        expected = facts.status_on(day)
        assert {s: row["count"] for s, row in summary["by_status"].items() if row["count"]} == expected, day
    y2015 = {
        i.number: i.value for i in form_03_04(period=periods.parse("2015-Y"), clusters=clusters, province_code=PROVINCE)
    }
    established = [
        c
        for c in facts.clusters
        if any(s == ClusterStatus.ESTABLISHED and d and d.year == 2015 for s, d, _n in c.steps)
    ]
    assert y2015["5"] == len(established) > 0
    # Every established step names its decision, and the clusters say they are synthetic.
    assert StatusChange.objects.filter(to_status="established", document__isnull=True).count() == 0
    assert not clusters.exclude(is_synthetic=True).exists()
    assert all("tổng hợp" in note for note in clusters.values_list("notes", flat=True))


def test_an_error_anywhere_writes_nothing_and_is_named_by_sheet_row_and_cell(province, registry):
    data, _facts = registry
    book = openpyxl.load_workbook(io.BytesIO(data))
    history = book["Lịch sử trạng thái"]
    history["C5"] = "31/02/2015"  # no such day
    documents = book["Văn bản"]
    documents["B3"] = "năm ngoái"
    buffer = io.BytesIO()
    book.save(buffer)
    check = _run(buffer.getvalue(), province, commit=True)
    places = {(e["sheet"], e["row"], e["column"]) for e in check.outcome.errors}
    assert ("Lịch sử trạng thái", 5, "C") in places and ("Văn bản", 3, "B") in places
    assert not Cluster.objects.exists() and not Document.objects.filter(issuer__contains="tổng hợp").exists()
    assert not DevelopmentPlan.objects.filter(province=province).exists()


def test_look_alike_names_must_be_confirmed(province, registry):
    data, _facts = registry
    check = _run(data, province, commit=True, confirmed=False)
    assert check.outcome.errors and not Cluster.objects.exists()
    assert any(w.get("confirm") for w in check.outcome.warnings)


def test_the_exported_workbook_imports_back_unchanged(province, registry):
    data, _facts = registry
    assert _run(data, province, commit=True).outcome.errors == []
    before = (StatusChange.objects.count(), PlanEntry.objects.count(), Document.objects.count())
    exported = export_workbook(province)
    again = _run(exported, province, commit=False)
    assert again.outcome.errors == []
    assert again.outcome.summary["changed_total"] == 0, again.outcome.summary["changes"][:3]
    assert all(
        again.outcome.summary[key]["new"] == 0 for key in ("clusters", "plans", "entries", "history", "documents")
    )
    assert _run(exported, province, commit=True).outcome.errors == []
    assert (StatusChange.objects.count(), PlanEntry.objects.count(), Document.objects.count()) == before


def test_reimport_shows_each_change_before_making_it(province, registry):
    data, _facts = registry
    _run(data, province, commit=True)
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(province)))
    sheet = book["Cụm công nghiệp"]
    sheet["J2"] = 44.5  # the first cluster's area
    buffer = io.BytesIO()
    book.save(buffer)
    check = _run(buffer.getvalue(), province, commit=False)
    assert check.outcome.errors == [], [e["message"] for e in check.outcome.errors[:5]]
    change = check.outcome.summary["changes"][0]
    assert change["key"] == "SYN-12-0001" and change["changes"][0]["new"] == "44,5"
    assert Cluster.objects.get(code="SYN-12-0001").area_ha != Decimal("44.5")
    _run(buffer.getvalue(), province, commit=True)
    assert Cluster.objects.get(code="SYN-12-0001").area_ha == Decimal("44.5")


def test_a_row_of_another_province_is_an_error(province, registry):
    data, _facts = registry
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["Cụm công nghiệp"]["E3"] = "01"
    buffer = io.BytesIO()
    book.save(buffer)
    check = _run(buffer.getvalue(), province, commit=True)
    assert any(e["sheet"] == "Cụm công nghiệp" and e["row"] == 3 and e["column"] == "E" for e in check.outcome.errors)
    assert not Cluster.objects.exists()


def test_later_steps_follow_an_undated_step_on_every_database(province, registry):
    """The latest recorded step is the last written, not the last by date: an undated step (SYN-12-0005's
    proposal, before its dated planning; SYN-12-0007's construction, after its dated establishment) sorts
    first on SQLite and last on PostgreSQL, and a later step must be accepted on both."""
    data, _facts = registry
    assert _run(data, province, commit=True).outcome.errors == []
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(province)))
    sheet = book["Lịch sử trạng thái"]
    assert [row[:3] for row in sheet.iter_rows(values_only=True) if row[0] in ("SYN-12-0005", "SYN-12-0007")] == [
        ("SYN-12-0005", "Đề xuất bổ sung quy hoạch", None),
        ("SYN-12-0005", "Có trong quy hoạch", datetime.datetime(2021, 6, 1)),
        ("SYN-12-0007", "Có trong quy hoạch", datetime.datetime(2010, 1, 1)),
        ("SYN-12-0007", "Đã thành lập", datetime.datetime(2017, 4, 1)),
        ("SYN-12-0007", "Đang xây dựng hạ tầng", None),
    ]
    sheet.append(["SYN-12-0005", "Đã chuyển thành khu công nghiệp", "01/03/2024"])
    sheet.append(["SYN-12-0007", "Hoàn thành hạ tầng", "01/05/2024"])
    buffer = io.BytesIO()
    book.save(buffer)
    done = _run(buffer.getvalue(), province, commit=True)
    assert done.outcome.errors == [], done.outcome.errors[:3]
    assert Cluster.objects.get(code="SYN-12-0005").status == ClusterStatus.CONVERTED_TO_PARK
    assert Cluster.objects.get(code="SYN-12-0007").status == ClusterStatus.INFRASTRUCTURE_COMPLETE
