"""The attention list grouped for the dashboard: each kind with its count and its first items."""

from dataclasses import dataclass, field

from icis.core.attention import Item, collect

SHOWN_PER_KIND = 5


@dataclass
class Group:
    kind: str
    label: str
    severity: int
    items: list[Item] = field(default_factory=list)

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN_PER_KIND]

    @property
    def more(self) -> int:
        return max(len(self.items) - SHOWN_PER_KIND, 0)


def grouped(user, today=None) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in collect(user, today):
        group = groups.setdefault(item.kind, Group(item.kind, item.label, item.severity))
        group.items.append(item)
    return sorted(groups.values(), key=lambda g: (g.severity, -len(g.items), g.label))
