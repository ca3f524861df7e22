"""A company's year of filing deadlines in the store (issue 8), on both databases, through the API:
profiles, idempotent generation, profile changes, event-driven filings, Form 12b-25 and the
deadlines that follow their trigger, and the citation downstream in feeds."""

from __future__ import annotations

import json

import pytest
from api_client import ApiClient
from conftest import FROZEN_NOW

from calendar_service.services import tokens as token_service

ACME = {"name": "Acme Corp", "cik": "855654", "fiscal_year_end": "12-31", "filer_status": "large-accelerated"}


@pytest.fixture
def api(app, store):
    return ApiClient(app, token_service.create_token(store, "compliance", read_only=False, now=FROZEN_NOW))


@pytest.fixture
def acme(api):
    response = api.post("/api/v1/companies", json=ACME)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def generate(api, company, year=2026):
    response = api.post(f"/api/v1/companies/{company['id']}/generate", json={"year": year})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def summary(deadlines):
    return [(d["filing_rule"], d["due_date"], d["status"]) for d in deadlines]


def test_generating_a_year_creates_each_periodic_deadline_once_with_its_rule_and_citation(api, acme):
    assert acme["cik"] == "0000855654" and acme["matter_id"]
    first = generate(api, acme)
    assert summary(first["created"]) == [
        ("5", "2026-02-17", "open"),
        ("10-K.laf", "2026-03-02", "open"),
        ("DEF-14A.part-iii", "2026-04-30", "open"),
        ("10-Q.accelerated", "2026-05-11", "open"),
        ("10-Q.accelerated", "2026-08-10", "open"),
        ("10-Q.accelerated", "2026-11-09", "open"),
    ]
    ten_k = first["created"][1]
    assert ten_k["citation"] == "Form 10-K, General Instruction A(2)(a); Exchange Act Rule 0-3"
    assert ten_k["title"] == "Acme Corp: Annual report on Form 10-K (large accelerated filer), FY2025"
    assert ten_k["trigger_date"] == "2025-12-31" and ten_k["cutoff"] == "2026-03-02T17:30:00-05:00"
    assert ten_k["explanation"][-1]["action"] == "source" and "A(2)(a)" in ten_k["explanation"][-1]["note"]
    assert all(d["matter_id"] == acme["matter_id"] and d["kind"] == "filing" for d in first["created"])

    second = generate(api, acme)
    assert second["created"] == [] and second["updated"] == [] and second["withdrawn"] == []
    assert len(second["unchanged"]) == 6
    listed = api.get(f"/api/v1/deadlines?matter={acme['matter_id']}&limit=100").get_json()["items"]
    assert len(listed) == 6


def test_a_changed_profile_updates_what_is_open_and_leaves_what_is_done(api, acme):
    created = generate(api, acme)["created"]
    form_5 = created[0]
    assert api.post(f"/api/v1/deadlines/{form_5['id']}/complete", json={}).status_code == 200

    changed = api.patch(f"/api/v1/companies/{acme['id']}", json={"filer_status": "non-accelerated"})
    assert changed.status_code == 200 and changed.get_json()["filer_status"] == "non-accelerated"
    result = generate(api, acme)
    assert summary(result["updated"]) == [
        ("10-K.naf", "2026-03-31", "open"),  # 90 days
        ("10-Q.other", "2026-05-15", "open"),
        ("10-Q.other", "2026-08-14", "open"),
        ("10-Q.other", "2026-11-16", "open"),  # 45 days is Sat 11-14
    ]
    assert result["created"] == [] and result["withdrawn"] == []
    history = api.get(f"/api/v1/deadlines/{created[1]['id']}/history").get_json()
    last = history["history"][-1] if "history" in history else history["items"][-1]
    assert last["action"] == "regenerate" and "10-K.naf" in last["reason"]

    # Now a foreign private issuer: the domestic forms still open are withdrawn, the 20-F appears.
    api.patch(f"/api/v1/companies/{acme['id']}", json={"foreign_private_issuer": True})
    result = generate(api, acme)
    assert summary(result["created"]) == [("20-F", "2026-04-30", "open")]
    assert sorted(d["filing_rule"] for d in result["withdrawn"]) == [
        "10-K.naf",
        "10-Q.other",
        "10-Q.other",
        "10-Q.other",
        "DEF-14A.part-iii",
    ]
    assert api.get(f"/api/v1/deadlines/{form_5['id']}").get_json()["status"] == "done"  # done stays done


def test_an_event_driven_filing_gets_its_due_date_and_citation(api, acme):
    body = {"matter_id": acme["matter_id"], "filing_rule": "8-K", "item": "1.01", "trigger_date": "2025-12-24"}
    response = api.post("/api/v1/filings", json=body)
    assert response.status_code == 201, response.get_json()
    deadline = response.get_json()
    assert deadline["due_date"] == "2026-01-02"  # the event on an EDGAR closure counts from Mon 12-29
    assert deadline["title"] == "Current report on Form 8-K, Item 1.01 Entry into a Material Definitive Agreement"
    assert deadline["citation"] == "Form 8-K, General Instruction B.1"

    thirteen_d = api.post(
        "/api/v1/filings", json={"matter_id": acme["matter_id"], "filing_rule": "13D", "trigger_date": "2024-01-31"}
    ).get_json()
    assert (thirteen_d["due_date"], thirteen_d["cutoff"]) == ("2024-02-12", "2024-02-12T22:00:00-05:00")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"filing_rule": "8-K", "item": "9.99", "trigger_date": "2025-12-24"}, 422, "item"),
        ({"filing_rule": "10-X", "trigger_date": "2025-12-24"}, 422, "filing_rule"),
        ({"filing_rule": "4", "trigger_date": "2002-08-28"}, 422, "filing_rule"),
        ({"filing_rule": "8-K", "trigger_date": "2025-02-30"}, 422, "trigger_date"),
    ],
)
def test_a_bad_filing_request_is_a_422_naming_the_field(api, acme, body, status, field):
    response = api.post("/api/v1/filings", json={"matter_id": acme["matter_id"], **body})
    assert response.status_code == status
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_form_12b25_extends_the_report_and_its_notice_follows_the_reports_trigger(api, acme):
    ten_q = generate(api, acme)["created"][3]
    assert (ten_q["filing_rule"], ten_q["due_date"]) == ("10-Q.accelerated", "2026-05-11")
    response = api.post(f"/api/v1/deadlines/{ten_q['id']}/12b-25")
    assert response.status_code == 200, response.get_json()
    report, notice = response.get_json()["report"], response.get_json()["notice"]
    assert (report["status"], report["due_date"]) == ("extended", "2026-05-18")  # +5 calendar days
    assert (notice["filing_rule"], notice["due_date"], notice["depends_on_id"]) == ("NT.notice", "2026-05-12", ten_q["id"])
    assert api.post(f"/api/v1/deadlines/{ten_q['id']}/12b-25").status_code == 409  # one extension

    # The report's trigger was wrong: correcting it moves the notice, with a history entry.
    moved = api.patch(f"/api/v1/deadlines/{ten_q['id']}", json={"trigger_date": "2026-03-28"})
    assert moved.status_code == 200
    notice_now = api.get(f"/api/v1/deadlines/{notice['id']}").get_json()
    assert notice_now["trigger_date"] == "2026-05-07" and notice_now["due_date"] == "2026-05-08"  # 40 days after 03-28
    history = api.get(f"/api/v1/deadlines/{notice['id']}/history").get_json()
    entries = history.get("history") or history.get("items")
    assert entries[-1]["action"] == "follow" and str(ten_q["id"]) in entries[-1]["reason"]


def test_12b25_is_refused_for_a_current_report_and_a_hand_made_deadline(api, acme):
    eight_k = api.post(
        "/api/v1/filings", json={"matter_id": acme["matter_id"], "filing_rule": "8-K", "trigger_date": "2026-03-02"}
    ).get_json()
    refused = api.post(f"/api/v1/deadlines/{eight_k['id']}/12b-25")
    assert refused.status_code == 409 and "only to 10-K, 10-Q, 20-F and 11-K" in refused.get_json()["detail"]
    assert api.post("/api/v1/deadlines/999999/12b-25").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ACME, "fiscal_year_end": "13-01"}, "fiscal_year_end"),
        ({**ACME, "filer_status": "huge"}, "filer_status"),
        ({**ACME, "cik": "CIK123"}, "cik"),
        ({key: value for key, value in ACME.items() if key != "name"}, "name"),
    ],
)
def test_a_bad_profile_is_a_422_naming_the_field(api, body, field):
    response = api.post("/api/v1/companies", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_company_names_are_unique_and_generation_checks_the_year(api, acme):
    assert api.post("/api/v1/companies", json=ACME).status_code == 409
    assert api.post(f"/api/v1/companies/{acme['id']}/generate", json={"year": "next"}).status_code == 422
    assert api.post("/api/v1/companies/999999/generate", json={"year": 2026}).status_code == 404
    assert [c["name"] for c in api.get("/api/v1/companies").get_json()["items"]] == ["Acme Corp"]
    renamed = api.patch(f"/api/v1/companies/{acme['id']}", json={"name": "Acme Holdings"}).get_json()
    assert renamed["name"] == "Acme Holdings"
    assert api.get(f"/api/v1/matters/{acme['matter_id']}").get_json()["company"] == "Acme Holdings"
    rules = api.get("/api/v1/filing-rules").get_json()["items"]
    assert {"8-K", "10-K.laf", "13D", "NT.notice"} <= {r["id"] for r in rules}


def test_the_feed_shows_each_generated_deadline_with_its_source(app, api, acme):
    generate(api, acme)
    response = api.post(
        "/api/v1/feeds",
        json={"name": "Acme filings", "scope": {"company": "Acme Corp"}, "window_days_back": 36500, "window_days_ahead": 3650},
    )
    assert response.status_code == 201, response.get_json()
    path = "/" + response.get_json()["url"].split("://", 1)[1].split("/", 1)[1]
    body = app.test_client().get(path).get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert "Source: Form 10-K\\, General Instruction A(2)(a)\\; Exchange Act Rule 0-3 (rule 10-K.laf)" in unfolded
    assert unfolded.count("BEGIN:VEVENT") >= 6


def test_the_cli_generates_a_year_once_and_follows_a_profile_change(tmp_path, capsys):
    from calendar_service.cli import main

    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nsqlite_path = "{tmp_path / "cli.db"}"\n', encoding="utf-8")
    run = ["--config", str(config)]
    assert main([*run, "companies", "add", "Acme Corp", "--fye", "12-31", "--status", "large-accelerated"]) == 0
    assert main([*run, "calendar", "generate", "Acme Corp", "--year", "2026"]) == 0
    assert capsys.readouterr().out.strip().endswith("Acme Corp 2026: 6 created, 0 updated, 0 withdrawn, 0 unchanged")
    assert main([*run, "calendar", "generate", "acme corp", "--year", "2026"]) == 0
    assert capsys.readouterr().out.strip() == "Acme Corp 2026: 0 created, 0 updated, 0 withdrawn, 6 unchanged"
    assert main([*run, "companies", "change", "Acme Corp", "--status", "accelerated"]) == 0
    assert main([*run, "calendar", "generate", "Acme Corp", "--year", "2026", "--json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out[out.index("{") :])
    assert [(d["filing_rule"], d["due_date"]) for d in result["updated"]] == [("10-K.af", "2026-03-16")]
    assert main([*run, "calendar", "file-12b25", str(result["updated"][0]["id"])]) == 0
    assert "extended to 2026-03-31" in capsys.readouterr().out
    assert main([*run, "calendar", "add", "8-K", "2025-12-24", "--item", "1.01", "--matter", str(result["company"]["matter_id"])]) == 0
    assert capsys.readouterr().out.startswith("deadline 8: 2026-01-02 by 17:30  Current report on Form 8-K, Item 1.01")
    for argv, message in (
        (["calendar", "generate", "Nobody", "--year", "2026"], "there is no company 'Nobody'"),
        (["companies", "add", "Acme Corp", "--fye", "12-31", "--status", "accelerated"], "already a company named 'Acme Corp'"),
        (["calendar", "file-12b25", "1"], "Form 12b-25 applies only to 10-K, 10-Q, 20-F and 11-K"),
    ):
        assert main([*run, *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_a_periodic_rule_from_config_is_generated_like_the_built_in_ones(tmp_path, capsys):
    from calendar_service.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\nsqlite_path = "{tmp_path / "cli.db"}"\n\n'
        '[[compliance.rules]]\nid = "state-annual-report"\nname = "State annual report"\ntrigger = "fiscal_year_end"\n'
        'offset = "30 calendar days"\nperiodic = true\ncitation = "the state statute"\n',
        encoding="utf-8",
    )
    run = ["--config", str(config)]
    assert main([*run, "companies", "add", "Acme Corp", "--fye", "12-31", "--status", "non-accelerated"]) == 0
    assert main([*run, "calendar", "generate", "Acme Corp", "--year", "2026", "--json"]) == 0
    out = capsys.readouterr().out
    created = {d["filing_rule"]: d for d in json.loads(out[out.index("{") :])["created"]}
    state = created["state-annual-report"]
    assert (state["due_date"], state["citation"]) == ("2026-01-30", "the state statute")
    assert state["title"] == "Acme Corp: State annual report, FY2025"
