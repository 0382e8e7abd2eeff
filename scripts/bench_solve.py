"""Benchmark ``wagebrief solve`` on the demo units (``make bench-solve``); prints seconds, never asserts.

Copies the project onto the labelled synthetic example (as the tests do), builds its processed
data as ``make demo`` would, then for each demo unit, in a fresh interpreter:

* ``import``: importing the solver (pandas, numpy, the analysis stage);
* ``first``: the first :func:`wagebrief.analysis.solve.solve` call (it also imports, once, what the
  market analysis's wage-trend forecast needs: statsmodels, scipy.stats);
* ``warm``: the median of the next calls in the same interpreter (the solver's own time);

and the whole command (``wagebrief solve --unit U --target-percentile 60``) as a new process.
Each solve asks for the 60th percentile, and again with a $3,000,000 cap and mid-year splits.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNITS = ["city-police", "city-public-works", "state-clerical"]
CLI = [sys.executable, "-c", "from wagebrief.cli import main; main()"]


def project(dest: Path) -> Path:
    """The project's raw data with the synthetic example's settlements and units (tests/conftest.py's copy)."""
    shutil.copytree(ROOT / "data" / "raw", dest / "data" / "raw")
    for name in ("settlements", "reference"):
        shutil.rmtree(dest / "data" / "raw" / name, ignore_errors=True)
    shutil.copytree(ROOT / "examples" / "synthetic" / "settlements", dest / "data" / "raw" / "settlements")
    shutil.copytree(ROOT / "examples" / "synthetic" / "comparators", dest / "comparators")
    return dest


def child(unit: str, repeats: int) -> None:
    """Time one unit in this interpreter and print the seconds as JSON."""
    t0 = time.perf_counter()
    from wagebrief.analysis import solve

    out = {"import": time.perf_counter() - t0}
    t0 = time.perf_counter()
    r = solve.solve(unit, target_percentile=60)
    out["first"] = time.perf_counter() - t0
    warm, cpu, capped = [], [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        r = solve.solve(unit, target_percentile=60)
        warm.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)  # this process's CPU: less moved by a busy machine than the clock
        t0 = time.perf_counter()
        solve.solve(unit, target_percentile=60, cap=3_000_000, split=True)
        capped.append(time.perf_counter() - t0)
    out.update(warm=statistics.median(warm), cpu=statistics.median(cpu), capped=statistics.median(capped),
               answer=r.answer.text(), term_cost=r.answer.term_cost)
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="warm calls per unit (median reported)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.repeats)
        return
    with tempfile.TemporaryDirectory(prefix="wagebrief-bench-solve-") as tmp:
        root = project(Path(tmp))
        env = {**os.environ, "WAGEBRIEF_ROOT": str(root)}
        for cmd in ("build", "series"):
            subprocess.run(CLI + [cmd], env=env, check=True, capture_output=True)
        print(f"wagebrief solve on the synthetic demo units ({os.cpu_count()} cpus; seconds)")
        print(f"{'unit':<18} {'import':>7} {'first':>7} {'warm':>7} {'cpu':>7} {'capped':>7} {'command':>8}  answer")
        for unit in UNITS:
            res = subprocess.run([sys.executable, __file__, "--child", unit, "--repeats", str(args.repeats)],
                                 env=env, check=True, capture_output=True, text=True)
            t = json.loads(res.stdout.strip().splitlines()[-1])
            t0 = time.perf_counter()
            subprocess.run(CLI + ["solve", "--unit", unit, "--target-percentile", "60", "--format", "json"],
                           env=env, check=True, capture_output=True)
            cmd = time.perf_counter() - t0
            print(f"{unit:<18} {t['import']:>7.2f} {t['first']:>7.2f} {t['warm']:>7.2f} {t['cpu']:>7.2f} {t['capped']:>7.2f} "
                  f"{cmd:>8.2f}  {t['answer']} (${t['term_cost']:,.2f})")
        print("first: the first solve in a new interpreter; warm: the median of later ones (cpu: its CPU seconds); "
              "capped: warm with --cap 3000000 --split; command: the whole CLI process.")
        print(f"load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
