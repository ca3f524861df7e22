"""config.toml -> frozen settings. Every key has a default and help text (``SETTINGS``).

The service runs on its embedded defaults with no file at all. A file is looked for in this
order: an explicit path (``--config``), the ``CALENDAR_SERVICE_CONFIG`` environment variable,
then ``config.toml`` in the working directory. Unknown keys are errors, so a typo never passes
silently as "the default".
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

CONFIG_ENV_VAR = "CALENDAR_SERVICE_CONFIG"
DATABASE_URL_ENV_VAR = "CALENDAR_SERVICE_DATABASE_URL"
SECRET_ENV_VAR = "CALENDAR_SERVICE_SECRET"
DEFAULT_CONFIG_NAME = "config.toml"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Setting:
    """One documented key: its dotted name, default value and help text."""

    key: str
    default: object
    help: str


#: Every key config.toml may hold. ``<name>`` stands for any calendar name.
SETTINGS: tuple[Setting, ...] = (
    Setting("engine.default_calendar", "us-federal", "Calendar used when a request names none."),
    Setting(
        "engine.default_cutoff",
        "17:30",
        "Time of day (HH:MM) a deadline ends when its rule names none: 17:30 is EDGAR's filing-date cutoff (Regulation S-T Rule 13(a)(2)).",
    ),
    Setting("engine.default_timezone", "America/New_York", "IANA time zone of the default cutoff."),
    Setting(
        "store.database_url",
        "",
        "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db; empty uses the SQLite "
        f"file at store.sqlite_path. ${DATABASE_URL_ENV_VAR} overrides it.",
    ),
    Setting(
        "store.sqlite_path",
        "calendar_service.db",
        "The embedded SQLite database file (created on first run), relative to the working directory.",
    ),
    Setting("server.host", "127.0.0.1", "Address `serve` listens on; 0.0.0.0 to listen on every interface."),
    Setting("server.port", 8000, "TCP port `serve` listens on."),
    Setting("server.threads", 8, "Worker threads of the WSGI server."),
    Setting("server.max_request_bytes", 1048576, "Largest request body accepted; larger ones get 413."),
    Setting(
        "server.public_url",
        "",
        "The address users reach the service at (https://deadlines.example.com), used in feed and subscribe links; "
        "empty: the address of each request (the API) or http://host:port (the CLI).",
    ),
    Setting(
        "server.secret_file",
        "calendar_service.secret",
        f"File holding the instance secret that feed URLs are derived from, created on first run (mode 0600); "
        f"${SECRET_ENV_VAR} overrides it. Every process of one installation needs the same secret.",
    ),
    Setting("server.max_letter_bytes", 10485760, "Largest letter (text or PDF) POST /api/v1/letters accepts; larger ones get 413."),
    Setting("alerts.before_business_days", [5, 2, 1], "Reminders this many business days before the due date."),
    Setting("alerts.at", "09:00", "Local time (HH:MM) reminders are sent."),
    Setting("alerts.timezone", "America/New_York", "IANA time zone of alerts.at."),
    Setting("alerts.due_day", True, "Also remind on the morning of the due date."),
    Setting("alerts.overdue_business_days", 5, "Remind each business morning while overdue, up to this many mornings (0: never)."),
    Setting("alerts.poll_seconds", 10, "How often the dispatcher looks for due alerts."),
    Setting("alerts.max_attempts", 8, "Attempts before an alert is given up as dead."),
    Setting("alerts.backoff_seconds", 30, "First retry delay; it doubles with each attempt (with jitter)."),
    Setting("alerts.backoff_max_seconds", 1800, "Longest retry delay (and the most a Retry-After is honoured)."),
    Setting("alerts.lease_seconds", 60, "How long a dispatcher may hold an alert it is sending before another may take it over."),
    Setting("alerts.timeout_seconds", 10, "Connect and read timeout of one delivery."),
    Setting("alerts.send_threads", 8, "Deliveries one dispatcher makes at once."),
    Setting(
        "alerts.channels",
        [],
        "Channels defined here: tables with name, kind (slack, webhook, teams), url, and optional matters, tags, assignees, "
        "companies (routing), digest and digest_business_days. They are created or updated on start.",
    ),
    Setting(
        "calendars.<name>.base",
        "",
        "Makes <name> a new calendar built on this one (a built-in name or a spec such as GB-ENG); "
        "empty when <name> itself is a built-in calendar or spec being adjusted.",
    ),
    Setting(
        "compliance.rules",
        [],
        "Filing rules of your own ([[compliance.rules]] tables with the keys of the built-in catalog); "
        "one with a built-in id replaces that rule.",
    ),
    Setting("calendars.<name>.description", "", "Text shown beside the calendar in listings."),
    Setting(
        "calendars.<name>.weekend",
        [],
        "Weekday names that are never business days; empty keeps the calendar's own weekend.",
    ),
    Setting(
        "calendars.<name>.inauguration_day",
        False,
        "Close on Inauguration Day (5 U.S.C. 6103(c): January 20 every fourth year, Monday when it "
        "is a Sunday), a holiday only for federal employees in the DC area.",
    ),
    Setting("calendars.<name>.closures", [], "Extra non-business days: a list of { date, reason } tables."),
    Setting(
        "calendars.<name>.reopenings",
        [],
        "Days that are business days even though the calendar closes them: { date, reason } tables.",
    ),
)


@dataclass(frozen=True)
class DatedReason:
    """A configured closure or re-opening."""

    date: date
    reason: str


@dataclass(frozen=True)
class CalendarSettings:
    """Adjustments for one calendar (see ``calendars.<name>.*`` in ``SETTINGS``)."""

    base: str = ""
    description: str = ""
    weekend: tuple[int, ...] = ()
    inauguration_day: bool = False
    closures: tuple[DatedReason, ...] = ()
    reopenings: tuple[DatedReason, ...] = ()


@dataclass(frozen=True)
class EngineSettings:
    """Defaults for deadline computations."""

    default_calendar: str = "us-federal"
    default_cutoff: time = time(17, 30)
    default_timezone: str = "America/New_York"


@dataclass(frozen=True)
class StoreSettings:
    """Where matters and deadlines are kept."""

    database_url: str = ""
    sqlite_path: str = "calendar_service.db"

    def url(self) -> str:
        """The SQLAlchemy URL to connect to."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"


@dataclass(frozen=True)
class ServerSettings:
    """How `serve` listens."""

    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    max_request_bytes: int = 1048576
    max_letter_bytes: int = 10485760
    public_url: str = ""
    secret_file: str = "calendar_service.secret"


@dataclass(frozen=True)
class ChannelConfig:
    """A channel defined in config.toml."""

    name: str
    kind: str
    url: str
    matters: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    digest: bool = False
    digest_business_days: int = 5


@dataclass(frozen=True)
class AlertSettings:
    """When reminders go out and how deliveries are retried."""

    before_business_days: tuple[int, ...] = (5, 2, 1)
    at: time = time(9, 0)
    timezone: str = "America/New_York"
    due_day: bool = True
    overdue_business_days: int = 5
    poll_seconds: int = 10
    max_attempts: int = 8
    backoff_seconds: int = 30
    backoff_max_seconds: int = 1800
    lease_seconds: int = 60
    timeout_seconds: int = 10
    send_threads: int = 8
    channels: tuple[ChannelConfig, ...] = ()


@dataclass(frozen=True)
class ComplianceSettings:
    """Filing rules added to (or replacing) the built-in SEC catalog, as frozen TOML tables:
    ((key, value), ...) with lists made tuples. The compliance package reads and checks them
    (``services.filings.catalog_for``), as it sits above this layer."""

    rules: tuple[tuple[tuple[str, object], ...], ...] = ()


@dataclass(frozen=True)
class Settings:
    """All settings; hashable, so that what is compiled from them can be cached by them."""

    engine: EngineSettings = field(default_factory=EngineSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    compliance: ComplianceSettings = field(default_factory=ComplianceSettings)
    calendars: tuple[tuple[str, CalendarSettings], ...] = ()
    source: str = "embedded defaults"

    def calendar_settings(self) -> Mapping[str, CalendarSettings]:
        """The per-calendar tables by the name written in the file."""
        return dict(self.calendars)


def find_config(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file to read, or None to run on the embedded defaults."""
    if explicit:
        return Path(explicit)
    if environ.get(CONFIG_ENV_VAR):
        return Path(environ[CONFIG_ENV_VAR])
    candidate = cwd / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_settings(path: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check a config file (None: the embedded defaults), then apply the environment."""
    settings = _read_settings(path)
    url = (environ or {}).get(DATABASE_URL_ENV_VAR)
    if url:
        settings = replace(settings, store=replace(settings.store, database_url=url))
    return settings


def _read_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; create it or point {CONFIG_ENV_VAR} elsewhere") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return parse_settings(data, source=str(path))


def parse_settings(data: Mapping[str, object], *, source: str = "config") -> Settings:
    """Build ``Settings`` from parsed TOML, rejecting unknown keys and bad values."""
    _reject_unknown(data, {"engine", "calendars", "store", "server", "alerts", "compliance"}, "", source)
    engine_data = _table(data.get("engine", {}), "engine", source)
    _reject_unknown(engine_data, {"default_calendar", "default_cutoff", "default_timezone"}, "engine.", source)
    engine = EngineSettings(
        default_calendar=_text(engine_data.get("default_calendar", "us-federal"), "engine.default_calendar", source),
        default_cutoff=parse_clock(
            _text(engine_data.get("default_cutoff", "17:30"), "engine.default_cutoff", source), "engine.default_cutoff", source
        ),
        default_timezone=check_timezone(
            _text(engine_data.get("default_timezone", "America/New_York"), "engine.default_timezone", source),
            "engine.default_timezone",
            source,
        ),
    )
    store_data = _table(data.get("store", {}), "store", source)
    _reject_unknown(store_data, {"database_url", "sqlite_path"}, "store.", source)
    store = StoreSettings(
        database_url=_text(store_data.get("database_url", ""), "store.database_url", source),
        sqlite_path=_text(store_data.get("sqlite_path", "calendar_service.db"), "store.sqlite_path", source),
    )
    if not store.sqlite_path.strip():
        raise ConfigError(f"{source}: store.sqlite_path is empty; name a file such as calendar_service.db")
    server_data = _table(data.get("server", {}), "server", source)
    _reject_unknown(
        server_data, {"host", "port", "threads", "max_request_bytes", "max_letter_bytes", "public_url", "secret_file"}, "server.", source
    )
    public_url = _text(server_data.get("public_url", ""), "server.public_url", source).rstrip("/")
    if public_url and not re.fullmatch(r"https?://[^\s/?#]+(?:/[^\s?#]*)?", public_url):
        raise ConfigError(f"{source}: server.public_url {public_url!r} is not an http(s) URL such as https://deadlines.example.com")
    server = ServerSettings(
        host=_text(server_data.get("host", "127.0.0.1"), "server.host", source),
        port=_integer(server_data.get("port", 8000), "server.port", source, 1, 65535),
        threads=_integer(server_data.get("threads", 8), "server.threads", source, 1, 256),
        max_request_bytes=_integer(server_data.get("max_request_bytes", 1048576), "server.max_request_bytes", source, 1024, 1 << 30),
        max_letter_bytes=_integer(server_data.get("max_letter_bytes", 10485760), "server.max_letter_bytes", source, 1024, 1 << 30),
        public_url=public_url,
        secret_file=_text(server_data.get("secret_file", "calendar_service.secret"), "server.secret_file", source),
    )
    calendars = []
    for name, table in _table(data.get("calendars", {}), "calendars", source).items():
        calendars.append((name, _calendar_settings(name, _table(table, f"calendars.{name}", source), source)))
    alerts = _alert_settings(_table(data.get("alerts", {}), "alerts", source), source)
    compliance = _compliance_settings(_table(data.get("compliance", {}), "compliance", source), source)
    return Settings(
        engine=engine, store=store, server=server, alerts=alerts, compliance=compliance, calendars=tuple(calendars), source=source
    )


def _compliance_settings(table: Mapping[str, object], source: str) -> ComplianceSettings:
    _reject_unknown(table, {"rules"}, "compliance.", source)
    raw = table.get("rules", [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ConfigError(f"{source}: compliance.rules must be a list of [[compliance.rules]] tables")
    return ComplianceSettings(rules=tuple(tuple(sorted((k, _freeze(v)) for k, v in item.items())) for item in raw))


def _freeze(value: object) -> object:
    """A TOML value made hashable: lists become tuples (settings are cache keys)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


_ALERT_KEYS = {
    "before_business_days", "at", "timezone", "due_day", "overdue_business_days", "poll_seconds", "max_attempts",
    "backoff_seconds", "backoff_max_seconds", "lease_seconds", "timeout_seconds", "send_threads", "channels",
}  # fmt: skip
CHANNEL_KINDS = ("slack", "webhook", "teams")


def _alert_settings(table: Mapping[str, object], source: str) -> AlertSettings:
    _reject_unknown(table, _ALERT_KEYS, "alerts.", source)
    before = table.get("before_business_days", [5, 2, 1])
    if not isinstance(before, list) or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 60 for n in before):
        raise ConfigError(f"{source}: alerts.before_business_days must be a list of whole numbers from 1 to 60, e.g. [5, 2, 1]")
    due_day = table.get("due_day", True)
    if not isinstance(due_day, bool):
        raise ConfigError(f"{source}: alerts.due_day must be true or false")
    channels = []
    raw_channels = table.get("channels", [])
    if not isinstance(raw_channels, list):
        raise ConfigError(f"{source}: alerts.channels must be a list of [[alerts.channels]] tables")
    for i, item in enumerate(raw_channels):
        channels.append(_channel_config(item, f"alerts.channels[{i}]", source))
    names = [c.name for c in channels]
    if len(set(names)) != len(names):
        raise ConfigError(f"{source}: alerts.channels has two channels with the same name")
    return AlertSettings(
        before_business_days=tuple(sorted(set(before), reverse=True)),
        at=parse_clock(_text(table.get("at", "09:00"), "alerts.at", source), "alerts.at", source),
        timezone=check_timezone(_text(table.get("timezone", "America/New_York"), "alerts.timezone", source), "alerts.timezone", source),
        due_day=due_day,
        overdue_business_days=_integer(table.get("overdue_business_days", 5), "alerts.overdue_business_days", source, 0, 60),
        poll_seconds=_integer(table.get("poll_seconds", 10), "alerts.poll_seconds", source, 1, 3600),
        max_attempts=_integer(table.get("max_attempts", 8), "alerts.max_attempts", source, 1, 100),
        backoff_seconds=_integer(table.get("backoff_seconds", 30), "alerts.backoff_seconds", source, 1, 86400),
        backoff_max_seconds=_integer(table.get("backoff_max_seconds", 1800), "alerts.backoff_max_seconds", source, 1, 86400),
        lease_seconds=_integer(table.get("lease_seconds", 60), "alerts.lease_seconds", source, 5, 3600),
        timeout_seconds=_integer(table.get("timeout_seconds", 10), "alerts.timeout_seconds", source, 1, 300),
        send_threads=_integer(table.get("send_threads", 8), "alerts.send_threads", source, 1, 64),
        channels=tuple(channels),
    )


def _channel_config(item: object, key: str, source: str) -> ChannelConfig:
    table = _table(item, key, source)
    _reject_unknown(
        table, {"name", "kind", "url", "matters", "tags", "assignees", "companies", "digest", "digest_business_days"}, key + ".", source
    )
    for required in ("name", "kind", "url"):
        if required not in table:
            raise ConfigError(f"{source}: {key}.{required} is required")
    kind = _text(table["kind"], f"{key}.kind", source)
    if kind not in CHANNEL_KINDS:
        raise ConfigError(f"{source}: {key}.kind {kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
    url = _text(table["url"], f"{key}.url", source)
    if not re.fullmatch(r"https?://\S+", url):
        raise ConfigError(f"{source}: {key}.url must be an http(s) URL")

    def strings(name: str) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"{source}: {key}.{name} must be a list of texts")
        return tuple(value)

    matters = table.get("matters", [])
    if not isinstance(matters, list) or not all(isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in matters):
        raise ConfigError(f"{source}: {key}.matters must be a list of matter ids")
    digest = table.get("digest", False)
    if not isinstance(digest, bool):
        raise ConfigError(f"{source}: {key}.digest must be true or false")
    return ChannelConfig(
        name=_text(table["name"], f"{key}.name", source).strip(),
        kind=kind,
        url=url,
        matters=tuple(matters),
        tags=strings("tags"),
        assignees=strings("assignees"),
        companies=strings("companies"),
        digest=digest,
        digest_business_days=_integer(table.get("digest_business_days", 5), f"{key}.digest_business_days", source, 1, 60),
    )


def _calendar_settings(name: str, table: Mapping[str, object], source: str) -> CalendarSettings:
    prefix = f"calendars.{name}."
    _reject_unknown(table, {"base", "description", "weekend", "inauguration_day", "closures", "reopenings"}, prefix, source)
    weekend_names = table.get("weekend", [])
    if not isinstance(weekend_names, list) or not all(isinstance(w, str) for w in weekend_names):
        raise ConfigError(f'{source}: {prefix}weekend must be a list of weekday names such as ["saturday", "sunday"]')
    weekend = []
    for w in weekend_names:
        if w.lower() not in WEEKDAYS:
            raise ConfigError(f"{source}: {prefix}weekend has {w!r}, which is not a weekday name (monday ... sunday)")
        weekend.append(WEEKDAYS.index(w.lower()))
    inauguration = table.get("inauguration_day", False)
    if not isinstance(inauguration, bool):
        raise ConfigError(f"{source}: {prefix}inauguration_day must be true or false")
    return CalendarSettings(
        base=_text(table.get("base", ""), prefix + "base", source),
        description=_text(table.get("description", ""), prefix + "description", source),
        weekend=tuple(sorted(set(weekend))),
        inauguration_day=inauguration,
        closures=_dated_reasons(table.get("closures", []), prefix + "closures", source),
        reopenings=_dated_reasons(table.get("reopenings", []), prefix + "reopenings", source),
    )


def _dated_reasons(value: object, key: str, source: str) -> tuple[DatedReason, ...]:
    example = '[{ date = 2029-01-22, reason = "Inauguration Day (DC area)" }]'
    if not isinstance(value, list):
        raise ConfigError(f"{source}: {key} must be a list of tables such as {example}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"date", "reason"}:
            raise ConfigError(f"{source}: {key}[{i}] must have exactly the keys date and reason, as in {example}")
        raw = item["date"]
        if isinstance(raw, str):
            try:
                raw = date.fromisoformat(raw)
            except ValueError:
                raise ConfigError(f"{source}: {key}[{i}].date {item['date']!r} is not a date; write YYYY-MM-DD") from None
        if not isinstance(raw, date) or hasattr(raw, "hour"):
            raise ConfigError(f"{source}: {key}[{i}].date must be a date such as 2029-01-22")
        reason = item["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{source}: {key}[{i}].reason must be a non-empty text saying why")
        out.append(DatedReason(raw, reason.strip()))
    return tuple(out)


def parse_clock(text: str, key: str = "time", source: str = "input") -> time:
    """Read ``HH:MM`` (24-hour clock)."""
    try:
        hours, minutes = text.strip().split(":")
        if len(minutes) != 2:
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{source}: {key} {text!r} is not a time of day; write HH:MM such as 17:30") from None


def check_timezone(name: str, key: str = "timezone", source: str = "input") -> str:
    """Return ``name`` if it is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{source}: {key} {name!r} is not a known time zone; use an IANA name such as America/New_York") from None
    return name


def _table(value: object, key: str, source: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: [{key}] must be a table")
    return value


def _integer(value: object, key: str, source: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"{source}: {key} must be a whole number from {low} to {high}")
    return value


def _text(value: object, key: str, source: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{source}: {key} must be a text value in quotes")
    return value


def _reject_unknown(table: Mapping[str, object], known: set[str], prefix: str, source: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{source}: unknown setting {prefix}{key}; known here: {', '.join(sorted(known))}")


def instance_secret(settings: Settings, environ: Mapping[str, str]) -> bytes:
    """The installation's secret: $CALENDAR_SERVICE_SECRET, else server.secret_file (made on first run)."""
    if environ.get(SECRET_ENV_VAR):
        value = environ[SECRET_ENV_VAR].encode("utf-8")
        if len(value) < 32:
            raise ConfigError(f"${SECRET_ENV_VAR} is {len(value)} characters; use at least 32 random characters")
        return value
    path = Path(settings.server.secret_file).expanduser()
    try:
        value = path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48).encode("ascii")
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_bytes().strip()
        with os.fdopen(descriptor, "wb") as out:
            out.write(value + b"\n")
    except OSError as exc:
        raise ConfigError(f"cannot read the instance secret {path}: {exc.strerror or exc}") from None
    if len(value) < 32:
        raise ConfigError(f"the instance secret in {path} is shorter than 32 characters; delete the file to make a new one")
    return value
