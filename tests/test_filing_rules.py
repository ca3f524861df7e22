"""The SEC rule catalog (issue 8, first part): every rule against dates from published filing
calendars or worked by hand from the rule's text, version selection by trigger date, a company's
year laid out from its profile, and rules of the user's own in config.toml."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from calendar_service.calendars import get_calendar
from calendar_service.cli import main
from calendar_service.compliance.catalog import FILER_STATUSES, TRIGGERS, build_catalog, load_builtin, parse_rule_table
from calendar_service.compliance.periodic import Profile, plan_year
from calendar_service.config import Settings, parse_settings
from calendar_service.errors import CalendarServiceError, ConfigError, NotFoundError
from calendar_service.services.filings import catalog_for

SETTINGS = Settings()
CALENDAR = get_calendar("us-federal", SETTINGS)
CATALOG = build_catalog()

# (rule id, trigger date, due date, cutoff, where the date comes from)
CASES = [
    ("10-K.laf", date(2024, 12, 31), date(2025, 3, 3), "17:30", "issue 8: 60 days is Sat 2025-03-01, rolled to Monday"),
    ("10-K.laf", date(2023, 12, 31), date(2024, 2, 29), "17:30", "leap year; borerfinancial.com filing calendar"),
    ("10-K.laf", date(2005, 12, 31), date(2006, 3, 16), "17:30", "75 days before fiscal years ending 2006-12-15; by hand"),
    ("10-K.af", date(2024, 12, 31), date(2025, 3, 17), "17:30", "75 days is Sun 2025-03-16; by hand"),
    ("10-K.naf", date(2023, 12, 31), date(2024, 4, 1), "17:30", "90 days is Sat 2024-03-30; borerfinancial.com"),
    ("10-Q.accelerated", date(2025, 3, 31), date(2025, 5, 12), "17:30", "issue 8: 40 days is Sat 2025-05-10"),
    ("10-Q.other", date(2025, 3, 31), date(2025, 5, 15), "17:30", "45 days; by hand"),
    ("DEF-14A.part-iii", date(2024, 12, 31), date(2025, 4, 30), "17:30", "120 days; by hand"),
    ("5", date(2024, 12, 31), date(2025, 2, 14), "22:00", "45 days, 10 p.m. cutoff; by hand"),
    ("20-F", date(2024, 12, 31), date(2025, 4, 30), "17:30", "four months; by hand"),
    ("20-F", date(2025, 6, 30), date(2025, 10, 31), "17:30", "four months from a month end ends at a month end"),
    ("11-K.erisa", date(2024, 12, 31), date(2025, 6, 30), "17:30", "180 days is Sun 2025-06-29; fact sheet B.3"),
    ("11-K", date(2024, 12, 31), date(2025, 3, 31), "17:30", "90 days; by hand"),
    ("8-K", date(2025, 12, 24), date(2026, 1, 2), "17:30", "issue 8: event on an EDGAR closure counts from Mon 12-29"),
    ("8-K", date(2025, 12, 22), date(2025, 12, 31), "17:30", "Dec 24-26 2025 closed; fact sheet B.3"),
    ("8-K", date(2025, 3, 1), date(2025, 3, 6), "17:30", "Saturday event; Form 8-K General Instruction B.1"),
    ("3", date(2025, 6, 2), date(2025, 6, 12), "22:00", "10 calendar days, not business days"),
    ("4", date(2025, 1, 8), date(2025, 1, 13), "22:00", "Carter national day of mourning 2025-01-09; fact sheet B.3"),
    ("144", date(2025, 6, 2), date(2025, 6, 2), "22:00", "filed concurrently with the order"),
    ("13D", date(2024, 1, 31), date(2024, 2, 12), "22:00", "issue 8: old rule, 10 calendar days is Sat 02-10"),
    ("13D", date(2024, 2, 6), date(2024, 2, 13), "22:00", "issue 8: new rule, 5 business days"),
    ("13D", date(2025, 12, 19), date(2025, 12, 31), "22:00", "Dec 24-26 2025 closed; fact sheet B.3"),
    ("13D/A", date(2025, 6, 2), date(2025, 6, 4), "22:00", "2 business days; by hand"),
    ("13G.passive", date(2024, 6, 3), date(2024, 6, 13), "22:00", "old rule, 10 days; by hand"),
    ("13G.passive", date(2024, 10, 1), date(2024, 10, 8), "22:00", "new rule, 5 business days; by hand"),
    ("13G.qii", date(2024, 9, 30), date(2024, 11, 14), "22:00", "first new-regime deadline 2024-11-14 (Mintz)"),
    ("13G/A", date(2024, 9, 30), date(2024, 11, 14), "22:00", "first new-regime deadline 2024-11-14 (Mintz)"),
    ("13G.qii", date(2023, 12, 31), date(2024, 2, 14), "22:00", "old rule: 45 days after the calendar year end; by hand"),
    ("13G/A", date(2022, 12, 31), date(2023, 2, 14), "22:00", "old rule: the familiar February 14 annual amendment; by hand"),
    ("13F", date(2025, 3, 31), date(2025, 5, 15), "17:30", "45 days; by hand"),
    ("NT.notice", date(2025, 5, 12), date(2025, 5, 13), "17:30", "one business day after the 10-Q due date; fact sheet B.3"),
    ("12b-25.quarterly", date(2025, 5, 12), date(2025, 5, 19), "17:30", "+5 is Sat 05-17; fact sheet B.3"),
    ("12b-25.annual", date(2024, 2, 29), date(2024, 3, 15), "17:30", "+15 from the leap-day 10-K; fact sheet B.3"),
    ("comment-letter", date(2009, 5, 11), date(2009, 5, 26), "17:30", "the ImmunoGen letter; Memorial Day 2009-05-25"),
]


@pytest.mark.parametrize(("rule_id", "trigger", "due", "cutoff", "source"), CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_each_rule_gives_the_published_or_hand_worked_date(rule_id, trigger, due, cutoff, source):
    rule = CATALOG.version(rule_id, trigger)
    computation = rule.compute(CALENDAR, trigger)
    assert computation.due == due, source
    assert computation.cutoff.strftime("%H:%M") == cutoff
    assert str(computation.cutoff.tzinfo) == "America/New_York"


def test_every_built_in_rule_has_a_case_and_a_citation():
    assert {rule.id for rule in load_builtin()} == {case[0] for case in CASES}
    for rule in load_builtin():
        assert rule.citation and rule.name and rule.trigger in TRIGGERS
        assert all(status in FILER_STATUSES for status in rule.filers)


def test_the_version_in_force_on_the_trigger_date_applies():
    assert str(CATALOG.version("13D", date(2024, 2, 4)).rule).startswith("10 calendar days")
    assert str(CATALOG.version("13D", date(2024, 2, 5)).rule).startswith("5 business days")
    with pytest.raises(CalendarServiceError, match=r"not in force on 2002-08-28 \(it covers 2002-08-29 to today\)"):
        CATALOG.version("4", date(2002, 8, 28))
    with pytest.raises(NotFoundError, match="no filing rule '10-X'"):
        CATALOG.version("10-X", date(2024, 6, 30))
    assert CATALOG.version("13d", date(2024, 2, 5)).id == "13D"  # ids are case-insensitive


def test_12b_25_hangs_off_the_report_it_extends():
    assert {r.id for r in CATALOG.dependants("10-Q")} == {"NT.notice", "12b-25.quarterly"}
    assert {r.id for r in CATALOG.dependants("10-K")} == {"NT.notice", "12b-25.annual"}
    assert CATALOG.dependants("8-K") == []  # no extension for current reports


def test_a_calendar_year_large_accelerated_filer_has_these_deadlines_due_in_2026():
    planned = plan_year(CATALOG, CALENDAR, Profile("Acme"), 2026)
    got = [(p.rule.id, p.period.label, p.computation.due) for p in planned]
    assert got == [
        ("5", "FY2025", date(2026, 2, 17)),  # 45 days is Sat 02-14; Mon 02-16 is Washington's Birthday
        ("10-K.laf", "FY2025", date(2026, 3, 2)),  # 60 days is Sun 03-01
        ("DEF-14A.part-iii", "FY2025", date(2026, 4, 30)),
        ("10-Q.accelerated", "Q1 FY2026", date(2026, 5, 11)),  # 40 days is Sun 05-10
        ("10-Q.accelerated", "Q2 FY2026", date(2026, 8, 10)),  # 40 days is Sun 08-09
        ("10-Q.accelerated", "Q3 FY2026", date(2026, 11, 9)),  # 40 days is Mon 11-09
    ]
    assert all(p.rule.citation for p in planned)
    assert [p.key for p in planned] == [p.key for p in plan_year(CATALOG, CALENDAR, Profile("Acme"), 2026)]


def test_a_june_year_end_smaller_reporting_company_and_a_foreign_private_issuer():
    june = plan_year(CATALOG, CALENDAR, Profile("Junco", (6, 30), "smaller-reporting"), 2026)
    assert [(p.rule.id, p.period.label, p.computation.due) for p in june] == [
        ("10-Q.other", "Q2 FY2026", date(2026, 2, 17)),  # quarter ended 2025-12-31; 45 days is Sat 02-14
        ("10-Q.other", "Q3 FY2026", date(2026, 5, 15)),
        ("5", "FY2026", date(2026, 8, 14)),
        ("10-K.naf", "FY2026", date(2026, 9, 28)),  # 90 days is Mon 09-28
        ("DEF-14A.part-iii", "FY2026", date(2026, 10, 28)),
        ("10-Q.other", "Q1 FY2027", date(2026, 11, 16)),  # quarter ends 2026-09-30; 45 days is Sat 11-14
    ]
    foreign = plan_year(CATALOG, CALENDAR, Profile("Fpi", (12, 31), "accelerated", foreign=True), 2026)
    assert [(p.rule.id, p.computation.due) for p in foreign] == [("20-F", date(2026, 4, 30))]


USER_RULE = """
[compliance]
[[compliance.rules]]
id = "state-annual-report"
name = "State annual report"
trigger = "fiscal_year_end"
offset = "30 calendar days"
periodic = true
citation = "the state statute"

[[compliance.rules]]
id = "10-K.naf"
name = "10-K as our counsel counts it"
form = "10-K"
trigger = "fiscal_year_end"
offset = "89 calendar days"
filers = ["non-accelerated", "smaller-reporting"]
issuers = "domestic"
periodic = true
citation = "counsel's memo"
"""


def test_a_rule_in_config_toml_works_like_the_built_in_ones(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(USER_RULE, encoding="utf-8")
    assert main(["--config", str(config), "rules", "due", "state-annual-report", "2025-12-31", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["due"], result["citation"]) == ("2026-01-30", "the state statute")
    assert (
        main(["--config", str(config), "calendar", "plan", "--fye", "12-31", "--status", "non-accelerated", "--year", "2026", "--json"])
        == 0
    )
    planned = {p["rule_id"]: p for p in json.loads(capsys.readouterr().out)}
    assert planned["state-annual-report"]["due"] == "2026-01-30"
    assert planned["10-K.naf"]["due"] == "2026-03-30"  # 89 days (Sun 03-29, rolled): the configured rule replaced the built-in
    assert planned["10-K.naf"]["citation"] == "counsel's memo"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"id": "x", "name": "X", "trigger": "year_end", "offset": "30 days", "citation": "c"}, "trigger 'year_end' is not one of"),
        ({"id": "x", "name": "X", "trigger": "event", "offset": "thirty-ish days", "citation": "c"}, "offset: cannot read"),
        ({"id": "x", "name": "X", "trigger": "event", "offset": "30 days"}, "needs citation as text"),
        ({"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c", "cutoff": "5pm"}, "cutoff '5pm' is not a time"),
        ({"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c", "filers": ["big"]}, "filer status 'big'"),
        (
            {"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c", "periodic": True},
            "only rules triggered by a fiscal",
        ),
        ({"id": "x", "name": "X", "trigger": "deadline", "offset": "1 business day", "citation": "c"}, "names its forms in of"),
        (
            {"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c", "in_force_from": "2024-01-01"},
            "must be a TOML date",
        ),
        ({"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c", "due": 3}, "unknown key 'due'"),
    ],
)
def test_a_malformed_rule_in_config_is_reported_with_what_to_fix(table, message):
    with pytest.raises(ConfigError, match=message):
        catalog_for(parse_settings({"compliance": {"rules": [table]}}, source="config.toml"))


def test_overlapping_versions_in_config_are_refused():
    version = {"id": "x", "name": "X", "trigger": "event", "offset": "30 days", "citation": "c"}
    with pytest.raises(ConfigError, match="versions whose dates overlap"):
        catalog_for(parse_settings({"compliance": {"rules": [version, {**version, "offset": "20 days"}]}}, source="config.toml"))


def test_a_malformed_configured_rule_stops_the_cli_with_one_line(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[[compliance.rules]]\nid = "x"\nname = "X"\ntrigger = "event"\noffset = "often"\ncitation = "c"\n')
    assert main(["--config", str(config), "holidays", "2026"]) == 2
    err = capsys.readouterr().err
    assert "compliance.rules[0] (x): offset: cannot read 'often'" in err and err.count("\n") == 1


def test_a_rule_table_keeps_its_cutoff_in_eastern_time():
    rule = parse_rule_table(
        {"id": "x", "name": "X", "trigger": "event", "offset": "2 business days", "citation": "c", "cutoff": "22:00"}, "test"
    )
    assert rule.rule.cutoff.at == time(22, 0) and rule.rule.cutoff.zone == "America/New_York"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rules", "due", "10-X", "2025-01-01"], "no filing rule '10-X'"),
        (["rules", "due", "8-K", "2025-02-30"], "TRIGGER"),
        (["rules", "due", "8-K", "2025-02-03", "--item", "9.99"], "8-K has no item '9.99'"),
        (["rules", "due", "10-K.laf", "2025-12-31", "--item", "1.01"], "has no items"),
        (["rules", "show", "nope"], "no filing rule 'nope'"),
        (["calendar", "plan", "--year", "2026", "--fye", "13-01"], "fiscal year end '13-01'"),
        (["calendar", "plan", "--year", "2026", "--status", "huge"], "'huge' is not one of"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_due_names_the_item_and_the_source(capsys):
    assert main(["rules", "due", "8-K", "2025-12-24", "--item", "1.01", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2026-01-02 (Fri), by 17:30 America/New_York")
    assert "Item 1.01 Entry into a Material Definitive Agreement" in out
    assert "source: Form 8-K, General Instruction B.1" in out
    assert "Day After Christmas" in out
