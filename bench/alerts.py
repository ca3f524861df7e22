"""Benchmark: 10,000 due alerts over 100 channels, sent by real dispatcher processes to a loopback receiver.

Run: ``.venv/bin/python bench/alerts.py`` (``--alerts 10000 --channels 100 --processes 2
--send-threads 8 --spread 10``); a quick smoke run: ``--alerts 500 --channels 10 --spread 2``; on
PostgreSQL: ``--database postgresql+psycopg://postgres@127.0.0.1/scratch`` (an empty scratch
database: the run writes to it, and refuses, exit 2, one that already holds matters, deadlines,
channels or alerts, or one that is not on a loopback address). The default is a fresh SQLite file
in a temporary directory. ``--profile`` also times the phases of one in-process dispatcher and
prints a cProfile of it. Every number is measured in this one run, on a shared and noisy 2-core
machine where the dispatchers, the database and the receiver compete for the same cores; the
machine's CPU use during the run is printed with them.

What happens:
- the data, through the service layer: ``--channels`` channels of kind "webhook", each with its
  own path on the receiver, then (``--kind moved``, the default) ``--alerts / --channels``
  deadlines on one matter, due in 2030. Each deadline gets its normal reminders planned on every
  channel (T-5BD ... OVERDUE-5: 9 per deadline and channel, all far in the future), so that the
  outbox holds what a real one holds: many future rows beside the due ones
  (``--no-future-reminders`` leaves them out with an empty per-deadline schedule);
- the dispatchers: ``--processes`` real ``python -m calendar_service scheduler`` processes on a
  config.toml written into the temporary directory ([store] database_url, [server] secret_file,
  [alerts] poll_seconds = ``--poll-seconds``, send_threads = ``--send-threads``); the run waits
  until every one has started and planned;
- the due alerts: only then, ``--alerts`` rows are inserted into the outbox in one transaction
  (``records.new_alert`` and a plain insert), due from T0 = now + ``--lead`` seconds, spread
  evenly over ``--spread`` seconds in a shuffled order of channels. ``--kind moved``: one
  "MOVED" alert per (deadline, channel), a one-off kind that the planning leaves alone and that
  goes through the whole deadline message path (deadline, matter, rule explanation, feed links),
  as a reminder does; ``--kind test``: "TEST-<n>" alerts with no deadline (the lean path of
  ``channels test``), ``--alerts / --channels`` per channel;
- the receiver: a ThreadingHTTPServer on 127.0.0.1 in this process (keep-alive off, as the
  dispatcher closes every connection), answering 200 "ok" and recording the arrival time, the
  path and the alert's ref (the JSON body's "ref"); the run waits until every alert has arrived
  (or ``--timeout`` seconds after T0), then ``--settle`` seconds more for late duplicates, then
  stops the dispatchers with SIGTERM.

Reported: alerts per second (delivered / time from the first due time to the last arrival, and
the steady rate between the 10th and 90th percentile of arrivals), the delay from due time to
arrival (median, p90, p99, max), where that delay goes (from the delivery log: due -> a
dispatcher starts the alert, start -> its POST answered), duplicates (a ref that arrived twice) and
misrouted alerts (must be 0), what never arrived (must be 0), the final alert statuses and
delivery outcomes in the database, each dispatcher's share, CPU used by the dispatchers, this
process (the receiver), the PostgreSQL backends of the database (and how many sessions were
opened: backends that ended are not in the CPU figure) and the whole machine, and warnings or
tracebacks in the dispatcher logs. ``--profile`` then sends batches of ``--profile-alerts``
alerts due at once from one ``Dispatcher`` in this process: one thread with each phase timed
(claim, message, POST, record, the rest of the renew transaction), ``Dispatcher.tick`` with its
send threads, and one thread under cProfile counting that thread's CPU time. The
issue sets no goal, so there is no ``--check``; a duplicate, a lost or misrouted alert, an alert
not ``sent`` at the end, or a traceback makes the exit status 1.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calendar_service.alerts.dispatch import Dispatcher
from calendar_service.config import Settings, parse_settings
from calendar_service.services import channels as channel_service
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import matters as matter_service
from calendar_service.store import Store, open_store
from calendar_service.store import records as db
from calendar_service.store.schema import alert_deliveries, alerts, channels, deadlines, matters

ROOT = Path(__file__).resolve().parent.parent
ACTOR = "bench"
SECRET = b"bench/alerts.py fixed instance secret, 48 bytes!!"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
TRIGGER = date(2030, 1, 2)  # due dates in 2030: every planned reminder lies far in the future
RULES = ("10 business days", "4 business days", "60 calendar days", "2 business days 22:00 America/New_York")
NO_REMINDERS = {"before_business_days": [], "due_day": False, "overdue_business_days": 0}
READY = "sending due alerts every"  # what `scheduler` prints once it has planned and is about to tick


# -- the receiver ------------------------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.time() when the body had been read
    ref: str | None
    path: str


@dataclass
class Receiver:
    """A loopback webhook receiver answering 200 "ok" to every POST, recording what arrived."""

    server: ThreadingHTTPServer
    arrivals: list[Arrival] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    bad_bodies: int = 0

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def distinct(self) -> int:
        with self.lock:
            return len(self.refs)

    def snapshot(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # the default, 5, drops connections of 16 senders; a dropped SYN costs 1 s


def start_receiver() -> Receiver:
    """The receiver on a free port of 127.0.0.1, serving from a background thread."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # no keep-alive: one connection per POST, as the dispatcher does it

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.time()
            try:
                ref = json.loads(body).get("ref")
            except (ValueError, AttributeError):
                ref = None
            with receiver.lock:
                receiver.arrivals.append(Arrival(at, ref, self.path))
                if ref is None:
                    receiver.bad_bodies += 1
                else:
                    receiver.refs.add(ref)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    receiver = Receiver(_Server(("127.0.0.1", 0), Handler))
    threading.Thread(target=receiver.server.serve_forever, name="receiver", daemon=True).start()
    return receiver


def alert_id_of(ref: str | None) -> int | None:
    """The alert id at the end of a ref (``D12/MOVED/g1/a345``, ``C3/TEST-7/g1/a345``)."""
    m = re.search(r"/a(\d+)$", ref or "")
    return int(m.group(1)) if m else None


# -- the data ----------------------------------------------------------------------------------


def existing_rows(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (matters, deadlines, channels, alerts)}


def populate(store: Store, settings: Settings, args: argparse.Namespace, base: str, now: datetime) -> tuple[list[int], list[dict]]:
    """Channels (each with its own receiver path), then, for --kind moved, the deadlines."""
    channel_ids = []
    for c in range(args.channels):
        payload = {"name": f"bench-{c + 1}", "kind": "webhook", "url": f"{base}/hook/c{c + 1}"}
        channel_ids.append(channel_service.create_channel(store, settings, payload, now=now)["id"])
    planned: list[dict] = []
    if args.kind == "moved":
        matter = matter_service.create_matter(store, {"name": "Bench matter", "company": "Acme Holdings"}, actor=ACTOR, now=now)
        for d in range(args.alerts // args.channels):
            payload: dict[str, Any] = {
                "matter_id": matter["id"],
                "title": f"Deadline {d + 1}: respond to staff comment {d % 40 + 1}",
                "trigger_date": (TRIGGER + timedelta(days=d % 60)).isoformat(),
                "rule": RULES[d % len(RULES)],
                "assignee": "alice",
                "notes": "generated by bench/alerts.py",
            }
            if not args.future_reminders:
                payload["alert_schedule"] = NO_REMINDERS
            created = deadline_service.create_deadline(store, settings, payload, actor=ACTOR, now=now)
            planned.append(created)
        with store.read() as conn:
            generation = dict(conn.execute(select(deadlines.c.id, deadlines.c.alert_generation)).all())
        for d in planned:
            d["generation"] = generation[d["id"]]
    return channel_ids, planned


def make_alerts(args, channel_ids: list[int], planned: list[dict], first_due: datetime, spread: float, now: datetime, tag: str = ""):
    """The alert rows: one per (deadline, channel), or per (n, channel) for --kind test; due times spread evenly, shuffled."""
    pairs = [(c, d) for d in range(args.alerts // len(channel_ids)) for c in channel_ids]
    rnd = random.Random(args.seed)
    rnd.shuffle(pairs)
    rows = []
    for i, (channel_id, d) in enumerate(pairs):
        due = first_due + timedelta(seconds=spread * i / max(1, len(pairs) - 1))
        if args.kind == "moved":
            deadline = planned[d]
            due_date = date.fromisoformat(deadline["due_date"])
            context = {"from": (due_date - timedelta(days=7)).isoformat(), "to": due_date.isoformat(), "cutoff_from": deadline["cutoff"]}
            generation = deadline["generation"] + (int(tag) if tag else 0)
            rows.append(db.new_alert(channel_id, deadline["id"], "MOVED", generation, due, now, context))
        else:
            rows.append(db.new_alert(channel_id, None, f"TEST-{tag}{d + 1}", 1, due, now, {}))
    return rows


def insert_alerts(store: Store, rows: list[dict], after_id: int = 0) -> dict[int, tuple[float, int]]:
    """Insert the rows in one transaction; {alert id: (due time as a timestamp, channel id)} of the new rows."""
    with store.write() as conn:
        conn.execute(insert(alerts), rows)
    with store.read() as conn:
        found = conn.execute(select(alerts.c.id, alerts.c.due_at, alerts.c.channel_id).where(alerts.c.id > after_id))
        return {i: (due.timestamp(), channel) for i, due, channel in found}


def max_alert_id(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.coalesce(func.max(alerts.c.id), 0))).scalar_one()


# -- the dispatcher processes ------------------------------------------------------------------


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(tmp: Path, url: str, args: argparse.Namespace) -> Path:
    config = tmp / "config.toml"
    config.write_text(
        "\n".join(
            [
                "[store]",
                f"database_url = {toml_string(url)}",
                "[server]",
                f"secret_file = {toml_string(str(tmp / 'secret'))}",
                "[alerts]",
                f"poll_seconds = {args.poll_seconds}",
                f"send_threads = {args.send_threads}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp / "secret").write_bytes(SECRET + b"\n")
    return config


def start_scheduler(config: Path, log: Path) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(config.parent), "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "calendar_service", "--config", str(config), "scheduler"],
            cwd=config.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _ticks()


def postgres_cpu(store: Store) -> dict[int, float] | None:
    """CPU seconds so far of each PostgreSQL backend serving this database (Linux /proc; None if not visible)."""
    with store.read() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars().all()
    found = {pid: cpu for pid in pids if (cpu := process_cpu(pid)) is not None}
    return found or None


def postgres_sessions(store: Store) -> int | None:
    """Sessions ever opened on this database (pg_stat_database.sessions, PostgreSQL 14+), or None."""
    if store.dialect != "postgresql":
        return None
    with store.read() as conn:
        if conn.dialect.server_version_info < (14,):
            return None
        return conn.execute(text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")).scalar()


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the machine so far, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _ticks(), sum(values[:8]) / _ticks()


@dataclass
class CpuSnapshot:
    at: float
    own: float
    children: list[float | None]
    postgres: dict[int, float] | None
    sessions: int | None
    machine: tuple[float, float] | None


def cpu_snapshot(processes: list[subprocess.Popen], store: Store) -> CpuSnapshot:
    return CpuSnapshot(
        time.perf_counter(),
        time.process_time(),
        [process_cpu(p.pid) for p in processes],
        postgres_cpu(store) if store.dialect == "postgresql" else None,
        postgres_sessions(store),
        machine_cpu(),
    )


# -- the numbers -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def spread_line(label: str, values: list[float], unit: str = "s") -> str:
    v = sorted(values)
    if not v:
        return f"  {label:38} (none)"
    return (
        f"  {label:38} median {percentile(v, 50):7.3f} {unit}  p90 {percentile(v, 90):7.3f}  p99 {percentile(v, 99):7.3f}  "
        f"max {v[-1]:7.3f}  (n={len(v):,})"
    )


def database_report(store: Store, ids: dict[int, tuple[float, int]]) -> tuple[dict[str, int], list[str]]:
    """Final statuses of the measured alerts, and lines about their delivery log."""
    low, high = min(ids), max(ids)
    in_run = alerts.c.id.between(low, high)
    with store.read() as conn:
        statuses = dict(conn.execute(select(alerts.c.status, func.count()).where(in_run).group_by(alerts.c.status)).all())
        attempts = dict(conn.execute(select(alerts.c.attempts, func.count()).where(in_run).group_by(alerts.c.attempts)).all())
        late = conn.execute(select(func.count()).select_from(alerts).where(in_run, alerts.c.late)).scalar_one()
        log = conn.execute(
            select(
                alert_deliveries.c.alert_id,
                alert_deliveries.c.worker,
                alert_deliveries.c.started_at,
                alert_deliveries.c.duration_ms,
                alert_deliveries.c.outcome,
                alert_deliveries.c.error,
            ).where(alert_deliveries.c.alert_id.between(low, high))
        ).all()
        others = conn.execute(select(alerts.c.status, func.count()).where(~in_run).group_by(alerts.c.status)).all()
    lines = []
    outcomes = Counter(row.outcome for row in log)
    workers = Counter(row.worker for row in log if row.outcome == "sent")
    lines.append("  delivery log: " + ", ".join(f"{n:,} {o}" for o, n in outcomes.most_common()) + f" ({len(log):,} attempts)")
    for error, n in Counter(row.error for row in log if row.error).most_common(3):
        lines.append(f"    {n:,} x {error[:160]}")
    lines.append("  sent per dispatcher: " + ", ".join(f"{w} {n:,}" for w, n in sorted(workers.items())))
    lines.append("  attempts per alert: " + ", ".join(f"{a}: {n:,}" for a, n in sorted(attempts.items())) + f"; marked late: {late:,}")
    if others:
        lines.append("  other rows in the outbox (planned future reminders): " + ", ".join(f"{n:,} {s}" for s, n in others))
    sent = [row for row in log if row.outcome == "sent" and row.alert_id in ids]
    lines.append(spread_line("due -> a dispatcher starts the alert", [row.started_at.timestamp() - ids[row.alert_id][0] for row in sent]))
    lines.append(spread_line("start -> POST answered (duration_ms)", [row.duration_ms / 1000 for row in sent]))
    return statuses, lines


def log_findings(logs: list[Path]) -> tuple[int, list[str]]:
    """Tracebacks, and the warning/error lines of the dispatcher logs by kind."""
    tracebacks, kinds = 0, Counter()
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        tracebacks += text.count("Traceback")
        for line in text.splitlines():
            if re.search(r"warning|error|exception|skipped|missed", line, re.IGNORECASE):
                kinds[re.sub(r"\d[\d:.,-]*", "N", line.strip())[:170]] += 1
    return tracebacks, [f"    {n:,} x {line}" for line, n in kinds.most_common(6)]


# -- profile: one dispatcher in this process ---------------------------------------------------


class TimedDispatcher(Dispatcher):
    """The real dispatcher, with the time of each phase added up."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.phases: Counter = Counter()
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        inner = self.post

        def timed_post(url, body, headers, timeout):
            with self.timing("POST (transport.post)"):
                return inner(url, body, headers, timeout)

        self.post = timed_post

    def timing(self, name: str):
        dispatcher = self

        class Timer:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                with dispatcher.lock:
                    dispatcher.phases[name] += time.perf_counter() - self.t0
                    dispatcher.counts[name] += 1

        return Timer()

    def claim(self):
        with self.timing("claim (supersede + claim txns)"):
            return super().claim()

    def _deliver(self, alert, token):
        with self.timing("deliver (all of one alert)"):
            return super()._deliver(alert, token)

    def _message(self, conn, alert, channel, now):
        with self.timing("build the message (in the renew txn)"):
            return super()._message(conn, alert, channel, now)

    def _record(self, *args):
        with self.timing("record txn (finish, channel, log)"):
            return super()._record(*args)


def profile_in_process(args, store: Store, channel_ids: list[int], planned: list[dict]) -> None:
    """After the measured run: batches of --profile-alerts due alerts, each sent by one in-process dispatcher."""
    settings = parse_settings({"alerts": {"poll_seconds": args.poll_seconds, "send_threads": args.send_threads}}, source="bench")
    n = min(args.profile_alerts, args.alerts)
    sub = argparse.Namespace(**{**vars(args), "alerts": n - n % len(channel_ids) or len(channel_ids)})
    print(f"\nprofile: one Dispatcher in this process, {sub.alerts:,} alerts due now per batch, the same kind ({args.kind})")

    def batch(tag: int) -> TimedDispatcher:
        now = datetime.now(UTC)
        before = max_alert_id(store)
        insert_alerts(store, make_alerts(sub, channel_ids, planned, now - timedelta(seconds=1), 0.0, now, tag=str(tag)), before)
        return TimedDispatcher(store, settings, SECRET, clock=lambda: datetime.now(UTC), base_url="http://127.0.0.1:8000", worker="bench")

    def sequential(dispatcher: TimedDispatcher) -> int:
        done = 0
        while claimed := dispatcher.claim():
            for item in claimed:
                dispatcher._deliver_claimed(item)
            done += len(claimed)
        return done

    # 1. one thread, phases timed
    dispatcher = batch(1000)
    t0, cpu0 = time.perf_counter(), time.thread_time()
    done = sequential(dispatcher)
    wall, cpu = time.perf_counter() - t0, time.thread_time() - cpu0
    dispatcher.close()
    print(
        f"  sequential, one thread: {done:,} alerts in {wall:.2f} s = {done / wall:.0f} alerts/s, {1000 * wall / done:.2f} ms per alert, "
        f"of which {1000 * cpu / done:.2f} ms CPU of that thread (the rest: waiting for the database and the receiver)"
    )
    p, c = dispatcher.phases, dispatcher.counts
    deliver = p["deliver (all of one alert)"]
    inner = p["POST (transport.post)"] + p["record txn (finish, channel, log)"] + p["build the message (in the renew txn)"]
    rows = [(name, p[name], c[name]) for name in sorted(p, key=lambda k: -p[k])]
    rows.append(("renew txn + channel read + encode (rest)", deliver - inner, c["deliver (all of one alert)"]))
    for name, seconds, count in rows:
        if name == "deliver (all of one alert)":
            continue
        print(f"    {name:42} {1000 * seconds / done:7.2f} ms per alert  {100 * seconds / wall:5.1f}% of the wall time  ({count:,} calls)")

    # 2. the same, with the dispatcher's own thread pool (Dispatcher.tick)
    dispatcher = batch(2000)
    t0, cpu0 = time.perf_counter(), time.process_time()
    done = dispatcher.tick(max_batches=10_000)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    dispatcher.close()
    print(
        f"  Dispatcher.tick with {args.send_threads} send threads: {done:,} alerts in {wall:.2f} s = {done / wall:.0f} alerts/s, "
        f"{1000 * cpu / done:.2f} ms CPU per alert (this whole process, the receiver included)"
    )
    for name in ("POST (transport.post)", "record txn (finish, channel, log)", "claim (supersede + claim txns)"):
        calls = dispatcher.counts[name]
        if calls:
            print(f"    {name:42} {1000 * dispatcher.phases[name] / calls:7.2f} ms per call, wall clock, under {args.send_threads} threads")

    # 3. one thread under cProfile, counting that thread's CPU time (not the receiver's, not waiting)
    dispatcher = batch(3000)
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    sequential(dispatcher)
    profiler.disable()
    dispatcher.close()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(22)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  cProfile (CPU time of the sending thread) of a sequential batch, by {order}: {lines[0].strip()}")
        print("\n".join(lines[start:]))


# -- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000, help="due alerts (a multiple of --channels)")
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--kind", choices=("moved", "test"), default="moved", help="deadline messages (MOVED) or TEST-<n> one-offs")
    parser.add_argument(
        "--future-reminders",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="plan each deadline's normal reminders (far in the future) too (--kind moved)",
    )
    parser.add_argument("--processes", type=int, default=2, help="`python -m calendar_service scheduler` processes")
    parser.add_argument("--send-threads", type=int, default=8, help="alerts.send_threads of each")
    parser.add_argument("--poll-seconds", type=int, default=1, help="alerts.poll_seconds of each")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which the due times are spread")
    parser.add_argument("--lead", type=float, default=2.0, help="seconds from inserting the alerts to the first due time")
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds after the first due time to wait for every alert")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait for duplicates after the last alert arrived")
    parser.add_argument("--database", help="SQLAlchemy URL of an empty scratch database on a loopback address (default: SQLite, temp dir)")
    parser.add_argument("--profile", action="store_true", help="afterwards, time and cProfile one in-process dispatcher")
    parser.add_argument("--profile-alerts", type=int, default=500, help="alerts per profile batch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if min(args.alerts, args.channels, args.processes, args.send_threads, args.poll_seconds, args.profile_alerts) < 1:
        parser.error("--alerts, --channels, --processes, --send-threads, --poll-seconds and --profile-alerts must be positive")
    if args.alerts % args.channels or args.spread < 0 or args.lead < 0:
        parser.error("--alerts must be a multiple of --channels; --spread and --lead must not be negative")
    if args.database:
        host = make_url(args.database).host
        if host and host not in LOOPBACK:
            print(f"--database must be on a loopback address (127.0.0.1, ::1, localhost or a socket), not {host!r}", file=sys.stderr)
            return 2

    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = open_store(url)
        receiver = start_receiver()
        try:
            return run(args, store, url, Path(tmp), receiver)
        finally:
            receiver.close()
            store.close()


def run(args: argparse.Namespace, store: Store, url: str, tmp: Path, receiver: Receiver) -> int:
    found = existing_rows(store)
    if any(found.values()):
        held = ", ".join(f"{n:,} {t}" for t, n in found.items() if n)
        print(f"{store.describe()} already holds {held}; point --database at an empty scratch database", file=sys.stderr)
        return 2
    settings = Settings()
    with store.read() as conn:
        server_version = ".".join(str(p) for p in conn.dialect.server_version_info or ())
    driver = f"psycopg {version('psycopg')}" if store.dialect == "postgresql" else f"sqlite3 (SQLite {sqlite3.sqlite_version})"
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), SQLAlchemy {sqlalchemy.__version__}, {driver}, "
        f"APScheduler {version('apscheduler')}, {platform.machine()} with {_cpus()} CPUs"
    )
    print(f"database: {store.dialect} {server_version}, {store.describe()}")

    now = datetime.now(UTC)
    t0 = time.perf_counter()
    channel_ids, planned = populate(store, settings, args, receiver.base, now)
    with store.read() as conn:
        background = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    what = f"{len(planned)} deadlines (due in 2030) on 1 matter, " if planned else ""
    print(
        f"populated {len(channel_ids)} webhook channels, {what}{background:,} planned future reminders "
        f"in {time.perf_counter() - t0:.1f} s; receiver on {receiver.base}"
    )

    config = write_config(tmp, url, args)
    logs = [tmp / f"scheduler-{i + 1}.log" for i in range(args.processes)]
    t0 = time.perf_counter()
    processes = [start_scheduler(config, log) for log in logs]
    try:
        while not all(READY in log.read_text(errors="replace") for log in logs):
            if any(p.poll() is not None for p in processes) or time.perf_counter() - t0 > 180:
                print("a dispatcher process did not start:")
                for log in logs:
                    print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
                return 1
            time.sleep(0.05)
        print(
            f"{args.processes} x `python -m calendar_service scheduler` ready in {time.perf_counter() - t0:.1f} s "
            f"(poll_seconds = {args.poll_seconds}, send_threads = {args.send_threads}); pids {', '.join(str(p.pid) for p in processes)}"
        )

        first_due = datetime.now(UTC) + timedelta(seconds=args.lead)
        rows = make_alerts(args, channel_ids, planned, first_due, args.spread, datetime.now(UTC))
        t_insert = time.perf_counter()
        before = max_alert_id(store)
        ids = insert_alerts(store, rows, before)
        inserted_at = datetime.now(UTC)
        late_insert = (inserted_at - first_due).total_seconds()
        when = f"from T0 = {first_due.strftime('%H:%M:%S.%f')[:-3]} UTC"
        when += f" over {args.spread:g} s ({len(ids) / args.spread:.0f} alerts/s fall due)" if args.spread else ", all at once"
        print(
            f"inserted {len(ids):,} due alerts ({args.kind}: {len(ids) // len(channel_ids)} per channel) "
            f"in {time.perf_counter() - t_insert:.2f} s, due {when}"
            + (f"; WARNING: the insert ended {late_insert:.2f} s after T0" if late_insert > 0 else "")
        )
        if len(ids) != args.alerts:
            print(f"FAILED: {len(ids)} alerts inserted, expected {args.alerts}")
            return 1

        cpu_before = cpu_snapshot(processes, store)
        end = first_due.timestamp() + args.timeout
        last_count, last_change = 0, time.time()
        while (count := receiver.distinct()) < len(ids) and time.time() < end:
            if count != last_count:
                last_count, last_change = count, time.time()
            if any(p.poll() is not None for p in processes):
                print("a dispatcher process exited during the run")
                break
            time.sleep(0.05)
        done_at = time.time()
        time.sleep(args.settle)
        cpu_after = cpu_snapshot(processes, store)
    finally:
        stop(processes)
    arrivals = receiver.snapshot()
    timed_out = receiver.distinct() < len(ids)
    if timed_out:
        got = receiver.distinct()
        stalled = done_at - last_change
        print(f"TIMED OUT {args.timeout:g} s after T0: {got:,} of {len(ids):,} arrived (no progress in the last {stalled:.1f} s)")

    # -- the receiver's view
    first_due_ts = min(due for due, _ in ids.values())
    by_ref = Counter(a.ref for a in arrivals)
    duplicates = sum(n - 1 for ref, n in by_ref.items() if ref is not None and n > 1)
    path_of = {channel_id: f"/hook/c{i + 1}" for i, channel_id in enumerate(channel_ids)}
    delay, misrouted, unknown = [], 0, 0
    first_arrival: dict[int, Arrival] = {}
    for a in sorted(arrivals, key=lambda a: a.at):
        alert_id = alert_id_of(a.ref)
        if alert_id not in ids:
            unknown += 1
            continue
        if alert_id in first_arrival:
            continue
        first_arrival[alert_id] = a
        due, channel_id = ids[alert_id]
        if a.path != path_of[channel_id]:
            misrouted += 1
        delay.append(a.at - due)
    missing = len(ids) - len(first_arrival)
    times = sorted(a.at for a in first_arrival.values())
    print(f"\nresults ({store.dialect}, {args.processes} dispatcher processes x {args.send_threads} send threads, {args.kind} alerts):")
    if times:
        total = times[-1] - first_due_ts
        rate = len(times) / total if total > 0 else float("nan")
        lo, hi = percentile(times, 10), percentile(times, 90)
        steady = 0.8 * len(times) / (hi - lo) if hi > lo else float("nan")
        print(
            f"  delivered {len(times):,} of {len(ids):,} in {total:.2f} s from the first due time to the last arrival: "
            f"{rate:.0f} alerts/s (steady, 10th-90th percentile of arrivals: {steady:.0f} alerts/s)"
        )
        print(f"  first arrival {times[0] - first_due_ts:+.2f} s after the first due time; last due {args.spread:g} s after it")
        buckets = Counter(int(t - first_due_ts) for t in times)
        seconds = range(min(buckets), max(buckets) + 1)
        print("  arrivals per second from the first due time: " + " ".join(str(buckets.get(s, 0)) for s in seconds))
        print(spread_line("delay: due time -> arrival", delay))
    print(f"  duplicates (a ref that arrived more than once): {duplicates}")
    strays = unknown + receiver.bad_bodies
    print(f"  never arrived: {missing:,}; misrouted (to another channel's path): {misrouted}; POSTs without a known ref: {strays}")

    # -- the database's view
    statuses, lines = database_report(store, ids)
    print("  final statuses of the due alerts: " + ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items(), key=lambda kv: -kv[1])))
    for line in lines:
        print(line)

    # -- CPU
    elapsed = cpu_after.at - cpu_before.at
    print(f"  CPU over the {elapsed:.1f} s from the insert to the end of the settle time:")
    per_process = []
    for b, a in zip(cpu_before.children, cpu_after.children, strict=True):
        per_process.append(f"{a - b:.1f} s" if a is not None and b is not None else "?")
    total_children = sum(a - b for a, b in zip(cpu_after.children, cpu_before.children, strict=True) if a is not None and b is not None)
    own = cpu_after.own - cpu_before.own
    accounted = total_children + own
    n_sent = statuses.get("sent", 0) or 1
    parts = [f"dispatchers {', '.join(per_process)} ({1000 * total_children / n_sent:.2f} ms CPU per sent alert)"]
    parts.append(f"this process (the receiver) {own:.1f} s ({1000 * own / n_sent:.2f} ms per alert)")
    if cpu_after.postgres is not None:
        before_pg = cpu_before.postgres or {}
        backends = sum(cpu - before_pg.get(pid, 0.0) for pid, cpu in cpu_after.postgres.items())
        accounted += backends
        parts.append(f"PostgreSQL backends of this database {backends:.1f} s ({1000 * backends / n_sent:.2f} ms per alert)")
    if cpu_after.sessions is not None and cpu_before.sessions is not None:
        parts.append(f"{cpu_after.sessions - cpu_before.sessions:,} PostgreSQL sessions opened (the CPU of the closed ones is not above)")
    print("    " + "; ".join(parts))
    if cpu_after.machine and cpu_before.machine:
        busy = cpu_after.machine[0] - cpu_before.machine[0]
        print(
            f"    the machine: {busy:.1f} CPU-seconds busy of {elapsed * int(_cpus()):.1f} ({busy / elapsed:.2f} of {_cpus()} CPUs), "
            f"{busy - accounted:.1f} s of it by everything else (other work on this shared machine, the kernel, the database's "
            "background processes)"
        )

    tracebacks, warnings = log_findings(logs)
    print(f"  dispatcher logs: {tracebacks} tracebacks, " + ("warning and error lines by kind:" if warnings else "no warnings"))
    for line in warnings:
        print(line)

    not_sent = sum(n for s, n in statuses.items() if s != "sent")
    problems = []
    if duplicates:
        problems.append(f"{duplicates} duplicates")
    if missing:
        problems.append(f"{missing} alerts never arrived")
    if misrouted or unknown or receiver.bad_bodies:
        problems.append(f"{misrouted} misrouted, {unknown + receiver.bad_bodies} unknown POSTs")
    if not_sent:
        problems.append(f"{not_sent} alerts not sent")
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the dispatcher logs")

    if args.profile:
        profile_in_process(args, store, channel_ids, planned)

    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print(f"no failures: {len(ids):,} alerts delivered exactly once, each to its channel, all recorded as sent")
    return 0


def _cpus() -> str:
    return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


if __name__ == "__main__":
    sys.exit(main())
