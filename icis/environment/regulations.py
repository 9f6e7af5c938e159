"""Effluent regulations as files: one JSON file per regulation version (format `icis-regulation/1`).

```
{"format": "icis-regulation/1",
 "regulation": {"code", "title", "title_en", "effective_from", "effective_to", "existing_plants_from",
                "columns": {"A": "...", "B": "..."}, "formula", "source", "notes"},
 "parameters": [{"code", "name_vi", "name_en", "unit", "unit_aliases": {"µg/l": 0.001}, "code_aliases": []}],
 "limits": [{"parameter", "column", "value" | "max", "min", "unit", "multiplied", "flow_above", "flow_up_to", "notes"}],
 "factor_bands": [{"factor": "kq"|"kf", "water_body_kind", "above", "up_to", "when_unknown", "value", "notes"}],
 "gaps": [{"parameter", "column", "notes"}]}
```

`gaps` names cells the regulation has but whose value could not be sourced: a value judged against
such a cell is "cannot be judged", never "no limit". The smallest Kq and Kf of `factor_bands` are the
strictest factors, used for plants whose own factors are not recorded.

Loading is an upsert of the regulation (by code), its parameters (by code) and its limits (by
parameter, column and flow band); limits and bands the file no longer lists are removed. The same
function loads the file in the data migration (historical models) and in `manage.py load_qcvn`.
"""

import datetime
import hashlib
import json
from decimal import Decimal
from pathlib import Path

from .compliance import to_decimal, unit_key

FORMAT = "icis-regulation/1"
COLUMNS = ("A", "B", "C")
FACTORS = ("kq", "kf")
WATER_BODY_KINDS = ("", "river", "lake", "coastal", "coastal_recreation")
DATA_DIR = Path(__file__).resolve().parent / "data"
QCVN_40_2011 = DATA_DIR / "qcvn40-2011.json"


class RegulationFileError(ValueError):
    """The file is not a usable regulation: every problem, each with where it is."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def read(path) -> tuple[dict, str]:
    """The parsed file and its SHA-256."""
    raw = Path(path).read_bytes()
    try:
        payload = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RegulationFileError([f"{path}: not UTF-8 JSON ({error})"]) from None
    return payload, hashlib.sha256(raw).hexdigest()


def _date(value, where, problems, *, required=False):
    if value is None and not required:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: give a date as YYYY-MM-DD (got {value!r})")
        return None


def _number(value, where, problems, *, required=False, positive=False):
    if value is None and not required:
        return None
    number = to_decimal(value)
    if number is None:
        problems.append(f"{where}: give a number (got {value!r})")
    elif number < 0 or (positive and number == 0):
        problems.append(f"{where}: must be {'positive' if positive else 'zero or more'} (got {value!r})")
        return None
    return number


def validate(payload, *, known_parameters: dict | None = None) -> dict:
    """The file's content, checked and typed; RegulationFileError lists every problem.

    `known_parameters`: code → canonical unit and aliases of parameters already in the database, so
    a new version may use them without repeating the catalogue.
    """
    problems: list[str] = []
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise RegulationFileError([f'the file must be a JSON object with "format": "{FORMAT}"'])
    head = payload.get("regulation")
    if not isinstance(head, dict) or not str(head.get("code") or "").strip():
        raise RegulationFileError(['"regulation" must be an object with a "code"'])
    regulation = {
        "code": str(head["code"]).strip(),
        "title": str(head.get("title") or ""),
        "title_en": str(head.get("title_en") or ""),
        "effective_from": _date(head.get("effective_from"), "regulation.effective_from", problems, required=True),
        "effective_to": _date(head.get("effective_to"), "regulation.effective_to", problems),
        "existing_plants_from": _date(head.get("existing_plants_from"), "regulation.existing_plants_from", problems),
        "columns": head.get("columns") or {},
        "formula": str(head.get("formula") or ""),
        "source": str(head.get("source") or ""),
        "notes": str(head.get("notes") or ""),
    }
    if regulation["effective_from"] and regulation["effective_to"]:
        if regulation["effective_to"] < regulation["effective_from"]:
            problems.append("regulation.effective_to: before effective_from")
    if not isinstance(regulation["columns"], dict) or any(c not in COLUMNS for c in regulation["columns"]):
        problems.append(f"regulation.columns: an object whose keys are among {', '.join(COLUMNS)}")
        regulation["columns"] = {}

    catalogue = dict(known_parameters or {})
    parameters = []
    for index, item in enumerate(payload.get("parameters") or []):
        where = f"parameters[{index}]"
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            problems.append(f"{where}: an object with a code")
            continue
        aliases = item.get("unit_aliases") or {}
        if not isinstance(aliases, dict):
            problems.append(f"{where}.unit_aliases: an object unit → factor")
            aliases = {}
        typed_aliases = {}
        for unit, factor in aliases.items():
            number = _number(factor, f"{where}.unit_aliases[{unit!r}]", problems, required=True, positive=True)
            if number is not None:
                typed_aliases[str(unit)] = float(number) if number != number.to_integral() else int(number)
        code_aliases = item.get("code_aliases") or []
        if not isinstance(code_aliases, list) or not all(isinstance(a, str) for a in code_aliases):
            problems.append(f"{where}.code_aliases: a list of codes")
            code_aliases = []
        parameter = {
            "code": str(item["code"]).strip(),
            "name_vi": str(item.get("name_vi") or item["code"]),
            "name_en": str(item.get("name_en") or item["code"]),
            "unit": str(item.get("unit") or ""),
            "unit_aliases": typed_aliases,
            "code_aliases": code_aliases,
            "notes": str(item.get("notes") or ""),
        }
        if parameter["code"] in {p["code"] for p in parameters}:
            problems.append(f"{where}: parameter {parameter['code']} listed twice")
        parameters.append(parameter)
        catalogue[parameter["code"]] = (parameter["unit"], typed_aliases)

    limits, seen = [], set()
    for index, item in enumerate(payload.get("limits") or []):
        where = f"limits[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: an object")
            continue
        code = str(item.get("parameter") or "")
        if code not in catalogue:
            problems.append(f"{where}: unknown parameter {code!r} (list it under parameters)")
            continue
        column = item.get("column")
        if column not in COLUMNS:
            problems.append(f"{where}: column must be one of {', '.join(COLUMNS)} (got {column!r})")
            continue
        high = _number(item.get("value", item.get("max")), f"{where}.value", problems)
        low = _number(item.get("min"), f"{where}.min", problems)
        if high is None and low is None:
            problems.append(f"{where}: give value (or max) and/or min")
            continue
        if high is not None and low is not None and low > high:
            problems.append(f"{where}: min is above max")
        multiplied = item.get("multiplied", True)
        if not isinstance(multiplied, bool):
            problems.append(f"{where}.multiplied: true or false")
            multiplied = True
        if low is not None and multiplied:
            problems.append(f"{where}: a range (min) is never multiplied by Kq × Kf: set multiplied to false")
        unit = str(item.get("unit") or "")
        canonical, aliases = catalogue[code]
        if unit_key(unit) not in {unit_key(canonical), ""} | {unit_key(a) for a in aliases}:
            problems.append(f"{where}: unit {unit!r} is not accepted for {code} (canonical {canonical!r})")
        flow_above = _number(item.get("flow_above"), f"{where}.flow_above", problems) or Decimal("0")
        flow_up_to = _number(item.get("flow_up_to"), f"{where}.flow_up_to", problems)
        key = (code, column, flow_above)
        if key in seen:
            problems.append(f"{where}: {code} column {column} listed twice for the same flow band")
        seen.add(key)
        limits.append(
            {
                "parameter": code,
                "column": column,
                "value": high,
                "min_value": low,
                "unit": unit or canonical,
                "multiplied": multiplied,
                "flow_above": flow_above,
                "flow_up_to": flow_up_to,
                "notes": str(item.get("notes") or ""),
            }
        )

    gaps = []
    for index, item in enumerate(payload.get("gaps") or []):
        where = f"gaps[{index}]"
        if not isinstance(item, dict) or str(item.get("parameter") or "") not in catalogue:
            problems.append(f"{where}: an object naming a listed parameter")
            continue
        if item.get("column") not in COLUMNS:
            problems.append(f"{where}: column must be one of {', '.join(COLUMNS)} (got {item.get('column')!r})")
            continue
        if (item["parameter"], item["column"]) in {(row["parameter"], row["column"]) for row in limits}:
            problems.append(f"{where}: {item['parameter']} column {item['column']} has a limit and cannot be a gap")
            continue
        gaps.append({"parameter": item["parameter"], "column": item["column"], "notes": str(item.get("notes") or "")})

    bands = []
    for index, item in enumerate(payload.get("factor_bands") or []):
        where = f"factor_bands[{index}]"
        if not isinstance(item, dict) or item.get("factor") not in FACTORS:
            problems.append(f"{where}: an object with factor kq or kf")
            continue
        kind = item.get("water_body_kind") or ""
        if kind not in WATER_BODY_KINDS:
            problems.append(f"{where}.water_body_kind: one of {', '.join(k for k in WATER_BODY_KINDS if k)}")
            continue
        bands.append(
            {
                "factor": item["factor"],
                "water_body_kind": kind,
                "above": _number(item.get("above"), f"{where}.above", problems),
                "up_to": _number(item.get("up_to"), f"{where}.up_to", problems),
                "when_unknown": bool(item.get("when_unknown", False)),
                "value": _number(item.get("value"), f"{where}.value", problems, required=True, positive=True),
                "notes": str(item.get("notes") or ""),
            }
        )
    if problems:
        raise RegulationFileError(problems)
    return {"regulation": regulation, "parameters": parameters, "limits": limits, "factor_bands": bands, "gaps": gaps}


def apply(content: dict, *, Regulation, Parameter, Limit, FactorBand, loaded_from: str = "", sha256: str = "") -> dict:
    """Write validated `content` with the given model classes (real or historical). Returns counts."""
    head = content["regulation"]
    regulation, created = Regulation.objects.get_or_create(code=head["code"], defaults={**head})
    if not created:
        for key, value in head.items():
            setattr(regulation, key, value)
    if _has_field(Regulation, "gaps"):  # historical models before migration 0003 lack it
        regulation.gaps = content.get("gaps", [])
    regulation.loaded_from = loaded_from[:255]
    regulation.loaded_sha256 = sha256
    regulation.save()
    counts = {"regulation_created": created, "parameters": 0, "limits": 0, "limits_removed": 0, "bands": 0}

    next_position = (Parameter.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    by_code = {}
    for item in content["parameters"]:
        parameter = Parameter.objects.filter(code=item["code"]).first()
        if parameter is None:
            parameter = Parameter(code=item["code"], position=next_position)
            next_position += 1
        for key in ("name_vi", "name_en", "unit", "unit_aliases", "code_aliases", "notes"):
            setattr(parameter, key, item[key])
        parameter.save()
        by_code[parameter.code] = parameter
        counts["parameters"] += 1

    wanted = set()
    for item in content["limits"]:
        parameter = by_code.get(item["parameter"]) or Parameter.objects.get(code=item["parameter"])
        fields = {k: v for k, v in item.items() if k not in ("parameter", "column", "flow_above")}
        limit = Limit.objects.filter(
            regulation=regulation, parameter=parameter, column=item["column"], flow_above=item["flow_above"]
        ).first()
        if limit is None:
            limit = Limit(
                regulation=regulation, parameter=parameter, column=item["column"], flow_above=item["flow_above"]
            )
        changed = limit.pk is None or any(getattr(limit, key) != value for key, value in fields.items())
        for key, value in fields.items():
            setattr(limit, key, value)
        if changed:
            limit.save()
        wanted.add(limit.pk)
        counts["limits"] += 1
    for stale in Limit.objects.filter(regulation=regulation).exclude(pk__in=wanted):
        stale.delete()
        counts["limits_removed"] += 1

    for band in FactorBand.objects.filter(regulation=regulation):
        band.delete()
    for item in content["factor_bands"]:
        FactorBand.objects.create(regulation=regulation, **item)
        counts["bands"] += 1
    counts["regulation"] = regulation
    return counts


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def known_parameters(Parameter) -> dict:
    return {p.code: (p.unit, p.unit_aliases or {}) for p in Parameter.objects.all()}
