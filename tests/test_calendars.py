"""Named calendars: the federal closures EDGAR honours, NYSE, specs, and config.toml adjustments."""

import os
from datetime import date
from pathlib import Path

import pytest
from conftest import d

from calendar_service.calendars import available_calendars, canonical_name, get_calendar
from calendar_service.config import parse_settings
from calendar_service.errors import UnknownCalendarError

GOLDEN = Path(__file__).parent / "golden"


def render_days_off(cal, first_year: int, last_year: int) -> str:
    lines = [f"# {cal.name}: non-business weekdays {first_year}-{last_year}", f"# {cal.description}"]
    for day, off in cal.days_off(date(first_year, 1, 1), date(last_year, 12, 31)):
        lines.append(f"{day.isoformat()} {day.strftime('%a')} {off.name}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["us-federal", "nyse"])
def test_the_holiday_list_matches_its_golden_snapshot(settings, name):
    """A change in the holiday data (a new holidays release, a code change) shows up as a diff.

    To accept a reviewed change: UPDATE_GOLDEN=1 ./run-tests tests/test_calendars.py
    """
    path = GOLDEN / f"{name}-2000-2035.txt"
    rendered = render_days_off(get_calendar(name, settings), 2000, 2035)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{path.name} differs; review, then UPDATE_GOLDEN=1"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2018-12-05", "National Day of Mourning for former President George H. W. Bush"),
        ("2025-01-09", "National Day of Mourning for former President Jimmy Carter"),
        ("2007-01-02", "National Day of Mourning for former President Gerald R. Ford"),
        ("2018-12-24", "Christmas Eve"),
        ("2019-12-24", "Christmas Eve"),
        ("2020-12-24", "Christmas Eve"),
        ("2024-12-24", "Christmas Eve"),
        ("2025-12-24", "Christmas Eve"),
        ("2025-12-26", "Day After Christmas"),
        ("2021-12-31", "New Year's Day (observed)"),
        ("2021-06-18", "Juneteenth National Independence Day (observed)"),
        ("2009-05-25", "Memorial Day"),
        ("2022-12-26", "Christmas Day (observed)"),
    ],
)
def test_us_federal_closes_on_the_days_edgar_treats_as_holidays(federal, day, name):
    off = federal.day_off(d(day))
    assert off is not None and off.name == name and off.kind == "holiday"


def test_us_federal_observes_saturday_holidays_on_friday_and_sunday_ones_on_monday(federal):
    assert federal.day_off(d("2020-07-03")).name == "Independence Day (observed)"  # Jul 4 2020 was a Saturday
    assert federal.day_off(d("2021-07-05")).name == "Independence Day (observed)"  # Jul 4 2021 was a Sunday
    assert federal.day_off(d("2021-07-04")).kind == "weekend"


def test_us_federal_statutory_leaves_out_the_executive_order_closures(settings):
    statutory = get_calendar("us-federal-statutory", settings)
    for closure in ("2018-12-05", "2025-01-09", "2025-12-24", "2025-12-26", "2019-12-24"):
        assert statutory.is_business_day(d(closure)), closure
    assert not statutory.is_business_day(d("2021-12-31"))
    assert not statutory.is_business_day(d("2021-06-18"))
    assert statutory.add_business_days(d("2025-01-08"), 2) == d("2025-01-10")
    # The eleven holidays, every year.
    assert len(statutory.days_off(d("2023-01-01"), d("2023-12-31"))) == 11


def test_nyse_trades_when_the_federal_government_observes_new_year_early(nyse):
    assert nyse.is_business_day(d("2021-12-31"))
    assert not nyse.is_business_day(d("2025-04-18"))  # Good Friday
    assert nyse.is_business_day(d("2025-10-13"))  # Columbus Day
    assert nyse.is_business_day(d("2025-12-24"))
    assert not nyse.is_business_day(d("2012-10-29"))  # Hurricane Sandy
    assert nyse.is_business_day(d("2021-06-18"))  # Juneteenth closes the NYSE from 2022
    assert not nyse.is_business_day(d("2022-06-20"))


def test_nyse_traded_on_saturdays_before_1952(nyse):
    assert nyse.is_business_day(d("1950-01-07"))
    assert not nyse.is_business_day(d("1953-01-10"))


@pytest.mark.parametrize(
    ("spec", "closed", "open_"),
    [
        ("GB-ENG", "2025-08-25", "2025-07-04"),  # Summer bank holiday; not July 4th
        ("gb-eng", "2025-12-26", "2025-11-27"),  # case does not matter
        ("US-DC", "2025-04-16", "2025-04-15"),  # DC Emancipation Day
        ("financial:ECB", "2025-05-01", "2025-05-26"),  # TARGET2 closes on Labour Day
        ("DE", "2025-10-03", "2025-10-02"),
    ],
)
def test_any_holidays_country_subdivision_or_market_can_be_named(settings, spec, closed, open_):
    cal = get_calendar(spec, settings)
    assert not cal.is_business_day(d(closed))
    assert cal.is_business_day(d(open_))


def test_holiday_names_are_in_english_where_the_data_has_them(settings):
    assert get_calendar("DE", settings).day_off(d("2025-10-03")).name == "German Unity Day"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("XX", "unknown calendar 'XX'"),
        ("GB-XYZ", "GB has no subdivision 'XYZ'"),
        ("financial:NOPE", "unknown financial market 'NOPE'"),
        ("  ", "calendar name is empty"),
    ],
)
def test_an_unknown_calendar_says_what_would_work(settings, spec, message):
    with pytest.raises(UnknownCalendarError, match=message):
        get_calendar(spec, settings)


def test_config_adds_closures_and_reopenings_with_their_reasons():
    settings = parse_settings(
        {
            "calendars": {
                "us-federal": {
                    "closures": [{"date": date(2026, 11, 27), "reason": "Executive order closing agencies"}],
                    "reopenings": [{"date": "2025-12-26", "reason": "Hypothetical: EDGAR open"}],
                }
            }
        }
    )
    cal = get_calendar("us-federal", settings)
    off = cal.day_off(d("2026-11-27"))
    assert off.name == "Executive order closing agencies" and off.kind == "configured closure"
    assert cal.is_business_day(d("2025-12-26"))
    assert cal.add_business_days(d("2026-11-25"), 1) == d("2026-11-30")  # Thanksgiving, then the closure


def test_inauguration_day_is_off_by_default_and_can_be_switched_on(federal):
    assert federal.is_business_day(d("2021-01-20"))
    settings = parse_settings({"calendars": {"us-federal": {"inauguration_day": True}}})
    cal = get_calendar("us-federal", settings)
    assert cal.day_off(d("2021-01-20")).kind == "configured closure"
    assert not cal.is_business_day(d("2013-01-21"))  # Jan 20 2013 was a Sunday: the Monday
    # 6103(c) moves only a Sunday inauguration: Jan 20 2029 is a Saturday, so no weekday is off.
    assert cal.is_business_day(d("2029-01-19")) and cal.is_business_day(d("2029-01-22"))


def test_config_can_set_the_weekend():
    settings = parse_settings({"calendars": {"GB-ENG": {"weekend": ["friday", "saturday"]}}})
    cal = get_calendar("gb-eng", settings)
    assert not cal.is_business_day(d("2025-07-04"))  # a Friday
    assert cal.is_business_day(d("2025-07-06"))  # a Sunday


def test_a_config_calendar_builds_on_another_and_inherits_its_adjustments():
    settings = parse_settings(
        {
            "engine": {"default_calendar": "firm"},
            "calendars": {
                "us-federal": {"closures": [{"date": "2026-12-31", "reason": "Agency closure"}]},
                "firm": {"base": "us-federal", "description": "Our firm", "closures": [{"date": "2026-12-30", "reason": "Office party"}]},
            },
        }
    )
    cal = get_calendar(None, settings)
    assert cal.name == "firm" and cal.description == "Our firm"
    assert cal.day_off(d("2026-12-30")).name == "Office party"
    assert cal.day_off(d("2026-12-31")).name == "Agency closure"
    assert cal.day_off(d("2026-12-25")).name == "Christmas Day"
    assert ("firm", "Our firm") in available_calendars(settings)
    assert canonical_name("FIRM", settings) == "firm"


def test_a_config_calendar_cannot_be_built_on_itself():
    settings = parse_settings({"calendars": {"a": {"base": "b"}, "b": {"base": "a"}}})
    with pytest.raises(UnknownCalendarError, match="defined in terms of itself"):
        get_calendar("a", settings)


def test_compiled_calendars_are_cached_per_settings(settings):
    assert get_calendar("us-federal", settings) is get_calendar("US-Federal", settings)


def test_an_unknown_default_calendar_names_the_setting():
    settings = parse_settings({"engine": {"default_calendar": "Narnia"}}, source="my.toml")
    with pytest.raises(UnknownCalendarError, match=r"engine.default_calendar in my.toml: unknown calendar 'NARNIA'"):
        get_calendar(None, settings)
