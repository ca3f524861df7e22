"""Deadline rules: read as people write them, printed back canonically, applied with a cutoff."""

from datetime import time

import pytest
from conftest import d
from hypothesis import given
from hypothesis import strategies as st

from calendar_service.engine import Roll
from calendar_service.errors import RuleSyntaxError
from calendar_service.rules import Cutoff, Direction, Rule, Unit, compute, parse_rule

BD, CD, MO = Unit.BUSINESS_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS


@pytest.mark.parametrize(
    ("text", "rule", "canonical"),
    [
        ("10 business days", Rule(10, BD), "10 business days"),
        ("ten business days", Rule(10, BD), "10 business days"),
        ("Ten Business Days", Rule(10, BD), "10 business days"),
        ("within 10 business days", Rule(10, BD), "10 business days"),
        ("10BD", Rule(10, BD), "10 business days"),
        ("10 bd", Rule(10, BD), "10 business days"),
        ("10 b.d.", Rule(10, BD), "10 business days"),
        ("1 business day", Rule(1, BD), "1 business day"),
        ("twenty-one business days", Rule(21, BD), "21 business days"),
        ("one hundred twenty calendar days", Rule(120, CD), "120 calendar days"),
        ("10 calendar days", Rule(10, CD), "10 calendar days"),
        ("10CD", Rule(10, CD), "10 calendar days"),
        ("10 days", Rule(10, CD), "10 calendar days"),
        ("4 months", Rule(4, MO), "4 months"),
        ("1 month", Rule(1, MO), "1 month"),
        ("2 business days before", Rule(2, BD, Direction.BEFORE), "2 business days before"),
        ("2 business days prior to", Rule(2, BD, Direction.BEFORE), "2 business days before"),
        ("5 business days after", Rule(5, BD), "5 business days"),
        ("30 calendar days before", Rule(30, CD, Direction.BEFORE, Roll.PRECEDING), "30 calendar days before"),
        ("60 calendar days, roll preceding", Rule(60, CD, roll=Roll.PRECEDING), "60 calendar days, roll preceding"),
        ("60 calendar days (modified following)", Rule(60, CD, roll=Roll.MODIFIED_FOLLOWING), "60 calendar days, roll modified following"),
        ("20 calendar days, no roll", Rule(20, CD, roll=Roll.NONE), "20 calendar days, no roll"),
        ("60 calendar days, roll following", Rule(60, CD), "60 calendar days"),
        ("4 months, month end", Rule(4, MO, month_end=True), "4 months, month end"),
        ("4 months end of month", Rule(4, MO, month_end=True), "4 months, month end"),
        (
            "10 business days 17:30 America/New_York",
            Rule(10, BD, cutoff=Cutoff(time(17, 30), "America/New_York")),
            "10 business days 17:30 America/New_York",
        ),
        (
            "2 business days at 10:00 pm ET",
            Rule(2, BD, cutoff=Cutoff(time(22, 0), "America/New_York")),
            "2 business days 22:00 America/New_York",
        ),
        (
            "2 business days by 5:30 p.m. Eastern",
            Rule(2, BD, cutoff=Cutoff(time(17, 30), "America/New_York")),
            "2 business days 17:30 America/New_York",
        ),
        ("2 business days 22:00", Rule(2, BD, cutoff=Cutoff(time(22, 0))), "2 business days 22:00"),
        (
            "3 business days 9:00 europe/london",
            Rule(3, BD, cutoff=Cutoff(time(9, 0), "Europe/London")),
            "3 business days 09:00 Europe/London",
        ),
        ("0 business days", Rule(0, BD), "0 business days"),
    ],
)
def test_it_reads_rules_as_people_write_them(text, rule, canonical):
    parsed = parse_rule(text)
    assert parsed == rule
    assert str(parsed) == canonical
    assert parse_rule(canonical) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "rule is empty"),
        ("soon", "cannot read 'soon' as a rule"),
        ("10 fortnights", "cannot read '10 fortnights'"),
        ("ten-ish business days", "cannot read 'ten-ish' as a number"),
        ("-5 business days", "cannot read"),
        ("10 business days, roll preceding", "always lands on a business day"),
        ("10 calendar days month end", "'month end' applies only to a count of months"),
        ("10 business days before after", "gives the direction twice"),
        ("10 business days 17:30 Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("10 business days 25:00", "not a time of day"),
        ("10 business days 13:00 pm", "not an hour on a 12-hour clock"),
        ("10 business days 5", "cannot read"),
        ("10 business days please", "cannot read 'please' in rule"),
        ("200000 business days", "from 0 to 100,000"),
    ],
)
def test_a_rule_it_cannot_read_gets_a_message_saying_what_to_write(text, message):
    with pytest.raises(RuleSyntaxError, match=message):
        parse_rule(text)


rules = st.builds(
    lambda count, unit, direction, roll, month_end, cutoff: Rule(
        count,
        unit,
        direction,
        None if unit is BD else roll,
        month_end and unit is MO,
        cutoff,
    ),
    st.integers(min_value=0, max_value=5000),
    st.sampled_from(list(Unit)),
    st.sampled_from(list(Direction)),
    st.sampled_from([None, *Roll]),
    st.booleans(),
    st.one_of(
        st.none(),
        st.builds(
            Cutoff,
            st.times().map(lambda t: t.replace(second=0, microsecond=0)),
            st.sampled_from([None, "America/New_York", "UTC", "Europe/London", "Asia/Tokyo"]),
        ),
    ),
)


@given(rules)
def test_every_rule_prints_to_text_that_reads_back_as_the_same_rule(rule):
    assert parse_rule(str(rule)) == rule


def test_the_seed_letter_deadline_is_may_26_2009(federal):
    """The letter that started the project: ImmunoGen, dated Monday May 11, 2009."""
    from pathlib import Path

    letter = (Path(__file__).parent / "data" / "immunogen-2009-05-11.txt").read_text(encoding="utf-8")
    assert "May 11, 2009" in letter
    assert "within 10 business days of the date of this letter" in letter
    result = compute(parse_rule("10 business days"), federal, d("2009-05-11"), default_cutoff=time(17, 30), default_zone="America/New_York")
    assert result.due == d("2009-05-26")
    assert result.cutoff.isoformat() == "2009-05-26T17:30:00-04:00"
    assert any(s.date == d("2009-05-25") and s.note == "Memorial Day (holiday)" for s in result.steps)


@pytest.mark.parametrize(
    ("start", "text", "due", "cutoff"),
    [
        ("2025-01-08", "2 business days 22:00 America/New_York", "2025-01-13", "2025-01-13T22:00:00-05:00"),  # Form 4
        ("2024-12-31", "60 calendar days", "2025-03-03", "2025-03-03T17:30:00-05:00"),  # 10-K LAF
        ("2024-12-31", "4 months", "2025-04-30", "2025-04-30T17:30:00-04:00"),  # 20-F
        ("2025-06-30", "4 months, month end", "2025-10-31", "2025-10-31T17:30:00-04:00"),
        ("2025-03-14", "2 business days before", "2025-03-12", "2025-03-12T17:30:00-04:00"),
        ("2025-03-17", "2 calendar days before", "2025-03-14", "2025-03-14T17:30:00-04:00"),  # Sat rolls back to Fri
        ("2025-06-01", "3 business days 09:00 UTC", "2025-06-04", "2025-06-04T09:00:00+00:00"),
        ("2025-06-01", "3 business days 09:00", "2025-06-04", "2025-06-04T09:00:00-04:00"),  # default zone
    ],
)
def test_compute_gives_the_due_date_and_the_cutoff_with_its_offset(federal, start, text, due, cutoff):
    result = compute(parse_rule(text), federal, d(start), default_cutoff=time(17, 30), default_zone="America/New_York")
    assert result.due == d(due)
    assert result.cutoff.isoformat() == cutoff
    assert result.steps[-1].action == "cutoff"
    as_dict = result.to_dict()
    assert as_dict["due"] == due and as_dict["cutoff"] == cutoff and as_dict["rule"] == str(parse_rule(text))


def test_apply_is_the_fast_path_of_compute(federal):
    for text in ("10 business days", "60 calendar days", "4 months", "2 business days before", "20 calendar days, no roll"):
        rule = parse_rule(text)
        for start in ("2009-05-11", "2024-12-31", "2025-03-01", "2021-12-30"):
            slow = compute(rule, federal, d(start), default_cutoff=time(17, 30), default_zone="UTC").due
            assert rule.apply(federal, d(start)) == slow, (text, start)


def test_the_default_cutoff_cites_regulation_s_t(federal):
    result = compute(parse_rule("1 business day"), federal, d("2025-06-02"), default_cutoff=time(17, 30), default_zone="America/New_York")
    assert "Regulation S-T Rule 13" in result.steps[-1].note
