"""iCalendar feeds on both databases: content every parser reads alike, Outlook-safe structure,
hostile text, byte stability, ETag/304, scopes, windows, rotation, caching, the API and the CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from api_client import ApiClient
from feed_parsers import all_parsers, with_icalendar

from calendar_service.cli import main
from calendar_service.services import tokens as token_service
from calendar_service.web import create_app

SECRET = b"a-test-secret-of-more-than-32-characters!!"
DAY_AFTER_THE_LETTER = datetime(2009, 5, 12, 15, 0, tzinfo=UTC)


@pytest.fixture
def app(store, settings, clock):
    clock.now = DAY_AFTER_THE_LETTER
    return create_app(settings, store, clock=clock, secret=SECRET)


@pytest.fixture
def api(app, store):
    return ApiClient(app, token_service.create_token(store, "paralegal", read_only=False, now=DAY_AFTER_THE_LETTER))


def make_matter(api, name="ImmunoGen, Inc. - Form 10-K FY2008 review", company="ImmunoGen, Inc.", tags=("sec-review",)):
    return api.post("/api/v1/matters", json={"name": name, "company": company, "tags": list(tags)}).get_json()


def make_deadline(api, matter, **fields):
    body = {
        "matter_id": matter["id"],
        "title": "Response to SEC comments (Form 10-K FY2008)",
        "kind": "comment-letter-response",
        "trigger_date": "2009-05-11",
        "rule": "10 business days",
        **fields,
    }
    response = api.post("/api/v1/deadlines", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_feed(api, **fields):
    response = api.post("/api/v1/feeds", json={"name": "All deadlines", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fetch(app, feed_or_url, headers=None, method="GET"):
    url = feed_or_url if isinstance(feed_or_url, str) else feed_or_url["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    return app.test_client().open("/" + path, method=method, headers=headers or {})


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def assert_outlook_safe(data: bytes) -> None:
    """The structural rules of RFC 5545 and the Outlook checklist that parsers do not all enforce."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    for physical in data.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # folding never splits a multi-byte character
    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    first_component = next(i for i, line in enumerate(lines) if line.startswith("BEGIN:V") and i > 0)
    head = [line.split(":")[0].split(";")[0] for line in lines[1:first_component]]
    for required in ("PRODID", "VERSION", "NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert required in head, required
    assert "METHOD" not in head
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines and "X-PUBLISHED-TTL:PT1H" in lines
    assert not any(line.startswith(("NAME:", "X-WR-CALNAME:", "PRODID:")) for line in lines[first_component:])
    # No duplicate properties in any component; UID and DTSTAMP on every event.
    stack: list[list[str]] = []
    tzids = {line.split(":", 1)[1] for line in lines if line.startswith("TZID:")}
    for line in lines:
        name = line.split(":")[0].split(";")[0]
        if name == "BEGIN":
            stack.append([])
            continue
        if name == "END":
            props = stack.pop()
            duplicated = {p for p in props if props.count(p) > 1}
            assert not duplicated, (line, duplicated)
            if line == "END:VEVENT":
                assert props.count("UID") == 1 and props.count("DTSTAMP") == 1
            continue
        stack[-1].append(name)
        for tzid in re.findall(r";TZID=([^;:]+)", line):
            assert tzid in tzids, f"TZID {tzid} has no VTIMEZONE"


def test_the_seed_deadline_is_an_all_day_event_every_parser_reads_alike(app, api, tmp_path):
    deadline = make_deadline(api, make_matter(api))
    feed = make_feed(api, cutoff_events=True)
    response = fetch(app, feed)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert_outlook_safe(response.data)
    readings = all_parsers(response.data, tmp_path)
    summary = "Due: ImmunoGen, Inc. - Response to SEC comments (Form 10-K FY2008)"
    uid = next(u for u in readings["icalendar"] if "cutoff" not in u)
    expected = {
        uid: (date(2009, 5, 26), date(2009, 5, 27), summary),
        uid.replace(f"deadline-{deadline['id']}@", f"deadline-{deadline['id']}-cutoff@"): (
            datetime(2009, 5, 26, 21, 30, tzinfo=UTC),  # 17:30 EDT
            None,
            "Cutoff 5:30 PM ET: ImmunoGen, Inc. - Response to SEC comments (Form 10-K FY2008)",
        ),
    }
    for parser, reading in readings.items():
        assert reading == expected, parser
    lines = unfold(response.data)
    assert "TRANSP:TRANSPARENT" in lines and "X-MICROSOFT-CDO-BUSYSTATUS:FREE" in lines
    assert "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE" in lines and "SEQUENCE:0" in lines
    assert "TRIGGER:-PT15H" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Memorial Day (holiday)" in description and "5:30 PM ET" in description


def test_user_text_cannot_break_the_format_or_add_properties(app, api, tmp_path):
    hostile = "Reply\r\nX-EVIL:1;a,b\x07\x1b\u2028 📅 für – done\\"
    matter = make_matter(api, name="Evil\nEND:VCALENDAR", company="Acme; Inc,\r\nBEGIN:VEVENT")
    make_deadline(api, matter, title=hostile, notes="END:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged", assignee="x\ny")
    response = fetch(app, make_feed(api))
    assert_outlook_safe(response.data)
    lines = unfold(response.data)
    assert not any(line.startswith(("X-EVIL", "UID:forged")) for line in lines)
    assert sum(1 for line in lines if line == "BEGIN:VEVENT") == 1
    for parser, reading in all_parsers(response.data, tmp_path).items():
        (only,) = reading.values()
        assert only[2] == "Due: Acme; Inc, BEGIN:VEVENT - Reply X-EVIL:1;a,b 📅 für – done\\", parser


def test_the_same_data_gives_the_same_bytes(app, api, store, settings, clock):
    make_deadline(api, make_matter(api))
    feed = make_feed(api)
    first = fetch(app, feed)
    assert fetch(app, feed).data == first.data
    fresh = create_app(settings, store, clock=clock, secret=SECRET)  # an empty cache, another process
    again = fetch(fresh, feed)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_a_change_moves_the_event_raises_sequence_and_changes_the_etag(app, api, clock):
    deadline = make_deadline(api, make_matter(api))
    feed = make_feed(api)
    before = fetch(app, feed)
    assert fetch(app, feed, {"If-None-Match": before.headers["ETag"]}).status_code == 304
    clock.now += timedelta(hours=2)
    api.post(f"/api/v1/deadlines/{deadline['id']}/extend", json={"due_date": "2009-06-09", "reason": "agreed"})
    after = fetch(app, feed, {"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    lines = unfold(after.data)
    assert "DTSTART;VALUE=DATE:20090609" in lines and "SEQUENCE:1" in lines
    assert "LAST-MODIFIED:20090512T170000Z" in lines
    assert fetch(app, feed, {"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_if_modified_since_and_head(app, api):
    make_deadline(api, make_matter(api))
    feed = make_feed(api)
    first = fetch(app, feed)
    assert fetch(app, feed, {"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert fetch(app, feed, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    head = fetch(app, feed, method="HEAD")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == first.headers["ETag"]


def test_withdrawn_and_deleted_deadlines_leave_and_done_ones_show_only_when_asked(app, api):
    matter = make_matter(api)
    kept = make_deadline(api, matter, title="kept")
    withdrawn = make_deadline(api, matter, title="withdrawn")
    deleted = make_deadline(api, matter, title="deleted")
    done = make_deadline(api, matter, title="done")
    api.post(f"/api/v1/deadlines/{withdrawn['id']}/withdraw")
    api.delete(f"/api/v1/deadlines/{deleted['id']}")
    api.post(f"/api/v1/deadlines/{done['id']}/complete")
    open_only = with_icalendar(fetch(app, make_feed(api)).data)
    assert [s for _, _, s in open_only.values()] == [f"Due: ImmunoGen, Inc. - {kept['title']}"]
    everything = with_icalendar(fetch(app, make_feed(api, name="with done", include_completed=True)).data)
    assert sorted(s for _, _, s in everything.values()) == ["Done: ImmunoGen, Inc. - done", "Due: ImmunoGen, Inc. - kept"]


def test_a_feed_shows_only_its_scope(app, api):
    immunogen = make_matter(api)
    acme = make_matter(api, name="Acme 8-K", company="Acme Corp", tags=("filing",))
    make_deadline(api, immunogen, title="A", assignee="jkrug")
    make_deadline(api, acme, title="B", assignee="jkrug")
    make_deadline(api, acme, title="C", assignee="shayes")

    def titles(**scope):
        feed = make_feed(api, name=f"scope {scope}", scope=scope)
        return sorted(s.rsplit(" - ", 1)[1] for _, _, s in with_icalendar(fetch(app, feed).data).values())

    assert titles() == ["A", "B", "C"]
    assert titles(matter_id=immunogen["id"]) == ["A"]
    assert titles(matter_id=acme["id"]) == ["B", "C"]
    assert titles(assignee="jkrug") == ["A", "B"]
    assert titles(tag="filing") == ["B", "C"]
    assert titles(company="acme corp") == ["B", "C"]
    assert titles(company="Acme Corp", assignee="jkrug") == ["B"]
    assert titles(matter_id=immunogen["id"], assignee="shayes") == []


def test_the_window_limits_the_feed(app, api):
    matter = make_matter(api)
    make_deadline(api, matter, title="old", trigger_date="2008-01-02", rule="1 business day")
    make_deadline(api, matter, title="now")
    make_deadline(api, matter, title="far", trigger_date="2012-01-03", rule="1 business day")
    feed = make_feed(api, window_days_back=30, window_days_ahead=365)
    assert [s.rsplit(" - ", 1)[1] for _, _, s in with_icalendar(fetch(app, feed).data).values()] == ["now"]


def test_rotating_or_deleting_makes_the_old_url_404_at_once(app, api):
    make_deadline(api, make_matter(api))
    feed = make_feed(api)
    assert fetch(app, feed).status_code == 200
    rotated = api.post(f"/api/v1/feeds/{feed['id']}/rotate").get_json()
    assert rotated["url"] != feed["url"]
    assert fetch(app, feed).status_code == 404
    assert fetch(app, rotated).status_code == 200
    assert api.delete(f"/api/v1/feeds/{feed['id']}").status_code == 204
    assert fetch(app, rotated).status_code == 404


def test_an_unknown_token_is_404_never_401(app):
    for path in ("/feeds/nope.ics", "/feeds/" + "A" * 43 + ".ics", "/feeds/" + "x" * 500 + ".ics"):
        response = app.test_client().get(path)
        assert response.status_code == 404 and "WWW-Authenticate" not in response.headers


def test_a_matter_feed_never_shows_another_matters_deadlines(app, api):
    mine, other = make_matter(api, name="Mine", company="Mine Inc."), make_matter(api, name="Other", company="Other Inc.")
    make_deadline(api, other, title="secret")
    feed = make_feed(api, scope={"matter_id": mine["id"]})
    assert b"secret" not in fetch(app, feed).data
    make_deadline(api, mine, title="visible")
    body = fetch(app, feed).data
    assert b"visible" in body and b"secret" not in body


def test_tokens_have_256_bits_and_are_not_stored(app, api, store):
    feed = make_feed(api)
    token = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 32 bytes, base64url
    with store.read() as conn:
        from sqlalchemy import text

        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM feeds")) for v in row)
    assert token not in stored


def test_the_links_subscribe_in_each_client(api, app):
    feed = make_feed(api, name="SEC deadlines")
    assert feed["url"].startswith("http://localhost/feeds/") and feed["url"].endswith(".ics")
    assert feed["webcal_url"] == "webcal://" + feed["url"].split("://")[1]
    assert feed["outlook_work"].startswith("https://outlook.office.com/calendar/addfromweb?url=http%3A%2F%2Flocalhost%2Ffeeds%2F")
    assert feed["outlook_work"].endswith("&name=SEC%20deadlines")
    assert feed["outlook_personal"].startswith("https://outlook.live.com/calendar/0/addfromweb?url=")
    assert feed["google"].startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    assert feed["apple"] == feed["webcal_url"]


def test_public_url_sets_the_links(store, clock):
    from calendar_service.config import parse_settings

    settings = parse_settings({"server": {"public_url": "https://deadlines.example.com/"}})
    app = create_app(settings, store, clock=clock, secret=SECRET)
    client = ApiClient(app, token_service.create_token(store, "x", read_only=False, now=DAY_AFTER_THE_LETTER))
    feed = client.post("/api/v1/feeds", json={"name": "x"}).get_json()
    assert feed["url"].startswith("https://deadlines.example.com/feeds/") and feed["webcal_url"].startswith(
        "webcal://deadlines.example.com/"
    )


def test_a_poll_after_one_change_renders_one_event(app, api):
    matter = make_matter(api)
    deadlines = [make_deadline(api, matter, title=f"d{i}", trigger_date=f"2009-05-{11 + i % 5:02d}") for i in range(12)]
    feed = make_feed(api)
    cache = app.extensions["calendar_service"]["feed_cache"]
    fetch(app, feed)
    assert cache.renders == 12
    fetch(app, feed)
    assert cache.renders == 12  # nothing changed: nothing rendered
    api.patch(f"/api/v1/deadlines/{deadlines[3]['id']}", json={"title": "changed"})
    assert b"changed" in fetch(app, feed).data
    assert cache.renders == 13


def test_the_holiday_feed_shows_non_business_days_with_closures(app, tmp_path):
    response = app.test_client().get("/feeds/holidays/us-federal.ics")
    assert response.status_code == 200
    assert_outlook_safe(response.data)
    readings = all_parsers(response.data, tmp_path)
    for reading in readings.values():
        by_date = {start: summary for start, _, summary in reading.values()}
        assert by_date[date(2009, 5, 25)] == "Memorial Day"
        assert date(2008, 12, 26) in by_date  # the 2008 executive-order closure (window: last year to two years ahead)
    again = app.test_client().get("/feeds/holidays/us-federal.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert app.test_client().get("/feeds/holidays/atlantis.ics").status_code == 404
    assert app.test_client().get("/feeds/holidays/GB-ENG.ics").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x", "reminders": ["tomorrow"]}, "reminders"),
        ({"name": "x", "reminders": "PT15H"}, "reminders"),
        ({"name": "x", "window_days_back": -1}, "window_days_back"),
        ({"name": "x", "window_days_ahead": 0}, "window_days_ahead"),
        ({"name": "x", "scope": {"planet": "mars"}}, "scope.planet"),
        ({"name": "x", "scope": {"matter_id": 999}}, "scope.matter_id"),
        ({"name": "x", "include_completed": "yes"}, "include_completed"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_feed_input_is_refused(api, body, field):
    response = api.post("/api/v1/feeds", json=body)
    assert response.status_code == 422
    assert any(e["field"] == field for e in response.get_json()["errors"])


def test_feeds_can_be_listed_renamed_and_read(api, app):
    feed = make_feed(api)
    renamed = api.patch(f"/api/v1/feeds/{feed['id']}", json={"name": "Renamed", "window_days_ahead": 30}).get_json()
    assert renamed["name"] == "Renamed" and renamed["url"] == feed["url"] and renamed["window_days_ahead"] == 30
    assert [f["name"] for f in api.get("/api/v1/feeds").get_json()["items"]] == ["Renamed"]
    assert b"X-WR-CALNAME:Renamed" in fetch(app, feed).data
    assert api.get("/api/v1/feeds/999").status_code == 404


def test_cli_feeds(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\nsqlite_path = "{tmp_path / "cs.db"}"\n[server]\nsecret_file = "{tmp_path / "secret"}"\npublic_url = "https://cs.example.com"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "feeds", "create", "SEC deadlines", "--reminder", "P2D", "--json"]) == 0
    feed = json.loads(capsys.readouterr().out)
    assert feed["url"].startswith("https://cs.example.com/feeds/") and feed["reminders"] == ["P2D"]
    assert (tmp_path / "secret").stat().st_mode & 0o777 == 0o600
    assert main(["--config", str(config), "feeds", "list"]) == 0
    assert feed["url"] in capsys.readouterr().out  # the same URL, shown again from the secret
    assert main(["--config", str(config), "feeds", "rotate", str(feed["id"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["url"] != feed["url"]
    assert main(["--config", str(config), "feeds", "change", str(feed["id"]), "--name", "Renamed"]) == 0
    assert "Renamed" in capsys.readouterr().out
    assert main(["--config", str(config), "feeds", "delete", str(feed["id"])]) == 0
    assert main(["--config", str(config), "feeds", "delete", str(feed["id"])]) == 2
    assert "there is no feed" in capsys.readouterr().err


def test_a_client_that_asks_for_gzip_gets_the_same_calendar_compressed(app, api):
    import gzip

    make_deadline(api, make_matter(api))
    feed = make_feed(api)
    plain = fetch(app, feed)
    packed = fetch(app, feed, {"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert fetch(app, feed, {"Accept-Encoding": "gzip"}).data == packed.data  # byte-stable too
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):
        assert fetch(app, feed, {"Accept-Encoding": "gzip", "If-None-Match": etag}).status_code == 304
    assert "Content-Encoding" not in fetch(app, feed, {"Accept-Encoding": "gzip;q=0"}).headers


def test_a_poll_with_nothing_changed_does_not_recount_the_feed(app, api, monkeypatch):
    from calendar_service.services import feeds as feed_service

    make_deadline(api, make_matter(api))
    feed = make_feed(api)
    fetch(app, feed)
    calls = []
    real = feed_service.snapshot
    monkeypatch.setattr(feed_service, "snapshot", lambda *a, **k: calls.append(1) or real(*a, **k))
    fetch(app, feed)
    assert calls == []  # the data version did not move: the remembered snapshot serves
    make_deadline(api, make_matter(api, name="Other", company="Other Inc."), title="new")
    assert b"new" in fetch(app, feed).data and calls == [1]
