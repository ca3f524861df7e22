"""Filing letters on both databases: matter found or made, deadline created or extended, nothing twice.

Through the service, the JSON API (text, PDF and multipart uploads) and the CLI.
"""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from api_client import ApiClient
from conftest import FROZEN_NOW
from pdf_maker import make_empty_pdf, make_pdf
from sqlalchemy import select

from calendar_service.cli import main
from calendar_service.errors import LetterError
from calendar_service.services import letters as letter_service
from calendar_service.services import tokens as token_service
from calendar_service.store.schema import metadata

DATA = Path(__file__).parent / "data"
SEED = (DATA / "immunogen-2009-05-11.txt").read_bytes()

STAFF = textwrap.dedent(
    """\
    UNITED STATES SECURITIES AND EXCHANGE COMMISSION
    DIVISION OF CORPORATION FINANCE
    March 3, 2017
    Mr. John Doe
    Chief Executive Officer
    Acme Widget Corp.
    Re: Acme Widget Corp.
    Form 10-K for the Fiscal Year Ended December 31, 2016
    Filed February 27, 2017
    File No. 001-34567
    Dear Mr. Doe:
    We have reviewed your filing and have the following comments.
    1. Please tell us more about your revenue.
    Please respond to these comments within ten business days by providing the requested information or advise us
    as soon as possible when you will respond.
    Please contact Jane Roe at 202-551-3470 with any questions.
    Sincerely,
    Division of Corporation Finance
    Office of Manufacturing
    """
).encode()

RESPONSE = textwrap.dedent(
    """\
    ACME WIDGET CORP.
    March 10, 2017
    VIA EDGAR
    Division of Corporation Finance
    Securities and Exchange Commission
    Re: Acme Widget Corp.
    Form 10-K for the Fiscal Year Ended December 31, 2016
    File No. 001-34567
    Ladies and Gentlemen:
    This letter is in response to your letter dated March 3, 2017 (the "Comment Letter"). The Company respectfully requests
    an extension to March 31, 2017 to respond to the Comment Letter, so that its Audit Committee can review the response.
    Sincerely,
    Mary Major
    Chief Financial Officer
    """
).encode()


def snapshot(store):
    with store.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))] for t in metadata.sorted_tables}


def ingest(store, settings, data, name="letter.txt", **kw):
    return letter_service.ingest(store, settings, data, name, actor="test", now=FROZEN_NOW, **kw)


def test_the_seed_letter_makes_its_matter_and_deadline(store, settings):
    result = ingest(store, settings, SEED, "immunogen.txt")
    assert result["action"] == "created"
    assert result["matter"]["name"] == "ImmunoGen, Inc. - Form 10-K review"
    assert result["matter"]["company"] == "ImmunoGen, Inc." and result["matter"]["file_numbers"] == ["000-17999"]
    deadline = result["deadline"]
    assert deadline["due_date"] == "2009-05-26" and deadline["kind"] == "comment-letter-response"
    assert deadline["trigger_date"] == "2009-05-11" and deadline["rule"] == "10 business days"
    assert deadline["title"] == "Response to SEC comment letter of May 11, 2009 (Form 10-K)"
    assert "within 10 business days of the date of this letter" in deadline["notes"]
    stored = letter_service.letters_of_matter(store, result["matter"]["id"])
    assert len(stored) == 1 and stored[0]["deadline_id"] == deadline["id"]
    evidence = stored[0]["facts"]["evidence"]
    assert stored[0]["text"][evidence["start"] : evidence["end"]] == evidence["text"]


def test_filing_the_same_letter_again_changes_nothing(store, settings):
    first = ingest(store, settings, SEED)
    before = snapshot(store)
    again = ingest(store, settings, SEED)
    assert again["action"] == "unchanged" and again["deadline"]["id"] == first["deadline"]["id"]
    assert snapshot(store) == before


def test_the_same_letter_as_a_pdf_makes_no_second_deadline(store, settings):
    ingest(store, settings, SEED)
    second = ingest(store, settings, make_pdf([SEED.decode()]), "immunogen.pdf")
    assert second["action"] in ("filed", "unchanged")
    with store.read() as conn:
        assert conn.execute(select(metadata.tables["deadlines"])).all().__len__() == 1


def test_a_dry_run_reports_and_changes_nothing(store, settings):
    before = snapshot(store)
    result = ingest(store, settings, SEED, dry_run=True)
    assert result["dry_run"] is True and result["action"] == "created"
    assert result["deadline"]["due_date"] == "2009-05-26"
    assert snapshot(store) == before


def test_a_company_response_extends_the_deadline_it_answers(store, settings):
    staff = ingest(store, settings, STAFF, "staff.txt")
    assert staff["deadline"]["due_date"] == "2017-03-17"
    response = ingest(store, settings, RESPONSE, "response.txt")
    assert response["action"] == "extended"
    assert response["matter"]["id"] == staff["matter"]["id"]  # same company and file number
    assert response["deadline"]["id"] == staff["deadline"]["id"]
    assert response["deadline"]["due_date"] == "2017-03-31" and response["deadline"]["status"] == "extended"
    assert len(letter_service.letters_of_matter(store, staff["matter"]["id"])) == 2
    assert ingest(store, settings, RESPONSE, "response.txt")["action"] == "unchanged"


def test_a_response_to_a_letter_not_on_file_records_both(store, settings):
    result = ingest(store, settings, (DATA / "letters" / "b01-marlowe-extension-request.txt").read_bytes())
    assert result["action"] == "extended"
    assert result["deadline"]["trigger_date"] == "2016-07-20"
    assert result["deadline"]["computed_due_date"] == "2016-08-03"
    assert result["deadline"]["due_date"] == "2016-08-17"
    assert "created deadline" in result["detail"]


def test_a_letter_that_needs_review_is_kept_but_sets_no_date(store, settings):
    result = ingest(store, settings, (DATA / "letters" / "b18-eastmere-notice-no-date.txt").read_bytes())
    assert result["action"] == "filed for review" and result["deadline"] is None
    assert result["facts"]["needs_review"] is True
    assert len(letter_service.letters_of_matter(store, result["matter"]["id"])) == 1


def test_a_closing_letter_is_filed_without_a_deadline(store, settings):
    closing = next(
        p
        for p in sorted((DATA / "letters").glob("a*.txt"))
        if json.loads(p.with_suffix(".expected.json").read_text())["kind"] == "staff-closing"
    )
    result = ingest(store, settings, closing.read_bytes())
    assert result["action"] == "filed" and result["deadline"] is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary" * 100, "binary"),
        (b"%PDF-1.5 not a pdf", "not a readable PDF"),
        (make_empty_pdf(), "no text layer"),
        (b"Just a note with no date and no company in it.", "no company"),
    ],
)
def test_hostile_input_is_refused_and_nothing_is_half_written(store, settings, data, message):
    ingest(store, settings, SEED)
    before = snapshot(store)
    with pytest.raises(LetterError, match=message):
        ingest(store, settings, data)
    assert snapshot(store) == before


# -- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def api(app, store):
    return ApiClient(app, token_service.create_token(store, "paralegal", read_only=False, now=FROZEN_NOW))


def test_post_a_letter_as_text_pdf_or_upload(api, store):
    created = api.post("/api/v1/letters", data=SEED, content_type="text/plain")
    assert created.status_code == 201
    body = created.get_json()
    assert body["facts"]["deadline"]["due"] == "2009-05-26" and body["deadline"]["due_date"] == "2009-05-26"
    # The same letter as a PDF has the same text once cleaned: it is recognised, not filed twice.
    again = api.post("/api/v1/letters", data=make_pdf([SEED.decode()]), content_type="application/pdf")
    assert again.status_code == 200 and again.get_json()["action"] == "unchanged"
    upload = api.post("/api/v1/letters", data={"file": (io.BytesIO(STAFF), "staff.txt")}, content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.get_json()["file"] == "staff.txt"
    letters = api.get(f"/api/v1/matters/{body['matter']['id']}/letters").get_json()["items"]
    assert [item["filename"] for item in letters] == ["letter.txt"]


def test_post_a_letter_dry_run_changes_nothing(api, store):
    before = snapshot(store)
    response = api.post("/api/v1/letters?dry_run=true", data=SEED, content_type="text/plain")
    assert response.status_code == 200 and response.get_json()["dry_run"] is True
    assert response.get_json()["deadline"]["due_date"] == "2009-05-26"
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("kwargs", "status", "field"),
    [
        ({"data": b"", "content_type": "text/plain"}, 422, "letter"),
        ({"data": b"x" * (20 * 1024 * 1024), "content_type": "text/plain"}, 413, None),
        ({"data": bytes(range(256)) * 50, "content_type": "application/pdf"}, 422, "letter"),
        ({"data": b"%PDF-1.4 nothing", "content_type": "application/pdf"}, 422, "letter"),
        ({"data": b"No date, no company, nothing.", "content_type": "text/plain"}, 422, "letter"),
        ({"data": b"<xml/>", "content_type": "application/xml"}, 415, None),
        ({"data": "multipart without a file field", "content_type": "multipart/form-data"}, 422, "file"),
        ({"data": SEED, "content_type": "text/plain", "query_string": {"dry_run": "maybe"}}, 422, "dry_run"),
        ({"data": SEED, "content_type": "text/plain; charset=klingon"}, 422, "letter"),
    ],
    ids=["empty", "20-mb", "binary-as-pdf", "not-a-pdf", "no-date", "xml", "no-file-field", "bad-dry-run", "unknown-charset"],
)
def test_bad_letters_over_http_get_a_4xx_and_change_nothing(api, store, kwargs, status, field):
    before = snapshot(store)
    if kwargs["content_type"] == "multipart/form-data":
        kwargs = {**kwargs, "data": {"other": (io.BytesIO(b"x"), "x.txt")}}  # a fresh file object for each run
    response = api.post("/api/v1/letters", **kwargs)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["status"] == status
    if field:
        assert any(e["field"] == field for e in body["errors"])
    assert snapshot(store) == before


def test_a_read_only_token_cannot_file_letters(api, store):
    reader = token_service.create_token(store, "auditor", read_only=True, now=FROZEN_NOW)
    assert api.post("/api/v1/letters", data=SEED, content_type="text/plain", token=reader).status_code == 403


# -- the command line --------------------------------------------------------------------------


def test_cli_parse_prints_facts_and_json(capsys):
    assert main(["letters", "parse", str(DATA / "immunogen-2009-05-11.txt")]) == 0
    out = capsys.readouterr().out
    assert "deadline: 10 business days -> due 2009-05-26 (Tue)" in out and "company: ImmunoGen, Inc." in out
    assert main(["letters", "parse", "--json", str(DATA / "immunogen-2009-05-11.txt")]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert {k: result[k] for k in ("letter_date", "company", "file_numbers", "forms", "needs_review")} == {
        "letter_date": "2009-05-11",
        "company": "ImmunoGen, Inc.",
        "file_numbers": ["000-17999"],
        "forms": ["Form 10-K"],
        "needs_review": False,
    }
    assert result["deadline"]["due"] == "2009-05-26" and result["evidence"]["text"]


def test_cli_parse_reports_a_bad_file_and_reads_the_rest(tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    assert main(["letters", "parse", str(bad), str(DATA / "immunogen-2009-05-11.txt")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "bad.pdf is not a readable PDF" in captured.err
    assert "ImmunoGen, Inc." in captured.out


def test_cli_ingest_files_many_letters_once(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\nsqlite_path = "{tmp_path / "cs.db"}"\n', encoding="utf-8")
    files = [str(p) for p in sorted((DATA / "letters").glob("a0*.txt"))] + [str(DATA / "immunogen-2009-05-11.txt")]
    assert main(["--config", str(config), "letters", "ingest", *files]) == 0
    first = capsys.readouterr()
    assert "filing letters" in first.err  # the progress bar, on many files
    assert "immunogen-2009-05-11.txt: created: created matter" in first.out
    assert main(["--config", str(config), "letters", "ingest", "--json", *files]) == 0
    again = json.loads(capsys.readouterr().out)
    assert {r["action"] for r in again} == {"unchanged"}
    assert (
        main(["--config", str(config), "letters", "ingest", "--dry-run", str(DATA / "letters" / "b01-marlowe-extension-request.txt")]) == 0
    )
    assert "would be extended" in capsys.readouterr().out
