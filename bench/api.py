"""Benchmark: list and compute requests per second through a real server, against /healthz.

Run: ``.venv/bin/python bench/api.py`` (``--deadlines 10000 --seconds 5 --clients 4``); a quick
smoke run: ``--deadlines 500 --seconds 1``; on PostgreSQL: ``--database
postgresql+psycopg://user@host/scratch`` (an empty scratch database: the run writes to it). The
default is a fresh SQLite file in a temporary directory. Every timing is taken in this one run,
and what matters are the ratios to /healthz, because these machines are shared and noisy; the
absolute numbers are printed too.

What happens:
- populate: ``--deadlines`` deadlines on ``--matters`` matters through the service layer (one
  transaction per create, as the API does it; ``--populate records`` writes the same rows through
  ``store.records`` in one transaction instead), trigger dates spread over 2009-2026, four rules,
  mostly open (some done, withdrawn, extended); the time it took is printed;
- serve: ``create_app`` over that store, ``waitress.create_server`` on 127.0.0.1, port 0, with
  ``--threads`` worker threads, running in a background thread of this process;
- measure, in this order: GET /healthz (no auth, one ``SELECT 1``: the baseline), the first page
  of /api/v1/deadlines?limit=50, a filtered page (status=open, due_after=2020-01-01),
  /api/v1/compute (10 business days from 2009-05-11), and a later page (``next`` followed
  ``--follow`` times, then that cursor URL fetched again and again). Each endpoint's answer is
  checked once, then ``--clients`` threads, each with its own keep-alive HTTP/1.1 connection,
  send requests back to back after a short warm-up. ``--seconds`` per endpoint is split into
  ``--rounds`` windows taken in turn (all endpoints, then again), and the best window is kept.

The clients share this process (and its GIL) with the server, so /healthz's rate is a ceiling of
this harness rather than of waitress; the ratio to it, and "extra ms/req" (the added cost of a
request over /healthz: 1000/rate - 1000/rate of /healthz), are what to compare between runs.
Any request that does not answer 200, or an answer that looks wrong, makes the exit status 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy
from sqlalchemy import func, select
from waitress import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadgen import Client, Window, run_window  # bench/loadgen.py: run as a script, bench/ is on sys.path

from calendar_service.config import Settings
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import matters as matter_service
from calendar_service.services import tokens as token_service
from calendar_service.services.fields import check
from calendar_service.store import Store, open_store
from calendar_service.store import records as db
from calendar_service.store.schema import deadlines, history, matters
from calendar_service.web import create_app

ACTOR = "bench"
RULES = (  # (rule, weight)
    ("10 business days", 4),
    ("4 business days", 3),
    ("60 calendar days", 2),
    ("2 business days 22:00 America/New_York", 1),
)
STATUSES = (("open", 80), ("done", 12), ("withdrawn", 4), ("extended", 4))  # (final status, weight)
FIRST_TRIGGER, LAST_TRIGGER = date(2009, 1, 1), date(2026, 12, 31)
COMPANIES = ("Acme Holdings", "Borealis Energy", "Cobalt Bancorp", "Delta Therapeutics", "Evergreen REIT", "Fulcrum Systems")
OWNERS = ("alice", "bob", "carol", "dan")
KINDS = ("comment-letter-response", "filing", "custom")
PAGE = 50
FILTER_AFTER = "2020-01-01"


# -- the data ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What to create: matter payloads, deadline payloads (matter by index) and final statuses."""

    matters: list[dict[str, Any]]
    deadlines: list[tuple[int, dict[str, Any], str]]


def make_plan(n_deadlines: int, n_matters: int, seed: int) -> Plan:
    """Deterministic payloads, as a client would POST them."""
    rnd = random.Random(seed)
    matter_payloads = []
    for i in range(n_matters):
        company = COMPANIES[i % len(COMPANIES)]
        matter_payloads.append(
            {
                "name": f"{company} matter {i + 1}",
                "company": company,
                "file_numbers": [f"333-{200000 + i}"],
                "tags": ["sec", "10-K" if i % 2 else "S-1"],
                "owner": OWNERS[i % len(OWNERS)],
            }
        )
    rules = [r for r, _ in RULES]
    rule_weights = [w for _, w in RULES]
    statuses = [s for s, _ in STATUSES]
    status_weights = [w for _, w in STATUSES]
    low, high = FIRST_TRIGGER.toordinal(), LAST_TRIGGER.toordinal()
    planned = []
    for i in range(n_deadlines):
        payload = {
            "title": f"Deadline {i + 1}: respond to staff comment {rnd.randint(1, 40)}",
            "kind": rnd.choice(KINDS),
            "trigger_date": date.fromordinal(rnd.randint(low, high)).isoformat(),
            "rule": rnd.choices(rules, rule_weights)[0],
            "assignee": rnd.choice(OWNERS),
            "notes": "generated by bench/api.py" if i % 3 else "",
        }
        if i % 5 == 0:
            payload["calendar"] = "us-federal"
        planned.append((rnd.randrange(n_matters), payload, rnd.choices(statuses, status_weights)[0]))
    return Plan(matter_payloads, planned)


def extension_of(due: date) -> dict[str, str]:
    """The extension payload given to an "extended" deadline."""
    return {"due_date": (due + timedelta(days=14)).isoformat(), "reason": "the staff granted two more weeks"}


def populate_service(store: Store, settings: Settings, plan: Plan, now: datetime) -> int:
    """Create everything through the service layer, as the API would; return the transactions."""
    ids = [matter_service.create_matter(store, payload, actor=ACTOR, now=now)["id"] for payload in plan.matters]
    transactions = len(ids)
    for matter_index, payload, status in plan.deadlines:
        created = deadline_service.create_deadline(store, settings, {**payload, "matter_id": ids[matter_index]}, actor=ACTOR, now=now)
        transactions += 1
        if status == "done":
            deadline_service.complete_deadline(store, settings, created["id"], {"reason": "filed"}, actor=ACTOR, now=now)
        elif status == "withdrawn":
            deadline_service.withdraw_deadline(store, settings, created["id"], {"reason": "deal abandoned"}, actor=ACTOR, now=now)
        elif status == "extended":
            payload = extension_of(date.fromisoformat(created["due_date"]))
            deadline_service.extend_deadline(store, settings, created["id"], payload, actor=ACTOR, now=now)
        transactions += status != "open"
    return transactions


def populate_records(store: Store, settings: Settings, plan: Plan, now: datetime) -> int:
    """The same rows through ``store.records`` in one transaction, computed by the service helpers."""
    with store.write() as conn:
        ids = []
        for payload in plan.matters:
            values = check(payload, matter_service.MATTER_FIELDS, what="matter")
            values = {"company": "", "file_numbers": [], "tags": [], "owner": "", **values, "created_at": now, "updated_at": now}
            matter_id = db.insert_matter(conn, values)
            db.record_history(
                conn, at=now, actor=ACTOR, action="create", entity="matter", entity_id=matter_id, matter_id=matter_id, changes=payload
            )
            ids.append(matter_id)
        for matter_index, payload, status in plan.deadlines:
            values = check({**payload, "matter_id": ids[matter_index]}, deadline_service.DEADLINE_FIELDS, what="deadline")
            values = {"kind": "custom", "assignee": "", "notes": "", "override_due_date": None, "override_reason": None, **values}
            deadline_service._check_override(values)
            values.update(deadline_service._computed_values(values, settings))
            values.update(status="open", version=1, created_at=now, updated_at=now, completed_at=None)
            extension = None
            if status == "done":
                values.update(status="done", completed_at=now)
            elif status == "withdrawn":
                values.update(status="withdrawn")
            elif status == "extended":
                extension = extension_of(values["due_date"])
                previous = {k: values[k] for k in ("due_date", "rule")}
                changed = {**values, "override_due_date": date.fromisoformat(extension["due_date"])}
                changed["override_reason"] = f"extended: {extension['reason']}"
                values.update(deadline_service._computed_values(changed, settings), status="extended", version=2)
                values.update(override_due_date=changed["override_due_date"], override_reason=changed["override_reason"])
            deadline_id = db.insert_deadline(conn, values)
            snapshot = {k: payload.get(k) for k in deadline_service.DEADLINE_FIELDS if k in payload}
            db.record_history(
                conn,
                at=now,
                actor=ACTOR,
                action="create",
                entity="deadline",
                entity_id=deadline_id,
                matter_id=values["matter_id"],
                changes=snapshot,
            )
            if extension is not None:
                db.insert_extension(
                    conn,
                    {
                        "deadline_id": deadline_id,
                        "at": now,
                        "actor": ACTOR,
                        "previous_due_date": previous["due_date"],
                        "new_due_date": values["due_date"],
                        "previous_rule": previous["rule"],
                        "new_rule": None,
                        "reason": extension["reason"],
                    },
                )
    return 1


def count_rows(store: Store) -> dict[str, Any]:
    """Matters, deadlines by status, history entries."""
    with store.read() as conn:
        by_status = dict(conn.execute(select(deadlines.c.status, func.count()).group_by(deadlines.c.status)).all())
        return {
            "matters": conn.execute(select(func.count()).select_from(matters)).scalar_one(),
            "deadlines": sum(by_status.values()),
            "by_status": by_status,
            "history": conn.execute(select(func.count()).select_from(history)).scalar_one(),
        }


# -- the clients -------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A measured URL, how to check its answer, and its windows."""

    label: str
    path: str
    check: Callable[[Any], str | None]  # the parsed body -> a problem, or None
    windows: list[Window] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)

    @property
    def best(self) -> Window:
        return max(self.windows, key=lambda w: w.rate)


def answered_200(status: int, body: bytes) -> str | None:
    """The problem with a measured answer, or None when it is a 200."""
    return None if status == 200 else f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"


def get_json(client: Client, path: str) -> Any:
    status, body, _ = client.get(path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300].decode('utf-8', 'replace')}")
    return json.loads(body)


def check_page(expected: int, *, status: str | None = None, due_after: str | None = None, after: str | None = None):
    """A check of a deadline page: its size, order and filters."""

    def check_it(body: Any) -> str | None:
        items = body.get("items", [])
        if len(items) != expected:
            return f"{len(items)} items, expected {expected}"
        keys = [(d["due_date"], d["id"]) for d in items]
        if keys != sorted(keys):
            return "items not in (due_date, id) order"
        if status and any(d["status"] != status for d in items):
            return f"an item is not {status}"
        if due_after and any(d["due_date"] < due_after for d in items):
            return f"an item is due before {due_after}"
        if after and keys[0][0] < after:
            return f"the page starts at {keys[0][0]}, before the previous page's end {after}"
        if not all(d.get("explanation") for d in items):
            return "an item has no explanation"
        return None

    return check_it


def check_compute(body: Any) -> str | None:
    return None if body.get("due") and body.get("explanation") else f"no due date or explanation in {body!r:.200}"


# -- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=10_000)
    parser.add_argument("--matters", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per endpoint, split into --rounds windows")
    parser.add_argument("--rounds", type=int, default=2, help="windows per endpoint, taken in turn; the best is kept")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive client threads")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--follow", type=int, default=5, help="times to follow 'next' for the later page")
    parser.add_argument("--database", help="SQLAlchemy URL of an empty scratch database (default: SQLite in a temp dir)")
    parser.add_argument("--populate", choices=("service", "records"), default="service", help="how to create the deadlines")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.deadlines < 1 or args.matters < 1 or args.clients < 1 or args.rounds < 1 or args.seconds <= 0:
        parser.error("--deadlines, --matters, --clients, --rounds and --seconds must be positive")

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        store = open_store(args.database or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            return run(args, store)
        finally:
            store.close()


def run(args: argparse.Namespace, store: Store) -> int:
    settings = Settings()
    now = datetime.now(UTC)
    before = count_rows(store)
    if before["matters"] or before["deadlines"]:
        found = f"{before['matters']} matters and {before['deadlines']} deadlines"
        print(f"{store.describe()} already holds {found}; point --database at an empty scratch database", file=sys.stderr)
        return 2

    with store.read() as conn:
        server_version = ".".join(str(p) for p in conn.dialect.server_version_info or ())
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), SQLAlchemy {sqlalchemy.__version__}, "
        f"Flask {version('flask')}, waitress {version('waitress')}, {platform.machine()} with {_cpus()} CPUs"
    )
    print(f"database: {store.dialect} {server_version}, {store.describe()}")

    plan = make_plan(args.deadlines, args.matters, args.seed)
    print(f"populating {args.deadlines:,} deadlines on {args.matters} matters via the {args.populate} layer ...", flush=True)
    t0 = time.perf_counter()
    populate = populate_service if args.populate == "service" else populate_records
    transactions = populate(store, settings, plan, now)
    took = time.perf_counter() - t0
    token = token_service.create_token(store, ACTOR, read_only=True, now=now)
    counts = count_rows(store)
    statuses = ", ".join(f"{n:,} {s}" for s, n in sorted(counts["by_status"].items(), key=lambda kv: -kv[1]))
    print(
        f"populated in {took:.1f} s ({transactions:,} transactions, {1000 * took / args.deadlines:.2f} ms per deadline): "
        f"{counts['matters']} matters, {counts['deadlines']:,} deadlines ({statuses}), {counts['history']:,} history entries"
    )

    app = create_app(settings, store)
    server = create_server(app, host="127.0.0.1", port=0, threads=args.threads, ident="calendar_service")
    serving = threading.Thread(target=server.run, name="waitress", daemon=True)
    serving.start()
    clients = [Client(server.effective_port, {"Authorization": f"Bearer {token}"}) for _ in range(args.clients)]
    try:
        return measure(args, clients, counts, server.effective_port)
    except (RuntimeError, OSError, http.client.HTTPException, ValueError, KeyError) as exc:
        print(f"FAILED while preparing the requests: {type(exc).__name__}: {exc}")
        return 1
    finally:
        for client in clients:
            client.close()
        server.task_dispatcher.shutdown(timeout=5)  # first, so no task pulls the trigger after close
        server.close()
        serving.join(timeout=5)


def measure(args: argparse.Namespace, clients: list[Client], counts: dict[str, Any], port: int) -> int:
    total, open_after = counts["deadlines"], None
    rule = quote("10 business days")
    first = min(PAGE, total)
    probe = clients[0]
    # The later page: follow `next` from the first page, remembering where the previous page ended.
    later_path, pages, last_due = f"/api/v1/deadlines?limit={PAGE}", 1, None
    for _ in range(args.follow):
        body = get_json(probe, later_path)
        if not body["next"]:
            break
        later_path, pages, last_due = body["next"], pages + 1, body["items"][-1]["due_date"]
    later_size = min(PAGE, total - PAGE * (pages - 1))
    with_due_after = f"/api/v1/deadlines?limit={PAGE}&status=open&due_after={FILTER_AFTER}"
    open_after = len(get_json(probe, with_due_after.replace(f"limit={PAGE}", "limit=500"))["items"])
    endpoints = [
        Endpoint("healthz", "/healthz", lambda body: None if body == {"status": "ok"} else f"unexpected {body!r:.200}"),
        Endpoint(f"list page 1 (limit={PAGE})", f"/api/v1/deadlines?limit={PAGE}", check_page(first)),
        Endpoint(
            "list filtered (open, due>=2020)", with_due_after, check_page(min(PAGE, open_after), status="open", due_after=FILTER_AFTER)
        ),
        Endpoint("compute (10 business days)", f"/api/v1/compute?start=2009-05-11&rule={rule}", check_compute),
        Endpoint(f"list page {pages} (cursor)", later_path, check_page(later_size, after=last_due)),
    ]

    per_window = args.seconds / args.rounds
    warm_up = min(0.5, max(0.1, per_window / 10))
    print(
        f"server: waitress on 127.0.0.1:{port} with {args.threads} threads; {args.clients} keep-alive clients; "
        f"{args.rounds} x {per_window:.2f} s per endpoint after {warm_up:.2f} s warm-up, best window kept"
    )
    wrong = []
    for endpoint in endpoints:
        problem = endpoint.check(get_json(probe, endpoint.path))
        if problem:
            wrong.append(f"{endpoint.label}: {problem}")
    for _ in range(args.rounds):
        for endpoint in endpoints:
            endpoint.failures.update(run_window(clients, endpoint.path, warm_up, check=answered_200).failures)
            window = run_window(clients, endpoint.path, per_window, check=answered_200)
            endpoint.failures.update(window.failures)
            endpoint.windows.append(window)

    base = endpoints[0].best.rate
    print(f"  {'endpoint':34} {'req/s':>8} {'mean ms':>8} {'x healthz':>9} {'extra ms/req':>12}   windows req/s")
    for endpoint in endpoints:
        best = endpoint.best
        extra = 1000 / best.rate - 1000 / base if best.rate and base else float("nan")
        windows = " ".join(f"{w.rate:.0f}" for w in endpoint.windows)
        print(f"  {endpoint.label:34} {best.rate:8.0f} {best.mean_ms:8.2f} {best.rate / base:8.2f}x {extra:12.2f}   {windows}")
    for endpoint in endpoints[1:]:
        print(f"{endpoint.label}: {endpoint.best.rate:.0f} req/s, {endpoint.best.rate / base:.2f}x healthz")
    print(f"(list filtered matches {open_after if open_after < 500 else '500+'} open deadlines due on or after {FILTER_AFTER})")
    print(f"(the later page, reached by following next {pages - 1}x: {later_path})")

    failed = sum(sum(e.failures.values()) for e in endpoints)
    for endpoint in endpoints:
        for problem, n in endpoint.failures.most_common(3):
            print(f"FAILED {endpoint.label}: {n} x {problem}")
    for problem in wrong:
        print(f"WRONG ANSWER {problem}")
    if failed or wrong:
        print(f"{failed} failed requests, {len(wrong)} wrong answers")
        return 1
    print(f"no failures: {sum(w.ok for e in endpoints for w in e.windows):,} measured requests answered 200")
    return 0


def _cpus() -> str:
    return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


if __name__ == "__main__":
    sys.exit(main())
