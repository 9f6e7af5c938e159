"""The national data set, and what the benchmark's fixes promise: the same numbers as before, and query
counts that do not grow with the data (10 clusters and 1,000, bulk-generated in the test)."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from icis.accounts import roles
from icis.accounts.models import Organisation, Scope
from icis.clusters.models import Cluster, ClusterCommune
from icis.construction import selectors as construction
from icis.construction.briefing import briefing_content
from icis.construction.choices import ReportStatus
from icis.construction.models import ProgressReport, ProgressState
from icis.core import attention
from icis.environment.compliance import Catalogue
from icis.environment.models import PlantCluster, Sample, WastewaterPlant
from icis.environment.models import Violation as PlantViolation
from icis.inspections import selectors as inspection_selectors
from icis.inspections.models import ChecklistAnswer, Inspection, InspectionPlan
from icis.inspections.models import Violation as InspectionViolation
from icis.reporting import selectors as reporting
from icis.synthetic import national, oversight, server_bench
from icis.synthetic import services as registry
from icis.tenancy import kept, periods
from icis.tenancy import selectors as tenancy
from icis.tenancy.api.serializers import OccupancyRowSerializer
from icis.tenancy.models import KEPT_FIGURES, Submission, TenantProject
from icis.testing.factories import person, superuser
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db

SMALL = {"provinces": 2, "communes_per_province": 3}
TODAY = datetime.date(2026, 6, 30)


def generate(clusters: int, *, replace: bool = True, **sizes) -> national.NationalResult:
    sizes = {"projects": clusters * 4, "progress_rows": clusters * 8 * 12, **SMALL, **sizes}
    return national.national_generate(clusters=clusters, replace=replace, **sizes)


# ------------------------------------------------------------------ the data set


def test_the_command_writes_every_kind_of_row_marked_synthetic():
    out = io.StringIO()
    call_command(
        "generate_national_dataset",
        clusters=30,
        projects=90,
        progress_rows=30 * 8 * 6,
        stdout=out,
    )
    assert "Created (synthetic, scale 1" in out.getvalue()
    assert Cluster.objects.filter(is_synthetic=False).count() == 0
    assert all(c.code.startswith("SYN-") and "tổng hợp" in c.notes for c in Cluster.objects.all())
    assert TenantProject.objects.count() == 90 and not TenantProject.objects.filter(is_illustrative=False).exists()
    assert ProgressReport.objects.exists() and not ProgressReport.objects.exclude(remarks__contains="tổng hợp").exists()
    assert Submission.objects.filter(form="01").exists() and Submission.objects.filter(form="02").exists()
    assert all(s.data.get("synthetic") is True for s in Submission.objects.all())
    # the kept progress state is rebuilt after the bulk insert (bulk_create sends no signal)
    assert ProgressState.objects.count() == ProgressReport.objects.values("cluster").distinct().count()
    kept = io.StringIO()
    call_command("generate_national_dataset", clusters=30, if_missing=True, stdout=kept)
    assert "already there: kept" in kept.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_national_dataset", clusters=5, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--scale must be 1 or more"):
        call_command("generate_national_dataset", scale=0, stdout=io.StringIO())


def _sizes() -> tuple:
    return (
        Cluster.objects.count(),
        TenantProject.objects.count(),
        ProgressReport.objects.count(),
        WastewaterPlant.objects.count(),
        Sample.objects.count(),
        PlantViolation.objects.count(),
        Inspection.objects.count(),
        InspectionViolation.objects.count(),
    )


def test_replace_deletes_what_the_last_run_wrote():
    generate(20, replace=False)
    first = _sizes()
    result = generate(20)
    assert result.deleted["clusters"] == 20
    assert result.deleted["wastewater_plants"] == first[3] and result.deleted["inspections"] == first[6]
    assert _sizes() == first


def test_plants_samples_violations_and_inspections_are_synthetic_and_judged_as_the_service_judges():
    generate(60)
    plants = WastewaterPlant.objects.all()
    assert plants.count() > 10
    assert all("tổng hợp" in p.name and p.notes == registry.NOTE for p in plants)
    assert not PlantCluster.objects.exclude(cluster__is_synthetic=True).exists()
    assert Sample.objects.count() > plants.count() and not Sample.objects.exclude(notes=registry.NOTE).exists()
    # every exceedance is one `Catalogue.judge` finds in its sample, and every one it finds has its violation
    catalogue = Catalogue.load()
    exceeded = set()
    for sample in Sample.objects.select_related("plant").prefetch_related("values"):
        judgement = catalogue.judge_sample(sample, sample.plant)
        exceeded |= {(sample.pk, catalogue.parameter(v.parameter).pk) for v in judgement.exceeded}
    recorded = set(PlantViolation.objects.filter(kind="exceedance").values_list("sample_id", "parameter_id").order_by())
    assert exceeded and recorded == exceeded
    assert PlantViolation.objects.filter(kind="report_missing", requirement__isnull=False).exists()
    assert not PlantViolation.objects.exclude(description__contains="tổng hợp").exists()
    assert not PlantViolation.objects.filter(deadline__lt=F("detected_on")).exists()
    # inspections: plans per province and year, findings and violations from "not compliant" answers
    assert InspectionPlan.objects.exists() and not InspectionPlan.objects.exclude(source=oversight.SOURCE).exists()
    inspections = Inspection.objects.all()
    assert set(inspections.values_list("subject_kind", flat=True)) == {"cluster", "investor", "tenant"}
    assert not inspections.exclude(source=oversight.SOURCE).exists()
    assert not inspections.filter(subject_kind="tenant", tenant__isnull=True).exists()
    assert not inspections.filter(status="done", inspected_on__isnull=True).exists()
    assert ChecklistAnswer.objects.filter(inspection__status="planned").count() == 0
    assert InspectionViolation.objects.count() == ChecklistAnswer.objects.filter(answer="not_compliant").count() > 0
    assert not InspectionViolation.objects.filter(legal_basis="").exists()


def test_each_attention_summary_equals_its_providers_items_grouped():
    """The dashboard counts each kind in the database and words only the first few (icis.core.attention):
    on the national data (stalled, stale, not started, Forms 01/02 overdue, violations of both kinds past
    their deadline, many on the same date) that is what grouping every item gives."""
    boss = superuser()
    generate(80)
    kinds = set()
    for today in (datetime.date.today(), TODAY):
        for name, summary in attention._summaries.items():
            for limit in (1, 5):
                got = sorted((g for g in summary(boss, today, limit) if g.count), key=lambda g: g.kind)
                want = sorted(
                    attention.group_items(attention._providers[name](boss, today), limit), key=lambda g: g.kind
                )
                assert got == want, (name, today, limit)
                kinds |= {g.kind for g in got}
    assert {"stalled", "form_01_overdue", "inspection_violation_overdue", "violation_overdue"} <= kinds


def test_if_missing_adds_plants_and_inspections_to_a_data_set_made_before_them():
    generate(30, replace=False)
    oversight.delete()
    assert not WastewaterPlant.objects.exists() and not Inspection.objects.exists()
    out = io.StringIO()
    call_command("generate_national_dataset", clusters=30, if_missing=True, stdout=out)
    assert "kept; added" in out.getvalue()
    assert WastewaterPlant.objects.exists() and Inspection.objects.exists()


@pytest.mark.parametrize(
    ("today", "wanted", "due"),
    [
        (datetime.date(2026, 12, 1), ("2025-Y", "2026-H1"), "2026-H1"),  # H1 closed, its deadline passed
        (datetime.date(2026, 6, 17), ("2025-Y", "2026-H1"), "2025-Y"),  # H1 closed, deadline 20/06 ahead
        (datetime.date(2026, 6, 20), ("2025-Y", "2026-H1"), "2026-H1"),  # the deadline day: H1 now due
        (datetime.date(2027, 1, 10), ("2026-H1", "2026-Y"), "2026-Y"),
        (datetime.date(2026, 12, 16), ("2026-H1", "2026-Y"), "2026-H1"),  # Y closed, deadline 20/12 ahead
    ],
)
def test_form01_02_are_for_the_periods_around_the_day_it_is_generated(monkeypatch, today, wanted, due):
    """Form 01/02 go to the latest closed period (Form 04's) and the one before; the period whose Form 01
    is due (the dashboard's "not sent" line) is always one of them. `--if-missing` on a set generated on
    another day rewrites Form 01/02 for the day's periods, keeps the rest, and says so."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    assert national.report_periods(today) == wanted
    assert periods.due("01", today).code == due and due in wanted
    assert periods.latest_closed(today).code == wanted[-1]
    generate(20)
    assert national.submitted_periods() == wanted
    filed = {p: Submission.objects.filter(period=p, form="01").count() for p in wanted}
    assert filed[wanted[0]] == filed[wanted[1]] == TenantProject.objects.filter(ended_on=None).count() > 0
    assert Submission.objects.filter(period=wanted[0], form="02").count() > 0
    reports = ProgressReport.objects.count()

    later = datetime.date(today.year + 1, today.month, min(today.day, 28))
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    out = io.StringIO()
    call_command("generate_national_dataset", clusters=20, if_missing=True, stdout=out)
    assert f"had Form 01/02 for {', '.join(wanted)}" in out.getvalue() and "already there: kept" in out.getvalue()
    assert national.submitted_periods() == national.report_periods(later) != wanted
    assert {p: Submission.objects.filter(period=p, form="01").count() for p in national.report_periods(later)} == {
        p: filed[wanted[0]] for p in national.report_periods(later)
    }
    assert all(s.data.get("synthetic") is True for s in Submission.objects.all())
    assert ProgressReport.objects.count() == reports  # the rest is kept
    again = io.StringIO()
    call_command("generate_national_dataset", clusters=20, if_missing=True, stdout=again)
    assert "had Form 01/02" not in again.getvalue() and "already there: kept" in again.getvalue()


# ------------------------------------------------------------------ the same numbers as before


def _full_history(as_of):
    """Every accepted report of every cluster, as the code before the fix loaded them."""
    points = defaultdict(list)
    for cluster_id, on, percent in ProgressReport.objects.filter(
        status=ReportStatus.ACCEPTED, report_date__lte=as_of
    ).values_list("cluster_id", "report_date", "overall_percent"):
        points[cluster_id].append(construction.Point(on, percent))
    return points


def test_trails_computed_in_sql_equal_the_whole_history_read_in_python():
    generate(60, progress_rows=60 * 8 * 30)
    # uneven histories too: decreases, plateaus, a 100 % reached and then reported again
    cluster = Cluster.objects.filter(status="under_construction").first()
    ProgressReport.objects.filter(cluster=cluster).update(overall_percent=Decimal("40.00"))
    for as_of in (TODAY, datetime.date(2024, 1, 31), datetime.date(2015, 6, 30)):
        full = _full_history(as_of)
        for window in (1, 6):
            trails = construction.trails_by_cluster(None, as_of, window)
            assert set(trails) == set(full)
            for pk, points in full.items():
                assert trails[pk] == construction.Trail.of(points, window), (pk, as_of, window)
                assert construction.forecast_completion(trails[pk], window=window, as_of=as_of) == (
                    construction.forecast_completion(points, window=window, as_of=as_of)
                )


def test_occupancy_table_grouped_in_the_database_equals_the_python_grouping(tmp_path):
    generate(80)
    old = _old_occupancy_module()
    clusters = Cluster.objects.all()
    for group_by in ("cluster", "commune", "legacy_district", "city"):
        for day in (TODAY, datetime.date(2016, 12, 31)):
            assert tenancy.occupancy_table(clusters=clusters, group_by=group_by, as_of=day) == old.occupancy_table(
                clusters=clusters, group_by=group_by, as_of=day
            ), (group_by, day)
    assert tenancy.occupancy_table(clusters=Cluster.objects.none(), group_by="city")[0]["clusters"] == 0


def test_form01_totals_in_sql_equal_the_decoded_forms():
    generate(40)
    Submission.objects.filter(form="01").order_by("pk").first().delete()
    odd = Submission.objects.filter(form="01").order_by("pk").last()
    odd.data = {"revenue_bn_vnd": 1.005, "employees": None}
    odd.save()
    for code in national.report_periods(timezone.localdate()):
        period = periods.parse(code)
        decoded = [data for _pk, data in reporting._submission_figures("01", period, Cluster.objects.all())]
        count, totals = reporting._form01_totals(period, Cluster.objects.all())
        assert count == len(decoded)
        for key in KEPT_FIGURES.values():
            total, left_out = reporting._sum(decoded, key)
            assert totals[key] == (total, left_out), key
            assert totals[key][0].quantize(Decimal("0.01")) == total.quantize(Decimal("0.01"))


def _old_occupancy_module():
    """The occupancy table as it was before the fix (commit 2f523b4), kept here to compare against."""
    import types

    source = """
from collections import defaultdict
from decimal import Decimal
from django.utils import timezone
from icis.clusters.models import ClusterCommune
from icis.tenancy.selectors import TWO_PLACES, occupied_by_cluster, rate


def occupancy_table(*, clusters, group_by="cluster", as_of=None):
    day = as_of or timezone.localdate()
    cluster_rows = list(
        clusters.order_by().values(
            "pk", "name", "code", "industrial_land_ha", "legacy_district_id", "legacy_district__name"
        )
    )
    ids = [row["pk"] for row in cluster_rows]
    occupied = occupied_by_cluster(ids, day)
    groups = defaultdict(list)
    if group_by == "commune":
        for link in ClusterCommune.objects.filter(cluster_id__in=ids).select_related("commune"):
            groups[(link.commune_id, link.commune.name)].append(link.cluster_id)
    by_id = {row["pk"]: row for row in cluster_rows}
    if group_by == "cluster":
        for row in cluster_rows:
            groups[(row["pk"], row["name"])].append(row["pk"])
    elif group_by == "legacy_district":
        for row in cluster_rows:
            groups[(row["legacy_district_id"], row["legacy_district__name"])].append(row["pk"])
    elif group_by == "city":
        groups[("all", "")] = ids
    table = []
    for (key, label), members in groups.items():
        with_land = [m for m in members if by_id[m]["industrial_land_ha"]]
        land = sum((by_id[m]["industrial_land_ha"] for m in with_land), Decimal(0))
        occ = sum((occupied.get(m, Decimal(0)) for m in with_land), Decimal(0))
        rates = [rate(occupied.get(m, Decimal(0)), by_id[m]["industrial_land_ha"]) for m in with_land]
        table.append(
            {
                "key": key,
                "label": label,
                "clusters": len(members),
                "clusters_with_land": len(with_land),
                "industrial_land_ha": land,
                "occupied_ha": occ,
                "unleased_ha": land - occ,
                "occupancy_rate": rate(occ, land),
                "mean_cluster_rate": (sum(rates, Decimal(0)) / len(rates)).quantize(TWO_PLACES) if rates else None,
            }
        )
    table.sort(key=lambda row: (str(row["label"] or ""), str(row["key"])))
    return table
"""
    module = types.ModuleType("old_occupancy")
    exec(compile(source, "old_occupancy", "exec"), module.__dict__)  # noqa: S102 - a fixed test fixture
    return module


# ------------------------------------------------------------------ query counts constant in the data size


def _counts(boss) -> dict:
    clusters = Cluster.objects.all()
    period = periods.latest_closed(timezone.localdate())
    briefed = list(Cluster.objects.filter(status__in=construction.BOARD_STAGES).order_by("pk")[:10])
    calls = {
        "construction summary": lambda: construction.construction_summary(as_of=TODAY),
        "construction board": lambda: construction.construction_board(user=boss, today=TODAY),
        "Form 04 figures": lambda: reporting._compute(form="04", period=period, clusters=clusters),
        "briefing, 10 clusters": lambda: briefing_content(briefed, user=boss),
        "dashboard attention list": lambda: attention.summarise(boss, None, 5),
        # a page of one source (which sources a page holds depends on the data, not on its size)
        "violation register, a page": lambda: inspection_selectors.register_rows(
            boss, today=TODAY, source="inspection"
        )[:50],
        **{
            f"occupancy by {group_by}": (
                lambda group_by=group_by: tenancy.occupancy_table(clusters=clusters, group_by=group_by, as_of=TODAY)
            )
            for group_by in ("cluster", "commune", "legacy_district", "city")
        },
        **{
            f"occupancy API page by {group_by}, {day}": (
                lambda group_by=group_by, day=day: _page(
                    tenancy.occupancy_rows(clusters=clusters, group_by=group_by, as_of=day)
                )
            )
            for group_by in ("cluster", "commune", "legacy_district")
            for day in (None, TODAY)
        },
    }
    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        counts[name] = len(queries)
    return counts


def _page(rows):
    """What the API's paginator runs: the count, then the second page's slice."""
    return rows.count(), rows[3:6]


def _endpoint_counts(boss) -> dict:
    """The SQL statements of each page and endpoint the national benchmark times (all middleware included),
    requested as the benchmark requests them: signed in as a superuser, the whole country in scope."""
    client = Client()
    client.force_login(boss)
    counts = {}
    for label, url, kind in server_bench.ENDPOINTS:
        if kind == "floor":  # the benchmark's own constant endpoint, not in the product's URLs
            continue
        url = server_bench._fill(PER_SOURCE.get(url, url))
        client.get(url, HTTP_ACCEPT="application/json, text/html")  # warmed up, as the benchmark does
        statements = []

        def counter(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = client.get(url, HTTP_ACCEPT="application/json, text/html")
        assert response.status_code == 200, (label, url, response.status_code)
        counts[label] = len(statements)
    return counts


def _one_over_the_area_limit():
    """A cluster of 100 ha (Decree 32's limit is 75): the dashboard's registry attention kind is not empty at
    either size. An empty kind skips its items' prefetch, one statement fewer, whatever the data's size."""
    Cluster.objects.filter(pk=Cluster.objects.order_by("pk").values("pk")[:1]).update(area_ha=Decimal(100))


# The violation register's first page holds one source or both depending on the data (not its size): one
# source at a time, as `_counts` reads it.
PER_SOURCE = {"/api/violations/": "/api/violations/?source=inspection"}


def test_query_counts_are_the_same_for_10_and_1000_clusters():
    boss = superuser()
    generate(10, progress_rows=10 * 8 * 12)
    _one_over_the_area_limit()
    small, small_endpoints = _counts(boss), _endpoint_counts(boss)
    generate(1000, projects=2000, progress_rows=1000 * 8 * 3)
    _one_over_the_area_limit()
    assert Cluster.objects.count() == 1000
    large, large_endpoints = _counts(boss), _endpoint_counts(boss)
    assert small == large
    # every page and endpoint of the national benchmark, through every middleware
    assert len(small_endpoints) == len(server_bench.ENDPOINTS) - 1
    assert small_endpoints == large_endpoints


# ------------------------------------------------------------------ the occupancy API paged in SQL


def _row_json(row) -> bytes:
    return JSONRenderer().render(serializers.Serializer.to_representation(OccupancyRowSerializer(), row))


def _all_pages(client, url) -> tuple[list, int]:
    """Every page's rows of a paged API list, following `next`, and the number of pages."""
    rows, pages, response = [], 0, client.get(url)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        if not body["next"]:
            assert body["count"] == len(rows)
            return rows, pages
        response = client.get(body["next"])


def test_the_paged_occupancy_api_concatenated_is_the_old_full_table_byte_for_byte():
    generate(80)
    old = _old_occupancy_module()
    two_communes = list(ClusterCommune.objects.order_by("commune_id").values_list("commune_id", flat=True)[:2])
    province = Cluster.objects.order_by("pk").values_list("province_id", flat=True).first()
    officer = person("doit", roles.DOIT_OFFICER)
    Scope.objects.create(user=officer, province_id=province)
    investor = Cluster.objects.exclude(investor=None).order_by("pk").values_list("investor_id", flat=True).first()
    users = {
        "superuser": superuser(),
        "national": person("moit", roles.NATIONAL),
        "province": officer,
        "two communes": person("xa", roles.COMMUNE_OFFICIAL, communes=two_communes),
        "investor": person("cdt", roles.INVESTOR, organisation=Organisation.objects.get(pk=investor)),
    }
    # a cluster with no industrial land, one with none recorded and a cluster named as another (key decides)
    Cluster.objects.filter(pk__in=Cluster.objects.order_by("pk").values("pk")[:2]).update(name="Cụm trùng tên")
    Cluster.objects.filter(pk=Cluster.objects.order_by("-pk").values("pk")[:1]).update(industrial_land_ha=0)
    ending = TenantProject.objects.filter(pk__in=TenantProject.objects.order_by("pk").values("pk")[:30])
    ending.update(lease_end=TODAY, ended_on=None)
    kept.mark_stale(ending.values_list("cluster_id", flat=True))
    seen = set()
    for scope, user in users.items():
        client = api_client_for(user)
        clusters = Cluster.objects.restrict(user)
        for group_by in ("cluster", "commune", "legacy_district", "city"):
            for as_of in (None, TODAY, datetime.date(2016, 12, 31)):
                expected = [
                    _row_json(row) for row in old.occupancy_table(clusters=clusters, group_by=group_by, as_of=as_of)
                ]
                url = f"/api/occupancy/?group_by={group_by}&page_size=7" + (f"&as_of={as_of}" if as_of else "")
                if group_by == "city":
                    response = client.get(url)
                    assert response.status_code == 200
                    got = [JSONRenderer().render(row) for row in response.json()]  # one row, not paged, as before
                else:
                    rows, pages = _all_pages(client, url)
                    got = [JSONRenderer().render(row) for row in rows]
                    assert pages == max(1, -(-len(expected) // 7))
                assert got == expected, (scope, group_by, as_of)
                seen.add((scope, len(expected)))
    assert len({n for _scope, n in seen}) > 3  # the scopes see different tables


def test_the_occupancy_api_pages_by_50_by_default_and_refuses_an_unknown_page():
    generate(80)
    client = api_client_for(superuser())
    body = client.get("/api/occupancy/?group_by=cluster").json()
    assert (body["count"], len(body["results"]), body["previous"]) == (80, 50, None)
    assert "page=2" in body["next"]
    assert client.get("/api/occupancy/?group_by=cluster&page=3").status_code == 404
    assert (
        client.get("/api/occupancy/?group_by=commune&page_size=1000").json()["count"]
        == ClusterCommune.objects.values("commune_id").distinct().count()
    )
