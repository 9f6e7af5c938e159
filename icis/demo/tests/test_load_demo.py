import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from icis.clusters import selectors
from icis.clusters.choices import ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster
from icis.planning.models import DevelopmentPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_demo_holds_the_40_public_clusters_each_with_a_source(demo):
    assert Cluster.objects.count() == 40
    assert not Cluster.objects.filter(sources__isnull=True).exists()
    assert not Cluster.objects.filter(is_synthetic=True).exists()


def test_demo_is_idempotent(demo):
    call_command("load_demo", verbosity=0)
    assert Cluster.objects.count() == 40
    assert get_user_model().objects.filter(username="admin").count() == 1


def sign_in(client, username, password="demo"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize("username", ["admin", "doit", "leader", "inspector", "commune-phu-xuyen", "investor-demo"])
def test_demo_accounts_sign_in_with_demo(demo, client, username):
    response = sign_in(client, username)
    assert response.status_code == 302 and response["Location"] == "/"


def test_blank_status_becomes_planned_and_needs_verification(demo):
    dong_son = Cluster.objects.get(name="Đông Sơn")
    assert dong_son.status == ClusterStatus.PLANNED and dong_son.needs_verification


def test_statuses_keep_their_source_dates(demo):
    dong_phu_yen = Cluster.objects.get(name="Đông Phú Yên")
    assert dong_phu_yen.status == ClusterStatus.UNDER_CONSTRUCTION
    assert dong_phu_yen.status_since == datetime.date(2024, 6, 30)
    lien_hiep = Cluster.objects.get(name="Liên Hiệp")
    assert selectors.status_on(lien_hiep, datetime.date(2018, 1, 1)) == ClusterStatus.ESTABLISHED
    assert lien_hiep.status == ClusterStatus.UNDER_CONSTRUCTION


def test_eight_clusters_proposed_in_2024_as_the_seed_says(demo):
    proposed = Cluster.objects.filter(status=ClusterStatus.PROPOSED)
    assert proposed.count() == 8
    assert {c.legacy_district.name for c in proposed} == {"Huyện Thường Tín", "Huyện Phú Xuyên", "Huyện Gia Lâm"}


def test_communes_stated_by_a_source_are_confirmed_and_name_matches_only_suggested(demo):
    nam_phuc_tho = Cluster.objects.get(name="Nam Phúc Thọ")
    links = {(link.commune.name, link.basis) for link in nam_phuc_tho.commune_links.all()}
    assert links == {("Xã Hát Môn", CommuneBasis.STATED)}
    phu_xuyen = Cluster.objects.get(name="Phú Xuyên")
    assert [(link.commune_id, link.basis) for link in phu_xuyen.commune_links.all()] == [
        ("10273", CommuneBasis.SUGGESTED)
    ]
    assert phu_xuyen.needs_verification and "suggested" in phu_xuyen.verification_note


def test_same_named_clusters_are_kept_apart(demo):
    lien_ha = Cluster.objects.filter(name="Liên Hà")
    assert lien_ha.count() == 2
    assert {c.legacy_district.name for c in lien_ha} == {"Huyện Đông Anh", "Huyện Đan Phượng"}


def test_plan_totals_come_from_the_seeds(demo):
    plan = DevelopmentPlan.objects.get(is_current=True)
    assert (plan.cluster_count, str(plan.area_ha), plan.horizon_year) == (159, "3204.31", 2030)
    assert plan.document.number == "1292/QĐ-UBND"
    assert plan.sources.exists()


def test_demo_dashboard_shows_plan_beside_registry(demo, client):
    sign_in(client, "admin")
    html = client.get("/").content.decode()
    assert 'data-figure="plan-clusters">159<' in html
    assert 'data-figure="total-clusters">40<' in html
