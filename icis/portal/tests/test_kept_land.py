"""The kept occupied land (`ClusterLand`): the public list reads it instead of summing every tenant project,
so it must equal the computed figure after every kind of change — a lease registered, edited, moved to
another cluster, ended, deleted; a cluster's industrial land changed; a day passing; a publish."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from icis.clusters import services as cluster_services
from icis.portal import selectors, services
from icis.portal.models import ClusterLand
from icis.tenancy import services as tenancy_services
from icis.tenancy.models import TenantProject
from icis.tenancy.selectors import occupied_by_cluster

from .test_public import vacant_on_page

pytestmark = pytest.mark.django_db


def assert_kept_is_computed(*clusters, day=None):
    day = day or datetime.date.today()
    computed = occupied_by_cluster([c.pk for c in clusters], day)
    for cluster in clusters:
        kept = ClusterLand.objects.get(cluster=cluster)
        assert kept.as_of == day
        assert kept.occupied_ha == computed.get(cluster.pk, Decimal(0)), cluster.name


def card(code):
    return next(c for c in selectors.all_cards() if c["code"] == code)


SERIAL = iter(range(100, 1000))


def new_project(world, cluster, land="3", **data):
    number = next(SERIAL)
    tenant = tenancy_services.tenant_create(
        data={"name": f"Công ty Thử {number}", "tax_code": f"0107000{number}"}, actor=world["boss"]
    )
    return tenancy_services.project_create(
        data={
            "cluster": cluster,
            "tenant": tenant,
            "land_ha": Decimal(land),
            "lease_start": datetime.date(2024, 1, 1),
            **data,
        },
        actor=world["boss"],
    )


def test_publishing_keeps_the_figure(portal_world):
    assert_kept_is_computed(portal_world["open"], portal_world["small"])
    assert ClusterLand.objects.get(cluster=portal_world["open"]).occupied_ha == Decimal("8")


def test_a_lease_entered_on_the_tenancy_side_changes_the_vacant_land_shown_at_once(portal_world):
    anonymous = Client()
    code = portal_world["open"].code
    assert vacant_on_page(anonymous, code).startswith("12")
    assert card(code)["land"]["vacant_ha"] == 12.0
    new_project(portal_world, portal_world["open"], "3")
    assert_kept_is_computed(portal_world["open"])
    assert card(code)["land"]["vacant_ha"] == 9.0
    assert vacant_on_page(anonymous, code).startswith("9")
    listing = anonymous.get("/api/public/v1/clusters/", {"q": "Dong Phu"}).json()
    assert listing["results"][0]["land"]["vacant_ha"] == 9.0


def test_every_kind_of_change_keeps_the_figure_equal_to_the_computed_one(portal_world):
    boss, big, small = portal_world["boss"], portal_world["open"], portal_world["small"]
    project = new_project(portal_world, big, "2")
    assert_kept_is_computed(big, small)
    project = tenancy_services.project_update(project=project, data={"land_ha": Decimal("3.5")}, actor=boss)
    assert_kept_is_computed(big, small)
    project = tenancy_services.project_update(
        project=project, data={"cluster": small, "land_ha": Decimal("1.25")}, actor=boss
    )
    assert ClusterLand.objects.get(cluster=small).occupied_ha == Decimal("1.25")
    assert_kept_is_computed(big, small)
    project = tenancy_services.project_update(
        project=project, data={"lease_end": datetime.date.today() - datetime.timedelta(days=1)}, actor=boss
    )
    assert ClusterLand.objects.get(cluster=small).occupied_ha == Decimal("0")
    assert_kept_is_computed(big, small)
    other = new_project(portal_world, big, "1")
    tenancy_services.project_transition(
        project=other, to_status="left", effective_on=datetime.date.today(), actor=boss, reason="rời đi"
    )
    assert_kept_is_computed(big, small)
    TenantProject.objects.filter(pk=project.pk).first().delete()
    assert_kept_is_computed(big, small)


def test_a_change_of_the_clusters_industrial_land_shows_without_a_refresh(portal_world):
    cluster = portal_world["open"]
    cluster_services.cluster_update(
        cluster=cluster, data={"industrial_land_ha": Decimal("25")}, actor=portal_world["boss"]
    )
    assert card(cluster.code)["land"]["vacant_ha"] == 17.0


def test_a_kept_figure_of_another_day_is_recomputed_and_the_nightly_refresh_renews_it(portal_world):
    cluster = portal_world["open"]
    ClusterLand.objects.filter(cluster=cluster).update(occupied_ha=Decimal("19"), as_of=datetime.date(2020, 1, 1))
    selectors.bump_generation()
    assert card(cluster.code)["land"]["vacant_ha"] == 12.0  # not the stale 1 ha
    services.readiness_refresh()
    assert_kept_is_computed(cluster, portal_world["small"])


def test_a_lease_that_starts_later_counts_from_its_day(portal_world):
    cluster = portal_world["open"]
    start = datetime.date.today() + datetime.timedelta(days=3)
    new_project(portal_world, cluster, "2", lease_start=start, status="registered")
    assert_kept_is_computed(cluster)
    assert ClusterLand.objects.get(cluster=cluster).occupied_ha == Decimal("8")
    services.readiness_refresh(day=start)
    assert_kept_is_computed(cluster, day=start)
    assert ClusterLand.objects.get(cluster=cluster).occupied_ha == Decimal("10")


def test_the_cold_list_reads_the_kept_figure_in_two_queries(portal_world):
    selectors.bump_generation()
    with CaptureQueriesContext(connection) as captured:
        items = selectors.cards()
    assert len(items) == 2
    assert not any("tenancy_tenantproject" in q["sql"] for q in captured.captured_queries)
    assert len(captured) == 2, [q["sql"][:120] for q in captured.captured_queries]
