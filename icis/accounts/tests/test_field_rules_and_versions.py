import pytest

from icis.clusters.models import Cluster
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db


def detail(cluster):
    return f"/api/clusters/{cluster.pk}/"


def test_commune_official_sees_and_edits_own_commune_and_gets_404_elsewhere(world):
    client = api_client_for(world["users"]["commune-official"])
    assert client.patch(detail(world["a"]), {"area_ha": 21}, format="json").status_code == 200
    assert client.get(detail(world["b"])).status_code == 404
    assert client.patch(detail(world["b"]), {"area_ha": 21}, format="json").status_code == 404
    assert Cluster.objects.get(pk=world["b"].pk).area_ha == 20


@pytest.mark.parametrize(
    "payload",
    [
        {"area_ha": 25},
        {"industrial_land_ha": 5},
        {"code": "X-1"},
        {"communes": ["10030"]},
        {"investor": None},
        {"needs_verification": True},
    ],
)
def test_investor_cannot_change_legal_fields(world, payload):
    client = api_client_for(world["users"]["investor"])
    before = client.get(detail(world["a"])).json()
    response = client.patch(detail(world["a"]), payload, format="json")
    assert response.status_code == 403
    assert "legal" in response.json()["detail"] or "pháp lý" in response.json()["detail"]
    assert client.get(detail(world["a"])).json() == before


def test_investor_cannot_change_status_or_decision(world):
    client = api_client_for(world["users"]["investor"])
    decision = world["docs"]["a"]
    assert client.patch(detail(world["a"]), {"establishment_decision": decision.pk}, format="json").status_code == 403
    response = client.post(
        f"{detail(world['a'])}transition/", {"to": "established", "date": "2021-01-01", "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Cluster.objects.get(pk=world["a"].pk).status == "planned"


def test_investor_edits_operational_fields_of_its_own_cluster(world):
    client = api_client_for(world["users"]["investor"])
    response = client.patch(
        detail(world["a"]), {"notes": "Đã hoàn thành san nền", "latitude": 20.7, "longitude": 105.9}, format="json"
    )
    assert response.status_code == 200
    assert Cluster.objects.get(pk=world["a"].pk).notes == "Đã hoàn thành san nền"
    assert client.patch(detail(world["b"]), {"notes": "x"}, format="json").status_code == 404


def test_investor_page_form_shows_legal_fields_disabled_and_keeps_them(world, client):
    client.force_login(world["users"]["investor"])
    url = f"/clusters/{world['a'].pk}/edit/"
    form = client.get(url).context["form"]
    assert form.fields["area_ha"].disabled and not form.fields["notes"].disabled
    response = client.post(url, {"area_ha": "99", "notes": "ghi chú", "version": 1})
    assert response.status_code == 302
    cluster = Cluster.objects.get(pk=world["a"].pk)
    assert cluster.area_ha == 20 and cluster.notes == "ghi chú"


def test_history_shows_the_patch_with_username_and_old_and_new_values(world):
    client = api_client_for(world["users"]["doit-officer"])
    client.patch(detail(world["a"]), {"area_ha": 22.5}, format="json")
    history = client.get(f"{detail(world['a'])}history/").json()
    change = history[0]
    assert change["user"] == "doit-officer" and change["via"] == "api"
    assert {"field": "area_ha", "old": "20.0000", "new": "22.5000"} in change["changes"]


def test_etag_and_if_match_refuse_a_stale_update_with_412(world):
    client = api_client_for(world["users"]["doit-officer"])
    first = client.get(detail(world["a"]))
    etag = first["ETag"]
    ok = client.patch(detail(world["a"]), {"area_ha": 23}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] != etag
    stale = client.patch(detail(world["a"]), {"area_ha": 24}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Cluster.objects.get(pk=world["a"].pk).area_ha == 23
    assert client.patch(detail(world["a"]), {"area_ha": 24}, format="json", HTTP_IF_MATCH=ok["ETag"]).status_code == 200


def test_two_clients_editing_the_same_cluster_one_wins_the_other_is_told_what_changed(world):
    alice = api_client_for(world["users"]["doit-officer"])
    bob = api_client_for(world["users"]["system-admin"])
    etag = alice.get(detail(world["a"]))["ETag"]
    assert bob.get(detail(world["a"]))["ETag"] == etag
    assert alice.patch(detail(world["a"]), {"notes": "Alice"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    lost = bob.patch(detail(world["a"]), {"area_ha": 30}, format="json", HTTP_IF_MATCH=etag)
    assert lost.status_code == 412
    cluster = Cluster.objects.get(pk=world["a"].pk)
    assert (cluster.notes, cluster.area_ha, cluster.version) == ("Alice", 20, 2)


def test_page_edit_with_a_stale_version_shows_what_changed(world, client):
    doit = world["users"]["doit-officer"]
    api_client_for(doit).patch(detail(world["a"]), {"notes": "đổi bởi người khác"}, format="json")
    client.force_login(world["users"]["system-admin"])
    a = world["a"]
    response = client.post(
        f"/clusters/{a.pk}/edit/",
        {"code": a.code, "name": a.name, "kind": "general", "province": "01", "area_ha": "20", "version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="form-errors"' in html
    assert "đổi bởi người khác" in html
    assert Cluster.objects.get(pk=a.pk).notes == "đổi bởi người khác"
