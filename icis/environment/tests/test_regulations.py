"""Regulations as versioned data: the version in force on the sample date, files checked and loaded."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from icis.environment import regulations
from icis.environment.choices import Outcome
from icis.environment.compliance import Catalogue
from icis.environment.models import Limit, Parameter, Regulation, WastewaterPlant

from .factories import FIXTURE_2025, day, load_fixture_2025

pytestmark = pytest.mark.django_db


def plant(commissioned_on=None, receiving_class="A", flow="1000"):
    return WastewaterPlant(
        name="P",
        receiving_class=receiving_class,
        kq=Decimal("0.9"),
        kf=Decimal("1.0"),
        capacity_m3_day=Decimal(flow),
        commissioned_on=day(commissioned_on) if commissioned_on else None,
    )


def cod(p, on):
    catalogue = Catalogue.load()
    judgement = catalogue.judge(
        plant=p, day=day(on), point="outlet", values=[(catalogue.parameter("COD"), Decimal(45), "")]
    )
    return judgement.regulation.code, judgement.verdicts[0]


def test_the_version_in_force_on_the_sample_date_is_used(boss):
    load_fixture_2025()
    new_plant = plant()
    assert cod(new_plant, "2025-08-31")[0] == "QCVN 40:2011/BTNMT"
    code, verdict = cod(new_plant, "2025-09-01")
    assert code == "TEST-FIXTURE 40:2025"
    assert verdict.limit == Decimal("40") and verdict.multiplied is False  # flow band above 500 m³/day
    assert verdict.outcome == Outcome.EXCEEDED


def test_an_existing_plant_keeps_the_previous_version_during_the_transition(boss):
    load_fixture_2025()
    existing = plant(commissioned_on="2019-05-01")
    assert cod(existing, "2026-06-01")[0] == "QCVN 40:2011/BTNMT"
    assert cod(existing, "2030-12-31")[0] == "QCVN 40:2011/BTNMT"
    assert cod(existing, "2031-01-01")[0] == "TEST-FIXTURE 40:2025"


def test_flow_bands_select_the_limit_by_discharge_flow(boss):
    load_fixture_2025()
    _, small = cod(plant(flow="500"), "2026-01-01")
    _, large = cod(plant(flow="501"), "2026-01-01")
    assert (small.limit, large.limit) == (Decimal("50"), Decimal("40"))


def test_column_c_is_judged_when_the_version_has_it(boss):
    load_fixture_2025()
    _, verdict = cod(plant(receiving_class="C"), "2026-01-01")
    assert verdict.limit == Decimal("200") and verdict.compliant is True


def test_loading_the_same_file_again_changes_nothing(boss):
    first = load_fixture_2025()
    assert first["limits"] == 5 and first["regulation_created"]
    second = load_fixture_2025()
    assert not second["regulation_created"] and second["limits_removed"] == 0
    assert Limit.objects.filter(regulation__code="TEST-FIXTURE 40:2025").count() == 5
    assert Parameter.objects.filter(code="AOX").count() == 1


def test_a_limit_dropped_from_the_file_is_removed_and_the_change_is_logged(boss, tmp_path):
    load_fixture_2025()
    payload = json.loads(FIXTURE_2025.read_text(encoding="utf-8"))
    payload["limits"] = [row for row in payload["limits"] if row["parameter"] != "AOX"]
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    out = StringIO()
    call_command("load_qcvn", str(path), "--actor", boss.username, stdout=out)
    assert "(1 removed)" in out.getvalue()
    assert not Limit.objects.filter(regulation__code="TEST-FIXTURE 40:2025", parameter__code="AOX").exists()
    deleted = Limit.history.filter(history_type="-").first()
    assert deleted.history_user == boss


def test_a_dry_run_writes_nothing(boss):
    out = StringIO()
    call_command("load_qcvn", str(FIXTURE_2025), "--dry-run", stdout=out)
    assert out.getvalue().startswith("would load TEST-FIXTURE 40:2025")
    assert not Regulation.objects.filter(code="TEST-FIXTURE 40:2025").exists()


def test_the_shipped_qcvn_40_2011_file_reloads_cleanly(boss):
    out = StringIO()
    call_command("load_qcvn", str(regulations.QCVN_40_2011), stdout=out)
    assert "33 parameters, 59 limits (0 removed), 15 Kq/Kf bands" in out.getvalue()


def test_without_bands_blank_factors_still_cannot_be_judged(boss, tmp_path):
    payload = json.loads(FIXTURE_2025.read_text(encoding="utf-8"))
    payload["regulation"]["code"] = "NO-BANDS"
    for row in payload["limits"]:
        row["multiplied"] = "min" not in row
    path = tmp_path / "no-bands.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    call_command("load_qcvn", str(path), stdout=StringIO())
    blank = plant(flow="100")
    blank.kq = blank.kf = None
    catalogue = Catalogue.load()
    judgement = catalogue.judge(
        plant=blank, day=day("2026-01-01"), point="outlet", values=[(catalogue.parameter("COD"), Decimal(45), "")]
    )
    assert judgement.regulation.code == "NO-BANDS" and judgement.factors_assumed is False
    assert judgement.verdicts[0].outcome == Outcome.INDETERMINATE


def test_a_gap_must_name_a_listed_parameter_and_a_cell_without_a_limit(tmp_path):
    payload = json.loads(regulations.QCVN_40_2011.read_text(encoding="utf-8"))
    payload["gaps"] += [{"parameter": "NOPE", "column": "A"}, {"parameter": "COD", "column": "A"}]
    with pytest.raises(regulations.RegulationFileError) as error:
        regulations.validate(payload)
    assert any("gaps[7]" in problem for problem in error.value.problems)
    assert any("COD column A has a limit" in problem for problem in error.value.problems)


def test_a_wrong_file_is_refused_with_every_problem_named(tmp_path):
    bad = {
        "format": "icis-regulation/1",
        "regulation": {"code": "X", "effective_from": "15/02/2012"},
        "limits": [
            {"parameter": "NOPE", "column": "A", "value": 1},
            {"parameter": "COD", "column": "D", "value": 1},
            {"parameter": "COD", "column": "A", "value": 75, "unit": "ppb"},
            {"parameter": "pH", "column": "A", "min": 6, "max": 9, "multiplied": True},
            {"parameter": "BOD5", "column": "A", "value": "lots"},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_qcvn", str(path))
    text = str(error.value)
    for expected in ("effective_from", "NOPE", "column must be one of", "'ppb'", "never multiplied", "give a number"):
        assert expected in text
    assert not Regulation.objects.filter(code="X").exists()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "limits.csv"
    path.write_bytes(b"\xff\xfeparameter,value")
    with pytest.raises(CommandError, match="not UTF-8 JSON"):
        call_command("load_qcvn", str(path))


def test_the_regulation_page_lists_each_table_from_its_lowest_band_on_every_database(page):
    # a band with no lower bound ("above" blank) comes first; PostgreSQL sorts NULLs last ascending
    regulations = page.get("/environment/regulations/").context["regulations"]
    qcvn = next(r for r in regulations if r.code == "QCVN 40:2011/BTNMT")
    kf = [(band.above, band.up_to) for band in qcvn.factor_bands.all() if band.factor == "kf"]
    assert kf == [(None, 50), (50, 500), (500, 5000), (5000, None)]


def test_a_band_without_a_lower_bound_reads_x_up_to_its_limit(page):
    # the blank lower bound was shown as "—x ≤ 50" (the number filter writes "—" for a blank)
    html = page.get("/environment/regulations/").content.decode()
    assert "<td>x ≤ 50</td>" in html and "—x" not in html
