"""Circular 14/2024 reporting periods: half-year 15/12–14/06, annual 15/12–14/12, and the deadlines.

Circular 14 Art 3.3 words every deadline as "trước ngày …" (before the day): a report is on time only
if it is sent on an earlier day. `deadline()` returns the day the circular names; a report sent on it
or later is late (`is_late`), and an unsent report is overdue from that day on.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from icis.core import formats

CODE = re.compile(r"^(?P<year>\d{4})-(?P<kind>H1|Y)$")
# The day named after "trước ngày" (day, month) per form, half-year and annual (Circular 14 Art 3.3).
DEADLINES = {
    "01": ((20, 6), (20, 12)),
    "02": ((20, 6), (20, 12)),
    "03": ((25, 6), (25, 12)),
    "04": ((30, 6), (31, 12)),
}


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    kind: str  # "H1" or "Y"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year - 1, 12, 15)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 14) if self.kind == "H1" else datetime.date(self.year, 12, 14)

    def deadline(self, form: str) -> datetime.date:
        """The day the circular names after "trước ngày": the report must be sent before it."""
        half, annual = DEADLINES[form]
        day, month = half if self.kind == "H1" else annual
        return datetime.date(self.year, month, day)

    def last_day_on_time(self, form: str) -> datetime.date:
        return self.deadline(form) - datetime.timedelta(days=1)

    def is_late(self, form: str, sent_on: datetime.date) -> bool:
        """Sent on the named day or after it: late, since the circular says "trước ngày" (before)."""
        return sent_on >= self.deadline(form)

    def deadline_text(self, form: str) -> str:
        """The deadline as the form prints it, in the circular's words: "Trước ngày 20/06/2026"."""
        return f"Trước ngày {formats.date(self.deadline(form))}"

    @property
    def label(self) -> str:
        if self.kind == "H1":
            return _("first half of %(year)s") % {"year": self.year}
        return _("year %(year)s") % {"year": self.year}

    def __str__(self):
        return self.code


def parse(code: str) -> Period:
    match = CODE.match((code or "").strip())
    if not match or not 2000 <= int(match["year"]) <= 2100:
        raise ValueError(
            _("'%(code)s' is not a reporting period; write YYYY-H1 (half year) or YYYY-Y (whole year), e.g. 2026-H1.")
            % {"code": code}
        )
    return Period(code=match.group(0), year=int(match["year"]), kind=match["kind"])


def latest_closed(today: datetime.date) -> Period:
    """The most recent period that has ended by `today`."""
    year = today.year
    if today > datetime.date(year, 12, 14):
        return parse(f"{year}-Y")
    if today > datetime.date(year, 6, 14):
        return parse(f"{year}-H1")
    return parse(f"{year - 1}-Y")


def due(form: str, today: datetime.date) -> Period:
    """The latest closed period whose `form` deadline has passed by `today` (the one before the latest
    closed period while that one's deadline is still ahead): the period whose missing reports are overdue."""
    period = latest_closed(today)
    if today >= period.deadline(form):
        return period
    previous = f"{period.year}-H1" if period.kind == "Y" else f"{period.year - 1}-Y"
    return parse(previous)
