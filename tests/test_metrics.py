"""Contract metrics against expectations worked out by hand (arithmetic shown in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wagebrief.analysis import metrics
from conftest import rows, valid_events

approx = pytest.approx


def one(events: pd.DataFrame, fy_start_month: int = 7) -> dict:
    table = metrics.contract_metrics(events, fy_start_month)
    assert len(table) == 1
    return table.iloc[0].to_dict()


def test_two_increases_within_first_year_36_month_term():
    ev = valid_events(rows(
        dict(effective_date="2024-07-01", pct="2.0"),
        dict(effective_date="2025-01-01", pct="1.0"),   # still inside the first 12 months
        dict(effective_date="2025-07-01", pct="3.0"),   # first day of year two: excluded from first year
        dict(effective_date="2026-07-01", pct="2.5"),
    ))
    m = one(ev)
    assert m["term_months"] == 36
    # 1.02 * 1.01 = 1.0302
    assert m["first_year_pct"] == approx(3.02)
    # 1.0302 * 1.03 = 1.061106; * 1.025 = 1.08763365
    assert m["life_of_contract_pct"] == approx(8.763365)
    # 1.08763365 ** (1/3) = 1.0283972...
    assert m["avg_annual_pct"] == approx(2.8397183, abs=1e-6)
    # FY2025 (2024-07-01..2025-06-30, 365 days): 184 days at 1.02, 181 at 1.0302
    fy25 = (184 * 1.02 + 181 * 1.0302) / 365
    assert m["cost_by_fiscal_year"]["2025"] == approx((fy25 - 1) * 100)
    assert m["cost_by_fiscal_year"]["2026"] == approx((1.061106 / fy25 - 1) * 100)
    assert m["cost_by_fiscal_year"]["2027"] == approx(2.5)
    assert list(m["cost_by_fiscal_year"]) == ["2025", "2026", "2027"]


def test_flat_dollar_raise_is_amount_over_reference_salary():
    ev = valid_events(rows(
        dict(event="gwi_flat", amount="$1,000", reference_salary="50,000", effective_date="2024-07-01"),
        dict(event="gwi_pct", pct="2%", effective_date="2025-07-01"),
    ))
    assert ev.loc[ev.event.eq("gwi_flat"), "base_pct"].item() == approx(2.0)
    m = one(ev)
    assert m["first_year_pct"] == approx(2.0)
    assert m["life_of_contract_pct"] == approx((1.02 * 1.02 - 1) * 100)  # 4.04


def test_lump_sums_in_percent_and_dollars_never_enter_base():
    ev = valid_events(rows(
        dict(event="gwi_pct", pct="2", effective_date="2024-07-01"),
        dict(event="lump_sum", pct="1.5", reference_salary="60000", effective_date="2024-12-01"),   # $900
        dict(event="lump_sum", amount="1200", reference_salary="60000", effective_date="2025-12-01"),  # 2%
    ))
    m = one(ev)
    assert m["lump_sum_total"] == approx(2100.0)
    assert m["lump_sum_pct"] == approx(3.5)
    assert m["first_year_pct"] == approx(2.0)
    assert m["life_of_contract_pct"] == approx(2.0)


def test_percent_lump_without_salary_leaves_total_unknown_not_understated():
    ev = valid_events(rows(
        dict(event="lump_sum", pct="1.0", effective_date="2024-07-01"),
        dict(event="lump_sum", amount="500", reference_salary="50000", effective_date="2025-07-01"),
    ))
    m = one(ev)
    assert pd.isna(m["lump_sum_total"])
    assert m["lump_sum_pct"] == approx(2.0)


def test_freeze_year_and_steps():
    ev = valid_events(rows(
        dict(event="freeze", effective_date="2020-07-01"),
        dict(event="step", effective_date="2020-07-01"),
        dict(event="gwi_pct", pct="2", effective_date="2021-07-01"),
        dict(event="step", effective_date="2021-07-01"),
        dict(event="gwi_pct", pct="2", effective_date="2022-07-01"),
        term_start="2020-07-01", term_end="2023-06-30",
    ))
    m = one(ev)
    assert m["freeze_months"] == 12
    assert m["steps_granted"] == 2
    assert m["first_year_pct"] == approx(0.0)
    assert m["life_of_contract_pct"] == approx(4.04)
    assert m["cost_by_fiscal_year"] == approx({"2021": 0.0, "2022": 2.0, "2023": 2.0})


def test_freeze_to_end_of_term():
    ev = valid_events(rows(dict(event="freeze", effective_date="2024-07-01"),
                           term_start="2024-07-01", term_end="2025-12-31"))
    assert one(ev)["freeze_months"] == 18


def test_18_month_term():
    ev = valid_events(rows(
        dict(pct="3", effective_date="2024-01-01"),
        dict(pct="2", effective_date="2025-01-01"),
        term_start="2024-01-01", term_end="2025-06-30",
    ))
    m = one(ev)
    assert m["term_months"] == 18
    assert m["first_year_pct"] == approx(3.0)
    assert m["life_of_contract_pct"] == approx(5.06)  # 1.03 * 1.02 = 1.0506
    assert m["avg_annual_pct"] == approx((1.0506 ** (12 / 18) - 1) * 100)  # 3.3455...%
    assert m["avg_annual_pct"] == approx(3.34551, abs=1e-5)


def test_increase_mid_fiscal_year_is_prorated():
    ev = valid_events(rows(dict(pct="3", effective_date="2025-01-01"),
                           term_start="2024-07-01", term_end="2026-06-30"))
    m = one(ev)
    assert m["term_months"] == 24
    # FY2025 has 365 days; the 3% is in effect for the 181 days from 2025-01-01.
    fy25 = (184 + 181 * 1.03) / 365  # 1.0148767...
    assert m["cost_by_fiscal_year"]["2025"] == approx(1.4876712, abs=1e-6)
    assert m["cost_by_fiscal_year"]["2026"] == approx((1.03 / fy25 - 1) * 100)  # 1.03 / 1.0148767 = 1.0149016
    assert m["cost_by_fiscal_year"]["2026"] == approx(1.49016, abs=1e-5)
    # first_year_pct still counts the full 3%: it is the lift, not the budget cost.
    assert m["first_year_pct"] == approx(3.0)


def test_calendar_fiscal_year_setting():
    ev = valid_events(rows(dict(pct="3", effective_date="2025-01-01"),
                           term_start="2024-07-01", term_end="2026-06-30"))
    m = one(ev, fy_start_month=1)
    assert m["cost_by_fiscal_year"] == approx({"2024": 0.0, "2025": 3.0, "2026": 0.0})


def test_leap_year_fiscal_cost():
    # FY2024 (2023-07-01..2024-06-30) has 366 days; a 2% raise from 2024-03-01 runs 122 of them.
    ev = valid_events(rows(dict(pct="2", effective_date="2024-03-01"),
                           term_start="2023-07-01", term_end="2024-06-30"))
    assert one(ev)["cost_by_fiscal_year"]["2024"] == approx(2.0 * 122 / 366)


def test_annual_increases_count_each_year_once_and_freezes_as_zero():
    ev = valid_events(rows(
        dict(event="freeze", effective_date="2020-07-01"),
        dict(pct="1", effective_date="2021-07-01"),
        dict(pct="1", effective_date="2021-10-01"),
        term_start="2020-07-01", term_end="2022-06-30",
    ))
    fy = metrics.annual_increases(ev, "fiscal").set_index("year")
    assert fy.loc[2021, "increase_pct"] == approx(0.0)
    assert fy.loc[2022, "increase_pct"] == approx(2.01)  # 1.01 * 1.01
    assert fy.loc[2022, "n_increases"] == 2
    assert fy["full_year"].all()
    cal = metrics.annual_increases(ev, "calendar").set_index("year")
    assert list(cal.index) == [2020, 2021, 2022]
    assert not cal.loc[2020, "full_year"] and cal.loc[2021, "full_year"] and not cal.loc[2022, "full_year"]
    # Partial years with no increase are unknown, so the pattern leaves them out.
    pattern = metrics.pattern_by_year(ev, "calendar")
    assert list(pattern["year"]) == [2021]


def test_aggregate_statistics_by_hand():
    df = pd.DataFrame({
        "year": [2024, 2024, 2024, 2025],
        "value": [1.0, 2.0, 4.0, 3.0],
        "employees": [100, 300, 0, 50],  # a zero weight counts in the plain stats only
    })
    agg = metrics.aggregate(df, "value", "year").set_index("year")
    assert agg.loc[2024, "count"] == 3
    assert agg.loc[2024, "mean"] == approx(7 / 3)
    assert agg.loc[2024, "median"] == approx(2.0)
    assert agg.loc[2024, "weighted_mean"] == approx((100 * 1 + 300 * 2) / 400)  # 1.75
    assert (agg.loc[2024, "min"], agg.loc[2024, "max"]) == (1.0, 4.0)
    assert agg.loc[2025, "weighted_mean"] == approx(3.0)


def test_aggregate_contracts_by_occupation_group():
    ev = valid_events(
        rows(dict(pct="2", effective_date="2024-07-01"), settlement_id="A", employees="100"),
        rows(dict(pct="4", effective_date="2024-07-01"), settlement_id="B", employees="300", jurisdiction="Other"),
        rows(dict(pct="3", effective_date="2024-07-01"), settlement_id="C", occupation_group="police", jurisdiction="Third"),
    )
    agg = metrics.aggregate_contracts(metrics.contract_metrics(ev), "occupation_group", ["first_year_pct"])
    cl = agg.set_index("occupation_group").loc["clerical"]
    assert cl["count"] == 2 and cl["mean"] == approx(3.0) and cl["weighted_mean"] == approx(3.5)


def test_records_are_json_ready_with_full_precision():
    ev = valid_events(rows(dict(pct="1.23456789", effective_date="2024-07-01")))
    rec = metrics.to_records(metrics.contract_metrics(ev))[0]
    assert set(rec) == set(metrics.METRIC_COLUMNS)
    assert rec["first_year_pct"] == approx(1.23456789, abs=1e-12)
    assert rec["term_start"] == "2024-07-01"
    table = metrics.to_table(metrics.contract_metrics(ev))
    assert table.loc[0, "first_year_pct"] == 1.235


def test_several_contracts_keep_their_own_fiscal_costs():
    ev = valid_events(
        rows(dict(pct="3", effective_date="2025-01-01"), settlement_id="B", term_end="2026-06-30"),
        rows(dict(pct="2", effective_date="2024-07-01"), settlement_id="A", jurisdiction="Other"),
    )
    table = metrics.contract_metrics(ev).set_index("settlement_id")
    assert table.loc["A", "cost_by_fiscal_year"] == approx({"2025": 2.0, "2026": 0.0, "2027": 0.0})
    assert table.loc["B", "cost_by_fiscal_year"]["2025"] == approx(1.4876712, abs=1e-6)
    _, long = metrics.contract_tables(ev)
    assert len(long) == 3 + 2
    assert long.set_index(["settlement_id", "fiscal_year"]).loc[("B", 2026), "cost_pct"] == approx(1.49016, abs=1e-5)


def test_annual_increases_remembered_by_content_not_by_object():
    from conftest import ROOT
    from wagebrief.analysis import metrics as m
    from wagebrief.inputs import settlements

    ev = settlements.validate([ROOT / "examples/synthetic/settlements"]).valid
    first = m.annual_increases(ev, "fiscal", 7)
    first["increase_pct"] = -99.0  # a caller changing its copy changes nothing for the next
    again = m.annual_increases(ev.copy(), "fiscal", 7)
    assert (again["increase_pct"] > -99).all()
    pd.testing.assert_frame_equal(again, m.annual_increases_by_basis(ev, ("fiscal",), 7))
    # One event's increase changed: a new answer, not the remembered one.
    changed = ev.copy()
    i = changed.index[changed["event"].eq("gwi_pct")][0]
    changed.loc[i, "base_pct"] = changed.loc[i, "base_pct"] + 1
    pd.testing.assert_frame_equal(m.annual_increases(changed, "fiscal", 7),
                                  m.annual_increases_by_basis(changed, ("fiscal",), 7))
    assert not m.annual_increases(changed, "fiscal", 7).equals(again)


def _contract(jur: str, start: str, end: str, *incs: tuple[str, float]) -> pd.DataFrame:
    return rows(*[dict(effective_date=d, pct=p) for d, p in incs], settlement_id=f"{jur}-{start}",
                jurisdiction=jur, term_start=start, term_end=end)


def pattern_events() -> pd.DataFrame:
    """Four comparators, fiscal years starting in July (FY2024 = July 2023 to June 2024)."""
    return valid_events(
        _contract("A", "2023-07-01", "2026-06-30", ("2023-07-01", 2.0), ("2024-07-01", 3.0), ("2025-07-01", 2.0)),
        _contract("B", "2023-07-01", "2026-06-30", ("2023-07-01", 1.0), ("2024-07-01", 4.0), ("2025-07-01", 3.0)),
        _contract("C", "2023-07-01", "2025-06-30", ("2023-07-01", 3.0), ("2024-07-01", 2.0)),
        # A three-month stub at the end of FY2023: one comparator's increase, a thin year.
        _contract("D", "2023-04-01", "2023-06-30", ("2023-04-01", 1.5)),
    )


def test_comparator_pattern_one_definition_thin_years_carry_the_last_full_year():
    t = metrics.comparator_pattern(pattern_events(), years=[2027], basis="fiscal", min_comparators=3).set_index("year")
    assert list(t.index) == [2023, 2024, 2025, 2026, 2027]
    assert list(t["count"]) == [1, 3, 3, 2, 0]
    # FY2023: D's 1.5 alone -> provisional, and no earlier full year, so no pattern.
    assert t.at[2023, "median"] == approx(1.5) and t.at[2023, "provisional"]
    assert np.isnan(t.at[2023, "pattern_pct"]) and not t.at[2023, "carried_forward"]
    # FY2024: A 2, B 1, C 3 -> median 2 (3 comparators: full). FY2025: 3, 4, 2 -> median 3.
    assert list(t.loc[[2024, 2025], "pattern_pct"]) == approx([2.0, 3.0])
    assert not t.loc[[2024, 2025], "provisional"].any()
    # FY2026: A 2, B 3 (C's contract ended) -> median 2.5 of 2, provisional: the pattern is
    # FY2025's 3.0, not 2.5. FY2027 (asked for, nothing settled) carries FY2025's 3.0 as well.
    assert t.at[2026, "median"] == approx(2.5) and t.at[2026, "provisional"]
    assert t.at[2026, "pattern_pct"] == approx(3.0) and t.at[2026, "from_year"] == 2025
    assert t.at[2027, "pattern_pct"] == approx(3.0) and t.at[2027, "carried_forward"]
    # With min_comparators=2, FY2026 stands on its own median.
    t2 = metrics.comparator_pattern(pattern_events(), basis="fiscal", min_comparators=2).set_index("year")
    assert t2.at[2026, "pattern_pct"] == approx(2.5) and not t2.at[2026, "provisional"]


def test_contracts_table_shows_percent_lump_sums_and_converts_where_it_can():
    from wagebrief.brief.settlements import contracts_table

    def lump(sid: str, **kw) -> pd.DataFrame:
        return rows(dict(effective_date="2024-07-01", pct="2"), dict(event="lump_sum", effective_date="2024-07-01", **kw),
                    settlement_id=sid, jurisdiction=sid)

    ev = valid_events(lump("P", pct="1.5"),                                   # percent, no salary
                      lump("R", pct="1.5", reference_salary="40000"),         # 1.5% of 40,000 = $600
                      lump("D", amount="1000", reference_salary="50000"),     # $1,000 / 50,000 = 2.00%
                      lump("N", amount="500"))                                # dollars, no salary
    t = contracts_table(metrics.contract_metrics(ev)).set_index("Jurisdiction")
    assert t.at["P", "Lump sums $"] == "in % only (no salary given)" and t.at["P", "Lump sums %"] == "1.50%"
    assert t.at["R", "Lump sums $"] == "$600" and t.at["R", "Lump sums %"] == "1.50%"
    assert t.at["D", "Lump sums $"] == "$1,000" and t.at["D", "Lump sums %"] == "2.00%"
    assert t.at["N", "Lump sums $"] == "$500" and t.at["N", "Lump sums %"] == "in $ only (no salary given)"
