"""config.toml: the shipped file is the documented defaults, every key is documented, bad values are refused."""

import re
import tomllib
from datetime import time
from pathlib import Path

import pytest

from calendar_service.config import (
    SETTINGS,
    AlertSettings,
    CalendarSettings,
    ComplianceSettings,
    EngineSettings,
    ServerSettings,
    Settings,
    StoreSettings,
    find_config,
    load_settings,
    parse_settings,
)
from calendar_service.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "config.toml"


def test_the_shipped_config_is_exactly_the_embedded_defaults():
    settings = load_settings(SHIPPED)
    assert settings.engine == EngineSettings()
    assert settings.store == StoreSettings()
    assert settings.server == ServerSettings()
    assert settings.alerts == AlertSettings()
    assert all(adjust == CalendarSettings() for _, adjust in settings.calendars)


def test_the_settings_table_agrees_with_the_dataclass_defaults():
    sections = {
        "engine": EngineSettings(),
        "store": StoreSettings(),
        "server": ServerSettings(),
        "alerts": AlertSettings(),
        "compliance": ComplianceSettings(),
        "calendars": CalendarSettings(),
    }
    for setting in SETTINGS:
        section, *_, leaf = setting.key.split(".")
        value = getattr(sections[section], leaf)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        if isinstance(value, tuple):
            value = list(value)
        assert value == setting.default, setting.key


def _section_lines(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(header)
    out = []
    for line in lines[start + 1 :]:
        if line.startswith("["):
            break
        out.append(line)
    return out


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_every_setting_is_in_config_toml_with_a_comment_above_it(setting):
    text = SHIPPED.read_text(encoding="utf-8")
    section, *_, leaf = setting.key.split(".")
    header = "[calendars.us-federal]" if section == "calendars" else f"[{section}]"
    lines = _section_lines(text, header)
    index = next(i for i, line in enumerate(lines) if re.match(rf"{leaf} = ", line))
    assert lines[index - 1].startswith("#"), f"{setting.key} has no comment right above it"
    assert tomllib.loads(text)  # and the file still parses


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.key}`" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"engin": {}}, "unknown setting engin"),
        ({"engine": {"default_calender": "x"}}, "unknown setting engine.default_calender"),
        ({"engine": {"default_cutoff": "5:30pm"}}, "engine.default_cutoff '5:30pm' is not a time of day"),
        ({"engine": {"default_cutoff": "25:00"}}, "is not a time of day"),
        ({"engine": {"default_timezone": "Eastern"}}, "'Eastern' is not a known time zone"),
        ({"engine": {"default_calendar": 3}}, "must be a text value"),
        ({"engine": "x"}, r"\[engine\] must be a table"),
        ({"calendars": {"us-federal": {"weekend": ["caturday"]}}}, "'caturday', which is not a weekday"),
        ({"calendars": {"us-federal": {"weekend": "saturday"}}}, "must be a list of weekday names"),
        ({"calendars": {"us-federal": {"inauguration_day": "yes"}}}, "must be true or false"),
        ({"calendars": {"us-federal": {"closures": [{"date": "2026-02-30", "reason": "x"}]}}}, "is not a date"),
        ({"calendars": {"us-federal": {"closures": [{"date": "2026-02-03"}]}}}, "exactly the keys date and reason"),
        ({"calendars": {"us-federal": {"closures": [{"date": "2026-02-03", "reason": " "}]}}}, "non-empty text"),
        ({"calendars": {"us-federal": {"closures": {"date": "2026-02-03"}}}}, "must be a list of tables"),
        ({"calendars": {"us-federal": {"holidays": []}}}, "unknown setting calendars.us-federal.holidays"),
        ({"store": {"url": "x"}}, "unknown setting store.url"),
        ({"store": {"sqlite_path": " "}}, "store.sqlite_path is empty"),
        ({"server": {"port": 70000}}, "server.port must be a whole number from 1 to 65535"),
        ({"server": {"port": "8000"}}, "server.port must be a whole number"),
        ({"server": {"threads": True}}, "server.threads must be a whole number"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name_and_what_to_write(data, message):
    with pytest.raises(ConfigError, match=message):
        parse_settings(data)


def test_an_unreadable_file_is_a_config_error(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[engine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_the_config_file_is_found_by_flag_then_environment_then_working_directory(tmp_path):
    assert find_config(None, {}, tmp_path) is None
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    assert find_config(None, {}, tmp_path) == tmp_path / "config.toml"
    assert find_config(None, {"CALENDAR_SERVICE_CONFIG": "/etc/cs.toml"}, tmp_path) == Path("/etc/cs.toml")
    assert find_config("mine.toml", {"CALENDAR_SERVICE_CONFIG": "/etc/cs.toml"}, tmp_path) == Path("mine.toml")


def test_no_file_means_the_embedded_defaults():
    assert load_settings(None) == Settings()


def test_the_environment_points_the_store_elsewhere():
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert load_settings(None, {"CALENDAR_SERVICE_DATABASE_URL": url}).store.url() == url
    assert load_settings(None, {}).store.url() == "sqlite:///calendar_service.db"
