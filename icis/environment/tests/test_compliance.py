"""Cmax arithmetic for every class of parameter, qualifiers and units, against the QCVN 40:2011 rows
the data migration loads (no limit is written in these tests or in the code under test)."""

from decimal import Decimal

import pytest

from icis.environment.choices import Outcome
from icis.environment.compliance import Catalogue, propose_factors
from icis.environment.models import FactorBand, Limit, Regulation, WastewaterPlant

from .factories import day

pytestmark = pytest.mark.django_db


def plant(receiving_class="A", kq="0.9", kf="1.0", **fields):
    """An unsaved plant: the judging is pure arithmetic over the plant's column and factors."""
    return WastewaterPlant(
        name="P",
        receiving_class=receiving_class,
        kq=None if kq is None else Decimal(kq),
        kf=None if kf is None else Decimal(kf),
        capacity_m3_day=Decimal("1000"),
        **fields,
    )


def judge(p, values, *, on="2026-03-01", point="outlet"):
    catalogue = Catalogue.load()
    rows = []
    for code, value, *rest in values:
        parameter = catalogue.parameter(code)
        unit = rest[0] if rest else ""
        qualifier = rest[1] if len(rest) > 1 else ""
        rows.append((parameter, catalogue.to_canonical(parameter, Decimal(str(value)), unit), qualifier))
    judgement = catalogue.judge(plant=p, day=day(on), point=point, values=rows)
    return {v.parameter: v for v in judgement.verdicts}, judgement


def test_the_data_migration_loaded_qcvn_40_2011_columns_a_and_b():
    cod = Limit.objects.get(regulation__code="QCVN 40:2011/BTNMT", parameter__code="COD", column="A")
    assert (cod.value, cod.unit, cod.multiplied) == (Decimal("75"), "mg/l", True)
    coliform = Limit.objects.get(parameter__code="COLIFORM", column="B")
    assert coliform.multiplied is False and "⚠" in coliform.notes


def test_all_33_rows_of_table_1_are_loaded_and_the_unsourced_cells_are_named_gaps():
    regulation = Regulation.objects.get(code="QCVN 40:2011/BTNMT")
    limits = Limit.objects.filter(regulation=regulation)
    assert limits.values("parameter").distinct().count() == 33
    assert limits.count() == 59  # 33 rows × 2 columns, less 7 column-A cells not sourced
    gaps = {(gap["parameter"], gap["column"]) for gap in regulation.gaps}
    assert gaps == {(code, "A") for code in ("CL", "CL_RES", "OCP", "OPP", "PCB", "GROSS_ALPHA", "GROSS_BETA")}
    rows = {(row.parameter.code, row.column): row for row in limits.select_related("parameter")}
    assert (rows["CN", "A"].value, rows["CN", "B"].value) == (Decimal("0.07"), Decimal("0.1"))
    assert (rows["PHENOL", "A"].value, rows["PHENOL", "B"].value) == (Decimal("0.1"), Decimal("0.5"))
    assert rows["CR3", "B"].value == Decimal("1") and rows["Mn", "A"].value == Decimal("0.5")
    assert rows["GROSS_ALPHA", "B"].multiplied is False and rows["CN", "A"].multiplied is True


def test_cyanide_and_phenol_are_judged():
    verdicts, judgement = judge(plant("A", "0.9", "1.0"), [("CN", "0.05"), ("Phenol", "0.2")])
    assert verdicts["CN"].limit == Decimal("0.063") and verdicts["CN"].outcome == Outcome.COMPLIANT
    assert verdicts["PHENOL"].limit == Decimal("0.09") and verdicts["PHENOL"].outcome == Outcome.EXCEEDED
    assert judgement.outcome == Outcome.EXCEEDED


def test_a_cell_that_could_not_be_sourced_cannot_be_judged_rather_than_having_no_limit():
    verdicts, _ = judge(plant("A"), [("CL_RES", 1)])
    assert verdicts["CL_RES"].outcome == Outcome.INDETERMINATE
    assert "could not be sourced" in verdicts["CL_RES"].reason
    verdicts, _ = judge(plant("B"), [("CL_RES", 1)])
    assert verdicts["CL_RES"].outcome == Outcome.COMPLIANT


def test_cod_80_is_non_compliant_against_67_5_for_column_a_kq_0_9_kf_1_0():
    verdicts, judgement = judge(plant("A", "0.9", "1.0"), [("COD", 80)])
    cod = verdicts["COD"]
    assert cod.limit == Decimal("67.5")
    assert cod.c == Decimal("75") and cod.multiplied
    assert cod.compliant is False and cod.outcome == Outcome.EXCEEDED
    assert judgement.regulation.code == "QCVN 40:2011/BTNMT"


def test_multiplied_limits_use_both_factors_and_the_column():
    verdicts, _ = judge(plant("B", "1.1", "1.2"), [("COD", 198), ("BOD5", 66.1)])
    assert verdicts["COD"].limit == Decimal("198")  # 150 × 1.1 × 1.2, at the limit is compliant
    assert verdicts["COD"].compliant is True
    assert verdicts["BOD5"].limit == Decimal("66")  # 50 × 1.1 × 1.2
    assert verdicts["BOD5"].compliant is False


@pytest.mark.parametrize(
    ("code", "value", "limit", "compliant"),
    [
        ("COLOUR", 60, Decimal("50"), False),
        ("COLIFORM", 3000, Decimal("3000"), True),
        ("TEMP", 39, Decimal("40"), True),
    ],
)
def test_colour_coliform_and_temperature_are_not_multiplied(code, value, limit, compliant):
    verdicts, _ = judge(plant("A", "0.6", "0.9"), [(code, value)])
    assert verdicts[code].limit == limit
    assert verdicts[code].multiplied is False
    assert verdicts[code].compliant is compliant


@pytest.mark.parametrize(
    ("column", "ph", "compliant"),
    [("A", 8.5, True), ("A", 9.2, False), ("A", 5.8, False), ("B", 5.8, True), ("B", 5.4, False), ("A", 6, True)],
)
def test_ph_is_a_range_that_is_never_multiplied(column, ph, compliant):
    verdicts, _ = judge(plant(column, "0.6", "0.9"), [("pH", ph)])
    assert verdicts["pH"].compliant is compliant
    assert verdicts["pH"].limit == Decimal("9")
    assert verdicts["pH"].limit_min == (Decimal("6") if column == "A" else Decimal("5.5"))


def test_units_are_converted_to_the_canonical_unit():
    verdicts, _ = judge(plant(), [("Pb", 80, "µg/l"), ("Hg", 5, "μg/L")])  # micro sign and Greek mu alike
    assert verdicts["Pb"].value == Decimal("0.080") and verdicts["Pb"].limit == Decimal("0.09")
    assert verdicts["Pb"].compliant is True
    assert verdicts["Hg"].value == Decimal("0.005") and verdicts["Hg"].compliant is False  # 0.005 × 0.9


def test_below_the_detection_limit_is_compliant_when_the_detection_limit_is_within_cmax():
    verdicts, _ = judge(plant(), [("Hg", "0.001", "", "<"), ("Cd", "0.05", "", "<")])
    assert verdicts["Hg"].outcome == Outcome.COMPLIANT
    # Cmax for Cd in column A is 0.05 × 0.9 = 0.045: "< 0.05" cannot show compliance.
    assert verdicts["Cd"].outcome == Outcome.INDETERMINATE
    assert verdicts["Cd"].compliant is None


def test_below_the_detection_limit_against_a_range():
    verdicts, _ = judge(plant(), [("pH", "5", "", "<")])
    assert verdicts["pH"].outcome == Outcome.EXCEEDED  # < 5 is below the minimum 6
    verdicts, _ = judge(plant(), [("pH", "7", "", "<")])
    assert verdicts["pH"].outcome == Outcome.INDETERMINATE  # could be 6.5 or 4


def test_blank_factors_are_replaced_by_the_strictest_of_the_regulation_and_flagged():
    verdicts, judgement = judge(plant("B", kq=None, kf=None), [("COD", 320), ("BOD5", "85.5"), ("pH", 7)])
    assert (judgement.kq, judgement.kf, judgement.factors_assumed) == (Decimal("0.6"), Decimal("0.9"), True)
    assert verdicts["COD"].limit == Decimal("81")  # 150 × 0.6 × 0.9: the smallest Kq and Kf of the bands
    assert verdicts["COD"].outcome == Outcome.EXCEEDED and verdicts["COD"].factors_assumed
    assert verdicts["BOD5"].limit == Decimal("27") and verdicts["BOD5"].outcome == Outcome.EXCEEDED
    assert "Factors not set" in verdicts["COD"].reason
    assert verdicts["pH"].factors_assumed is False and verdicts["pH"].outcome == Outcome.COMPLIANT
    assert judgement.outcome == Outcome.EXCEEDED


def test_one_blank_factor_keeps_the_recorded_one():
    verdicts, judgement = judge(plant("B", kq="1.1", kf=None), [("COD", 100)])
    assert (judgement.kq, judgement.kf, judgement.factors_assumed) == (Decimal("1.1"), Decimal("0.9"), True)
    assert verdicts["COD"].limit == Decimal("148.5") and verdicts["COD"].outcome == Outcome.COMPLIANT


def test_recorded_factors_are_not_flagged():
    verdicts, judgement = judge(plant("B", "1.0", "1.0"), [("COD", 100)])
    assert judgement.factors_assumed is False and verdicts["COD"].factors_assumed is False
    assert verdicts["COD"].reason == ""


def test_the_worst_verdict_is_the_sample_verdict():
    _, judgement = judge(plant(), [("COD", 10), ("pH", 7), ("TSS", 200)])
    assert judgement.outcome == Outcome.EXCEEDED
    _, judgement = judge(plant(), [("COD", 10), ("pH", 7)])
    assert judgement.outcome == Outcome.COMPLIANT


def test_inlet_samples_are_shown_against_the_limit_but_not_judged():
    verdicts, judgement = judge(plant(), [("COD", 400)], point="inlet")
    assert verdicts["COD"].limit == Decimal("67.5")
    assert verdicts["COD"].outcome == Outcome.NOT_ASSESSED and verdicts["COD"].compliant is None
    assert judgement.outcome == Outcome.NOT_ASSESSED


def test_column_c_has_no_limit_in_qcvn_40_2011():
    verdicts, _ = judge(plant("C"), [("COD", 10)])
    assert verdicts["COD"].outcome == Outcome.NOT_REGULATED
    assert "column C" in verdicts["COD"].reason


def test_before_any_regulation_nothing_can_be_judged():
    verdicts, judgement = judge(plant(), [("COD", 10)], on="2010-01-01")
    assert judgement.regulation is None
    assert verdicts["COD"].outcome == Outcome.INDETERMINATE


def test_parameter_codes_and_aliases_are_found_in_any_case():
    catalogue = Catalogue.load()
    assert catalogue.parameter("cod").code == "COD"
    assert catalogue.parameter("NH4+").code == "NH4_N"
    assert catalogue.parameter("Cr(VI)").code == "Cr6"
    assert catalogue.parameter("PH").code == "pH"
    assert catalogue.parameter("unobtainium") is None


def test_kq_and_kf_are_proposed_from_the_bands_stored_as_data():
    bands = list(FactorBand.objects.filter(regulation__code="QCVN 40:2011/BTNMT"))
    river = plant(receiving_body_kind="river", receiving_flow_m3_s=Decimal("120"), discharge_flow_m3_day=Decimal("40"))
    proposal = propose_factors(river, bands)
    assert (proposal["kq"], proposal["kf"]) == (Decimal("1.0"), Decimal("1.2"))
    lake = plant(receiving_body_kind="lake", discharge_flow_m3_day=Decimal("6000"))
    proposal = propose_factors(lake, bands)
    assert (proposal["kq"], proposal["kf"]) == (Decimal("0.6"), Decimal("0.9"))  # no volume: the fallback band
    assert "no flow or volume" in proposal["kq_basis"]
