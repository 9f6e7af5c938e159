"""Deadline arithmetic in Vietnamese working days and calendar days, on the tests' own calendar."""

import datetime

import pytest
from django.core.management import call_command

from icis.dossiers import calendar_data, selectors
from icis.dossiers.calendar import WorkingCalendar, add_calendar_days, add_working_days
from icis.dossiers.models import PublicHoliday, WorkingDayOverride

from .conftest import fixture_calendar

D = datetime.date


@pytest.fixture
def cal():
    return fixture_calendar()


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2025, 3, 7), 1, D(2025, 3, 10)),  # Friday + 1: the weekend is skipped
        (D(2025, 3, 6), 5, D(2025, 3, 13)),  # Thursday + 5: next Thursday
        (D(2025, 3, 8), 1, D(2025, 3, 10)),  # an event on a Saturday: the first day counted is Monday
        (D(2025, 3, 9), 5, D(2025, 3, 14)),  # ... or on a Sunday
        (D(2025, 3, 7), 0, D(2025, 3, 7)),
    ],
)
def test_working_days_skip_weekends(cal, start, n, due):
    assert cal.add_working_days(start, n) == due


def test_working_days_jump_over_the_tet_week(cal):
    assert cal.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    # Wed 22/1: Thu 23, Fri 24, then Tết and two weekends, then Mon 3/2, Tue 4, Wed 5.
    assert cal.add_working_days(D(2025, 1, 22), 5) == D(2025, 2, 5)
    # An event during Tết counts from the first working day after it.
    assert cal.add_working_days(D(2025, 1, 29), 1) == D(2025, 2, 3)


def test_working_days_cross_the_year_end(cal):
    assert cal.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
    assert cal.add_working_days(D(2024, 12, 27), 5) == D(2025, 1, 6)
    assert cal.add_working_days(D(2023, 12, 29), 1) == D(2024, 1, 2)


def test_a_working_saturday_counts_and_a_swapped_friday_does_not(cal):
    assert cal.is_working_day(D(2025, 4, 26)) and not cal.is_working_day(D(2025, 5, 2))
    assert cal.add_working_days(D(2025, 4, 24), 2) == D(2025, 4, 26)
    # 7 working days from Thursday 24/4: 25, 26 (Sat), 28, 29, then 30/4-4/5 off, then 5, 6, 7/5.
    assert cal.add_working_days(D(2025, 4, 24), 7) == D(2025, 5, 7)


def test_calendar_days_end_on_the_next_working_day_when_the_last_day_is_off(cal):
    assert cal.add_calendar_days(D(2025, 3, 3), 25) == D(2025, 3, 28)  # a Friday: stays
    assert cal.add_calendar_days(D(2025, 1, 12), 15) == D(2025, 2, 3)  # Mon 27/1 is Tết: rolls to 3/2
    assert cal.add_calendar_days(D(2025, 1, 12), 15, roll=False) == D(2025, 1, 27)
    assert cal.add_calendar_days(D(2024, 12, 17), 15) == D(2025, 1, 2)  # 1/1 is a holiday
    assert cal.add_calendar_days(D(2025, 3, 1), 14) == D(2025, 3, 17)  # Saturday 15/3 → Monday 17/3


def test_the_receiving_window_then_five_working_days(db, cal):
    """Step 3: 15 days of receiving from the notice, then 5 working days; here both cross Tết."""
    rule = selectors.procedure_rules(selectors.procedure_on(D(2025, 1, 10)))[3]
    due, ends = selectors.deadline(rule, D(2025, 1, 10), cal)
    assert ends[0] == D(2025, 2, 3)  # 25/1 is a Saturday, then Tết: receiving ends Monday 3/2
    assert due == D(2025, 2, 10)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1
    assert cal.working_days_between(D(2025, 2, 3), D(2025, 1, 24)) == 0


def test_unconfirmed_days_and_years_without_data_are_caveats_not_guesses(cal):
    assert cal.is_working_day(D(2025, 9, 1))  # unconfirmed: counted as a usual day
    notes = cal.caveats(D(2025, 8, 25), D(2025, 9, 5))
    assert len(notes) == 1 and "01/09/2025" in notes[0]
    assert cal.caveats(D(2025, 3, 1), D(2025, 3, 20)) == []
    assert any("2027" in note for note in cal.caveats(D(2026, 12, 20), D(2027, 1, 10)))


def test_negative_periods_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        cal.add_calendar_days(D(2025, 1, 1), -1)


def test_the_database_calendar_counts_only_confirmed_rows(calendar_rows):
    cal = WorkingCalendar.from_db()
    assert not cal.is_working_day(D(2025, 1, 27))
    assert cal.is_working_day(D(2025, 4, 26))
    assert cal.is_working_day(D(2025, 9, 1))
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert add_calendar_days(D(2025, 1, 12), 15) == D(2025, 2, 3)


# The shipped file and its loader ----------------------------------------------------------------------


def test_every_database_has_the_shipped_calendar_from_the_migration(db):
    payload = calendar_data.read()
    assert PublicHoliday.objects.count() == len(payload["holidays"])
    assert WorkingDayOverride.objects.count() == len(payload["working_days"])
    assert PublicHoliday.objects.get(date=D(2026, 2, 17)).confirmed
    assert not PublicHoliday.objects.get(date=D(2026, 9, 3)).confirmed


def test_the_shipped_file_lists_only_weekdays_off_and_weekend_working_days():
    payload = calendar_data.read()
    for entry in payload["holidays"]:
        assert D.fromisoformat(entry["date"]).weekday() < 5, entry
        assert entry["source"], entry
    for entry in payload["working_days"]:
        assert D.fromisoformat(entry["date"]).weekday() >= 5, entry
    days = [entry["date"] for entry in payload["holidays"]]
    assert len(days) == len(set(days))


def test_load_holidays_is_idempotent_and_never_unconfirms_a_confirmed_day(db, capsys):
    call_command("load_holidays")
    assert "0 new" in capsys.readouterr().out
    day = PublicHoliday.objects.get(date=D(2026, 9, 3))
    day.confirmed = True
    day.save()
    call_command("load_holidays")
    assert PublicHoliday.objects.get(date=D(2026, 9, 3)).confirmed
    PublicHoliday.objects.filter(date=D(2024, 1, 1)).delete()
    call_command("load_holidays", "--dry-run")
    assert "1 new" in capsys.readouterr().out
    assert not PublicHoliday.objects.filter(date=D(2024, 1, 1)).exists()
    call_command("load_holidays")
    assert PublicHoliday.objects.get(date=D(2024, 1, 1)).history.exists()


def test_shipped_calendar_gives_the_real_tet_2026_deadline(db):
    # Thursday 12/2/2026 + 5 working days: Fri 13, then Tết 14–22/2, then 23, 24, 25, 26.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    # The swapped Friday 2/1/2026 is off and Saturday 10/1/2026 is worked.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
