"""The dispatcher: claims due alerts, sends them, and records each attempt.

Guarantee: at least once, no duplicates from concurrency or restarts.
- Claim: a short write transaction marks due rows ``sending`` with this dispatcher's token and a
  lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent dispatchers take different rows;
  SQLite: one writer at a time). Rows whose sender's lease ran out (it died) are claimed again.
- Send: no transaction is open during the HTTP call. Before it, the lease is renewed under the
  token (fencing): a dispatcher that lost its row to another one does not send it.
- Record: the outcome, the delivery-log row and the channel's health are committed together,
  again only under the token.
A duplicate can happen only when a receiver accepted a message whose outcome was never
committed (the process died mid-send, or the answer was lost): at most one per in-flight send.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..calendars import get_calendar
from ..config import Settings
from ..errors import CalendarServiceError, NotFoundError
from ..rules import parse_rule
from ..services import channels as channel_service
from ..services import deadlines as deadline_service
from ..services import feeds as feed_service
from ..services.alerts import ACTIVE, Schedule, routes
from ..store import Store
from ..store import records as db
from . import message as messages
from . import transport

Post = Callable[[str, bytes, dict[str, str], float], transport.HttpResult]
logger = logging.getLogger("calendar_service.alerts")


class Dispatcher:
    """Delivers due alerts; many may run at once, in threads or processes, on one database."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        secret: bytes,
        *,
        clock: Callable[[], datetime],
        base_url: str,
        worker: str | None = None,
        post: Post = transport.post,
        batch_size: int = 50,
    ) -> None:
        self.store = store
        self.settings = settings
        self.secret = secret
        self.clock = clock
        self.base_url = base_url.rstrip("/")
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.post = post
        self.batch_size = batch_size
        self._pool = ThreadPoolExecutor(max_workers=settings.alerts.send_threads, thread_name_prefix="alert-send")
        self._tick_lock = threading.Lock()

    def close(self) -> None:
        """Stop the send threads."""
        self._pool.shutdown(wait=True)

    # -- the loop --------------------------------------------------------------------------

    def tick(self, max_batches: int = 100) -> int:
        """Send everything due now (bounded); returns how many alerts were processed."""
        if not self._tick_lock.acquire(blocking=False):
            return 0  # the previous tick of this dispatcher is still running
        try:
            self.plan_digests()
            done = 0
            for _ in range(max_batches):
                claimed = self.claim()
                if not claimed:
                    break
                list(self._pool.map(self._deliver_claimed, claimed))
                done += len(claimed)
            return done
        finally:
            self._tick_lock.release()

    def claim(self) -> list[tuple[dict[str, Any], str]]:
        """Take a batch of due alerts under a fresh token (after superseding stale reminders).

        Two short transactions: superseding touches rows other dispatchers may lock, and a lost
        race (PostgreSQL may end one of two such transactions as a deadlock) only means this
        dispatcher tries again at its next tick.
        """
        now = self.clock()
        token = secrets.token_hex(16)
        try:
            with self.store.write() as conn:
                db.supersede_due_alerts(conn, now)
            with self.store.write() as conn:
                rows = db.claim_alerts(conn, now=now, token=token, lease_until=now + self._lease(), limit=self.batch_size)
        except db.TRANSIENT_ERRORS as exc:
            logger.warning("claim lost a race with another dispatcher (%s); trying again next tick", type(exc).__name__)
            return []
        return [(row, token) for row in rows]

    def deliver_now(self, alert_id: int) -> dict[str, Any]:
        """Claim one pending alert at once and deliver it (channel tests use the real path)."""
        now = self.clock()
        token = secrets.token_hex(16)
        with self.store.write() as conn:
            row = db.get_alert(conn, alert_id)
            if row is None or row["status"] != "pending":
                raise NotFoundError(f"there is no pending alert {alert_id}")
            db.update_alert(
                conn,
                alert_id,
                {"status": "sending", "claim_token": token, "lease_until": now + self._lease(), "attempts": row["attempts"] + 1},
            )
            row = db.get_alert(conn, alert_id)
        self._deliver_claimed((row, token))
        with self.store.read() as conn:
            return channel_service.present_alert(db.get_alert(conn, alert_id), db.list_deliveries(conn, alert_id))

    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.alerts.lease_seconds)

    # -- one alert -------------------------------------------------------------------------

    def _deliver_claimed(self, item: tuple[dict[str, Any], str]) -> None:
        alert, token = item
        try:
            self._deliver(alert, token)
        except Exception as exc:  # one broken alert never stops the batch; the lease frees it later
            now = self.clock()
            with self.store.write() as conn:
                db.insert_delivery(
                    conn,
                    {
                        "alert_id": alert["id"],
                        "attempt": alert["attempts"],
                        "worker": self.worker,
                        "started_at": now,
                        "finished_at": now,
                        "duration_ms": 0,
                        "http_status": None,
                        "outcome": "error",
                        "error": f"{type(exc).__name__}: {exc}"[:2000],
                    },
                )

    def _deliver(self, alert: dict[str, Any], token: str) -> None:
        started = self.clock()
        with self.store.write() as conn:
            if not db.renew_claim(conn, alert["id"], token, started + self._lease()):
                self._log(conn, alert, started, started, None, "lease_lost", "another dispatcher took this alert over")
                return
            channel = db.get_channel(conn, alert["channel_id"])
            built = self._message(conn, alert, channel, started)
            if built is None:  # the deadline was completed or withdrawn after the claim
                db.finish_alert(conn, alert["id"], token, {"status": "cancelled", "claim_token": None, "lease_until": None})
                return
        body, headers = messages.encode(channel["kind"], built, alert, channel["signing_secret"], started)
        try:
            result = self.post(channel["url"], body, headers, float(self.settings.alerts.timeout_seconds))
            verdict = transport.judge(result, self.clock())
            status, excerpt = result.status, result.body[:500]
        except transport.DeliveryError as exc:
            verdict = transport.Verdict("retry", reason=str(exc))
            status, excerpt = None, None
        finished = self.clock()
        self._record(alert, token, channel, verdict, status, excerpt, started, finished)

    def _record(self, alert, token, channel, verdict, status, excerpt, started, finished) -> None:
        limits = self.settings.alerts
        values: dict[str, Any] = {"last_http_status": status, "claim_token": None, "lease_until": None}
        channel_update: dict[str, Any] = {}
        outcome = verdict.outcome
        if outcome == "sent":
            late = (finished - alert["due_at"]).total_seconds() > messages.LATE_AFTER_SECONDS and alert["offset_code"] != "MOVED"
            values.update(status="sent", sent_at=finished, late=late, last_error=None)
            channel_update["last_success_at"] = finished
        else:
            channel_update.update(last_error=verdict.reason[:2000] or None, last_error_at=finished)
            if outcome == "retry" and alert["attempts"] >= limits.max_attempts:
                outcome = "dead"
                verdict = transport.Verdict("dead", reason=f"gave up after {alert['attempts']} attempts; last: {verdict.reason}")
            if outcome == "retry":
                delay = min(limits.backoff_max_seconds, limits.backoff_seconds * 2 ** (alert["attempts"] - 1)) * random.uniform(0.5, 1.0)
                if verdict.pause_seconds is not None:
                    pause = min(float(limits.backoff_max_seconds), verdict.pause_seconds)
                    delay = max(delay, pause)
                    # Every dispatcher honours the pause: the claim skips paused channels.
                    channel_update["paused_until"] = finished + timedelta(seconds=pause)
                values.update(status="pending", next_attempt_at=finished + timedelta(seconds=delay), last_error=verdict.reason[:2000])
            else:
                values.update(status="dead", last_error=verdict.reason[:2000])
                if verdict.disable_channel:
                    channel_update.update(enabled=False, disabled_reason=f"the webhook answered {verdict.reason}"[:2000])
        with self.store.write() as conn:
            if not db.finish_alert(conn, alert["id"], token, values):
                self._log(
                    conn, alert, started, finished, status, "lease_lost", "the lease ran out before the outcome was recorded", excerpt
                )
                return
            db.update_channel(conn, channel["id"], channel_update)
            self._log(conn, alert, started, finished, status, outcome, verdict.reason or None, excerpt)

    def _log(self, conn, alert, started, finished, status, outcome, error, excerpt=None) -> None:
        db.insert_delivery(
            conn,
            {
                "alert_id": alert["id"],
                "attempt": alert["attempts"],
                "worker": self.worker,
                "started_at": started,
                "finished_at": finished,
                "duration_ms": int((finished - started).total_seconds() * 1000),
                "http_status": status,
                "outcome": outcome,
                "error": error[:2000] if error else None,
                "response_excerpt": excerpt,
            },
        )

    # -- messages --------------------------------------------------------------------------

    def _zone(self) -> str:
        return self.settings.alerts.timezone

    def _message(self, conn, alert: dict[str, Any], channel: dict[str, Any], now: datetime) -> messages.Message | None:
        code = alert["offset_code"]
        if code.startswith("TEST"):
            return messages.test_message(alert, channel["name"])
        if code.startswith("DIGEST"):
            return self._digest(conn, alert, channel, now)
        row = db.get_deadline(conn, alert["deadline_id"])
        if row is None or (row["status"] not in ACTIVE and code != "MOVED"):
            return None
        deadline = deadline_service.present_deadline(row, self.settings)
        matter = db.get_matter(conn, row["matter_id"])
        try:
            calendar = get_calendar(row["calendar"], self.settings)
            today = now.astimezone(ZoneInfo(self._zone())).date()
            left = calendar.business_days_between(today, row["due_date"])
        except CalendarServiceError:
            left = (row["due_date"] - now.date()).days
        return messages.deadline_message(
            alert,
            deadline,
            company=matter["company"] or matter["name"],
            business_days_left=left,
            sent_at=now,
            zone=self._zone(),
            cutoff_zone=_cutoff_zone(row["rule"], self.settings),
            links=self._links(conn, row),
        )

    def _links(self, conn, row: dict[str, Any]) -> dict[str, str]:
        links = {"Deadline": f"{self.base_url}/api/v1/deadlines/{row['id']}"}
        feeds = [
            f for f in db.list_feeds(conn) if f["matter_id"] in (None, row["matter_id"]) and f["assignee"] is None and f["tag"] is None
        ]
        if feeds:
            best = sorted(feeds, key=lambda f: (f["matter_id"] is None, f["id"]))[0]
            links["Calendar feed"] = feed_service.links(
                self.base_url, feed_service.token_for(self.secret, best["token_salt"]), best["name"]
            )["url"]
        return links

    def _digest(self, conn, alert: dict[str, Any], channel: dict[str, Any], now: datetime) -> messages.Message:
        days = channel["digest_business_days"]
        today = now.astimezone(ZoneInfo(self._zone())).date()
        items = []
        for row in db.active_deadlines(conn, ACTIVE):
            matter = db.get_matter(conn, row["matter_id"])
            if not routes(channel, row, matter["tags"], matter["company"]):
                continue
            try:
                calendar = get_calendar(row["calendar"], self.settings)
                left = calendar.business_days_between(today, row["due_date"])
            except CalendarServiceError:
                continue
            if 0 <= left <= days:
                items.append(
                    {
                        "id": row["id"],
                        "title": row["title"],
                        "company": matter["company"] or matter["name"],
                        "due_date": row["due_date"].isoformat(),
                        "days_left": left,
                    }
                )
        items.sort(key=lambda i: (i["due_date"], i["id"]))
        return messages.digest_message(alert, items, days, {"Deadlines": f"{self.base_url}/api/v1/deadlines?status=open,extended"})

    def plan_digests(self) -> None:
        """Make today's digest alert of each digest channel (once, whichever dispatcher gets there first)."""
        now = self.clock()
        with self.store.read() as conn:
            wanted = [c for c in db.list_channels(conn) if c["digest"] and c["enabled"]]
        if not wanted:
            return
        calendar = get_calendar(None, self.settings)
        base = Schedule.of(self.settings.alerts)
        with self.store.write() as conn:
            db.lock_for_digest_planning(conn)
            for channel in wanted:
                schedule = base.merged(channel["schedule"])
                zone = ZoneInfo(schedule.timezone)
                today = now.astimezone(zone).date()
                if not calendar.is_business_day(today):
                    continue
                code = f"DIGEST-{today.isoformat()}"
                if any(
                    a["offset_code"] == code for a in db.list_alerts(conn, channel_id=channel["id"], limit=50) if a["deadline_id"] is None
                ):
                    continue
                due_at = datetime.combine(today, schedule.at, tzinfo=zone)
                db.insert_one_off_alert(conn, db.new_alert(channel["id"], None, code, 1, due_at.astimezone(now.tzinfo), now, {}))


def _cutoff_zone(rule_text: str, settings: Settings) -> str:
    try:
        rule = parse_rule(rule_text)
    except CalendarServiceError:
        return settings.engine.default_timezone
    return (rule.cutoff.zone if rule.cutoff else None) or settings.engine.default_timezone


def send_test(dispatcher: Dispatcher, channel_key: int | str) -> dict[str, Any]:
    """Send a test message to a channel now, through the same path as real alerts."""
    now = dispatcher.clock()
    with dispatcher.store.write() as conn:
        channel = db.get_channel(conn, channel_key) if isinstance(channel_key, int) else db.get_channel_by_name(conn, channel_key)
        if channel is None:
            raise NotFoundError(f"there is no channel {channel_key!r}")
        alert_id = db.insert_one_off_alert(conn, db.new_alert(channel["id"], None, f"TEST-{secrets.token_hex(6)}", 1, now, now, {}))
    return dispatcher.deliver_now(alert_id)
