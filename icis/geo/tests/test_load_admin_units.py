import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from icis.geo.models import Commune, CommuneMerge, LegacyCommune, LegacyDistrict, MergeType

pytestmark = pytest.mark.django_db
HANOI = Path(__file__).resolve().parents[2] / "demo" / "data" / "hanoi-communes-2025.json"


def test_it_loads_hanoi_new_and_old_units_with_the_mapping():
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


def test_it_is_idempotent():
    call_command("load_admin_units", str(HANOI), stdout=StringIO())
    call_command("load_admin_units", str(HANOI), stdout=StringIO())
    assert Commune.objects.count() == 126


def test_dry_run_writes_nothing():
    call_command("load_admin_units", str(HANOI), "--dry-run", stdout=StringIO())
    assert Commune.objects.count() == 0


def test_bad_files_are_refused_with_where_and_what(tmp_path):
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
    assert Commune.objects.count() == 0
