"""Province settings as data (docs/provinces.md): edited on a page by the province's administrator, used
by the briefing, Forms 03/04, the establishment gate, the 5 ha floor and the wastewater rule; no Hanoi
constant left in code."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client

from icis.accounts import roles
from icis.accounts.models import Scope
from icis.geo.models import AreaUnit, Commune, Province, ProvinceSettings, province_settings
from icis.geo.services import admin_units_load
from icis.geo.tests.test_provinces import TEST_PROVINCE
from icis.legal.selectors import eligibility  # noqa: F401  (imported: the gate reads the settings)
from icis.reporting.selectors import parties
from icis.testing.factories import person

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_defaults_come_from_the_provinces_name():
    settings = province_settings("04")
    assert settings.pk is None or settings._state.adding
    assert (settings.parent, settings.issuer, settings.place) == ("UBND TỈNH CAO BẰNG", "SỞ CÔNG THƯƠNG", "Cao Bằng")
    sender, recipients = parties("04", Province.objects.get(code="04"))
    assert sender == "Sở Công Thương tỉnh Cao Bằng"
    assert recipients == "Ủy ban nhân dân tỉnh Cao Bằng, Bộ Công Thương (Cục Công Thương địa phương)"


def test_the_settings_override_the_report_senders():
    ProvinceSettings.objects.create(province_id="04", form04_sender="Sở Công Thương Cao Bằng (thử)")
    assert parties("04", Province.objects.get(code="04"))[0] == "Sở Công Thương Cao Bằng (thử)"


def _admin(province_code=None):
    user = person(f"admin-{province_code or 'home'}", roles.ADMIN)
    if province_code:
        Scope.objects.create(user=user, province_id=province_code)
    client = Client()
    client.force_login(user)
    return client


def test_the_provincial_administrator_edits_the_settings_and_the_mountainous_communes(hanoi):
    admin_units_load(payload=TEST_PROVINCE)
    page = _admin("T9")
    response = page.get("/provinces/settings/")
    assert response.status_code == 200 and "Tỉnh Thử Nghiệm" in response.content.decode()
    response = page.post(
        "/provinces/settings/",
        {
            "briefing_place": "Núi Thử",
            "establishment_area_unit": AreaUnit.COMMUNE,
            "new_clusters_since": "01/03/2026",
            "new_clusters_source": "KH 1/KH-UBND ngày 01/03/2026",
            "mountainous": ["T9001"],
            "mountainous_source": "QĐ 9/QĐ-UBDT",
        },
    )
    assert response.status_code == 302
    saved = ProvinceSettings.objects.get(province_id="T9")
    assert (saved.place, saved.establishment_area_unit, saved.new_clusters_since) == (
        "Núi Thử",
        "commune",
        datetime.date(2026, 3, 1),
    )
    commune = Commune.objects.get(code="T9001")
    assert (commune.mountainous, commune.mountainous_source) == (True, "QĐ 9/QĐ-UBDT")
    assert saved.history.first().history_user.username == "admin-T9"
    # Hanoi's settings did not move
    assert ProvinceSettings.objects.get(province_id="01").briefing_place == ""


def test_bad_settings_are_refused_naming_the_field_and_write_nothing(hanoi):
    admin_units_load(payload=TEST_PROVINCE)
    page = _admin("T9")
    response = page.post("/provinces/settings/", {"new_clusters_since": "31/02/2026"})
    assert response.status_code == 400
    response = page.post("/provinces/settings/", {"new_clusters_since": "01/03/2026"})  # no source
    assert response.status_code == 400 and "new_clusters_source" in response.content.decode()
    response = page.post("/provinces/settings/", {"mountainous": ["T9001"]})  # no source
    assert response.status_code == 400
    response = page.post("/provinces/settings/", {"mountainous": ["10273"], "mountainous_source": "x"})
    assert response.status_code == 400  # another province's commune is not a choice
    assert not ProvinceSettings.objects.filter(province_id="T9").exists()
    assert Commune.objects.get(code="T9001").mountainous is None


def test_only_the_administrator_of_the_province_reaches_its_settings(hanoi):
    admin_units_load(payload=TEST_PROVINCE)
    officer = Client()
    officer.force_login(person("officer", roles.DOIT_OFFICER))
    assert officer.get("/provinces/settings/").status_code == 403
    assert _admin().get("/provinces/settings/", {"province": "T9"}).status_code == 404


# Strings that tie the code to Hanoi; they may appear only in the Hanoi demo, tests, migrations, data
# files and in quotations of Hanoi's own documents marked as such.
HANOI_CONSTANTS = re.compile(
    r"HÀ NỘI|Hà Nội|Ha Noi|2025-11-12|2025, 11, 12|305/KH-UBND|ICIS_BRIEFING|NEW_CLUSTER_SINCE"
)
ALLOWED = ("icis/demo/", "/tests/", "/migrations/", "icis/testing/", "icis/synthetic/", "/data/")


def test_no_hanoi_constant_is_left_in_code():
    found = []
    for path in sorted((ROOT / "icis").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if any(part in f"/{name}" for part in ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HANOI_CONSTANTS.search(line) and "e.g." not in line:  # an example is not a constant
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []
