"""End to end: `python -m calendar_service serve` as a real process on a loopback port, restarted."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """A `serve` process; its stdout lines are collected by a reader thread."""

    def __init__(self, cwd: Path, env: dict[str, str], *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "calendar_service", "serve", "--port", "0", "--config", str(cwd / "config.toml"), *extra],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def _wait_for(self, pattern: str) -> re.Match[str]:
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                self.process.kill()
                self.process.wait()
                self.process.stdout.close()
                raise AssertionError("serve did not start:\n" + "\n".join(self.output)) from None
            self.output.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def admin_token(self) -> str | None:
        for line in self.output:
            found = re.search(r"admin API token .*: (cst_\S+)", line)
            if found:
                return found.group(1)
        return None

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        self.process.stdout.close()
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code


def call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The environment that points serve at each database."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    (tmp_path / "config.toml").write_text(f'[store]\nsqlite_path = "{tmp_path / "data" / "cs.db"}"\n', encoding="utf-8")
    if request.param == "sqlite":
        yield env
        return
    from conftest import scratch_postgres_database

    with scratch_postgres_database() as url:
        yield {**env, "CALENDAR_SERVICE_DATABASE_URL": url}


def test_a_deadline_created_over_http_survives_a_restart(tmp_path, database):
    first = Server(tmp_path, database)
    try:
        token = first.admin_token()
        assert token, "the first start prints an admin token"
        status, matter = call(
            "POST",
            f"{first.url}/api/v1/matters",
            token,
            {"name": "ImmunoGen, Inc. - Form 10-K FY2008 review", "company": "ImmunoGen, Inc.", "file_numbers": ["000-17999"]},
        )
        assert status == 201, matter
        status, deadline = call(
            "POST",
            f"{first.url}/api/v1/deadlines",
            token,
            {
                "matter_id": matter["id"],
                "title": "Response to SEC comments",
                "kind": "comment-letter-response",
                "trigger_date": "2009-05-11",
                "rule": "10 business days",
            },
        )
        assert status == 201, deadline
        assert deadline["due_date"] == "2009-05-26"
    finally:
        assert first.stop() == 0

    second = Server(tmp_path, database)
    try:
        assert second.admin_token() is None, "the admin token is printed only the first time"
        status, again = call("GET", f"{second.url}/api/v1/deadlines/{deadline['id']}", token)
        assert status == 200
        assert again["due_date"] == "2009-05-26" and again["title"] == "Response to SEC comments"
        assert again["matter_name"] == "ImmunoGen, Inc. - Form 10-K FY2008 review"
        with urllib.request.urlopen(f"{second.url}/healthz", timeout=30) as response:
            assert json.loads(response.read()) == {"status": "ok"}
        status, _ = call("GET", f"{second.url}/api/v1/deadlines", "cst_wrong")
        assert status == 401
    finally:
        assert second.stop() == 0
    assert "Traceback" not in "\n".join(first.output + second.output)


def test_serve_reports_deadlines_moved_on_start(tmp_path, database):
    first = Server(tmp_path, database)
    try:
        token = first.admin_token()
        _, matter = call("POST", f"{first.url}/api/v1/matters", token, {"name": "Acme 8-K"})
        _, deadline = call(
            "POST",
            f"{first.url}/api/v1/deadlines",
            token,
            {"matter_id": matter["id"], "title": "8-K Item 1.01", "trigger_date": "2026-11-20", "rule": "5 business days"},
        )
        assert deadline["due_date"] == "2026-11-30"
    finally:
        first.stop()
    config = tmp_path / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '[calendars.us-federal]\nclosures = [{ date = 2026-11-27, reason = "Executive order closing agencies" }]\n',
        encoding="utf-8",
    )
    second = Server(tmp_path, database)
    try:
        assert any("1 deadline(s) moved" in line for line in second.output)
        assert any("2026-11-30 -> 2026-12-01" in line for line in second.output)
        _, moved = call("GET", f"{second.url}/api/v1/deadlines/{deadline['id']}", token)
        assert moved["due_date"] == "2026-12-01"
    finally:
        second.stop()


def fetch_feed(url: str, etag: str | None = None) -> tuple[int, bytes, object]:
    request = urllib.request.Request(url)
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers  # case-insensitive
    except HTTPError as error:
        return error.code, error.read(), error.headers


def test_a_subscribed_feed_follows_an_extension(tmp_path, database):
    server = Server(tmp_path, database)
    try:
        token = server.admin_token()
        _, matter = call(
            "POST",
            f"{server.url}/api/v1/matters",
            token,
            {"name": "ImmunoGen, Inc. - Form 10-K FY2008 review", "company": "ImmunoGen, Inc."},
        )
        _, deadline = call(
            "POST",
            f"{server.url}/api/v1/deadlines",
            token,
            {"matter_id": matter["id"], "title": "Response to SEC comments", "trigger_date": "2009-05-11", "rule": "10 business days"},
        )
        status, feed = call("POST", f"{server.url}/api/v1/feeds", token, {"name": "ImmunoGen", "window_days_back": 36500})
        assert status == 201 and feed["url"].startswith(server.url + "/feeds/")
        status, body, headers = fetch_feed(feed["url"])
        assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
        unfolded = body.decode().replace("\r\n ", "")
        assert "DTSTART;VALUE=DATE:20090526" in unfolded and "SEQUENCE:0" in unfolded
        old_etag = headers["ETag"]
        status, _ = call(
            "POST", f"{server.url}/api/v1/deadlines/{deadline['id']}/extend", token, {"due_date": "2009-06-09", "reason": "Staff agreed"}
        )
        assert status == 200
        status, body, headers = fetch_feed(feed["url"], old_etag)
        unfolded = body.decode().replace("\r\n ", "")
        assert status == 200 and "DTSTART;VALUE=DATE:20090609" in unfolded and "SEQUENCE:1" in unfolded
        status, body, _ = fetch_feed(feed["url"], headers["ETag"])
        assert status == 304 and body == b""
        status, _, _ = fetch_feed(feed["url"].replace("/feeds/", "/feeds/x"))
        assert status == 404
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("scheduler", [True, False], ids=["with-dispatcher", "no-scheduler"])
def test_serve_runs_one_dispatcher_unless_told_not_to(tmp_path, database, scheduler):
    import time

    import webhook_receiver

    config = tmp_path / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + "[alerts]\npoll_seconds = 1\n", encoding="utf-8")
    receiver = webhook_receiver.start()
    server = Server(tmp_path, database, *([] if scheduler else ["--no-scheduler"]))
    try:
        token = server.admin_token()
        status, _ = call("POST", f"{server.url}/api/v1/channels", token, {"name": "ops", "kind": "webhook", "url": receiver.url("ok")})
        assert status == 201
        _, matter = call("POST", f"{server.url}/api/v1/matters", token, {"name": "Acme", "company": "Acme Corp"})
        call(
            "POST",
            f"{server.url}/api/v1/deadlines",
            token,
            {"matter_id": matter["id"], "title": "long overdue", "trigger_date": "2025-01-02", "rule": "1 business day"},
        )
        end = time.monotonic() + 15
        while time.monotonic() < end and not receiver.delivered():
            time.sleep(0.2)
        time.sleep(2.5)  # another tick or two: nothing more should come
        if scheduler:
            (message,) = receiver.delivered()
            assert message.json["type"] == "deadline.overdue" and message.json["late"] is True
        else:
            assert receiver.posts == []
    finally:
        server.stop()
        receiver.close()
