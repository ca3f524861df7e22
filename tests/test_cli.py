"""The command line, run as users run it: ``python -m calendar_service``."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calendar_service.cli import cli, main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """A real process, as a user would start it."""
    return subprocess.run(
        [sys.executable, "-m", "calendar_service", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_due_prints_the_seed_letter_deadline():
    done = run("due", "2009-05-11", "10 business days")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "2009-05-26 (Tue)\n"


def test_due_explain_shows_memorial_day_skipped():
    done = run("due", "2009-05-11", "10 business days", "--explain")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "2009-05-26 (Tue)"
    assert any("2009-05-25 Mon" in line and "skip" in line and "Memorial Day" in line for line in lines)
    assert any("2009-05-26 Tue" in line and "business day 10" in line for line in lines)


def test_due_json_has_the_fields_clients_rely_on():
    done = run("due", "2025-01-08", "2 business days 22:00 America/New_York", "--json")
    data = json.loads(done.stdout)
    assert data["due"] == "2025-01-13"
    assert data["rule"] == "2 business days 22:00 America/New_York"
    assert data["calendar"] == "us-federal"
    assert data["cutoff"] == "2025-01-13T22:00:00-05:00"
    skipped = [step for step in data["explanation"] if step["action"] == "skip"]
    assert skipped[0] == {
        "date": "2025-01-09",
        "weekday": "Thu",
        "action": "skip",
        "note": "National Day of Mourning for former President Jimmy Carter (holiday)",
    }


@pytest.mark.parametrize(
    ("args", "out"),
    [
        (["due", "2021-12-30", "1 business day"], "2022-01-03 (Mon)"),
        (["due", "2024-12-31", "60 calendar days"], "2025-03-03 (Mon)"),
        (["due", "2021-12-30", "1 business day", "--calendar", "nyse"], "2021-12-31 (Fri)"),
        (["due", "2025-12-24", "1BD", "-c", "nyse"], "2025-12-26 (Fri)"),
        (["business-days", "2009-05-11", "2009-05-26"], "10"),
        (["business-days", "2009-05-26", "2009-05-11"], "-10"),
    ],
)
def test_commands_print_their_answer(capsys, args, out):
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == out


def test_holidays_lists_a_year_with_names(capsys):
    assert main(["holidays", "2025"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "2025-01-09 Thu  National Day of Mourning for former President Jimmy Carter" in lines
    assert "2025-12-26 Fri  Day After Christmas" in lines
    assert len(lines) == 14  # 11 holidays, the Carter day of mourning, Dec 24 and Dec 26


def test_holidays_json(capsys):
    assert main(["holidays", "2021", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calendar"] == "us-federal" and data["year"] == 2021
    assert data["weekend"] == ["Saturday", "Sunday"]
    assert {"date": "2021-12-31", "weekday": "Fri", "name": "New Year's Day (observed)", "kind": "holiday"} in data["days"]


def test_holidays_marks_configured_closures(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[calendars.us-federal]\nclosures = [{ date = 2026-11-27, reason = "Agencies closed" }]\n', encoding="utf-8")
    assert main(["--config", str(config), "holidays", "2026"]) == 0
    assert "2026-11-27 Fri  Agencies closed  (configured closure)" in capsys.readouterr().out.splitlines()


def test_business_days_json_and_explain(capsys):
    assert main(["business-days", "2025-12-22", "2025-12-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("start", "end", "calendar", "business_days")} == {
        "start": "2025-12-22",
        "end": "2025-12-31",
        "calendar": "us-federal",
        "business_days": 4,
    }
    assert [s["date"] for s in data["explanation"] if s["action"] == "count"] == ["2025-12-23", "2025-12-29", "2025-12-30", "2025-12-31"]
    assert main(["business-days", "2025-12-22", "2025-12-31", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "4"
    assert any("2025-12-26 Fri" in line and "Day After Christmas" in line for line in lines)


def test_calendars_lists_the_named_calendars(capsys):
    assert main(["calendars", "--json"]) == 0
    names = [c["name"] for c in json.loads(capsys.readouterr().out)]
    assert names[:3] == ["us-federal", "us-federal-statutory", "nyse"]


def test_the_config_in_the_working_directory_and_the_environment_are_read(tmp_path):
    (tmp_path / "config.toml").write_text('[engine]\ndefault_calendar = "nyse"\n', encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = run("due", "2021-12-30", "1 business day", "--json", cwd=tmp_path, env=env)
    assert json.loads(done.stdout)["calendar"] == "nyse"
    other = tmp_path / "other.toml"
    other.write_text('[engine]\ndefault_calendar = "GB-ENG"\n', encoding="utf-8")
    done = run("due", "2021-12-30", "1 business day", "--json", cwd=tmp_path, env={**env, "CALENDAR_SERVICE_CONFIG": str(other)})
    assert json.loads(done.stdout)["calendar"] == "GB-ENG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["due", "2009-02-30", "10 business days"], "START '2009-02-30' does not exist"),
        (["due", "May 11 2009", "10 business days"], "START 'May 11 2009' is not a date; write YYYY-MM-DD"),
        (["due", "2009-05-11", "10 business dayz"], "cannot read '10 business dayz' as a rule"),
        (["due", "2009-05-11", "10 business days", "--calendar", "Narnia"], "unknown calendar 'NARNIA'"),
        (["due", "1850-01-01", "1 business day"], "outside the supported range"),
        (["due", "2200-12-30", "10 business days"], "outside the supported range"),
        (["holidays", "2300"], "year 2300 is outside the supported range 1900 to 2200"),
        (["holidays", "twenty"], "'twenty' is not a valid integer"),
        (["business-days", "2009-05-11", "2009-13-01"], "END '2009-13-01' does not exist"),
        (["due", "2009-05-11"], "Missing argument 'RULE'"),
        (["due", "2009-05-11", "10BD", "--frobnicate"], "No such option '--frobnicate'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["--config", "/nonexistent/config.toml", "holidays", "2025"], "does not exist"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(capsys, args, message):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("calendar_service: error: ")
    assert message in lines[0]


def test_a_bad_config_file_is_one_line_not_a_traceback(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[engine]\ndefault_timezone = "Mars/Olympus"\n', encoding="utf-8")
    done = run("--config", str(config), "due", "2009-05-11", "10BD")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"calendar_service: error: {config}: engine.default_timezone 'Mars/Olympus' is not a known time zone; "
        "use an IANA name such as America/New_York"
    ]


def test_a_real_process_exits_2_on_bad_input_without_a_traceback():
    done = run("due", "2009-02-30", "10 business days")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_help_documents_every_command(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert name in text
        assert command.help, f"{name} has no help"
        assert f"calendar_service {name}" in readme, f"README does not show {name}"


def test_no_arguments_prints_help_and_succeeds(capsys):
    assert main([]) == 0
    assert "Usage:" in capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "calendar_service, version" in capsys.readouterr().out


def _store_config(tmp_path: Path, extra: str = "") -> str:
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nsqlite_path = "{tmp_path / "cs.db"}"\n{extra}', encoding="utf-8")
    return str(config)


def test_tokens_are_created_once_listed_without_secrets_and_revoked(tmp_path, capsys):
    config = _store_config(tmp_path)
    assert main(["--config", config, "tokens", "create", "paralegal", "--read-only"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("cst_") and len(token) > 40
    assert "shown only this once" in captured.err
    assert main(["--config", config, "tokens", "create", "paralegal"]) == 2
    assert "a token called 'paralegal' exists" in capsys.readouterr().err
    assert main(["--config", config, "tokens", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(t["name"], t["read_only"], t["revoked_at"]) for t in listed] == [("paralegal", True, None)]
    assert token not in json.dumps(listed)
    assert main(["--config", config, "tokens", "revoke", "paralegal"]) == 0
    assert main(["--config", config, "tokens", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["--config", config, "tokens", "revoke", "nobody"]) == 2
    assert "there is no token called 'nobody'" in capsys.readouterr().err


def test_recompute_reports_what_moved(tmp_path, capsys):
    from datetime import UTC, datetime

    from calendar_service.config import load_settings
    from calendar_service.services import deadlines, matters
    from calendar_service.store import open_store

    config = _store_config(tmp_path)
    store = open_store(load_settings(Path(config)).store.url())
    now = datetime(2026, 11, 21, tzinfo=UTC)
    matter = matters.create_matter(store, {"name": "Acme 8-K"}, actor="test", now=now)
    settings = load_settings(Path(config))
    deadlines.create_deadline(
        store,
        settings,
        {"matter_id": matter["id"], "title": "8-K", "trigger_date": "2026-11-20", "rule": "5 business days"},
        actor="t",
        now=now,
    )
    store.close()
    assert main(["--config", config, "recompute"]) == 0
    assert capsys.readouterr().out.strip() == "no deadline moved"
    config = _store_config(tmp_path, '[calendars.us-federal]\nclosures = [{ date = 2026-11-27, reason = "EO closure" }]\n')
    assert main(["--config", config, "recompute"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 deadline moved"
    assert out[1] == "  deadline 1 (8-K, Acme 8-K): 2026-11-30 -> 2026-12-01"


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[store]\ndatabase_url = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n', encoding="utf-8")
    assert main(["--config", str(config), "tokens", "list"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(
        "calendar_service: error: cannot open the database postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
