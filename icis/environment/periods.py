"""Calendar-aligned monitoring periods: every 3 months = the quarters, every 6 = the half-years."""

import calendar
import datetime


def period_containing(day: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The period of `months` (a divisor of 12) that contains `day`, aligned on 1 January."""
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def periods_between(months: int, start: datetime.date, stop: datetime.date | None, today: datetime.date):
    """Every period from the one containing `start` to the one containing min(stop, today)."""
    last = min(stop, today) if stop else today
    period = period_containing(start, months)
    while period[0] <= last:
        yield period
        period = period_containing(period[1] + datetime.timedelta(days=1), months)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (negative: earlier), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    return datetime.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))
