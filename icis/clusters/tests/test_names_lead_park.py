"""Names that deceive: look-alike names warn and ask for confirmation (page and API, naming only the
clusters the user may see); a cluster straddling communes is counted once, in its lead commune, so the
communes' Biểu 03 add up to Biểu 04; a cluster converted into an industrial park keeps its record."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client

from icis.accounts import roles
from icis.clusters import services
from icis.clusters.choices import IN_PLAN_STATES, ClusterStatus
from icis.clusters.models import Cluster, ClusterCommune
from icis.documents.models import Document, DocumentType
from icis.geo.models import Commune
from icis.reporting.selectors import form_03_04
from icis.tenancy import periods
from icis.testing.factories import api_token, make_cluster, person

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = {"code": "HN-950", "kind": "general", "province": "01", "area_ha": "20"}


def test_page_warns_of_a_lookalike_and_registers_once_confirmed(page, hanoi):
    make_cluster(name="Cụm công nghiệp Phú Nghĩa", communes=[Commune.objects.get(code="10273")])
    data = {**BASE, "name": "CCN Phú Nghĩa 2", "communes": ["10273"]}
    refused = page.post("/clusters/new/", data)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Phú Nghĩa" in body and 'name="confirm_lookalike"' in body
    assert not Cluster.objects.filter(code="HN-950").exists()
    confirmed = page.post("/clusters/new/", {**data, "confirm_lookalike": "on"})
    assert confirmed.status_code == 302
    assert Cluster.objects.filter(code="HN-950").exists()
    assert (
        'name="confirm_lookalike"'
        not in page.get(f"/clusters/{Cluster.objects.get(code='HN-950').pk}/edit/").content.decode()
    )


def test_api_answers_409_with_the_lookalikes_until_confirmed(api, hanoi):
    other = make_cluster(name="Cụm công nghiệp Thanh Oai")
    refused = api.post("/api/clusters/", {**BASE, "name": "Thanh Oai 2"}, format="json")
    assert refused.status_code == 409, refused.json()
    body = refused.json()
    assert [item["code"] for item in body["lookalikes"]] == [other.code]
    assert body["others"] == 0 and body["errors"][0]["code"] == "lookalike"
    assert not Cluster.objects.filter(code="HN-950").exists()
    created = api.post("/api/clusters/", {**BASE, "name": "Thanh Oai 2", "confirm_lookalike": True}, format="json")
    assert created.status_code == 201, created.json()
    assert (
        api.post("/api/clusters/", {**BASE, "code": "HN-951", "name": "Cụm Khác Hẳn"}, format="json").status_code == 201
    )


def test_an_industrial_parks_name_is_a_lookalike_too(boss, hanoi):
    park = make_cluster(name="Cụm Bắc Thường Tín")
    Cluster.objects.filter(pk=park.pk).update(industrial_park_name="Khu công nghiệp Sông Hồng")
    cluster = Cluster(name="Cụm Sông Hồng", province_id="01")
    with pytest.raises(services.LookalikeNames) as refused:
        services.check_lookalikes(cluster, [], actor=boss, confirmed=False)
    assert "Bắc Thường Tín" in str(refused.value.messages)


def test_lookalikes_out_of_the_users_scope_are_counted_not_named(hanoi):
    hidden = make_cluster(name="Cụm Vân Từ", communes=[Commune.objects.get(code="10183")])
    user = person("xa-phu-xuyen", roles.COMMUNE_OFFICIAL, communes=["10273"])
    user.user_permissions.add(Permission.objects.get(codename="add_cluster"))
    api = __import__("rest_framework.test", fromlist=["APIClient"]).APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    refused = api.post("/api/clusters/", {**BASE, "name": "Vân Từ 2", "communes": ["10273"]}, format="json")
    if refused.status_code == 403:  # the role may not register clusters: check the service directly
        cluster = Cluster(name="Vân Từ 2", province_id="01")
        with pytest.raises(services.LookalikeNames) as caught:
            services.check_lookalikes(cluster, [], actor=user, confirmed=False)
        assert caught.value.visible == [] and caught.value.hidden == 1
        assert hidden.name not in " ".join(caught.value.messages)
        return
    assert refused.status_code == 409, refused.json()
    body = refused.json()
    assert body["lookalikes"] == [] and body["others"] == 1
    assert hidden.name not in str(body) and hidden.code not in str(body)


def two_communes():
    return [Commune.objects.get(code="10273"), Commune.objects.get(code="10183")]


def test_a_straddling_cluster_counts_once_in_its_lead_commune(boss, hanoi):
    established = {"status": ClusterStatus.ESTABLISHED, "status_date": D(2020, 1, 1)}
    straddling = make_cluster(name="Cụm Hai Xã", area_ha=30, communes=two_communes(), **established)
    make_cluster(name="Cụm Một Xã", area_ha=12, communes=[Commune.objects.get(code="10273")], **established)
    make_cluster(name="Cụm Xã Kia", area_ha=8, communes=[Commune.objects.get(code="10183")], **established)
    assert ClusterCommune.objects.filter(cluster__name="Cụm Một Xã", is_lead=True).count() == 1
    assert not ClusterCommune.objects.filter(cluster=straddling, is_lead=True).exists()
    services.cluster_update(cluster=straddling, data={}, actor=boss, lead_commune=Commune.objects.get(code="10183"))
    assert services.lead_commune(straddling).code == "10183"

    h1 = periods.parse("2026-H1")
    clusters = Cluster.objects.filter(is_synthetic=False)

    def counts(communes):
        rows = {i.number: i.value for i in form_03_04(period=h1, clusters=clusters, communes=communes)}
        return rows["1"], rows["3"], rows["4"]

    whole = {i.number: i.value for i in form_03_04(period=h1, clusters=clusters)}
    phu_xuyen, thuong_tin = counts(["10273"]), counts(["10183"])
    assert phu_xuyen[0] == 1 and thuong_tin[0] == 2
    assert phu_xuyen[0] + thuong_tin[0] == Cluster.objects.filter(status__in=IN_PLAN_STATES).count() == 3
    assert phu_xuyen[1] + thuong_tin[1] == whole["3"] == 3
    assert phu_xuyen[2] + thuong_tin[2] == whole["4"] == Decimal(50)
    with pytest.raises(ValidationError):
        services.cluster_update(
            cluster=straddling, data={}, actor=boss, lead_commune=Commune.objects.get(code="10273").pk + "x"
        )


def test_api_sets_the_lead_commune(api, hanoi):
    cluster = make_cluster(name="Cụm Hai Xã", communes=two_communes())
    response = api.patch(f"/api/clusters/{cluster.pk}/", {"lead_commune": "10273"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["lead_commune"] == "10273"
    refused = api.patch(f"/api/clusters/{cluster.pk}/", {"lead_commune": "10258"}, format="json")
    assert refused.status_code == 400 and "lead_commune" in str(refused.json())


def test_conversion_into_an_industrial_park_keeps_the_record(boss, hanoi, api):
    cluster = make_cluster(name="Cụm Sẽ Thành KCN", status=ClusterStatus.OPERATING, area_ha=50)
    decision = Document.objects.create(doc_type=DocumentType.DECISION, number="99/QĐ-TTg", year=2026)
    url = f"/api/clusters/{cluster.pk}/transition/"
    move = {"to": "converted_to_park", "date": "2026-03-01", "reason": "Chuyển thành KCN"}
    refused = api.post(url, move, format="json")
    assert refused.status_code == 400
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"industrial_park_name", "document"}
    done = api.post(url, {**move, "document": decision.pk, "industrial_park_name": "KCN Phú Xuyên"}, format="json")
    assert done.status_code == 200, done.json()
    cluster.refresh_from_db()
    assert (cluster.status, cluster.industrial_park_name) == (ClusterStatus.CONVERTED_TO_PARK, "KCN Phú Xuyên")
    assert cluster.status_changes.get(to_status=ClusterStatus.CONVERTED_TO_PARK).document == decision
    assert cluster.status not in IN_PLAN_STATES
    rows = {i.number: i.value for i in form_03_04(period=periods.parse("2026-H1"), clusters=Cluster.objects.all())}
    assert rows["3"] == 0
    page = Client()
    page.force_login(boss)
    detail = page.get(f"/clusters/{cluster.pk}/").content.decode()
    assert "KCN Phú Xuyên" in detail and 'id="industrial-park"' in detail
    with pytest.raises(ValidationError):  # the conversion is final
        services.cluster_transition(
            cluster=cluster, to_status=ClusterStatus.OPERATING, effective_on=D(2026, 4, 1), reason="x", actor=boss
        )
    assert Decimal(cluster.area_ha) == Decimal(50)
