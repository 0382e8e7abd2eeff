"""``wagebrief solve``: a hand-checked target, caps, equal-cost timing, the CLI and --save."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from conftest import rows, valid_events
from wagebrief.analysis import costing, market
from wagebrief.analysis import solve as S
from wagebrief.analysis.position import percentile
from wagebrief.cli import solve as solve_cmd
from wagebrief.inputs import proposals as props
from wagebrief.inputs import scenario_file, units

REPO = Path(__file__).resolve().parents[1]
UNIT = "state-clerical"
T = pd.Timestamp
#: Six comparators' Clerk top step on 2026-07-01; each settles 2% on 2027-07-01 through 2030-06-30.
TOPS = {"Commonwealth of Massachusetts": 50_000, "State of Rhode Island": 51_000, "State of New Hampshire": 52_000,
        "State of Vermont": 55_000, "State of Maine": 60_000, "State of New York": 65_000}
STATES = {"Commonwealth of Massachusetts": "MA", "State of Rhode Island": "RI", "State of New Hampshire": "NH",
          "State of Vermont": "VT", "State of Maine": "ME", "State of New York": "NY"}
UNIT_TOP = 50_000.0


def _salaries() -> pd.DataFrame:
    recs = [{"jurisdiction": "State of Connecticut", "state": "CT", "top": UNIT_TOP}]
    recs += [{"jurisdiction": j, "state": STATES[j], "top": float(t)} for j, t in TOPS.items()]
    df = pd.DataFrame(recs)
    df["max_salary"] = df.pop("top")
    df["min_salary"] = df["max_salary"] * 0.8
    return df.assign(unit="Clerical", benchmark_title="Clerk", local_title=None, occupation_group="clerical",
                     effective_date=T("2026-07-01"), steps=5, hours_per_week=40.0, longevity_10=np.nan,
                     longevity_15=np.nan, longevity_20=np.nan, source="SYNTHETIC test schedule", source_url="",
                     notes="", source_file="test.csv", source_row=range(2, 2 + len(df)))


def _events() -> pd.DataFrame:
    comp = [rows({"effective_date": "2027-07-01", "pct": "2.0"}, settlement_id=f"C{i}", jurisdiction=j,
                 state=STATES[j], jurisdiction_type="state", term_start="2026-07-01", term_end="2030-06-30")
            for i, j in enumerate(TOPS)]
    # The unit's own contract ends the day before the proposals' term starts (2027-07-01), with no raise after
    # its 2026-07-01 schedule: the unit's pay the day before the contract is the schedule's.
    own = rows({"effective_date": "2024-07-01", "pct": "1.0"}, settlement_id="U1", jurisdiction="State of Connecticut",
               state="CT", jurisdiction_type="state", term_start="2024-07-01", term_end="2027-06-30")
    return valid_events(*comp, own)


@pytest.fixture(scope="module")
def known() -> S.Solution:
    return S.solve(UNIT, target_percentile=60, salaries=_salaries(), events=_events(), forecast=2.0)


def test_percentile_reached_inverts_percentile() -> None:
    v = [50_000, 51_000, 52_000, 55_000, 60_000, 65_000]
    for p in (0, 10, 37.5, 60, 99, 100):
        assert S.percentile_reached(percentile(v, p), v) == pytest.approx(p, abs=1e-9)
    assert S.percentile_reached(49_000, v) == 0 and S.percentile_reached(70_000, v) == 100
    assert S.percentile_reached(53_500, v) == pytest.approx(50.0)  # halfway from 52,000 (40th) to 55,000 (60th)
    assert math.isnan(S.percentile_reached(1.0, []))


def test_known_answer_reaches_exactly_the_60th_percentile(known: S.Solution) -> None:
    # By hand: the comparators' 2030-06-30 tops are 1.02 x TOPS; with six, the 60th percentile is the 4th
    # lowest exactly ((6 - 1) x 0.6 = 3): 55,000 x 1.02 = 56,100. From 50,000 that is 12.2% in all.
    assert known.titles == ["Clerk"] and known.measures == {"Clerk": "top"}
    assert known.base_pay["Clerk"] == pytest.approx(UNIT_TOP, abs=1e-6)
    assert known.target_pay["Clerk"] == pytest.approx(56_100.0, abs=1e-6)
    assert known.required_pct["Clerk"] == pytest.approx(12.2, abs=1e-9)
    a = known.answer
    assert a.key == "reach:back_loaded"
    # Least cost is one rise at the last fiscal-year start: 12.20% on 2029-07-01, nothing before.
    assert a.increases == ((T("2027-07-01"), 0.0), (T("2028-07-01"), 0.0), (T("2029-07-01"), 12.2))
    assert round(a.end_pay["Clerk"], 2) == 56_100.00
    assert a.percentile["Clerk"] == pytest.approx(60.0, abs=1e-9) and a.meets_target
    # The level shape: 1.122 ** (1/3) = 1.039117..., so 3.92% a year is the smallest in hundredths that reaches it.
    level = known.schedule("reach:level")
    assert [p for _, p in level.increases] == [3.92, 3.92, 3.92]
    assert 50_000 * 1.0391 ** 3 < 56_100 <= 50_000 * 1.0392 ** 3
    assert all(p == pytest.approx(100 * (1.122 ** (1 / 3) - 1)) for _, p in level.exact)
    # Back-loading costs less for the same end level.
    assert a.term_cost < level.term_cost


def test_the_answer_in_the_market_outlook(known: S.Solution) -> None:
    # The market section, given the answer as a scenario, puts the unit at the 60th percentile at contract end.
    sc = {"counter": props.Scenario("counter", "Counter", "the counter",
                                    tuple(props.Event(d, "gwi_pct", p) for d, p in known.answer.increases if p))}
    ma = market.analyse(UNIT, salaries=_salaries(), events=_events(), forecast=2.0, scenarios=sc,
                        score_comparables=False)
    row = ma.outlook[ma.outlook["scenario"].eq("counter") & ma.outlook["measure"].eq("top")].iloc[0]
    assert round(row["unit_value"], 2) == 56_100.00 and row["p60"] == pytest.approx(56_100.0)


def test_max_per_year_fills_from_the_back() -> None:
    r = S.solve(UNIT, target_percentile=60, salaries=_salaries(), events=_events(), forecast=2.0, max_per_year=5,
                timing=False)
    # 5% in FY2030, 5% in FY2029, and the rest in FY2028: 1.122 / 1.05**2 = 1.017687... -> 1.77% (rounded up).
    assert [p for _, p in r.answer.increases] == [1.77, 5.0, 5.0]
    assert 50_000 * 1.0176 * 1.05 ** 2 < 56_100 <= 50_000 * 1.0177 * 1.05 ** 2
    split = S.solve(UNIT, target_percentile=60, salaries=_salaries(), events=_events(), forecast=2.0, split=True,
                    timing=False)
    # With mid-year dates the latest is 2030-01-01: the whole rise goes there, and costs less still.
    assert [(d, p) for d, p in split.answer.increases if p] == [(T("2030-01-01"), 12.2)]
    assert split.answer.term_cost < r.answer.term_cost
    # A limit per increase makes a genuine split, filled from the back: 4% on 2030-01-01 and 2029-07-01, then
    # 1.122 / 1.04**2 = 1.037352... -> 3.74% on 2029-01-01.
    capped = S.solve(UNIT, target_percentile=60, salaries=_salaries(), events=_events(), forecast=2.0, split=True,
                     max_per_increase=4, timing=False)
    assert [(d, p) for d, p in capped.answer.increases if p] == [
        (T("2029-01-01"), 3.74), (T("2029-07-01"), 4.0), (T("2030-01-01"), 4.0)]
    assert 50_000 * 1.0373 * 1.04 ** 2 < 56_100 <= 50_000 * 1.0374 * 1.04 ** 2


def _cost_roster(sol: S.Solution, inc: S.Increases) -> np.ndarray:
    """The schedule costed by the public costing (cost_roster), as `wagebrief cost` would cost it."""
    u = units.load(UNIT)
    prop = props.load(u)
    loaded = costing._load(u, None, None)
    steps = [e for e in loaded.scenarios[prop.reference].events if e.kind == "step_movement"]
    sc = props.Scenario("x", "X", "x", tuple(steps + [props.Event(d, "gwi_pct", p) for d, p in inc if p]),
                        resolved=True)
    c = costing.cost_roster(loaded.roster, prop, {prop.reference: loaded.scenarios[prop.reference], "x": sc})
    return c.by_year[c.by_year["scenario"].eq("x")].set_index("fiscal_year")["total_cost"].to_numpy()


def test_costs_are_the_costings_to_the_cent(known: S.Solution) -> None:
    for s in known.schedules[:3]:
        got = np.array(list(s.cost_by_year.values()))
        assert np.array_equal(np.round(got, 2), np.round(_cost_roster(known, s.increases), 2)), s.key


def test_cap_in_dollars_fits_and_one_hundredth_more_does_not() -> None:
    cap = 2_000_000.0
    r = S.solve(UNIT, target_percentile=60, cap=cap, salaries=_salaries(), events=_events(), forecast=2.0)
    assert r.answer.question == "cap" and r.answer.fits_cap
    for key in ("cap:back_loaded", "cap:level"):
        s = r.schedule(key)
        assert 0 < s.term_cost <= cap
        assert _cost_roster(r, s.increases).sum() <= cap
        # One hundredth of a percent more on every raised date (back-loaded: its one rise) exceeds the cap.
        more = tuple((d, round(p + 0.01, 2) if p else p) for d, p in s.increases)
        assert _cost_roster(r, more).sum() > cap, key
        assert not s.meets_target and s.percentile["Clerk"] < 60
    # The back-loaded schedule gets furthest for the money: it is the answer.
    assert r.answer.key == "cap:back_loaded"
    assert r.answer.lift_pct > r.schedule("cap:level").lift_pct


def test_cap_in_percent_of_payroll_a_year() -> None:
    r = S.solve(UNIT, cap_pct=2.5, salaries=_salaries(), events=_events(), forecast=2.0, timing=False)
    assert r.target_percentile == 50 and any("median" in n for n in r.notes)
    for s in (x for x in r.schedules if x.question == "cap"):
        for y, (fy, cost) in enumerate(s.cost_by_year.items(), start=1):
            assert cost <= (1.025 ** y - 1) * r.base_payroll + 1e-6, (s.key, fy)


def test_equal_cost_timing_alternatives(known: S.Solution) -> None:
    base = known.answer
    alts = [s for s in known.schedules if s.question == "timing"]
    assert [s.shape for s in alts] == ["mid_year", "split"]
    want = np.round(_cost_roster(known, base.increases), 2)
    for s in alts:
        # The same cost in every fiscal year, to the cent, by the public costing...
        assert np.array_equal(np.round(_cost_roster(known, s.increases), 2), want), s.key
        # ... and a higher end level: a raise on 2030-01-01 is paid for half of FY2030.
        assert s.lift_pct > base.lift_pct + 5
    mid = dict(alts[0].increases)
    assert set(d for d, p in alts[0].increases if p) == {T("2030-01-01")}
    assert 2 * 12.2 < mid[T("2030-01-01")] < 2 * 12.2 * 1.2


def test_bad_questions_are_clear() -> None:
    with pytest.raises(S.SolveError, match="outside 0..100"):
        S.solve(UNIT, target_percentile=150)
    with pytest.raises(S.SolveError, match="not a benchmark title"):
        S.solve(UNIT, target_percentile=60, title="Astronaut", salaries=_salaries(), events=_events(), forecast=2.0)
    with pytest.raises(S.SolveError, match="give a target"):
        S.solve(UNIT)


# --------------------------------------------------------------------------- the command

def _app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    solve_cmd.register(app)
    return app


def run(*args: str):
    return CliRunner().invoke(_app(), ["solve", *args])


def test_registered_in_cli() -> None:
    assert '"wagebrief.cli.solve"' in (REPO / "src" / "wagebrief" / "cli" / "__init__.py").read_text()


def test_cli_table_csv_json() -> None:
    res = run("--unit", "city-police", "--target-percentile", "60")
    assert res.exit_code == 0, res.output
    assert "reach:back_loaded" in res.output and "timing:mid_year" in res.output and "offer:union" in res.output
    assert "least-cost schedule reaching the 60th percentile" in res.output
    res = run("--unit", "city-police", "--cap", "$3,000,000", "--target-percentile", "60", "--format", "csv")
    assert res.exit_code == 0, res.output
    t = pd.read_csv(io.StringIO(res.output))
    assert t.loc[0, "schedule"].startswith("cap:") and t.loc[0, "term_cost"] <= 3_000_000
    res = run("--unit", "city-police", "--target-percentile", "60", "--title", "Police Sergeant", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["titles"] == ["Police Sergeant"] and data["schedules"][0]["key"] == "reach:back_loaded"


def test_cli_errors() -> None:
    res = run("--unit", "no-such-unit", "--target-percentile", "60")
    assert res.exit_code == 2 and "error:" in res.output and "no-such-unit" in res.output
    res = run("--unit", "city-police", "--target-percentile", "160")
    assert res.exit_code == 2 and "outside 0..100" in res.output
    res = run("--unit", "city-police")
    assert res.exit_code == 2 and "--target-percentile" in res.output
    res = run("--unit", "city-police", "--cap", "lots")
    assert res.exit_code == 2 and "cannot read 'lots'" in res.output


def test_save_round_trip(project: Path) -> None:
    path = project / "comparators" / "proposals" / f"{UNIT}.yml"
    before = path.read_text()
    res = run("--unit", UNIT, "--target-percentile", "60", "--save", "counter_p60", "--format", "json")
    assert res.exit_code == 0, res.output
    sol = json.loads(res.output[: res.output.rindex("}") + 1])
    after = path.read_text()
    assert after.startswith(before.rstrip("\n"))  # every line kept, comments too; the scenario added at the end
    assert "# Bargaining proposals for the State Clerical unit" in after
    u = units.load(UNIT)
    loaded = props.load(u)
    assert "counter_p60" in loaded.scenarios and loaded.scenarios["counter_p60"].steps_from == loaded.reference
    answer = sol["schedules"][0]
    saved = [(e.effective_date, e.value) for e in loaded.scenarios["counter_p60"].events]
    assert saved == [(T(i["effective_date"]), round(i["gwi_pct"], 2)) for i in answer["increases"] if i["gwi_pct"]]
    # It costs, as a scenario of the file, what the solver said.
    c = costing.cost_unit(UNIT)
    by = c.by_year[c.by_year["scenario"].eq("counter_p60")].set_index("fiscal_year")["total_cost"]
    assert {str(k): round(v, 2) for k, v in by.items()} == {k: round(v, 2) for k, v in answer["cost_by_year"].items()}
    # Saving the same name again is refused; the file is unchanged.
    res = run("--unit", UNIT, "--target-percentile", "60", "--save", "counter_p60")
    assert res.exit_code == 2 and "already a scenario" in res.output
    assert path.read_text() == after


def test_save_refuses_a_file_it_cannot_edit_safely(project: Path) -> None:
    path = project / "comparators" / "proposals" / f"{UNIT}.yml"
    text = path.read_text()
    head, _ = text.split("scenarios:\n", 1)
    flow = head + "scenarios: {management: {label: M, events: [{effective_date: 2027-07-01, gwi_pct: 1.0}]}}\n"
    path.write_text(flow)
    spec = scenario_file.scenario_spec("Counter", [(T("2029-07-01"), 12.2)])
    with pytest.raises(scenario_file.NotSaved) as exc:
        scenario_file.add_scenario(units.load(UNIT), "counter", spec)
    assert "counter:" in exc.value.yaml_text and "gwi_pct: 12.2" in exc.value.yaml_text
    assert path.read_text() == flow


def test_save_keeps_crlf_rows(project: Path) -> None:
    path = project / "comparators" / "proposals" / f"{UNIT}.yml"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    spec = scenario_file.scenario_spec("Counter", [(T("2029-07-01"), 12.2)], steps_from="management")
    scenario_file.add_scenario(units.load(UNIT), "counter", spec)
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") and b"gwi_pct: 12.2}\r\n" in raw
    assert props.load(units.load(UNIT)).scenarios["counter"].events[0].value == 12.2
