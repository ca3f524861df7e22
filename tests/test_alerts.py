"""Alerts on both databases with a clock the tests move: the schedule, the outbox, delivery to a
real webhook receiver on loopback in each failure mode, channels and the API."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import webhook_receiver
from api_client import ApiClient

from calendar_service.alerts.dispatch import Dispatcher, send_test
from calendar_service.calendars import get_calendar
from calendar_service.config import Settings, parse_settings
from calendar_service.services import alerts as planning
from calendar_service.services import channels as channel_service
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import matters as matter_service
from calendar_service.services import tokens as token_service
from calendar_service.store import records as db
from calendar_service.web import create_app

NY = ZoneInfo("America/New_York")
SECRET = b"a-test-secret-of-more-than-32-characters!!"
LETTER_DAY = datetime(2009, 5, 11, 14, 0, tzinfo=UTC)  # 10:00 EDT on the day of the seed letter


def et(text: str) -> datetime:
    """An instant written as New York local time."""
    return datetime.fromisoformat(text).replace(tzinfo=NY)


@pytest.fixture
def receiver():
    r = webhook_receiver.start()
    yield r
    r.close()


@pytest.fixture
def alert_settings() -> Settings:
    # Short timeouts and backoff so that failure modes play out in a test's time.
    return parse_settings(
        {"alerts": {"timeout_seconds": 1, "lease_seconds": 5, "backoff_seconds": 30, "max_attempts": 4, "send_threads": 4}}
    )


@pytest.fixture
def dispatcher(store, alert_settings, clock):
    clock.now = LETTER_DAY
    d = Dispatcher(store, alert_settings, SECRET, clock=clock, base_url="http://cs.test", worker="test")
    yield d
    d.close()


def add_channel(store, settings, clock, url, *, kind="webhook", name=None, **fields):
    payload = {"name": name or f"ch-{url.rsplit('/', 2)[-2]}-{abs(hash(url)) % 10000}", "kind": kind, "url": url, **fields}
    return channel_service.create_channel(store, settings, payload, now=clock.now)


def add_deadline(store, settings, clock, *, company="ImmunoGen, Inc.", tags=(), **fields):
    matter = matter_service.create_matter(
        store, {"name": f"{company} review", "company": company, "tags": list(tags)}, actor="t", now=clock.now
    )
    body = {
        "matter_id": matter["id"],
        "title": "Response to SEC comments",
        "trigger_date": "2009-05-11",
        "rule": "10 business days",
        **fields,
    }
    return deadline_service.create_deadline(store, settings, body, actor="t", now=clock.now)


def alerts_of(store, deadline_id=None):
    with store.read() as conn:
        return sorted(db.list_alerts(conn, deadline_id=deadline_id, limit=10_000), key=lambda a: (a["due_at"], a["id"]))


def run_until_quiet(dispatcher, clock, *, step=timedelta(seconds=0), rounds=20):
    for _ in range(rounds):
        clock.now += step
        if dispatcher.tick() == 0 and step == timedelta(0):
            return


# -- the schedule ---------------------------------------------------------------------------


def test_the_seed_deadline_gets_its_reminders_at_nine_eastern_on_business_days(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok"))
    deadline = add_deadline(store, alert_settings, clock)
    planned = [(a["offset_code"], a["due_at"].astimezone(NY).replace(tzinfo=None).isoformat()) for a in alerts_of(store, deadline["id"])]
    assert planned == [
        ("T-5BD", "2009-05-18T09:00:00"),  # Mon
        ("T-2BD", "2009-05-21T09:00:00"),  # Thu
        ("T-1BD", "2009-05-22T09:00:00"),  # Fri (Memorial Day, Mon 05-25, is skipped)
        ("DUE", "2009-05-26T09:00:00"),  # Tue, the due day
        ("OVERDUE-1", "2009-05-27T09:00:00"),
        ("OVERDUE-2", "2009-05-28T09:00:00"),
        ("OVERDUE-3", "2009-05-29T09:00:00"),
        ("OVERDUE-4", "2009-06-01T09:00:00"),
        ("OVERDUE-5", "2009-06-02T09:00:00"),
    ]


@pytest.mark.parametrize("due", [date(2025, 1, 13), date(2025, 12, 31), date(2021, 12, 30), date(2024, 7, 5), date(2018, 12, 6)])
def test_no_reminder_falls_on_a_weekend_or_holiday(due):
    calendar = get_calendar("us-federal", Settings())
    schedule = planning.Schedule.of(Settings().alerts)
    for code, instant in planning.plan(calendar, due, schedule):
        local = instant.astimezone(NY)
        assert calendar.is_business_day(local.date()), (code, local)
        assert (local.hour, local.minute) == (9, 0)


def test_a_schedule_can_be_set_per_channel_and_per_deadline(store, alert_settings, clock, receiver):
    add_channel(
        store,
        alert_settings,
        clock,
        receiver.url("ok"),
        schedule={"before_business_days": [3], "due_day": False, "overdue_business_days": 0, "at": "08:30"},
    )
    deadline = add_deadline(store, alert_settings, clock)
    assert [(a["offset_code"], a["due_at"].astimezone(NY).strftime("%a %H:%M")) for a in alerts_of(store, deadline["id"])] == [
        ("T-3BD", "Wed 08:30")
    ]
    deadline_service.update_deadline(
        store, alert_settings, deadline["id"], {"alert_schedule": {"before_business_days": [1], "at": "16:00"}}, actor="t", now=clock.now
    )
    assert [(a["offset_code"], a["status"]) for a in alerts_of(store, deadline["id"])] == [("T-3BD", "cancelled"), ("T-1BD", "pending")]


def test_moving_the_due_date_sends_moved_and_reschedules(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok"))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-19T12:00")
    deadline_service.extend_deadline(
        store, alert_settings, deadline["id"], {"due_date": "2009-06-09", "reason": "agreed"}, actor="t", now=clock.now
    )
    rows = alerts_of(store, deadline["id"])
    old = [a for a in rows if a["generation"] == 1]
    new = [a for a in rows if a["generation"] == 2]
    assert {a["offset_code"]: a["status"] for a in old if a["offset_code"] != "T-5BD"} == dict.fromkeys(
        ["T-2BD", "T-1BD", "DUE", "OVERDUE-1", "OVERDUE-2", "OVERDUE-3", "OVERDUE-4", "OVERDUE-5"], "cancelled"
    )
    assert any(a["offset_code"] == "MOVED" for a in new)
    assert [a["due_at"].astimezone(NY).date().isoformat() for a in new if a["offset_code"] == "T-5BD"] == ["2009-06-02"]
    dispatcher.tick()
    (moved,) = [p.json for p in receiver.delivered() if p.json["type"] == "deadline.moved"]
    assert "2009-06-09" in moved["headline"] and moved["context"]["from"] == "2009-05-26"


def test_completing_or_withdrawing_cancels_pending_alerts_and_reopening_plans_again(store, alert_settings, clock, receiver):
    add_channel(store, alert_settings, clock, receiver.url("ok"))
    deadline = add_deadline(store, alert_settings, clock)
    deadline_service.complete_deadline(store, alert_settings, deadline["id"], None, actor="t", now=clock.now)
    assert {a["status"] for a in alerts_of(store, deadline["id"])} == {"cancelled"}
    deadline_service.reopen_deadline(store, alert_settings, deadline["id"], None, actor="t", now=clock.now)
    assert sum(1 for a in alerts_of(store, deadline["id"]) if a["status"] == "pending") == 9
    deadline_service.withdraw_deadline(store, alert_settings, deadline["id"], None, actor="t", now=clock.now)
    assert {a["status"] for a in alerts_of(store, deadline["id"])} == {"cancelled"}


def test_an_old_letter_entered_late_gives_one_late_message(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok"))
    clock.now = et("2009-05-27T15:00")  # the deadline was due yesterday
    deadline = add_deadline(store, alert_settings, clock)
    dispatcher.tick()
    (message,) = receiver.delivered()
    assert message.json["type"] == "deadline.overdue" and message.json["late"] is True
    assert "(late:" in message.json["headline"] and "OVERDUE by 1 business day" in message.json["headline"]
    statuses = {a["offset_code"]: a["status"] for a in alerts_of(store, deadline["id"])}
    assert statuses["OVERDUE-1"] == "sent" and statuses["T-5BD"] == statuses["DUE"] == "superseded"
    assert statuses["OVERDUE-2"] == "pending"


def test_each_reminder_goes_out_once_on_its_morning(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok"))
    add_deadline(store, alert_settings, clock)
    for day in ("2009-05-15", "2009-05-18", "2009-05-19", "2009-05-21", "2009-05-22", "2009-05-25", "2009-05-26", "2009-05-27"):
        for hour in ("08:59", "09:00", "13:00"):
            clock.now = et(f"{day}T{hour}")
            dispatcher.tick()
    sent = [(p.json["alert"]["offset"], p.json["business_days_left"]) for p in receiver.delivered()]
    assert sent == [("T-5BD", 5), ("T-2BD", 2), ("T-1BD", 1), ("DUE", 0), ("OVERDUE-1", -1)]
    assert all(p.json["late"] is False for p in receiver.delivered())


def test_routing_sends_each_deadline_only_where_it_belongs(store, alert_settings, clock, receiver):
    tagged = add_channel(store, alert_settings, clock, receiver.url("ok", "tagged"), routing={"tags": ["sec"]})
    acme = add_channel(store, alert_settings, clock, receiver.url("ok", "acme"), routing={"companies": ["acme corp"]})
    everything = add_channel(store, alert_settings, clock, receiver.url("ok", "all"))
    a = add_deadline(store, alert_settings, clock, company="ImmunoGen, Inc.", tags=["sec"])
    b = add_deadline(store, alert_settings, clock, company="Acme Corp")

    def channels_of(deadline):
        return {x["channel_id"] for x in alerts_of(store, deadline["id"])}

    assert channels_of(a) == {tagged["id"], everything["id"]}
    assert channels_of(b) == {acme["id"], everything["id"]}


# -- delivery and its failure modes --------------------------------------------------------


def test_a_webhook_message_is_signed_and_says_what_is_due(store, alert_settings, clock, receiver, dispatcher):
    channel = add_channel(store, alert_settings, clock, receiver.url("ok"))
    add_deadline(store, alert_settings, clock, assignee="jkrug", notes="From the letter: within 10 business days")
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    (post,) = receiver.delivered()
    signature = dict(part.split("=", 1) for part in post.headers["X-Calendar-Service-Signature"].split(","))
    expected = hmac.new(channel["signing_secret"].encode(), f"{signature['t']}.".encode() + post.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature["v1"], expected)
    assert post.headers["Idempotency-Key"] == post.json["ref"]
    body = post.json
    assert body["type"] == "deadline.reminder"
    assert body["headline"] == "Due in 5 business days: ImmunoGen, Inc. - Response to SEC comments"
    facts = {f["label"]: f["value"] for f in body["facts"]}
    assert facts["Due"] == "Tue 2009-05-26 by 5:30 PM ET"
    assert facts["Business days left"] == "5" and facts["Assignee"] == "jkrug" and "10 business days" in facts["Evidence"]
    assert body["links"]["Deadline"].startswith("http://cs.test/api/v1/deadlines/")


def test_slack_and_teams_payloads(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok", "slack"), kind="slack", name="slack")
    add_channel(store, alert_settings, clock, receiver.url("ok", "teams"), kind="teams", name="teams")
    add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:05")
    dispatcher.tick()
    by_path = {p.path.rsplit("/", 1)[1]: p.json for p in receiver.delivered()}
    slack = by_path["slack"]
    assert slack["text"].startswith("Due in 5 business days: ImmunoGen, Inc.")  # the fallback mobile notifications use
    assert slack["blocks"][0]["text"]["text"] == "*Due in 5 business days: ImmunoGen, Inc. - Response to SEC comments*"
    card = by_path["teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["fallbackText"].startswith("Due in 5")


def test_500s_are_retried_with_backoff_until_delivered(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("fail500/2"))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    first = alerts_of(store, deadline["id"])[0]
    assert first["status"] == "pending" and first["attempts"] == 1 and first["last_http_status"] == 500
    assert timedelta(seconds=15) <= first["next_attempt_at"] - clock.now <= timedelta(seconds=30)
    dispatcher.tick()  # not yet due again: no request
    assert len(receiver.posts) == 1
    run_until_quiet(dispatcher, clock, step=timedelta(minutes=5), rounds=3)
    sent = alerts_of(store, deadline["id"])[0]
    assert sent["status"] == "sent" and sent["attempts"] == 3
    with store.read() as conn:
        assert [d["outcome"] for d in db.list_deliveries(conn, sent["id"])] == ["retry", "retry", "sent"]
    assert len(receiver.refs()) == 1


def test_429_pauses_that_webhook_for_retry_after_while_others_flow(store, alert_settings, clock, receiver, dispatcher):
    limited = add_channel(store, alert_settings, clock, receiver.url("ratelimit/120", "limited"))
    add_channel(store, alert_settings, clock, receiver.url("ok", "fine"))
    add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    channel = channel_service.get_channel(store, limited["id"])
    assert datetime.fromisoformat(channel["paused_until"]) == clock.now + timedelta(seconds=120)
    assert [p.path.rsplit("/", 1)[1] for p in receiver.delivered()] == ["fine"]
    clock.now += timedelta(seconds=119)
    dispatcher.tick()
    assert len(receiver.posts) == 2  # still paused: no new request
    clock.now += timedelta(seconds=2)
    dispatcher.tick()
    assert sorted(p.path.rsplit("/", 1)[1] for p in receiver.delivered()) == ["fine", "limited"]


@pytest.mark.parametrize(("mode", "status"), [("gone404", 404), ("gone410", 410)])
def test_a_gone_webhook_kills_the_alert_and_flags_the_channel(store, alert_settings, clock, receiver, dispatcher, mode, status):
    channel = add_channel(store, alert_settings, clock, receiver.url(mode))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    run_until_quiet(dispatcher, clock, step=timedelta(hours=1), rounds=5)
    assert len(receiver.posts) == 1  # no retry storm
    dead = alerts_of(store, deadline["id"])[0]
    assert dead["status"] == "dead" and dead["last_http_status"] == status
    flagged = channel_service.get_channel(store, channel["id"])
    assert flagged["enabled"] is False and str(status) in flagged["disabled_reason"]
    with pytest.raises(Exception, match="disabled"):
        channel_service.retry_alert(store, dead["id"], now=clock.now)


def test_a_bad_payload_is_dead_without_disabling_the_channel(store, alert_settings, clock, receiver, dispatcher):
    channel = add_channel(store, alert_settings, clock, receiver.url("bad400"))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    assert alerts_of(store, deadline["id"])[0]["status"] == "dead"
    assert channel_service.get_channel(store, channel["id"])["enabled"] is True


@pytest.mark.parametrize("mode", ["hang", "reset"])
def test_no_answer_is_retried_and_gives_up_after_max_attempts(store, alert_settings, clock, receiver, dispatcher, mode):
    add_channel(store, alert_settings, clock, receiver.url(mode))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    first = alerts_of(store, deadline["id"])[0]
    assert first["status"] == "pending" and first["last_http_status"] is None and first["last_error"]
    run_until_quiet(dispatcher, clock, step=timedelta(hours=1), rounds=6)
    dead = alerts_of(store, deadline["id"])[0]
    assert dead["status"] == "dead" and dead["attempts"] == 4 and "gave up after 4 attempts" in dead["last_error"]
    assert len([p for p in receiver.posts if p.ref and "T-5BD" in p.ref]) == 4


def test_a_slow_answer_within_the_timeout_is_delivered(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("slow/0.3"))
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    assert alerts_of(store, deadline["id"])[0]["status"] == "sent"


def test_a_dead_alert_can_be_retried_once_the_channel_is_fixed(store, alert_settings, clock, receiver, dispatcher):
    channel = add_channel(store, alert_settings, clock, receiver.url("gone404"), name="flaky")
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    dead = alerts_of(store, deadline["id"])[0]
    channel_service.update_channel(store, alert_settings, "flaky", {"url": receiver.url("ok", "fixed")}, now=clock.now)
    channel_service.update_channel(store, alert_settings, channel["id"], {"enabled": True}, now=clock.now)
    channel_service.retry_alert(store, dead["id"], now=clock.now)
    dispatcher.tick()
    assert alerts_of(store, deadline["id"])[0]["status"] == "sent"
    assert [p.path.rsplit("/", 1)[1] for p in receiver.delivered()] == ["fixed"]


def test_a_digest_lists_what_is_due_soon_once_a_day(store, alert_settings, clock, receiver, dispatcher):
    add_channel(
        store,
        alert_settings,
        clock,
        receiver.url("ok"),
        digest=True,
        digest_business_days=5,
        schedule={"before_business_days": [], "due_day": False, "overdue_business_days": 0},
    )
    add_deadline(store, alert_settings, clock)
    for hour in ("08:00", "09:00", "09:30", "15:00"):
        clock.now = et(f"2009-05-19T{hour}")
        dispatcher.tick()
    (digest,) = [p.json for p in receiver.delivered()]
    assert digest["type"] == "digest" and digest["headline"] == "Due in the next 5 business days: 1 deadline"
    assert digest["items"][0]["due_date"] == "2009-05-26" and digest["items"][0]["days_left"] == 4


def test_a_channel_test_goes_through_the_real_delivery_path(store, alert_settings, clock, receiver, dispatcher):
    add_channel(store, alert_settings, clock, receiver.url("ok"), name="ops")
    result = send_test(dispatcher, "ops")
    assert result["status"] == "sent" and result["deliveries"][0]["http_status"] == 200
    (post,) = receiver.delivered()
    assert post.json["type"] == "channel.test" and post.json["headline"].startswith("TEST")
    add_channel(store, alert_settings, clock, receiver.url("gone404", "broken"), name="broken")
    failed = send_test(dispatcher, "broken")
    assert failed["status"] == "dead" and failed["last_http_status"] == 404


# -- channels and alerts over HTTP ---------------------------------------------------------


@pytest.fixture
def api(store, alert_settings, clock):
    clock.now = LETTER_DAY
    app = create_app(alert_settings, store, clock=clock, secret=SECRET)
    return ApiClient(app, token_service.create_token(store, "ops", read_only=False, now=clock.now))


def test_channels_over_http_never_echo_the_webhook_url(api, receiver, store, alert_settings, clock):
    url = receiver.url("ok", "secret-part-of-the-url")
    created = api.post("/api/v1/channels", json={"name": "sec", "kind": "slack", "url": url, "routing": {"tags": ["sec"]}})
    assert created.status_code == 201
    body = created.get_json()
    assert "secret-part" not in json.dumps(body) and body["url"].endswith("/…-url")
    listed = api.get("/api/v1/channels").get_data(as_text=True)
    assert "secret-part" not in listed
    tested = api.post(f"/api/v1/channels/{body['id']}/test")
    assert tested.status_code == 200 and tested.get_json()["status"] == "sent"
    assert api.patch(f"/api/v1/channels/{body['id']}", json={"routing": {"planets": ["mars"]}}).status_code == 422
    assert api.post("/api/v1/channels", json={"name": "sec", "kind": "slack", "url": url}).status_code == 409
    assert api.post("/api/v1/channels", json={"name": "x", "kind": "pager", "url": url}).status_code == 422
    assert api.post("/api/v1/channels", json={"name": "x", "kind": "slack", "url": "ftp://nope"}).status_code == 422
    assert api.delete(f"/api/v1/channels/{body['id']}").status_code == 204


def test_dead_alerts_are_listed_and_retried_over_http(api, receiver, store, alert_settings, clock, dispatcher):
    channel = api.post("/api/v1/channels", json={"name": "broken", "kind": "webhook", "url": receiver.url("gone404")}).get_json()
    deadline = add_deadline(store, alert_settings, clock)
    clock.now = et("2009-05-18T09:00")
    dispatcher.tick()
    dead = api.get("/api/v1/alerts?status=dead").get_json()["items"]
    assert len(dead) == 1 and dead[0]["deliveries"][0]["http_status"] == 404
    health = api.get(f"/api/v1/channels/{channel['id']}").get_json()
    assert health["enabled"] is False and health["alerts"]["dead"] == 1
    assert api.post(f"/api/v1/alerts/{dead[0]['id']}/retry").status_code == 409  # the channel is still disabled
    api.patch(f"/api/v1/channels/{channel['id']}", json={"url": receiver.url("ok"), "enabled": True})
    assert api.post(f"/api/v1/alerts/{dead[0]['id']}/retry").get_json()["status"] == "pending"
    per_deadline = api.get(f"/api/v1/deadlines/{deadline['id']}/alerts").get_json()["items"]
    assert len(per_deadline) == 9
    assert api.get("/api/v1/alerts?status=lost").status_code == 422


def test_cli_channels_and_alerts(tmp_path, receiver, capsys):
    from calendar_service.cli import main

    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nsqlite_path = "{tmp_path / "cs.db"}"\n[server]\nsecret_file = "{tmp_path / "secret"}"\n', encoding="utf-8")
    base = ["--config", str(config)]
    assert main([*base, "channels", "add", "ops", "--kind", "webhook", "--url", receiver.url("ok", "secret-bit"), "--tag", "sec"]) == 0
    out = capsys.readouterr().out
    assert "secret-bit" not in out and "signing secret (shown once): whsec_" in out
    assert main([*base, "channels", "test", "ops"]) == 0
    assert "test message delivered to ops (HTTP 200" in capsys.readouterr().out
    assert main([*base, "channels", "add", "gone", "--kind", "slack", "--url", receiver.url("gone404")]) == 0
    capsys.readouterr()
    assert main([*base, "channels", "test", "gone"]) == 2
    assert "not delivered" in capsys.readouterr().err
    assert main([*base, "channels", "list"]) == 0
    listing = capsys.readouterr().out
    assert "DISABLED: the webhook answered 404" in listing and "secret-bit" not in listing
    assert main([*base, "alerts", "list", "--status", "dead", "--json"]) == 0
    (dead,) = json.loads(capsys.readouterr().out)
    assert main([*base, "alerts", "retry", str(dead["id"])]) == 2
    assert "is disabled" in capsys.readouterr().err
    assert main([*base, "channels", "enable", "gone"]) == 0
    assert main([*base, "alerts", "retry", str(dead["id"])]) == 0
    assert main([*base, "channels", "remove", "gone"]) == 0
    assert main([*base, "channels", "remove", "gone"]) == 2


def test_config_channels_are_created_on_start_and_cannot_be_deleted_by_the_api(tmp_path, receiver):
    from calendar_service.scheduler import prepare
    from calendar_service.store import open_store

    settings = parse_settings(
        {"alerts": {"channels": [{"name": "from-config", "kind": "slack", "url": receiver.url("ok"), "tags": ["sec"]}]}}
    )
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        prepare(store, settings)
        (channel,) = channel_service.list_channels(store)
        assert channel["source"] == "config" and channel["routing"]["tags"] == ["sec"]
        with pytest.raises(Exception, match=r"defined in config\.toml"):
            channel_service.delete_channel(store, "from-config")
        prepare(store, settings)  # again: nothing doubles
        assert len(channel_service.list_channels(store)) == 1
    finally:
        store.close()
