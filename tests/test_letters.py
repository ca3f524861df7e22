"""Reading letters: the seed letter's facts, extraction noise, PDFs made from text, hostile input."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest
from pdf_maker import make_empty_pdf, make_pdf

from calendar_service.config import Settings
from calendar_service.errors import LetterError, TooLargeError
from calendar_service.letters import read_letter, read_text
from calendar_service.services.letters import parse

DATA = Path(__file__).parent / "data"
SEED = (DATA / "immunogen-2009-05-11.txt").read_text(encoding="utf-8")
CORPUS = sorted((DATA / "letters").glob("*.txt"))


def test_the_seed_letter_gives_its_facts_and_deadline():
    result = parse(SEED.encode(), "immunogen.txt", Settings())
    assert result["kind"] == "staff-comment"
    assert result["letter_date"] == "2009-05-11"
    assert result["company"] == "ImmunoGen, Inc."
    assert result["file_numbers"] == ["000-17999"]
    assert result["forms"] == ["Form 10-K"]
    assert result["fiscal_periods"] == ["2008-06-30"]
    assert result["comment_count"] == 2
    assert result["deadline"] == {
        "count": 10,
        "unit": "business days",
        "rule": "10 business days",
        "due": "2009-05-26",
        "calendar": "us-federal",
    }
    assert result["evidence"]["text"].startswith("Please provide us the information requested within 10 business days")
    assert result["contacts"] == [
        {"name": "John L. Krug", "phone": "202-551-3862"},
        {"name": "Suzanne Hayes", "phone": "202-551-3675"},
        {"name": "Jeffrey Riedler", "phone": "202-551-3715"},
    ]
    assert result["needs_review"] is False


def test_every_fact_points_at_the_text_it_came_from():
    facts = read_text(SEED)
    for span in (facts.letter_date_span, facts.company_span, facts.re_block, facts.deadline.evidence):
        assert facts.text[span.start : span.end] == span.text
    assert facts.text[facts.letter_date_span.start : facts.letter_date_span.end] == "May 11, 2009"


def test_the_ten_day_period_restatement_is_not_a_calendar_day_rule():
    facts = read_text(SEED)
    assert facts.deadline.unit == "business days" and facts.deadline.count == 10
    assert facts.review_reasons == []


def _staff_letter(body: str, *, date_line: str = "March 3, 2017") -> str:
    return textwrap.dedent(
        f"""\
        UNITED STATES SECURITIES AND EXCHANGE COMMISSION
        WASHINGTON, D.C. 20549
        DIVISION OF CORPORATION FINANCE
        Mail Stop 4631
        {date_line}
        Mr. John Doe
        Chief Executive Officer
        Acme Widget Corp.
        1 Main Street
        Springfield, Ohio 45501
        Re: Acme Widget Corp.
        Form 10-K for the Fiscal Year Ended December 31, 2016
        Filed February 27, 2017
        File No. 001-34567
        Dear Mr. Doe:
        We have reviewed your filing and have the following comments.
        {body}
        1. Please tell us more.
        Please contact Jane Roe, Staff Accountant, at (202) 551-3470 with any questions.
        Sincerely,
        /s/ Rick Poe
        Rick Poe
        Branch Chief
        Office of Manufacturing and Construction
        """
    )


@pytest.mark.parametrize(
    ("sentence", "count", "unit", "due"),
    [
        (
            "Please respond to these comments within ten business days by providing the requested information.",
            10,
            "business days",
            "2017-03-17",
        ),
        ("Please respond to this letter within 10 business days or advise us when you will respond.", 10, "business days", "2017-03-17"),
        ("Please respond within ten (10) business days.", 10, "business days", "2017-03-17"),
        ("Please supplementally provide us, within five business days, with an unredacted copy.", 5, "business days", "2017-03-10"),
        ("Please provide a written response within 30 days.", 30, "calendar days", "2017-04-03"),
        (
            "Please respond to this comment within ten business\n days by providing the requested information.",
            10,
            "business days",
            "2017-03-17",
        ),
        (
            "Please respond to this comment within ten busi-\nness days by providing the requested information.",
            10,
            "business days",
            "2017-03-17",
        ),
    ],
)
def test_staff_periods_as_letters_phrase_them(sentence, count, unit, due):
    result = parse(_staff_letter(sentence).encode(), "x.txt", Settings())
    assert result["deadline"]["count"] == count and result["deadline"]["unit"] == unit
    assert result["deadline"]["due"] == due
    assert result["needs_review"] is False


@pytest.mark.parametrize(
    "sentence",
    [
        "Please respond to this letter by amending your registration statement and providing the requested information.",
        "The offer must remain open until the expiration of forty business days from the commencement of the offer.",
        "Rule 14e-1 requires an extension of ten business days after a change in the consideration offered.",
        "Please make any request for acceleration at least two business days before the requested effective date.",
    ],
)
def test_legal_periods_and_amendment_requests_are_not_deadlines(sentence):
    result = parse(_staff_letter(sentence).encode(), "x.txt", Settings())
    assert result["deadline"] is None
    assert result["needs_review"] is False


def test_a_response_as_soon_as_possible_is_flagged_not_guessed():
    sentence = (
        "Please respond to these comments by providing the requested information or advise us as soon as possible when you will respond."
    )
    result = parse(_staff_letter(sentence).encode(), "x.txt", Settings())
    assert result["deadline"] is None
    assert result["needs_review"] is True
    assert "as soon as possible" in result["review_reasons"][0]


def test_two_different_periods_ask_for_review():
    body = "Please respond within ten business days. Please also provide, within five business days, the unredacted exhibits."
    result = parse(_staff_letter(body).encode(), "x.txt", Settings())
    assert result["needs_review"] is True and "more than one deadline" in result["review_reasons"][0]


def test_a_letter_without_a_date_asks_for_review():
    result = parse(_staff_letter("Please respond within ten business days.", date_line="").encode(), "x.txt", Settings())
    assert result["letter_date"] is None
    assert result["deadline"]["due"] is None
    assert result["needs_review"] is True


def test_a_page_header_woven_into_the_deadline_sentence_is_removed():
    woven = "Please respond to this letter within ten business\nJohn Doe\nAcme Widget\nCorp.\nMarch 3, 2017\nPage 2\n"
    text = _staff_letter(woven + "days by providing the information.")
    facts = read_text(text)
    assert facts.deadline is not None and facts.deadline.count == 10
    assert "Page 2" not in facts.deadline.evidence.text


def test_a_whole_letter_on_one_line_reads_the_same():
    one_line = " ".join(SEED.split())
    result = parse(one_line.encode(), "x.txt", Settings())
    assert (result["letter_date"], result["company"], result["deadline"]["due"], result["comment_count"]) == (
        "2009-05-11",
        "ImmunoGen, Inc.",
        "2009-05-26",
        2,
    )


def test_windows_1252_text_is_read_with_a_clear_note():
    text = SEED.replace("ImmunoGen's", "ImmunoGen\u2019s") + "\n\u2018quoted\u2019"
    source, facts = read_letter(text.encode("cp1252"), name="x.txt")
    assert source.encoding.startswith("windows-1252")
    assert facts.letter_date == date(2009, 5, 11)


def test_utf16_with_a_byte_order_mark_is_read():
    source, facts = read_letter(SEED.encode("utf-16"), name="x.txt")
    assert source.encoding == "utf-16" and facts.company == "ImmunoGen, Inc."


def test_a_pdf_made_from_the_seed_letter_gives_the_same_facts():
    pdf = make_pdf([SEED])
    as_pdf = parse(pdf, "immunogen.pdf", Settings())
    as_text = parse(SEED.encode(), "immunogen.txt", Settings())
    assert as_pdf["source"] == "pdf"
    for field in ("letter_date", "company", "file_numbers", "forms", "comment_count", "deadline", "contacts"):
        assert as_pdf[field] == as_text[field], field


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_letters_read_the_same_from_multi_page_pdfs(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    pages = ["\n".join(lines[i : i + 25]) for i in range(0, len(lines), 25)]
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = parse(make_pdf(pages), path.stem + ".pdf", Settings())
    assert result["letter_date"] == expected["letter_date"]
    assert result["company"] == expected["company"]
    assert (result["deadline"] or {}).get("due") == (expected["deadline"] or {}).get("due")


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", LetterError, "is empty"),
        (b"   \n\t  ", LetterError, "is empty"),
        (bytes(range(256)) * 40, LetterError, "looks like binary data"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, LetterError, "looks like binary data"),
        (b"%PDF-1.7 this is not really a PDF at all", LetterError, "is not a readable PDF"),
        (b"%PDF", LetterError, "is not a PDF"),
        (make_empty_pdf(), LetterError, "no text layer"),
        (b"a" * (10 * 1024 * 1024 + 1), TooLargeError, "the most a letter may be"),
    ],
    ids=["empty", "blank", "binary", "png", "broken-pdf", "truncated-pdf-header", "pdf-without-text", "over-10-mb"],
)
def test_hostile_input_gets_a_clear_error(data, error, message):
    with pytest.raises(error, match=message):
        read_letter(data, name="upload")


def test_a_text_with_no_date_and_no_company_is_read_but_flagged():
    result = parse(b"Hello. This is just some text without anything a letter has.", "note.txt", Settings())
    assert result["letter_date"] is None and result["company"] is None
    assert result["needs_review"] is True
