"""The JSON API on both databases: matters, deadlines, actions, history, filters, pages, auth."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_client import ApiClient
from conftest import FROZEN_NOW

from calendar_service.config import parse_settings
from calendar_service.services import deadlines as deadline_service
from calendar_service.services import tokens as token_service
from calendar_service.web import create_app

IMMUNOGEN = {
    "name": "ImmunoGen, Inc. - Form 10-K FY2008 review",
    "company": "ImmunoGen, Inc.",
    "file_numbers": ["000-17999"],
    "tags": ["sec-review", "biotech"],
    "owner": "jkrug",
}


@pytest.fixture
def api(app, store):
    token = token_service.create_token(store, "paralegal", read_only=False, now=FROZEN_NOW)
    return ApiClient(app, token)


@pytest.fixture
def matter(api):
    return api.post("/api/v1/matters", json=IMMUNOGEN).get_json()


def new_deadline(api, matter, **fields):
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


def test_the_seed_letter_deadline_through_the_api(api, matter):
    deadline = new_deadline(api, matter)
    assert deadline["due_date"] == "2009-05-26"
    assert deadline["cutoff"] == "2009-05-26T17:30:00-04:00"
    assert deadline["calendar"] == "us-federal"
    assert deadline["status"] == "open"
    assert {"date": "2009-05-25", "weekday": "Mon", "action": "skip", "note": "Memorial Day (holiday)"} in deadline["explanation"]
    fetched = api.get(f"/api/v1/deadlines/{deadline['id']}").get_json()
    assert fetched == deadline


def test_creating_returns_201_with_the_location(api):
    response = api.post("/api/v1/matters", json=IMMUNOGEN)
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/matters/{response.get_json()['id']}"
    assert {k: response.get_json()[k] for k in IMMUNOGEN} == IMMUNOGEN


def test_a_matter_can_be_changed_and_its_history_says_what_changed(api, matter, clock):
    clock.now += timedelta(hours=1)
    response = api.patch(f"/api/v1/matters/{matter['id']}", json={"owner": "shayes", "tags": ["sec-review"]})
    assert response.status_code == 200
    assert response.get_json()["owner"] == "shayes" and response.get_json()["tags"] == ["sec-review"]
    history = api.get(f"/api/v1/matters/{matter['id']}/history").get_json()["items"]
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {
        "owner": {"from": "jkrug", "to": "shayes"},
        "tags": {"from": ["sec-review", "biotech"], "to": ["sec-review"]},
    }
    assert history[1]["actor"] == "token:paralegal"
    assert history[1]["at"] == (FROZEN_NOW + timedelta(hours=1)).isoformat()


def test_deleting_a_matter_with_deadlines_needs_cascade(api, matter):
    deadline = new_deadline(api, matter)
    response = api.delete(f"/api/v1/matters/{matter['id']}")
    assert response.status_code == 409
    assert "has 1 deadline" in response.get_json()["detail"]
    assert api.get(f"/api/v1/deadlines/{deadline['id']}").status_code == 200
    assert api.delete(f"/api/v1/matters/{matter['id']}?cascade=true").status_code == 204
    assert api.get(f"/api/v1/matters/{matter['id']}").status_code == 404
    assert api.get(f"/api/v1/deadlines/{deadline['id']}").status_code == 404
    # The record of what was deleted outlives it.
    assert [h["action"] for h in api.get(f"/api/v1/deadlines/{deadline['id']}/history").get_json()["items"]] == ["create", "delete"]
    assert [h["action"] for h in api.get(f"/api/v1/matters/{matter['id']}/history").get_json()["items"]] == ["create", "delete"]


def test_changing_the_trigger_or_rule_recomputes_and_raises_the_version(api, matter):
    deadline = new_deadline(api, matter)
    changed = api.patch(f"/api/v1/deadlines/{deadline['id']}", json={"rule": "ten business days", "assignee": "jkrug"}).get_json()
    assert changed["version"] == 1  # the same rule, canonically written, and a new assignee: no visible change
    assert changed["assignee"] == "jkrug"
    changed = api.patch(f"/api/v1/deadlines/{deadline['id']}", json={"trigger_date": "2025-01-08", "rule": "2BD"}).get_json()
    assert changed["due_date"] == "2025-01-13" and changed["rule"] == "2 business days"
    assert changed["version"] == 2
    history = api.get(f"/api/v1/deadlines/{deadline['id']}/history").get_json()["items"]
    assert history[-1]["changes"]["due_date"] == {"from": "2009-05-26", "to": "2025-01-13"}


def test_an_override_needs_a_reason_and_shows_in_the_explanation(api, matter):
    deadline = new_deadline(api, matter)
    response = api.patch(f"/api/v1/deadlines/{deadline['id']}", json={"override_due_date": "2009-05-29"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "override_reason"
    changed = api.patch(
        f"/api/v1/deadlines/{deadline['id']}", json={"override_due_date": "2009-05-29", "override_reason": "Agreed with the staff"}
    ).get_json()
    assert changed["due_date"] == "2009-05-29" and changed["computed_due_date"] == "2009-05-26"
    assert changed["override"] == {"due_date": "2009-05-29", "reason": "Agreed with the staff"}
    assert changed["explanation"][-1]["action"] == "override"
    cleared = api.patch(f"/api/v1/deadlines/{deadline['id']}", json={"override_due_date": None}).get_json()
    assert cleared["due_date"] == "2009-05-26" and cleared["override"] is None


def test_complete_reopen_and_withdraw(api, matter):
    deadline = new_deadline(api, matter)
    done = api.post(f"/api/v1/deadlines/{deadline['id']}/complete", json={"reason": "CORRESP filed"}).get_json()
    assert done["status"] == "done" and done["completed_at"] == FROZEN_NOW.isoformat()
    again = api.post(f"/api/v1/deadlines/{deadline['id']}/complete")
    assert again.status_code == 409 and "is done" in again.get_json()["detail"]
    reopened = api.post(f"/api/v1/deadlines/{deadline['id']}/reopen").get_json()
    assert reopened["status"] == "open" and reopened["completed_at"] is None
    withdrawn = api.post(f"/api/v1/deadlines/{deadline['id']}/withdraw", json={"reason": "Review completed"}).get_json()
    assert withdrawn["status"] == "withdrawn"
    history = api.get(f"/api/v1/deadlines/{deadline['id']}/history").get_json()["items"]
    assert [(h["action"], h["reason"]) for h in history] == [
        ("create", None),
        ("complete", "CORRESP filed"),
        ("reopen", None),
        ("withdraw", "Review completed"),
    ]


def test_extending_to_a_date_keeps_the_original_in_history(api, matter):
    deadline = new_deadline(api, matter)
    extended = api.post(
        f"/api/v1/deadlines/{deadline['id']}/extend", json={"due_date": "2009-06-09", "reason": "Staff agreed by phone"}
    ).get_json()
    assert extended["status"] == "extended" and extended["due_date"] == "2009-06-09" and extended["version"] == 2
    record = api.get(f"/api/v1/deadlines/{deadline['id']}/history").get_json()
    assert record["extensions"][0] | {"at": None} == {
        "at": None,
        "actor": "token:paralegal",
        "previous_due_date": "2009-05-26",
        "new_due_date": "2009-06-09",
        "previous_rule": "10 business days",
        "new_rule": None,
        "reason": "Staff agreed by phone",
    }
    assert record["items"][0]["changes"]["due_date"] == "2009-05-26"
    # Completing and reopening an extended deadline brings it back as extended.
    api.post(f"/api/v1/deadlines/{deadline['id']}/complete")
    assert api.post(f"/api/v1/deadlines/{deadline['id']}/reopen").get_json()["status"] == "extended"


def test_extending_by_a_new_rule_counts_from_the_same_trigger(api, matter):
    deadline = new_deadline(api, matter)
    extended = api.post(
        f"/api/v1/deadlines/{deadline['id']}/extend", json={"rule": "20 business days", "reason": "An additional ten business days"}
    ).get_json()
    assert extended["rule"] == "20 business days" and extended["due_date"] == "2009-06-09"


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"due_date": "2009-05-20", "reason": "x"}, "due_date", "not later than the current due date 2009-05-26"),
        ({"rule": "5 business days", "reason": "x"}, "rule", "not later than"),
        ({"due_date": "2009-06-09", "rule": "20 business days", "reason": "x"}, "due_date", "either due_date"),
        ({"reason": "x"}, "due_date", "either due_date"),
        ({"due_date": "2009-06-09"}, "reason", "is required"),
    ],
)
def test_a_bad_extension_is_refused(api, matter, body, field, problem):
    deadline = new_deadline(api, matter)
    response = api.post(f"/api/v1/deadlines/{deadline['id']}/extend", json=body)
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == field and problem in error["problem"]


def test_list_filters_and_text_search(api, matter):
    other = api.post("/api/v1/matters", json={"name": "Acme Corp 8-K", "company": "Acme Corp", "tags": ["filing"]}).get_json()
    a = new_deadline(api, matter, assignee="jkrug")
    b = new_deadline(api, other, title="8-K Item 1.01", kind="filing", trigger_date="2025-12-22", rule="4 business days")
    c = new_deadline(
        api, other, title="Form 4 for the CEO", kind="filing", trigger_date="2025-01-08", rule="2 business days", notes="10b5-1 plan"
    )
    api.post(f"/api/v1/deadlines/{c['id']}/complete")

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/deadlines{query}")
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("") == [a["id"], c["id"], b["id"]]  # by due date
    assert ids("?status=open") == [a["id"], b["id"]]
    assert ids("?status=open,done") == [a["id"], c["id"], b["id"]]
    assert ids("?status=done") == [c["id"]]
    assert ids("?assignee=jkrug") == [a["id"]]
    assert ids(f"?matter={other['id']}") == [c["id"], b["id"]]
    assert ids("?tag=biotech") == [a["id"]]
    assert ids("?tag=filing&status=open") == [b["id"]]
    assert ids("?due_after=2025-01-01") == [c["id"], b["id"]]
    assert ids("?due_before=2025-01-13") == [a["id"], c["id"]]
    assert ids("?due_after=2025-01-14&due_before=2025-12-31") == [b["id"]]
    assert ids("?q=immunogen") == [a["id"]]
    assert ids("?q=10B5-1") == [c["id"]]
    assert ids("?q=100%25") == []  # a literal %, not a wildcard
    matters = api.get("/api/v1/matters?tag=filing").get_json()["items"]
    assert [m["id"] for m in matters] == [other["id"]]
    assert [m["id"] for m in api.get("/api/v1/matters?q=immuno").get_json()["items"]] == [matter["id"]]
    assert [m["id"] for m in api.get("/api/v1/matters?company=acme%20corp").get_json()["items"]] == [other["id"]]


def test_lists_come_in_pages_that_follow_next(api, matter):
    created = [new_deadline(api, matter, trigger_date=f"2025-0{1 + i % 9}-1{i % 10}") for i in range(23)]
    seen = []
    url = "/api/v1/deadlines?limit=10&status=open"
    pages = 0
    while url:
        body = api.get(url).get_json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        pages += 1
        if url:
            assert "status=open" in url and "limit=10" in url
    assert pages == 3
    assert sorted(seen) == sorted(d["id"] for d in created) and len(seen) == len(set(seen))
    dues = [api.get(f"/api/v1/deadlines/{i}").get_json()["due_date"] for i in seen]
    assert dues == sorted(dues)
    matter_pages = api.get("/api/v1/matters?limit=1").get_json()
    assert len(matter_pages["items"]) == 1 and matter_pages["next"] is None


def test_compute_calendars_and_holidays(api):
    body = api.get("/api/v1/compute?start=2009-05-11&rule=10%20business%20days&calendar=us-federal").get_json()
    assert body["due"] == "2009-05-26" and body["cutoff"] == "2009-05-26T17:30:00-04:00"
    assert any(step["note"] == "Memorial Day (holiday)" for step in body["explanation"])
    names = [c["name"] for c in api.get("/api/v1/calendars").get_json()["items"]]
    assert names[:3] == ["us-federal", "us-federal-statutory", "nyse"]
    holidays = api.get("/api/v1/calendars/us-federal/holidays?year=2025").get_json()
    assert {
        "date": "2025-01-09",
        "weekday": "Thu",
        "name": "National Day of Mourning for former President Jimmy Carter",
        "kind": "holiday",
    } in holidays["days"]
    assert api.get("/api/v1/calendars/financial:ECB/holidays?year=2025").status_code == 200


def test_auth_is_required_and_read_only_tokens_cannot_write(api, app, store, matter):
    assert api.get("/api/v1/deadlines", token=None).status_code == 401
    assert api.get("/api/v1/deadlines", token="cst_not-a-real-token").status_code == 401
    assert api.get("/api/v1/deadlines", headers={"Authorization": "Basic dXNlcjpwYXNz"}, token=None).status_code == 401
    reader = token_service.create_token(store, "auditor", read_only=True, now=FROZEN_NOW)
    assert api.get("/api/v1/matters", token=reader).status_code == 200
    refused = api.post("/api/v1/matters", json=IMMUNOGEN, token=reader)
    assert refused.status_code == 403 and "read-only" in refused.get_json()["detail"]
    token_service.revoke_token(store, "auditor", now=FROZEN_NOW)
    revoked = api.get("/api/v1/matters", token=reader)
    assert revoked.status_code == 401 and "revoked" in revoked.get_json()["detail"]
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200


def test_recompute_moves_open_deadlines_when_a_closure_is_added(store, settings, api, matter, clock):
    open_one = new_deadline(api, matter, trigger_date="2026-11-20", rule="5 business days")  # due Mon 2026-11-30
    overridden = new_deadline(
        api, matter, trigger_date="2026-11-20", rule="5 business days", override_due_date="2026-12-01", override_reason="agreed"
    )
    done = new_deadline(api, matter, trigger_date="2026-11-20", rule="5 business days")
    api.post(f"/api/v1/deadlines/{done['id']}/complete")
    assert open_one["due_date"] == "2026-11-30"
    closed = parse_settings(
        {"calendars": {"us-federal": {"closures": [{"date": "2026-11-27", "reason": "Executive order closing agencies"}]}}}
    )
    moves = deadline_service.recompute_all(store, closed, actor="cli:test", now=FROZEN_NOW)
    assert moves == [{"id": open_one["id"], "title": open_one["title"], "matter": matter["name"], "from": "2026-11-30", "to": "2026-12-01"}]
    after = create_app(closed, store, clock=clock)
    client = ApiClient(after, api.token)
    moved = client.get(f"/api/v1/deadlines/{open_one['id']}").get_json()
    assert moved["due_date"] == "2026-12-01" and moved["version"] == 2
    assert {
        "date": "2026-11-27",
        "weekday": "Fri",
        "action": "skip",
        "note": "Executive order closing agencies (configured closure)",
    } in moved["explanation"]
    history = client.get(f"/api/v1/deadlines/{open_one['id']}/history").get_json()["items"]
    assert history[-1]["action"] == "recompute" and history[-1]["actor"] == "cli:test"
    assert client.get(f"/api/v1/deadlines/{overridden['id']}").get_json()["due_date"] == "2026-12-01"
    assert client.get(f"/api/v1/deadlines/{done['id']}").get_json()["due_date"] == "2026-11-30"
    # Run again: nothing more moves.
    assert deadline_service.recompute_all(store, closed, actor="cli:test", now=FROZEN_NOW) == []
