"""Undo the noise text extraction leaves in letters, down to one single-spaced line.

The readers work on that flat text, because a large share of real letters arrive that way
anyway (pypdf joins a page into one line) and because line breaks in extracted text fall in
the middle of phrases ("ten business\\n days"). What is undone:
- form feeds, carriage returns, SGML/HTML wrappers, entities and table pipes;
- the template labels EDGAR's text extract leaks ("FirstName LastName", "Comapany Name");
- hyphenation at line ends ("busi-\\nness"), split numbers ("551- 3470", "001-\\n12345");
- OCR swaps of 1 and l inside words and form names ("inc1uded", "Form N-lA", "l0-K");
- page headers (addressee, company, date, "Page 2"), once the first page tells what they are.
"""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"<[^>\n]{1,200}>")
_SGML_LINE = re.compile(r"^\s*(?:CORRESP|UPLOAD|LETTER)\s+\d+\s+\S+\.(?:htm|html|txt|pdf)\s*$", re.M | re.I)
_SEC_HEADER_FIELDS = (
    "ACCESSION NUMBER|CONFORMED SUBMISSION TYPE|PUBLIC DOCUMENT COUNT|FILED AS OF DATE|FILER|COMPANY DATA|CENTRAL INDEX KEY|"
    "STANDARD INDUSTRIAL|IRS NUMBER|STATE OF INCORPORATION|FISCAL YEAR END|FORM TYPE|SEC ACT|SEC FILE NUMBER|FILM NUMBER|"
    "BUSINESS ADDRESS|MAIL ADDRESS|STREET \\d|CITY|STATE|ZIP|BUSINESS PHONE|FORMER COMPANY|FORMER CONFORMED NAME|"
    "DATE OF NAME CHANGE|COMPANY CONFORMED NAME"
)
_SEC_HEADER = re.compile(rf"^\s*(?:{_SEC_HEADER_FIELDS})\s*:.*$", re.M)
_LABELS = re.compile(r"FirstName\s*LastName\s*|Comapany\s*Name\s*|Company\s*Name(?=[A-Z])")
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w)")
_SPLIT_NUMBER = re.compile(r"(\d)-[ \t]+(\d)")
_OCR_DIGIT_IN_WORD = re.compile(r"(?<=[a-z])1(?=[a-z]{2})")
_OCR_L_IN_NUMBER = re.compile(r"(?<=\d)[lI](?=\d)|(?<=\b[A-Z]-)l(?=[A-Z0-9]\b)|(?<=\bForm )l(?=\d)")
_SPACES = re.compile(r"\s+")
_PAGE = re.compile(r"\bPage\s+\d{1,3}\b")


def flatten(text: str) -> str:
    """The letter as one single-spaced line with extraction noise undone (headers stay; see below)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00ad", "")  # soft hyphens
    if "<" in text and _TAGS.search(text):
        text = _TAGS.sub(" ", text)
    text = html.unescape(text) if "&" in text else text
    text = _SGML_LINE.sub(" ", text)
    text = _SEC_HEADER.sub(" ", text)
    text = text.replace("|", " ").replace("\u00a0", " ")
    text = _LABELS.sub(" ", text)
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    text = _SPLIT_NUMBER.sub(r"\1-\2", text)
    text = _OCR_DIGIT_IN_WORD.sub("l", text)
    text = _OCR_L_IN_NUMBER.sub("1", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", " - ")
    return _SPACES.sub(" ", text).strip()


def _join_hyphenated(match: re.Match[str]) -> str:
    before, after = match.group(1), match.group(2)
    # "busi-\nness" was one word broken by the line end; "Non-\nGAAP" and "001-\n12345" keep the hyphen.
    if before.isalpha() and after.islower():
        return before + after
    return f"{before}-{after}"


def strip_page_headers(flat: str, *, date_text: str | None, company: str | None, person: str | None) -> str:
    """Remove the running header of pages 2 onward: [person][,] [company] <letter date> Page N.

    Known only once the first page has been read (the addressee, the company and the printed
    date), and it can land in the middle of a sentence, so it is cut wherever it stands.
    """
    flat = re.sub(r"(?:(?<=\s)|^)-\s*\d{1,2}\s*-(?=\s)", " ", flat)  # centred page numbers "- 2 -"
    if not date_text:
        return _SPACES.sub(" ", re.sub(r"\s+Page\s+\d{1,3}\b(?!\s*(?:of|,|\)))", " ", flat)).strip()
    parts = []
    if person:
        # The salutation may give only the surname ("Dear Mr. Junius:"); the header has the full name.
        surname = person.split()[-1]
        parts.append(rf"(?:(?:Mr|Ms|Mrs|Dr|Messrs)\.?\s+)?(?:[A-Z][\w.'-]*\s+){{0,3}}{re.escape(surname)},?\s+")
    if company:
        parts.append(rf"{_loose(company)},?\s+")
    prefix = "".join(f"(?:{p})?" for p in parts)
    header = re.compile(rf"{prefix}{_loose(date_text)}\s+Page\s+\d{{1,3}}$")
    first = flat.find(date_text) + len(date_text)
    # Anchor on each "Page N" and match the header backwards from it, in a short window.
    cuts = []
    for page in _PAGE.finditer(flat, first):
        window_start = max(first, page.start() - 300)
        m = header.search(flat, window_start, page.end())
        if m:
            cuts.append((m.start(), m.end()))
    if not cuts:
        return flat
    pieces, at = [], 0
    for start, end in cuts:
        pieces.append(flat[at:start])
        at = end
    pieces.append(flat[at:])
    return _SPACES.sub(" ", " ".join(pieces)).strip()


def _loose(text: str) -> str:
    """A pattern for ``text`` that tolerates any spacing and optional commas between its words."""
    words = [re.escape(w.strip(",")) for w in text.split() if w.strip(",")]
    return r",?\s*".join(words)
