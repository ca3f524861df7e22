"""The web pages through Flask's test client, on both databases: sign-in, CSRF, roles, headers, and
a bounded number of queries however many deadlines the dashboard shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from calendar_service.services import deadlines as deadline_service
from calendar_service.services import matters as matter_service
from calendar_service.services import users as user_service
from calendar_service.store import records as db
from calendar_service.web import create_app

NOW = datetime(2009, 5, 12, 15, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def site(store, settings, clock):
    clock.now = NOW
    app = create_app(settings, store, clock=clock, secret=b"a-test-secret-of-more-than-32-characters!!")
    for email, role in (("ed@example.com", "editor"), ("vi@example.com", "viewer")):
        user_service.add_user(store, email, PASSWORD, role, now=NOW)
    return app


def signed_in(app, email):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = "text/html"
    page = client.get("/login", base_url="https://localhost")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, base_url="https://localhost")
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, token


def csrf_of(client, path="/"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, base_url="https://localhost").get_data(as_text=True)).group(1)


def seed_deadline(store, settings):
    matter = matter_service.create_matter(store, {"name": "ImmunoGen review", "company": "ImmunoGen, Inc."}, actor="t", now=NOW)
    body = {"matter_id": matter["id"], "title": "Response to SEC comments", "trigger_date": "2009-05-11", "rule": "10 business days"}
    return deadline_service.create_deadline(store, settings, body, actor="t", now=NOW)


def test_pages_need_a_signed_in_user(site):
    client = site.test_client()
    for path in ("/", "/calendar", "/deadlines/new", "/letters/new", "/feeds", "/channels", "/holidays"):
        response = client.get(path, base_url="https://localhost")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_wrong_password_is_refused(site):
    client = site.test_client()
    token = csrf_of(client, "/login")
    response = client.post(
        "/login", data={"email": "ed@example.com", "password": "nope", "csrf_token": token}, base_url="https://localhost"
    )
    assert response.status_code == 401 and "do not match" in response.get_data(as_text=True)


def test_the_session_cookie_is_secure_httponly_and_samesite(site):
    client = site.test_client()
    token = csrf_of(client, "/login")
    response = client.post(
        "/login", data={"email": "ed@example.com", "password": PASSWORD, "csrf_token": token}, base_url="https://localhost"
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site, store, settings):
    deadline = seed_deadline(store, settings)
    client, _ = signed_in(site, "ed@example.com")
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/deadlines/{deadline['id']}/complete", data=data, base_url="https://localhost")
        assert response.status_code == 400 and "form has expired" in response.get_data(as_text=True)
    assert deadline_service.get_deadline(store, settings, deadline["id"])["status"] == "open"
    response = client.post(f"/deadlines/{deadline['id']}/complete", data={"csrf_token": csrf_of(client)}, base_url="https://localhost")
    assert response.status_code == 302
    assert deadline_service.get_deadline(store, settings, deadline["id"])["status"] == "done"


def test_a_viewer_cannot_change_anything(site, store, settings):
    deadline = seed_deadline(store, settings)
    client, _ = signed_in(site, "vi@example.com")
    token = csrf_of(client)
    dashboard = client.get("/", base_url="https://localhost").get_data(as_text=True)
    assert "Response to SEC comments" in dashboard and "/complete" not in dashboard and "Extend" not in dashboard
    attempts = [
        (f"/deadlines/{deadline['id']}/complete", {}),
        (f"/deadlines/{deadline['id']}/extend", {"due_date": "2009-06-09", "reason": "x"}),
        ("/deadlines/new", {"matter_id": "1", "title": "x", "trigger_date": "2009-05-11", "rule": "1BD"}),
        ("/letters/confirm", {"text": "x"}),
        ("/feeds", {"name": "x"}),
    ]
    for path, data in attempts:
        response = client.post(path, data={**data, "csrf_token": token}, base_url="https://localhost")
        assert response.status_code == 403, path
    assert deadline_service.get_deadline(store, settings, deadline["id"])["status"] == "open"
    with store.read() as conn:
        assert db.list_feeds(conn) == []


def test_pages_forbid_inline_script_and_leak_no_referrer(site):
    client, _ = signed_in(site, "ed@example.com")
    response = client.get("/", base_url="https://localhost")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["X-Content-Type-Options"] == "nosniff"
    for template in (Path(__file__).parent.parent / "calendar_service" / "web" / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert " style=" not in text and "<style" not in text and " on" + "click=" not in text, template.name


def test_the_deadline_page_explains_and_highlights_the_letter(site, store, settings):
    from calendar_service.services import letters as letter_service

    letter = (Path(__file__).parent / "data" / "immunogen-2009-05-11.txt").read_bytes()
    result = letter_service.ingest(store, settings, letter, "immunogen.txt", actor="t", now=NOW)
    client, _ = signed_in(site, "ed@example.com")
    page = client.get(f"/deadlines/{result['deadline']['id']}", base_url="https://localhost").get_data(as_text=True)
    assert "Memorial Day (holiday)" in page
    assert '<mark id="evidence">Please provide us the information requested within 10 business days' in page
    assert "2009-05-26" in page


def test_the_dashboard_needs_the_same_few_queries_for_1000_deadlines(site, store, settings):
    matter = matter_service.create_matter(store, {"name": "Bulk", "company": "Bulk Corp", "tags": ["bulk"]}, actor="t", now=NOW)
    client, _ = signed_in(site, "ed@example.com")

    def queries_for(path):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            response = client.get(path, base_url="https://localhost")
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(seen)

    with store.write() as conn:
        for i in range(5):
            values = {"matter_id": matter["id"], "title": f"d{i}", "trigger_date": datetime(2009, 5, 11).date(), "rule": "10 business days"}
            deadline_service.insert_deadline(conn, settings, values, actor="t", now=NOW)
    few = queries_for("/")
    with store.write() as conn:
        for i in range(995):
            values = {
                "matter_id": matter["id"],
                "title": f"e{i}",
                "trigger_date": datetime(2009, 1, 2).date(),
                "rule": f"{1 + i % 200} business days",
            }
            deadline_service.insert_deadline(conn, settings, values, actor="t", now=NOW)
    many = queries_for("/")
    assert many == few <= 8
    assert queries_for("/calendar?month=2009-05") <= 8


def test_a_filing_rule_picked_on_the_new_deadline_page_gives_the_date_and_its_source(site, store, settings):
    from calendar_service.services import companies as company_service

    company = company_service.create_company(
        store, {"name": "Acme Corp", "fiscal_year_end": "12-31", "filer_status": "large-accelerated"}, actor="t", now=NOW
    )
    client, _ = signed_in(site, "ed@example.com")
    form = client.get("/deadlines/new", base_url="https://localhost").get_data(as_text=True)
    assert '<option value="8-K|1.01" >8-K, Item 1.01 Entry into a Material Definitive Agreement</option>' in form
    token = csrf_of(client, "/deadlines/new")
    body = {"csrf_token": token, "matter_id": str(company["matter_id"]), "filing_rule": "8-K|1.01", "trigger_date": "2025-12-24"}
    response = client.post("/deadlines/new", data=body, base_url="https://localhost", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Current report on Form 8-K, Item 1.01" in page and "2026-01-02" in page
    assert '<dd id="citation">Form 8-K, General Instruction B.1 (rule 8-K)</dd>' in page
    assert "File Form 12b-25" not in page  # no extension for a current report

    generated = company_service.generate_year(store, settings, company["id"], {"year": 2009}, actor="t", now=NOW)
    ten_q = next(d for d in generated["created"] if d["filing_rule"] == "10-Q.accelerated")
    page = client.get(f"/deadlines/{ten_q['id']}", base_url="https://localhost").get_data(as_text=True)
    assert "File Form 12b-25" in page
    token = csrf_of(client, f"/deadlines/{ten_q['id']}")
    done = client.post(f"/deadlines/{ten_q['id']}/12b-25", data={"csrf_token": token}, base_url="https://localhost", follow_redirects=True)
    assert "Form 12b-25 recorded" in done.get_data(as_text=True)
    assert deadline_service.get_deadline(store, settings, ten_q["id"])["status"] == "extended"
