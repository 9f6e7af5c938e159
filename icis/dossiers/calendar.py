"""Vietnamese working days: weekends, public holidays and Saturdays made working days.

Counting follows the Civil Code 2015 (Art 147–148), which administrative deadlines use:

* a period of N days "from" an event on day D starts the day after D (D itself is not counted);
* N *working* days: the due date is the N-th working day after D;
* N (calendar) days: the due date is D + N; when that is a weekend or a holiday, the period ends on
  the next working day.

State bodies work Monday to Friday. The days off come from two places:

* generated for any year, from the Labour Code 2019 (Bộ luật Lao động 45/2019/QH14): the fixed-date
  holidays of Art 112.1 (1/1, 30/4, 1/5, 2/9) and, when one falls on a Saturday or Sunday, the day
  in lieu on the next working day (Art 111.3);
* recorded as data (`PublicHoliday`), because each year's decisions fix them: Tết and the Hùng Kings'
  day (lunar dates), the day next to 2/9 (the Prime Minister chooses the day before or after), swapped
  days and the Saturdays worked for them (`WorkingDayOverride`).

A recorded day counts only when it is confirmed. Unconfirmed entries, and years whose lunar holidays
or second National Day holiday are not recorded yet, are not guessed at: they come back as warnings
next to the deadline they might move.
"""

import datetime
from collections.abc import Iterable
from functools import lru_cache

from django.utils.translation import gettext as _

from icis.core import formats

ONE_DAY = datetime.timedelta(days=1)
# Labour Code 2019 Art 112.1 a, c, d, đ: the holidays whose solar date is fixed by the Code itself.
FIXED_HOLIDAYS = (
    (1, 1, "Tết Dương lịch", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a"),
    (4, 30, "Ngày Chiến thắng", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm c"),
    (5, 1, "Ngày Quốc tế lao động", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm d"),
    (9, 2, "Quốc khánh", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ"),
)
IN_LIEU_BASIS = "Bộ luật Lao động 2019, Điều 111 khoản 3"


@lru_cache(maxsize=256)
def statutory_days_off(year: int) -> dict[datetime.date, str]:
    """The fixed-date holidays of `year` and their days in lieu, generated from the Labour Code."""
    fixed = {datetime.date(year, month, day): f"{name} ({basis})" for month, day, name, basis in FIXED_HOLIDAYS}
    days = {day: name for day, name in fixed.items() if day.weekday() < 5}
    for day in sorted(fixed):
        if day.weekday() >= 5:
            lieu = day + ONE_DAY
            while lieu.weekday() >= 5 or lieu in fixed or lieu in days:
                lieu += ONE_DAY
            days[lieu] = _in_lieu_name(day)
    return days


def _in_lieu_name(day: datetime.date) -> str:
    return f"Nghỉ bù ngày lễ {formats.date(day)} ({IN_LIEU_BASIS})"


class WorkingCalendar:
    def __init__(
        self,
        *,
        holidays: dict[datetime.date, str] | Iterable[datetime.date] = (),
        working_days: Iterable[datetime.date] = (),
        unconfirmed: dict[datetime.date, str] | None = None,
        covered_years: Iterable[int] | None = None,
        national_day_years: Iterable[int] | None = None,
    ):
        """`covered_years`: years whose lunar holidays (Tết, Hùng Kings) are recorded;
        `national_day_years`: years whose day next to 2/9 is recorded (by default the covered years)."""
        self.holidays = dict(holidays) if isinstance(holidays, dict) else {day: "" for day in holidays}
        self.working_days = set(working_days)
        self.unconfirmed = dict(unconfirmed or {})
        years = {day.year for day in (*self.holidays, *self.unconfirmed)}
        self.covered_years = set(covered_years) if covered_years is not None else years
        self.national_day_years = set(national_day_years) if national_day_years is not None else set(self.covered_years)

    @classmethod
    def from_db(cls) -> "WorkingCalendar":
        """The calendar as recorded: two queries, whatever the span."""
        from .models import HolidayKind, PublicHoliday, WorkingDayOverride

        holidays, unconfirmed = {}, {}
        kinds: dict[str, set[int]] = {}
        for day, name, confirmed, kind in PublicHoliday.objects.values_list("date", "name", "confirmed", "kind"):
            (holidays if confirmed else unconfirmed)[day] = name
            kinds.setdefault(kind, set()).add(day.year)
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
            covered_years=kinds.get(HolidayKind.TET, set()) & kinds.get(HolidayKind.HUNG_KINGS, set()),
            national_day_years=kinds.get(HolidayKind.NATIONAL_DAY_ADJACENT, set()),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays and day not in statutory_days_off(day.year)

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
                % {"date": formats.date(day), "name": self.unconfirmed[day]}
            )
        for year in range(start.year, end.year + 1):
            if year not in self.covered_years:
                notes.append(
                    _(
                        "No lunar-calendar holidays (Tết, Hùng Kings' day) or day swaps are recorded for %(year)s: "
                        "only weekends and the fixed-date holidays were skipped."
                    )
                    % {"year": year}
                )
            national_day = datetime.date(year, 9, 2)
            beside = [national_day - ONE_DAY, national_day + ONE_DAY]
            if year not in self.national_day_years and any(start < d <= end for d in beside):
                notes.append(
                    _(
                        "The second National Day holiday of %(year)s (01/09 or 03/09, chosen by the Prime "
                        "Minister) is not recorded: both were counted as usual days."
                    )
                    % {"year": year}
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
