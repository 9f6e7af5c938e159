"""A save changes only what the user changed: which submitted values really differ from the stored ones."""

from decimal import Decimal, InvalidOperation

from django.db import models


def differs(old, new) -> bool:
    """Whether a submitted value changes the stored one (2 == 2.00 for areas; an object vs its id)."""
    if isinstance(old, Decimal) and new is not None and not isinstance(new, Decimal):
        try:
            new = Decimal(str(new))
        except (InvalidOperation, ValueError):
            return True
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) != getattr(new, "pk", new)
    return old != new


def apply_changes(obj, data: dict) -> dict:
    """Set on `obj` only the values that differ; returns them (empty: nothing to save, no new version)."""
    changed = {}
    for field, value in data.items():
        if differs(getattr(obj, field), value):
            setattr(obj, field, value)
            changed[field] = value
    return changed


IGNORED = {"version", "updated_at", "created_at", "search_text", "sort_name"}


def unchanged(obj) -> bool:
    """Whether `obj` (edited in memory) still equals its stored row: then an update writes nothing,
    makes no new version and no history row. Bookkeeping columns are not compared."""
    if obj.pk is None:
        return False
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    if stored is None:
        return False
    for field in obj._meta.concrete_fields:
        if field.name in IGNORED or field.primary_key:
            continue
        if differs(getattr(stored, field.attname), getattr(obj, field.attname)):
            return False
    return True
