"""The letter corpus (tests/data/letters): every letter gives the facts set by hand beside it.

The expected facts were written from the letters, not from the parser; see the corpus README
for the format. A letter's whole deadline object, evidence and review flag are compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calendar_service.config import Settings
from calendar_service.services.letters import parse

CORPUS = Path(__file__).parent / "data" / "letters"
LETTERS = sorted(CORPUS.glob("*.txt"))
FIELDS = (
    "kind",
    "letter_date",
    "company",
    "file_numbers",
    "cik",
    "forms",
    "division",
    "office",
    "comment_count",
    "contacts",
    "responds_to",
    "needs_review",
)


def test_the_corpus_is_large_and_varied():
    expected = [json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8")) for p in LETTERS]
    assert len(expected) >= 40
    kinds = {e["kind"] for e in expected}
    assert kinds == {"staff-comment", "staff-closing", "staff-no-review", "company-response"}
    assert sum(1 for e in expected if e["deadline"] and "requested_date" in e["deadline"]) >= 10
    assert sum(1 for e in expected if e["needs_review"]) >= 3
    assert len({e["letter_date"][:4] for e in expected}) >= 12  # letters from many years


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.stem)
def test_each_letter_gives_its_expected_facts(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = parse(path.read_bytes(), path.name, Settings())
    for field in FIELDS:
        assert result[field] == expected[field], (
            f"{field}: {result[field]!r} (expected {expected[field]!r}); review: {result['review_reasons']}"
        )
    if expected["deadline"] is None:
        assert result["deadline"] is None, result["deadline"]
    else:
        assert result["deadline"] is not None
        got = {key: result["deadline"].get(key) for key in expected["deadline"]}
        assert got == expected["deadline"]
    if expected["evidence_contains"]:
        assert expected["evidence_contains"] in result["evidence"]["text"]
