"""Package measures and schedules against numbers worked out by hand (arithmetic in comments).

The events frames are built the way the measures receive them: base rows validated from typed
text (conftest), then the package columns and term rows set directly, as the validated frame of
issue 16 carries them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import rows, valid_events
from wagebrief.analysis import metrics, package, schedules

approx = pytest.approx
T = pd.Timestamp


def with_terms(base: pd.DataFrame, *terms: dict) -> pd.DataFrame:
    """``base`` (validated rows) with the package columns, plus one row per term: the settlement's
    own columns copied from its first row, the term's columns as given, nothing else."""
    ev = schedules.package_columns(base).reset_index(drop=True)
    out = [ev]
    row = int(ev["source_row"].max()) + 1
    for t in terms:
        sid = t.get("settlement_id", ev["settlement_id"].iloc[0])
        r = ev[ev["settlement_id"].eq(sid)].iloc[[0]].copy()
        for c in ("pct", "amount", "reference_salary", "base_pct", "lump_pct", "lump_dollars", "annual_amount",
                  "hours_before", "hours_per_week", "count", "hours_pct"):
            r[c] = np.nan
        for c in ("amount_per", "base_pct_note", "period", "detail", "schedule"):
            r[c] = np.nan  # the validated frame's text NA (its string dtype holds NaN)
        r["applies_to"] = "all"
        for k, v in t.items():
            r[k] = T(v) if k == "effective_date" else v
        if r["event"].iloc[0] == "hours_change":
            r["hours_pct"] = (r["hours_per_week"] / r["hours_before"] - 1) * 100
        r["source_row"] = row
        row += 1
        out.append(r)
    return pd.concat(out, ignore_index=True)


def three_years(**common) -> pd.DataFrame:
    """A 2024-07-01 to 2027-06-30 contract: 2% on each July 1."""
    return valid_events(rows(dict(effective_date="2024-07-01", pct="2"), dict(effective_date="2025-07-01", pct="2"),
                             dict(effective_date="2026-07-01", pct="2"), **common))


# --------------------------------------------------------------------------- levels

def test_premium_share_16_17_17_5_is_plus_1_5_points_and_a_lone_value_no_change():
    ev = with_terms(three_years(),
                    dict(event="premium_share", pct=16.0, effective_date="2024-07-01"),
                    dict(event="premium_share", pct=17.0, effective_date="2025-07-01"),
                    dict(event="premium_share", pct=17.5, effective_date="2026-07-01"))
    lv = package.levels(ev)
    assert list(lv["pct"]) == [16.0, 17.0, 17.5]
    ch = package.premium_share_change(ev).iloc[0]
    assert ch["first_pct"] == 16.0 and ch["last_pct"] == 17.5 and ch["n_values"] == 3
    assert ch["change_pts"] == approx(1.5)  # 17.5 - 16
    # One stated value: the level before the contract is unknown, so the change is too (not 0).
    one = with_terms(three_years(), dict(event="premium_share", pct=20.0, effective_date="2025-07-01"))
    assert pd.isna(package.premium_share_change(one).iloc[0]["change_pts"])
    # The wage measures do not move: 1.02 ** 3 - 1.
    assert metrics.contract_metrics(ev).iloc[0]["life_of_contract_pct"] == approx(6.1208)


def test_pension_contribution_change_and_a_value_outside_the_term_is_not_read():
    ev = with_terms(three_years(),
                    dict(event="pension_contribution", pct=5.0, effective_date="2023-07-01"),  # before the term
                    dict(event="pension_contribution", pct=6.0, effective_date="2024-07-01"),
                    dict(event="pension_contribution", pct=7.5, effective_date="2026-07-01"))
    ch = package.pension_change(ev).iloc[0]
    assert (ch["first_pct"], ch["last_pct"], ch["n_values"]) == (6.0, 7.5, 2)
    assert ch["change_pts"] == approx(1.5)
    m = package.package_measures(ev).iloc[0]
    assert m["pension_change_pts"] == approx(1.5) and pd.isna(m["premium_share_change_pts"])


# --------------------------------------------------------------------------- hours, stipends, counts

def test_hours_37_5_to_40_is_6_67_percent_of_pay_and_not_in_base():
    plain = three_years()
    ev = with_terms(plain, dict(event="hours_change", hours_before=37.5, hours_per_week=40.0,
                                effective_date="2025-01-01"))
    h = package.hours_changes(ev).iloc[0]
    assert h["hours_pct"] == approx(6.6666667)  # (40 / 37.5 - 1) * 100
    assert package.package_measures(ev).iloc[0]["hours_pct"] == approx(6.6666667)
    # Not a wage increase: no base_pct, and every wage measure as without it.
    assert ev.loc[ev["event"].eq("hours_change"), "base_pct"].isna().all()
    with_h, without = metrics.contract_metrics(ev).iloc[0], metrics.contract_metrics(plain).iloc[0]
    for col in ("first_year_pct", "life_of_contract_pct", "avg_annual_pct"):
        assert with_h[col] == approx(without[col])
    pd.testing.assert_frame_equal(metrics.annual_increases(ev, "fiscal", 7), metrics.annual_increases(plain, "fiscal", 7))


def test_stipends_steps_longevity_holidays():
    ev = with_terms(three_years(),
                    dict(event="stipend", amount=1200.0, amount_per="year", detail="EMT certification"),
                    dict(event="stipend", amount=0.5, amount_per="hour", detail="night shift differential"),
                    dict(event="step_change", count=1.0, detail="step 8 added"),
                    dict(event="step_change", count=-1.0, detail="step 1 removed"),
                    dict(event="step_change", count=1.0, detail="step 9 added"),
                    dict(event="longevity", amount=500.0, amount_per="year", detail="20 years: +$500"),
                    dict(event="holidays", count=1.0, detail="Juneteenth"),
                    dict(event="holidays", count=1.0, detail="Floating holiday"))
    st = package.stipends(ev)
    assert list(st["amount"]) == [1200.0, 0.5] and list(st["amount_per"]) == ["year", "hour"]
    assert package.step_changes(ev).iloc[0]["steps_changed"] == 1  # +1 - 1 + 1
    hol = package.holidays_added(ev).iloc[0]
    assert hol["holidays_added"] == 2 and hol["detail"] == "Juneteenth; Floating holiday"
    assert package.longevity(ev).iloc[0]["detail"] == "20 years: +$500"
    # A count the source leaves blank makes the total unknown, never smaller.
    blank = with_terms(three_years(), dict(event="holidays", count=1.0), dict(event="holidays", detail="one more"))
    assert pd.isna(package.holidays_added(blank).iloc[0]["holidays_added"])


def test_official_cost_and_retro_how_paid():
    base = three_years(ratified_date="2024-10-15")  # 3 whole months after 2024-07-01
    ev = with_terms(base,
                    dict(event="official_cost", amount=2_400_000.0, period="term",
                         detail="town manager: cost over three years of wages only"),
                    dict(event="retro_pay", amount=850.0, detail="lump sum in the first November paycheck",
                         effective_date="2024-11-15"))
    oc = package.official_costs(ev).iloc[0]
    assert (oc["amount"], oc["period"]) == (2_400_000.0, "term") and oc["source"] == "SYNTHETIC test row"
    r = package.retro(ev).iloc[0]
    assert r["retro_months"] == 3 and r["retro_paid"] == "lump sum in the first November paycheck"
    assert r["retro_amount"] == 850.0
    # The official cost is the source's: wagebrief's cost by fiscal year is the same without it.
    assert metrics.contract_metrics(ev).iloc[0]["cost_by_fiscal_year"] == approx(
        metrics.contract_metrics(base).iloc[0]["cost_by_fiscal_year"])


def test_package_table_lists_every_term_with_its_source():
    ev = with_terms(three_years(source_url="https://example.org/contract"),
                    dict(event="reopener", effective_date="2026-07-01", detail="wages for FY2027"),
                    dict(event="premium_share", pct=16.0, effective_date="2024-07-01"),
                    dict(event="stipend", amount=300.0, amount_per="year", detail="bilingual", schedule="Sergeants",
                         applies_to="titles"))
    t = package.package_table(ev)
    assert list(t["term"]) == ["premium_share", "stipend", "reopener"]  # PACKAGE_EVENTS order
    assert (t["source"] == "SYNTHETIC test row").all() and (t["source_url"] == "https://example.org/contract").all()
    assert t.loc[t["term"].eq("stipend"), "schedule"].item() == "Sergeants"
    assert package.has_package_terms(ev) and not package.has_package_terms(three_years())


# --------------------------------------------------------------------------- reopeners

def test_a_reopener_makes_the_reopened_year_and_later_unknown_with_the_note():
    # Four years; the wages of the year from 2026-07-01 are reopened (a 2% for it and 2.5% after
    # are stated, but neither is final).
    base = valid_events(rows(dict(effective_date="2024-07-01", pct="2"), dict(effective_date="2025-07-01", pct="3"),
                             dict(effective_date="2026-07-01", pct="2"), dict(effective_date="2027-07-01", pct="2.5"),
                             term_end="2028-06-30"))
    ev = with_terms(base, dict(event="reopener", effective_date="2026-07-01", detail="wages for year 3"))
    m = metrics.contract_metrics(ev, 7).iloc[0]
    assert m["first_year_pct"] == approx(2.0)            # the first year is not reopened
    assert pd.isna(m["life_of_contract_pct"]) and pd.isna(m["avg_annual_pct"])
    assert "wages of the year from 2026-07-01 are to be reopened" in m["measure_notes"]
    assert "life_of_contract_pct, avg_annual_pct and cost from FY2027 unknown" in m["measure_notes"]
    costs = m["cost_by_fiscal_year"]
    assert costs["2025"] == approx(2.0) and costs["2026"] == approx(3.0)
    assert np.isnan(costs["2027"]) and np.isnan(costs["2028"])
    ann = metrics.annual_increases(ev, "fiscal", 7).set_index("year")
    assert ann.loc[2025, "increase_pct"] == approx(2.0) and ann.loc[2026, "increase_pct"] == approx(3.0)
    assert ann.loc[[2027, 2028], "increase_pct"].isna().all() and not ann.loc[[2027, 2028], "known"].any()
    assert ann.loc[2027, "n_increases"] == 1  # the stated 2%; the reopener itself is no increase
    # A reopened year with no stated increase is unknown too, not a zero.
    bare = with_terms(valid_events(rows(dict(effective_date="2024-07-01", pct="2"))),
                      dict(event="reopener", effective_date="2025-07-01"))
    ann = metrics.annual_increases(bare, "fiscal", 7).set_index("year")
    assert ann.loc[2025, "known"] and not ann.loc[[2026, 2027], "known"].any()
    assert package.reopeners(bare).iloc[0]["reopened_from"] == T("2025-07-01")
    # Without the reopener the same contract is known throughout.
    assert metrics.contract_metrics(base, 7).iloc[0]["life_of_contract_pct"] == approx(
        (1.02 * 1.03 * 1.02 * 1.025 - 1) * 100)


def test_a_reopener_in_the_first_year_makes_the_first_year_unknown():
    ev = with_terms(three_years(), dict(event="reopener", effective_date="2024-07-01"))
    m = metrics.contract_metrics(ev, 7).iloc[0]
    assert pd.isna(m["first_year_pct"])
    assert m["measure_notes"].startswith("first_year_pct, life_of_contract_pct, avg_annual_pct and cost from FY2025")


# --------------------------------------------------------------------------- schedules

def two_schedules(first: str = "hired before 2012", second: str = "hired 2012 or later") -> pd.DataFrame:
    """1% for everyone on 2024-07-01; then 3% (the first schedule in file order) or 2% (the
    second) on 2025-07-01, the two on the same date."""
    ev = schedules.package_columns(valid_events(rows(
        dict(effective_date="2024-07-01", pct="1"), dict(effective_date="2025-07-01", pct="2"),
        dict(effective_date="2025-07-01", pct="3"), term_end="2026-06-30")))
    # File order: the 3% row is file row 3, the 2% row file row 4, so "first" is the 3% schedule.
    ev["schedule"] = pd.array([pd.NA, second, first], dtype=ev["schedule"].dtype)
    ev["applies_to"] = pd.array(["all", "tier", "tier"], dtype=ev["applies_to"].dtype)
    ev["source_row"] = [2, 4, 3]
    return ev


def test_a_two_schedule_contract_measures_the_first_schedule_only():
    ev = two_schedules()
    h = schedules.headline(ev)
    assert list(h["base_pct"]) == [1.0, 3.0]
    assert set(h["measured_schedule"]) == {"hired before 2012"}
    m = metrics.contract_metrics(ev, 7).iloc[0]
    # 1.01 * 1.03 = 1.0403; never 1.01 * 1.02 * 1.03 (two schedules compounded)
    assert m["life_of_contract_pct"] == approx(4.03)
    ann = metrics.annual_increases(ev, "fiscal", 7).set_index("year")
    assert ann.loc[2026, "increase_pct"] == approx(3.0) and ann.loc[2026, "n_increases"] == 1
    pat = metrics.comparator_pattern(ev, basis="fiscal", fy_start_month=7, min_comparators=1).set_index("year")
    assert pat.loc[2026, "median"] == approx(3.0)
    costs = metrics.fiscal_costs(ev, 7).set_index("fiscal_year")["cost_pct"]
    assert costs[2026] == approx(3.0)
    per = package.by_schedule(ev, 7).set_index("schedule")
    assert per.loc["hired before 2012", "life_of_contract_pct"] == approx(4.03)
    assert per.loc["hired 2012 or later", "life_of_contract_pct"] == approx(3.02)   # 1.01 * 1.02
    assert per.loc["hired before 2012", "measured"] and not per.loc["hired 2012 or later", "measured"]
    assert list(schedules.other_schedules(ev)["S1"]) == ["hired 2012 or later"]


def test_an_extra_raise_for_some_steps_leaves_the_general_increase_measured():
    # 2% for everyone each July, and an extra 1% for the top step in the second year (a real
    # pattern: Vernon police 2022, Bernards police): the contract's figures are the general 2%s.
    ev = schedules.package_columns(valid_events(rows(
        dict(effective_date="2024-07-01", pct="2"), dict(effective_date="2025-07-01", pct="2"),
        dict(effective_date="2025-10-01", pct="1"), term_end="2026-06-30")))
    ev["schedule"] = pd.array([pd.NA, pd.NA, "top step"], dtype=ev["schedule"].dtype)
    ev["applies_to"] = pd.array(["all", "all", "top_step"], dtype=ev["applies_to"].dtype)
    assert schedules.measured_schedules(ev)["S1"] == schedules.EVERYONE
    assert metrics.contract_metrics(ev, 7).iloc[0]["life_of_contract_pct"] == approx(4.04)  # 1.02 * 1.02
    per = package.by_schedule(ev, 7).set_index("schedule")
    assert per.loc["top step", "life_of_contract_pct"] == approx(5.0804)  # 1.02 * 1.02 * 1.01
    # The same extra raise for a tier, on a date everyone else gets none, is a schedule of its own.
    ev["applies_to"] = pd.array(["all", "all", "tier"], dtype=ev["applies_to"].dtype)
    assert schedules.measured_schedules(ev)["S1"] == "top step"


def test_a_schedule_named_all_is_measured_whatever_its_place():
    ev = two_schedules(first="Sergeants", second="all")
    assert schedules.measured_schedules(ev)["S1"] == "all"
    assert metrics.contract_metrics(ev, 7).iloc[0]["life_of_contract_pct"] == approx(3.02)


def test_frames_without_the_package_columns_measure_as_before():
    # A frame as an older processed table holds it: none of the package columns.
    plain = three_years().drop(columns=["applies_to", "schedule", "hours_before", "count", "period", "detail",
                                        "source_date", "hours_pct"], errors="ignore")
    assert "schedule" not in plain.columns
    added = schedules.package_columns(plain)
    assert added["applies_to"].eq("all").all() and added["schedule"].isna().all()
    assert added["hours_pct"].isna().all() and added["source_date"].isna().all()
    a, b = metrics.contract_metrics(plain, 7), metrics.contract_metrics(added, 7)
    pd.testing.assert_frame_equal(a, b)
    h = schedules.headline(plain)
    assert h["measured_schedule"].isna().all() and len(h) == len(plain)
    assert package.package_table(plain).empty and package.premium_share_change(plain).empty


def test_a_level_is_read_on_the_wage_schedule_even_when_its_own_rows_name_another_first():
    ev = two_schedules()
    # Premium shares by hire date; the later hires' rows come first in the file, but the wages
    # measure 'hired before 2012', so the levels do too: 15 -> 16 (+1), not 20 -> 22.
    ev = with_terms(ev,
                    dict(event="premium_share", pct=20.0, effective_date="2024-07-01", schedule="hired 2012 or later"),
                    dict(event="premium_share", pct=22.0, effective_date="2025-07-01", schedule="hired 2012 or later"),
                    dict(event="premium_share", pct=15.0, effective_date="2024-07-01", schedule="hired before 2012"),
                    dict(event="premium_share", pct=16.0, effective_date="2025-07-01", schedule="hired before 2012"))
    ch = package.premium_share_change(ev).iloc[0]
    assert (ch["first_pct"], ch["last_pct"], ch["change_pts"]) == (15.0, 16.0, 1.0)
    assert len(package.package_table(ev).query("term == 'premium_share'")) == 4  # every schedule's terms listed
