"""Writes in bulk that leave what the services leave: the checks of `full_clean` without their per-row queries,
and the field history (django-simple-history) of objects created or changed a batch at a time.

Used by the registry import (icis/registry_io/bulk.py) and the tenant import (icis/tenancy/bulk.py). Each proves in
its tests that its bulk path writes the same rows and the same history as its services row by row.
"""

from collections.abc import Iterable

from icis.core import channel

BATCH = 1000


def clean(obj, *, exclude: Iterable[str] = ()) -> None:
    """`full_clean` without what costs a query per row and the importer has made sure of otherwise: the uniqueness
    of its keys (checked against the file and the database by the import), the objects its foreign keys point to
    (loaded from the database or just written), and the check constraints (enforced by the database on insert).
    `exclude`: fields already cleaned one by one (the cells of a row)."""
    related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=[*related, *exclude], validate_unique=False, validate_constraints=False)


def history(model, objs, *, actor, update: bool = False) -> list:
    """Historical records of `objs` as their saves would write them (the user, the current channel, no change
    reason), in the order of `objs`."""
    if not objs:
        return []
    return model.history.bulk_history_create(
        objs,
        batch_size=BATCH,
        update=update,
        default_user=actor,
        default_change_reason=None,
        custom_historical_attrs={"history_channel": channel.current()},
    )
