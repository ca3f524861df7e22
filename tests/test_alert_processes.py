"""Real dispatcher processes (`python -m calendar_service scheduler`) on one database, delivering to
a real receiver on loopback: several at once never send an alert twice, and a dispatcher killed
mid-send loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import webhook_receiver
from conftest import scratch_postgres_database

from calendar_service.config import load_settings
from calendar_service.services import channels as channel_service
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import matters as matter_service
from calendar_service.store import open_store
from calendar_service.store import records as db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alerts.db'}"
        return
    with scratch_postgres_database() as url:
        yield url


@pytest.fixture
def receiver():
    r = webhook_receiver.start()
    yield r
    r.close()


def write_config(tmp_path: Path, url: str, **alerts) -> Path:
    options = {"poll_seconds": 1, "lease_seconds": 5, "timeout_seconds": 5, "send_threads": 4, **alerts}
    lines = [f'[store]\ndatabase_url = "{url}"', f'[server]\nsecret_file = "{tmp_path / "secret"}"', "[alerts]"]
    lines += [f"{key} = {value}" for key, value in options.items()]
    config = tmp_path / "config.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def populate(config: Path, receiver, *, channels: int, deadlines: int, mode: str = "ok") -> None:
    """Channels first, then deadlines long overdue: each (deadline, channel) is owed one late message."""
    settings = load_settings(config)
    store = open_store(settings.store.url())
    now = datetime.now(UTC)
    try:
        for c in range(channels):
            channel_service.create_channel(
                store, settings, {"name": f"ch{c}", "kind": "webhook", "url": receiver.url(mode, f"ch{c}")}, now=now
            )
        matter = matter_service.create_matter(store, {"name": "Acme review", "company": "Acme Corp"}, actor="t", now=now)
        for d in range(deadlines):
            body = {"matter_id": matter["id"], "title": f"d{d}", "trigger_date": "2025-01-02", "rule": f"{1 + d % 20} business days"}
            deadline_service.create_deadline(store, settings, body, actor="t", now=now)
    finally:
        store.close()


def start_scheduler(config: Path, log: Path) -> subprocess.Popen:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(config.parent)}
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "calendar_service", "--config", str(config), "scheduler"],
            cwd=config.parent,
            env=env,
            stdout=out,
            stderr=out,
        )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


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


def statuses(config: Path) -> dict[str, int]:
    store = open_store(load_settings(config).store.url())
    try:
        with store.read() as conn:
            counts: dict[str, int] = {}
            for row in db.list_alerts(conn, limit=100_000):
                counts[row["status"]] = counts.get(row["status"], 0) + 1
            return counts
    finally:
        store.close()


def test_three_dispatchers_deliver_2000_alerts_exactly_once(tmp_path, database_url, receiver):
    config = write_config(tmp_path, database_url)
    populate(config, receiver, channels=20, deadlines=100)
    log = tmp_path / "schedulers.log"
    processes = [start_scheduler(config, log) for _ in range(3)]
    try:
        wait_for(lambda: len(receiver.refs()) >= 2000, 240, f"2000 deliveries ({len(receiver.refs())} so far)\n{log.read_text()[-3000:]}")
        time.sleep(2)  # a straggler duplicate would arrive now
    finally:
        stop(processes)
    refs = receiver.refs()
    assert len(refs) == 2000 and set(refs.values()) == {1}, [r for r, n in refs.items() if n > 1][:10]
    assert all("OVERDUE" in ref for ref in refs)  # one late message each: the latest reminder, not one per missed one
    final = statuses(config)
    assert final["sent"] == 2000 and "sending" not in final and "dead" not in final
    workers = {p.headers.get("User-Agent") for p in receiver.delivered()}
    assert workers == {"calendar_service alerts"}
    assert "Traceback" not in log.read_text()


def test_a_dispatcher_killed_mid_send_loses_nothing(tmp_path, database_url, receiver):
    config = write_config(tmp_path, database_url, send_threads=2, lease_seconds=5)
    populate(config, receiver, channels=1, deadlines=20, mode="slow/0.5")
    log = tmp_path / "schedulers.log"
    first = start_scheduler(config, log)
    try:
        wait_for(lambda: len(receiver.posts) >= 3, 60, "the first deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight_at_kill = len(receiver.posts) - len(receiver.delivered())
        second = start_scheduler(config, log)
        try:
            wait_for(lambda: len(receiver.refs()) >= 20, 120, f"every alert delivered\n{log.read_text()[-3000:]}")
            time.sleep(1)
        finally:
            stop([second])
    finally:
        stop([first])
    refs = receiver.refs()
    assert len(refs) == 20
    duplicates = sum(n - 1 for n in refs.values())
    assert duplicates <= 2, f"{duplicates} duplicates; at most the kill's in-flight sends (2 threads; {in_flight_at_kill} seen)"
    final = statuses(config)
    assert final.get("sent") == 20 and "sending" not in final
