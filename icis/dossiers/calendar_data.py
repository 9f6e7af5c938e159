"""Loading the shipped holiday file. Imports no model, so the data migration can use it with the
historical models and the `load_holidays` command with the real ones."""

import datetime
import json
from pathlib import Path

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "vn-holidays.json"
# HolidayKind's values, repeated here because this module imports no model.
HOLIDAY_KINDS = ("fixed", "tet", "hung_kings", "national_day_adjacent", "swap", "compensation", "other")


def read(path: Path | str = HOLIDAYS_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    for key in ("holidays", "working_days"):
        if not isinstance(payload.get(key), list):
            raise ValueError(f"{path}: '{key}' must be a list")
        for entry in payload[key]:
            datetime.date.fromisoformat(entry["date"])
    for entry in payload["holidays"]:
        if entry.get("kind", "other") not in HOLIDAY_KINDS:
            raise ValueError(f"{path}: {entry['date']}: unknown kind {entry.get('kind')!r}")
    return payload


def _sync(model, entries, fields, *, dry_run, on_create=None, on_update=None) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for entry in entries:
        day = datetime.date.fromisoformat(entry["date"])
        wanted = {field: entry.get(field, DEFAULTS.get(field, "")) for field in fields}
        wanted["confirmed"] = bool(entry.get("confirmed", True))
        row = model.objects.filter(date=day).first()
        if row is None:
            counts["created"] += 1
            if not dry_run:
                row = model.objects.create(date=day, **wanted)
                if on_create:
                    on_create(row)
            continue
        if row.confirmed and not wanted["confirmed"]:
            # An officer confirmed it since the file was written: the file does not take that back.
            wanted["confirmed"] = True
        changed = {field: value for field, value in wanted.items() if getattr(row, field) != value}
        if not changed:
            counts["unchanged"] += 1
            continue
        counts["updated"] += 1
        if not dry_run:
            for field, value in changed.items():
                setattr(row, field, value)
            row.save()
            if on_update:
                on_update(row)
    return counts


DEFAULTS = {"kind": "other"}


def _has(model, field: str) -> bool:
    """Whether the (possibly historical) model has the field: older migrations load this file too."""
    return any(f.name == field for f in model._meta.get_fields())


def load(
    payload: dict, *, holiday_model, override_model, dry_run: bool = False, on_create=None, on_update=None
) -> dict:
    """Create or update every entry of the file (idempotent); returns counts per table."""
    holiday_fields = ("name", "source", "note", *(("kind",) if _has(holiday_model, "kind") else ()))
    hooks = {"dry_run": dry_run, "on_create": on_create, "on_update": on_update}
    return {
        "holidays": _sync(holiday_model, payload["holidays"], holiday_fields, **hooks),
        "working_days": _sync(override_model, payload["working_days"], ("decision", "note"), **hooks),
    }
