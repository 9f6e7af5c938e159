"""Each sample's overall verdict kept (`SampleVerdict`), so that a plant's standing reads one column.

Judging a sample (`compliance.Catalogue.judge_sample`) is Python over its values, its plant and the
regulation catalogue: about half a millisecond each, which the environment summary paid for every plant's
latest sample on every read. The verdict depends only on the sample (date, point, values, values not
judged), its plant (commissioning date, Kq/Kf, receiving class, flow) and the catalogue, so it is kept:

Writes mark: every save or delete of a sample value, a save of a sample (created rows included) and a
save of a plant mark the rows of those samples stale, in the write's own transaction, with an upsert
(`INSERT … ON CONFLICT DO UPDATE`): a reader that is inserting or recomputing the same row makes the
write wait for it, and the other way round, so no recompute that read the data before a write committed
is left standing (the same reasoning as `icis.tenancy.kept`). A deleted sample takes its row along
(cascade). Every save or delete of a regulation, limit, parameter or factor band raises the one
`CatalogueVersion` number; a row judged with another number is not used. Bulk writes that send no
signal (`icis.synthetic`) add samples without rows: those are computed when first read.

Reads recompute: `outcomes(sample_ids)` answers each sample's outcome, first recomputing (under the
rows' locks, with the catalogue, samples and plants read after taking them) the rows that are missing,
stale or of another catalogue version. Two queries when none needs it, ten when some do, whatever the
number of samples. Which sample is a plant's latest on a day, and everything that depends on the day
(the plant's status, the monitoring requirement, the cut-off), is still read from the rows themselves
(`selectors.plant_standings`).
"""

import threading

from django.db import connections, router, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.signals import post_delete, post_save, pre_delete

from .compliance import Catalogue
from .models import (
    CatalogueVersion,
    FactorBand,
    Limit,
    Parameter,
    Regulation,
    Sample,
    SampleValue,
    SampleVerdict,
    WastewaterPlant,
)

CATALOGUE_MODELS = (Regulation, Limit, Parameter, FactorBand)
_deleting = threading.local()  # the samples being deleted now: their values' deletes mark nothing


def catalogue_version() -> int:
    return CatalogueVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def outcomes(sample_ids) -> dict[int, str]:
    """Each sample's overall outcome (`Judgement.outcome`), as `Catalogue.judge_sample` gives it now."""
    ids = sorted(set(sample_ids) - {None})
    if not ids:
        return {}
    number = catalogue_version()
    found = dict(
        SampleVerdict.objects.filter(sample_id__in=ids, stale=False, catalogue_version=number).values_list(
            "sample_id", "outcome"
        )
    )
    if len(found) < len(ids):
        found.update(recompute([pk for pk in ids if pk not in found]))
    return found


def recompute(sample_ids) -> dict[int, str]:
    """Judge the samples of `sample_ids` whose rows are missing, stale or of another catalogue version
    (rows created when missing), under the rows' locks; returns the outcomes of all of them."""
    ids = sorted(set(sample_ids))
    using = router.db_for_write(SampleVerdict)
    with transaction.atomic(using=using):
        _upsert(ids, using, stale_again=False)
        number = catalogue_version()
        rows = SampleVerdict.objects.filter(sample_id__in=ids)
        locked = list(
            rows.filter(Q(stale=True) | ~Q(catalogue_version=number))
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        result = {}
        if locked:
            # read after the locks: a write that marked these rows has committed by now
            catalogue = Catalogue.load()
            samples = Sample.objects.filter(pk__in=locked).select_related("plant").prefetch_related("values")
            result = {sample.pk: catalogue.judge_sample(sample, sample.plant).outcome for sample in samples}
            if result:
                SampleVerdict.objects.filter(pk__in=list(result)).update(
                    outcome=Case(
                        *[When(pk=pk, then=Value(outcome)) for pk, outcome in result.items()], output_field=CharField()
                    ),
                    stale=False,
                    catalogue_version=number,
                )
        rest = [pk for pk in ids if pk not in result]
        result.update(rows.filter(sample_id__in=rest).values_list("sample_id", "outcome"))
    return result


def _upsert(sample_ids, using: str, *, stale_again: bool, plant_id: int | None = None) -> None:
    """A stale row for each sample of `sample_ids` (or of the plant `plant_id`) that exists and has none; with
    `stale_again`, existing rows are marked stale too. One statement (INSERT … SELECT … ON CONFLICT)."""
    connection = connections[using]
    table = connection.ops.quote_name(SampleVerdict._meta.db_table)
    samples = connection.ops.quote_name(Sample._meta.db_table)
    if plant_id is not None:
        where, params = "plant_id = %s", [plant_id]
    else:
        if not sample_ids:
            return
        where, params = f"id IN ({', '.join(['%s'] * len(sample_ids))})", list(sample_ids)
    conflict = "DO UPDATE SET stale = TRUE" if stale_again else "DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (sample_id, outcome, stale, catalogue_version) "
            f"SELECT id, '', TRUE, 0 FROM {samples} WHERE {where} ORDER BY id ON CONFLICT (sample_id) {conflict}",
            params,
        )


def mark_stale(sample_ids=(), *, plant_id: int | None = None) -> None:
    """Mark the rows of `sample_ids` (or of every sample of the plant `plant_id`) stale, creating them stale
    when missing, taking their row locks until the write commits."""
    ids = sorted(set(sample_ids) - {None} - getattr(_deleting, "ids", set()))
    if ids or plant_id is not None:
        _upsert(ids, router.db_for_write(SampleVerdict), stale_again=True, plant_id=plant_id)


def bump_catalogue(**kwargs) -> None:
    """Raise the catalogue version (its row made by the first change: a fresh database holds no row, 0)."""
    if not CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1):
        _row, created = CatalogueVersion.objects.get_or_create(pk=1, defaults={"number": 1})
        if not created:  # made meanwhile by another change: raise it past that one's number
            CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1)


def _sample_saved(sender, instance, **kwargs):
    mark_stale([instance.pk])


def _sample_deleting(sender, instance, **kwargs):
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    _deleting.ids.add(instance.pk)


def _sample_deleted(sender, instance, **kwargs):
    getattr(_deleting, "ids", set()).discard(instance.pk)


def _value_written(sender, instance, **kwargs):
    mark_stale([instance.sample_id])


def _plant_saved(sender, instance, created=False, **kwargs):
    if not created:
        mark_stale(plant_id=instance.pk)


def connect() -> None:
    post_save.connect(_sample_saved, sender=Sample, dispatch_uid="environment-kept-sample-saved")
    pre_delete.connect(_sample_deleting, sender=Sample, dispatch_uid="environment-kept-sample-deleting")
    post_delete.connect(_sample_deleted, sender=Sample, dispatch_uid="environment-kept-sample-deleted")
    post_save.connect(_value_written, sender=SampleValue, dispatch_uid="environment-kept-value-saved")
    post_delete.connect(_value_written, sender=SampleValue, dispatch_uid="environment-kept-value-deleted")
    post_save.connect(_plant_saved, sender=WastewaterPlant, dispatch_uid="environment-kept-plant-saved")
    for model in CATALOGUE_MODELS:
        name = model._meta.model_name
        post_save.connect(bump_catalogue, sender=model, dispatch_uid=f"environment-kept-{name}-saved")
        post_delete.connect(bump_catalogue, sender=model, dispatch_uid=f"environment-kept-{name}-deleted")
