#!/usr/bin/env python3
"""Write SYNTHETIC demo payroll rosters ``data/raw/units/<unit>/roster.csv``, one per demo unit.

Every employee is invented: ids are sequence numbers, hire dates and FTEs are seeded draws, and
each salary is the title's invented step-1 rate raised 3% a step (the step increment in
``comparators/proposals/<unit>.yml``), to the whole dollar. Nothing here describes a real person
or a real pay plan. The output is byte-identical on every run (fixed seeds, no clock), so the
tests regenerate it and compare.

Usage: ``python scripts/make_demo_rosters.py [--out-dir DIR] [--unit UNIT ...]``
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from wagebrief.io import write_text  # noqa: E402  (atomic writes, like every file the suite writes)

DEFAULT_OUT = ROOT / "data" / "raw" / "units"
COLUMNS = ["employee_id", "title", "step", "hire_date", "annual_base_salary", "fte", "longevity_eligible"]
TOP_STEP = 8
STEP_PCT = 3.0
#: Step placement is counted to this date (the demo proposals' roster_as_of is 2026-11-01).
AS_OF = date(2026, 11, 1)

#: unit -> (seed, id prefix, headcount, [(title, step-1 salary, share)], part-time share,
#:          longevity cut-off: employees hired before it are eligible (None: everyone))
PROFILES = {
    "state-clerical": (20270701, "SC", 240, [
        ("Office Assistant", 38_000, 0.30), ("Secretary 1", 42_500, 0.25), ("Secretary 2", 47_000, 0.20),
        ("Administrative Assistant", 52_000, 0.17), ("Office Supervisor", 61_000, 0.08)],
        0.12, date(2017, 7, 1)),
    "city-police": (20270702, "PD", 160, [
        ("Police Officer", 62_000, 0.62), ("Detective", 74_000, 0.14), ("Sergeant", 82_000, 0.12),
        ("Lieutenant", 95_000, 0.06), ("Captain", 118_000, 0.04), ("Deputy Chief", 158_000, 0.02)],
        0.0, None),
    "city-public-works": (20270703, "PW", 90, [
        ("Maintainer I", 44_000, 0.30), ("Maintainer II", 49_000, 0.27), ("Equipment Operator", 53_000, 0.20),
        ("Mechanic", 58_000, 0.15), ("Crew Leader", 64_000, 0.08)],
        0.05, None),
}


def roster(unit: str) -> str:
    """The roster CSV text for one demo unit."""
    seed, prefix, n, titles, part_time, cutoff = PROFILES[unit]
    rng = random.Random(seed)
    names = [t for t, _, _ in titles]
    weights = [w for _, _, w in titles]
    rate1 = {t: s for t, s, _ in titles}
    first_day = date(1992, 1, 1).toordinal()
    last_day = date(2026, 6, 30).toordinal()
    rows = []
    for i in range(n):
        title = rng.choices(names, weights)[0]
        # More recent hires than old ones: the square of a uniform draw leans toward last_day.
        u = rng.random()
        hired = date.fromordinal(last_day - int((last_day - first_day) * u * u))
        service = (AS_OF - hired).days / 365.25
        step = max(1, min(TOP_STEP, 1 + int(service) - (1 if rng.random() < 0.15 else 0)))
        salary = round(rate1[title] * (1 + STEP_PCT / 100) ** (step - 1))
        fte = rng.choice(("0.5", "0.75")) if rng.random() < part_time else "1"
        eligible = "yes" if cutoff is None or hired < cutoff else "no"
        rows.append([f"{prefix}{1001 + i * 7:05d}", title, step, hired.isoformat(), salary, fte, eligible])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--unit", action="append", choices=sorted(PROFILES), help="only this unit (repeatable)")
    args = ap.parse_args(argv)
    for unit in args.unit or sorted(PROFILES):
        path = args.out_dir / unit / "roster.csv"
        write_text(path, roster(unit))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
