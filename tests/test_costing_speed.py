"""The costing's speed work keeps every figure: the roster read once (Payroll), the fiscal years
worked out once per term, each scenario's run reused for its cost of 1%, and one footed table for
the whole brief section. Each check here compares against the slow way, to the last bit, or
changes an input and expects the figures to follow.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from test_costing import PROPOSALS, make_costing_inputs
from wagebrief.analysis import costing, costing_engine, costing_measures
from wagebrief.brief import costing as costing_section
from wagebrief.inputs.proposals import Event

LONGEVITY = PROPOSALS.replace(
    "rollup:", "longevity: {basis: flat, schedule: {5: 500, 15: 1500}}\nrollup:").replace(
    "timing: common_date", "timing: anniversary").replace("term_end: 2026-06-30", "term_end: 2028-06-30")
ROSTER_LONG = """employee_id,title,step,hire_date,annual_base_salary,fte,longevity_eligible
T1,Clerk,3,2020-03-15,"$50,000",1,yes
T2,Clerk,8,2010-01-10,60000,1,yes
T3,Clerk,1,2024-09-01,40000,0.5,no
T4,Director,8,2005-05-05,200000,1,yes
T5,Analyst,5,2018-11-30,80000,1,yes
T6,Analyst,2,2012-02-29,70000,1,yes
"""


@pytest.fixture
def inputs(tmp_path: Path):
    return make_costing_inputs(tmp_path, LONGEVITY, ROSTER_LONG)


def _run(roster, prop, events):
    periods = costing_engine._periods(prop).reset_index(drop=True)
    caps = np.full(len(periods), 176_100.0)
    return costing_engine._simulate(roster, events, prop, periods, caps, 184_500.0, list(prop.rollup.rates))


def test_a_payroll_read_once_costs_as_the_roster_does(inputs) -> None:
    prop, df = inputs
    pay = costing_engine.payroll(df, prop)
    assert costing_engine.payroll(pay, prop) is pay  # reused as it is
    for s in prop.scenarios.values():
        a, lift_a, who_a = _run(df, prop, list(s.events))
        b, lift_b, who_b = _run(pay, prop, list(s.events))
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert lift_a == lift_b and who_a["capped_years"] == who_b["capped_years"]
        assert (who_a["lift"] == who_b["lift"]).all()
    # Longevity tiers reached during the term are part of the no-increase run.
    zero, _, _ = _run(pay, prop, [])
    assert zero["longevity"].sum() > 0


def test_a_payroll_is_for_its_own_proposals(inputs) -> None:
    prop, df = inputs
    pay = costing_engine.payroll(df, prop)
    other = dataclasses.replace(prop, roster_as_of=pd.Timestamp("2027-06-30"))
    with pytest.raises(ValueError, match="another proposals object"):
        _run(pay, other, [])
    # Built for the other proposals, the baseline tiers follow its roster date (T1 reaches 5 years in 2025).
    assert costing_engine.payroll(df, other).tier0.tolist() != pay.tier0.tolist()


def test_fiscal_years_follow_an_edited_term(inputs) -> None:
    prop, _ = inputs
    assert costing_engine.fiscal_years(prop) == prop.fiscal_years == [2026, 2027, 2028]
    longer = dataclasses.replace(prop, term_end=pd.Timestamp("2029-06-30"))
    assert costing_engine.fiscal_years(longer) == longer.fiscal_years == [2026, 2027, 2028, 2029]
    january = dataclasses.replace(prop, fy_start_month=1)
    assert costing_engine.fiscal_years(january) == january.fiscal_years
    got = costing_engine.fiscal_years(prop)
    got.append(1999)  # a caller's list is its own: the kept years are not changed
    assert costing_engine.fiscal_years(prop) == [2026, 2027, 2028]


def test_cost_of_1pct_reusing_the_scenario_runs_is_the_same(inputs) -> None:
    prop, df = inputs
    c = costing.cost_roster(df, prop, min_group=1)
    periods = costing_engine._periods(prop).reset_index(drop=True)
    lift_year = (prop.term_end + pd.Timedelta(days=1)).year
    wb = c.wage_bases.set_index("year")["wage_base"]
    caps = periods["year"].map(wb).to_numpy(float)
    fresh = costing_measures.cost_of_1pct_by_scenario(df, prop, c.scenarios, periods, caps, wb[lift_year],
                                                      c.rate_names)
    pd.testing.assert_frame_equal(fresh, c.cost_of_1pct_scenarios, check_exact=True)
    # And it is a 1% raise's cost: more than nothing, and more on a raised payroll.
    assert (fresh["total"] > 0).all()
    frozen = c.cost_of_1pct.set_index("fiscal_year")["total"]
    union = fresh[fresh["scenario"].eq("union")].set_index("fiscal_year")["total"]
    assert (union > frozen).all()
    # Adding the 1% as an event by hand gives the same figure for the first year.
    first = _run_totals(df, prop, list(c.scenarios["union"].events) + [Event(prop.term_start, "gwi_pct", 1.0)],
                        periods, caps, wb[lift_year]) - _run_totals(df, prop, list(c.scenarios["union"].events),
                                                                    periods, caps, wb[lift_year])
    assert first.loc[2026, "total"] == pytest.approx(union[2026], abs=1e-9)


def _run_totals(df, prop, events, periods, caps, lift_cap):
    per, _, _ = costing_engine._simulate(df, events, prop, periods, caps, lift_cap, list(prop.rollup.rates))
    return costing_measures.year_totals(per, periods, prop.fiscal_years)


def test_the_section_shares_one_table_and_says_the_same(tmp_path: Path) -> None:
    prop, df = make_costing_inputs(tmp_path, LONGEVITY, ROSTER_LONG)
    c = costing.cost_roster(df, prop, min_group=1)
    masked = costing_section._masked_table(c)
    for f in (costing_section.side_by_side, costing_section.by_fiscal_year, costing_section.cost_of_1pct,
              costing_section.sentences):
        shared, alone = f(c, masked), f(c)
        if isinstance(shared, pd.DataFrame):
            pd.testing.assert_frame_equal(shared, alone)
        else:
            assert shared == alone
    # The suppression mask follows the costing: a larger minimum group hides more cells.
    strict = dataclasses.replace(c, min_group=4)
    hidden = costing.suppressed(strict, costing.table(strict))
    assert hidden.to_numpy().sum() > masked[1].to_numpy().sum()
    assert costing_section.side_by_side(strict).ne(costing_section.side_by_side(c)).any().any()
