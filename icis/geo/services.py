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
