"""The kept tenancy figures (`TenancyState`): after every kind of write, what a read uses equals what the
tenant projects and the reports give when computed (`selectors.occupied_by_cluster`, `selectors.overdue`)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.geo.models import Commune
from icis.tenancy import attention, kept, periods, selectors, services
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import Submission, TenancyState
from icis.testing.factories import make_cluster

from .conftest import other_tenant, project

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 9, 1)  # the 2026 first half's Form 01 is overdue (deadline before 20/06)
H1 = periods.parse("2026-H1")
FORM_01 = {"revenue_bn_vnd": 1, "budget_paid_bn_vnd": 0.1, "employees": 10, "avg_income_m_vnd": 8}


@pytest.fixture
def other_cluster(hanoi, boss):
    return make_cluster(name="Cụm thứ hai", status=ClusterStatus.OPERATING, area_ha=40, industrial_land_ha=30)


def assert_kept(day=DAY):
    """Every cluster's kept row, once made current, equals the figures computed from the records."""
    clusters = Cluster.objects.all()
    period = periods.due("01", day)
    assert period == H1 or day != DAY
    kept.current(clusters, day, period)
    ids = list(clusters.values_list("pk", flat=True))
    occupied = selectors.occupied_by_cluster(ids, day)
    missing = {}
    for owed in selectors.overdue(form="01", period=period, clusters=clusters, today=day):
        missing[owed.cluster_id] = missing.get(owed.cluster_id, 0) + 1
    rows = {row.cluster_id: row for row in TenancyState.objects.filter(kept.valid_q(day, period))}
    assert set(rows) == set(ids)
    for pk in ids:
        assert (pk, rows[pk].occupied_ha) == (pk, occupied.get(pk, Decimal(0)).quantize(Decimal("0.0001")))
        assert (pk, rows[pk].form01_missing) == (pk, missing.get(pk, 0))
    return rows


def test_a_new_project_marks_its_cluster_and_the_read_recomputes_it(cluster20, tenant, boss):
    assert assert_kept()[cluster20.pk].occupied_ha == 0
    project(cluster20, tenant, 5, boss)
    assert not TenancyState.objects.filter(kept.valid_q(DAY, H1), cluster=cluster20).exists()
    rows = assert_kept()
    assert (rows[cluster20.pk].occupied_ha, rows[cluster20.pk].form01_missing) == (Decimal("5.0000"), 1)


def test_an_edited_land_or_lease_end_changes_the_kept_land(cluster20, tenant, boss):
    lease = project(cluster20, tenant, 5, boss)
    assert_kept()
    services.project_update(project=lease, data={"land_ha": Decimal("7.5")}, actor=boss)
    assert assert_kept()[cluster20.pk].occupied_ha == Decimal("7.5")
    lease.refresh_from_db()
    services.project_update(project=lease, data={"lease_end": datetime.date(2026, 3, 31)}, actor=boss)
    assert assert_kept()[cluster20.pk].occupied_ha == 0


def test_a_project_that_ends_or_is_deleted_leaves_the_kept_land(cluster20, tenant, boss):
    ending = project(cluster20, tenant, 5, boss)
    leaving = project(cluster20, other_tenant(boss), 3, boss)
    assert assert_kept()[cluster20.pk].occupied_ha == 8
    services.project_transition(
        project=ending, to_status=ProjectStatus.LEFT, effective_on=datetime.date(2026, 8, 1), actor=boss
    )
    assert assert_kept()[cluster20.pk].occupied_ha == 3
    leaving.delete()
    assert assert_kept()[cluster20.pk].occupied_ha == 0


def test_a_project_moved_to_another_cluster_changes_both(cluster20, other_cluster, tenant, boss):
    lease = project(cluster20, tenant, 5, boss)
    assert_kept()
    lease.cluster = other_cluster  # not through the services: the signal still marks both clusters
    lease.save()
    rows = assert_kept()
    assert (rows[cluster20.pk].occupied_ha, rows[other_cluster.pk].occupied_ha) == (0, 5)
    assert (rows[cluster20.pk].form01_missing, rows[other_cluster.pk].form01_missing) == (0, 1)


def test_each_step_of_a_form_01_changes_the_kept_count(cluster20, tenant, boss):
    lease = project(cluster20, tenant, 5, boss)
    assert assert_kept()[cluster20.pk].form01_missing == 1
    draft = services.submission_save(
        form="01", period="2026-H1", cluster=cluster20, tenant_project=lease, data=FORM_01, actor=boss
    )
    assert assert_kept()[cluster20.pk].form01_missing == 1  # a draft is not sent
    sent = services.submission_submit(submission=draft, actor=boss)
    assert assert_kept()[cluster20.pk].form01_missing == 0
    returned = services.submission_return(submission=sent, reason="sửa chỉ tiêu 3", actor=boss)
    assert assert_kept()[cluster20.pk].form01_missing == 1
    returned.refresh_from_db()
    resent = services.submission_submit(submission=returned, actor=boss)
    services.submission_accept(submission=resent, actor=boss)
    assert assert_kept()[cluster20.pk].form01_missing == 0
    Submission.objects.filter(pk=resent.pk).first().delete()
    assert assert_kept()[cluster20.pk].form01_missing == 1


def test_a_lease_starting_later_is_counted_from_its_first_day(cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss, lease_start=DAY + datetime.timedelta(days=10))
    row = assert_kept()[cluster20.pk]
    assert (row.occupied_ha, row.occupied_until) == (0, DAY + datetime.timedelta(days=10))
    later = assert_kept(DAY + datetime.timedelta(days=10))[cluster20.pk]
    assert later.occupied_ha == 5


def test_a_new_period_recomputes_the_form_01_count(cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    assert_kept()
    next_year = datetime.date(2027, 3, 1)  # the 2026 whole year is due now
    assert periods.due("01", next_year).code == "2026-Y"
    assert assert_kept(next_year)[cluster20.pk].form01_period == "2026-Y"


def test_a_current_read_is_one_query_whatever_the_number_of_clusters(cluster20, other_cluster, tenant, boss):
    project(cluster20, tenant, 5, boss)
    assert_kept()
    with CaptureQueriesContext(connection) as queries:
        kept.current(Cluster.objects.all(), DAY, H1)
    assert len(queries) == 1


def test_the_attention_summary_reads_the_kept_count_and_equals_the_items(cluster20, other_cluster, tenant, boss):
    project(cluster20, tenant, 5, boss)
    project(other_cluster, other_tenant(boss), 2, boss)
    project(other_cluster, other_tenant(boss, 3), 1, boss)
    groups = {g.kind: g for g in attention.summary(boss, DAY, 5)}
    items = [i for i in attention.items(boss, DAY) if i.kind == "form_01_overdue"]
    assert groups["form_01_overdue"].count == len(items) == 2
    assert {i.detail for i in groups["form_01_overdue"].items} == {i.detail for i in items}


def test_occupancy_today_reads_the_kept_land_and_equals_a_past_days_sum(cluster20, other_cluster, tenant, boss):
    project(cluster20, tenant, 5, boss)
    project(other_cluster, other_tenant(boss), 12, boss)
    for group_by in ("cluster", "commune", "city"):
        today = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by=group_by)
        assert TenancyState.objects.count() == 2
        TenancyState.objects.all().delete()  # a past day is summed over the projects, not read from the rows
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        summed = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by=group_by, as_of=yesterday)
        assert today == summed


def test_the_whole_city_today_is_one_query_and_recomputes_stale_rows_in_it(cluster20, other_cluster, tenant, boss):
    project(cluster20, tenant, 5, boss)
    project(other_cluster, other_tenant(boss), 12, boss)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    summed = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by="city", as_of=yesterday)

    def city():
        with CaptureQueriesContext(connection) as queries:
            row = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by="city")
        assert row == summed
        return len(queries)

    assert city() > 1  # no kept row yet: counted stale, recomputed, summed again
    assert city() == 1  # current: the aggregate counts no stale row
    TenancyState.objects.filter(cluster=cluster20).update(occupied_ha=Decimal("19"))  # a wrong figure…
    kept.mark_stale([cluster20.pk])  # …marked stale (as every write does) is recomputed
    assert city() > 1
    TenancyState.objects.filter(cluster=other_cluster).update(occupied_until=timezone.localdate(), occupied_ha=0)
    assert city() > 1  # a figure that held until today is recomputed too
    TenancyState.objects.filter(cluster=other_cluster).delete()
    assert city() > 1
    assert city() == 1


def test_a_recompute_takes_the_same_queries_for_2_and_12_clusters(cluster20, other_cluster, tenant, boss):
    def recompute_queries():
        kept.mark_stale(Cluster.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            kept.current(Cluster.objects.all(), DAY, H1)
        return len(queries)

    project(cluster20, tenant, 5, boss)
    few = recompute_queries()
    for n in range(10):
        make_cluster(name=f"Cụm {n}", status=ClusterStatus.OPERATING, area_ha=10, industrial_land_ha=8)
    TenancyState.objects.filter(cluster=cluster20).delete()  # a missing row is created by the same statement
    assert recompute_queries() == few
    assert_kept()


def test_reports_not_sent_are_found_with_not_exists_never_not_in(cluster20, tenant, boss):
    """`NOT IN (subquery)` is hashed by PostgreSQL only while the period's reports fit in work_mem: at ten
    times the national data they did not, and each project scanned every report (bench/RESULTS.md, "The 10×
    data set"). The kept figures and the overdue counts use a correlated NOT EXISTS."""
    day = timezone.localdate()
    period = periods.due("01", day)
    kept.mark_stale([cluster20.pk])
    with CaptureQueriesContext(connection) as recompute:
        kept.current(Cluster.objects.filter(pk=cluster20.pk), day)
    with CaptureQueriesContext(connection) as overdue:
        selectors.overdue_named_counts(form="01", period=period, clusters=Cluster.objects.all(), today=day)
        selectors.overdue_named_counts(form="02", period=period, clusters=Cluster.objects.all(), today=day)
    reading_reports = [
        query["sql"].upper().replace('"', "")
        for query in [*recompute.captured_queries, *overdue.captured_queries]
        if "tenancy_submission" in query["sql"]
    ]
    assert len(reading_reports) >= 3  # the recompute's UPDATE and both overdue counts
    for sql in reading_reports:
        assert "NOT EXISTS" in sql and not re.search(r"NOT \(+[\w.]+ IN \(SELECT", sql), sql


@pytest.mark.parametrize("group_by", ["cluster", "commune"])
def test_a_page_today_counts_the_stale_rows_in_its_count_and_recomputes_them(group_by, hanoi, tenant, boss):
    communes = list(Commune.objects.order_by("code")[:2])
    first = make_cluster(name="Cụm một", area_ha=25, industrial_land_ha=20, communes=communes[:1])
    second = make_cluster(name="Cụm hai", area_ha=40, industrial_land_ha=30, communes=communes)
    project(first, tenant, 5, boss)
    project(second, other_tenant(boss), 12, boss)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    summed = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by=group_by, as_of=yesterday)
    assert len(summed) == 2

    def page():
        rows = selectors.occupancy_rows(clusters=Cluster.objects.all(), group_by=group_by)
        with CaptureQueriesContext(connection) as queries:
            assert rows.count() == 2
            assert rows[0:1] + rows[1:2] == summed
        return len(queries)

    assert page() > 3  # no kept row yet: counted stale, recomputed, then the pages
    assert page() == 3  # current: the count (with the stale rows counted in it) and two pages
    TenancyState.objects.filter(cluster=first).update(occupied_ha=Decimal("19"))
    kept.mark_stale([first.pk])
    assert page() > 3
    TenancyState.objects.filter(cluster=second).delete()
    assert page() > 3
    assert page() == 3
