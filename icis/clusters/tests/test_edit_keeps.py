"""A save changes only what the user changed: links, suggestions and hidden values survive an edit."""

import datetime

import pytest
from django.urls import reverse

from icis.accounts import roles
from icis.clusters import selectors
from icis.clusters.choices import CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, Sector
from icis.geo.models import LegacyCommune
from icis.testing.factories import make_cluster, person
from icis.testing.forms import browser_post

pytestmark = pytest.mark.django_db


def snapshot(cluster: Cluster) -> dict:
    cluster = Cluster.objects.get(pk=cluster.pk)
    fields = {f.attname: getattr(cluster, f.attname) for f in Cluster._meta.concrete_fields if f.name != "updated_at"}
    return {
        **fields,
        "communes": sorted(ClusterCommune.objects.filter(cluster=cluster).values_list("commune_id", "basis")),
        "legacy_communes": sorted(cluster.legacy_communes.values_list("pk", flat=True)),
        "sectors": sorted(cluster.sectors.values_list("pk", flat=True)),
        "documents": sorted(cluster.documents.values_list("pk", flat=True)),
        "history": cluster.history.count(),
    }


@pytest.fixture
def suggested_cluster(hanoi):
    cluster = make_cluster(
        name="Phú Xuyên mở rộng", area_ha=20, industrial_land_ha=14, notes="cũ", latitude="20.7", longitude="105.9"
    )
    ClusterCommune.objects.create(cluster=cluster, commune_id="10273", basis=CommuneBasis.SUGGESTED)
    ClusterCommune.objects.create(cluster=cluster, commune_id="10183", basis=CommuneBasis.STATED)
    cluster.legacy_communes.set(LegacyCommune.objects.all()[:1])
    metal = Sector.objects.create(code="c25", name_vi="Sản xuất sản phẩm từ kim loại", name_en="Metal products")
    cluster.sectors.set([metal])
    return cluster


def test_commune_official_edits_notes_and_keeps_the_suggested_commune_and_access(client, suggested_cluster):
    official = person("px", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    url = reverse("clusters:cluster_edit", args=[suggested_cluster.pk])
    before = snapshot(suggested_cluster)
    entries_before = len(selectors.cluster_history(suggested_cluster))
    data = browser_post(client.get(url).context["form"])
    data["notes"] = "mới"
    assert client.post(url, data).status_code == 302

    after = snapshot(suggested_cluster)
    assert after["communes"] == before["communes"]
    assert ("10273", CommuneBasis.SUGGESTED) in after["communes"]
    assert client.get(reverse("clusters:cluster_detail", args=[suggested_cluster.pk])).status_code == 200
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"notes", "version", "history"}
    entries = selectors.cluster_history(Cluster.objects.get(pk=suggested_cluster.pk))
    assert len(entries) == entries_before + 1
    assert [c["field"] for c in entries[0]["changes"]] == ["notes"]
    assert entries[0]["user"] == "px"


def test_saving_an_untouched_form_changes_nothing(page, suggested_cluster):
    url = reverse("clusters:cluster_edit", args=[suggested_cluster.pk])
    before = snapshot(suggested_cluster)
    assert page.post(url, browser_post(page.get(url).context["form"])).status_code == 302
    assert snapshot(suggested_cluster) == before


def test_patch_without_changes_changes_nothing(api, suggested_cluster):
    before = snapshot(suggested_cluster)
    url = f"/api/clusters/{suggested_cluster.pk}/"
    assert api.patch(url, {}, format="json").status_code == 200
    body = api.get(url).json()
    writable = {k: body[k] for k in ("name", "notes", "area_ha", "industrial_land_ha", "legacy_communes", "communes")}
    assert api.patch(url, writable, format="json").status_code == 200
    assert snapshot(suggested_cluster) == before


def test_a_link_change_is_in_the_history_with_who_and_when(page, boss, suggested_cluster):
    url = reverse("clusters:cluster_edit", args=[suggested_cluster.pk])
    data = browser_post(page.get(url).context["form"])
    data["sectors"] = []
    assert page.post(url, data).status_code == 302
    cluster = Cluster.objects.get(pk=suggested_cluster.pk)
    assert cluster.sectors.count() == 0 and cluster.version == suggested_cluster.version + 1
    latest = [e for e in selectors.cluster_history(cluster) if e["type"] == "change"][0]
    assert latest["user"] == boss.username
    assert [c["field"] for c in latest["changes"]] == ["sectors"]
    assert latest["at"].date() == datetime.date.today() or latest["at"]


def test_stating_a_suggested_commune_promotes_it_without_duplicating(page, suggested_cluster):
    url = reverse("clusters:cluster_edit", args=[suggested_cluster.pk])
    data = browser_post(page.get(url).context["form"])
    data["communes"] = ["10183", "10273"]
    assert page.post(url, data).status_code == 302
    links = sorted(ClusterCommune.objects.filter(cluster=suggested_cluster).values_list("commune_id", "basis"))
    assert links == [("10183", CommuneBasis.STATED), ("10273", CommuneBasis.STATED)]


def test_a_commune_link_change_is_in_the_history(page, boss, suggested_cluster):
    url = reverse("clusters:cluster_edit", args=[suggested_cluster.pk])
    data = browser_post(page.get(url).context["form"])
    data["communes"] = []
    assert page.post(url, data).status_code == 302
    latest = selectors.cluster_history(Cluster.objects.get(pk=suggested_cluster.pk))[0]
    assert latest["user"] == boss.username
    assert latest["changes"] == [{"field": "communes", "old": "10183 (stated)", "new": None}]
    assert ClusterCommune.objects.filter(cluster=suggested_cluster, commune_id="10273").exists()
