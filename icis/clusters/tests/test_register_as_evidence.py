"""A new cluster is registered in the state the evidence shows, dated when that state began (or with
the date unknown), on the page and through the API; afterwards its status changes only by transitions."""

import datetime

import pytest
from django.utils import timezone

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.clusters.selectors import status_on
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db

BASE = {"code": "HN-901", "name": "Cụm theo hồ sơ", "kind": "general", "province": "01", "area_ha": "20"}


def test_api_registers_an_established_cluster_dated_from_its_decision(api, hanoi):
    response = api.post("/api/clusters/", {**BASE, "status": "established", "status_date": "2015-03-01"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "established" and response.json()["status_since"] == "2015-03-01"
    cluster = Cluster.objects.get(code="HN-901")
    change = cluster.status_changes.get()
    assert (change.from_status, change.to_status, change.effective_on, change.interface) == (
        "",
        "established",
        datetime.date(2015, 3, 1),
        "api",
    )
    assert status_on(cluster, datetime.date(2014, 12, 31)) is None
    assert status_on(cluster, datetime.date(2016, 1, 1)) == "established"
    # A later transition may be dated any day after the status began, even years ago.
    moved = api.post(
        f"/api/clusters/{cluster.pk}/transition/",
        {"to": "under_construction", "date": "2016-05-01", "reason": "Works began"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()


def test_api_registers_proposed_with_the_date_unknown_and_refuses_future_or_unknown_states(api, hanoi):
    response = api.post("/api/clusters/", {**BASE, "status": "proposed", "status_date": None}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "proposed" and response.json()["status_since"] is None
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    refused = api.post("/api/clusters/", {**BASE, "code": "HN-902", "status_date": future}, format="json")
    assert refused.status_code == 400 and "future_date" in str(refused.json())
    unknown = api.post("/api/clusters/", {**BASE, "code": "HN-903", "status": "dreamt"}, format="json")
    assert unknown.status_code == 400
    assert not Cluster.objects.filter(code__in=["HN-902", "HN-903"]).exists()


def test_api_default_stays_planned_since_today(api, hanoi):
    response = api.post("/api/clusters/", BASE, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "planned"
    assert response.json()["status_since"] == timezone.localdate().isoformat()


def test_api_patch_may_not_change_the_status(api, hanoi):
    cluster = make_cluster(status=ClusterStatus.PLANNED)
    refused = api.patch(f"/api/clusters/{cluster.pk}/", {"status": "operating"}, format="json")
    assert refused.status_code == 400 and "status" in str(refused.json())
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.PLANNED


def test_page_registers_operating_since_a_date_or_with_the_date_unknown(page, hanoi):
    response = page.post("/clusters/new/", {**BASE, "status": "operating", "status_date": "01/07/2012"})
    assert response.status_code == 302
    cluster = Cluster.objects.get(code="HN-901")
    assert (cluster.status, cluster.status_since) == ("operating", datetime.date(2012, 7, 1))
    response = page.post(
        "/clusters/new/",
        {**BASE, "code": "HN-904", "status": "revoked", "status_date_unknown": "on", "confirm_lookalike": "on"},
    )
    assert response.status_code == 302
    other = Cluster.objects.get(code="HN-904")
    assert (other.status, other.status_since) == ("revoked", None)
    edit = page.get(f"/clusters/{cluster.pk}/edit/").content.decode()
    assert 'name="status"' not in edit and 'name="status_date"' not in edit
