"""Benchmark: letters read per second on the corpus (tests/data/letters), text and PDF.

Run: ``.venv/bin/python bench/letters.py`` (``--rounds 5``; ``--check`` exits 1 below the goal).
Reading means everything ``letters parse`` does: decode or extract the text, clean it, read
the facts and the deadline, and compute the due date with the engine. The PDF path is timed
on PDFs made from the same letters in this run. Each figure is the best of several rounds on
this shared, noisy machine; the ratio PDF/text is measured in the same run.

Goal (issue 4): at least 200 letters per second for text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pdf_maker import make_pdf  # noqa: E402

from calendar_service.config import Settings  # noqa: E402
from calendar_service.services.letters import parse  # noqa: E402

GOAL_TEXT_PER_SECOND = 200


def best_rate(items: list[tuple[str, bytes]], settings: Settings, rounds: int) -> float:
    """Letters per second, the best of ``rounds`` passes over ``items``."""
    best = 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        for name, data in items:
            parse(data, name, settings)
        best = max(best, len(items) / (time.perf_counter() - t0))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="exit 1 below the goal")
    args = parser.parse_args(argv)

    paths = [*sorted((ROOT / "tests" / "data" / "letters").glob("*.txt")), ROOT / "tests" / "data" / "immunogen-2009-05-11.txt"]
    texts = [(p.name, p.read_bytes()) for p in paths]
    pdfs = [
        (p.stem + ".pdf", make_pdf(["\n".join(p.read_text(encoding="utf-8").splitlines()[i : i + 40]) for i in range(0, 400, 40)]))
        for p in paths
    ]
    settings = Settings()
    parse(texts[0][1], texts[0][0], settings)  # compile the calendar once, outside the timing
    size = sum(len(d) for _, d in texts) / len(texts)

    text_rate = best_rate(texts, settings, args.rounds)
    pdf_rate = best_rate(pdfs, settings, max(1, args.rounds // 2))
    print(f"{len(texts)} letters (mean {size / 1024:.1f} KiB of text), best of {args.rounds} rounds")
    print(f"  text: {text_rate:8.0f} letters/s  ({1000 / text_rate:.2f} ms each)")
    print(f"  PDF:  {pdf_rate:8.0f} letters/s  ({1000 / pdf_rate:.2f} ms each; {text_rate / pdf_rate:.1f}x the time of text)")
    met = text_rate >= GOAL_TEXT_PER_SECOND
    print(f"  goal text >= {GOAL_TEXT_PER_SECOND} letters/s: {'met' if met else 'MISSED'}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
