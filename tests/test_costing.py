"""Costing, checked against numbers worked by hand.

The hand roster is five employees costed over one fiscal year, FY2026 (2025-07-01 to
2026-06-30: 365 days, of which 184 fall in July-December 2025 and 181 in January-June 2026).
Every expected value below is written out as plain arithmetic, independent of the engine.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wagebrief.analysis import costing
from wagebrief.brief import costing as costing_section
from wagebrief.inputs import proposals, roster
from wagebrief.inputs.units import Employer, Unit

SS, MED, PENSION = 0.062, 0.0145, 0.10
H2 = 181 / 365  # January-June 2026 as a share of FY2026

ROSTER = """employee_id,title,step,hire_date,annual_base_salary,fte
T1,Clerk,3,2020-03-15,"$50,000",1
T2,Clerk,8,2010-01-10,60000,1
T3,Clerk,1,2024-09-01,40000,0.5
T4,Director,8,2005-05-05,200000,1
T5,Analyst,5,2018-11-30,80000,1
"""

PROPOSALS = """
unit: testunit
term_start: 2025-07-01
term_end: 2026-06-30
roster_as_of: 2025-06-30
steps: {top_step: 8, increment_pct: 3.0, timing: common_date}
rollup: {social_security: true, medicare: true, rates: {pension: 10.0}}
scenarios:
  management:
    label: Management offer
    phrase: management's offer
    events:
      - {effective_date: 2025-07-01, gwi_pct: 2.0}
      - {effective_date: 2026-01-01, gwi_pct: "1%"}
      - {effective_date: 2025-07-01, step_movement: true}
      - {effective_date: 2025-07-01, lump_sum: "$1,000"}
  union:
    label: Union demand
    phrase: the union's demand
    events:
      - {effective_date: 2025-07-01, gwi_pct: 3.0}
      - {effective_date: 2025-07-01, step_movement: true}
"""


def make_unit(path: Path | None = None, fy_month: int = 7) -> Unit:
    return Unit(unit="testunit", name="Test Unit", employer=Employer("Testville", "Testville", "CT", "municipal"),
                occupation_group="clerical", cycle_year=2025, fiscal_year_start_month=fy_month, term_years=1,
                cpi_series="X", cpi_basis="fiscal", comparators=(), synthetic=True, extra={}, path=path)


def make_costing_inputs(tmp_path: Path, proposals_text: str = PROPOSALS, roster_text: str = ROSTER, fy_month: int = 7):
    (tmp_path / "p.yml").write_text(proposals_text)
    (tmp_path / "r.csv").write_text(roster_text)
    unit = make_unit(fy_month=fy_month)
    prop = proposals.load(unit, tmp_path, path=tmp_path / "p.yml")
    df = roster.load(tmp_path / "r.csv", top_step=prop.steps.top_step if prop.steps else None,
                     as_of=prop.roster_as_of, longevity=prop.longevity is not None)
    return prop, df


@pytest.fixture
def hand(tmp_path: Path) -> costing.Costing:
    prop, df = make_costing_inputs(tmp_path)
    # The arithmetic worked by hand, on five employees of whom three move a step: no suppression
    # of small groups here (tests/test_security_pay.py tests that).
    return costing.cost_roster(df, prop, min_group=1)


def row(c: costing.Costing, scenario: str, fy: int = 2026) -> pd.Series:
    by = c.by_year
    return by[(by["scenario"] == scenario) & (by["fiscal_year"] == fy)].iloc[0]


# ----------------------------------------------------------------------------- by hand

# Management, on 2025-07-01: the step first (3% of the rate, not at top step 8), then 2%,
# then the lump sum; on 2026-01-01, 1% on the stepped and raised rate.
#            step    rate after step and 2%   1% on 1 Jan      fte
# T1 50,000  1,500   51,500 * 1.02 = 52,530   525.30           1
# T2 60,000  (top)   60,000 * 1.02 = 61,200   612.00           1
# T3 40,000  1,200   41,200 * 1.02 = 42,024   420.24           0.5
# T4 200,000 (top)   200,000 * 1.02 = 204,000 2,040.00         1   <- above the SS wage base
# T5 80,000  2,400   82,400 * 1.02 = 84,048   840.48           1
STEP = 1500 + 0 + 0.5 * 1200 + 0 + 2400
GWI = (1030 + 1200 + 0.5 * 824 + 4000 + 1648) + (525.30 + 612 + 0.5 * 420.24 + 2040 + 840.48) * H2
LUMP = 1000 + 1000 + 0.5 * 1000 + 1000 + 1000
WAGES = STEP + GWI + LUMP
# T4's Social Security: Jan-Jun 2025 (the lead-in, FY2025 also has 365 days) already paid
# 200,000 * 181/365 = 99,178.08; Jul-Dec at either rate takes 2025 past $176,100, so the increase
# there (and the lump sum) is untaxed. In 2026 ($184,500 base) Jan-Jun stays under the base, so
# only 6,040 * 181/365 more is taxed (206,040 vs 200,000 a year).
T4_WAGES = 4000 + 2040 * H2 + 1000
SOCIAL = SS * (WAGES - T4_WAGES) + SS * 6040 * H2
MEDICARE = MED * WAGES
PENSION_COST = PENSION * (STEP + GWI)  # lump sums are not pensionable
TOTAL = WAGES + SOCIAL + MEDICARE + PENSION_COST


def test_five_person_roster_by_hand(hand: costing.Costing) -> None:
    r = row(hand, "management")
    assert r["base_payroll"] == pytest.approx(50000 + 60000 + 20000 + 200000 + 80000)
    assert r["step"] == pytest.approx(STEP, abs=1e-9)
    assert r["gwi"] == pytest.approx(GWI, abs=1e-9)
    assert r["lump_sum"] == pytest.approx(LUMP, abs=1e-9)
    assert r["longevity"] == 0
    assert r["wage_cost"] == pytest.approx(WAGES, abs=1e-9)
    assert r["social_security"] == pytest.approx(SOCIAL, abs=1e-9)
    assert r["medicare"] == pytest.approx(MEDICARE, abs=1e-9)
    assert r["pension"] == pytest.approx(PENSION_COST, abs=1e-9)
    assert r["total_cost"] == pytest.approx(TOTAL, abs=1e-9)
    assert r["cumulative_cost"] == pytest.approx(TOTAL, abs=1e-9)
    assert r["cost_per_employee"] == pytest.approx(TOTAL / 5)
    assert r["pct_of_base_payroll"] == pytest.approx(TOTAL / 410000 * 100)
    # The written-out numbers, to the cent, for the record.
    assert round(GWI, 2) == 10386.58 and round(SOCIAL, 2) == 1014.95 and round(TOTAL, 2) == 22171.29


def test_capped_employee_alone(tmp_path: Path) -> None:
    one = "employee_id,title,step,hire_date,annual_base_salary,fte\nT4,Director,8,2005-05-05,200000,1\n"
    prop, df = make_costing_inputs(tmp_path, roster_text=one)
    r = row(costing.cost_roster(df, prop), "management")
    assert r["social_security"] == pytest.approx(SS * 6040 * H2, abs=1e-9)  # 185.70
    assert round(r["social_security"], 2) == 185.70
    assert r["medicare"] == pytest.approx(MED * T4_WAGES, abs=1e-9)


def test_components_reconcile_exactly_and_when_rounded(hand: costing.Costing) -> None:
    by = hand.by_year
    parts = costing.WAGE_PARTS + hand.rollup_parts
    assert np.allclose(by[parts].sum(axis=1), by["total_cost"], rtol=0, atol=1e-9)
    t = costing.table(hand)
    cents = (t[parts] * 100).round().astype("int64")
    assert (cents.sum(axis=1) == (t["total_cost"] * 100).round().astype("int64")).all()
    assert ((t[costing.WAGE_PARTS] * 100).round().sum(axis=1) == (t["wage_cost"] * 100).round()).all()
    # Each displayed total is its exact total rounded to the cent.
    fy = t[t["fiscal_year"] != "Term"]
    assert list(fy["total_cost"]) == [round(v, 2) for v in by["total_cost"]]


def test_scenario_difference(hand: costing.Costing) -> None:
    # Union: step then 3% on 2025-07-01, no lump sum. T4 (capped) is taxed only on Jan-Jun 2026.
    step = STEP
    gwi = 0.03 * (51500 + 60000 + 0.5 * 41200 + 200000 + 82400)
    wages = step + gwi
    t4 = 6000
    social = SS * (wages - t4) + SS * 6000 * H2
    total = wages + social + MED * wages + PENSION * wages
    u = row(hand, "union")
    assert u["total_cost"] == pytest.approx(total, abs=1e-9)
    assert u["difference"] == pytest.approx(total - TOTAL, abs=1e-9)
    assert u["difference_pct"] == pytest.approx((total - TOTAL) / TOTAL * 100)
    assert row(hand, "management")["difference"] == 0
    s = hand.summary.set_index("scenario")
    assert s.loc["union", "difference"] == pytest.approx(total - TOTAL, abs=1e-9)
    # Displayed differences are differences of the displayed totals.
    t = costing.table(hand).set_index(["scenario", "fiscal_year"])
    assert t.loc[("union", "Term"), "difference"] == pytest.approx(
        t.loc[("union", "Term"), "total_cost"] - t.loc[("management", "Term"), "total_cost"], abs=1e-9)
    text = " ".join(costing_section.sentences(hand))
    assert f"Management's offer costs ${round(TOTAL, 2):,.2f} over the term" in text
    # No lump sum and no split: the union's demand costs less here ($19,736.50 vs $22,171.29).
    assert round(total, 2) == 19736.50
    assert "the union's demand costs $19,736.50, $2,434.79 less" in text


def test_cost_of_one_percent(hand: costing.Costing) -> None:
    wages = 0.01 * 410000  # 0.5 fte * 40,000 = 20,000 of it
    social = SS * (wages - 2000) + SS * 2000 * H2  # T4 capped July-December 2025
    expect = wages + social + MED * wages + PENSION * wages
    assert row(hand, "management")["cost_of_1pct"] == pytest.approx(expect, abs=1e-9)
    assert hand.cost_of_1pct["total"].iloc[0] == pytest.approx(expect, abs=1e-9)


def test_end_of_term_lift(hand: costing.Costing) -> None:
    final = np.array([53055.30, 61812.00, 0.5 * 42444.24, 206040.00, 84888.48])
    base = np.array([50000, 60000, 20000, 200000, 80000])
    lift_wages = (final - base).sum()
    # The 2026 wage base (the calendar year after term_end) caps T4 above and below: no SS.
    social = SS * (lift_wages - 6040)
    expect = lift_wages + social + MED * lift_wages + PENSION * lift_wages
    s = hand.summary.set_index("scenario").loc["management"]
    assert s["lift_wages"] == pytest.approx(lift_wages, abs=1e-6)
    assert s["end_of_term_lift"] == pytest.approx(expect, abs=1e-6)
    assert s["lift_pct_of_base_payroll"] == pytest.approx(lift_wages / 410000 * 100)
    assert s["lift_to_term_cost"] == pytest.approx(expect / TOTAL)


def test_increase_mid_fiscal_year_is_prorated_by_days(tmp_path: Path) -> None:
    text = """
unit: testunit
term_start: 2027-07-01
term_end: 2029-06-30
roster_as_of: 2026-06-30
rollup: {social_security: true, medicare: true}
scenarios:
  management:
    events:
      - {effective_date: 2028-01-01, gwi_pct: 3.0}
"""
    one = "employee_id,title,step,hire_date,annual_base_salary,fte\nA,Clerk,1,2020-01-01,100000,1\n"
    prop, df = make_costing_inputs(tmp_path, text, one)
    c = costing.cost_roster(df, prop)
    # FY2028 runs 2027-07-01 to 2028-06-30: 366 days (29 Feb 2028); 1 Jan to 30 Jun 2028 is 182.
    assert row(c, "management", 2028)["gwi"] == pytest.approx(3000 * 182 / 366, abs=1e-9)
    assert row(c, "management", 2029)["gwi"] == pytest.approx(3000, abs=1e-9)
    fy28 = row(c, "management", 2028)
    assert fy28["total_cost"] == pytest.approx(3000 * 182 / 366 * (1 + SS + MED), abs=1e-9)
    assert row(c, "management", 2029)["cumulative_cost"] == pytest.approx(3000 * (182 / 366 + 1) * (1 + SS + MED), abs=1e-9)


def test_calendar_fiscal_year(tmp_path: Path) -> None:
    text = """
unit: testunit
term_start: 2026-01-01
term_end: 2026-12-31
roster_as_of: 2025-12-31
rollup: {social_security: false, medicare: false}
scenarios:
  management:
    events:
      - {effective_date: 2026-04-01, gwi_flat: 1000}
"""
    one = "employee_id,title,step,hire_date,annual_base_salary,fte\nA,Clerk,1,2020-01-01,50000,0.5\n"
    prop, df = make_costing_inputs(tmp_path, text, one, fy_month=1)
    c = costing.cost_roster(df, prop)
    assert c.fiscal_years == [2026]
    assert row(c, "management")["total_cost"] == pytest.approx(0.5 * 1000 * 275 / 365, abs=1e-9)


def test_anniversary_steps(tmp_path: Path) -> None:
    text = PROPOSALS.replace("timing: common_date", "timing: anniversary")
    people = """employee_id,title,step,hire_date,annual_base_salary,fte
A,Clerk,3,2015-10-15,50000,1
B,Clerk,3,2016-06-30,50000,1
C,Clerk,3,2016-07-01,50000,1
D,Clerk,3,2016-02-29,50000,1
E,Clerk,8,2016-07-01,50000,1
"""
    prop, df = make_costing_inputs(tmp_path, text, people)
    c = costing.cost_roster(df, prop)
    # 15 Oct 2025 -> 30 Jun 2026 is 259 days; 30 Jun 2026 is 1; 1 Jul 2025 is all 365;
    # a 29 February hire moves on 28 Feb 2026 (123 days); E is at the top step.
    # C steps on 1 Jul 2025 before that day's 3% GWI: 3% of 50,000. A, B and D step after
    # it: 3% of 51,500 = 1,545 (a step after a GWI counts as step).
    expect = (1500 * 365 + 1545 * (259 + 1 + 123)) / 365
    assert row(c, "union")["step"] == pytest.approx(expect, abs=1e-9)
    assert row(c, "union")["gwi"] == pytest.approx(0.03 * 50000 * 4 + 0.03 * 51500, abs=1e-9)  # C's on the stepped rate


def test_per_step_increments(tmp_path: Path) -> None:
    text = PROPOSALS.replace("increment_pct: 3.0", "increment_pct: {1: 5.0, 2: 4.0, 3: 3.0, 4: 3.0, 5: 2.0, 6: 2.0, 7: 2.0}")
    prop, df = make_costing_inputs(tmp_path, text)
    c = costing.cost_roster(df, prop)
    assert row(c, "union")["step"] == pytest.approx(0.03 * 50000 + 0.5 * 0.05 * 40000 + 0.02 * 80000, abs=1e-9)


def test_longevity(tmp_path: Path) -> None:
    text = PROPOSALS.replace("rollup:", "longevity: {basis: flat, schedule: {10: 1000, 15: 2000}}\nrollup:")
    people = """employee_id,title,step,hire_date,annual_base_salary,fte,longevity_eligible
A,Clerk,8,2016-01-01,50000,1,yes
B,Clerk,8,2010-03-01,50000,1,yes
C,Clerk,8,2016-01-01,50000,1,no
D,Clerk,8,2011-01-01,50000,0.5,Y
"""
    prop, df = make_costing_inputs(tmp_path, text, people)
    c = costing.cost_roster(df, prop)
    # A reaches 10 years on 1 Jan 2026; B had 15 before the roster date; C is not eligible;
    # D (half time) goes from the $1,000 tier to the $2,000 tier on 1 Jan 2026.
    assert row(c, "union")["longevity"] == pytest.approx(1000 * H2 + 0.5 * 1000 * H2, abs=1e-9)
    # The cost of 1% leaves out the tiers reached anyway.
    assert c.cost_of_1pct["total"].iloc[0] == pytest.approx(0.01 * 175000 * (1 + SS + MED + PENSION), abs=1e-9)
    pct = text.replace("basis: flat, schedule: {10: 1000, 15: 2000}", "basis: pct, schedule: {10: 2.0}")
    prop, df = make_costing_inputs(tmp_path, pct, people)
    c = costing.cost_roster(df, prop)
    # B and D hold the 2% tier: 2% of their 3% raise; A gains 2% of its raised rate from 1 Jan.
    expect = 0.02 * 1500 + 0.5 * 0.02 * 1500 + 0.02 * 51500 * H2
    assert row(c, "union")["longevity"] == pytest.approx(expect, abs=1e-9)
    assert row(c, "union")["pension"] == pytest.approx(PENSION * (row(c, "union")["gwi"] + expect), abs=1e-9)


def test_lump_sum_pct_and_pensionable(tmp_path: Path) -> None:
    text = PROPOSALS.replace("lump_sum: \"$1,000\"", "lump_sum_pct: 2.0").replace(
        "rates: {pension: 10.0}}", "rates: {pension: 10.0}, lump_sums_pensionable: true}")
    prop, df = make_costing_inputs(tmp_path, text)
    r = row(costing.cost_roster(df, prop), "management")
    # 2% of the rate after the same day's step and 2% GWI.
    lump = 0.02 * (52530 + 61200 + 0.5 * 42024 + 204000 + 84048)
    assert r["lump_sum"] == pytest.approx(lump, abs=1e-9)
    assert r["pension"] == pytest.approx(PENSION * (r["gwi"] + r["step"] + lump), abs=1e-9)


def test_default_term_from_unit(tmp_path: Path) -> None:
    # No term or roster date: cycle_year 2025, July start, 1 year -> 2025-07-01 to 2026-06-30.
    text = "\n".join(l for l in PROPOSALS.splitlines() if not l.startswith(("term_", "roster_as_of")))
    prop, _ = make_costing_inputs(tmp_path, text)
    assert prop.term_start == pd.Timestamp("2025-07-01") and prop.term_end == pd.Timestamp("2026-06-30")
    assert prop.fiscal_years == [2026]
    assert prop.roster_as_of == pd.Timestamp("2025-06-30")


def test_math_is_finite_for_every_demo_unit() -> None:
    for unit in ("state-clerical", "city-police", "city-public-works"):
        c = costing.cost_unit(unit)
        num = c.by_year.select_dtypes("number")
        assert np.isfinite(num.to_numpy(float)).all()
        assert not math.isnan(c.summary["end_of_term_lift"].sum())
