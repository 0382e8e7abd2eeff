"""The render benchmark's pure helpers (scripts/bench_*.py), so ``make bench`` cannot rot unseen.

The benchmark's numbers are never asserted here (speed goals are checked by ``make bench``, never
by a timed test); what is checked is that its generated rows are valid and the same every run,
and that what it prints says what was measured against which target.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.inputs import settlements

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import bench_common as bc  # noqa: E402
import bench_render  # noqa: E402
import bench_single  # noqa: E402


def test_growth_rows_validate_and_are_the_same_every_run(tmp_path):
    df = bench_single.extra_settlements(400)
    csv = tmp_path / "extra.csv"
    df.to_csv(csv, index=False)
    result = settlements.validate([csv])
    assert result.ok, result.problems()[:5]
    assert len(result.valid) == 400
    pd.testing.assert_frame_equal(df, bench_single.extra_settlements(400))
    assert not df.equals(bench_single.extra_settlements(400, seed=bench_single.EXTRA_SEED + 1))


def test_growth_rows_are_other_jurisdictions_labelled_synthetic():
    df = bench_single.extra_settlements(400)
    assert df["settlement_id"].str.startswith(bench_single.EXTRA_PREFIX).all()
    assert df["jurisdiction"].str.startswith(bench_single.EXTRA_PREFIX).all()
    assert df["source"].str.contains("SYNTHETIC").all()
    shipped = pd.concat([pd.read_csv(p, dtype=str, usecols=["settlement_id", "jurisdiction"])
                         for p in sorted((REPO / "data/raw/settlements").glob("*.csv"))
                         if "jurisdiction" in pd.read_csv(p, nrows=0).columns])
    assert len(shipped) > 100
    assert not set(df["jurisdiction"]) & set(shipped["jurisdiction"])
    assert not set(df["settlement_id"]) & set(shipped["settlement_id"])


def test_measure_met_and_target():
    assert bc.Measure("speed", 25.0, "{:.1f}x", ">=", 20).met == "yes"
    assert bc.Measure("speed", 19.9, "{:.1f}x", ">=", 20).met == "no"
    assert bc.Measure("brief", 1.0, "{:.2f} s", "<=", 1.0).met == "yes"
    assert bc.Measure("brief", 1.01, "{:.2f} s", "<=", 1.0).met == "no"
    assert bc.Measure("brief", None, "{:.2f} s", "<=", 1.0).met == "not run"
    assert bc.Measure("ref", 3.0, "{:.2f} s").met == "-"
    assert bc.Measure("brief", 1.0, "{:.2f} s", "<=", 1.0).target == "<= 1.00 s"
    assert bc.Measure("ref", 3.0, "{:.2f} s").target == "(reference)"
    with pytest.raises(ValueError, match="comparison"):
        _ = bc.Measure("x", 1.0, "{}", "<", 2).met


def test_summary_table_lines_up_every_measure():
    ms = [bc.Measure("wagebrief / CLI loop", 31.25, "{:.1f}x", ">=", 20),
          bc.Measure("cold render", 6.5, "{:.2f} s", "<=", 5),
          bc.Measure("growth", None, "{:+.1f}%", "<=", 20)]
    lines = bc.summary_table(ms).splitlines()
    assert lines[0].split() == ["measure", "value", "target", "met"]
    assert set(lines[1]) == {"-"}
    assert len({len(line) for line in lines}) == 1  # a table: every line as wide as the header
    assert lines[2].startswith("wagebrief / CLI loop") and lines[2].split()[-4:] == ["31.2x", ">=", "20.0x", "yes"]
    assert lines[3].endswith("no") and "6.50 s" in lines[3] and "<= 5.00 s" in lines[3]
    assert lines[4].endswith("not run") and "<= +20.0%" in lines[4]


def test_paths_side_by_side_and_ratios():
    cli = bc.PathResult("CLI loop", 400.0, 40, 900_000_000, cpu=380.0)
    wb = bc.PathResult("wagebrief", 20.0, 40, 1_500_000_000, cpu=38.0)
    assert bc.speedup(wb, cli) == pytest.approx(20.0)
    assert bc.speedup(wb, cli, cpu=True) == pytest.approx(10.0)
    table = bc.side_by_side([cli, wb]).splitlines()
    assert "s/brief" in table[0] and "peak RSS GB" in table[0] and "CPU s/brief" in table[0]
    assert table[2].split()[-7:] == ["40", "400.0", "10.00", "0.100", "0.90", "380.0", "9.50"]
    assert table[3].split()[-7:] == ["40", "20.0", "0.50", "2.000", "1.50", "38.0", "0.95"]


def test_median_after_first_and_growth():
    assert bc.median_after_first([9.0, 1.0, 3.0, 2.0]) == 2.0  # the warm-up is left out
    with pytest.raises(ValueError):
        bc.median_after_first([1.0])
    assert bc.growth_pct(2.0, 2.3) == pytest.approx(15.0)
    assert bc.growth_pct(2.0, 1.5) == pytest.approx(-25.0)
    with pytest.raises(ValueError):
        bc.growth_pct(0.0, 1.0)


def test_parts_to_run():
    assert bench_render.parts_to_run(None, False) == bench_render.PARTS
    assert "cli" not in bench_render.parts_to_run(None, True)
    assert bench_render.parts_to_run(["cold,warm", "cli"], False) == ["warm", "cold", "cli"]
    with pytest.raises(SystemExit, match="unknown part"):
        bench_render.parts_to_run(["warm,nope"], False)


def test_summary_of_a_run_judges_each_target():
    m = {"wagebrief": bc.PathResult("wb", 20.0, 40, 1, cpu=40.0), "cli": bc.PathResult("cli", 800.0, 40, 1, cpu=400.0),
         "warm": {"a": 0.8, "b": 1.2}, "warm_cpu": {"a": 0.7, "b": 0.9}}
    rows = {x.name: x for x in bench_render.measures(m)}
    assert rows["wagebrief / CLI loop (briefs per second)"].met == "yes"  # 40x
    assert rows["wagebrief / peer (briefs per second)"].met == "not run"
    assert rows["marginal warm brief, worst demo unit"].value == 1.2
    assert rows["marginal warm brief, worst demo unit"].met == "no"
    assert all(x.met == "not run" for x in bench_render.measures({}))


def test_tree_memory_and_cpu_include_children():
    burn = "import time\nwhile time.process_time() < 0.5: pass"
    with bc.TreeRSS(interval=0.05) as mem:
        subprocess.run([sys.executable, "-c", burn], check=True)
    assert mem.peak > 1_000_000
    assert mem.cpu >= 0.45  # the child's half second of CPU is counted
    assert bc.tree()[os.getpid()][0] > 0
