"""What needs a decision: each app contributes a provider (from its AppConfig.ready()) that lists the
records a user should act on; the dashboard and /api/dashboard/attention/ show them together, most
urgent first. core names no app: providers register themselves.

A provider is `provider(user, today) -> Iterable[Item]`, reading only what the user may see.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Provider = Callable[..., Iterable["Item"]]

_providers: dict[str, Provider] = {}


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


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name) a provider; called from an AppConfig.ready()."""
    _providers[name] = provider


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
