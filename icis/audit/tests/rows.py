"""One row of every audited model, for tests that must cover them all (history pages, the API schema).

The Hanoi demo first; for each model it leaves empty, a generic row with a plausible value in each
required field and nothing in the optional ones (which is what exposes fields documented as never null).
"""

import datetime
import itertools
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from icis.audit import selectors

_serial = itertools.count(1)
# Rows whose check constraints or validators constrain fields: values that satisfy them.
CONSISTENT = {
    "awards.Nomination": {"year": 2025},
    "environment.SampleValue": {"qualifier": "", "value": Decimal(1)},
    "environment.TenantConnection": {"kind": "own_treatment"},
    "tenancy.Submission": {"form": "02"},
    "tenancy.Tenant": {"tax_code": "0100000001"},  # validated on input; a bare create would skip that
}


def _value(field):
    """A plausible value for a required field with no default (the first choice where there are choices)."""
    if field.choices:
        return field.choices[0][0]
    n = next(_serial)
    if isinstance(field, models.ForeignKey):
        return _existing_or_built(field.related_model)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.IntegerField | models.FloatField):
        lowest = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
        return max([1, *lowest])  # a year field accepts 2000 and later, not 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return f"test/{n}.jpg"
    if isinstance(field, models.CharField | models.TextField):
        return f"T{n}"[: field.max_length or None]
    raise TypeError(f"no test value for {field!r}")


def _existing_or_built(model):
    return model._default_manager.order_by("pk").first() or _built(model)


def _built(model):
    values = dict(CONSISTENT.get(model._meta.label, {}))
    for field in model._meta.concrete_fields:
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        optional = field.null or field.has_default() or field.blank and not isinstance(field, models.ForeignKey)
        if field.name in values or field.primary_key or automatic or optional:
            continue
        values[field.attname if isinstance(field, models.ForeignKey) else field.name] = (
            _value(field).pk if isinstance(field, models.ForeignKey) else _value(field)
        )
    return model._default_manager.create(**values)


def one_of_each() -> dict:
    """A row of every audited model: the Hanoi demo first, a generic row for what it lacks."""
    call_command("load_demo", stdout=StringIO())
    objects, unbuildable = {}, {}
    for model in selectors.audited_models():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            try:
                with transaction.atomic():
                    obj = _built(model)
            except Exception as error:  # noqa: BLE001 - reported below, by model
                unbuildable[model._meta.label] = repr(error)
                continue
        objects[model] = obj
    assert not unbuildable, f"no test row could be made for: {unbuildable}"
    return objects
