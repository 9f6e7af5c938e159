import types

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from icis.core import channel
from icis.core.audit import current_user

from . import loading
from .models import Commune, CommuneMerge, LegacyCommune, LegacyDistrict, Province

MODELS = types.SimpleNamespace(
    Province=Province,
    LegacyDistrict=LegacyDistrict,
    LegacyCommune=LegacyCommune,
    Commune=Commune,
    CommuneMerge=CommuneMerge,
)


class _HistoryBulk:
    """Bulk writes that keep the field-level history (who, which interface) like single saves do."""

    def _attrs(self):
        return {"history_channel": channel.current()}

    def create(self, rows, model):
        bulk_create_with_history(
            rows, model, batch_size=500, default_user=current_user(), custom_historical_attrs=self._attrs()
        )

    def update(self, rows, model, fields):
        bulk_update_with_history(
            rows, model, fields, batch_size=500, default_user=current_user(), custom_historical_attrs=self._attrs()
        )

    def delete(self, queryset):
        for row in queryset:
            row.delete()


class _DryRun(Exception):
    pass


def _summary(parsed: loading.Parsed, written: dict) -> dict:
    return {
        "provinces": len(parsed.provinces),
        "communes": len(parsed.communes),
        "legacy_districts": len(parsed.districts),
        "legacy_communes": len(parsed.legacy),
        "merges": len(parsed.merges),
        "written": written,
        "warnings": parsed.warnings,
    }


def admin_units_load(*, payload: dict, province: str | None = None, dry_run: bool = False) -> dict:
    """Create or refresh the units of a province file, or of `province` (or all) in a country file.

    All or nothing; a refresh changes only what differs (a renamed commune keeps its code, links
    and mountainous flag). Returns the counts in the file, what was created/changed, and warnings.
    """
    parsed = loading.parse(payload, province=province)
    written = {}
    try:
        with transaction.atomic():
            written = loading.write(parsed, models=MODELS, bulk=_HistoryBulk())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return _summary(parsed, written)


SETTINGS_FIELDS = (
    "briefing_parent",
    "briefing_issuer",
    "briefing_place",
    "form04_sender",
    "form04_recipients",
    "form03_recipients",
    "signer_title",
    "signer_name",
    "establishment_area_unit",
    "new_clusters_since",
    "new_clusters_source",
    "enquiry_retention_days",
)


def province_settings_save(*, province, data: dict, mountainous=None, mountainous_source: str = "") -> dict:
    """Save a province's settings (only the fields that changed) and, when `mountainous` (communes of the
    province) is given, which of its communes are mountainous: those named become mountainous with
    `mountainous_source`; communes recorded mountainous before and no longer named return to "not
    recorded". All or nothing. Returns what changed."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import ProvinceSettings

    changed = {"settings": [], "mountainous_added": [], "mountainous_removed": []}
    with transaction.atomic():
        row = ProvinceSettings.objects.select_for_update().filter(province=province).first()
        row = row or ProvinceSettings(province=province)
        for name in SETTINGS_FIELDS:
            if name in data and getattr(row, name) != data[name]:
                setattr(row, name, data[name])
                changed["settings"].append(name)
        row.full_clean()
        if changed["settings"] or row._state.adding:
            row.save()
        if mountainous is not None:
            wanted = {c.pk for c in mountainous}
            foreign = [c.name for c in mountainous if c.province_id != province.pk]
            if foreign:
                raise ValidationError(
                    {
                        "mountainous": _("Not communes of %(province)s: %(names)s")
                        % {"province": province.name, "names": ", ".join(foreign)}
                    }
                )
            if wanted and not mountainous_source.strip():
                raise ValidationError(
                    {"mountainous_source": _("Name the decision that classifies the communes as mountainous.")}
                )
            for commune in Commune.objects.filter(province=province).filter(_mountainous_changes(wanted)):
                if commune.pk in wanted:
                    commune.mountainous, commune.mountainous_source = True, mountainous_source.strip()
                    changed["mountainous_added"].append(commune.name)
                else:
                    commune.mountainous, commune.mountainous_source = None, ""
                    changed["mountainous_removed"].append(commune.name)
                commune.save()
    return changed


def _mountainous_changes(wanted):
    """Communes whose flag the choice changes: named but not yet mountainous, or mountainous and not named."""
    from django.db.models import Q

    return (Q(pk__in=wanted) & ~Q(mountainous=True)) | (Q(mountainous=True) & ~Q(pk__in=wanted))
