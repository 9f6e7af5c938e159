"""Every write with rules: plants and their lifecycle, tenant connections, monitoring requirements,
samples (judged on entry; an outlet exceedance opens a violation), the continuous-monitoring import,
violations, the missing-report check and regulation loading. Pages, API and commands call these."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.core import channel, formats, lifecycle
from icis.core.audit import acting
from icis.core.changes import unchanged
from icis.core.concurrency import check_version
from icis.core.forms import field_error
from icis.documents.models import Document

from . import imports as monitoring_imports
from . import regulations
from .choices import (
    PLANT_LIFECYCLE,
    VIOLATION_LIFECYCLE,
    ConnectionKind,
    Outcome,
    PlantStatus,
    Qualifier,
    SampleOrigin,
    SamplePoint,
    ViolationKind,
    ViolationStatus,
)
from .compliance import Catalogue, Judgement, UnknownUnit, code_key, plain, to_decimal
from .models import (
    FactorBand,
    Limit,
    MonitoringRequirement,
    Parameter,
    PlantCluster,
    PlantPhase,
    PlantStatusChange,
    Regulation,
    Sample,
    SampleValue,
    TenantConnection,
    Violation,
    ViolationStatusChange,
    WastewaterPlant,
)
from .periods import periods_between

PLANT_FIELDS = (
    "name",
    "capacity_m3_day",
    "technology",
    "commissioned_on",
    "permit",
    "permit_valid_from",
    "permit_valid_to",
    "receiving_water_body",
    "receiving_class",
    "receiving_body_kind",
    "receiving_flow_m3_s",
    "receiving_volume_million_m3",
    "discharge_flow_m3_day",
    "kq",
    "kf",
    "factors_basis",
    "continuous_monitoring",
    "continuous_connected",
    "operator",
    "notes",
)
CONNECTION_FIELDS = (
    "tenant_project",
    "kind",
    "plant",
    "since",
    "until",
    "volume_m3_day",
    "own_permit",
    "own_permit_valid_to",
    "notes",
)
REQUIREMENT_FIELDS = ("plant", "frequency_months", "grace_days", "starts_on", "ends_on", "basis", "notes")
MAX_VALUE = 10**11
SIX_DECIMALS = Decimal("0.000001")
MAX_CODE = 64  # a parameter code the catalogue does not list, kept as given
MAX_UNIT = 32
MAX_OTHER_VALUES = 100


def _fmt(day: datetime.date) -> str:
    return formats.date(day)


def _not_future(day: datetime.date, field: str) -> None:
    lifecycle.check_not_future(day, field)


def _save(obj, actor):
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


def _pick(data: dict, allowed: Iterable[str]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set here."), code="read_only") for f in sorted(unknown)}
        )
    return data


# --- Plants -------------------------------------------------------------------------------------------


def _set_clusters(plant: WastewaterPlant, clusters) -> None:
    clusters = list(clusters)
    if not clusters:
        raise field_error("clusters", _("Name at least one cluster the plant serves."), "required")
    wanted = {c.pk for c in clusters}
    for link in PlantCluster.objects.filter(plant=plant).exclude(cluster_id__in=wanted):
        link.delete()
    present = set(PlantCluster.objects.filter(plant=plant).values_list("cluster_id", flat=True))
    for cluster_id in sorted(wanted - present):
        PlantCluster.objects.create(plant=plant, cluster_id=cluster_id)


def _set_phases(plant: WastewaterPlant, phases: list[dict]) -> None:
    numbers = [p.get("number") for p in phases]
    if len(set(numbers)) != len(numbers):
        raise field_error("phases", _("Each phase number may appear once."), "duplicate")
    keep = set()
    for item in phases:
        phase = PlantPhase.objects.filter(plant=plant, number=item["number"]).first() or PlantPhase(
            plant=plant, number=item["number"]
        )
        for key in ("capacity_m3_day", "commissioned_on", "notes"):
            if key in item:
                setattr(phase, key, item[key])
        phase.full_clean()
        if not unchanged(phase):
            phase.save()
        keep.add(phase.pk)
    for stale in PlantPhase.objects.filter(plant=plant).exclude(pk__in=keep):
        stale.delete()


@transaction.atomic
def plant_create(
    *,
    data: dict,
    clusters,
    actor,
    status: str = PlantStatus.PLANNED,
    status_date: datetime.date | None = None,
    reason: str = "",
    document: Document | None = None,
    phases: list[dict] | None = None,
) -> WastewaterPlant:
    """Register a plant in the state the evidence shows, dated when that state began (default today)."""
    PLANT_LIFECYCLE.check_known(status, "status")
    status_date = status_date or timezone.localdate()
    _not_future(status_date, "status_date")
    plant = WastewaterPlant(**_pick(data, PLANT_FIELDS))
    plant.status = status
    plant.status_since = status_date
    _save(plant, actor)
    _set_clusters(plant, clusters)
    if phases:
        _set_phases(plant, phases)
    lifecycle.register(
        PLANT_LIFECYCLE,
        status,
        actor=actor,
        effective_on=status_date,
        reason=reason or _("Registered"),
        document=document,
        row_model=PlantStatusChange,
        row_fields={"plant": plant},
    )
    return plant


@transaction.atomic
def plant_update(
    *,
    plant: WastewaterPlant,
    data: dict,
    actor,
    expected_version: int | None = None,
    clusters=None,
    phases: list[dict] | None = None,
) -> WastewaterPlant:
    """Change a plant's own fields (never its status). Refuses a stale edit."""
    current = WastewaterPlant.objects.select_for_update().get(pk=plant.pk)
    check_version(current, expected_version)
    for key, value in _pick(data, PLANT_FIELDS).items():
        setattr(current, key, value)
    if not unchanged(current):
        current.version += 1
        _save(current, actor)
    if clusters is not None:
        _set_clusters(current, clusters)
    if phases is not None:
        _set_phases(current, phases)
    return current


@transaction.atomic
def plant_transition(
    *,
    plant: WastewaterPlant,
    to_status: str,
    effective_on: datetime.date,
    reason: str,
    actor,
    document: Document | None = None,
) -> WastewaterPlant:
    """The one way a plant's status changes; dated, with reason and document, as a typed history row."""
    current = WastewaterPlant.objects.select_for_update().get(pk=plant.pk)
    extra = {}
    if to_status == PlantStatus.OPERATING and current.commissioned_on is None:
        extra["commissioned_on"] = effective_on
    lifecycle.transition(
        current,
        PLANT_LIFECYCLE,
        to_status,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        document=document,
        extra=extra,
        row_model=PlantStatusChange,
        row_fields={"plant": current},
        save=_save,
    )
    return current


# --- Tenant connections and requirements --------------------------------------------------------------


def _check_connection(connection: TenantConnection) -> None:
    if connection.kind == ConnectionKind.CONNECTED:
        if connection.plant_id is None:
            raise field_error("plant", _("Name the central plant the project is connected to."), "required")
        serves = PlantCluster.objects.filter(
            plant_id=connection.plant_id, cluster_id=connection.tenant_project.cluster_id
        ).exists()
        if not serves:
            raise field_error(
                "plant",
                _("%(plant)s does not serve the project's cluster (%(cluster)s).")
                % {"plant": connection.plant, "cluster": connection.tenant_project.cluster},
                "plant_not_serving_cluster",
            )
    elif connection.plant_id is not None:
        raise field_error("plant", _("A project treating its own wastewater has no central plant."), "invalid")
    current = TenantConnection.objects.filter(tenant_project_id=connection.tenant_project_id, until__isnull=True)
    if connection.pk:
        current = current.exclude(pk=connection.pk)
    if connection.until is None and current.exists():
        raise field_error(
            "tenant_project",
            _("This project already has a current arrangement: end it (set its end date) before recording a new one."),
            "already_current",
        )


@transaction.atomic
def connection_create(*, data: dict, actor) -> TenantConnection:
    connection = TenantConnection(**_pick(data, CONNECTION_FIELDS))
    connection.full_clean(validate_constraints=False)
    _check_connection(connection)
    return _save(connection, actor)


@transaction.atomic
def connection_update(
    *, connection: TenantConnection, data: dict, actor, expected_version: int | None = None
) -> TenantConnection:
    current = TenantConnection.objects.select_for_update().get(pk=connection.pk)
    check_version(current, expected_version)
    for key, value in _pick(data, CONNECTION_FIELDS).items():
        setattr(current, key, value)
    current.full_clean(validate_constraints=False)
    _check_connection(current)
    if unchanged(current):
        return current
    current.version += 1
    return _save(current, actor)


@transaction.atomic
def requirement_create(*, data: dict, actor) -> MonitoringRequirement:
    return _save(MonitoringRequirement(**_pick(data, REQUIREMENT_FIELDS)), actor)


@transaction.atomic
def requirement_update(
    *, requirement: MonitoringRequirement, data: dict, actor, expected_version: int | None = None
) -> MonitoringRequirement:
    current = MonitoringRequirement.objects.select_for_update().get(pk=requirement.pk)
    check_version(current, expected_version)
    for key, value in _pick(data, REQUIREMENT_FIELDS).items():
        if key != "plant":
            setattr(current, key, value)
    if unchanged(current):
        return current
    current.version += 1
    return _save(current, actor)


# --- Samples ------------------------------------------------------------------------------------------


@dataclass
class Reading:
    """One parameter of a sample as given: the value (or the detection limit for "<") and its unit."""

    parameter: Parameter
    reported: object  # Decimal
    unit: str
    qualifier: str
    canonical: object  # Decimal, in the parameter's canonical unit


def _reading_parts(key: str, raw) -> tuple[object, str, str, list[tuple[str, str, str]]]:
    """(number, unit, qualifier, problems) from a number, a string such as "<0.01", or an object."""
    problems = []
    unit, qualifier, number = "", "", None
    if isinstance(raw, dict):
        unit = raw.get("unit") or ""
        qualifier = raw.get("qualifier") or ""
        given = raw.get("detection_limit") if qualifier == "<" and raw.get("value") is None else raw.get("value")
        if not isinstance(unit, str):
            problems.append((f"values.{key}.unit", _("Give the unit as text."), "invalid"))
            unit = ""
        extra = set(raw) - {"value", "unit", "qualifier", "detection_limit"}
        if extra:
            problems.append(
                (
                    f"values.{key}",
                    _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, extra)))},
                    "invalid",
                )
            )
    elif isinstance(raw, str) and raw.strip().startswith("<"):
        qualifier, given = "<", raw.strip()[1:]
    else:
        given = raw
    if qualifier not in Qualifier.values:
        problems.append(
            (
                f"values.{key}.qualifier",
                _('Unknown qualifier %(q)s: use "<" for below the detection limit, or leave it out.')
                % {"q": qualifier},
                "invalid",
            )
        )
    number = to_decimal(given)
    if number is None:
        problems.append((f"values.{key}", _("Give a number (got %(value)s).") % {"value": given}, "invalid"))
    elif number < 0 or abs(number) >= MAX_VALUE:
        problems.append((f"values.{key}", _("The value must be between 0 and 10¹¹."), "out_of_range"))
        number = None
    elif number != number.quantize(SIX_DECIMALS, rounding=ROUND_HALF_UP):
        problems.append((f"values.{key}", _("Give the value with at most 6 decimals."), "too_precise"))
        number = None
    return number, unit, qualifier, problems


def parse_values(values, catalogue: Catalogue) -> tuple[list[Reading], list[dict]]:
    """Check every given value: (readings of listed parameters, values of parameters the catalogue does
    not list — kept as reported, not judged). Refuses, naming them, unknown units of listed parameters,
    non-numbers and duplicates; nothing is partly accepted."""
    if isinstance(values, list):  # [{"parameter": "COD", "value": 80, ...}]
        if not all(isinstance(item, dict) and "parameter" in item for item in values):
            raise field_error("values", _('Give a list of objects, each with "parameter" and "value".'), "invalid")
        pairs = [(str(item["parameter"]), {k: v for k, v in item.items() if k != "parameter"}) for item in values]
    elif isinstance(values, dict):
        pairs = [(str(key), raw) for key, raw in values.items()]
    else:
        raise field_error("values", _('Give the values as an object, e.g. {"COD": 80, "pH": 8.5}.'), "invalid")
    if not pairs:
        raise field_error("values", _("Give at least one value."), "required")
    errors: dict[str, list[ValidationError]] = {}
    readings, others, seen = [], [], {}
    for key, raw in pairs:
        parameter = catalogue.parameter(key)
        if parameter is None:
            other = _other_value(key, raw, seen, errors)
            if other is not None:
                others.append(other)
            continue
        if parameter.code in seen:
            errors.setdefault(f"values.{key}", []).append(
                ValidationError(
                    _("%(code)s is given twice (as %(first)s and %(second)s).")
                    % {"code": parameter.code, "first": seen[parameter.code], "second": key},
                    code="duplicate",
                )
            )
            continue
        seen[parameter.code] = key
        number, unit, qualifier, problems = _reading_parts(key, raw)
        for field, message, code in problems:
            errors.setdefault(field, []).append(ValidationError(message, code=code))
        if problems:
            continue
        try:
            canonical = catalogue.to_canonical(parameter, number, unit)
        except UnknownUnit:
            errors.setdefault(f"values.{key}.unit", []).append(
                ValidationError(
                    _("Unknown unit '%(unit)s' for %(code)s. Accepted: %(units)s.")
                    % {"unit": unit, "code": parameter.code, "units": ", ".join(catalogue.accepted_units(parameter))},
                    code="unknown_unit",
                )
            )
            continue
        readings.append(Reading(parameter, number, unit or parameter.unit, qualifier, canonical))
    if len(others) > MAX_OTHER_VALUES:
        message = _("At most %(n)s parameters outside the regulation's table per sample.") % {"n": MAX_OTHER_VALUES}
        errors.setdefault("values", []).append(ValidationError(message, code="too_many"))
    if errors:
        raise ValidationError(errors)
    return readings, others


def _other_value(key: str, raw, seen: dict, errors: dict) -> dict | None:
    """A value of a parameter the catalogue does not list, checked like any other (a number, or "<"
    and the detection limit) and kept as reported; None (and `errors` filled) if it is wrong."""
    code = key.strip()
    if not code or len(code) > MAX_CODE or not code.isprintable():
        message = _("Give the parameter's code as printable text of at most %(n)s characters.") % {"n": MAX_CODE}
        errors.setdefault(f"values.{key}", []).append(ValidationError(message, code="invalid_parameter"))
        return None
    if code_key(code) in seen:
        message = _("%(code)s is given twice (as %(first)s and %(second)s).") % {
            "code": code,
            "first": seen[code_key(code)],
            "second": key,
        }
        errors.setdefault(f"values.{key}", []).append(ValidationError(message, code="duplicate"))
        return None
    seen[code_key(code)] = key
    number, unit, qualifier, problems = _reading_parts(key, raw)
    unit = unit.strip()
    if len(unit) > MAX_UNIT or not unit.isprintable():
        message = _("Give the unit as printable text of at most %(n)s characters.") % {"n": MAX_UNIT}
        problems.append((f"values.{key}.unit", message, "invalid_unit"))
    for field, message, error_code in problems:
        errors.setdefault(field, []).append(ValidationError(message, code=error_code))
    if problems:
        return None
    return {"parameter": code, "value": str(plain(number)), "qualifier": qualifier, "unit": unit}


def parse_readings(values, catalogue: Catalogue) -> list[Reading]:
    """The readings of listed parameters only (see `parse_values`)."""
    return parse_values(values, catalogue)[0]


def _write_values(sample: Sample, readings: list[Reading], actor) -> None:
    for reading in readings:
        row = SampleValue.objects.filter(sample=sample, parameter=reading.parameter).first() or SampleValue(
            sample=sample, parameter=reading.parameter
        )
        below = reading.qualifier == Qualifier.BELOW_DETECTION
        row.qualifier = reading.qualifier
        row.value = None if below else reading.reported
        row.detection_limit = reading.reported if below else None
        row.unit = reading.unit
        _save(row, actor)


def _judge(sample: Sample, readings: list[Reading], catalogue: Catalogue) -> Judgement:
    return catalogue.judge(
        plant=sample.plant,
        day=sample.sampled_on,
        point=sample.point,
        values=[(r.parameter, r.canonical, r.qualifier) for r in readings],
        not_judged=sample.other_values or (),
    )


def _merge_other_values(sample: Sample, others: list[dict], actor) -> None:
    """Add or replace (by code) the values not judged; a re-import changes nothing."""
    if not others:
        return
    new = {code_key(item["parameter"]): item for item in others}
    kept = [item for item in sample.other_values or [] if code_key(item.get("parameter")) not in new]
    merged = kept + list(new.values())
    if merged != (sample.other_values or []):
        sample.other_values = merged
        _save(sample, actor)


def _stored(value):
    """A computed value (e.g. C × Kq × Kf, with many decimals) as the 6-decimal column keeps it."""
    return None if value is None else plain(value.quantize(SIX_DECIMALS, rounding=ROUND_HALF_UP))


def _open_exceedances(sample: Sample, judgement: Judgement, catalogue: Catalogue, actor) -> list[Violation]:
    """One violation per exceeded parameter of an outlet sample; none twice for the same value."""
    opened = []
    today = timezone.localdate()
    for verdict in judgement.exceeded:
        parameter = catalogue.parameter(verdict.parameter)
        if Violation.objects.filter(sample=sample, parameter=parameter, kind=ViolationKind.EXCEEDANCE).exists():
            continue
        if verdict.limit_min is not None and verdict.value is not None and verdict.value < verdict.limit_min:
            bound = _("minimum %(limit)s") % {"limit": plain(verdict.limit_min)}
        else:
            bound = _("Cmax %(limit)s") % {"limit": plain(verdict.limit)}
        violation = Violation(
            plant=sample.plant,
            kind=ViolationKind.EXCEEDANCE,
            parameter=parameter,
            sample=sample,
            measured=_stored(verdict.value),
            limit=_stored(verdict.limit if verdict.limit is not None else verdict.limit_min),
            unit=verdict.unit,
            regulation=judgement.regulation,
            description=_(
                "%(parameter)s %(value)s %(unit)s on %(date)s against %(bound)s (%(regulation)s, column %(column)s)."
            )
            % {
                "parameter": parameter.code,
                "value": plain(verdict.value),
                "unit": verdict.unit,
                "date": _fmt(sample.sampled_on),
                "bound": bound,
                "regulation": judgement.regulation.code if judgement.regulation else "—",
                "column": judgement.column,
            }
            + (
                " "
                + _("Factors not set: judged with the strictest factors the regulation allows (Kq %(kq)s, Kf %(kf)s).")
                % {"kq": plain(judgement.kq), "kf": plain(judgement.kf)}
                if verdict.factors_assumed
                else ""
            ),
            factors_assumed=verdict.factors_assumed,
            detected_on=today,
            deadline=today + datetime.timedelta(days=settings.ICIS_VIOLATION_DEADLINE_DAYS),
        )
        opened.append(_opened(violation, actor))
    return opened


@transaction.atomic
def sample_record(
    *,
    plant: WastewaterPlant,
    sampled_on: datetime.date,
    values,
    actor,
    point: str = SamplePoint.OUTLET,
    origin: str = SampleOrigin.PERIODIC,
    lab: str = "",
    document: Document | None = None,
    notes: str = "",
    catalogue: Catalogue | None = None,
) -> tuple[Sample, Judgement, list[Violation]]:
    """Record a sample, judge it against the regulation in force on its date, open a violation per
    outlet exceedance. Values of parameters the catalogue does not list are kept and listed as not
    judged. Refuses (nothing written) unknown units, non-numbers and duplicates."""
    catalogue = catalogue or Catalogue.load()
    _not_future(sampled_on, "sampled_on")
    if point not in SamplePoint.values:
        raise field_error("point", _("The point is inlet or outlet."), "invalid")
    readings, others = parse_values(values, catalogue)
    sample = _save(
        Sample(
            plant=plant,
            sampled_on=sampled_on,
            point=point,
            origin=origin,
            lab=lab,
            document=document,
            notes=notes,
            other_values=others,
        ),
        actor,
    )
    _write_values(sample, readings, actor)
    judgement = _judge(sample, readings, catalogue)
    return sample, judgement, _open_exceedances(sample, judgement, catalogue, actor)


# --- Continuous monitoring import ---------------------------------------------------------------------

CSV_COLUMNS = ("date", "parameter", "value", "unit")
CSV_FIELD_BY_CODE = {
    "invalid_parameter": "parameter",
    "duplicate": "parameter",
    "unknown_unit": "unit",
    "invalid_unit": "unit",
}


class ImportRefused(ValidationError):
    """The file was refused; `rows` says where: [{"row", "field", "message"}]. Nothing was written."""

    def __init__(self, rows: list[dict]):
        super().__init__({_row_field(r): ValidationError(r["message"], code="invalid") for r in rows[:200]})
        self.rows = rows


def _row_field(row: dict) -> str:
    return f"rows[{row['row']}].{row['field']}" if row["row"] else "file"


def read_continuous_csv(content: bytes, filename: str = "monitoring.csv") -> list[dict]:
    """Rows of a continuous-monitoring file (CSV or XLSX, read by the import kit: icis/environment/imports.py),
    or ImportRefused listing every problem by row and column."""
    _table, rows, problems = monitoring_imports.read_rows(content, filename)
    if problems:
        raise ImportRefused(problems)
    return rows


@transaction.atomic
def continuous_import(*, plant: WastewaterPlant, content: bytes, actor, filename: str = "monitoring.csv") -> dict:
    """Daily values of the automatic station (date, parameter, value, unit[, qualifier]) as one outlet
    sample per day. All rows or none: any wrong row refuses the file with every problem by row.
    Importing the same file again changes nothing (values are replaced, violations not repeated)."""
    catalogue = Catalogue.load()
    table, rows, problems = monitoring_imports.read_rows(content, filename)
    if not rows:
        raise ImportRefused(problems)

    def at(row: dict, field: str, message: str) -> dict:
        return monitoring_imports.problem(table, row["row"], field, message)

    by_day, seen, others_by_day = {}, set(), {}
    today = timezone.localdate()
    for row in rows:
        day = row["date"]
        if day is None:
            continue  # already a problem
        if day > today:
            problems.append(at(row, "date", _("The date is in the future.")))
            continue
        raw = row["value"]
        if row.get("qualifier") == "<" and not raw.startswith("<"):
            raw = "<" + raw
        try:
            readings, others = parse_values({row["parameter"]: {"unit": row["unit"], **_split(raw)}}, catalogue)
        except ValidationError as error:
            for errors in error.error_dict.values():
                for item in errors:
                    column = CSV_FIELD_BY_CODE.get(item.code, "value")
                    problems.extend(at(row, column, m) for m in item.messages)
            continue
        if others:  # a parameter the catalogue does not list: kept, not judged
            key = (day, code_key(others[0]["parameter"]))
            if key in seen:
                message = _("%(code)s is given twice for this date.") % {"code": others[0]["parameter"]}
                problems.append(at(row, "parameter", message))
                continue
            seen.add(key)
            others_by_day.setdefault(day, []).extend(others)
            continue
        (reading,) = readings
        key = (day, reading.parameter.code)
        if key in seen:
            message = _("%(code)s is given twice for this date.") % {"code": key[1]}
            problems.append(at(row, "parameter", message))
            continue
        seen.add(key)
        by_day.setdefault(day, []).append(reading)
    if problems:
        raise ImportRefused(problems)
    not_judged = sum(len(items) for items in others_by_day.values())
    days = sorted(set(by_day) | set(others_by_day))
    summary = {"days": len(days), "values": len(seen) - not_judged, "values_not_judged": not_judged}
    summary.update(samples_created=0, samples_updated=0, violations_opened=0)
    for day in days:
        readings = by_day.get(day, [])
        sample, created = Sample.objects.get_or_create(
            plant=plant, sampled_on=day, point=SamplePoint.OUTLET, origin=SampleOrigin.CONTINUOUS
        )
        summary["samples_created" if created else "samples_updated"] += 1
        _merge_other_values(sample, others_by_day.get(day, []), actor)
        _write_values(sample, readings, actor)
        judgement = _judge(sample, readings, catalogue)
        summary["violations_opened"] += len(_open_exceedances(sample, judgement, catalogue, actor))
    return summary


def _split(raw: str) -> dict:
    raw = (raw or "").strip()
    if raw.startswith("<"):
        return {"value": raw[1:].strip(), "qualifier": "<"}
    return {"value": raw}


# --- Violations ---------------------------------------------------------------------------------------


@transaction.atomic
def violation_transition(
    *,
    violation: Violation,
    to_status: str,
    actor,
    on: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Violation:
    """Corrected (by the operator's account), closed (by the authority) or reopened, with the date."""
    current = Violation.objects.select_for_update().get(pk=violation.pk)
    check_version(current, expected_version)
    VIOLATION_LIFECYCLE.check_move(current.status, to_status)
    on = on or timezone.localdate()
    _not_future(on, "date")
    if on < current.detected_on:
        raise field_error("date", _("The date is before the violation was detected."), "date_before_detection")
    if to_status == ViolationStatus.CORRECTED:
        current.corrected_on = on
    elif to_status == ViolationStatus.CLOSED:
        current.closed_on = on
        current.corrected_on = current.corrected_on or on
    else:
        current.corrected_on = None
    if note.strip():
        current.resolution = (current.resolution + "\n" if current.resolution else "") + f"{_fmt(on)}: {note.strip()}"
    previous = current.status
    current.status = to_status
    current.version += 1
    current._change_reason = note
    _save(current, actor)
    lifecycle.record(
        ViolationStatusChange,
        {"violation": current},
        from_status=previous,
        to_status=to_status,
        actor=actor,
        effective_on=on,
        reason=note.strip(),
    )
    return current


def _opened(violation: Violation, actor) -> Violation:
    """Save a violation just detected and write the first row of its lifecycle (open, on the day found)."""
    _save(violation, actor)
    lifecycle.register(
        VIOLATION_LIFECYCLE,
        violation.status,
        actor=actor,
        effective_on=violation.detected_on,
        row_model=ViolationStatusChange,
        row_fields={"violation": violation},
    )
    return violation


def _status_on(plant_id: int, day: datetime.date) -> str | None:
    changes = PlantStatusChange.objects.filter(plant_id=plant_id, effective_on__lte=day)
    change = changes.order_by("-effective_on", "-id").first()
    return change.to_status if change else None


def reports_check(*, actor, today: datetime.date | None = None, dry_run: bool = False) -> list[dict]:
    """Open a "report not received" violation for every requirement period whose deadline (period end
    + grace days) has passed with no periodic outlet sample dated in it, while the plant was operating
    at the period's end. Idempotent: a period gets at most one such violation."""
    today = today or timezone.localdate()
    found = []
    requirements = MonitoringRequirement.objects.select_related("plant").filter(starts_on__lte=today)
    for requirement in requirements:
        periods = periods_between(requirement.frequency_months, requirement.starts_on, requirement.ends_on, today)
        for start, end in periods:
            deadline = end + datetime.timedelta(days=requirement.grace_days)
            if today <= deadline:
                continue
            window_start = max(start, requirement.starts_on)
            window_end = min(end, requirement.ends_on) if requirement.ends_on else end
            if _status_on(requirement.plant_id, window_end) != PlantStatus.OPERATING:
                continue
            received = Sample.objects.filter(
                plant_id=requirement.plant_id,
                point=SamplePoint.OUTLET,
                origin=SampleOrigin.PERIODIC,
                sampled_on__gte=window_start,
                sampled_on__lte=window_end,
            ).exists()
            if received:
                continue
            if Violation.objects.filter(
                requirement=requirement, period_start=start, kind=ViolationKind.REPORT_MISSING
            ).exists():
                continue
            item = {"plant": requirement.plant, "requirement": requirement, "period": (start, end)}
            item["deadline"] = deadline
            found.append(item)
            if dry_run:
                continue
            violation = Violation(
                plant=requirement.plant,
                kind=ViolationKind.REPORT_MISSING,
                requirement=requirement,
                period_start=start,
                period_end=end,
                description=_(
                    "No periodic outlet monitoring result for %(start)s–%(end)s "
                    "(due by %(deadline)s, every %(n)s months)."
                )
                % {
                    "start": _fmt(window_start),
                    "end": _fmt(window_end),
                    "deadline": _fmt(deadline),
                    "n": requirement.frequency_months,
                },
                detected_on=today,
                deadline=today + datetime.timedelta(days=settings.ICIS_VIOLATION_DEADLINE_DAYS),
            )
            try:
                with transaction.atomic():
                    item["violation"] = _opened(violation, actor)
            except (IntegrityError, ValidationError):
                if not Violation.objects.filter(requirement=requirement, period_start=start).exists():
                    raise
                found.pop()  # another run opened it meanwhile
    return found


# --- Regulations --------------------------------------------------------------------------------------


@transaction.atomic
def regulation_load(*, path, actor, dry_run: bool = False) -> dict:
    """Load one regulation file (see `regulations`), as `actor`. A dry run checks and rolls back."""
    payload, sha256 = regulations.read(path)
    content = regulations.validate(payload, known_parameters=regulations.known_parameters(Parameter))
    with acting(actor, channel.current()):
        counts = regulations.apply(
            content,
            Regulation=Regulation,
            Parameter=Parameter,
            Limit=Limit,
            FactorBand=FactorBand,
            loaded_from=str(path).rsplit("/", 1)[-1],
            sha256=sha256,
        )
    if dry_run:
        transaction.set_rollback(True)
    return counts


def outcome_label(value: str) -> str:
    return str(Outcome(value).label) if value in Outcome.values else value
