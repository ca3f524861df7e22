"""The engine against independent oracles over 1900-2200.

The oracle for business days is ``numpy.busday_offset`` / ``busday_count`` over a holiday list
built here straight from the ``holidays`` package (not from the engine's tables); the oracle for
months is ``dateutil.relativedelta``. Hypothesis draws random cases; one test also sweeps every
date of the range for a few counts.
"""

from datetime import date, timedelta

import holidays
import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from holidays.constants import GOVERNMENT
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_service.calendars import get_calendar
from calendar_service.config import Settings
from calendar_service.engine import FIRST_SUPPORTED, LAST_SUPPORTED, Roll

YEARS = range(1899, 2202)
HALF_DAYS = {date(2002, 12, 24), date(2009, 12, 24), date(2015, 12, 24)}


def oracle_for(name: str) -> np.busdaycalendar:
    """A numpy business-day calendar from the holidays package's own list (weekday closures)."""
    if name == "us-federal":
        source = holidays.US(categories=GOVERNMENT, years=YEARS)
        days = [x for x in source if x not in HALF_DAYS]
    elif name == "us-federal-statutory":
        government = holidays.US(categories=GOVERNMENT, years=YEARS)
        public = holidays.US(years=YEARS)
        days = [x for x in government if x in public]
    else:
        days = list(holidays.country_holidays(name.split("-")[0], subdiv=name.split("-")[1], years=YEARS))
    weekday_days = sorted(x for x in days if x.weekday() < 5 and FIRST_SUPPORTED <= x <= LAST_SUPPORTED)
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(weekday_days, dtype="datetime64[D]"))


FEDERAL = get_calendar("us-federal", Settings())
ORACLE = oracle_for("us-federal")

# Triggers far enough inside the range that +-400 business days or 24 months stay inside it.
triggers = st.dates(min_value=date(1902, 1, 1), max_value=date(2198, 12, 31))
counts = st.integers(min_value=-400, max_value=400)
rolls = st.sampled_from([Roll.FOLLOWING, Roll.PRECEDING, Roll.MODIFIED_FOLLOWING, Roll.MODIFIED_PRECEDING])
NUMPY_ROLL = {
    Roll.FOLLOWING: "forward",
    Roll.PRECEDING: "backward",
    Roll.MODIFIED_FOLLOWING: "modifiedfollowing",
    Roll.MODIFIED_PRECEDING: "modifiedpreceding",
}


def oracle_add(start: date, n: int, oracle: np.busdaycalendar = ORACLE) -> date:
    # Day 1 is the first business day after the start: counting forwards from a non-business
    # day is counting from the business day before it, and backwards from the one after it.
    roll = "backward" if n > 0 else "forward"
    return np.busday_offset(start, n, roll=roll, busdaycal=oracle).item()


@settings(max_examples=3000, deadline=None)
@given(triggers, counts)
def test_adding_business_days_matches_numpy(start, n):
    assert FEDERAL.add_business_days(start, n) == oracle_add(start, n)


@settings(max_examples=2000, deadline=None)
@given(triggers, counts)
def test_every_result_is_a_business_day(start, n):
    result = FEDERAL.add_business_days(start, n)
    assert FEDERAL.is_business_day(result)
    assert np.is_busday(result, busdaycal=ORACLE)


@settings(max_examples=2000, deadline=None)
@given(triggers, counts)
def test_adding_n_then_minus_n_returns_to_a_business_day(start, n):
    on_business_day = FEDERAL.roll(start, Roll.FOLLOWING)
    there = FEDERAL.add_business_days(on_business_day, n)
    assert FEDERAL.add_business_days(there, -n) == on_business_day


@settings(max_examples=2000, deadline=None)
@given(triggers, counts)
def test_counting_between_inverts_adding(start, n):
    result = FEDERAL.add_business_days(start, n)
    if n == 0:  # zero business days: the start, or the next business day when it is not one
        assert result == FEDERAL.roll(start, Roll.FOLLOWING)
    else:
        assert FEDERAL.business_days_between(start, result) == n


@settings(max_examples=2000, deadline=None)
@given(triggers, st.integers(min_value=-700, max_value=700))
def test_counting_between_matches_numpy(start, span):
    end = start + timedelta(days=span)
    if end >= start:
        expected = np.busday_count(start + timedelta(days=1), end + timedelta(days=1), busdaycal=ORACLE)
    else:
        expected = -np.busday_count(end, start, busdaycal=ORACLE)
    assert FEDERAL.business_days_between(start, end) == expected


@settings(max_examples=2000, deadline=None)
@given(triggers, st.integers(min_value=-700, max_value=700), rolls)
def test_calendar_days_with_each_roll_match_numpy(start, n, roll):
    landed = start + timedelta(days=n)
    expected = np.busday_offset(landed, 0, roll=NUMPY_ROLL[roll], busdaycal=ORACLE).item()
    assert FEDERAL.add_calendar_days(start, n, roll) == expected


@settings(max_examples=2000, deadline=None)
@given(triggers, st.integers(min_value=-24, max_value=24), rolls)
def test_months_match_relativedelta_then_roll(start, n, roll):
    landed = start + relativedelta(months=n)  # clamps Jan 31 + 1 month to Feb 28/29
    expected = np.busday_offset(landed, 0, roll=NUMPY_ROLL[roll], busdaycal=ORACLE).item()
    assert FEDERAL.add_months(start, n, roll) == expected


@settings(max_examples=500, deadline=None)
@given(triggers, st.lists(counts, min_size=1, max_size=50))
def test_the_batch_call_matches_the_scalar_call(start, ns):
    starts = [start + timedelta(days=i) for i in range(len(ns))]
    assert FEDERAL.add_business_days_many(starts, ns) == [FEDERAL.add_business_days(s, n) for s, n in zip(starts, ns, strict=True)]


@pytest.mark.parametrize("name", ["us-federal", "us-federal-statutory", "GB-ENG"])
def test_every_date_of_the_range_matches_numpy(name):
    """Not a sample: every trigger from 1900-01-10 to 2200-12-10 for a few counts."""
    cal = get_calendar(name, Settings())
    oracle = oracle_for(name)
    first, last = date(1900, 1, 10), date(2200, 12, 10)
    starts = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    as_numpy = np.array(starts, dtype="datetime64[D]")
    for n in (1, 2, 4, 5, 10, -1, -2, -5):
        roll = "backward" if n > 0 else "forward"
        expected = np.busday_offset(as_numpy, n, roll=roll, busdaycal=oracle).astype(object).tolist()
        assert cal.add_business_days_many(starts, n) == expected, f"{name}, n={n}"
