"""Benchmark: the engine against what users write today, on the same random (date, N) pairs.

Run: ``.venv/bin/python bench/engine.py`` (``--pairs 100000 --seed 1``; ``--check`` exits 1
when a goal is missed). Every timing is taken in this one run, and what is reported are ratios
between them, because these machines are shared and noisy.

Compared, on the same pairs and the same holiday list (us-federal):
- engine scalar: ``BusinessCalendar.add_business_days`` called per pair;
- (a) a day-by-day loop over ``holidays.US(categories=GOVERNMENT)``: step a day at a time, skip
  weekends and days in the holiday dict (the usual hand-written helper);
- (b) ``numpy.busday_offset`` called per pair with a prebuilt ``busdaycalendar``;
- engine batch: ``add_business_days_many`` over the whole list;
- numpy vectorized: one ``busday_offset`` call per sign over arrays, counting the conversion of
  the Python dates in and of the results back out to a list of dates.

Goals (issue 2): scalar at most 1 microsecond per call; at least 10x faster than (b); the batch
at most 2x numpy's vectorized time including conversions.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import holidays
import numpy as np
from holidays.constants import GOVERNMENT

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calendar_service.calendars import get_calendar
from calendar_service.config import Settings


def make_pairs(count: int, seed: int) -> list[tuple[date, int]]:
    """Random trigger dates across 1901-2199 and counts from -60 to 60 business days (not 0)."""
    rnd = random.Random(seed)
    low, high = date(1901, 1, 1).toordinal(), date(2199, 12, 31).toordinal()
    pairs = []
    for _ in range(count):
        n = rnd.randint(1, 60) * rnd.choice((1, -1))
        pairs.append((date.fromordinal(rnd.randint(low, high)), n))
    return pairs


def naive_add(start: date, n: int, closed: holidays.HolidayBase) -> date:
    """What users write today: walk a day at a time, skipping weekends and holidays."""
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if day.weekday() < 5 and day not in closed:
            left -= 1
    return day


def best_of(repeats: int, fn) -> tuple[float, object]:
    """The fastest of ``repeats`` runs of ``fn`` (seconds) and its last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each fast path; the best is kept")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args(argv)

    cal = get_calendar("us-federal", Settings())
    pairs = make_pairs(args.pairs, args.seed)
    starts = [d for d, _ in pairs]
    counts = [n for _, n in pairs]

    # The same holiday list for everyone: the weekday closures of the engine's calendar.
    closed_days = [d for d, _ in cal.days_off(cal.first, cal.last)]
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=np.array(closed_days, dtype="datetime64[D]"))
    library = holidays.US(categories=GOVERNMENT, years=range(1899, 2202))
    for half_day in (date(2002, 12, 24), date(2009, 12, 24), date(2015, 12, 24)):
        library.pop(half_day, None)  # us-federal leaves the half-day closings out

    add = cal.add_business_days

    def engine_scalar() -> list[date]:
        return [add(d, n) for d, n in pairs]

    def engine_batch() -> list[date]:
        return cal.add_business_days_many(starts, counts)

    def numpy_per_call() -> list[date]:
        offset = np.busday_offset
        return [offset(d, n, roll="backward" if n > 0 else "forward", busdaycal=busdaycal).item() for d, n in pairs]

    def numpy_vectorized() -> list[date]:
        days = np.array(starts, dtype="datetime64[D]")
        ns = np.array(counts)
        out = np.empty_like(days)
        forward = ns > 0
        out[forward] = np.busday_offset(days[forward], ns[forward], roll="backward", busdaycal=busdaycal)
        out[~forward] = np.busday_offset(days[~forward], ns[~forward], roll="forward", busdaycal=busdaycal)
        return out.astype(object).tolist()

    def naive_loop() -> list[date]:
        return [naive_add(d, n, library) for d, n in pairs]

    # The per-call loop over a Python list is part of every scalar timing; measure it to report.
    t_empty, _ = best_of(args.repeats, lambda: [None for _d, _n in pairs])
    t_scalar, r_scalar = best_of(args.repeats, engine_scalar)
    t_batch, r_batch = best_of(args.repeats, engine_batch)
    t_np_call, r_np_call = best_of(max(1, args.repeats // 2), numpy_per_call)
    t_np_vec, r_np_vec = best_of(args.repeats, numpy_vectorized)
    t_naive, r_naive = best_of(1, naive_loop)

    if not (r_scalar == r_batch == r_np_call == r_np_vec == r_naive):
        print("MISMATCH: the methods disagree on some results", file=sys.stderr)
        return 2

    per = 1e6 / len(pairs)
    print(f"{len(pairs):,} pairs (dates 1901-2199, N in -60..60), holiday data {holidays.__version__}, numpy {np.__version__}")
    print(f"  list-comprehension overhead alone  {t_empty * per:8.3f} us/call")
    print(f"  engine scalar add_business_days    {t_scalar * per:8.3f} us/call")
    print(f"  (b) numpy busday_offset per call   {t_np_call * per:8.3f} us/call   {t_np_call / t_scalar:6.1f}x the engine's time")
    print(f"  (a) day-by-day loop over holidays  {t_naive * per:8.3f} us/call   {t_naive / t_scalar:6.1f}x the engine's time")
    print(f"  engine batch add_business_days_many{t_batch * per:8.3f} us/date")
    print(f"  numpy vectorized, with conversions {t_np_vec * per:8.3f} us/date   engine batch / numpy = {t_batch / t_np_vec:.2f}")

    goals = [
        ("scalar <= 1 us/call", t_scalar * per <= 1.0),
        ("scalar >= 10x faster than numpy per call", t_np_call / t_scalar >= 10.0),
        ("batch <= 2x numpy vectorized incl. conversions", t_batch / t_np_vec <= 2.0),
    ]
    for label, ok in goals:
        print(f"  goal {label}: {'met' if ok else 'MISSED'}")
    return 1 if args.check and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
