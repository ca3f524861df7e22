"""Reading the facts of a letter: its printed date, company, Re: block, sender, contacts, comments.

Each reader takes the cleaned flat text and returns values with the span they came from. The
choices that matter, and why:
- The letter date is the first date above the salutation that no word marks as another date
  ("Filed", "dated", "ended", "until", ...): letterheads, Mail Stop numbers and page headers
  print other numbers and dates, and the EDGAR filing date is never in the text.
- The company is read from the Re: block, cross-checked with the page-header label EDGAR's
  text extract leaks ("Comapany Name..."); the address block is the fallback.
"""

from __future__ import annotations

import difflib
import re

from .model import COMPANY_RESPONSE, STAFF_CLOSING, STAFF_COMMENT, STAFF_NO_REVIEW, Contact, LetterFacts, Span
from .patterns import DateMention, find_dates

SALUTATION = re.compile(r"\b(?:Dear\s+(?:Mr|Ms|Mrs|Dr|Messrs|Sir|Madam|[A-Z])|Ladies\s+and\s+Gentlemen\b|Gentlemen\s*:|To\s+the\s+Staff\b)")
_NOT_THE_LETTER_DATE = re.compile(
    r"(?:dated|filed|submitted|ended|ending|received|through|until|to|by|than|before|about|as of|of|from|since|on|effective|"
    r"amended|period|date|response|responses|letter|furnished|commencing|beginning|and|or|between|after)\W{0,3}$",
    re.I,
)
_WEEKDAY_AT_END = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s*$")
_RE_LABEL = re.compile(r"(?:(?<=\s)|^)(?:Re|RE|Subject|SUBJECT)\s*:\s*")
_RE_STOP = re.compile(
    r"\b(?:Forms?\s+[0-9A-Z]|Schedules?\s+(?:1|TO|13|14)|Registration\s+Statement|Draft\s+Registration|Draft\s+Offering|Amendment\s+No|Amended|"
    r"Definitive|Preliminary|Annual\s+Report|Post-Effective|Offering\s+Statement|Proxy\s+Statement|Information\s+Statement|"
    r"DFAN14A|DEFA14A|DEF\s?14A|PRE\s?14A|PREM14A|DEFM14A|PRRN14A|Responses?\s+(?:dated|to)|Supplemental|Filed\b|Submitted\b|"
    r"(?:SEC\s+)?File\s+(?:No|Nos|Number)|CIK\b|Tender\s+Offer|Correspondence|Letter\s+dated|Comment\s+Letter|Dear\b|Ladies\b)"
)
SUFFIX = (
    r"(?:Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.|Ltd\.?|Limited|L\.?L\.?C\.?|L\.P\.|LP|plc|PLC|N\.V\.|S\.A\.|AG|SE|ASA|"
    r"Trust|Fund|Funds|Holdings|Group|Bancorp|Bancshares|Partners|Partnership|REIT)"
)
_SUFFIX_END = re.compile(rf"(?:,\s*)?\b{SUFFIX}(?:,?\s+{SUFFIX})*(?=[\s,;)]|$)")
_TITLE_WORDS = {
    "President", "Chief", "Executive", "Financial", "Accounting", "Operating", "Officer", "General", "Counsel", "Secretary",
    "Director", "Vice", "Senior", "Treasurer", "Controller", "Manager", "Partner", "Esq.", "Mr.", "Ms.", "Mrs.", "Dr.", "and",
    "Chairman", "Chair", "CEO", "CFO", "Via", "VIA", "EDGAR", "E-mail", "Facsimile", "Mail", "Stop", "Re:", "RE:", "Dear",
}  # fmt: skip

_FORM = re.compile(
    r"\b(?:Forms?)\s+(?P<form>(?:10-K|10-Q|8-K|20-F|40-F|6-K|10-12G|10-12B|10-KT|10-QT|10-D|11-K|1-A|1-K|SD|"
    r"S-1|S-3|S-4|S-8|S-11|F-1|F-3|F-4|F-10|N-1A|N-2|N-3|N-4|N-6|N-14|N-CSR|N-CEN|N-PORT|ADV)(?:/A)?)(?![\w-])",
    re.I,
)
_SCHEDULE = re.compile(r"\bSchedule\s+(?P<form>14A|14C|TO-I|TO-T|TO|13D|13G|13E-3|14D-9|14N)(?:/A)?(?![\w-])", re.I)
_PROXY_CODES = re.compile(r"\b(?:DFAN14A|DEFA14A|DEF\s?14A|PRE\s?14A|PREM14A|DEFM14A|PRRN14A)\b")
_PERIOD = re.compile(r"(?i:\b(?:fiscal\s+)?(?:year|quarter|quarterly\s+period|period|fiscal\s+quarter)\s+end(?:ed|ing)\s+)")
_FILED = re.compile(r"(?i:\b(?:filed|submitted)\s+(?:on\s+)?)")
_FILE_NUMBER = re.compile(r"(?<![\w-])(?P<n>\d{1,3}-\d{3,6})(?![\w-])")
_FILE_LABEL = re.compile(r"(?i:\b(?:SEC\s+)?File\s*(?:Numbers|Number|Nos|No)?\.?\s*:?\s*)")
_CIK = re.compile(r"\bCIK\s*(?:No\.?|Number|#)?\s*:?\s*(?P<cik>\d{4,10})\b")

DIVISIONS = ("Corporation Finance", "Investment Management", "Examinations", "Trading and Markets", "Enforcement")
_DIVISION_NAMES = {name.lower(): name for name in DIVISIONS}
_DIVISION = re.compile(
    r"(?i:\bDivision\s+of\s+(?P<d>Corporation\s+Finance|Investment\s+Management|Examinations|Trading\s+and\s+Markets|Enforcement))"
)
_OCIE = re.compile(r"(?i:\bOffice\s+of\s+Compliance\s+Inspections\s+and\s+Examinations\b)")
_OFFICE = re.compile(r"\bOffice\s+of\s+(?P<o>[A-Z][\w]*(?:(?:,\s*|\s+)(?:and\s+|&\s+)?(?:[A-Z&][\w]*))*)")
_OFFICE_OTHER = re.compile(r"\b(?P<o>Disclosure Review Program|Disclosure Review and Accounting Office|Office of Disclosure and Review)\b")
_OFFICE_STOP = {
    "Please", "Dear", "Re", "RE", "Page", "United", "Securities", "Division", "Mail", "Washington", "Via", "We", "If", "You",
    "The", "Sincerely", "cc", "Cc", "CC", "Attention", "Attn", "Mr", "Ms", "Mrs", "Dr", "In", "This", "For", "Our", "As",
    "Thank", "Very", "Should", "Any", "Staff", "Branch", "Chief", "Assistant", "Associate", "Special", "Senior", "Legal",
}  # fmt: skip

_PHONE = re.compile(r"\(?\b(?P<a>\d{3})\)?[\s.-]*(?P<b>\d{3})\s*[-.]\s*(?P<c>\d{4})\b")
_CONTACT_TITLE = re.compile(r",\s*[^,]{2,70},?\s*$")
_CONTACT_NAME = re.compile(r"(?P<name>\bme|(?:[A-Z][\w'.-]*\s+){0,3}[A-Z][\w'-]+)\s*$")
_SIGNATURE = re.compile(r"\b(?:Sincerely|Very truly yours|Respectfully(?: submitted)?|Regards),?\s+")
_SIGNER_STOP = {
    "Accounting", "Branch", "Chief", "Staff", "Assistant", "Associate", "Director", "Senior", "Special", "Counsel", "Legal",
    "Attorney", "Advisor", "Adviser", "Office", "Division", "Deputy", "Accountant", "Examiner", "Reviewer", "Attorney-Adviser",
    "Financial", "Analyst", "Team", "cc", "cc:", "Enclosure", "Enclosures", "Mail", "Via",
}  # fmt: skip
_COMMENT_NUMBER = re.compile(r"(?:(?<=\s)|^)(?:-\s*)?(?P<n>\d{1,2})\.\s+(?=[A-Z\"'(])")
_NOT_A_COMMENT = re.compile(
    # Singular words only: "Item 7." is a caption's number, but a heading "Exhibits" can precede comment 6.
    r"(?i:\b(?:item|note|no|nos|rule|section|comment|page|amendment|exhibit|part|article|question|"
    r"step|schedule|form|paragraph|response|responses|table|figure|chapter|level|tier|phase|option|appendix|annex|\$))\s*$"
)


def letter_date(text: str, dates: list[DateMention], salutation: int | None) -> DateMention | None:
    """The printed date of the letter: the first date above the salutation not marked as another date."""
    limit = salutation if salutation is not None else min(len(text), 3000)
    for mention in dates:
        if mention.start >= limit:
            break
        before = _WEEKDAY_AT_END.sub("", text[max(0, mention.start - 45) : mention.start])
        if _NOT_THE_LETTER_DATE.search(before):
            continue
        return mention
    return None


def salutation_of(text: str) -> tuple[int | None, str | None]:
    """Where the salutation starts, and the person it names ("Dear Mr. Junius:" -> Junius)."""
    m = SALUTATION.search(text)
    if not m:
        return None, None
    name = re.match(r"Dear\s+(?:(?:Mr|Ms|Mrs|Dr|Messrs)\.?\s+)?(?P<name>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s*[:,]", text[m.start() :])
    return m.start(), name["name"] if name else None


def re_block(text: str, salutation: int | None) -> Span | None:
    """The Re: block: from "Re:" to the salutation (or at most 700 characters)."""
    limit = salutation if salutation is not None else min(len(text), 4000)
    m = _RE_LABEL.search(text, 0, limit if salutation is not None else len(text))
    if not m or m.start() > 5000:
        return None
    end = salutation if salutation is not None and salutation > m.end() else min(len(text), m.end() + 700)
    end = min(end, m.end() + 900)
    return Span(m.start(), end, text[m.start() : end])


def company_from_re(text: str, block: Span) -> Span | None:
    """The company named first in the Re: block."""
    label = _RE_LABEL.match(text, block.start)
    start = label.end() if label else block.start
    stop = _RE_STOP.search(text, start, block.end)
    end = stop.start() if stop else block.end
    raw = text[start:end]
    # Examinations letters name the subject: "Re: Examination of Kingfisher Capital, LLC".
    lead = re.match(r"(?i:(?:(?:Deficiency\s+Letter|Examination|Inspection|Review)\s+(?:of|for)\s+))", raw)
    if lead:
        start, raw = start + lead.end(), raw[lead.end() :]
    suffix = _SUFFIX_END.search(raw)
    if suffix:
        raw = raw[: suffix.end()]
    raw = raw.strip(" ,;:-")
    if not raw or len(raw) > 150 or not raw[0].isalnum():
        return None
    return Span(start, start + len(raw), raw)


def company_near_suffix(text: str, start: int, end: int) -> Span | None:
    """The first "<Capitalised words> <suffix>" in text[start:end] (address blocks, letterheads)."""
    for m in _SUFFIX_END.finditer(text, start, end):
        words = text[start : m.start()].split()
        name: list[str] = []
        for word in reversed(words):
            if word in _TITLE_WORDS or not (word[:1].isupper() or word[:1].isdigit() or word in ("&", "of", "the")) or len(name) >= 5:
                break
            name.insert(0, word)
        while name and name[0] in ("&", "of", "the"):
            name.pop(0)
        if name:
            piece = " ".join(name) + text[m.start() : m.end()]
            begin = text.find(name[0], start, m.start())
            return Span(begin, m.end(), piece)
    return None


def label_company(raw: str) -> str | None:
    """The company in the page-header label EDGAR's text extract leaks ("Comapany NameApple Inc.")."""
    m = re.search(
        r"Com(?:a)?pany\s*Name\s*([A-Z][^\n]{1,100}?)(?=\s*(?:\n|"
        + "|".join(
            ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
        )
        + r"))",
        raw,
    )
    return m.group(1).strip(" ,") if m else None


def forms_in(piece: str) -> list[str]:
    """The forms and schedules named in a Re: block, canonical, in order, without repeats."""
    found: list[tuple[int, str]] = []
    for m in _FORM.finditer(piece):
        found.append((m.start(), f"Form {m['form'].upper()}"))
    for m in _SCHEDULE.finditer(piece):
        found.append((m.start(), f"Schedule {m['form'].upper()}"))
    for m in _PROXY_CODES.finditer(piece):
        found.append((m.start(), " ".join(m.group(0).split())))  # EDGAR form types as printed: DFAN14A, DEF 14A
    return list(dict.fromkeys(name for _, name in sorted(found)))


def dates_after(piece: str, offset: int, marker: re.Pattern[str], dates: list[DateMention]) -> list[DateMention]:
    """The dates in ``piece`` (at ``offset`` in the text) that directly follow ``marker``."""
    out = []
    for mention in dates:
        if offset <= mention.start < offset + len(piece):
            before = piece[max(0, mention.start - offset - 40) : mention.start - offset]
            if re.search(marker.pattern + r"$", before):
                out.append(mention)
    return out


def file_numbers_in(piece: str) -> list[str]:
    """SEC file numbers after a "File No." label (001-12345, 333-123456, 1-4858, 811-23108)."""
    out: list[str] = []
    for label in _FILE_LABEL.finditer(piece):
        rest = piece[label.end() : label.end() + 160]
        position = 0
        while True:
            m = _FILE_NUMBER.match(rest, position)
            if not m:
                break
            out.append(m["n"])
            joiner = re.match(r"\s*(?:,|;|/|&|and)?\s*(?:(?:SEC\s+)?File\s+No\.?\s*)?", rest[m.end() :])
            position = m.end() + (joiner.end() if joiner else 0)
    return list(dict.fromkeys(out))


def cik_in(piece: str) -> str | None:
    """A CIK named in the Re: block."""
    m = _CIK.search(piece)
    return m["cik"] if m else None


def division_of(text: str, kind: str, date_at: int | None, signature_at: int | None) -> str | None:
    """The staff division that sent a staff letter (letterhead or signature first)."""
    if kind == COMPANY_RESPONSE:
        return None
    mentions = [(m.start(), "Division of " + _DIVISION_NAMES[" ".join(m["d"].lower().split())]) for m in _DIVISION.finditer(text)]
    mentions += [(m.start(), "Division of Examinations") for m in _OCIE.finditer(text)]
    if not mentions:
        return None
    mentions.sort()
    preferred = [
        name for at, name in mentions if (date_at is not None and at < date_at) or (signature_at is not None and at > signature_at)
    ]
    for name in preferred + [name for _, name in mentions if name != "Division of Enforcement"]:
        return name
    return mentions[0][1]


def office_of(text: str, kind: str, date_at: int | None, signature_at: int | None) -> str | None:
    """The office that sent a staff letter, read from the signature or the letterhead."""
    if kind == COMPANY_RESPONSE:
        return None
    regions = []
    if signature_at is not None:
        regions.append((signature_at, len(text)))
    if date_at is not None:
        regions.append((0, date_at))
    for start, end in regions:
        other = _OFFICE_OTHER.search(text, start, end)
        m = _OFFICE.search(text, start, end)
        if other and (not m or other.start() < m.start()):
            return other["o"]
        if m:
            words = []
            for word in re.split(r"(\s+)", m["o"]):
                if word.strip(",") in _OFFICE_STOP:
                    break
                words.append(word)
            name = "".join(words).strip(" ,")
            if name.endswith(" and") or name.endswith(" &"):
                name = name.rsplit(" ", 1)[0]
            if name and name not in ("Compliance Inspections and Examinations",):
                return f"Office of {name}"
    return None


def signature_of(text: str) -> tuple[int | None, str | None]:
    """Where the closing starts, and the signer's name when a person signs."""
    closings = list(_SIGNATURE.finditer(text))
    m = closings[-1] if closings else None  # the last closing is the signature
    if not m:
        return None, None
    words = text[m.end() : m.end() + 160].split()
    if words and words[0] == "/s/":
        words = words[1:]
    name: list[str] = []
    for word in words:
        bare = word.strip(",")
        if bare in _SIGNER_STOP or not (bare[:1].isupper()) or (name and bare == name[0]) or len(name) >= 4:
            break
        name.append(bare)
        if word.endswith(","):
            break
    if len(name) < 2 or name[0] in ("Division", "Office", "The", "Securities"):
        return m.start(), None
    return m.start(), " ".join(name)


def contacts_in(text: str, signer: str | None, start: int) -> list[Contact]:
    """Staff named with a phone number ("Please contact X at 202-551-1234 ..."); "me" is the signer."""
    out: list[Contact] = []
    for m in _PHONE.finditer(text, start):
        before = text[max(0, m.start() - 160) : m.start()]
        at = re.search(r"\s(?:at|on)\s*\(?$", before)
        if not at:
            continue
        who = before[: at.start()]
        who = (
            _CONTACT_TITLE.sub("", who)
            if re.search(
                r",\s*[^,]*\b(?:Accountant|Chief|Counsel|Attorney|Director|Examiner|Analyst|Adviser|Advisor|Reviewer|Officer|Specialist|Manager)\b[^,]*,?\s*$",
                who,
            )
            else who
        )
        name = _CONTACT_NAME.search(who)
        if not name:
            continue
        person = name["name"].strip()
        if person == "me":
            if not signer:
                continue
            person = signer
        if person.split()[0] in ("Please", "You", "Contact", "If", "Or", "And"):
            person = " ".join(person.split()[1:])
        if not person or person[0].islower():
            continue
        phone = f"{m['a']}-{m['b']}-{m['c']}"
        if all((c.name, c.phone) != (person, phone) for c in out):
            out.append(
                Contact(
                    person,
                    phone,
                    Span(m.start() - len(before) + name.start(), m.end(), text[m.start() - len(before) + name.start() : m.end()]),
                )
            )
    return out


def comment_count(text: str, start: int, end: int) -> int:
    """Numbered staff comments: the run 1., 2., 3., ... in order, ignoring "Item 7." and the like."""
    expect = 1
    for m in _COMMENT_NUMBER.finditer(text, start, end):
        if _NOT_A_COMMENT.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        if int(m["n"]) == expect:
            expect += 1
    return expect - 1


_COMPANY_CUES = (
    (re.compile(r"Ladies\s+and\s+Gentlemen"), 3),
    (re.compile(r"\bthe Staff\b"), 1),
    (re.compile(r"\bthe Company\b"), 1),
    (re.compile(r"(?i)\bon behalf of\b"), 2),
    (re.compile(r"(?i)\bin response to (?:the|your)\b"), 3),
    (re.compile(r"(?i)\brespectfully\b"), 1),
    (re.compile(r"(?i)\b(?:company )?response(?: to comment \d+)?\s*:"), 1),
    (re.compile(r"(?i)\bVIA EDGAR\b"), 2),
)
_STAFF_CUES = (
    (re.compile(r"(?i)\bplease respond\b"), 2),
    (re.compile(r"(?i)\bwe have reviewed your\b"), 3),
    (re.compile(r"(?i)\bmail stop\b"), 2),
    (re.compile(r"(?i)commission logo"), 3),
    (re.compile(r"(?i)\b(?:staff accountant|branch chief|assistant director|staff attorney|special counsel)\b"), 1),
    (re.compile(r"(?i)\b(?:please|you may) contact\b"), 2),
    (re.compile(r"(?i)\bwe have completed our review\b"), 3),
    (re.compile(r"(?i)\bwe have not reviewed and will not review\b"), 3),
    (re.compile(r"(?i)\bwe urge all persons\b"), 2),
    (re.compile(r"(?i)\bwe remind you that\b"), 2),
    (re.compile(r"(?i)\bdivision of (?:corporation finance|investment management|examinations)\s+office of\b"), 1),
)


def kind_of(text: str) -> str:
    """Who wrote the letter and what for: a staff comment, closing or no-review letter, or a company response."""
    company = sum(weight * len(p.findall(text)) for p, weight in _COMPANY_CUES)
    staff = sum(weight * len(p.findall(text)) for p, weight in _STAFF_CUES)
    if company > staff:
        return COMPANY_RESPONSE
    if re.search(r"(?i)\bhave not reviewed and will not review\b", text):
        return STAFF_NO_REVIEW
    if re.search(r"(?i)\bwe have completed our review\b|\bno further comments\b", text) and not re.search(r"(?i)\bplease respond\b", text):
        return STAFF_CLOSING
    return STAFF_COMMENT


def read_facts(facts: LetterFacts, raw: str) -> None:
    """Fill in the facts other than the deadline."""
    text = facts.text
    dates = find_dates(text)
    salutation, _ = salutation_of(text)
    mention = letter_date(text, dates, salutation)
    if mention:
        facts.letter_date = mention.value
        facts.letter_date_span = Span(mention.start, mention.end, text[mention.start : mention.end])
    block = re_block(text, salutation)
    facts.re_block = block
    piece, offset = (block.text, block.start) if block else (text[: salutation or 3000], 0)
    company = company_from_re(text, block) if block else None
    if company is None:
        top_end = block.start if block else (salutation or min(len(text), 3000))
        company = company_near_suffix(text, mention.end if mention else 0, top_end) or company_near_suffix(text, 0, top_end)
    if company:
        company = _spelled_as_elsewhere(text, company)
        facts.company, facts.company_span = company.text, company
    labelled = label_company(raw)
    if labelled and facts.company and _simple(labelled) != _simple(facts.company):
        facts.review_reasons.append(f"the company reads {facts.company!r} in the letter but {labelled!r} in its page header")
    elif labelled and not facts.company:
        facts.company = labelled
    facts.forms = forms_in(piece)
    facts.fiscal_periods = [m.value for m in dates_after(piece, offset, _PERIOD, dates)]
    facts.filed_dates = [m.value for m in dates_after(piece, offset, _FILED, dates)]
    header = text[: (block.end if block else (salutation or min(len(text), 3000)))]
    facts.file_numbers = file_numbers_in(piece) or file_numbers_in(header)
    facts.cik = cik_in(piece) or cik_in(header)
    signature_at, facts.signer = signature_of(text)
    date_at = mention.start if mention else None
    facts.division = division_of(text, facts.kind, date_at, signature_at)
    facts.office = office_of(text, facts.kind, date_at, signature_at)
    if facts.kind != COMPANY_RESPONSE:
        body_start = salutation if salutation is not None else (block.end if block else 0)
        facts.comment_count = comment_count(text, body_start, signature_at if signature_at and signature_at > body_start else len(text))
        facts.contacts = contacts_in(text, facts.signer, body_start)
    if facts.letter_date is None:
        facts.review_reasons.append("no printed letter date found above the salutation")
    if facts.company is None:
        facts.review_reasons.append("no company found (no Re: block or addressee company)")


def _spelled_as_elsewhere(text: str, company: Span) -> Span:
    """A Re: block name printed once, beside a near-identical name the letter uses twice or more,
    is a misprint: "Calloway Mutal Life" in the Re: block of a letter from "Calloway Mutual Life"."""
    if text.count(company.text) > 1:
        return company
    first_word = re.escape(company.text.split()[0][:4])
    best, best_count = None, 1
    for m in re.finditer(rf"\b{first_word}[\w&'.,-]*(?:\s+[\w&'.,-]+){{0,6}}", text):
        words = m.group(0).split()[: len(company.text.split())]
        candidate = " ".join(words).rstrip(",")
        if candidate == company.text or abs(len(candidate) - len(company.text)) > 3:
            continue
        if difflib.SequenceMatcher(None, candidate, company.text).ratio() >= 0.9:
            count = text.count(candidate)
            if count > best_count:
                best, best_count = candidate, count
    if best is None:
        return company
    at = text.find(best)
    return Span(at, at + len(best), best)


def _simple(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
