"""Budget measures of the costing (issue 15), checked against numbers worked by hand.

The hand roster and proposals are those of tests/test_costing.py: five employees, one fiscal
year, FY2026 (365 days: 184 in July-December 2025, 181 in January-June 2026).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_costing import H2, MED, PENSION, SS, TOTAL, make_costing_inputs, row

from wagebrief.analysis import costing
from wagebrief.brief import costing as costing_section

H1 = 184 / 365  # July-December 2025 as a share of FY2026


@pytest.fixture
def hand(tmp_path: Path) -> costing.Costing:
    prop, df = make_costing_inputs(tmp_path)
    return costing.cost_roster(df, prop, min_group=1)


# ----------------------------------------------------------------------------- 1. cost of 1%

def test_cost_of_1pct_on_each_scenarios_payroll(hand: costing.Costing) -> None:
    # Management's rates after the 2025-07-01 step and 2% (tests/test_costing.py):
    # 52,530 + 61,200 + 0.5 * 42,024 + 204,000 + 84,048 = 422,790 full-time-weighted.
    # One more 1% on 2025-07-01 adds 4,227.90 a year; the 1% of 1 January compounds on it,
    # adding 1% of 4,227.90 = 42.279 a year from 1 January.
    wages = 4227.90 + 42.279 * H2  # 4,248.87
    # T4 (204,000 after 2%) is past the 2025 base all July-December: the extra 2,040 * 184/365 is
    # untaxed; in January-June 2026 T4 stays under the 2026 base, so the rest is taxed.
    social = SS * (wages - 2040 * H1)
    expect = wages + social + MED * wages + PENSION * wages  # GWI is pensionable
    assert round(expect, 2) == 4935.03
    c1 = hand.cost_of_1pct_scenarios.set_index(["scenario", "fiscal_year"])
    assert c1.loc[("management", 2026), "total"] == pytest.approx(expect, abs=1e-9)
    assert c1.loc[("management", 2026), "wages"] == pytest.approx(wages, abs=1e-9)
    # Union: step then 3% on 2025-07-01, nothing later: rates 51,500*1.03 + 60,000*1.03 + ...
    u_rates = 1.03 * (51500 + 60000 + 0.5 * 41200 + 200000 + 82400)  # 427,745.00
    u_wages = 0.01 * u_rates
    u_social = SS * (u_wages - 0.01 * 206000 * H1)  # T4 at 206,000 is capped July-December
    u_expect = u_wages + u_social + MED * u_wages + PENSION * u_wages
    assert c1.loc[("union", 2026), "total"] == pytest.approx(u_expect, abs=1e-9)
    # The frozen roster's figure is unchanged and differs from both.
    assert hand.cost_of_1pct["total"].iloc[0] < u_expect
    t = costing.table(hand).set_index(["scenario", "fiscal_year"])
    assert t.loc[("management", "FY2026"), "cost_of_1pct_on_scenario"] == 4935.03
    text = " ".join(costing_section.sentences(hand))
    assert "on the payroll of management's offer it costs $4,935.03 in FY2026" in text
    shown = costing_section.cost_of_1pct(hand)
    assert list(shown.columns) == ["Fiscal year", "Roster payroll, no increase", "Management offer payroll",
                                   "Union demand payroll"]
    assert shown.iloc[0]["Management offer payroll"] == "$4,935.03"


# ----------------------------------------------------------------------------- 2. one-time lines

def test_lump_sums_are_a_one_time_line_by_fiscal_year(hand: costing.Costing) -> None:
    # Management pays $1,000 on 2025-07-01 pro rata to FTE: 1,000 * (1 + 1 + 0.5 + 1 + 1) = 4,500.
    # Roll-up on it: Medicare on all 4,500; Social Security on all but T4's 1,000 (T4's 2025
    # wages pass the $176,100 base in July-December with or without it); no pension (lump sums
    # are not pensionable here).
    once = 4500 + MED * 4500 + SS * 3500  # 4,500 + 65.25 + 217.00
    assert once == pytest.approx(4782.25)
    m = row(hand, "management")
    assert m["one_time_cost"] == pytest.approx(once, abs=1e-9)
    assert m["recurring_cost"] == pytest.approx(TOTAL - once, abs=1e-9)  # 22,171.29 - 4,782.25
    assert row(hand, "union")["one_time_cost"] == 0  # no lump sum
    t = costing.table(hand).set_index(["scenario", "fiscal_year"])
    assert t.loc[("management", "FY2026"), "one_time_cost"] == 4782.25
    assert t.loc[("management", "FY2026"), "recurring_cost"] == 17389.04
    assert t.loc[("management", "Term"), "one_time_cost"] == 4782.25
    shown = costing_section.by_fiscal_year(hand)
    fy = shown[shown["Fiscal year"].eq("FY2026")].set_index("Budget line")
    assert fy.loc["One-time: lump sums and their roll-up", "Management offer"] == "$4,782.25"
    assert fy.loc["Recurring: base pay and its roll-up", "Management offer"] == "$17,389.04"
    assert fy.loc["Total", "Management offer"] == "$22,171.29"
    assert fy.loc["One-time: lump sums and their roll-up", "Union demand"] == "$0.00"
    text = " ".join(costing_section.sentences(hand))
    assert "Of the cost of management's offer, $4,782.25 is one-time (lump sums and their roll-up)" in text


def test_new_tables_are_suppressed_for_a_small_unit(tmp_path: Path) -> None:
    # Five employees with a minimum group of 6: every dollar figure of both new tables is marked.
    prop, df = make_costing_inputs(tmp_path)
    c = costing.cost_roster(df, prop, min_group=6)
    mark = costing_section.disclosure.mark(6)
    one = costing_section.cost_of_1pct(c)
    assert (one.drop(columns="Fiscal year") == mark).all().all()
    by = costing_section.by_fiscal_year(c)
    assert (by.drop(columns=["Fiscal year", "Budget line"]) == mark).all().all()
    assert all(r["total"] is None for r in costing.to_json(c)["cost_of_1pct_on_scenario"])


# ----------------------------------------------------------------------------- 3. wage base

CAL_PROPOSALS = """
unit: testunit
term_start: 2027-01-01
term_end: 2027-12-31
roster_as_of: 2026-12-31
rollup: {social_security: true, medicare: false}
scenarios:
  management:
    label: Management offer
    events:
      - {effective_date: 2027-01-01, gwi_pct: 2.0}
"""
CAL_ROSTER = """employee_id,title,step,hire_date,annual_base_salary,fte
T1,Clerk,3,2020-03-15,50000,1
T4,Director,8,2005-05-05,190000,1
"""


def test_unpublished_wage_base_is_projected_and_override_wins(tmp_path: Path) -> None:
    # Ten years of published growth: (184,500 / 118,500) ** (1/10) - 1 = 4.5268% a year.
    # 2027: 184,500 * 1.045268 = 192,852 -> 192,900 (nearest $300); 2028: 201,582 -> 201,600.
    prop, df = make_costing_inputs(tmp_path, CAL_PROPOSALS, CAL_ROSTER, fy_month=1)
    c = costing.cost_roster(df, prop, min_group=1)
    wb = c.wage_bases.set_index("year")
    assert list(wb["wage_base"]) == [192900, 201600]
    assert set(wb["basis"]) == {"projected at 4.53% a year from 2026"}
    # FY2027 = calendar 2027. A 2% GWI: wages 0.02 * 240,000 = 4,800. T1 is taxed on all 1,000 more;
    # T4 goes from 190,000 (under the base) to 193,800, taxed only up to 192,900: 2,900 more.
    # SS = 0.062 * (1,000 + 2,900) = 241.80. (Carried flat at 184,500, T4 added nothing: 62.00.)
    r = row(c, "management", 2027)
    assert r["social_security"] == pytest.approx(0.062 * 3900, abs=1e-9)
    assert r["total_cost"] == pytest.approx(4800 + 241.80, abs=1e-9)
    note = next(n for n in c.notes if "Social Security wage base" in n)
    assert note.startswith("The Social Security wage base for 2027-2028 is not yet published and is projected: "
                           "the 2026 base ($184,500) grows 4.53% a year, the average growth of SSA's published "
                           "bases over the ten years 2016-2026 ($118,500 to $184,500)")
    assert "$192,900 (2027), $201,600 (2028)" in note
    assert "The projected base binds in 2027 " in note  # T4 passes it in 2027; the 2028 lift does not reach it

    # The unit's own figure for 2027 wins: at 195,000 all of T4's 3,800 is taxed: 0.062 * 4,800 = 297.60.
    prop2, df2 = make_costing_inputs(tmp_path, CAL_PROPOSALS + "social_security_wage_base: {2027: 195000}\n",
                                     CAL_ROSTER, fy_month=1)
    c2 = costing.cost_roster(df2, prop2, min_group=1)
    assert c2.wage_bases.set_index("year").loc[2027, "basis"] == "set in proposals"
    assert row(c2, "management", 2027)["social_security"] == pytest.approx(0.062 * 4800, abs=1e-9)
    note2 = next(n for n in c2.notes if "Social Security wage base" in n)
    assert note2.startswith("The Social Security wage base for 2028 is not yet published")
    assert "The base for 2027 is the one set in the proposals file, not projected." in note2


def test_equal_exact_costs_print_equally_and_rows_still_foot() -> None:
    from wagebrief.analysis import costing as costing_numbers

    # Two scenarios' rows (longevity, roll-up): the same longevity, $8,087.705, beside different
    # roll-ups. Row 1 totals 8,087.708 -> 8,087.71; row 2 totals 8,087.712 -> 8,087.71. Each cell
    # half up gives [8,087.71, 0.00] (foots) and [8,087.71, 0.01] (one cent over). The old
    # largest-remainder footing took row 2's cent off the longevity (remainder .5 < .7) and printed
    # 8,087.70 beside row 1's 8,087.71. Now the roll-up, which no other row shares, gives the cent.
    cents = costing_numbers._foot(np.array([[8087.705, 0.003], [8087.705, 0.007]]))
    assert cents.tolist() == [[808771, 0], [808771, 0]]
    # Float noise (the same sum taken in another order) does not split them.
    noisy = costing_numbers._foot(np.array([[8087.705 - 1e-10, 0.003], [8087.705 + 1e-10, 0.007]]))
    assert noisy.tolist() == [[808771, 0], [808771, 0]]
    # A row short of cents: 0.334 x 3 = 1.002 -> $1.00; each half up 0.33 -> 0.99, one cent short,
    # given to the part the cent moves least (all equal here: the first).
    assert costing_numbers._foot(np.array([[0.334, 0.334, 0.334]])).tolist() == [[34, 33, 33]]


def test_demo_longevity_prints_the_same_in_every_scenario() -> None:
    from wagebrief.analysis import costing as costing_numbers

    # state-clerical's flat longevity costs the same in every scenario (no raise moves a flat
    # amount); before, the term showed $40,849.15 for the union's demand and $40,849.14 for the others.
    c = costing_numbers.cost_unit("state-clerical")
    t = costing_numbers.table(c)
    for fy, g in t.groupby("fiscal_year"):
        assert g["longevity"].nunique() == 1, fy
    parts = costing_numbers.WAGE_PARTS + c.rollup_parts
    cents = (t[parts] * 100).round().astype("int64").sum(axis=1)
    assert (cents == (t["total_cost"] * 100).round().astype("int64")).all()
