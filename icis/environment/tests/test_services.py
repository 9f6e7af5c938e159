import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from icis.core.concurrency import StaleVersion
from icis.environment import services
from icis.environment.choices import (
    ConnectionKind,
    Outcome,
    PlantStatus,
    SampleOrigin,
    ViolationKind,
    ViolationStatus,
)
from icis.environment.compliance import Catalogue
from icis.environment.models import PlantStatusChange, Sample, SampleValue, TenantConnection, Violation
from icis.tenancy import services as tenancy_services
from icis.tenancy.choices import ProjectStatus

from .factories import FIXTURE_2025, day, make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(hanoi, boss):
    return make_plant(operating_cluster(), receiving_class="A", kq="0.9", kf="1.0", since="2024-01-01")


# --- samples and exceedances ---------------------------------------------------------------------------


def test_an_outlet_exceedance_opens_one_violation_with_the_limit_it_broke(plant, boss):
    recorded, judgement, violations = sample(plant, "2026-03-10", {"COD": 80, "pH": 8.5})
    assert judgement.outcome == Outcome.EXCEEDED
    assert len(violations) == 1
    violation = violations[0]
    assert (violation.kind, violation.parameter.code, violation.status) == ("exceedance", "COD", "open")
    assert violation.measured == Decimal("80") and violation.limit == Decimal("67.5")
    assert violation.regulation.code == "QCVN 40:2011/BTNMT"
    assert "67.5" in violation.description
    assert violation.deadline == violation.detected_on + datetime.timedelta(days=30)


@override_settings(ICIS_VIOLATION_DEADLINE_DAYS=10)
def test_the_correction_deadline_is_a_setting(plant):
    _, _, violations = sample(plant, "2026-03-10", {"TSS": 100})
    assert violations[0].deadline - violations[0].detected_on == datetime.timedelta(days=10)


def test_an_inlet_sample_opens_no_violation(plant):
    _, judgement, violations = sample(plant, "2026-03-10", {"COD": 400}, point="inlet")
    assert violations == [] and judgement.outcome == Outcome.NOT_ASSESSED


def test_values_may_carry_units_and_qualifiers(plant):
    recorded, judgement, violations = sample(
        plant,
        "2026-03-10",
        {"Pb": {"value": 20, "unit": "µg/l"}, "Hg": "<0.001", "Cd": {"value": 0.01, "qualifier": "<"}},
    )
    rows = {v.parameter.code: v for v in recorded.values.select_related("parameter")}
    assert (rows["Pb"].value, rows["Pb"].unit) == (Decimal("20"), "µg/l")
    assert (rows["Hg"].qualifier, rows["Hg"].detection_limit, rows["Hg"].value) == ("<", Decimal("0.001"), None)
    assert rows["Cd"].detection_limit == Decimal("0.01")
    assert judgement.outcome == Outcome.COMPLIANT and violations == []


def test_unknown_units_and_non_numbers_are_refused_by_name_and_nothing_is_written(plant):
    with pytest.raises(ValidationError) as error:
        sample(
            plant,
            "2026-03-10",
            {"COD": {"value": 3, "unit": "ppb"}, "Unobtainium": "lots", "pH": "high", "TSS": 20, " ": 1},
        )
    errors = error.value.message_dict
    assert "Unknown unit 'ppb' for COD" in errors["values.COD.unit"][0]
    assert "mg/l" in errors["values.COD.unit"][0]
    assert "values.pH" in errors and "Give a number" in errors["values.Unobtainium"][0]
    assert "printable text" in errors["values. "][0]
    assert not Sample.objects.exists() and not SampleValue.objects.exists()


def test_a_sample_with_an_unknown_parameter_keeps_and_judges_the_rest_and_lists_it(plant):
    recorded, judgement, violations = sample(
        plant, "2026-03-10", {"COD": 80, "Dioxin": {"value": "0.5", "unit": "ng/l"}, "pH": 7, "Benzen": "<0.01"}
    )
    assert recorded.other_values == [
        {"parameter": "Dioxin", "value": "0.5", "qualifier": "", "unit": "ng/l"},
        {"parameter": "Benzen", "value": "0.01", "qualifier": "<", "unit": ""},
    ]
    assert sorted(recorded.values.values_list("parameter__code", flat=True)) == ["COD", "pH"]
    assert {v.parameter: v.outcome for v in judgement.verdicts} == {"COD": "exceeded", "pH": "compliant"}
    assert [item["parameter"] for item in judgement.not_judged] == ["Dioxin", "Benzen"]
    assert judgement.outcome == Outcome.EXCEEDED and [v.parameter.code for v in violations] == ["COD"]
    # Read back, the stored sample is judged the same and still lists them.
    again = Catalogue.load().judge_sample(Sample.objects.get(pk=recorded.pk))
    assert [item["parameter"] for item in again.not_judged] == ["Dioxin", "Benzen"]


def test_more_than_100_unknown_parameters_in_one_sample_are_refused(plant):
    with pytest.raises(ValidationError, match="At most 100 parameters"):
        sample(plant, "2026-03-10", {f"X{n}": 1 for n in range(101)})
    assert not Sample.objects.exists()


def test_a_kept_value_is_judged_once_the_catalogue_lists_its_parameter(plant, boss, tmp_path):
    recorded, _, _ = sample(plant, "2026-03-10", {"COD": 10, "Dioxin": {"value": "0.5", "unit": "ng/l"}})
    payload = json.loads(FIXTURE_2025.read_text(encoding="utf-8"))
    payload["regulation"].update(code="TEST-DIOXIN", effective_from="2030-01-01")
    payload["parameters"] = [{"code": "DIOXIN", "name_vi": "Dioxin", "name_en": "Dioxin", "unit": "ng/l"}]
    payload["limits"] = [{"parameter": "DIOXIN", "column": "A", "value": 0.1, "unit": "ng/l", "multiplied": False}]
    path = tmp_path / "dioxin.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    services.regulation_load(path=path, actor=boss)
    judgement = Catalogue.load().judge_sample(Sample.objects.get(pk=recorded.pk))
    assert judgement.not_judged == []
    # QCVN 40:2011 (in force on the sample date) has no dioxin limit: listed, and now said so.
    assert {v.parameter: v.outcome for v in judgement.verdicts}["DIOXIN"] == Outcome.NOT_REGULATED


def test_an_unknown_parameter_given_twice_is_refused(plant):
    with pytest.raises(ValidationError, match="given twice"):
        sample(plant, "2026-03-10", [{"parameter": "Dioxin", "value": 1}, {"parameter": "dioxin", "value": 2}])


def test_a_sample_with_cyanide_and_phenol_is_judged_on_them(plant):
    _, judgement, violations = sample(plant, "2026-03-10", {"Tổng xianua": "0.05", "PHENOL": "0.2"})
    verdicts = {v.parameter: v for v in judgement.verdicts}
    assert verdicts["CN"].outcome == Outcome.COMPLIANT and verdicts["CN"].limit == Decimal("0.063")
    assert verdicts["PHENOL"].outcome == Outcome.EXCEEDED
    assert [(v.parameter.code, v.limit) for v in violations] == [("PHENOL", Decimal("0.09"))]


def test_cod_320_and_bod5_85_5_at_a_plant_with_blank_factors_are_violations_flagged_factors_not_set(hanoi, boss):
    blank = make_plant(operating_cluster(), receiving_class="B", kq=None, kf=None, since="2024-01-01")
    _, judgement, violations = sample(blank, "2026-03-10", {"COD": 320, "BOD5": "85.5"})
    assert judgement.factors_assumed and judgement.outcome == Outcome.EXCEEDED
    by_code = {v.parameter.code: v for v in violations}
    assert set(by_code) == {"COD", "BOD5"}
    assert (by_code["COD"].measured, by_code["COD"].limit) == (Decimal("320"), Decimal("81"))
    assert (by_code["BOD5"].measured, by_code["BOD5"].limit) == (Decimal("85.5"), Decimal("27"))
    for violation in violations:
        assert violation.factors_assumed is True
        assert "Factors not set" in violation.description and "Kq 0.6, Kf 0.9" in violation.description


def test_a_plant_with_its_factors_opens_violations_not_flagged(plant):
    _, _, violations = sample(plant, "2026-03-10", {"COD": 320})
    assert violations[0].factors_assumed is False and "Factors not set" not in violations[0].description


def test_a_parameter_given_twice_under_two_names_is_refused(plant):
    with pytest.raises(ValidationError, match="given twice"):
        sample(plant, "2026-03-10", {"NH4_N": 1, "NH4+": 2})


def test_a_sample_dated_in_the_future_is_refused(plant):
    with pytest.raises(ValidationError, match="future"):
        sample(plant, datetime.date.today() + datetime.timedelta(days=2), {"COD": 1})


def test_negative_values_are_refused(plant):
    with pytest.raises(ValidationError, match="between 0"):
        sample(plant, "2026-03-10", {"COD": -1})


# --- plant lifecycle -------------------------------------------------------------------------------------


def test_the_status_changes_only_along_the_map_and_is_dated(hanoi, boss):
    plant = make_plant(operating_cluster(), status=PlantStatus.PLANNED, since="2023-01-01")
    with pytest.raises(ValidationError, match=r"allowed: “Under construction” \(under_construction\)"):
        services.plant_transition(
            plant=plant, to_status="operating", effective_on=day("2024-01-01"), reason="x", actor=boss
        )
    services.plant_transition(
        plant=plant, to_status="under_construction", effective_on=day("2024-01-01"), reason="started", actor=boss
    )
    plant = services.plant_transition(
        plant=plant, to_status="operating", effective_on=day("2025-06-01"), reason="commissioned", actor=boss
    )
    assert plant.commissioned_on == day("2025-06-01")
    assert list(PlantStatusChange.objects.filter(plant=plant).values_list("to_status", flat=True)) == [
        "operating",
        "under_construction",
        "planned",
    ]


def test_a_plant_serves_at_least_one_cluster(hanoi, boss):
    with pytest.raises(ValidationError, match="at least one cluster"):
        make_plant()


def test_a_stale_edit_is_refused(plant, boss):
    services.plant_update(plant=plant, data={"technology": "AAO"}, actor=boss, expected_version=1)
    with pytest.raises(StaleVersion):
        services.plant_update(plant=plant, data={"technology": "MBBR"}, actor=boss, expected_version=1)


# --- tenant connections ------------------------------------------------------------------------------------


@pytest.fixture
def project(plant, boss):
    cluster = plant.clusters.get()
    cluster.industrial_land_ha = Decimal("20")
    cluster.area_ha = Decimal("25")
    cluster.save()
    tenant = tenancy_services.tenant_create(data={"name": "Công ty A", "tax_code": "0101234567"}, actor=boss)
    return tenancy_services.project_create(
        data={
            "cluster": cluster,
            "tenant": tenant,
            "land_ha": Decimal("2"),
            "lease_start": day("2024-01-01"),
            "status": ProjectStatus.OPERATING,
        },
        actor=boss,
    )


def test_a_tenant_project_is_connected_to_a_plant_serving_its_cluster(project, plant, boss, hanoi):
    other = make_plant(operating_cluster(name="Cụm khác"), name="Trạm khác")
    data = {"tenant_project": project, "kind": ConnectionKind.CONNECTED, "since": day("2024-02-01")}
    with pytest.raises(ValidationError, match="does not serve"):
        services.connection_create(data={**data, "plant": other}, actor=boss)
    services.connection_create(data={**data, "plant": plant, "volume_m3_day": Decimal("35")}, actor=boss)
    with pytest.raises(ValidationError, match="already has a current arrangement"):
        services.connection_create(data={**data, "kind": ConnectionKind.OWN_TREATMENT}, actor=boss)
    assert TenantConnection.objects.get().plant == plant


# --- missing monitoring reports ----------------------------------------------------------------------------


@pytest.fixture
def quarterly(plant, boss):
    return services.requirement_create(
        data={"plant": plant, "frequency_months": 3, "grace_days": 30, "starts_on": day("2025-01-01")}, actor=boss
    )


def missing(on):
    return services.reports_check(actor=None, today=day(on))


def test_no_report_violation_on_the_deadline_day_one_the_day_after(quarterly):
    # Q1 2025 ends 31/03; with 30 days' grace the report is due by 30/04.
    assert missing("2025-04-30") == []
    found = missing("2025-05-01")
    assert [item["period"] for item in found] == [(day("2025-01-01"), day("2025-03-31"))]
    violation = Violation.objects.get()
    assert (violation.kind, violation.period_start, violation.period_end) == (
        ViolationKind.REPORT_MISSING,
        day("2025-01-01"),
        day("2025-03-31"),
    )
    assert violation.requirement == quarterly


def test_the_check_is_idempotent(quarterly):
    missing("2025-05-01")
    assert missing("2025-05-01") == []
    assert missing("2025-06-15") == []
    assert Violation.objects.count() == 1
    assert len(missing("2025-10-30")) == 1  # Q2 (due 30/07); Q3 is due that very day
    assert len(missing("2025-10-31")) == 1  # Q3
    assert Violation.objects.count() == 3


def test_a_periodic_outlet_sample_in_the_quarter_is_the_report(quarterly, plant):
    sample(plant, "2025-03-31", {"COD": 10})
    assert missing("2025-05-01") == []


def test_inlet_and_continuous_values_are_not_the_report(quarterly, plant, boss):
    sample(plant, "2025-02-10", {"COD": 300}, point="inlet")
    Sample.objects.create(plant=plant, sampled_on=day("2025-02-11"), origin=SampleOrigin.CONTINUOUS)
    assert len(missing("2025-05-01")) == 1


def test_a_late_report_dated_in_the_quarter_prevents_the_violation_if_it_arrives_before_the_check(quarterly, plant):
    sample(plant, "2025-02-10", {"COD": 10})
    assert missing("2025-07-01") == []


def test_no_report_is_owed_while_the_plant_is_not_operating(hanoi, boss):
    plant = make_plant(operating_cluster(), status=PlantStatus.UNDER_CONSTRUCTION, since="2024-01-01")
    services.requirement_create(
        data={"plant": plant, "frequency_months": 3, "grace_days": 30, "starts_on": day("2025-01-01")}, actor=boss
    )
    assert missing("2025-12-31") == []


def test_the_command_opens_and_a_dry_run_only_lists(quarterly):
    out = StringIO()
    call_command("environment_check_reports", "--date", "2025-05-01", "--dry-run", stdout=out)
    assert "would open" in out.getvalue() and not Violation.objects.exists()
    call_command("environment_check_reports", "--date", "2025-05-01", stdout=StringIO())
    assert Violation.objects.filter(kind=ViolationKind.REPORT_MISSING).count() == 1


# --- violations --------------------------------------------------------------------------------------------


def test_a_violation_is_corrected_then_closed_and_a_closed_one_stays_closed(plant, boss):
    _, _, (violation,) = sample(plant, "2026-03-10", {"COD": 80})
    violation = services.violation_transition(violation=violation, to_status="corrected", actor=boss, note="fixed")
    violation = services.violation_transition(violation=violation, to_status="closed", actor=boss)
    assert violation.status == ViolationStatus.CLOSED and violation.closed_on and violation.corrected_on
    assert "fixed" in violation.resolution
    with pytest.raises(ValidationError, match="Cannot go from “Closed” to “Open”; allowed: none"):
        services.violation_transition(violation=violation, to_status="open", actor=boss)
    rows = list(violation.status_changes.order_by("id").values_list("from_status", "to_status", "reason", "actor"))
    assert rows == [
        ("", "open", "", boss.pk),
        ("open", "corrected", "fixed", boss.pk),
        ("corrected", "closed", "", boss.pk),
    ]
    assert violation.status_changes.order_by("id").first().effective_on == violation.detected_on


def test_a_missing_report_opens_with_its_first_row(quarterly):
    call_command("environment_check_reports", "--date", "2025-05-01", stdout=StringIO())
    violation = Violation.objects.get(kind=ViolationKind.REPORT_MISSING)
    (row,) = violation.status_changes.all()
    assert (row.from_status, row.to_status, row.effective_on) == ("", "open", violation.detected_on)


# --- continuous monitoring import ----------------------------------------------------------------------------

GOOD = "date,parameter,value,unit\n2026-03-01,COD,62,mg/l\n2026-03-01,pH,7.4,\n2026-03-02,COD,90,mg/l\n"


def test_daily_values_become_one_outlet_sample_per_day_and_exceedances_open_violations(plant, boss):
    summary = services.continuous_import(plant=plant, content=GOOD.encode(), actor=boss)
    assert summary == {
        "days": 2,
        "values": 3,
        "values_not_judged": 0,
        "samples_created": 2,
        "samples_updated": 0,
        "violations_opened": 1,
    }
    assert Sample.objects.filter(origin=SampleOrigin.CONTINUOUS).count() == 2
    again = services.continuous_import(plant=plant, content=GOOD.encode(), actor=boss)
    assert again["samples_created"] == 0 and again["violations_opened"] == 0
    assert Violation.objects.count() == 1


def test_every_wrong_row_is_reported_and_nothing_is_written(plant, boss):
    content = (
        "date,parameter,value,unit\n"
        "2026-03-01,COD,62,mg/l\n"
        "31/02/2026,COD,1,mg/l\n"
        "2026-03-02,XYZ,abc,mg/l\n"
        "2026-03-02,COD,1,ppb\n"
        "2026-03-03,COD,abc,mg/l\n"
        "2026-03-01,COD,63,mg/l\n"
        "2026-03-03,XYZ,1,mg/l\n"
        "2026-03-03,xyz,2,mg/l\n"
        "2026-03-03,,2,mg/l\n"
        "2026-03-03,Dioxin,2," + "n" * 40 + "\n"
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.continuous_import(plant=plant, content=content.encode(), actor=boss)
    found = {(r["row"], r["field"]) for r in refused.value.rows}
    assert found == {
        (3, "date"),
        (4, "value"),
        (5, "unit"),
        (6, "value"),
        (7, "parameter"),
        (9, "parameter"),
        (10, "parameter"),
        (11, "unit"),
    }
    assert not Sample.objects.exists()


def test_an_imported_unknown_parameter_is_kept_and_listed_and_the_rest_is_judged(plant, boss):
    content = (
        "date,parameter,value,unit\n"
        "2026-03-01,COD,90,mg/l\n2026-03-01,CN,0.05,mg/l\n2026-03-01,Dioxin,0.4,ng/l\n2026-03-02,Dioxin,0.3,ng/l\n"
    )
    summary = services.continuous_import(plant=plant, content=content.encode(), actor=boss)
    assert (summary["days"], summary["values"], summary["values_not_judged"]) == (2, 2, 2)
    assert summary["violations_opened"] == 1
    first = Sample.objects.get(sampled_on=day("2026-03-01"))
    assert first.other_values == [{"parameter": "Dioxin", "value": "0.4", "qualifier": "", "unit": "ng/l"}]
    judgement = Catalogue.load().judge_sample(first)
    assert {v.parameter: v.outcome for v in judgement.verdicts} == {"COD": "exceeded", "CN": "compliant"}
    assert Sample.objects.get(sampled_on=day("2026-03-02")).values.count() == 0
    again = services.continuous_import(plant=plant, content=content.encode(), actor=boss)
    assert again["samples_created"] == 0 and again["violations_opened"] == 0
    first.refresh_from_db()
    assert len(first.other_values) == 1


def test_semicolons_decimal_commas_dd_mm_yyyy_and_a_bom_are_accepted(plant, boss):
    content = "\ufeffdate;parameter;value;unit;qualifier\n01/03/2026;TSS;12,5;mg/l;\n01/03/2026;Hg;0,001;mg/l;<\n"
    summary = services.continuous_import(plant=plant, content=content.encode("utf-8"), actor=boss)
    assert summary["values"] == 2
    hg = SampleValue.objects.get(parameter__code="Hg")
    assert (hg.qualifier, hg.detection_limit) == ("<", Decimal("0.001"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # The import kit's wording (icis/core/imports/): the same for every import.
        ("date,parameter,value,unit\n2026-03-01,COD,1,mg/l\n".encode("utf-16"), "UTF-16"),
        (b"date,parameter,value\n2026-03-01,COD,1\n", "lacks the required column(s) “Đơn vị” (unit)"),
        (b"date,parameter,value,unit\n", "no data rows"),
        (b"", "empty"),
        (b"date,parameter,value,unit\n2026-03-01,COD,1,mg/l\x00\n", "not a text (CSV) file"),
    ],
)
def test_hostile_or_broken_files_are_refused(plant, boss, content, message):
    with pytest.raises(services.ImportRefused) as refused:
        services.continuous_import(plant=plant, content=content, actor=boss)
    assert message in refused.value.rows[0]["message"]


@override_settings(ICIS_IMPORT_MAX_BYTES=100, ICIS_IMPORT_MAX_ROWS=2)
def test_size_and_row_limits(plant, boss):
    with pytest.raises(services.ImportRefused, match="largest file accepted"):
        services.continuous_import(plant=plant, content=b"x" * 101, actor=boss)
    rows = "date,parameter,value,unit\n" + "2026-03-01,COD,1,mg/l\n" * 3
    with pytest.raises(services.ImportRefused, match="more than 2 rows"):
        services.continuous_import(plant=plant, content=rows.encode(), actor=boss)


def test_the_migration_gives_existing_violations_the_rows_their_dates_prove(plant, boss):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("icis.environment.migrations.0006_violation_status_history")
    _, _, (violation,) = sample(plant, "2026-03-10", {"COD": 80})
    violation = services.violation_transition(violation=violation, to_status="closed", actor=boss)
    violation.status_changes.all().delete()
    migration.record_violation_statuses(apps, None)
    rows = list(violation.status_changes.order_by("id").values_list("from_status", "to_status", "effective_on"))
    assert rows == [("", "open", violation.detected_on), ("open", "closed", violation.closed_on)]
