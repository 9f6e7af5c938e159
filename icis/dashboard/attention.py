"""The attention list grouped for the dashboard: each kind with its count and its first items."""

from icis.core.attention import Group, summarise

SHOWN_PER_KIND = 5

__all__ = ["Group", "SHOWN_PER_KIND", "grouped"]


def grouped(user, today=None) -> list[Group]:
    """Each kind's count and first items (counted in the database where the provider can)."""
    return summarise(user, today, SHOWN_PER_KIND)
