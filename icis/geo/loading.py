"""Reading and writing administrative-unit files (the format is in docs/provinces.md).

Two shapes are accepted, both dvhcvn-style:

- one province: `{"province": {"code", "name"}, "units": [...]}` (e.g. hanoi-communes-2025.json);
- the country: `{"provinces": [{"code", "name", "units": [...]}, ...]}` (vn-communes-2025.json).

`parse` checks everything first and names the place of each problem; `write` then applies the
result in bulk (a few queries per table, whatever the size), creating what is new and changing only
what differs, so a refresh is idempotent and a renamed commune keeps its code (its key) and links.
`write` takes the model classes as arguments so that the data migration can run it on its
historical models.
"""

from __future__ import annotations

import collections
import json
from dataclasses import dataclass, field
from pathlib import Path

from icis.core.text import search_words

MERGE_TYPES = ("full", "partial")
DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_FILE = DATA_DIR / "vn-communes-2025.json"


@dataclass
class Parsed:
    provinces: dict[str, str] = field(default_factory=dict)
    communes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, province)
    # code → (name, new province, old province code, old province name)
    districts: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    legacy: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, district)
    merges: dict[tuple[str, str], str] = field(default_factory=dict)  # (commune, legacy) → type
    warnings: list[str] = field(default_factory=list)

    def search_text(self, code: str) -> str:
        """The commune's code and name and the names of every old unit merged into it."""
        name, _province = self.communes[code]
        if not hasattr(self, "_by_commune"):
            self._by_commune = collections.defaultdict(list)
            for commune, legacy_code in self.merges:
                self._by_commune[commune].append(legacy_code)
        old = []
        for legacy_code in self._by_commune[code]:
            legacy_name, district = self.legacy[legacy_code]
            district_name, _new, _old_code, old_province = self.districts[district]
            old += [legacy_name, district_name, old_province or ""]
        return search_words(code, name, *dict.fromkeys(old))


def _text(mapping, key: str, where: str) -> str:
    if not isinstance(mapping, dict):
        raise ValueError(f"{where}: expected an object")
    value = mapping.get(key)
    if value in (None, ""):
        raise ValueError(f"{where}: missing '{key}'")
    if not isinstance(value, str):
        raise ValueError(f"{where}: '{key}' must be a string (got {value!r})")
    return value.strip()


def _code(mapping, key: str, where: str) -> str:
    value = _text(mapping, key, where)
    if len(value) > 5:
        raise ValueError(f"{where}: '{key}' {value!r} is longer than 5 characters")
    return value


def _list(mapping, key: str, where: str) -> list:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ValueError(f"{where}: missing '{key}'")
    value = mapping[key]
    if not isinstance(value, list):
        raise ValueError(f"{where}: '{key}' must be a list")
    return value


def parse(payload, *, province: str | None = None) -> Parsed:
    """Check a file's content; `province` picks one province out of a country file."""
    if not isinstance(payload, dict):
        raise ValueError("top level: expected an object with 'province' and 'units', or 'provinces'")
    if "provinces" in payload:
        blocks = [(f"provinces[{i}]", block, block) for i, block in enumerate(_list(payload, "provinces", "top level"))]
    else:
        if not isinstance(payload.get("province"), dict):
            raise ValueError("top level: missing 'province' (or 'provinces' for a file of several)")
        blocks = [("province", payload["province"], payload)]
    parsed = Parsed()
    district_votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    found = False
    for where, head, body in blocks:
        code = _code(head, "code", where)
        name = _text(head, "name", where)
        if province is not None and code != province:
            continue
        found = True
        if code in parsed.provinces:
            raise ValueError(f"{where}: province {code} appears twice")
        parsed.provinces[code] = name
        units_where = "units" if body is payload else f"{where}.units"
        for index, unit in enumerate(_list(body, "units", where)):
            u_where = f"{units_where}[{index}]"
            unit_code = _code(unit, "code", u_where)
            if unit_code in parsed.communes:
                raise ValueError(f"{u_where}: unit {unit_code} appears twice")
            parsed.communes[unit_code] = (_text(unit, "name", u_where), code)
            for m_index, merged in enumerate(_list(unit, "merged_from", u_where)):
                m_where = f"{u_where}.merged_from[{m_index}]"
                merge_type = _text(merged, "type", m_where)
                if merge_type not in MERGE_TYPES:
                    raise ValueError(f"{m_where}: type '{merge_type}' is not one of {list(MERGE_TYPES)}")
                district = _code(merged, "legacy_district_code", m_where)
                district_name = _text(merged, "legacy_district", m_where)
                # absent (a one-province file): keep what an earlier load recorded
                old_province = (merged.get("legacy_province_code") or "").strip() or None
                old_province_name = (merged.get("legacy_province") or "").strip() or None
                known = parsed.districts.get(district)
                if known is None:
                    parsed.districts[district] = (district_name, code, old_province, old_province_name)
                elif known[0] != district_name:
                    parsed.warnings.append(
                        f"{m_where}: district {district} is named '{district_name}' here and "
                        f"'{known[0]}' before; the first name is kept"
                    )
                district_votes[district][code] += 1
                old_code = _code(merged, "code", m_where)
                old_name = _text(merged, "name", m_where)
                known_old = parsed.legacy.get(old_code)
                if known_old is None:
                    parsed.legacy[old_code] = (old_name, district)
                elif known_old[1] != district:
                    raise ValueError(
                        f"{m_where}: old unit {old_code} is in district {district} here "
                        f"and in district {known_old[1]} before"
                    )
                parsed.merges[(unit_code, old_code)] = merge_type
    if province is not None and not found:
        raise ValueError(f"province {province} is not in the file")
    # An old district split between new provinces belongs to the one that took most of its communes.
    for district, votes in district_votes.items():
        if len(votes) > 1:
            winner = votes.most_common(1)[0][0]
            name, _code_, old_code, old_name = parsed.districts[district]
            parsed.districts[district] = (name, winner, old_code, old_name)
            parsed.warnings.append(
                f"district {district} ({name}) went to provinces {', '.join(sorted(votes))}; "
                f"it is filed under {winner}, which took most of it"
            )
    return parsed


def read_file(path: Path, *, province: str | None = None) -> Parsed:
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    return parse(payload, province=province)


def _apply(model, wanted: dict, fields: tuple[str, ...], *, create_only=(), bulk) -> tuple[int, int]:
    """Create the rows of `wanted` (pk → field values) that are missing; update those that differ."""
    existing = model.objects.in_bulk(list(wanted))
    new, changed = [], []
    for pk, values in wanted.items():
        row = existing.get(pk)
        if row is None:
            new.append(model(pk=pk, **{k: "" if v is None else v for k, v in values.items()}))
            continue
        dirty = False
        for name in fields:
            if name in create_only or values[name] is None:
                continue
            if getattr(row, name) != values[name]:
                setattr(row, name, values[name])
                dirty = True
        if dirty:
            changed.append(row)
    if new:
        bulk.create(new, model)
    if changed:
        bulk.update(changed, model, [f for f in fields if f not in create_only])
    return len(new), len(changed)


class PlainBulk:
    """Bulk writes without history rows (the data migration)."""

    def create(self, rows, model):
        model.objects.bulk_create(rows, batch_size=500)

    def update(self, rows, model, fields):
        model.objects.bulk_update(rows, fields, batch_size=500)

    def delete(self, queryset):
        queryset.delete()


def write(parsed: Parsed, *, models, bulk=None) -> dict:
    """Apply `parsed` with the given model classes (a namespace with Province, LegacyDistrict,
    LegacyCommune, Commune, CommuneMerge). Returns counts of what was created and changed."""
    bulk = bulk or PlainBulk()
    counts = {}
    counts["provinces"] = _apply(
        models.Province, {c: {"name": n} for c, n in parsed.provinces.items()}, ("name",), bulk=bulk
    )
    for district in models.LegacyDistrict.objects.filter(pk__in=list(parsed.districts)):
        name, province, old_code, old_name = parsed.districts[district.pk]
        if old_name is None:
            old = (district.legacy_province_code, district.legacy_province_name)
            parsed.districts[district.pk] = (name, province, *old)
    counts["legacy_districts"] = _apply(
        models.LegacyDistrict,
        {
            c: {"name": n, "province_id": p, "legacy_province_code": oc, "legacy_province_name": on}
            for c, (n, p, oc, on) in parsed.districts.items()
        },
        ("name", "province_id", "legacy_province_code", "legacy_province_name"),
        # a refresh of one province never moves another province's district
        create_only=("province_id",),
        bulk=bulk,
    )
    counts["legacy_communes"] = _apply(
        models.LegacyCommune,
        {c: {"name": n, "district_id": d} for c, (n, d) in parsed.legacy.items()},
        ("name", "district_id"),
        bulk=bulk,
    )
    counts["communes"] = _apply(
        models.Commune,
        {
            code: {"name": name, "province_id": province, "search_text": parsed.search_text(code)}
            for code, (name, province) in parsed.communes.items()
        },
        ("name", "province_id", "search_text"),
        bulk=bulk,
    )
    merges = models.CommuneMerge.objects.filter(commune_id__in=list(parsed.communes))
    existing = {(m.commune_id, m.legacy_commune_id): m for m in merges}
    new = [
        models.CommuneMerge(commune_id=c, legacy_commune_id=old, merge_type=t)
        for (c, old), t in parsed.merges.items()
        if (c, old) not in existing
    ]
    changed = []
    for key, row in existing.items():
        wanted = parsed.merges.get(key)
        if wanted is not None and row.merge_type != wanted:
            row.merge_type = wanted
            changed.append(row)
    stale = [row.pk for key, row in existing.items() if key not in parsed.merges]
    if new:
        bulk.create(new, models.CommuneMerge)
    if changed:
        bulk.update(changed, models.CommuneMerge, ["merge_type"])
    if stale:
        bulk.delete(models.CommuneMerge.objects.filter(pk__in=stale))
    counts["merges"] = (len(new), len(changed), len(stale))
    return counts
