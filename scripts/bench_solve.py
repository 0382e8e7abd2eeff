"""Benchmark ``wagebrief solve`` on the demo units (``make bench-solve``); prints seconds, never asserts.

Copies the project onto the labelled synthetic example (as the tests do), builds its processed
data as ``make demo`` would, then for each demo unit times the whole command
(``wagebrief solve --unit U --target-percentile 60 --format json``) as a new process:

* ``cold``: with no kept forecast (``data/processed/forecasts/<unit>.json`` removed), so it fits
  the wage-trend models (importing scipy.stats and statsmodels) and keeps the forecast;
* ``command``: the same again, reusing the kept forecast: what an analyst waits for from the
  second question on (``cmd cpu``: that process's CPU seconds, less moved by a busy machine);

and, in a fresh interpreter (the forecast kept):

* ``import``: importing the solver (pandas, numpy, pandera, the analysis stage);
* ``first``: the first :func:`wagebrief.analysis.solve.solve` call;
* ``warm``: the median of the next calls in the same interpreter (the solver's own time).

Each solve asks for the 60th percentile, and again (``capped``) with a $3,000,000 cap and mid-year splits.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")  # as the solve command sets it (see wagebrief.cli.solve)
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


def command(unit: str, env: dict[str, str]) -> tuple[float, float]:
    """The whole ``wagebrief solve`` command as a new process: (wall seconds, its CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(CLI + ["solve", "--unit", unit, "--target-percentile", "60", "--format", "json"],
                   env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
        print(f"{'unit':<18} {'cold':>6} {'command':>8} {'cmd cpu':>8} {'import':>7} {'first':>6} {'warm':>6} "
              f"{'cpu':>6} {'capped':>7}  answer")
        for unit in UNITS:
            (root / "data" / "processed" / "forecasts" / f"{unit}.json").unlink(missing_ok=True)
            cold, _ = command(unit, env)
            cmd, cmd_cpu = command(unit, env)
            res = subprocess.run([sys.executable, __file__, "--child", unit, "--repeats", str(args.repeats)],
                                 env=env, check=True, capture_output=True, text=True)
            t = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"{unit:<18} {cold:>6.2f} {cmd:>8.2f} {cmd_cpu:>8.2f} {t['import']:>7.2f} {t['first']:>6.2f} "
                  f"{t['warm']:>6.2f} {t['cpu']:>6.2f} {t['capped']:>7.2f}  {t['answer']} (${t['term_cost']:,.2f})")
        print("cold: the whole command with no kept forecast; command: the whole command again (the forecast kept), "
              "cmd cpu: its CPU; first: the first solve in a new interpreter; warm: the median of later ones "
              "(cpu: its CPU); capped: warm with --cap 3000000 --split.")
        print(f"load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
