"""Vietnamese working days, from data: weekends, public holidays and Saturdays made working days.

Counting follows the Civil Code 2015 (Art 147–148), which administrative deadlines use:

* a period of N days "from" an event on day D starts the day after D (D itself is not counted);
* N *working* days: the due date is the N-th working day after D;
* N (calendar) days: the due date is D + N; when that is a weekend or a holiday, the period ends on
  the next working day.

State bodies work Monday to Friday. A public holiday is a day off only when it is recorded and
confirmed (`PublicHoliday.confirmed`); unconfirmed entries and years with no holiday data are not
guessed at: they come back as caveats next to the deadline they might move.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    def __init__(
        self,
        *,
        holidays: dict[datetime.date, str] | Iterable[datetime.date] = (),
        working_days: Iterable[datetime.date] = (),
        unconfirmed: dict[datetime.date, str] | None = None,
        covered_years: Iterable[int] | None = None,
    ):
        self.holidays = dict(holidays) if isinstance(holidays, dict) else {day: "" for day in holidays}
        self.working_days = set(working_days)
        self.unconfirmed = dict(unconfirmed or {})
        years = {day.year for day in (*self.holidays, *self.unconfirmed)}
        self.covered_years = set(covered_years) if covered_years is not None else years

    @classmethod
    def from_db(cls) -> "WorkingCalendar":
        """The calendar as recorded: two queries, whatever the span."""
        from .models import PublicHoliday, WorkingDayOverride

        holidays, unconfirmed = {}, {}
        for day, name, confirmed in PublicHoliday.objects.values_list("date", "name", "confirmed"):
            (holidays if confirmed else unconfirmed)[day] = name
        working = set()
        for day, decision, confirmed in WorkingDayOverride.objects.values_list("date", "decision", "confirmed"):
            if confirmed:
                working.add(day)
            else:
                unconfirmed[day] = decision
        return cls(
            holidays=holidays,
            working_days=working,
            unconfirmed=unconfirmed,
            covered_years={day.year for day in (*holidays, *unconfirmed)},
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (`start` is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def add_calendar_days(self, start: datetime.date, n: int, *, roll: bool = True) -> datetime.date:
        """`start` + n days; with `roll`, a period ending on a day off ends on the next working day."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start + datetime.timedelta(days=n)
        return self.next_working_day(day) if roll else day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def caveats(self, start: datetime.date, end: datetime.date) -> list[str]:
        """What the calendar does not know between `start` and `end` that could move a deadline."""
        notes = []
        for day in sorted(d for d in self.unconfirmed if start < d <= end):
            notes.append(
                _("%(date)s (%(name)s) is not a confirmed day off or working day; it was counted as a usual day.")
                % {"date": day.strftime("%d/%m/%Y"), "name": self.unconfirmed[day]}
            )
        for year in range(start.year, end.year + 1):
            if year not in self.covered_years:
                notes.append(
                    _("No public holidays are recorded for %(year)s: only weekends were skipped.") % {"year": year}
                )
        return notes


def load() -> WorkingCalendar:
    return WorkingCalendar.from_db()


def add_working_days(start: datetime.date, n: int, *, calendar: WorkingCalendar | None = None) -> datetime.date:
    return (calendar or load()).add_working_days(start, n)


def add_calendar_days(
    start: datetime.date, n: int, *, calendar: WorkingCalendar | None = None, roll: bool = True
) -> datetime.date:
    return (calendar or load()).add_calendar_days(start, n, roll=roll)
