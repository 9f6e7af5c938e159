from django.db import transaction

from .models import Commune, CommuneMerge, LegacyCommune, LegacyDistrict, MergeType, Province


class _DryRun(Exception):
    pass


def _require(mapping: dict, key: str, where: str):
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        raise ValueError(f"{where}: missing '{key}'")
    return mapping[key]


def admin_units_load(*, payload: dict, dry_run: bool = False) -> dict:
    """Upsert one province's units from the dvhcvn-style document; all or nothing."""
    province_data = _require(payload, "province", "top level")
    units = _require(payload, "units", "top level")
    counts = {"communes": 0, "legacy_districts": 0, "legacy_communes": 0, "merges": 0}
    try:
        with transaction.atomic():
            province, _ = Province.objects.update_or_create(
                code=_require(province_data, "code", "province"),
                defaults={"name": _require(province_data, "name", "province")},
            )
            districts, legacy = set(), set()
            for index, unit in enumerate(units):
                where = f"units[{index}]"
                commune, _ = Commune.objects.update_or_create(
                    code=_require(unit, "code", where),
                    defaults={"name": _require(unit, "name", where), "province": province},
                )
                counts["communes"] += 1
                for m_index, merged in enumerate(_require(unit, "merged_from", where)):
                    m_where = f"{where}.merged_from[{m_index}]"
                    merge_type = _require(merged, "type", m_where)
                    if merge_type not in MergeType.values:
                        raise ValueError(f"{m_where}: type '{merge_type}' is not one of {MergeType.values}")
                    district_code = _require(merged, "legacy_district_code", m_where)
                    if district_code not in districts:
                        LegacyDistrict.objects.update_or_create(
                            code=district_code,
                            defaults={
                                "name": _require(merged, "legacy_district", m_where),
                                "province": province,
                            },
                        )
                        districts.add(district_code)
                    old_code = _require(merged, "code", m_where)
                    if old_code not in legacy:
                        LegacyCommune.objects.update_or_create(
                            code=old_code,
                            defaults={
                                "name": _require(merged, "name", m_where),
                                "district_id": district_code,
                            },
                        )
                        legacy.add(old_code)
                    CommuneMerge.objects.update_or_create(
                        commune=commune, legacy_commune_id=old_code, defaults={"merge_type": merge_type}
                    )
                    counts["merges"] += 1
            counts["legacy_districts"] = len(districts)
            counts["legacy_communes"] = len(legacy)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts
