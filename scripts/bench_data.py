"""Benchmark the data path on a clearinghouse-sized file (``make bench-data``).

Generates N event rows (default 1,000,000: 250,000 four-event contracts) as a CSV of text, then
times validate, build (processed tables written), contract metrics and aggregates, printing
seconds and peak memory (RSS) for each stage, and beside them the floor: merely reading the same
events back from parquet.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.run import build as build_mod
from wagebrief.analysis import metrics
from wagebrief.inputs import settlements
from wagebrief.config import paths


def generate(n_rows: int, seed: int = 7) -> pd.DataFrame:
    """Four events a contract: two GWIs, a flat raise and a lump sum, over 3-year terms."""
    rng = np.random.default_rng(seed)
    n = n_rows // 4
    start_year = rng.integers(2010, 2026, n)
    term_start = pd.to_datetime(pd.DataFrame({"year": start_year, "month": 7, "day": 1}))
    term_end = pd.to_datetime(pd.DataFrame({"year": start_year + 3, "month": 6, "day": 30}))
    ids = np.char.add("S", np.arange(n).astype(str))
    jur = np.char.add("Jurisdiction ", rng.integers(0, 5000, n).astype(str))
    groups = np.array(settlements.VOCABULARIES["occupation_group"])[rng.integers(0, 10, n)]
    common = pd.DataFrame({
        "settlement_id": ids, "jurisdiction": jur, "state": "CT", "jurisdiction_type": "municipal",
        "unit": "Unit", "union": "Local 1", "occupation_group": groups, "settlement_type": "voluntary",
        "ratified_date": (term_start - pd.Timedelta(days=30)).dt.strftime("%Y-%m-%d"),
        "term_start": term_start.dt.strftime("%Y-%m-%d"), "term_end": term_end.dt.strftime("%m/%d/%Y"),
        "employees": rng.integers(5, 3000, n).astype(str), "source": "SYNTHETIC benchmark row",
        "source_url": "", "notes": "",
    })
    frames = []
    for k, (event, offset_years) in enumerate([("gwi_pct", 0), ("gwi_pct", 1), ("gwi_flat", 2), ("lump_sum", 1)]):
        f = common.copy()
        eff = pd.to_datetime(pd.DataFrame({"year": start_year + offset_years, "month": 7 if k != 3 else 12, "day": 1}))
        f["effective_date"] = eff.dt.strftime("%Y-%m-%d")
        f["event"] = event
        f["pct"] = np.char.add(np.round(rng.uniform(0, 5, n), 2).astype(str), "%") if event == "gwi_pct" else ""
        f["amount"] = "$1,250" if event in ("gwi_flat", "lump_sum") else ""
        f["reference_salary"] = "52,000" if event in ("gwi_flat", "lump_sum") else ""
        frames.append(f)
    df = pd.concat(frames, ignore_index=True)[settlements.COLUMNS]
    return df.sort_values("settlement_id", kind="stable").reset_index(drop=True)


class PeakRSS:
    """Peak resident memory during a block, sampled every 10 ms."""

    def __enter__(self):
        self.peak = self._rss()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data/raw/settlements").mkdir(parents=True)
        csv = root / "data/raw/settlements/bench.csv"
        t0 = time.perf_counter()
        generate(args.rows).to_csv(csv, index=False)
        print(f"generated {args.rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB CSV) in {time.perf_counter() - t0:.1f} s")
        p = paths(root)
        stages: list[tuple[str, float, int]] = []

        def stage(name, fn):
            gc.collect()
            with PeakRSS() as mem:
                t = time.perf_counter()
                out = fn()
                dt = time.perf_counter() - t
            stages.append((name, dt, mem.peak))
            return out

        result = stage("validate", lambda: settlements.validate([csv]))
        assert result.ok and len(result.valid) == args.rows, result.problems()[:5]
        stage("build", lambda: build_mod.write_processed(result, p))
        contracts = stage("metrics", lambda: metrics.contract_metrics(result.valid))
        stage("aggregates", lambda: (metrics.pattern_by_year(result.valid, "fiscal"),
                                     metrics.aggregate_contracts(contracts, "occupation_group")))
        floor = stage("read parquet (floor)", lambda: pd.read_parquet(p.settlements))
        assert len(floor) == args.rows
    total = sum(s for name, s, _ in stages if "floor" not in name)
    print(f"{'stage':<22}{'seconds':>9}{'peak RSS GB':>13}")
    for name, secs, peak in stages:
        print(f"{name:<22}{secs:>9.2f}{peak / 1e9:>13.2f}")
    print(f"{'validate+build+metrics+aggregates':<34}{total:>6.2f} s   peak {max(p for _, _, p in stages) / 1e9:.2f} GB "
          f"(goal: < 10 s, < 4 GB)")
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
