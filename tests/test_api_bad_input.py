"""Bad input to /api/v1, one table row per mistake: each gets its 4xx problem and changes nothing.

Every case runs on SQLite and on PostgreSQL against the same starting state (one matter, 1, with
one open deadline, 1, due 2009-05-26), a writing token and a read-only one. The database is
snapshotted after that setup and compared after the bad request; the clock moves on between the
two, so that even a write of unchanged values would show in ``updated_at`` or the history.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from api_client import ApiClient
from conftest import FROZEN_NOW
from sqlalchemy import select

from calendar_service.services import tokens as token_service
from calendar_service.store.schema import metadata

PROBLEM_JSON = "application/problem+json"

MATTER = {"name": "ImmunoGen, Inc. - Form 10-K FY2008 review", "company": "ImmunoGen, Inc.", "tags": ["sec-review"]}
DEADLINE = {
    "matter_id": 1,
    "title": "Response to SEC comments (Form 10-K FY2008)",
    "kind": "comment-letter-response",
    "trigger_date": "2009-05-11",
    "rule": "10 business days",
}  # due 2009-05-26 on us-federal (Memorial Day skipped)


def deadline(**changes: Any) -> dict[str, Any]:
    """The valid deadline body with some fields changed (a value of ``...`` removes the field)."""
    return {k: v for k, v in {**DEADLINE, **changes}.items() if v is not ...}


def cursor(key: Any) -> str:
    """A page cursor as the service encodes one, holding any key (to forge bad ones)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad request and the problem it must get."""

    method: str
    path: str
    status: int
    field: str | None = None  # for 422: a field that ``errors`` must name
    problem: str | None = None  # for 422: a part of that field's problem text
    token: str | None = "writer"  # writer, reader, bogus, or None for no Authorization header
    setup: str | None = None  # an action done to deadline 1 before the snapshot
    request: dict[str, Any] = dataclasses.field(default_factory=dict)  # json=, data=, content_type=, headers=


def case(case_id: str, method: str, path: str, status: int, field: str | None = None, problem: str | None = None, **options: Any):
    """A parametrize row."""
    known = {k: options.pop(k) for k in ("token", "setup") if k in options}
    return pytest.param(Case(method, path, status, field, problem, **known, request=options), id=case_id)


CASES = [
    # -- the body itself ------------------------------------------------------------------------
    case("malformed-json", "POST", "/api/v1/matters", 400, data='{"name": "Acme",', content_type="application/json"),
    case(
        "body-not-utf8",
        "POST",
        "/api/v1/matters",
        400,
        data=b'{"name": "Acme \xff"}',
        content_type="application/json",
    ),
    case(
        "json-nested-too-deep",
        "POST",
        "/api/v1/matters",
        400,
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    ),
    case("json-array-body", "POST", "/api/v1/matters", 422, "body", "must be a JSON object", json=[MATTER]),
    case("json-string-body", "POST", "/api/v1/deadlines", 422, "body", "must be a JSON object", json="a deadline"),
    case(
        "json-null-body-on-patch",
        "PATCH",
        "/api/v1/deadlines/1",
        422,
        "body",
        "must be a JSON object",
        data="null",
        content_type="application/json",
    ),
    case("text-plain-body", "POST", "/api/v1/matters", 415, data=json.dumps(MATTER), content_type="text/plain"),
    case("form-encoded-body", "PATCH", "/api/v1/matters/1", 415, data="name=Acme", content_type="application/x-www-form-urlencoded"),
    case(
        "oversized-body",
        "POST",
        "/api/v1/matters",
        413,
        data=json.dumps({"name": "x" * (1024 * 1024 + 1)}),
        content_type="application/json",
    ),
    # -- matter fields --------------------------------------------------------------------------
    case("matter-unknown-field", "POST", "/api/v1/matters", 422, "colour", "unknown field", json={**MATTER, "colour": "red"}),
    case("matter-missing-name", "POST", "/api/v1/matters", 422, "name", "is required", json={"company": "Acme Corp"}),
    case("matter-name-a-number", "POST", "/api/v1/matters", 422, "name", "must be a string, not a number", json={"name": 42}),
    case("matter-name-null", "POST", "/api/v1/matters", 422, "name", "must not be null", json={"name": None}),
    case("matter-name-blank", "POST", "/api/v1/matters", 422, "name", "must not be empty", json={"name": "   "}),
    case(
        "matter-name-501-chars", "POST", "/api/v1/matters", 422, "name", "is 501 characters long; the most is 500", json={"name": "n" * 501}
    ),
    case(
        "matter-name-lone-surrogate",
        "POST",
        "/api/v1/matters",
        422,
        "name",
        data='{"name": "Acme \\ud800"}',
        content_type="application/json",
    ),
    case(
        "matter-tags-a-string", "POST", "/api/v1/matters", 422, "tags", "must be a list of strings", json={**MATTER, "tags": "sec-review"}
    ),
    case(
        "matter-tags-empty-entry",
        "POST",
        "/api/v1/matters",
        422,
        "tags",
        "entry 1 must be a non-empty string",
        json={**MATTER, "tags": ["ok", " "]},
    ),
    case(
        "matter-tags-101-entries",
        "POST",
        "/api/v1/matters",
        422,
        "tags",
        "has 101 entries; the most is 100",
        json={**MATTER, "tags": [f"t{i}" for i in range(101)]},
    ),
    case("matter-patch-empty-object", "PATCH", "/api/v1/matters/1", 422, "body", "names no field to change", json={}),
    case("matter-patch-missing-matter", "PATCH", "/api/v1/matters/999", 404, json={"owner": "jkrug"}),
    # -- deadline fields ------------------------------------------------------------------------
    case("deadline-unknown-field", "POST", "/api/v1/deadlines", 422, "due", "unknown field", json=deadline(due="2009-05-26")),
    case("deadline-missing-title", "POST", "/api/v1/deadlines", 422, "title", "is required", json=deadline(title=...)),
    case("deadline-missing-trigger-date", "POST", "/api/v1/deadlines", 422, "trigger_date", "is required", json=deadline(trigger_date=...)),
    case("deadline-missing-rule", "POST", "/api/v1/deadlines", 422, "rule", "is required", json=deadline(rule=...)),
    case(
        "matter-id-a-string",
        "POST",
        "/api/v1/deadlines",
        422,
        "matter_id",
        "must be an integer id, not a string",
        json=deadline(matter_id="1"),
    ),
    case("matter-id-a-boolean", "POST", "/api/v1/deadlines", 422, "matter_id", "not a boolean", json=deadline(matter_id=True)),
    case("matter-id-zero", "POST", "/api/v1/deadlines", 422, "matter_id", "must be a positive integer id", json=deadline(matter_id=0)),
    case(
        "matter-id-beyond-int32",
        "POST",
        "/api/v1/deadlines",
        422,
        "matter_id",
        "must be a positive integer id",
        json=deadline(matter_id=2**31),
    ),
    case("matter-id-of-no-matter", "POST", "/api/v1/deadlines", 422, "matter_id", "there is no matter 999", json=deadline(matter_id=999)),
    case(
        "trigger-date-impossible",
        "POST",
        "/api/v1/deadlines",
        422,
        "trigger_date",
        "'2009-02-30' does not exist",
        json=deadline(trigger_date="2009-02-30"),
    ),
    case(
        "trigger-date-not-a-date",
        "POST",
        "/api/v1/deadlines",
        422,
        "trigger_date",
        "is not a date",
        json=deadline(trigger_date="next Tuesday"),
    ),
    case(
        "trigger-date-a-number",
        "POST",
        "/api/v1/deadlines",
        422,
        "trigger_date",
        "must be a date string",
        json=deadline(trigger_date=20090511),
    ),
    case(
        "trigger-date-before-1900",
        "POST",
        "/api/v1/deadlines",
        422,
        "trigger_date",
        "outside the supported range",
        json=deadline(trigger_date="1850-01-01"),
    ),
    case("due-date-after-2200", "POST", "/api/v1/deadlines", 422, "trigger_date", json=deadline(trigger_date="2200-12-30")),
    case("unknown-calendar", "POST", "/api/v1/deadlines", 422, "calendar", json=deadline(calendar="atlantis")),
    case("unreadable-rule", "POST", "/api/v1/deadlines", 422, "rule", "cannot read", json=deadline(rule="whenever the staff asks")),
    case(
        "rule-rolls-business-days",
        "POST",
        "/api/v1/deadlines",
        422,
        "rule",
        "a roll applies only to calendar days",
        json=deadline(rule="10 business days, roll preceding"),
    ),
    case("kind-not-a-kind", "POST", "/api/v1/deadlines", 422, "kind", "must be one of", json=deadline(kind="memo")),
    case(
        "override-without-reason",
        "POST",
        "/api/v1/deadlines",
        422,
        "override_reason",
        "is required when override_due_date is set",
        json=deadline(override_due_date="2009-05-29"),
    ),
    case(
        "nul-in-title",
        "POST",
        "/api/v1/deadlines",
        422,
        "title",
        "must not contain NUL characters",
        json=deadline(title="Response\x00to SEC"),
    ),
    case("title-501-chars", "POST", "/api/v1/deadlines", 422, "title", "the most is 500", json=deadline(title="t" * 501)),
    # -- changing a deadline --------------------------------------------------------------------
    case("patch-status", "PATCH", "/api/v1/deadlines/1", 422, "status", "changes through POST", json={"status": "done"}),
    case("patch-empty-object", "PATCH", "/api/v1/deadlines/1", 422, "body", "names no field to change", json={}),
    case("patch-id", "PATCH", "/api/v1/deadlines/1", 422, "id", "unknown field", json={"id": 2}),
    case("patch-to-no-matter", "PATCH", "/api/v1/deadlines/1", 422, "matter_id", "there is no matter 999", json={"matter_id": 999}),
    case(
        "patch-impossible-override",
        "PATCH",
        "/api/v1/deadlines/1",
        422,
        "override_due_date",
        "does not exist",
        json={"override_due_date": "2009-02-29", "override_reason": "agreed"},
    ),
    case("patch-missing-deadline", "PATCH", "/api/v1/deadlines/999", 404, json={"assignee": "jkrug"}),
    case(
        "extend-with-date-and-rule",
        "POST",
        "/api/v1/deadlines/1/extend",
        422,
        "due_date",
        "not both",
        json={"due_date": "2009-06-09", "rule": "20 business days", "reason": "agreed"},
    ),
    case("extend-with-neither", "POST", "/api/v1/deadlines/1/extend", 422, "due_date", "either due_date", json={"reason": "agreed"}),
    case(
        "extend-earlier",
        "POST",
        "/api/v1/deadlines/1/extend",
        422,
        "due_date",
        "not later than the current due date 2009-05-26",
        json={"due_date": "2009-05-20", "reason": "agreed"},
    ),
    case(
        "extend-by-a-shorter-rule",
        "POST",
        "/api/v1/deadlines/1/extend",
        422,
        "rule",
        "not later than",
        json={"rule": "5 business days", "reason": "agreed"},
    ),
    case("extend-without-reason", "POST", "/api/v1/deadlines/1/extend", 422, "reason", "is required", json={"due_date": "2009-06-09"}),
    case("extend-without-body", "POST", "/api/v1/deadlines/1/extend", 422, "reason", "is required"),
    case("complete-a-done-deadline", "POST", "/api/v1/deadlines/1/complete", 409, setup="complete"),
    case(
        "extend-a-done-deadline",
        "POST",
        "/api/v1/deadlines/1/extend",
        409,
        setup="complete",
        json={"due_date": "2009-06-09", "reason": "agreed"},
    ),
    case("reopen-an-open-deadline", "POST", "/api/v1/deadlines/1/reopen", 409),
    case("withdraw-a-withdrawn-deadline", "POST", "/api/v1/deadlines/1/withdraw", 409, setup="withdraw"),
    case("complete-unknown-field", "POST", "/api/v1/deadlines/1/complete", 422, "note", "unknown field", json={"note": "filed"}),
    case("withdraw-reason-a-number", "POST", "/api/v1/deadlines/1/withdraw", 422, "reason", "must be a string", json={"reason": 7}),
    case(
        "complete-with-json-array-body",
        "POST",
        "/api/v1/deadlines/1/complete",
        422,
        "body",
        "must be a JSON object",
        json=[],
    ),
    case("complete-missing-deadline", "POST", "/api/v1/deadlines/999/complete", 404),
    case("delete-missing-deadline", "DELETE", "/api/v1/deadlines/999", 404),
    # -- deleting a matter ----------------------------------------------------------------------
    case("delete-matter-with-deadlines", "DELETE", "/api/v1/matters/1", 409),
    case("delete-matter-cascade-maybe", "DELETE", "/api/v1/matters/1?cascade=maybe", 422, "cascade", "must be true or false"),
    case("delete-matter-unknown-param", "DELETE", "/api/v1/matters/1?force=true", 422, "force", "unknown query parameter"),
    case("delete-missing-matter", "DELETE", "/api/v1/matters/999?cascade=true", 404),
    # -- routes and methods ---------------------------------------------------------------------
    case("get-missing-deadline", "GET", "/api/v1/deadlines/999", 404),
    case("get-missing-matter", "GET", "/api/v1/matters/999", 404),
    case(
        "get-deadline-id-beyond-int32",
        "GET",
        "/api/v1/deadlines/99999999999",
        404,
    ),
    case(
        "get-matter-id-beyond-int64",
        "GET",
        "/api/v1/matters/99999999999999999999",
        404,
    ),
    case("unknown-route", "GET", "/api/v1/appointments", 404),
    case("unknown-action", "POST", "/api/v1/deadlines/1/archive", 404),
    case("put-a-matter", "PUT", "/api/v1/matters/1", 405, json=MATTER),
    case("delete-the-deadline-list", "DELETE", "/api/v1/deadlines", 405),
    # -- tokens ---------------------------------------------------------------------------------
    case("no-token", "POST", "/api/v1/matters", 401, token=None, json=MATTER),
    case("unknown-token", "POST", "/api/v1/matters", 401, token="bogus", json=MATTER),
    case("basic-auth", "GET", "/api/v1/deadlines", 401, token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"}),
    case("read-only-token-creates", "POST", "/api/v1/matters", 403, token="reader", json=MATTER),
    case("read-only-token-deletes", "DELETE", "/api/v1/deadlines/1", 403, token="reader"),
    case("read-only-token-completes", "POST", "/api/v1/deadlines/1/complete", 403, token="reader"),
    # -- lists ----------------------------------------------------------------------------------
    case("limit-zero", "GET", "/api/v1/deadlines?limit=0", 422, "limit", "from 1 to 500"),
    case("limit-not-a-number", "GET", "/api/v1/deadlines?limit=abc", 422, "limit", "from 1 to 500"),
    case("limit-501", "GET", "/api/v1/matters?limit=501", 422, "limit", "from 1 to 500"),
    case(
        "limit-superscript-two",
        "GET",
        "/api/v1/deadlines?limit=%C2%B2",
        422,
        "limit",
        "from 1 to 500",
    ),
    case("limit-negative", "GET", "/api/v1/matters?limit=-1", 422, "limit", "from 1 to 500"),
    case("status-filter-unknown", "GET", "/api/v1/deadlines?status=open,finished", 422, "status", "finished is not a status"),
    case("due-before-not-a-date", "GET", "/api/v1/deadlines?due_before=tomorrow", 422, "due_before", "is not a date"),
    case("due-after-impossible", "GET", "/api/v1/deadlines?due_after=2009-13-01", 422, "due_after", "does not exist"),
    case("matter-filter-not-an-id", "GET", "/api/v1/deadlines?matter=acme", 422, "matter", "is not a matter id"),
    case(
        "matter-filter-beyond-int64",
        "GET",
        "/api/v1/deadlines?matter=99999999999999999999",
        422,
        "matter",
    ),
    case(
        "matters-q-with-nul",
        "GET",
        "/api/v1/matters?q=%00",
        422,
        "q",
    ),
    case("deadline-cursor-garbage", "GET", "/api/v1/deadlines?cursor=not-a-cursor", 422, "cursor", "is not a cursor this service issued"),
    case("deadline-cursor-bad-key", "GET", f"/api/v1/deadlines?cursor={cursor(['2009-05-26', 'one'])}", 422, "cursor", "is not a cursor"),
    case(
        "deadline-cursor-huge-id",
        "GET",
        f"/api/v1/deadlines?cursor={cursor(['2009-05-26', 1e30])}",
        422,
        "cursor",
        "is not a cursor",
    ),
    case("matter-cursor-garbage", "GET", "/api/v1/matters?cursor=%25%25%25", 422, "cursor", "is not a cursor this service issued"),
    case(
        "matter-cursor-bad-key",
        "GET",
        f"/api/v1/matters?cursor={cursor(['one'])}",
        422,
        "cursor",
        "is not a cursor",
    ),
    case("unknown-query-parameter", "GET", "/api/v1/deadlines?sort=due_date", 422, "sort", "unknown query parameter"),
    case("unknown-matter-query-parameter", "GET", "/api/v1/matters?name=acme", 422, "name", "unknown query parameter"),
    # -- compute --------------------------------------------------------------------------------
    case("compute-without-start", "GET", "/api/v1/compute?rule=10%20business%20days", 422, "start", "is required"),
    case("compute-without-rule", "GET", "/api/v1/compute?start=2009-05-11", 422, "rule", "is required"),
    case("compute-impossible-start", "GET", "/api/v1/compute?start=2009-02-30&rule=10BD", 422, "start", "does not exist"),
    case("compute-bad-rule", "GET", "/api/v1/compute?start=2009-05-11&rule=soonish", 422, "rule", "cannot read"),
    case("compute-unknown-calendar", "GET", "/api/v1/compute?start=2009-05-11&rule=10BD&calendar=atlantis", 422, "calendar"),
    case("compute-past-2200", "GET", "/api/v1/compute?start=2200-12-30&rule=10BD", 422, "start"),
    case("compute-unknown-parameter", "GET", "/api/v1/compute?start=2009-05-11&rule=10BD&zone=UTC", 422, "zone", "unknown query parameter"),
    # -- holidays -------------------------------------------------------------------------------
    case("holidays-year-2300", "GET", "/api/v1/calendars/us-federal/holidays?year=2300", 422, "year", "outside the supported range"),
    case("holidays-without-year", "GET", "/api/v1/calendars/us-federal/holidays", 422, "year", "is required"),
    case("holidays-year-not-a-number", "GET", "/api/v1/calendars/us-federal/holidays?year=MMXXV", 422, "year", "a year written in digits"),
    case("holidays-negative-year", "GET", "/api/v1/calendars/us-federal/holidays?year=-5", 422, "year", "outside the supported range"),
    case(
        "holidays-year-double-minus",
        "GET",
        "/api/v1/calendars/us-federal/holidays?year=--5",
        422,
        "year",
    ),
    case("holidays-huge-year", "GET", f"/api/v1/calendars/us-federal/holidays?year={'9' * 30}", 422, "year", "outside the supported range"),
    case("holidays-unknown-calendar", "GET", "/api/v1/calendars/atlantis/holidays?year=2025", 422, "calendar"),
]


@pytest.fixture
def tokens(store) -> dict[str, str]:
    return {
        "writer": token_service.create_token(store, "paralegal", read_only=False, now=FROZEN_NOW),
        "reader": token_service.create_token(store, "auditor", read_only=True, now=FROZEN_NOW),
        "bogus": "cst_not-a-real-token",
    }


@pytest.fixture
def api(app, tokens):
    """A client with matter 1 and its open deadline 1 in the store."""
    client = ApiClient(app, tokens["writer"])
    matter = client.post("/api/v1/matters", json=MATTER)
    assert matter.status_code == 201 and matter.get_json()["id"] == 1, matter.get_json()
    created = client.post("/api/v1/deadlines", json=DEADLINE)
    assert created.status_code == 201 and created.get_json()["id"] == 1, created.get_json()
    assert created.get_json()["due_date"] == "2009-05-26"
    return client


def snapshot(store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with store.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))] for t in metadata.sorted_tables}


@pytest.mark.parametrize("bad", CASES)
def test_bad_input_gets_a_4xx_problem_and_changes_nothing(api, store, tokens, clock, bad):
    if bad.setup:
        done = api.post(f"/api/v1/deadlines/1/{bad.setup}", json={"reason": "setting up the case"})
        assert done.status_code == 200, done.get_json()
    before = snapshot(store)
    clock.now += timedelta(hours=1)

    token = tokens[bad.token] if bad.token else None
    response = api.request(bad.method, bad.path, token=token, **bad.request)

    assert response.status_code == bad.status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == bad.status
    assert isinstance(body["type"], str) and body["title"] and body["detail"]
    if bad.status == 422:
        assert body["errors"], body
        named = [e for e in body["errors"] if e["field"] == bad.field]
        assert named, f"no error names {bad.field!r}: {body['errors']}"
        if bad.problem:
            assert any(bad.problem in e["problem"] for e in named), named
    if bad.status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if bad.status == 405:
        assert bad.method not in response.headers["Allow"]
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "data",
    [pytest.param('{"name": "Acme",', id="malformed-json"), pytest.param(b'{"name": "Acme \xff"}', id="body-not-utf8")],
)
def test_a_body_that_is_not_json_is_a_400_problem(api, app, store, tokens, data):
    """The 400 rows above, also checked straight through the app (outside the OpenAPI-checking client)."""
    before = snapshot(store)
    response = app.test_client().post(
        "/api/v1/matters", data=data, content_type="application/json", headers={"Authorization": f"Bearer {tokens['writer']}"}
    )
    assert response.status_code == 400 and response.mimetype == PROBLEM_JSON
    body = response.get_json()
    assert body["status"] == 400 and body["title"] == "Bad Request" and "not valid JSON" in body["detail"]
    assert snapshot(store) == before
