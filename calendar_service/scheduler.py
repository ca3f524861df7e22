"""The alert scheduler: APScheduler as a clock that wakes the dispatcher (the only importer of apscheduler).

APScheduler holds no alert state (research: it forgets a job handed to a crashed executor,
skips misfired runs and cannot share a job store between processes). It only calls
``Dispatcher.tick`` every ``alerts.poll_seconds`` from an in-memory interval job, and re-plans
every open deadline's alerts hourly; the alerts table carries the state. ``serve`` runs one in
the background; ``python -m calendar_service scheduler`` runs one as its own process. Any number
can run on one database: their claims never overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .alerts.dispatch import Dispatcher
from .config import Settings
from .services import alerts as alert_planning
from .services import channels as channel_service
from .store import Store


def _utc_now() -> datetime:
    return datetime.now(UTC)


def prepare(store: Store, settings: Settings, *, clock: Callable[[], datetime] = _utc_now) -> int:
    """Bring config.toml's channels in and re-plan every open deadline's alerts; returns the deadlines planned."""
    now = clock()
    channel_service.sync_config_channels(store, settings, now=now)
    with store.write() as conn:
        return alert_planning.sync_all(conn, settings, now)


def _replan(store: Store, settings: Settings, clock: Callable[[], datetime]) -> None:
    with store.write() as conn:
        alert_planning.sync_all(conn, settings, clock())


def build(
    dispatcher: Dispatcher, store: Store, settings: Settings, *, blocking: bool, clock: Callable[[], datetime] = _utc_now
) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler with the dispatch and re-plan jobs (not started)."""
    scheduler = BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC, daemon=True)
    # A late tick is still useful (misfire_grace_time=None); overlapping ticks are pointless (coalesce, max_instances=1).
    common = {"replace_existing": True, "max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    scheduler.add_job(
        dispatcher.tick, "interval", seconds=settings.alerts.poll_seconds, id="alert-dispatch", next_run_time=clock(), **common
    )
    scheduler.add_job(_replan, "interval", hours=1, id="alert-replan", args=(store, settings, clock), **common)
    return scheduler
