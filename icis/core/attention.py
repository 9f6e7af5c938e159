"""What needs a decision: each app contributes a provider (from its AppConfig.ready()) that lists the
records a user should act on; the dashboard and /api/dashboard/attention/ show them together, most
urgent first. core names no app: providers register themselves.

A provider is `provider(user, today) -> Iterable[Item]`, reading only what the user may see.

The dashboard shows each kind's count and its first few items (`summarise`). At national size a kind
can hold thousands of records, so a provider may also register a summary, `summary(user, today, limit)
-> Iterable[Group]`, that counts in the database and builds only the first `limit` items of each kind
(`first` does the ordering); it must give what grouping the provider's own items gives
(`group_items`), and the apps' tests check that it does. A provider without one is grouped in Python.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import Rank

Provider = Callable[..., Iterable["Item"]]
Summary = Callable[..., Iterable["Group"]]

_providers: dict[str, Provider] = {}
_summaries: dict[str, Summary] = {}


@dataclass(frozen=True)
class Item:
    kind: str  # a code, e.g. "stalled", "violation_overdue"
    label: str  # the kind in the user's language
    title: str  # the record, as people name it
    detail: str  # why it needs attention, in words
    url: str  # where to act on it
    since: datetime.date | None  # since when (a deadline passed, the last progress)
    severity: int = 2  # 1: past a legal or set deadline; 2: a warning; 3: to check

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "record": self.title,
            "detail": self.detail,
            "link": self.url,
            "since": self.since.isoformat() if self.since else None,
            "severity": self.severity,
        }


@dataclass
class Group:
    """One kind of the list: how many records it holds and the first few of them, oldest first."""

    kind: str
    label: str
    severity: int
    count: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def shown(self) -> list[Item]:
        return self.items

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


def item_order(item: Item) -> tuple:
    """The order within a kind (severity and label are the kind's): the oldest first, then by record."""
    return (item.since or datetime.date.max, item.title)


def register(name: str, provider: Provider, summary: Summary | None = None) -> None:
    """Add (or replace, by name) a provider, with its summary if it has one; called from an AppConfig.ready()."""
    _providers[name] = provider
    if summary is None:
        _summaries.pop(name, None)
    else:
        _summaries[name] = summary


def providers() -> dict[str, Provider]:
    return dict(_providers)


def collect(user, today: datetime.date | None = None) -> list[Item]:
    """Every provider's items for `user`, most urgent first: severity, then the oldest first."""
    from django.utils import timezone

    today = today or timezone.localdate()
    items: list[Item] = []
    for provider in _providers.values():
        items.extend(provider(user, today))
    return sorted(items, key=lambda i: (i.severity, i.since or datetime.date.max, i.label, i.title))


def group_items(items: Iterable[Item], limit: int) -> list[Group]:
    """Items grouped by kind: each kind's count and its first `limit` items in `item_order`."""
    groups: dict[str, Group] = {}
    kept: dict[str, list[Item]] = {}
    for item in items:
        group = groups.setdefault(item.kind, Group(item.kind, item.label, item.severity))
        group.count += 1
        kept.setdefault(item.kind, []).append(item)
    for kind, group in groups.items():
        group.items = sorted(kept[kind], key=item_order)[:limit]
    return list(groups.values())


def first(queryset, *, since: str, limit: int, build: Callable[..., Item]) -> list[Item]:
    """The first `limit` items of one kind, one per row of `queryset`, in `item_order`, reading only the
    rows up to the `limit`-th date (`since`: a field or annotation; ties on that date included, so the
    title decides among them as it does in the whole list). Two queries whatever the number of rows."""
    if limit <= 0:
        return []
    dates = list(queryset.order_by(F(since).asc(nulls_last=True)).values_list(since, flat=True)[:limit])
    if not dates:
        return []
    rows = queryset if dates[-1] is None else queryset.filter(**{f"{since}__lte": dates[-1]})
    return sorted((build(row) for row in rows), key=item_order)[:limit]


def counted_first(
    queryset, *, since: str, limit: int, build: Callable[..., Item], title: str | None = None
) -> tuple[int, list[Item]]:
    """How many rows `queryset` holds and `first`'s items. Each row is ranked by `since` (ties share a
    rank, NULLs last) and the whole set counted, in a window, before the rows past the `limit`-th rank are
    dropped: the rows kept are exactly `first`'s (those up to the `limit`-th date, ties included). A
    `values()` queryset (narrow rows the caller chose) is read in that one query; model rows in two (the
    ranking reads only keys, so the joins and wide columns are read for the kept rows alone).

    `title`, for a `values()` queryset whose items take their date from `since` and their title from that
    field: the rows are put in `item_order` before any is built, and only the first `limit` are (many
    rows can share the `limit`-th date; wording each of them costs more than the query)."""
    if limit <= 0:
        return queryset.count(), []
    ranked = queryset.order_by().annotate(
        _rank=Window(Rank(), order_by=F(since).asc(nulls_last=True)),
        _count=Window(Count("pk")),
    )
    if queryset.query.values_select:
        rows = list(ranked.filter(_rank__lte=limit))
        total = rows[0]["_count"] if rows else 0
        if title is not None:
            rows = sorted(rows, key=lambda row: (row[since] or datetime.date.max, row[title]))[:limit]
    else:
        keys = list(ranked.filter(_rank__lte=limit).values_list("pk", "_count"))
        total = keys[0][1] if keys else 0
        rows = list(queryset.filter(pk__in=[pk for pk, _ in keys])) if keys else []
    return total, sorted((build(row) for row in rows), key=item_order)[:limit]


def summarise(user, today: datetime.date | None = None, limit: int = 5) -> list[Group]:
    """Every provider's kinds for `user`, each with its count and first `limit` items; most urgent first
    (severity, then the kinds with most records)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    groups: list[Group] = []
    for name, provider in _providers.items():
        summary = _summaries.get(name)
        found = summary(user, today, limit) if summary else group_items(provider(user, today), limit)
        groups.extend(group for group in found if group.count)
    return sorted(groups, key=lambda g: (g.severity, -g.count, g.label))
