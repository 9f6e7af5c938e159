"""The cluster API's list and detail read each cluster without DRF's generic per-row walk (issue 16):
the answer must be exactly the generic one, for every kind of cluster, and its queries constant."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters import selectors
from icis.clusters.api.serializers import ClusterSerializer, api_clusters
from icis.clusters.choices import ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, Sector
from icis.documents.models import Document, Source
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db
LIST = "/api/clusters/"


def _varied():
    """Clusters with and without each thing the serializer shows: communes stated, suggested and lead,
    a mountainous commune, legacy communes, sectors, sources with and without a document, an investor,
    blank and implausible figures, a boundary."""
    communes = list(Commune.objects.order_by("code")[:3])
    communes[1].mountainous = True
    communes[1].mountainous_source = "QĐ 1/2024"
    communes[1].save()
    metal = Sector.objects.create(code="c25", name_vi="Kim loại", name_en="Metal")
    food = Sector.objects.create(code="c10", name_vi="Chế biến thực phẩm", name_en="Food")
    investor = Organisation.objects.create(name="Công ty Hạ tầng", kind=OrganisationKind.INVESTOR)
    decision = Document.objects.create(
        doc_type="decision", number="12/QĐ-UBND", year=2012, issuer="UBND", issued_on=datetime.date(2012, 3, 4)
    )
    plain = make_cluster(name="Cụm trống")
    full = make_cluster(name="Cụm đầy đủ", communes=communes[:2])
    # figures a form would warn about, stored as an import might have left them
    Cluster.objects.filter(pk=full.pk).update(
        area_ha=Decimal("8.5"),
        industrial_land_ha=Decimal("9.25"),
        planned_area_ha=Decimal("12.3456"),
        latitude=Decimal("21.0285"),
        longitude=Decimal("105.8542"),
        boundary={
            "type": "Polygon",
            "coordinates": [[[105.85, 21.02], [105.86, 21.02], [105.86, 21.03], [105.85, 21.02]]],
        },
        investor=investor,
        establishment_decision=decision,
        kind=ClusterKind.CRAFT_VILLAGE,
        status=ClusterStatus.ESTABLISHED,
        needs_verification=True,
        verification_note="Kiểm tra lại",
        notes="Ghi chú",
        legacy_district=LegacyDistrict.objects.order_by("code").first(),
    )
    ClusterCommune.objects.create(cluster=full, commune=communes[2], basis=CommuneBasis.SUGGESTED)
    ClusterCommune.objects.filter(cluster=full, commune=communes[0]).update(is_lead=True)
    full.legacy_communes.set(LegacyCommune.objects.order_by("code")[:2])
    full.sectors.set([metal, food])
    kind = ContentType.objects.get_for_model(Cluster)
    Source.objects.create(
        content_type=kind, object_id=full.pk, document=decision, published_on=datetime.date(2012, 3, 5)
    )
    Source.objects.create(content_type=kind, object_id=full.pk, title="Báo Hà Nội", url="https://example.vn/a")
    big = make_cluster(name="Cụm lớn", communes=communes[1:2])
    Cluster.objects.filter(pk=big.pk).update(area_ha=Decimal("90"), industrial_land_ha=None)
    return [plain, full, big]


def _generic(instance, request):
    """What DRF's own ModelSerializer.to_representation gives for the cluster as the old list read it."""
    serializer = ClusterSerializer(context={"request": request})
    return serializers.ModelSerializer.to_representation(serializer, instance)


def test_the_quick_read_equals_drf_generic_one_for_every_kind_of_cluster(hanoi, boss):
    clusters = _varied()
    request = APIRequestFactory().get(LIST)
    request.user = boss
    ids = [c.pk for c in clusters]
    generic = [
        _generic(c, request)
        for c in selectors.cluster_list().prefetch_related("sources__document").filter(pk__in=ids).order_by("pk")
    ]
    quick = ClusterSerializer(
        api_clusters().filter(pk__in=ids).order_by("pk"), many=True, context={"request": request}
    ).data
    assert [dict(row) for row in quick] == generic
    full = generic[1]
    assert full["warnings"] and full["lead_commune"] and full["suggested_communes"] and len(full["sources"]) == 2
    # without the prefetched lists (a create's or a transition's answer) it reads the managers, same result
    loose = ClusterSerializer(Cluster.objects.get(pk=clusters[1].pk), context={"request": request}).data
    assert dict(loose) == full


def test_list_and_detail_answer_what_the_generic_serializer_gives(api, hanoi, boss):
    clusters = _varied()
    request = APIRequestFactory().get(LIST)
    request.user = boss
    body = api.get(LIST, {"page_size": 10}).json()
    expected = {c.pk: _generic(c, request) for c in selectors.cluster_list().prefetch_related("sources__document")}
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == list(Cluster.objects.values_list("pk", flat=True))
    for row in body["results"]:
        assert row == api.get(f"{LIST}{row['id']}/").json()
        assert row["id"] in expected
    one = api.get(f"{LIST}{clusters[1].pk}/")
    assert one["ETag"] == f'"{clusters[1].pk}-{clusters[1].version}"'
    assert one.json()["communes"] == expected[clusters[1].pk]["communes"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_detail_takes_the_same_queries_whatever_the_cluster_links(api, hanoi):
    bare = make_cluster()
    rich = _varied()[1]
    bare_queries = _queries(api, f"{LIST}{bare.pk}/")
    assert _queries(api, f"{LIST}{rich.pk}/") == bare_queries + 1  # its sources: read only when there are any
    Source.objects.filter(object_id=rich.pk).delete()
    assert _queries(api, f"{LIST}{rich.pk}/") == bare_queries


def test_list_takes_the_same_queries_for_few_and_many_varied_clusters(api, hanoi):
    _varied()
    few = _queries(api, LIST)
    communes = list(Commune.objects.order_by("code")[:2])
    for _ in range(12):
        cluster = make_cluster(communes=communes, area_ha=Decimal("3"))
        cluster.sectors.set(Sector.objects.all())
        cluster.legacy_communes.set(LegacyCommune.objects.order_by("code")[:1])
    assert _queries(api, LIST) == few
