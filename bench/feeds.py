"""Benchmark: a 1,000-event deadline feed, against plain icalendar and against /healthz.

Run: ``.venv/bin/python bench/feeds.py`` (``--events 1000 --repeats 7 --seconds 4 --clients 4``;
``--check`` exits 1 when a goal is missed; ``--profile`` also prints where the in-process poll
paths spend their time). On PostgreSQL: ``--database postgresql+psycopg://user@127.0.0.1/scratch``
(a scratch database: the run writes to it, and refuses, exit 2, one that already has deadlines,
or one that is not on a loopback address). The default is a fresh SQLite file in a temporary
directory. Every timing is taken in this one run, and what matters are the ratios measured in
it, because these machines are shared and noisy; the absolute numbers are printed too.

The data: ``--events`` open deadlines on a few matters (trigger dates spread over 2026, rules
"10 business days", "4 business days", "60 calendar days" and a 22:00 cutoff rule), written
through the service layer in one transaction, and one feed with the default options (90 days
back, 730 ahead, a 15-hour reminder). The app gets a fixed clock (2026-01-15 15:00 UTC), so
every deadline is inside the feed's window, and a fixed secret.

Measured (2-5 first, then 1, which needs the feed that 2 made, then 6):
1. baseline: the same events (uid, dtstamp, dtstart date, dtend, summary and the very description
   text, taken from the service's own feed) built from scratch with plain ``icalendar``: a
   Calendar, one Event each, ``to_ical()``; and once more with every property the service writes
   (LAST-MODIFIED, SEQUENCE, URL, CATEGORIES, TRANSP, two X- properties and a VALARM);
2. cold render: a fresh app (fresh FeedCache), its first GET of the feed (Flask test client, in
   process: "server time" is the time of ``client.get``);
3. a poll with nothing changed: GET again without conditional headers (from the feed cache);
4. a poll after one change: a deadline's title changed through the service (a different deadline
   each repetition; the change is timed apart), then GET; FeedCache.renders must grow by 1;
5. a conditional poll: GET with If-None-Match of the current ETag, answered 304;
   2 is the best of ``--cold-repeats`` fresh apps, 3-5 the best of ``--repeats``;
6. requests per second through waitress on 127.0.0.1 (port 0, ``--threads`` worker threads, in a
   background thread of this process), ``--clients`` threads each with its own keep-alive
   HTTP/1.1 connection, on GET /healthz (the trivial route of the same app), GET of the feed
   (200, unchanged data, full body) and the conditional GET (304). ``--seconds`` per endpoint is
   split into ``--rounds`` windows taken in turn, each after a short warm-up; the best is kept.
   The clients share this process (and its GIL) with the server, so /healthz's rate is a
   ceiling of this harness; the ratios to it are what to compare between runs.
Every GET of the feed sends ``Accept-Encoding: gzip``, as Outlook, Google and Apple do; the
service may answer in either encoding, and what it sent is printed.

Goals: a poll with nothing changed (6, the 200 path) at least 50% of /healthz's req/s; a poll
after one change (4) under 20 ms of server time for 1,000 events. Any request that does not
answer as expected, or an answer that looks wrong, makes the exit status 1.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import os
import platform
import pstats
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import sqlalchemy
from icalendar import Alarm, Calendar, Event, vText
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from waitress import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadgen import Client, Window, run_window  # bench/loadgen.py: run as a script, bench/ is on sys.path

from calendar_service.config import Settings
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import feeds as feed_service
from calendar_service.services import matters as matter_service
from calendar_service.services.fields import check
from calendar_service.store import Store, open_store
from calendar_service.store.schema import deadlines
from calendar_service.web import create_app

ACTOR = "bench"
SECRET = b"bench/feeds.py fixed instance secret, 48 bytes!!"
NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)
RULES = (  # (rule, weight)
    ("10 business days", 4),
    ("4 business days", 3),
    ("60 calendar days", 2),
    ("2 business days 22:00 America/New_York", 1),
)
FIRST_TRIGGER, LAST_TRIGGER = date(2026, 1, 1), date(2026, 12, 31)
COMPANIES = ("Acme Holdings", "Borealis Energy", "Cobalt Bancorp", "Delta Therapeutics", "Evergreen REIT", "Fulcrum Systems")
OWNERS = ("alice", "bob", "carol", "dan")
KINDS = ("comment-letter-response", "filing", "custom")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
TEST_BASE = "http://localhost"  # what Flask's test client is reached as
FEED_HEADERS = {"Accept-Encoding": "gzip"}  # what Outlook, Google and Apple send when they poll


def clock() -> datetime:
    """The app's fixed clock: the feed's window does not move during the run."""
    return NOW


# -- the data ----------------------------------------------------------------------------------


def populate(store: Store, settings: Settings, n_deadlines: int, n_matters: int, seed: int) -> list[int]:
    """Matters through the service, then the deadlines in one transaction; the deadline ids."""
    rnd = random.Random(seed)
    matter_ids = []
    for i in range(n_matters):
        company = COMPANIES[i % len(COMPANIES)]
        payload = {
            "name": f"{company} matter {i + 1}",
            "company": company,
            "file_numbers": [f"333-{200000 + i}"],
            "tags": ["sec", "10-K" if i % 2 else "S-1"],
            "owner": OWNERS[i % len(OWNERS)],
        }
        matter_ids.append(matter_service.create_matter(store, payload, actor=ACTOR, now=NOW)["id"])
    rules = [r for r, _ in RULES]
    weights = [w for _, w in RULES]
    low, high = FIRST_TRIGGER.toordinal(), LAST_TRIGGER.toordinal()
    ids = []
    with store.write() as conn:
        for i in range(n_deadlines):
            payload = {
                "matter_id": rnd.choice(matter_ids),
                "title": f"Deadline {i + 1}: respond to staff comment {rnd.randint(1, 40)}",
                "kind": rnd.choice(KINDS),
                "trigger_date": date.fromordinal(rnd.randint(low, high)).isoformat(),
                "rule": rnd.choices(rules, weights)[0],
                "assignee": rnd.choice(OWNERS),
                "notes": "generated by bench/feeds.py; see the staff letter" if i % 3 else "",
            }
            values = check(payload, deadline_service.DEADLINE_FIELDS, what="deadline")
            ids.append(deadline_service.insert_deadline(conn, settings, values, actor=ACTOR, now=NOW)["id"])
    return ids


def count_deadlines(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(deadlines)).scalar_one()


# -- 1. the baseline: plain icalendar ----------------------------------------------------------


def events_of(body: bytes) -> list[dict[str, Any]]:
    """The VEVENTs of a feed, parsed by icalendar: what the baseline builds again from scratch."""
    out = []
    for ev in Calendar.from_ical(body).walk("VEVENT"):
        alarms = [a for a in ev.subcomponents if a.name == "VALARM"]
        out.append(
            {
                "uid": str(ev["uid"]),
                "dtstamp": ev.decoded("dtstamp"),
                "dtstart": ev.decoded("dtstart"),
                "dtend": ev.decoded("dtend"),
                "summary": str(ev["summary"]),
                "description": str(ev["description"]),
                "sequence": int(ev["sequence"]),
                "url": str(ev["url"]),
                "categories": [str(c) for c in ev["categories"].cats],
                "trigger": alarms[0].decoded("trigger") if alarms else None,
            }
        )
    return out


def baseline_minimal(events: list[dict[str, Any]]) -> bytes:
    """The brief's baseline: uid, dtstamp, dtstart (a date), dtend, summary, description."""
    cal = Calendar()
    cal.add("prodid", "-//bench//plain icalendar//EN")
    cal.add("version", "2.0")
    for e in events:
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", e["dtstamp"])
        event.add("dtstart", e["dtstart"])
        event.add("dtend", e["dtend"])
        event.add("summary", e["summary"])
        event.add("description", e["description"])
        cal.add_component(event)
    return cal.to_ical()


def baseline_full(events: list[dict[str, Any]]) -> bytes:
    """The same, with every property the service writes per event, and its VALARM."""
    cal = Calendar()
    cal.add("prodid", "-//bench//plain icalendar//EN")
    cal.add("version", "2.0")
    for e in events:
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", e["dtstamp"])
        event.add("last-modified", e["dtstamp"])
        event.add("sequence", e["sequence"])
        event.add("dtstart", e["dtstart"])
        event.add("dtend", e["dtend"])
        event.add("summary", vText(e["summary"]))
        event.add("description", vText(e["description"]))
        event.add("url", e["url"])
        event.add("categories", [vText(c) for c in e["categories"]])
        event.add("transp", "TRANSPARENT")
        event.add("x-microsoft-cdo-busystatus", vText("FREE"))
        event.add("x-microsoft-cdo-alldayevent", vText("TRUE"))
        if e["trigger"] is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", vText(e["summary"]))
            alarm.add("trigger", e["trigger"])
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs of ``fn`` (seconds) and its last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


# -- 2-5. in process, through Flask's test client -----------------------------------------------


@dataclass
class InProcess:
    """The best server times (seconds) of the in-process measurements, and what was seen."""

    cold: float = float("inf")
    healthz: float = float("inf")
    unchanged: float = float("inf")
    changed: float = float("inf")
    change_write: float = float("inf")
    conditional: float = float("inf")
    renders_cold: list[int] = field(default_factory=list)
    renders_changed: list[int] = field(default_factory=list)
    body: bytes = b""  # the feed, decoded
    sent: int = 0  # its bytes as sent
    encoding: str = "identity"
    wrong: list[str] = field(default_factory=list)


def timed_get(client, path: str, headers: dict[str, str] | None = None) -> tuple[float, Any]:
    t0 = time.perf_counter()
    response = client.get(path, headers=headers or {})
    took = time.perf_counter() - t0
    return took, response


def decoded(body: bytes, encoding: str | None) -> bytes:
    """The body without its Content-Encoding (gzip or none)."""
    return gzip.decompress(body) if (encoding or "").lower() == "gzip" else body


def measure_in_process(args, settings: Settings, store: Store, path: str, ids: list[int], n_events: int) -> tuple[InProcess, Any]:
    """2-5; returns the measurements and the last (warm) app."""
    m = InProcess()
    app = None
    for _ in range(args.cold_repeats):
        app = create_app(settings, store, clock=clock, secret=SECRET)
        cache = app.extensions["calendar_service"]["feed_cache"]
        took, response = timed_get(app.test_client(), path, FEED_HEADERS)
        if response.status_code != 200:
            m.wrong.append(f"cold render answered {response.status_code}: {response.data[:200]!r}")
            return m, app
        m.cold = min(m.cold, took)
        m.renders_cold.append(cache.renders)
        m.encoding = response.headers.get("Content-Encoding", "identity")
        body = decoded(response.data, m.encoding)
        if m.body and body != m.body:
            m.wrong.append("two cold renders of the same data differ")
        m.body, m.sent = body, len(response.data)
    if any(r != n_events for r in m.renders_cold):
        m.wrong.append(f"cold renders rendered {m.renders_cold} events, expected {n_events} each")

    client = app.test_client()
    cache = app.extensions["calendar_service"]["feed_cache"]
    for _ in range(args.repeats):
        took, response = timed_get(client, "/healthz")
        m.healthz = min(m.healthz, took)
    for _ in range(args.repeats):
        took, response = timed_get(client, path, FEED_HEADERS)
        m.unchanged = min(m.unchanged, took)
        if response.status_code != 200 or decoded(response.data, response.headers.get("Content-Encoding")) != m.body:
            m.wrong.append(f"unchanged poll answered {response.status_code} with other bytes")
            break

    step = max(1, len(ids) // args.repeats)
    for k in range(args.repeats):
        deadline_id = ids[(k * step + len(ids) // 3) % len(ids)]
        before = cache.renders
        t0 = time.perf_counter()
        deadline_service.update_deadline(
            store, settings, deadline_id, {"title": f"Changed by bench/feeds.py, repetition {k + 1}"}, actor=ACTOR, now=NOW
        )
        m.change_write = min(m.change_write, time.perf_counter() - t0)
        took, response = timed_get(client, path, FEED_HEADERS)
        m.changed = min(m.changed, took)
        m.renders_changed.append(cache.renders - before)
        body = decoded(response.data, response.headers.get("Content-Encoding"))
        if response.status_code != 200 or body == m.body or len(body) < len(m.body) // 2:
            m.wrong.append(f"poll after a change answered {response.status_code}, {len(body)} bytes, same as before or short")
            break
        m.body, m.sent = body, len(response.data)
    if any(r != 1 for r in m.renders_changed):
        m.wrong.append(f"a poll after one change rendered {m.renders_changed} events, expected 1 each")

    etag = client.get(path, headers=FEED_HEADERS).headers.get("ETag", "")
    for _ in range(args.repeats):
        took, response = timed_get(client, path, {**FEED_HEADERS, "If-None-Match": etag})
        m.conditional = min(m.conditional, took)
        if response.status_code != 304 or response.data:
            m.wrong.append(f"conditional poll answered {response.status_code} with {len(response.data)} bytes")
            break
    return m, app


def profile_polls(args, settings: Settings, store: Store, app, path: str, ids: list[int]) -> None:
    """cProfile of the GETs of 3 (unchanged) and 4 (after a change), in process."""
    client = app.test_client()
    for label, change in (("poll with nothing changed (3)", False), ("poll after one change (4)", True)):
        profiler = cProfile.Profile()
        for k in range(args.repeats):
            if change:
                deadline_id = ids[(k * 7 + 11) % len(ids)]
                title = f"Changed for the profile, repetition {k + 1}"
                deadline_service.update_deadline(store, settings, deadline_id, {"title": title}, actor=ACTOR, now=NOW)
            profiler.enable()
            client.get(path, headers=FEED_HEADERS)
            profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(15)
            lines = [line for line in out.getvalue().splitlines() if line.strip()]
            print(f"\nprofile of the GETs of {args.repeats} x {label}, by {order}: {lines[0].strip()}")
            print("\n".join(lines[lines.index(next(x for x in lines if x.lstrip().startswith("ncalls"))) :]))


# -- 6. through waitress -----------------------------------------------------------------------


@dataclass
class Endpoint:
    """A measured request, what its answer must be, and its windows."""

    label: str
    path: str
    headers: dict[str, str]
    status: int
    length: int  # the body's expected length
    windows: list[Window] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)

    @property
    def best(self) -> Window:
        return max(self.windows, key=lambda w: w.rate)

    def problem(self, status: int, body: bytes) -> str | None:
        """What is wrong with an answer to this request, or None."""
        if status != self.status:
            return f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
        if len(body) != self.length:
            return f"{len(body)} bytes, expected {self.length}"
        return None


def measure_server(args, app, path: str, n_events: int) -> tuple[list[Endpoint], list[str]]:
    """6: the three endpoints through waitress; returns them and the wrong first answers."""
    server = create_server(app, host="127.0.0.1", port=0, threads=args.threads, ident="calendar_service")
    serving = threading.Thread(target=server.run, name="waitress", daemon=True)
    serving.start()
    port = server.effective_port
    clients = [Client(port) for _ in range(args.clients)]
    wrong: list[str] = []
    try:
        probe = clients[0]
        status, health_body, _ = probe.get("/healthz", {})
        if status != 200 or health_body.strip() != b'{"status":"ok"}':
            wrong.append(f"/healthz answered {status}: {health_body[:200]!r}")
        # The first GET through the server renders the events again: its links name this host.
        status, feed_body, response = probe.get(path, FEED_HEADERS)
        etag = response.getheader("ETag") or ""
        encoding = response.getheader("Content-Encoding") or "identity"
        calendar = decoded(feed_body, encoding)
        if status != 200 or not calendar.startswith(b"BEGIN:VCALENDAR") or calendar.count(b"BEGIN:VEVENT") != n_events or not etag:
            wrong.append(f"the feed answered {status} ({len(feed_body)} bytes, ETag {etag!r}) without {n_events} events")
        status, body, _ = probe.get(path, {**FEED_HEADERS, "If-None-Match": etag})
        if status != 304 or body:
            wrong.append(f"the conditional GET answered {status} with {len(body)} bytes")
        endpoints = [
            Endpoint("GET /healthz", "/healthz", {}, 200, len(health_body)),
            Endpoint("GET feed (200, unchanged)", path, FEED_HEADERS, 200, len(feed_body)),
            Endpoint("GET feed, If-None-Match (304)", path, {**FEED_HEADERS, "If-None-Match": etag}, 304, 0),
        ]
        per_window = args.seconds / args.rounds
        warm_up = min(0.5, max(0.1, per_window / 10))
        print(
            f"server: waitress {version('waitress')} on 127.0.0.1:{port} with {args.threads} threads; {args.clients} keep-alive "
            f"clients; {args.rounds} x {per_window:.2f} s per endpoint after {warm_up:.2f} s warm-up, best window kept; "
            f"the feed is sent as {encoding}, {len(feed_body):,} bytes",
            flush=True,
        )
        if not wrong:
            for _ in range(args.rounds):
                for endpoint in endpoints:
                    request = {"headers": endpoint.headers, "check": endpoint.problem}
                    endpoint.failures.update(run_window(clients, endpoint.path, warm_up, **request).failures)
                    window = run_window(clients, endpoint.path, per_window, **request)
                    endpoint.failures.update(window.failures)
                    endpoint.windows.append(window)
        return endpoints, wrong
    finally:
        for client in clients:
            client.close()
        server.task_dispatcher.shutdown(timeout=5)  # first, so no task pulls the trigger after close
        server.close()
        serving.join(timeout=5)


# -- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="open deadlines in the feed")
    parser.add_argument("--matters", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=7, help="repetitions of 1 and 3-5; the best is kept")
    parser.add_argument("--cold-repeats", type=int, default=3, help="fresh apps for 2; the best is kept")
    parser.add_argument("--seconds", type=float, default=4.0, help="measured time per endpoint in 6, split into --rounds windows")
    parser.add_argument("--rounds", type=int, default=2, help="windows per endpoint, taken in turn; the best is kept")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive client threads")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--database", help="SQLAlchemy URL of a scratch database on a loopback address (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also cProfile the in-process GETs of 3 and 4")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args(argv)
    if min(args.events, args.matters, args.repeats, args.cold_repeats, args.clients, args.rounds, args.threads) < 1 or args.seconds <= 0:
        parser.error("--events, --matters, --repeats, --cold-repeats, --clients, --rounds, --threads and --seconds must be positive")
    if args.database:
        host = make_url(args.database).host
        if host and host not in LOOPBACK:
            print(f"--database must be on a loopback address (127.0.0.1, ::1, localhost or a socket), not {host!r}", file=sys.stderr)
            return 2

    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        store = open_store(args.database or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            return run(args, store)
        finally:
            store.close()


def run(args: argparse.Namespace, store: Store) -> int:
    settings = Settings()
    found = count_deadlines(store)
    if found:
        print(f"{store.describe()} already holds {found:,} deadlines; point --database at an empty scratch database", file=sys.stderr)
        return 2
    with store.read() as conn:
        server_version = ".".join(str(p) for p in conn.dialect.server_version_info or ())
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), icalendar {icalendar.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}, Flask {version('flask')}, {platform.machine()} with {_cpus()} CPUs"
    )
    print(f"database: {store.dialect} {server_version}, {store.describe()}")

    t0 = time.perf_counter()
    ids = populate(store, settings, args.events, args.matters, args.seed)
    feed_row = feed_service.create_feed(store, SECRET, {"name": "Bench feed: every open deadline"}, now=NOW)
    path = urlsplit(feed_service.present_feed(feed_row, SECRET, TEST_BASE)["url"]).path
    print(f"populated {len(ids):,} open deadlines on {args.matters} matters in {time.perf_counter() - t0:.1f} s; clock {NOW.isoformat()}")

    # 2-5, in process.
    m, app = measure_in_process(args, settings, store, path, ids, args.events)
    for problem in m.wrong:
        print(f"WRONG ANSWER {problem}")
    if m.wrong:
        return 1
    events = events_of(m.body)
    if len(events) != args.events:
        print(f"WRONG ANSWER the feed has {len(events)} events, expected {args.events}")
        return 1
    mean_description = sum(len(e["description"]) for e in events) / len(events)
    print(
        f"feed: {len(m.body):,} bytes, {len(events):,} events ({len(m.body) / len(events):.0f} bytes/event, "
        f"descriptions {mean_description:.0f} characters on average); sent as {m.encoding} ({m.sent:,} bytes) "
        f"to a client sending Accept-Encoding: gzip"
    )

    # 1, the baseline on the same events.
    t_minimal, minimal = best_of(args.repeats, lambda: baseline_minimal(events))
    t_full, full = best_of(max(1, args.repeats // 2), lambda: baseline_full(events))
    if len(Calendar.from_ical(minimal).walk("VEVENT")) != len(events):
        print("WRONG ANSWER the baseline calendar does not have every event")
        return 1

    n = len(events)
    ms = 1000.0

    def row(label: str, seconds: float, note: str = "", *, per_event: bool = True) -> None:
        each = f"{seconds * ms / n:8.4f} ms/event" if per_event else " " * 17
        print(f"  {label:55} {seconds * ms:9.2f} ms {each}   {note}".rstrip())

    print(f"in process (Flask test client; best of {args.cold_repeats} fresh apps for 2, of {args.repeats} for the rest):")
    row("1  baseline: plain icalendar, 6 properties", t_minimal, f"{len(minimal):,} bytes")
    row("1b baseline: plain icalendar, the service's properties", t_full, f"{len(full):,} bytes")
    row(
        "2  cold render (fresh app, first GET)", m.cold, f"{m.cold / t_minimal:.2f}x 1, {m.cold / t_full:.2f}x 1b; renders {m.renders_cold}"
    )
    row("   GET /healthz, for reference", m.healthz, per_event=False)
    row("3  poll, nothing changed (200 from the feed cache)", m.unchanged, f"{m.unchanged / m.healthz:.2f}x /healthz", per_event=False)
    row("4  poll after one change (200)", m.changed, f"{m.changed / t_minimal:.3f}x 1; renders {m.renders_changed}")
    row("   (the change itself, update_deadline: not in 4)", m.change_write, per_event=False)
    row("5  conditional poll (304)", m.conditional, f"{m.conditional / m.healthz:.2f}x /healthz", per_event=False)

    if args.profile:
        profile_polls(args, settings, store, app, path, ids)

    # 6, through waitress.
    endpoints, wrong = measure_server(args, app, path, n)
    for problem in wrong:
        print(f"WRONG ANSWER {problem}")
    if wrong:
        return 1
    base = endpoints[0].best.rate
    print(f"  {'endpoint':34} {'req/s':>8} {'mean ms':>8} {'x healthz':>9} {'extra ms/req':>12} {'MB/s':>7}   windows req/s")
    for endpoint in endpoints:
        best = endpoint.best
        extra = 1000 / best.rate - 1000 / base if best.rate and base else float("nan")
        windows = " ".join(f"{w.rate:.0f}" for w in endpoint.windows)
        megabytes = best.rate * endpoint.length / 1e6
        ratio = best.rate / base if base else float("nan")
        print(f"  {endpoint.label:34} {best.rate:8.0f} {best.mean_ms:8.2f} {ratio:8.2f}x {extra:12.2f} {megabytes:7.1f}   {windows}")
    failed = 0
    for endpoint in endpoints:
        for problem, count in endpoint.failures.most_common(3):
            print(f"FAILED {endpoint.label}: {count} x {problem}")
        failed += sum(endpoint.failures.values())

    feed_ratio = endpoints[1].best.rate / base if base else 0.0
    goals = [
        (f"poll with nothing changed (6, 200) >= 50% of /healthz req/s: {feed_ratio:.0%}", feed_ratio >= 0.5),
        (f"poll after one change (4) < 20 ms server time for {n:,} events: {m.changed * ms:.2f} ms", m.changed * ms < 20.0),
    ]
    for label, ok in goals:
        print(f"  goal {label}: {'met' if ok else 'MISSED'}")
    if failed:
        print(f"{failed} failed requests")
        return 1
    print(f"no failures: {sum(w.ok for e in endpoints for w in e.windows):,} measured requests answered as expected")
    return 1 if args.check and not all(ok for _, ok in goals) else 0


def _cpus() -> str:
    return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


if __name__ == "__main__":
    sys.exit(main())
