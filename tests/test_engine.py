"""The business-day engine: worked examples from SEC practice and the edges of each operation."""

from datetime import date

import pytest
from conftest import d

from calendar_service.engine import BusinessCalendar, DayOff, Roll
from calendar_service.errors import OutOfRangeError


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        ("2009-05-11", 10, "2009-05-26", "ImmunoGen comment letter: Memorial Day 2009-05-25 skipped"),
        ("2007-01-05", 10, "2007-01-22", "ImmunoGen 2007 letter: MLK Day and the Ford day of mourning skipped"),
        ("2025-01-08", 2, "2025-01-13", "Form 4: the Carter day of mourning 2025-01-09 skipped"),
        ("2021-12-30", 1, "2022-01-03", "New Year's Day 2022 observed on Fri 2021-12-31"),
        ("2025-12-22", 4, "2025-12-31", "8-K: the Dec 24-26 2025 closures skipped"),
        ("2025-12-19", 5, "2025-12-31", "13D: five business days over the 2025 Christmas closures"),
        ("2018-11-30", 5, "2018-12-10", "N-MFP: the G.H.W. Bush day of mourning 2018-12-05 skipped"),
        ("2025-03-01", 4, "2025-03-06", "8-K event on a Saturday counts from the next business day"),
        ("2025-02-28", 4, "2025-03-06", "8-K event on the Friday before gives the same day"),
        ("2021-06-17", 1, "2021-06-21", "first Juneteenth observance, Fri 2021-06-18"),
        ("2009-05-26", -10, "2009-05-11", "counting back ten business days over Memorial Day"),
        ("2009-05-16", -1, "2009-05-15", "the business day before a Saturday is the Friday"),
        ("2009-05-16", 0, "2009-05-18", "zero business days from a Saturday: the next business day"),
        ("2009-05-15", 0, "2009-05-15", "zero business days from a business day: that day"),
    ],
)
def test_it_adds_business_days_on_the_federal_calendar(federal, start, n, expected, why):
    assert federal.add_business_days(d(start), n) == d(expected), why


def test_it_does_not_treat_the_half_day_closings_as_holidays(federal):
    for half_day in ("2002-12-24", "2009-12-24", "2015-12-24"):
        assert federal.is_business_day(d(half_day))


def test_juneteenth_counts_only_from_its_first_observance(federal):
    assert federal.is_business_day(d("2020-06-19"))
    assert not federal.is_business_day(d("2021-06-18"))
    assert federal.day_off(d("2021-06-18")).name == "Juneteenth National Independence Day (observed)"


@pytest.mark.parametrize(
    ("start", "n", "roll", "expected"),
    [
        ("2024-12-31", 60, Roll.FOLLOWING, "2025-03-03"),  # 10-K LAF: Sat 2025-03-01 rolls to Mon
        ("2023-12-31", 60, Roll.FOLLOWING, "2024-02-29"),  # 10-K LAF in a leap year
        ("2023-12-31", 90, Roll.FOLLOWING, "2024-04-01"),  # 10-K NAF: Sat 2024-03-30 rolls to Mon
        ("2024-12-31", 180, Roll.FOLLOWING, "2025-06-30"),  # 11-K: Sun 2025-06-29 rolls to Mon
        ("2025-03-31", 40, Roll.FOLLOWING, "2025-05-12"),  # 10-Q LAF Q1: Sat 2025-05-10 rolls to Mon
        ("2024-12-31", 60, Roll.PRECEDING, "2025-02-28"),
        ("2024-12-31", 60, Roll.NONE, "2025-03-01"),  # Rule 459 style: no roll
        ("2025-05-01", 30, Roll.MODIFIED_FOLLOWING, "2025-05-30"),  # Sat 5/31: next BD is June, so back
        ("2025-05-01", 29, Roll.MODIFIED_FOLLOWING, "2025-05-30"),  # a business day stays
        ("2025-07-01", -1, Roll.MODIFIED_PRECEDING, "2025-06-30"),  # Mon 6/30 is a business day: kept
        ("2025-03-02", -1, Roll.MODIFIED_PRECEDING, "2025-03-03"),  # Sat 3/1: Fri 2/28 leaves March
        ("2025-03-02", -1, Roll.PRECEDING, "2025-02-28"),
    ],
)
def test_it_adds_calendar_days_and_rolls(federal, start, n, roll, expected):
    assert federal.add_calendar_days(d(start), n, roll) == d(expected)


@pytest.mark.parametrize(
    ("start", "n", "month_end", "expected"),
    [
        ("2025-01-31", 1, False, "2025-02-28"),  # clamped to the end of February
        ("2024-01-31", 1, False, "2024-02-29"),  # leap year
        ("2024-12-31", 4, False, "2025-04-30"),  # 20-F, December year end
        ("2025-06-30", 4, False, "2025-10-30"),  # same day number
        ("2025-06-30", 4, True, "2025-10-31"),  # month-end convention
        ("2025-02-28", 1, True, "2025-03-31"),
        ("2025-02-28", 1, False, "2025-03-28"),
        ("2025-03-31", -1, False, "2025-02-28"),
        ("2025-08-31", 1, False, "2025-09-30"),
        ("2024-11-30", 1, False, "2024-12-30"),
        ("2025-01-15", 12, False, "2026-01-15"),
    ],
)
def test_it_adds_months_with_the_end_of_month_rule(federal, start, n, month_end, expected):
    assert federal.add_months(d(start), n, Roll.NONE, month_end=month_end) == d(expected)


def test_months_roll_to_a_business_day(federal):
    # Jun 30 2025 + 4 months = Thu Oct 30, a business day; Aug 31 2024 + 1 = Mon Sep 30.
    assert federal.add_months(d("2025-05-31"), 1) == d("2025-06-30")
    assert federal.add_months(d("2025-04-30"), 1) == d("2025-05-30")  # Fri; May 30 2025 is a Friday
    assert federal.add_months(d("2025-05-02"), 3) == d("2025-08-04")  # Sat Aug 2 rolls to Mon


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2009-05-11", "2009-05-26", 10),
        ("2009-05-26", "2009-05-11", -10),
        ("2009-05-11", "2009-05-11", 0),
        ("2009-05-15", "2009-05-16", 0),  # Fri to Sat: no business day after Friday up to Saturday
        ("2009-05-16", "2009-05-15", -1),  # Sat back to Fri: one business day, the Friday
        ("2025-12-22", "2025-12-31", 4),
    ],
)
def test_it_counts_business_days_between_dates(federal, start, end, expected):
    assert federal.business_days_between(d(start), d(end)) == expected


def test_next_and_previous_business_day_skip_holidays(federal):
    assert federal.next_business_day(d("2009-05-22")) == d("2009-05-26")
    assert federal.previous_business_day(d("2009-05-26")) == d("2009-05-22")
    assert federal.next_business_day(d("2009-05-20")) == d("2009-05-21")


def test_the_batch_call_agrees_with_the_scalar_call(federal):
    starts = [d("2009-05-11"), d("2025-01-08"), d("2021-12-30"), d("2009-05-16")]
    counts = [10, 2, 1, -1]
    assert federal.add_business_days_many(starts, counts) == [federal.add_business_days(s, n) for s, n in zip(starts, counts, strict=True)]
    assert federal.add_business_days_many(starts, 3) == [federal.add_business_days(s, 3) for s in starts]
    with pytest.raises(ValueError, match="4 dates but 2 counts"):
        federal.add_business_days_many(starts, [1, 2])


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add_business_days(date(1899, 12, 31), 1),
        lambda c: c.add_business_days(date(2201, 1, 1), -1),
        lambda c: c.add_business_days(date(2200, 12, 20), 30),
        lambda c: c.add_business_days(date(1900, 1, 3), -30),
        lambda c: c.add_business_days_many([date(1900, 1, 3)], -30),
        lambda c: c.add_calendar_days(date(2200, 12, 1), 60),
        lambda c: c.add_calendar_days(date(2000, 1, 1), 10**9),
        lambda c: c.add_months(date(2200, 6, 1), 12),
        lambda c: c.is_business_day(date(1800, 1, 1)),
        lambda c: c.business_days_between(date(2000, 1, 1), date(2300, 1, 1)),
    ],
)
def test_dates_outside_1900_to_2200_are_refused_not_wrapped(federal, call):
    with pytest.raises(OutOfRangeError, match="supported range"):
        call(federal)


def test_the_whole_supported_range_works(federal):
    assert federal.add_business_days(date(1900, 1, 1), 1) == date(1900, 1, 2)
    assert federal.add_business_days(date(2200, 12, 31), -1) == date(2200, 12, 30)
    assert federal.business_days_between(date(1900, 1, 1), date(2200, 12, 31)) > 75_000


def test_it_explains_every_counted_and_skipped_day(federal):
    due, steps = federal.explain_business_days(d("2009-05-11"), 10)
    assert due == d("2009-05-26")
    assert steps[0].action == "start" and steps[0].date == d("2009-05-11")
    counted = [s for s in steps if s.action == "count"]
    assert [s.day for s in counted] == list(range(1, 11))
    skipped = {s.date: s.note for s in steps if s.action == "skip"}
    assert skipped[d("2009-05-25")] == "Memorial Day (holiday)"
    assert skipped[d("2009-05-16")] == "Saturday (weekend)"
    assert len(skipped) == 5
    assert steps[-1].action == "due" and steps[-1].date == due


def test_it_explains_a_backward_count(federal):
    due, steps = federal.explain_business_days(d("2025-01-13"), -2)
    assert due == d("2025-01-08")
    notes = [(s.date, s.action) for s in steps]
    assert (d("2025-01-09"), "skip") in notes
    assert [s.day for s in steps if s.action == "count"] == [-1, -2]


def test_it_explains_a_calendar_day_roll(federal):
    due, steps = federal.explain_calendar_days(d("2024-12-31"), 60)
    assert due == d("2025-03-03")
    actions = [(s.date, s.action) for s in steps]
    assert actions == [
        (d("2024-12-31"), "start"),
        (d("2025-03-01"), "land"),
        (d("2025-03-01"), "skip"),
        (d("2025-03-02"), "skip"),
        (d("2025-03-03"), "roll"),
        (d("2025-03-03"), "due"),
    ]
    assert "following" in steps[4].note


def test_it_explains_a_roll_over_a_holiday_weekend(federal):
    # 10-Q due Sat 2025-05-24 (Memorial Day weekend) rolls past Monday 5/26 to Tue 5/27.
    due, steps = federal.explain_calendar_days(d("2025-05-23"), 1)
    assert due == d("2025-05-27")
    assert [s.note for s in steps if s.action == "skip"] == ["Saturday (weekend)", "Sunday (weekend)", "Memorial Day (holiday)"]


def test_it_says_when_a_month_count_was_clamped(federal):
    due, steps = federal.explain_months(d("2025-01-31"), 1, Roll.NONE)
    assert due == d("2025-02-28")
    assert "clamped" in steps[1].note
    _, steps = federal.explain_months(d("2025-06-30"), 4, Roll.NONE)
    assert "month-end convention" in steps[1].note


def test_it_says_a_no_roll_rule_kept_a_weekend_date(federal):
    due, steps = federal.explain_calendar_days(d("2024-12-31"), 60, Roll.NONE)
    assert due == d("2025-03-01")
    assert any(s.action == "roll" and "does not roll" in s.note for s in steps)


def test_a_synthetic_calendar_honours_weekend_closures_and_reopenings():
    # A Friday-Saturday weekend, one closure, and one re-opened Saturday.
    cal = BusinessCalendar(
        "test",
        weekend=(4, 5),
        closed={date(2025, 1, 1): DayOff("New Year", "holiday")},
        opened={date(2025, 1, 4): "special Saturday session"},
        first=date(2024, 12, 1),
        last=date(2025, 2, 28),
    )
    assert not cal.is_business_day(date(2025, 1, 3))  # Friday
    assert cal.is_business_day(date(2025, 1, 4))  # re-opened Saturday
    assert cal.is_business_day(date(2025, 1, 5))  # Sunday is a working day here
    assert cal.add_business_days(date(2024, 12, 31), 1) == date(2025, 1, 2)
    assert cal.day_off(date(2025, 1, 1)) == DayOff("New Year", "holiday")
    assert cal.day_off(date(2025, 1, 2)) is None
    with pytest.raises(OutOfRangeError):
        cal.add_business_days(date(2025, 2, 27), 5)


def test_days_off_lists_weekday_closures_in_order(federal):
    days = federal.days_off(d("2025-12-01"), d("2025-12-31"))
    assert [(x.isoformat(), off.name) for x, off in days] == [
        ("2025-12-24", "Christmas Eve"),
        ("2025-12-25", "Christmas Day"),
        ("2025-12-26", "Day After Christmas"),
    ]
    with_weekends = federal.days_off(d("2025-12-01"), d("2025-12-07"), include_weekends=True)
    assert [off.kind for _, off in with_weekends] == ["weekend", "weekend"]


def test_it_explains_a_count_between_dates_either_way(federal):
    count, steps = federal.explain_business_days_between(d("2009-05-11"), d("2009-05-26"))
    assert count == 10 and steps[-1].action == "end"
    assert [s.day for s in steps if s.action == "count"] == list(range(1, 11))
    count, steps = federal.explain_business_days_between(d("2009-05-16"), d("2009-05-14"))
    assert count == -2
    assert [(s.date, s.day) for s in steps if s.action == "count"] == [(d("2009-05-15"), -1), (d("2009-05-14"), -2)]


def test_it_explains_zero_business_days_from_a_holiday(federal):
    due, steps = federal.explain_business_days(d("2009-05-25"), 0)
    assert due == d("2009-05-26")
    assert [(s.action, s.note) for s in steps[1:3]] == [
        ("skip", "Memorial Day (holiday)"),
        ("roll", "zero business days: moved to the next business day"),
    ]
