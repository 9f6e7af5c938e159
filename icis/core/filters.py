"""Filters shared by the list pages, the API and the exports."""

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.db.models.constants import LOOKUP_SEP
from django_filters.constants import EMPTY_VALUES

from .text import word_starts


class WordStartsFilter(django_filters.CharFilter):
    """Free-text search ignoring case and diacritics: every word of the query must start a word of
    the stored, folded `search_field` ("dong phu yen" finds "Đông Phú Yên")."""

    def __init__(self, *args, search_field: str = "search_text", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_field = search_field

    def filter(self, qs, value):
        for start in word_starts(value or ""):
            qs = qs.filter(**{f"{self.search_field}__contains": start})
        return qs


class OrderingFilter(django_filters.OrderingFilter):
    """The `ordering` parameter of a list, with empty cells last in either direction on every database
    (PostgreSQL puts NULLs first when descending, SQLite first when ascending). Columns that cannot be
    empty keep a plain order, so their indexes still serve it."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        names = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        return qs.order_by(*[_empty_last(qs.model, name) for name in names])


def _empty_last(model, name: str):
    path = name.removeprefix("-")
    if not _may_be_empty(model, path):
        return name
    return F(path).desc(nulls_last=True) if name.startswith("-") else F(path).asc(nulls_last=True)


def _may_be_empty(model, path: str) -> bool:
    """Whether `path` (a field, or one across relations) can read NULL: a nullable field on the way, or a name
    that is not a field (an annotation), which might."""
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if field.null:
            return True
        model = field.related_model
        if model is None:
            return False
    return False
