"""The solver's fast path: the kept forecast, the slim market analysis, and no model imports.

``wagebrief solve`` reuses the wage-trend forecast kept in ``data/processed/forecasts/`` and skips
the market outlook table; these tests check that it gives exactly the answer of the full market
analysis, that a kept forecast is used only for the inputs it was computed from, and that a solve
with a kept forecast never imports statsmodels or scipy (``make bench-solve`` prints the timings).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import synthetic_project
from wagebrief.analysis import forecast_store, market
from wagebrief.analysis import solve as S
from wagebrief.analysis.projection import Forecast
from wagebrief.inputs import gaps

CLI = [sys.executable, "-c", "from wagebrief.cli import main; main()"]
UNIT = "city-police"


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAGEBRIEF_ROOT": str(root)}
    return subprocess.run(CLI + list(args), env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A synthetic project with data/processed/ built as ``make demo`` builds it (the store needs the series)."""
    root = synthetic_project(tmp_path_factory.mktemp("speed"))
    for cmd in ("build", "series"):
        res = _cli(root, cmd)
        assert res.returncode == 0, res.stderr
    return root


def _unit(root: Path):
    return gaps.load_unit(UNIT, root=root)[0]


def test_fast_path_answers_exactly_as_the_full_market_analysis(built: Path) -> None:
    store = forecast_store.store_path(_unit(built), built)
    store.unlink(missing_ok=True)
    full = S.solve(UNIT, target_percentile=60, root=built, reuse_forecast=False, outlook=True, score_comparables=True)
    assert not store.exists()  # the full analysis neither reads nor writes the store
    cold = S.solve(UNIT, target_percentile=60, root=built)  # computes the forecast, keeps it
    assert store.is_file()
    warm = S.solve(UNIT, target_percentile=60, root=built)  # reads it
    assert full.to_json() == cold.to_json() == warm.to_json()
    assert full.answer.text() == warm.answer.text() and full.answer.term_cost == warm.answer.term_cost
    # A capped question with mid-year dates too.
    a = S.solve(UNIT, target_percentile=60, cap=3_000_000, split=True, root=built, reuse_forecast=False, outlook=True)
    b = S.solve(UNIT, target_percentile=60, cap=3_000_000, split=True, root=built)
    assert a.to_json() == b.to_json()


def test_slim_market_analysis_differs_only_in_the_outlook(built: Path) -> None:
    u = _unit(built)
    full = market.analyse(u, root=built, score_comparables=False)
    slim = market.analyse(u, root=built, score_comparables=False, outlook=False, reuse_forecast=True)
    assert len(full.outlook) and slim.outlook.empty
    assert full.notes == slim.notes and full.forecast == slim.forecast and (full.start, full.end) == (slim.start, slim.end)
    pd.testing.assert_frame_equal(full.projected, slim.projected)
    pd.testing.assert_frame_equal(full.position, slim.position)
    cols = [c for c in full.current.columns if not c.startswith("rank_")]
    key = ["benchmark_title", "jurisdiction"]
    pd.testing.assert_frame_equal(full.current[cols].sort_values(key).reset_index(drop=True),
                                  slim.current[cols].sort_values(key).reset_index(drop=True))


def test_a_kept_forecast_is_used_only_for_its_inputs(built: Path) -> None:
    u = _unit(built)
    ev = market._load_events(built)
    calls = []

    def compute(unit, events, years, root):
        calls.append(len(events))
        return Forecast({2027: 1.25, 2028: 2.0 / 3}, "test forecast", "model", unit.cpi_basis,
                        unit.fiscal_year_start_month), None

    forecast_store.store_path(u, built).unlink(missing_ok=True)
    first, _ = forecast_store.cached(compute, u, ev, [2027, 2028], built)
    again, _ = forecast_store.cached(compute, u, ev, [2027, 2028], built)
    assert calls == [len(ev)] and again == first and again.rates[2028] == 2.0 / 3  # to the last bit
    forecast_store.cached(compute, u, ev, [2027, 2028, 2029], built)  # other years
    forecast_store.cached(compute, u, ev.iloc[:-1], [2027, 2028, 2029], built)  # one settlement row fewer
    changed = ev.copy()
    changed.loc[changed.index[0], "base_pct"] = 9.99
    forecast_store.cached(compute, u, changed, [2027, 2028, 2029], built)  # one figure changed
    assert len(calls) == 4
    # A file that is not a kept forecast is ignored (recomputed), never an error.
    forecast_store.store_path(u, built).write_text("not json", encoding="utf-8")
    forecast_store.cached(compute, u, changed, [2027, 2028, 2029], built)
    assert len(calls) == 5
    # A forecast that could not be made is not kept: the models are asked again.
    forecast_store.store_path(u, built).unlink()
    for _ in range(2):
        got, why = forecast_store.cached(lambda *a: (None, "no model"), u, ev, [2027], built)
        assert got is None and why == "no model"
    assert not forecast_store.store_path(u, built).exists()


def test_no_key_without_processed_series(built: Path, tmp_path: Path) -> None:
    root = synthetic_project(tmp_path)  # nothing built: the series would come from data/raw/
    u = _unit(root)
    assert forecast_store.key(u, market._load_events(built), [2027], root) is None
    assert forecast_store.key(u, market._load_events(built), [2027], built) is not None


def test_solve_command_never_imports_the_models(built: Path) -> None:
    S.solve(UNIT, target_percentile=60, root=built)  # keeps the forecast, as any first solve does
    probe = ("import sys\nfrom wagebrief.cli import main\n"
             f"sys.argv = ['wagebrief', 'solve', '--unit', '{UNIT}', '--target-percentile', '60', '--format', 'json']\n"
             "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
             "heavy = sorted(m for m in ('statsmodels', 'scipy', 'scipy.stats', 'matplotlib') if m in sys.modules)\n"
             "print('HEAVY=' + ','.join(heavy))\n")
    env = {**os.environ, "WAGEBRIEF_ROOT": str(built)}
    res = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    out, _, last = res.stdout.rpartition("HEAVY=")
    assert last.strip() == "", f"the solve imported {last.strip()}"
    assert json.loads(out)["schedules"][0]["key"] == "reach:back_loaded"


def test_solve_command_leaves_hypothesis_unloaded_but_importable(built: Path) -> None:
    S.solve(UNIT, target_percentile=60, root=built)  # the forecast kept
    probe = ("import sys\nfrom wagebrief.cli import main\n"
             f"sys.argv = ['wagebrief', 'solve', '--unit', '{UNIT}', '--target-percentile', '60', '--format', 'json']\n"
             "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
             "loaded = 'hypothesis' in sys.modules\n"
             "import hypothesis, pandera\n"  # the command's block is lifted: hypothesis imports again
             "print('LOADED=' + str(loaded) + ' ' + hypothesis.__name__)\n")
    env = {**os.environ, "WAGEBRIEF_ROOT": str(built)}
    res = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    out, _, last = res.stdout.rpartition("LOADED=")
    assert last.strip() == "False hypothesis"
    assert json.loads(out)["schedules"][0]["key"] == "reach:back_loaded"
