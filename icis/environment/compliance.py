"""Judging monitoring results against the effluent limits in force: units, Cmax = C × Kq × Kf, verdicts.

Pure arithmetic over reference rows loaded once (`Catalogue.load()`: three queries), so a page or a
report judges any number of samples without a query per sample. Nothing here knows a limit value:
they all come from `Limit` rows.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from icis.core import formats

from .choices import Outcome, Qualifier, SamplePoint

ZERO = Decimal("0")


def unit_key(unit: str | None) -> str:
    """How units are compared: NFKC (µ/μ alike, m³ = m3, ℃ = °C), no spaces, case-insensitive."""
    return unicodedata.normalize("NFKC", unit or "").replace(" ", "").lower()


def code_key(code: str | None) -> str:
    return unicodedata.normalize("NFKC", code or "").replace(" ", "").lower()


def plain(value: Decimal | None) -> Decimal | None:
    """67.500 → 67.5; 5E+1 → 50 (for display and JSON)."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


class UnknownUnit(ValueError):
    pass


@dataclass(frozen=True)
class Verdict:
    """One parameter of one sample, judged."""

    parameter: str
    outcome: str
    value: Decimal | None  # in the canonical unit; for "<", the detection limit
    qualifier: str
    unit: str
    limit: Decimal | None = None  # Cmax, the highest value allowed
    limit_min: Decimal | None = None  # the lowest value allowed (ranges such as pH)
    c: Decimal | None = None  # the table's value before Kq × Kf
    multiplied: bool = False
    reason: str = ""
    factors_assumed: bool = False  # Cmax used the strictest Kq/Kf: the plant's own are not recorded

    @property
    def compliant(self) -> bool | None:
        return {Outcome.COMPLIANT: True, Outcome.EXCEEDED: False}.get(self.outcome)

    def as_dict(self) -> dict:
        return {
            "parameter": self.parameter,
            "value": plain(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "limit": plain(self.limit),
            "limit_min": plain(self.limit_min),
            "c": plain(self.c),
            "multiplied": self.multiplied,
            "compliant": self.compliant,
            "outcome": self.outcome,
            "reason": self.reason,
            "factors_assumed": self.factors_assumed,
        }


@dataclass
class Judgement:
    """A whole sample, judged: the regulation and column used, the factors, a verdict per parameter.

    `kq`/`kf` are the factors used; `factors_assumed` when the plant's own are not recorded and the
    strictest of the regulation were used instead. `not_judged`: values of parameters the catalogue
    does not list, kept as reported."""

    regulation: object | None
    column: str
    kq: Decimal | None
    kf: Decimal | None
    verdicts: list[Verdict] = field(default_factory=list)
    factors_assumed: bool = False
    not_judged: list[dict] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return overall([v.outcome for v in self.verdicts])

    @property
    def exceeded(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.outcome == Outcome.EXCEEDED]


def overall(outcomes) -> str:
    """The worst verdict: any exceedance, else anything that cannot be judged, else compliant."""
    found = set(outcomes)
    for outcome in (Outcome.EXCEEDED, Outcome.INDETERMINATE, Outcome.COMPLIANT, Outcome.NOT_ASSESSED):
        if outcome in found:
            return outcome
    return Outcome.NOT_REGULATED


def to_decimal(value) -> Decimal | None:
    """A finite number from JSON or text, else None (booleans are not numbers here)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


class Catalogue:
    """The parameter catalogue and every regulation version with its limits, held in memory."""

    def __init__(self, parameters, regulations):
        self.parameters = list(parameters)
        self.by_id = {p.pk: p for p in self.parameters}
        aliases: dict[str, object] = {}
        for parameter in self.parameters:
            for alias in parameter.code_aliases or ():
                aliases.setdefault(code_key(alias), parameter)
        # Weakest first: the names laboratories write ("Tổng xianua"), then other codes; a real code always wins.
        self._codes: dict[str, object] = {}
        for parameter in self.parameters:
            for name in (parameter.name_vi, parameter.name_en):
                self._codes.setdefault(code_key(name), parameter)
        self._codes.update(aliases)
        for parameter in self.parameters:
            self._codes[code_key(parameter.code)] = parameter
        self.regulations = sorted(regulations, key=lambda r: (r.effective_from, r.pk), reverse=True)
        self._limits: dict[tuple, list] = defaultdict(list)
        for regulation in self.regulations:
            for limit in regulation.limits.all():
                self._limits[(regulation.pk, limit.parameter_id, limit.column)].append(limit)
        for rows in self._limits.values():
            rows.sort(key=lambda row: row.flow_above)
        self._gaps = {
            (regulation.pk, gap.get("parameter"), gap.get("column"))
            for regulation in self.regulations
            for gap in (getattr(regulation, "gaps", None) or [])
            if isinstance(gap, dict)
        }
        self._strictest = {}
        for regulation in self.regulations:
            bands = list(regulation.factor_bands.all())
            self._strictest[regulation.pk] = tuple(
                min((band.value for band in bands if band.factor == factor), default=None) for factor in ("kq", "kf")
            )

    @classmethod
    def load(cls) -> "Catalogue":
        from .models import Parameter, Regulation

        return cls(Parameter.objects.all(), Regulation.objects.prefetch_related("limits", "factor_bands"))

    # --- parameters and units ---

    def parameter(self, code: str):
        """The parameter a code names (its code or an alias, any case), or None."""
        return self._codes.get(code_key(code))

    @staticmethod
    def accepted_units(parameter) -> list[str]:
        return [parameter.unit or "-", *[u for u in (parameter.unit_aliases or {}) if u != parameter.unit]]

    @staticmethod
    def unit_factor(parameter, unit: str | None) -> Decimal:
        """The factor that turns a value in `unit` into the canonical unit; UnknownUnit if not accepted."""
        key = unit_key(unit)
        if key in ("", unit_key(parameter.unit)):
            return Decimal(1)
        for alias, factor in (parameter.unit_aliases or {}).items():
            if unit_key(alias) == key:
                return Decimal(str(factor))
        raise UnknownUnit(unit)

    def to_canonical(self, parameter, value: Decimal | None, unit: str | None) -> Decimal | None:
        if value is None:
            return None
        return value * self.unit_factor(parameter, unit)

    # --- which table applies ---

    def regulation_for(self, plant, day):
        """The version in force on `day` for this plant: the latest one in force, except that a plant
        commissioned before a version took effect keeps the previous one until its transition ends."""
        for regulation in self.regulations:
            if regulation.effective_from > day:
                continue
            if regulation.effective_to is not None and day > regulation.effective_to:
                continue
            existing = plant.commissioned_on is not None and plant.commissioned_on < regulation.effective_from
            if existing and regulation.existing_plants_from is not None and day < regulation.existing_plants_from:
                continue
            return regulation
        return None

    def limit_for(self, regulation, parameter, column: str, flow: Decimal | None):
        """(limit row, "", "") or (None, why not, the outcome that follows: not regulated or indeterminate)."""
        rows = self._limits.get((regulation.pk, parameter.pk, column), [])
        if not rows and (regulation.pk, parameter.code, column) in self._gaps:
            message = _(
                "The value of %(parameter)s in column %(column)s of %(regulation)s could not be sourced and is not "
                "loaded: it cannot be judged."
            )
            return (
                None,
                Outcome.INDETERMINATE,
                message % {"regulation": regulation.code, "parameter": parameter.code, "column": column},
            )
        if not rows:
            message = _("%(regulation)s sets no limit for %(parameter)s in column %(column)s.")
            return (
                None,
                Outcome.NOT_REGULATED,
                message
                % {
                    "regulation": regulation.code,
                    "parameter": parameter.code,
                    "column": column,
                },
            )
        banded = [row for row in rows if row.flow_above != ZERO or row.flow_up_to is not None]
        if not banded:
            return rows[0], "", ""
        if flow is None:
            message = _("The limit depends on the discharge flow, which is not recorded for this plant.")
            return None, Outcome.INDETERMINATE, message
        for row in rows:
            above_ok = row.flow_above == ZERO or flow > row.flow_above
            if above_ok and (row.flow_up_to is None or flow <= row.flow_up_to):
                return row, "", ""
        message = _("No flow band of %(regulation)s covers a discharge of %(flow)s m³/day.")
        return (
            None,
            Outcome.INDETERMINATE,
            message
            % {
                "regulation": regulation.code,
                "flow": plain(flow),
            },
        )

    # --- verdicts ---

    def factors(self, plant, regulation) -> tuple[Decimal | None, Decimal | None, bool]:
        """(Kq, Kf, assumed): the plant's recorded factors; where one is blank, the smallest of the
        regulation's bands (the strictest it allows), and `assumed` says so."""
        if plant.kq is not None and plant.kf is not None:
            return plant.kq, plant.kf, False
        strictest_kq, strictest_kf = self._strictest.get(regulation.pk, (None, None)) if regulation else (None, None)
        kq = plant.kq if plant.kq is not None else strictest_kq
        kf = plant.kf if plant.kf is not None else strictest_kf
        return kq, kf, kq is not None and kf is not None

    def judge_value(
        self,
        *,
        parameter,
        value: Decimal,
        qualifier: str,
        limit,
        kq,
        kf,
        point: str = SamplePoint.OUTLET,
        factors_assumed: bool = False,
    ) -> Verdict:
        """One value (canonical unit; for "<" the detection limit) against one limit row."""
        unit = parameter.unit
        base = {"parameter": parameter.code, "value": value, "qualifier": qualifier, "unit": unit}
        try:
            c = self.to_canonical(parameter, limit.value, limit.unit)
            low = self.to_canonical(parameter, limit.min_value, limit.unit)
        except UnknownUnit:
            return Verdict(
                **base,
                outcome=Outcome.INDETERMINATE,
                reason=_("The limit's unit %(unit)s is not accepted for %(parameter)s.")
                % {"unit": limit.unit, "parameter": parameter.code},
            )
        common = {**base, "c": c, "multiplied": limit.multiplied}
        note = ""
        if limit.multiplied and c is not None:
            if kq is None or kf is None:
                return Verdict(
                    **common,
                    limit_min=low,
                    outcome=Outcome.INDETERMINATE,
                    reason=_("Kq and Kf are not recorded for this plant: Cmax = C × Kq × Kf cannot be computed."),
                )
            high = c * kq * kf
            if factors_assumed:
                common["factors_assumed"] = True
                note = _(
                    "Factors not set: Kq or Kf is not recorded for this plant, so Cmax uses the strictest factors the "
                    "regulation allows (Kq %(kq)s, Kf %(kf)s)."
                ) % {"kq": plain(kq), "kf": plain(kf)}
        else:
            high = c
        common.update(limit=high, limit_min=low)

        def verdict(outcome: str, reason: str = "") -> Verdict:
            return Verdict(**common, outcome=outcome, reason=" ".join(part for part in (reason, note) if part))

        if point != SamplePoint.OUTLET:
            return verdict(Outcome.NOT_ASSESSED, _("Limits apply to the outlet."))
        if qualifier == Qualifier.BELOW_DETECTION:
            # The true value is somewhere below the detection limit.
            if low is not None and value <= low:
                reason = _("Below the detection limit, itself at or below the minimum allowed.")
                return verdict(Outcome.EXCEEDED, reason)
            if high is not None and value > high:
                reason = _("The detection limit is above the limit: the result cannot show compliance.")
                return verdict(Outcome.INDETERMINATE, reason)
            if low is not None:
                reason = _("Below the detection limit, which is above the minimum allowed.")
                return verdict(Outcome.INDETERMINATE, reason)
            return verdict(Outcome.COMPLIANT, _("Below the detection limit."))
        if (low is not None and value < low) or (high is not None and value > high):
            return verdict(Outcome.EXCEEDED)
        return verdict(Outcome.COMPLIANT)

    def judge(self, *, plant, day, point: str, values, not_judged=()) -> Judgement:
        """Judge `values` — (parameter, value in the canonical unit, qualifier) — for `plant` on `day`;
        `not_judged` (values of parameters the catalogue does not list) are carried along as they are."""
        regulation = self.regulation_for(plant, day)
        kq, kf, assumed = self.factors(plant, regulation)
        judgement = Judgement(
            regulation=regulation,
            column=plant.receiving_class,
            kq=kq,
            kf=kf,
            factors_assumed=assumed,
            not_judged=[dict(item) for item in not_judged],
        )
        for parameter, value, qualifier in values:
            base = {"parameter": parameter.code, "value": value, "qualifier": qualifier, "unit": parameter.unit}
            if value is None:
                judgement.verdicts.append(
                    Verdict(
                        **base,
                        outcome=Outcome.INDETERMINATE,
                        reason=_("The value's unit is no longer accepted for this parameter."),
                    )
                )
                continue
            if regulation is None:
                judgement.verdicts.append(
                    Verdict(
                        **base,
                        outcome=Outcome.INDETERMINATE,
                        reason=_("No effluent regulation is loaded for %(date)s.") % {"date": formats.date(day)},
                    )
                )
                continue
            limit, outcome, reason = self.limit_for(regulation, parameter, plant.receiving_class, plant.judged_flow)
            if limit is None:
                judgement.verdicts.append(Verdict(**base, outcome=outcome, reason=reason))
                continue
            judgement.verdicts.append(
                self.judge_value(
                    parameter=parameter,
                    value=value,
                    qualifier=qualifier,
                    limit=limit,
                    kq=kq,
                    kf=kf,
                    point=point,
                    factors_assumed=assumed,
                )
            )
        return judgement

    def judge_sample(self, sample, plant=None) -> Judgement:
        """A stored sample (its `values` prefetched), judged as the rows stand now."""
        rows = []
        for row in sample.values.all():
            parameter = self.by_id[row.parameter_id]
            reported = row.detection_limit if row.qualifier == Qualifier.BELOW_DETECTION else row.value
            try:
                value = self.to_canonical(parameter, reported, row.unit)
            except UnknownUnit:
                value = None
            rows.append((parameter, value, row.qualifier))
        not_judged = []
        for item in sample.other_values or ():
            # A parameter the catalogue has listed since the value was recorded is judged now.
            parameter = self.parameter(item.get("parameter")) if isinstance(item, dict) else None
            if parameter is None or parameter.pk in {row[0].pk for row in rows}:
                not_judged.append(item)
                continue
            try:
                value = self.to_canonical(parameter, to_decimal(item.get("value")), item.get("unit"))
            except UnknownUnit:
                value = None
            rows.append((parameter, value, item.get("qualifier") or ""))
        return self.judge(
            plant=plant or sample.plant,
            day=sample.sampled_on,
            point=sample.point,
            values=rows,
            not_judged=not_judged,
        )


def propose_factors(plant, bands) -> dict:
    """Kq and Kf proposed from the regulation's bands (data) and the plant's receiving water and flow.

    A proposal for a person to confirm, never applied by itself: the permit's factors prevail.
    """
    result = {"kq": None, "kq_basis": "", "kf": None, "kf_basis": ""}
    flow = plant.judged_flow
    for band in bands:
        if band.factor == "kf" and flow is not None and _within(band, flow):
            result.update(kf=band.value, kf_basis=_band_text(band, flow, "m³/day"))
    kind = plant.receiving_body_kind
    if not kind:
        result["kq_basis"] = _("record the receiving water's kind (river, lake, coastal) to propose Kq")
    measure, unit = None, ""
    if kind == "river":
        measure, unit = plant.receiving_flow_m3_s, "m³/s"
    elif kind == "lake":
        measure, unit = plant.receiving_volume_million_m3, "10⁶ m³"
    for band in bands:
        if band.factor != "kq" or band.water_body_kind != kind or not kind:
            continue
        unbounded = band.above is None and band.up_to is None
        if measure is None and (band.when_unknown or unbounded):
            basis = _("no flow or volume recorded: %(note)s") % {"note": band.notes or "—"}
            result.update(kq=band.value, kq_basis=basis)
        elif measure is not None and not band.when_unknown and (unbounded or _within(band, measure)):
            result.update(kq=band.value, kq_basis=_band_text(band, measure, unit))
    return result


def _within(band, measure: Decimal) -> bool:
    return (band.above is None or measure > band.above) and (band.up_to is None or measure <= band.up_to)


def _band_text(band, measure, unit) -> str:
    low = "" if band.above is None else f"{plain(band.above)} < "
    high = "" if band.up_to is None else f" ≤ {plain(band.up_to)}"
    return f"{low}{plain(measure)}{high} {unit} → {plain(band.value)}"
