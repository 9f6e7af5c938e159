import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from icis.geo import loading
from icis.geo.models import Commune, CommuneMerge, LegacyCommune, LegacyDistrict, MergeType, Province
from icis.testing.factories import superuser

pytestmark = pytest.mark.django_db
HANOI = Path(__file__).resolve().parents[2] / "demo" / "data" / "hanoi-communes-2025.json"


def _empty_geo():
    """An empty geography, as before the data migration (raw deletes: nothing refers to the units yet)."""
    for model in (CommuneMerge, Commune, LegacyCommune, LegacyDistrict, Province):
        model.objects.all()._raw_delete(using="default")


def test_set_up_loads_the_whole_country():
    """The data migration: 34 provinces, 3,321 commune-level units, the old units merged into them."""
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Commune.objects.filter(province_id="01").count() == 126
    assert LegacyCommune.objects.count() == 10052
    assert CommuneMerge.objects.count() == 10604
    # Hà Giang no longer exists: its old districts are filed under Tuyên Quang, with their old province
    district = LegacyDistrict.objects.get(code="024")
    assert (district.province_id, district.legacy_province_name) == ("08", "Tỉnh Hà Giang")


def test_it_loads_hanoi_new_and_old_units_with_the_mapping():
    _empty_geo()
    out = StringIO()
    call_command("load_admin_units", str(HANOI), stdout=out)
    assert Commune.objects.filter(province_id="01").count() == 126
    assert LegacyDistrict.objects.count() == 30
    assert LegacyDistrict.objects.get(code="280").name == "Huyện Phú Xuyên"
    assert Commune.objects.get(code="10273").name == "Xã Phú Xuyên"
    assert LegacyCommune.objects.count() == 526
    merge = CommuneMerge.objects.get(commune_id="10273", legacy_commune_id="10282")
    assert merge.merge_type == MergeType.FULL
    assert "126 communes" in out.getvalue()


def test_one_province_of_the_country_file_is_loaded_and_refreshed_idempotently():
    _empty_geo()
    out = StringIO()
    call_command("load_admin_units", "--province", "04", stdout=out)
    assert list(Province.objects.values_list("code", flat=True)) == ["04"]
    assert Commune.objects.count() == 56
    assert "created: 1 provinces" in out.getvalue()
    out = StringIO()
    call_command("load_admin_units", "--province", "04", stdout=out)
    assert "created: 0 provinces, 0 legacy_districts, 0 legacy_communes, 0 communes, 0 merges" in out.getvalue()
    assert "changed: 0 provinces, 0 legacy_districts, 0 legacy_communes, 0 communes, 0 merges" in out.getvalue()


def test_a_renamed_commune_keeps_its_code_links_and_flags_and_the_change_is_in_its_history(tmp_path):
    commune = Commune.objects.get(code="10273")
    commune.mountainous, commune.mountainous_source = False, "QĐ thử"
    commune.save()
    payload = json.loads(loading.COUNTRY_FILE.read_text(encoding="utf-8"))
    hanoi = next(p for p in payload["provinces"] if p["code"] == "01")
    unit = next(u for u in hanoi["units"] if u["code"] == "10273")
    unit["name"] = "Xã Phú Xuyên Mới"
    path = tmp_path / "country.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    call_command("load_admin_units", str(path), "--province", "01", "--actor", superuser().username, stdout=StringIO())
    commune = Commune.objects.get(code="10273")
    assert commune.name == "Xã Phú Xuyên Mới"
    assert commune.mountainous is False
    assert commune.merges.count() == len(unit["merged_from"])
    latest = commune.history.first()
    assert (latest.name, latest.history_user.username, latest.history_channel) == ("Xã Phú Xuyên Mới", "boss", "import")


def test_a_merge_no_longer_listed_is_removed_on_refresh(tmp_path):
    payload = json.loads(HANOI.read_text(encoding="utf-8"))
    unit = next(u for u in payload["units"] if u["code"] == "10273")
    dropped = unit["merged_from"].pop()["code"]
    path = tmp_path / "hanoi.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    call_command("load_admin_units", str(path), stdout=StringIO())
    assert not CommuneMerge.objects.filter(commune_id="10273", legacy_commune_id=dropped).exists()
    assert LegacyCommune.objects.filter(code=dropped).exists()  # the old unit itself stays


def test_dry_run_writes_nothing():
    _empty_geo()
    out = StringIO()
    call_command("load_admin_units", str(HANOI), "--dry-run", stdout=out)
    assert Commune.objects.count() == 0
    assert "would load: 1 provinces, 126 communes" in out.getvalue()


def test_the_country_file_reports_its_flaws_as_warnings():
    err = StringIO()
    call_command("load_admin_units", "--dry-run", stdout=StringIO(), stderr=err)
    assert "district 892 (Huyện Châu Thành) went to provinces 82, 91; it is filed under 91" in err.getvalue()


def test_bad_files_are_refused_with_where_and_what(tmp_path):
    _empty_geo()
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_admin_units", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"province": ', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_admin_units", str(broken))
    partial = tmp_path / "partial.json"
    payload = json.loads(HANOI.read_text(encoding="utf-8"))
    del payload["units"][5]["merged_from"][0]["legacy_district_code"]
    partial.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(CommandError, match=r"units\[5\]\.merged_from\[0\]: missing 'legacy_district_code'"):
        call_command("load_admin_units", str(partial))
    with pytest.raises(CommandError, match="province 99 is not in the file"):
        call_command("load_admin_units", "--province", "99")
    bad_type = tmp_path / "bad-type.json"
    payload = json.loads(HANOI.read_text(encoding="utf-8"))
    payload["units"][2]["merged_from"][1]["type"] = "most"
    bad_type.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(CommandError, match=r"units\[2\]\.merged_from\[1\]: type 'most' is not one of"):
        call_command("load_admin_units", str(bad_type))
    assert Commune.objects.count() == 0


def test_old_names_find_the_commune_without_diacritics(api):
    def codes(query, province="01"):
        response = api.get("/api/communes/", {"province": province, "q": query})
        assert response.status_code == 200
        return {row["code"] for row in response.json()["results"]}

    assert "10273" in codes("phu xuyen")
    assert "10273" in codes("thi tran phu minh")  # an old township merged into Xã Phú Xuyên
    assert codes("tinh ha giang vi xuyen", province="08")  # the old province's communes, now in Tuyên Quang
    assert codes("tinh ha giang") == set()


def test_provinces_and_communes_api(api, client):
    assert client.get("/api/provinces/").status_code == 401
    provinces = api.get("/api/provinces/").json()
    assert len(provinces) == 34
    assert {"code": "01", "name": "Thành phố Hà Nội", "communes": 126} in provinces
    response = api.get("/api/communes/", {"province": "01", "page_size": 500}).json()
    assert response["count"] == 126
    phu_xuyen = next(row for row in response["results"] if row["code"] == "10273")
    assert phu_xuyen["name"] == "Xã Phú Xuyên"
    merged = {row["code"]: row for row in phu_xuyen["merged_from"]}
    assert merged["10282"]["type"] == "full"
    assert merged["10282"]["legacy_district"] == "Huyện Phú Xuyên"
    assert api.get("/api/communes/", {"province": "77"}).status_code == 400  # not a province since 2025
    assert api.get("/api/communes/10273/").json()["province"] == "01"
    schema = api.get("/api/schema/").content.decode()
    assert "/api/provinces/" in schema and "/api/communes/" in schema
