"""Filters shared by the list pages, the API and the exports."""

import django_filters

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
