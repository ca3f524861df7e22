"""Four independent iCalendar parsers, each reducing a feed to the same shape for comparison.

- ``icalendar`` (what we generate with; lenient),
- ``ical`` (the strict pydantic parser Home Assistant uses),
- ``vobject`` (with validation: UID and DTSTAMP cardinality),
- Mozilla's ``ical.js`` (Thunderbird's parser), run with node from tests/js.

Each returns {uid: (start, end, summary)} where start/end are a date for all-day events and a
UTC datetime for timed ones. A feed passes when all four parse it and agree.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

JS = Path(__file__).parent / "js"


def _norm(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, date):
        return value
    return value


def with_icalendar(data: bytes) -> dict:
    import icalendar

    cal = icalendar.Calendar.from_ical(data)
    assert not getattr(cal, "errors", None), cal.errors
    out = {}
    for event in cal.walk("VEVENT"):
        assert not event.errors, event.errors
        end = event.get("DTEND")
        out[str(event["UID"])] = (_norm(event["DTSTART"].dt), _norm(end.dt) if end else None, str(event["SUMMARY"]))
    return out


def with_ical(data: bytes) -> dict:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    out = {}
    for event in calendar.events:
        # ical gives an all-day event without DTEND an end the day after; we always write DTEND.
        end = event.dtend if event.dtend is not None else None
        out[event.uid] = (_norm(event.dtstart), _norm(end) if end is not None else None, event.summary)
    return out


def with_vobject(data: bytes) -> dict:
    import vobject

    (cal,) = list(vobject.readComponents(io.StringIO(data.decode("utf-8")), validate=True))
    out = {}
    for event in getattr(cal, "vevent_list", []):
        end = event.dtend.value if hasattr(event, "dtend") else None
        out[event.uid.value] = (_norm(event.dtstart.value), _norm(end) if end is not None else None, event.summary.value)
    return out


def icaljs_available() -> bool:
    return shutil.which("node") is not None and (JS / "node_modules" / "ical.js").is_dir()


def with_icaljs(data: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "feed.ics"
    path.write_bytes(data)
    done = subprocess.run(["node", str(JS / "parse_ical.mjs"), str(path)], capture_output=True, text=True, timeout=60, cwd=JS)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    out = {}
    for event in parsed["events"]:

        def value(v):
            if v is None:
                return None
            if isinstance(v, str):  # an all-day date, YYYY-MM-DD
                return date.fromisoformat(v)
            return datetime.fromtimestamp(v, UTC)

        out[event["uid"]] = (value(event["start"]), value(event["end"]), event["summary"])
    return out


def all_parsers(data: bytes, tmp_path: Path) -> dict[str, dict]:
    """What each parser reads; ical.js is required (installed by ./run-tests)."""
    assert icaljs_available(), "ical.js is missing: run ./run-tests (it installs tests/js with npm)"
    return {
        "icalendar": with_icalendar(data),
        "ical": with_ical(data),
        "vobject": with_vobject(data),
        "ical.js": with_icaljs(data, tmp_path),
    }
