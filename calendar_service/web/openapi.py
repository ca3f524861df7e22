"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand, kept true by tests: every route is described and every described route exists
(tests/test_openapi.py), and the API tests validate response bodies against these schemas.
"""

from __future__ import annotations

from typing import Any

from .. import __version__

DATE = {"type": "string", "format": "date", "examples": ["2009-05-26"]}
DATETIME = {"type": "string", "format": "date-time"}
TEXT_LIST = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 100}
STATUS = {"type": "string", "enum": ["open", "done", "extended", "withdrawn"]}
KIND = {"type": "string", "enum": ["comment-letter-response", "filing", "custom"]}
FILER_STATUS = {"type": "string", "enum": ["large-accelerated", "accelerated", "non-accelerated", "smaller-reporting"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problems(*codes: int) -> dict[str, Any]:
    text = {
        400: "The body is not JSON (malformed, not UTF-8, or nested too deeply)",
        401: "No, unknown or revoked bearer token",
        403: "The token is read-only",
        404: "No such matter or deadline",
        409: "The request contradicts the stored state",
        413: "The body is too large",
        415: "The body is not JSON",
        422: "A field is missing or wrong; `errors` names each",
    }
    problem = {"description": "", "content": {"application/problem+json": {"schema": ref("Problem")}}}
    return {str(code): {**problem, "description": text[code]} for code in codes}


def _param(name: str, where: str, description: str, schema: dict[str, Any] | None = None, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema or {"type": "string"}}


MATTER_ID = _param("matter_id", "path", "The matter's id", {"type": "integer"}, True)
CHANNEL_ID = _param("channel_id", "path", "The channel's id", {"type": "integer"}, True)
FEED_ID = _param("feed_id", "path", "The feed's id", {"type": "integer"}, True)
COMPANY_ID = _param("company_id", "path", "The company's id", {"type": "integer"}, True)
DEADLINE_ID = _param("deadline_id", "path", "The deadline's id", {"type": "integer"}, True)
PAGE = [
    _param("limit", "query", "Items per page, 1 to 500 (default 50)", {"type": "integer", "minimum": 1, "maximum": 500}),
    _param("cursor", "query", "The cursor from the `next` link of the previous page"),
]
WRITE_ERRORS = _problems(400, 401, 403, 413, 415, 422)


def _body(schema_name: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": ref(schema_name)}}}


def _items(schema: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": ref(schema)}}}


SCHEDULE = {
    "type": ["object", "null"],
    "description": "Overrides of the global alert schedule (config.toml [alerts]); null: none",
    "properties": {
        "before_business_days": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 60}},
        "due_day": {"type": "boolean"},
        "overdue_business_days": {"type": "integer", "minimum": 0, "maximum": 60},
        "at": {"type": "string", "examples": ["09:00"]},
        "timezone": {"type": "string", "examples": ["America/New_York"]},
    },
    "additionalProperties": False,
}


def _action(summary: str, body: str, extra: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "summary": summary,
        "operationId": summary.split()[0].lower() + "Deadline",
        "parameters": [DEADLINE_ID],
        "requestBody": _body(body, required=body == "ExtensionInput"),
        "responses": {
            "200": _json(ref("Deadline"), "The deadline after the change"),
            **_problems(401, 403, 404, 409, 413, 415, 422, *extra),
        },
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "calendar_service API",
        "version": __version__,
        "description": (
            "Matters and their deadlines, computed in business days on named holiday calendars and explained. "
            "Every operation but this description needs `Authorization: Bearer <token>` "
            "(create one with `python -m calendar_service tokens create NAME`); writes need a token that is not read-only. "
            "Errors are RFC 9457 problem details."
        ),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/matters": {
            "get": {
                "summary": "List matters",
                "operationId": "listMatters",
                "parameters": [
                    _param("tag", "query", "Only matters with this tag"),
                    _param("owner", "query", "Only matters of this owner"),
                    _param("company", "query", "Only matters of this company (any case)"),
                    _param("q", "query", "Text in the name, company or owner"),
                    *PAGE,
                ],
                "responses": {"200": _json(ref("MatterList"), "A page of matters, by id"), **_problems(401, 422)},
            },
            "post": {
                "summary": "Create a matter",
                "operationId": "createMatter",
                "requestBody": _body("MatterInput"),
                "responses": {"201": _json(ref("Matter"), "The new matter; Location has its URL"), **WRITE_ERRORS},
            },
        },
        "/api/v1/matters/{matter_id}": {
            "get": {
                "summary": "Read a matter",
                "operationId": "getMatter",
                "parameters": [MATTER_ID],
                "responses": {"200": _json(ref("Matter"), "The matter"), **_problems(401, 404)},
            },
            "patch": {
                "summary": "Change a matter",
                "operationId": "updateMatter",
                "parameters": [MATTER_ID],
                "requestBody": _body("MatterPatch"),
                "responses": {"200": _json(ref("Matter"), "The matter after the change"), **_problems(400, 401, 403, 404, 413, 415, 422)},
            },
            "delete": {
                "summary": "Delete a matter",
                "operationId": "deleteMatter",
                "parameters": [
                    MATTER_ID,
                    _param("cascade", "query", "true to delete its deadlines too", {"type": "string", "enum": ["true", "false"]}),
                ],
                "responses": {"204": {"description": "Deleted"}, **_problems(401, 403, 404, 409, 422)},
            },
        },
        "/api/v1/matters/{matter_id}/history": {
            "get": {
                "summary": "A matter's history",
                "operationId": "getMatterHistory",
                "parameters": [MATTER_ID],
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"items": {"type": "array", "items": ref("HistoryEntry")}}}, "Oldest first"
                    ),
                    **_problems(401, 404),
                },
            }
        },
        "/api/v1/deadlines": {
            "get": {
                "summary": "List deadlines",
                "operationId": "listDeadlines",
                "parameters": [
                    _param("status", "query", "open, done, extended, withdrawn; comma-separated for several"),
                    _param("due_before", "query", "Due on or before this date", DATE),
                    _param("due_after", "query", "Due on or after this date", DATE),
                    _param("assignee", "query", "Only deadlines of this assignee"),
                    _param("matter", "query", "Only deadlines of this matter id", {"type": "integer"}),
                    _param("tag", "query", "Only deadlines whose matter has this tag"),
                    _param("q", "query", "Text in the title, notes, assignee, matter name or company"),
                    *PAGE,
                ],
                "responses": {"200": _json(ref("DeadlineList"), "A page of deadlines, by due date"), **_problems(401, 422)},
            },
            "post": {
                "summary": "Create a deadline",
                "operationId": "createDeadline",
                "requestBody": _body("DeadlineInput"),
                "responses": {"201": _json(ref("Deadline"), "The new deadline; Location has its URL"), **WRITE_ERRORS},
            },
        },
        "/api/v1/deadlines/{deadline_id}": {
            "get": {
                "summary": "Read a deadline",
                "operationId": "getDeadline",
                "parameters": [DEADLINE_ID],
                "responses": {"200": _json(ref("Deadline"), "The deadline with its explanation"), **_problems(401, 404)},
            },
            "patch": {
                "summary": "Change a deadline",
                "operationId": "updateDeadline",
                "parameters": [DEADLINE_ID],
                "requestBody": _body("DeadlinePatch"),
                "responses": {
                    "200": _json(ref("Deadline"), "The deadline after the change"),
                    **_problems(400, 401, 403, 404, 413, 415, 422),
                },
            },
            "delete": {
                "summary": "Delete a deadline",
                "operationId": "deleteDeadline",
                "parameters": [DEADLINE_ID],
                "responses": {"204": {"description": "Deleted; its history stays"}, **_problems(401, 403, 404)},
            },
        },
        "/api/v1/deadlines/{deadline_id}/complete": {"post": _action("Complete a deadline", "ReasonInput")},
        "/api/v1/deadlines/{deadline_id}/extend": {"post": _action("Extend a deadline", "ExtensionInput")},
        "/api/v1/deadlines/{deadline_id}/reopen": {"post": _action("Reopen a deadline", "ReasonInput")},
        "/api/v1/deadlines/{deadline_id}/withdraw": {"post": _action("Withdraw a deadline", "ReasonInput")},
        "/api/v1/deadlines/{deadline_id}/history": {
            "get": {
                "summary": "A deadline's history and extensions",
                "operationId": "getDeadlineHistory",
                "parameters": [DEADLINE_ID],
                "responses": {"200": _json(ref("DeadlineHistory"), "Oldest first"), **_problems(401, 404)},
            }
        },
        "/api/v1/deadlines/{deadline_id}/12b-25": {
            "post": {
                "summary": "Record a Form 12b-25 for a periodic report",
                "description": (
                    "The report moves to its extended due date (Rule 12b-25(b)); the notice becomes a deadline that depends on it."
                ),
                "operationId": "file12b25",
                "parameters": [DEADLINE_ID],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["report", "notice"],
                            "properties": {"report": ref("Deadline"), "notice": ref("Deadline")},
                        },
                        "The extended report and the new notice deadline",
                    ),
                    **_problems(401, 403, 404, 409),
                },
            }
        },
        "/api/v1/filing-rules": {
            "get": {
                "summary": "The SEC filing rules (built in and from config.toml), every version",
                "operationId": "listFilingRules",
                "responses": {"200": _json(_items("FilingRule"), "Every version of every rule"), **_problems(401)},
            }
        },
        "/api/v1/filings": {
            "post": {
                "summary": "Create a deadline from a filing rule and its trigger date (8-K Item 1.01 and the event date)",
                "operationId": "createFiling",
                "requestBody": _body("FilingInput"),
                "responses": {"201": _json(ref("Deadline"), "The new deadline; Location has its URL"), **WRITE_ERRORS},
            }
        },
        "/api/v1/companies": {
            "get": {
                "summary": "List company profiles",
                "operationId": "listCompanies",
                "responses": {"200": _json(_items("Company"), "Every company"), **_problems(401)},
            },
            "post": {
                "summary": "Create a company profile (and the matter its filing deadlines go in)",
                "operationId": "createCompany",
                "requestBody": _body("CompanyInput"),
                "responses": {"201": _json(ref("Company"), "The new company; Location has its URL"), **WRITE_ERRORS, **_problems(409)},
            },
        },
        "/api/v1/companies/{company_id}": {
            "get": {
                "summary": "Read a company profile",
                "operationId": "getCompany",
                "parameters": [COMPANY_ID],
                "responses": {"200": _json(ref("Company"), "The company"), **_problems(401, 404)},
            },
            "patch": {
                "summary": "Change a company profile (generated deadlines follow at the next generate)",
                "operationId": "updateCompany",
                "parameters": [COMPANY_ID],
                "requestBody": _body("CompanyPatch"),
                "responses": {
                    "200": _json(ref("Company"), "The company after the change"),
                    **_problems(400, 401, 403, 404, 409, 413, 415, 422),
                },
            },
        },
        "/api/v1/companies/{company_id}/generate": {
            "post": {
                "summary": "Generate the company's periodic deadlines due in a year (idempotent)",
                "operationId": "generateCompanyYear",
                "parameters": [COMPANY_ID],
                "requestBody": _body("GenerateInput"),
                "responses": {
                    "200": _json(ref("Generation"), "What was created, updated, withdrawn and left unchanged"),
                    **WRITE_ERRORS,
                    **_problems(404),
                },
            }
        },
        "/api/v1/feeds": {
            "get": {
                "summary": "List feeds",
                "operationId": "listFeeds",
                "responses": {
                    "200": _json(
                        {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": ref("Feed")}}},
                        "Every feed, with its URLs",
                    ),
                    **_problems(401),
                },
            },
            "post": {
                "summary": "Create a feed",
                "operationId": "createFeed",
                "requestBody": _body("FeedInput"),
                "responses": {"201": _json(ref("Feed"), "The new feed with its secret URL and subscribe links"), **WRITE_ERRORS},
            },
        },
        "/api/v1/feeds/{feed_id}": {
            "get": {
                "summary": "Read a feed",
                "operationId": "getFeed",
                "parameters": [FEED_ID],
                "responses": {"200": _json(ref("Feed"), "The feed"), **_problems(401, 404)},
            },
            "patch": {
                "summary": "Rename a feed or change its scope or options",
                "operationId": "updateFeed",
                "parameters": [FEED_ID],
                "requestBody": _body("FeedPatch"),
                "responses": {
                    "200": _json(ref("Feed"), "The feed after the change (same URL)"),
                    **_problems(400, 401, 403, 404, 413, 415, 422),
                },
            },
            "delete": {
                "summary": "Delete a feed",
                "operationId": "deleteFeed",
                "parameters": [FEED_ID],
                "responses": {"204": {"description": "Deleted; its URL answers 404"}, **_problems(401, 403, 404)},
            },
        },
        "/api/v1/feeds/{feed_id}/rotate": {
            "post": {
                "summary": "Give a feed a new secret URL",
                "operationId": "rotateFeed",
                "parameters": [FEED_ID],
                "responses": {"200": _json(ref("Feed"), "The feed with its new URL; the old one answers 404"), **_problems(401, 403, 404)},
            }
        },
        "/api/v1/channels": {
            "get": {
                "summary": "List alert channels with their health",
                "operationId": "listChannels",
                "responses": {"200": _json(_items("Channel"), "Every channel; URLs masked"), **_problems(401)},
            },
            "post": {
                "summary": "Add an alert channel",
                "operationId": "createChannel",
                "requestBody": _body("ChannelInput"),
                "responses": {
                    "201": _json(ref("Channel"), "The new channel (a webhook's signing secret shown this once)"),
                    **WRITE_ERRORS,
                    **_problems(409),
                },
            },
        },
        "/api/v1/channels/{channel_id}": {
            "get": {
                "summary": "Read a channel",
                "operationId": "getChannel",
                "parameters": [CHANNEL_ID],
                "responses": {"200": _json(ref("Channel"), "The channel"), **_problems(401, 404)},
            },
            "patch": {
                "summary": "Change a channel (routing, schedule, digest, enable it again)",
                "operationId": "updateChannel",
                "parameters": [CHANNEL_ID],
                "requestBody": _body("ChannelPatch"),
                "responses": {
                    "200": _json(ref("Channel"), "The channel after the change"),
                    **_problems(400, 401, 403, 404, 409, 413, 415, 422),
                },
            },
            "delete": {
                "summary": "Remove a channel and its alerts",
                "operationId": "deleteChannel",
                "parameters": [CHANNEL_ID],
                "responses": {"204": {"description": "Removed"}, **_problems(401, 403, 404, 409)},
            },
        },
        "/api/v1/channels/{channel_id}/test": {
            "post": {
                "summary": "Send a test message now, through the real delivery path",
                "operationId": "testChannel",
                "parameters": [CHANNEL_ID],
                "responses": {"200": _json(ref("Alert"), "The test alert with its delivery attempt"), **_problems(401, 403, 404)},
            }
        },
        "/api/v1/alerts": {
            "get": {
                "summary": "List alerts with their delivery attempts",
                "operationId": "listAlerts",
                "parameters": [
                    _param("status", "query", "pending, sending, sent, dead, superseded, cancelled (comma-separated)"),
                    _param("channel", "query", "Only this channel's alerts", {"type": "integer"}),
                    _param("deadline", "query", "Only this deadline's alerts", {"type": "integer"}),
                    PAGE[0],
                ],
                "responses": {"200": _json(_items("Alert"), "Newest first"), **_problems(401, 422)},
            }
        },
        "/api/v1/alerts/{alert_id}/retry": {
            "post": {
                "summary": "Send a dead alert again",
                "operationId": "retryAlert",
                "parameters": [_param("alert_id", "path", "The alert's id", {"type": "integer"}, True)],
                "responses": {"200": _json(ref("Alert"), "The alert, pending again"), **_problems(401, 403, 404, 409)},
            }
        },
        "/api/v1/deadlines/{deadline_id}/alerts": {
            "get": {
                "summary": "A deadline's alerts, sent and pending, with their delivery status",
                "operationId": "getDeadlineAlerts",
                "parameters": [DEADLINE_ID],
                "responses": {"200": _json(_items("Alert"), "Newest first"), **_problems(401, 404)},
            }
        },
        "/api/v1/letters": {
            "post": {
                "summary": "File a letter",
                "operationId": "ingestLetter",
                "description": (
                    "Reads a staff comment letter or a company response (its text, its PDF, or either as a multipart upload in the "
                    "field `file`), finds or creates its matter (same company and file number), and creates the response deadline "
                    "or records the extension a company response asks for. The letter's text is kept with the matter. A letter filed "
                    "before changes nothing; a letter that needs review is kept but sets no date."
                ),
                "parameters": [
                    _param("dry_run", "query", "true: read and report, change nothing", {"type": "string", "enum": ["true", "false"]}),
                    _param("calendar", "query", "The calendar to count on (default: engine.default_calendar)"),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/plain": {"schema": {"type": "string"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        },
                    },
                },
                "responses": {
                    "200": _json(ref("LetterResult"), "Read (dry run), filed without a new date, or unchanged"),
                    "201": _json(ref("LetterResult"), "A deadline was created or extended"),
                    **_problems(401, 403, 413, 415, 422),
                },
            }
        },
        "/api/v1/matters/{matter_id}/letters": {
            "get": {
                "summary": "A matter's letters",
                "operationId": "getMatterLetters",
                "parameters": [MATTER_ID],
                "responses": {
                    "200": _json(
                        {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": ref("StoredLetter")}}},
                        "Oldest first",
                    ),
                    **_problems(401, 404),
                },
            }
        },
        "/api/v1/compute": {
            "get": {
                "summary": "Compute a due date",
                "operationId": "compute",
                "parameters": [
                    _param("start", "query", "The trigger date", DATE, True),
                    _param("rule", "query", "A rule such as `10 business days`", None, True),
                    _param("calendar", "query", "A calendar name (default: engine.default_calendar)"),
                ],
                "responses": {"200": _json(ref("Computation"), "The due date, cutoff and explanation"), **_problems(401, 422)},
            }
        },
        "/api/v1/calendars": {
            "get": {
                "summary": "List calendars",
                "operationId": "listCalendars",
                "responses": {"200": _json(ref("CalendarList"), "Named calendars"), **_problems(401)},
            }
        },
        "/api/v1/calendars/{name}/holidays": {
            "get": {
                "summary": "A calendar's non-business days of a year",
                "operationId": "getHolidays",
                "parameters": [
                    _param("name", "path", "A calendar name or spec (us-federal, nyse, GB-ENG, financial:ECB)", None, True),
                    _param("year", "query", "1900 to 2200", {"type": "integer"}, True),
                ],
                "responses": {"200": _json(ref("Holidays"), "Weekday holidays and closures"), **_problems(401, 422)},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This description",
                "operationId": "getOpenAPI",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document")},
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "problem"],
                            "properties": {"field": {"type": "string"}, "problem": {"type": "string"}},
                        },
                    },
                },
            },
            "Company": {
                "type": "object",
                "required": ["id", "name", "cik", "fiscal_year_end", "filer_status", "foreign_private_issuer", "matter_id"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "cik": {"type": "string", "description": "Ten digits, or empty"},
                    "fiscal_year_end": {"type": "string", "examples": ["12-31"]},
                    "filer_status": FILER_STATUS,
                    "foreign_private_issuer": {"type": "boolean"},
                    "matter_id": {"type": "integer", "description": "The matter holding its generated deadlines"},
                    "created_at": DATETIME,
                    "updated_at": DATETIME,
                },
            },
            "CompanyInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "fiscal_year_end", "filer_status"],
                "properties": {
                    "name": {"type": "string", "maxLength": 300},
                    "cik": {"type": "string", "maxLength": 10},
                    "fiscal_year_end": {"type": "string", "examples": ["12-31", "06-30"]},
                    "filer_status": FILER_STATUS,
                    "foreign_private_issuer": {"type": "boolean"},
                },
            },
            "CompanyPatch": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "maxLength": 300},
                    "cik": {"type": "string", "maxLength": 10},
                    "fiscal_year_end": {"type": "string"},
                    "filer_status": FILER_STATUS,
                    "foreign_private_issuer": {"type": "boolean"},
                },
            },
            "GenerateInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["year"],
                "properties": {"year": {"type": "integer", "minimum": 1900, "maximum": 2200}},
            },
            "Generation": {
                "type": "object",
                "required": ["company", "year", "created", "updated", "withdrawn", "unchanged"],
                "properties": {
                    "company": ref("Company"),
                    "year": {"type": "integer"},
                    **{k: {"type": "array", "items": ref("Deadline")} for k in ("created", "updated", "withdrawn", "unchanged")},
                },
            },
            "FilingInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["matter_id", "filing_rule", "trigger_date"],
                "properties": {
                    "matter_id": {"type": "integer"},
                    "filing_rule": {"type": "string", "examples": ["8-K", "13D", "4"]},
                    "trigger_date": DATE,
                    "item": {"type": "string", "examples": ["1.01"]},
                    "title": {"type": "string", "maxLength": 500},
                    "assignee": {"type": "string", "maxLength": 200},
                    "notes": {"type": "string", "maxLength": 20000},
                },
            },
            "FilingRule": {
                "type": "object",
                "required": ["id", "name", "form", "trigger", "offset", "cutoff", "citation"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "form": {"type": "string"},
                    "trigger": {"type": "string"},
                    "event": {"type": "string"},
                    "of": {"type": "array", "items": {"type": "string"}},
                    "offset": {"type": "string"},
                    "cutoff": {"type": "string"},
                    "filers": {"type": "array", "items": {"type": "string"}},
                    "issuers": {"type": "string"},
                    "periodic": {"type": "boolean"},
                    "in_force_from": {"type": ["string", "null"], "format": "date"},
                    "in_force_to": {"type": ["string", "null"], "format": "date"},
                    "citation": {"type": "string"},
                    "notes": {"type": "string"},
                    "items": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string"},
                },
            },
            "Step": {
                "type": "object",
                "required": ["date", "action", "note"],
                "properties": {
                    "date": DATE,
                    "weekday": {"type": "string"},
                    "action": {
                        "type": "string",
                        "enum": ["start", "count", "skip", "land", "roll", "due", "end", "cutoff", "override", "source", "error"],
                    },
                    "note": {"type": "string"},
                    "day": {"type": "integer"},
                },
            },
            "MatterInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 500, "examples": ["ImmunoGen, Inc. - Form 10-K FY2008 review"]},
                    "company": {"type": "string", "maxLength": 500},
                    "file_numbers": TEXT_LIST,
                    "tags": TEXT_LIST,
                    "owner": {"type": "string", "maxLength": 200},
                },
            },
            "MatterPatch": {"allOf": [ref("MatterInput")], "required": [], "minProperties": 1},
            "Matter": {
                "type": "object",
                "required": ["id", "name", "company", "file_numbers", "tags", "owner", "created_at", "updated_at"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "company": {"type": "string"},
                    "file_numbers": {"type": "array", "items": {"type": "string"}},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "owner": {"type": "string"},
                    "created_at": DATETIME,
                    "updated_at": DATETIME,
                },
            },
            "MatterList": {
                "type": "object",
                "required": ["items", "next"],
                "properties": {"items": {"type": "array", "items": ref("Matter")}, "next": {"type": ["string", "null"]}},
            },
            "DeadlineInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["matter_id", "title", "trigger_date", "rule"],
                "properties": {
                    "matter_id": {"type": "integer"},
                    "title": {"type": "string", "minLength": 1, "maxLength": 500},
                    "kind": KIND,
                    "trigger_date": DATE,
                    "rule": {
                        "type": "string",
                        "examples": ["10 business days", "60 calendar days", "2 business days 22:00 America/New_York"],
                    },
                    "calendar": {"type": "string", "examples": ["us-federal"]},
                    "assignee": {"type": "string", "maxLength": 200},
                    "notes": {"type": "string", "maxLength": 20000},
                    "override_due_date": {**DATE, "type": ["string", "null"]},
                    "override_reason": {"type": ["string", "null"], "description": "Required with override_due_date"},
                    "alert_schedule": SCHEDULE,
                },
            },
            "DeadlinePatch": {"allOf": [ref("DeadlineInput")], "required": [], "minProperties": 1},
            "ExtensionInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["reason"],
                "description": "Exactly one of due_date (the new date) or rule (a new rule from the same trigger)",
                "properties": {"due_date": DATE, "rule": {"type": "string"}, "reason": {"type": "string", "minLength": 1}},
            },
            "ReasonInput": {"type": "object", "additionalProperties": False, "properties": {"reason": {"type": "string"}}},
            "Deadline": {
                "type": "object",
                "required": [
                    "id",
                    "matter_id",
                    "title",
                    "kind",
                    "trigger_date",
                    "rule",
                    "calendar",
                    "due_date",
                    "cutoff",
                    "status",
                    "assignee",
                    "notes",
                    "explanation",
                    "computed_due_date",
                    "override",
                    "version",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "matter_id": {"type": "integer"},
                    "matter_name": {"type": "string"},
                    "title": {"type": "string"},
                    "kind": KIND,
                    "trigger_date": DATE,
                    "rule": {"type": "string"},
                    "calendar": {"type": "string"},
                    "due_date": DATE,
                    "cutoff": {**DATETIME, "description": "When the deadline ends, with its UTC offset"},
                    "computed_due_date": DATE,
                    "override": {
                        "type": ["object", "null"],
                        "properties": {"due_date": DATE, "reason": {"type": "string"}},
                    },
                    "status": STATUS,
                    "assignee": {"type": "string"},
                    "notes": {"type": "string"},
                    "version": {"type": "integer", "description": "Rises when the date, cutoff or title changes"},
                    "created_at": DATETIME,
                    "updated_at": DATETIME,
                    "completed_at": {"type": ["string", "null"], "format": "date-time"},
                    "alert_schedule": SCHEDULE,
                    "filing_rule": {"type": ["string", "null"], "description": "The compliance rule it was made from, e.g. 10-K.laf"},
                    "citation": {"type": ["string", "null"], "description": "That rule's legal source"},
                    "depends_on_id": {
                        "type": ["integer", "null"],
                        "description": "The deadline whose prescribed due date triggers this one",
                    },
                    "explanation": {"type": "array", "items": ref("Step")},
                },
            },
            "DeadlineList": {
                "type": "object",
                "required": ["items", "next"],
                "properties": {"items": {"type": "array", "items": ref("Deadline")}, "next": {"type": ["string", "null"]}},
            },
            "HistoryEntry": {
                "type": "object",
                "required": ["at", "actor", "action", "entity", "entity_id", "changes"],
                "properties": {
                    "at": DATETIME,
                    "actor": {"type": "string"},
                    "action": {"type": "string"},
                    "entity": {"type": "string", "enum": ["matter", "deadline"]},
                    "entity_id": {"type": "integer"},
                    "changes": {"type": "object"},
                    "reason": {"type": ["string", "null"]},
                },
            },
            "DeadlineHistory": {
                "type": "object",
                "required": ["items", "extensions"],
                "properties": {
                    "items": {"type": "array", "items": ref("HistoryEntry")},
                    "extensions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "at": DATETIME,
                                "actor": {"type": "string"},
                                "previous_due_date": DATE,
                                "new_due_date": DATE,
                                "previous_rule": {"type": "string"},
                                "new_rule": {"type": ["string", "null"]},
                                "reason": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "Computation": {
                "type": "object",
                "required": ["start", "rule", "calendar", "due", "cutoff", "explanation"],
                "properties": {
                    "start": DATE,
                    "rule": {"type": "string"},
                    "calendar": {"type": "string"},
                    "calendar_description": {"type": "string"},
                    "due": DATE,
                    "weekday": {"type": "string"},
                    "cutoff": DATETIME,
                    "explanation": {"type": "array", "items": ref("Step")},
                },
            },
            "FeedInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "scope": {
                        "type": "object",
                        "additionalProperties": False,
                        "description": "Which deadlines: all that are set must match (default: every deadline)",
                        "properties": {
                            "matter_id": {"type": ["integer", "null"]},
                            "assignee": {"type": ["string", "null"]},
                            "tag": {"type": ["string", "null"]},
                            "company": {"type": ["string", "null"]},
                        },
                    },
                    "include_completed": {"type": "boolean", "default": False},
                    "window_days_back": {"type": "integer", "minimum": 0, "maximum": 36500, "default": 90},
                    "window_days_ahead": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 730},
                    "reminders": {
                        "type": "array",
                        "items": {"type": "string", "examples": ["PT15H", "P2D"]},
                        "maxItems": 5,
                        "description": "VALARMs this long before each all-day event starts (default PT15H: 9:00 the day before)",
                    },
                    "cutoff_events": {"type": "boolean", "default": False, "description": "Also a timed event (UTC) at each cutoff"},
                },
            },
            "FeedPatch": {"allOf": [ref("FeedInput")], "required": [], "minProperties": 1},
            "Feed": {
                "type": "object",
                "required": ["id", "name", "scope", "url", "webcal_url", "outlook_work", "outlook_personal", "google", "apple"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "scope": {"type": "object"},
                    "include_completed": {"type": "boolean"},
                    "window_days_back": {"type": "integer"},
                    "window_days_ahead": {"type": "integer"},
                    "reminders": {"type": "array", "items": {"type": "string"}},
                    "cutoff_events": {"type": "boolean"},
                    "url": {"type": "string", "description": "The secret feed URL (https behind server.public_url)"},
                    "webcal_url": {"type": "string"},
                    "outlook_work": {"type": "string", "description": "Subscribe in Outlook on the web, work or school account"},
                    "outlook_personal": {"type": "string", "description": "Subscribe in Outlook.com"},
                    "google": {"type": "string", "description": "Subscribe in Google Calendar"},
                    "apple": {"type": "string", "description": "webcal:// for Apple Calendar and classic Outlook"},
                    "created_at": DATETIME,
                    "updated_at": DATETIME,
                },
            },
            "ChannelInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "kind", "url"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "kind": {"type": "string", "enum": ["slack", "webhook", "teams"]},
                    "url": {"type": "string", "description": "The webhook URL: a secret, shown masked afterwards"},
                    "routing": {
                        "type": "object",
                        "additionalProperties": False,
                        "description": "Which deadlines this channel receives: every list that is not empty must match",
                        "properties": {
                            "matters": {"type": "array", "items": {"type": "integer"}},
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "assignees": {"type": "array", "items": {"type": "string"}},
                            "companies": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "schedule": SCHEDULE,
                    "digest": {"type": "boolean", "description": "Also a daily digest of what is due in the next digest_business_days"},
                    "digest_business_days": {"type": "integer", "minimum": 1, "maximum": 60},
                    "enabled": {"type": "boolean"},
                },
            },
            "ChannelPatch": {"allOf": [ref("ChannelInput")], "required": [], "minProperties": 1},
            "Channel": {
                "type": "object",
                "required": ["id", "name", "kind", "url", "routing", "enabled"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["slack", "webhook", "teams"]},
                    "url": {"type": "string", "description": "Masked"},
                    "routing": {"type": "object"},
                    "schedule": SCHEDULE,
                    "digest": {"type": "boolean"},
                    "digest_business_days": {"type": "integer"},
                    "source": {"type": "string", "enum": ["api", "config"]},
                    "enabled": {"type": "boolean"},
                    "disabled_reason": {"type": ["string", "null"]},
                    "paused_until": {"type": ["string", "null"], "format": "date-time"},
                    "last_success_at": {"type": ["string", "null"], "format": "date-time"},
                    "last_error": {"type": ["string", "null"]},
                    "last_error_at": {"type": ["string", "null"], "format": "date-time"},
                    "alerts": {"type": "object", "description": "How many alerts are in each status"},
                    "signing_secret": {"type": "string", "description": "webhook channels: the key of X-Calendar-Service-Signature"},
                    "created_at": DATETIME,
                    "updated_at": DATETIME,
                },
            },
            "Alert": {
                "type": "object",
                "required": ["id", "channel_id", "offset", "generation", "due_at", "status", "attempts"],
                "properties": {
                    "id": {"type": "integer"},
                    "deadline_id": {"type": ["integer", "null"]},
                    "channel_id": {"type": "integer"},
                    "offset": {"type": "string", "examples": ["T-5BD", "DUE", "OVERDUE-1", "MOVED", "TEST-1a2b3c", "DIGEST-2009-05-18"]},
                    "generation": {"type": "integer"},
                    "due_at": DATETIME,
                    "status": {"type": "string", "enum": ["pending", "sending", "sent", "dead", "superseded", "cancelled"]},
                    "attempts": {"type": "integer"},
                    "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
                    "sent_at": {"type": ["string", "null"], "format": "date-time"},
                    "late": {"type": "boolean"},
                    "last_http_status": {"type": ["integer", "null"]},
                    "last_error": {"type": ["string", "null"]},
                    "deliveries": {"type": "array", "items": {"type": "object"}},
                },
            },
            "LetterFacts": {
                "type": "object",
                "required": [
                    "kind",
                    "letter_date",
                    "company",
                    "file_numbers",
                    "forms",
                    "deadline",
                    "evidence",
                    "needs_review",
                    "review_reasons",
                ],
                "properties": {
                    "file": {"type": "string"},
                    "kind": {"type": "string", "enum": ["staff-comment", "staff-closing", "staff-no-review", "company-response"]},
                    "letter_date": {**DATE, "type": ["string", "null"]},
                    "company": {"type": ["string", "null"]},
                    "file_numbers": {"type": "array", "items": {"type": "string"}},
                    "cik": {"type": ["string", "null"]},
                    "forms": {"type": "array", "items": {"type": "string"}},
                    "division": {"type": ["string", "null"]},
                    "office": {"type": ["string", "null"]},
                    "comment_count": {"type": ["integer", "null"]},
                    "contacts": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}},
                    },
                    "responds_to": {**DATE, "type": ["string", "null"]},
                    "deadline": {
                        "type": ["object", "null"],
                        "description": (
                            "A staff period (count, unit, due), a fixed date (fixed_date, due) or a requested new date "
                            "(requested_date, due, and count/unit/base when given as a period)"
                        ),
                        "properties": {
                            "count": {"type": ["integer", "null"]},
                            "unit": {"type": ["string", "null"], "enum": ["business days", "calendar days", None]},
                            "due": {**DATE, "type": ["string", "null"]},
                            "fixed_date": DATE,
                            "requested_date": {**DATE, "type": ["string", "null"]},
                            "base": {"type": ["string", "null"], "enum": ["original-due-date", "staff-letter-date", None]},
                        },
                    },
                    "evidence": {
                        "type": ["object", "null"],
                        "properties": {"text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}},
                    },
                    "needs_review": {"type": "boolean"},
                    "review_reasons": {"type": "array", "items": {"type": "string"}},
                },
            },
            "LetterResult": {
                "type": "object",
                "required": ["file", "dry_run", "action", "detail", "facts", "matter", "deadline", "letter_id"],
                "properties": {
                    "file": {"type": "string"},
                    "dry_run": {"type": "boolean"},
                    "action": {"type": "string", "enum": ["created", "extended", "filed", "filed for review", "unchanged"]},
                    "detail": {"type": "string"},
                    "facts": ref("LetterFacts"),
                    "matter": {"oneOf": [ref("Matter"), {"type": "null"}]},
                    "deadline": {"oneOf": [ref("Deadline"), {"type": "null"}]},
                    "letter_id": {"type": ["integer", "null"]},
                },
            },
            "StoredLetter": {
                "type": "object",
                "required": ["id", "filename", "kind", "letter_date", "facts", "text"],
                "properties": {
                    "id": {"type": "integer"},
                    "filename": {"type": "string"},
                    "kind": {"type": "string"},
                    "letter_date": {**DATE, "type": ["string", "null"]},
                    "source": {"type": "string", "enum": ["text", "pdf"]},
                    "deadline_id": {"type": ["integer", "null"]},
                    "facts": ref("LetterFacts"),
                    "text": {"type": "string", "description": "The cleaned text the evidence spans point into"},
                    "created_at": DATETIME,
                },
            },
            "CalendarList": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "description"],
                            "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
                        },
                    }
                },
            },
            "Holidays": {
                "type": "object",
                "required": ["calendar", "year", "days"],
                "properties": {
                    "calendar": {"type": "string"},
                    "calendar_description": {"type": "string"},
                    "year": {"type": "integer"},
                    "weekend": {"type": "array", "items": {"type": "string"}},
                    "days": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["date", "name", "kind"],
                            "properties": {
                                "date": DATE,
                                "weekday": {"type": "string"},
                                "name": {"type": "string"},
                                "kind": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}
