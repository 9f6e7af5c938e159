"""How fresh a figure is: when it was last updated, from which report or document, and whether it is stale.

Any page can show it next to a figure with `{% include "includes/freshness.html" with f=... %}`.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Freshness:
    updated_on: datetime.date | None
    source: str
    age_days: int | None
    stale: bool
    stale_after_days: int

    def __bool__(self):
        return self.updated_on is not None or bool(self.source)


def freshness(
    *, updated_on: datetime.date | None, source: str, today: datetime.date | None = None, stale_days: int | None = None
) -> Freshness:
    """`updated_on` is the date the figure describes (a report's date, a decision's date), not when it was typed in.

    A figure with no date is stale: nobody can say how old it is.
    """
    limit = settings.ICIS_STALE_DAYS if stale_days is None else stale_days
    today = today or timezone.localdate()
    if updated_on is None:
        return Freshness(None, source, None, True, limit)
    age = (today - updated_on).days
    return Freshness(updated_on, source, age, age > limit, limit)
