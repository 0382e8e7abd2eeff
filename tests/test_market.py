"""Market position: rank and percentile arithmetic by hand, hourly views, projection, scenarios.

Conventions under test (see wagebrief.analysis.position): rank 1 = highest, ties share the best rank
("min"); percentiles of the comparators by linear interpolation (numpy "linear" = Excel
PERCENTILE.INC); missing comparators are named and left out, never counted as zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import rows, valid_events
from wagebrief.analysis import forecast, market, position, projection
from wagebrief.brief import factors as factor_sections
from wagebrief.brief import figures
from wagebrief.brief import market as brief_market
from wagebrief.inputs import proposals, salaries, units
from wagebrief.brief.section import Section

approx = pytest.approx
REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)


# --------------------------------------------------------------------------- helpers

def make_unit(comparators=("Alpha", "Beta", "Gamma"), employer="Home City", term_years=2, **extra) -> units.Unit:
    return units.Unit(
        unit="test-police", name="Test Police Unit",
        employer=units.Employer(employer, employer, "CT", "municipal"),
        occupation_group="police", cycle_year=2027, fiscal_year_start_month=7, term_years=term_years,
        cpi_series="CUUR0110SA0", cpi_basis="fiscal",
        comparators=tuple(units.Comparator(c, "CT", "municipal") for c in comparators),
        synthetic=True, extra=dict(extra))


SAL_DEFAULTS = dict(jurisdiction="Alpha", unit="Police", benchmark_title="Police Officer",
                    effective_date="2025-07-01", steps="6", min_salary="60000", max_salary="80000",
                    hours_per_week="40", state="CT", longevity_10="", longevity_15="", longevity_20="",
                    source="SYNTHETIC test schedule", source_url="", notes="")


def schedules(*recs: dict) -> pd.DataFrame:
    raw = pd.DataFrame([{**SAL_DEFAULTS, **{k: str(v) for k, v in r.items()}} for r in recs],
                       columns=salaries.COLUMNS).astype(object)
    raw[salaries.FILE_COL] = "test.csv"
    raw[salaries.ROW_COL] = range(2, len(raw) + 2)
    result = salaries.validate_frame(raw)
    assert result.ok, result.problems()
    return result.valid


def contract(jur: str, sid: str, start: str, end: str, *increases: tuple) -> pd.DataFrame:
    """Settlement rows: increases are (date, pct) or (date, 'flat', amount, reference)."""
    evs = []
    for inc in increases:
        if len(inc) == 2:
            evs.append(dict(effective_date=inc[0], event="gwi_pct", pct=inc[1]))
        else:
            evs.append(dict(effective_date=inc[0], event="gwi_flat", amount=inc[2], reference_salary=inc[3]))
    return rows(*evs, settlement_id=sid, jurisdiction=jur, unit="Police", occupation_group="police",
                term_start=start, term_end=end)


# --------------------------------------------------------------------------- arithmetic

def test_position_by_hand_with_tie_and_missing_comparator():
    # Comparators sorted: 40, 50, 60, 70 (n = 4); D has no data and is left out, not a zero.
    p = position.position(50.0, {"A": 60, "B": 50, "C": 40, "D": np.nan, "E": 70})
    assert p["n_comparators"] == 4
    assert p["missing"] == ["D"]
    # Two comparators (60, 70) pay more; B ties the unit and the tie shares the better rank.
    assert p["rank"] == 3 and p["out_of"] == 5
    assert p["median"] == approx(55.0)               # (50 + 60) / 2
    assert p["mean"] == approx(55.0)                 # 220 / 4
    assert p["p60"] == approx(58.0)                  # position 3 * 0.60 = 1.8 -> 50 + 0.8 * 10
    assert p["p75"] == approx(62.5)                  # position 3 * 0.75 = 2.25 -> 60 + 0.25 * 10
    assert p["pct_vs_median"] == approx((50 / 55 - 1) * 100)   # -9.09%
    assert p["pct_vs_mean"] == approx((50 / 55 - 1) * 100)
    assert p["to_median_dollars"] == approx(5.0) and p["to_median_pct"] == approx(10.0)
    assert p["to_p60_dollars"] == approx(8.0) and p["to_p60_pct"] == approx(16.0)
    assert p["to_p75_dollars"] == approx(12.5) and p["to_p75_pct"] == approx(25.0)


def test_percentile_is_excel_percentile_inc():
    vals = [15, 20, 35, 40, 50]
    # Excel PERCENTILE.INC({15,20,35,40,50}, 0.4) = 29; 0.6 -> 37; 0.75 -> 40
    assert position.percentile(vals, 40) == approx(29.0)
    assert position.percentile(vals, 60) == approx(37.0)
    assert position.percentile(vals, 75) == approx(40.0)
    assert position.percentile([], 50) != position.percentile([], 50)  # NaN for no values


def test_rank_ties_at_the_top_and_above_every_target():
    p = position.position(70.0, {"A": 70, "B": 60})
    assert p["rank"] == 1 and p["out_of"] == 3                 # tied with A: both rank 1
    assert p["to_median_dollars"] == 0 and p["to_p75_pct"] == 0  # already above: nothing needed
    assert p["pct_vs_median"] == approx((70 / 65 - 1) * 100)


def test_rank_of_min_method():
    assert position.rank_of(5, [9, 5, 5, 1]) == 2
    assert position.rank_of(10, [9, 5]) == 1
    assert position.rank_of(0, [9, np.nan]) == 2


def test_unit_without_data_has_no_rank_and_all_comparators_missing_is_not_zero():
    p = position.position(float("nan"), {"A": 10, "B": 20})
    assert p["rank"] is None and np.isnan(p["pct_vs_median"])
    q = position.position(100.0, {"A": np.nan, "B": np.nan})
    assert q["n_comparators"] == 0 and q["missing"] == ["A", "B"]
    assert np.isnan(q["median"]) and q["rank"] is None


def test_hourly_normalisation():
    assert position.hourly(52_000, 40) == approx(25.0)          # 52,000 / 2,080 hours
    assert position.hourly(48_750, 37.5) == approx(25.0)        # 48,750 / 1,950 hours
    assert position.hourly(45_500, 35) == approx(25.0)          # 45,500 / 1,820 hours
    df = position.add_measures(schedules(
        dict(jurisdiction="Home City", min_salary="40000", max_salary="52000", hours_per_week="40", longevity_10="500"),
        dict(jurisdiction="Alpha", min_salary="40000", max_salary="48000", hours_per_week="35", longevity_10=""),
    ))
    home, alpha = df.iloc[0], df.iloc[1]
    assert home["top_hourly"] == approx(25.0)
    assert alpha["top_hourly"] == approx(48_000 / 1_820)       # 26.37: more per hour on fewer hours
    assert home["top_longevity_10"] == approx(52_500)
    assert np.isnan(alpha["top_longevity_10"])                 # unknown longevity stays unknown
    # Annual pay ranks the unit first; hourly pay ranks it second.
    assert position.position(home["top"], {"Alpha": alpha["top"]})["rank"] == 1
    assert position.position(home["top_hourly"], {"Alpha": alpha["top_hourly"]})["rank"] == 2


# --------------------------------------------------------------------------- projection

def test_projection_compounds_known_then_forecast_increases():
    ev = valid_events(contract("Alpha", "A-2023", "2023-07-01", "2026-06-30",
                               ("2024-07-01", 3.0),                    # already in the 2024 schedule
                               ("2025-07-01", 2.0),
                               ("2026-01-01", "flat", 1000, 102000)))  # $1,000 to every step
    row = schedules(dict(effective_date="2024-07-01", min_salary="80000", max_salary="100000")).iloc[0].to_dict()
    out = projection.project_schedule(row, ev, pd.Timestamp("2027-06-30"), projection.Forecast.constant(2.5))
    # Known: 100,000 * 1.02 = 102,000; + 1,000 = 103,000. Contract ends 2026-06-30, so the
    # forecast applies on 2026-07-01: 103,000 * 1.025 = 105,575. The next (2027-07-01) is too late.
    assert out["max_salary"] == approx(105_575.0)
    assert out["min_salary"] == approx((80_000 * 1.02 + 1000) * 1.025)   # 84,665
    assert out["known_pct"] == approx(3.0)                               # 103,000 / 100,000
    assert out["forecast_pct"] == approx(2.5)
    assert out["adjusted"] and out["projected"] and out["available"]
    assert out["known_through"] == pd.Timestamp("2026-06-30")
    assert "2026-07-01 +2.50% (forecast)" in out["increases"]


def test_projection_uses_the_forecast_for_each_year():
    ev = valid_events(contract("Alpha", "A-2023", "2023-07-01", "2026-06-30", ("2025-07-01", 2.0)))
    row = schedules(dict(effective_date="2025-07-01", max_salary="100000")).iloc[0].to_dict()
    fc = projection.Forecast({2027: 2.5, 2028: 3.0}, "test", basis="fiscal", fy_start_month=7)
    out = projection.project_schedule(row, ev, pd.Timestamp("2028-06-30"), fc)
    # 2025-07-01 is in the schedule already; FY2027 starts 2026-07-01 (2.5%), FY2028 2027-07-01 (3%).
    assert out["max_salary"] == approx(100_000 * 1.025 * 1.03)
    assert out["known_pct"] == approx(0.0) and not out["adjusted"]


def test_projection_within_a_known_contract_is_not_marked_projected():
    ev = valid_events(contract("Alpha", "A-2024", "2024-07-01", "2028-06-30", ("2026-07-01", 2.0), ("2027-07-01", 2.0)))
    row = schedules(dict(effective_date="2025-07-01", max_salary="100000")).iloc[0].to_dict()
    out = projection.project_schedule(row, ev, pd.Timestamp("2028-06-30"), None)
    assert out["max_salary"] == approx(100_000 * 1.02 * 1.02)
    assert out["adjusted"] and not out["projected"]


def test_expired_contract_without_forecast_is_missing_not_held_flat():
    ev = valid_events(contract("Alpha", "A-2023", "2023-07-01", "2026-06-30", ("2025-07-01", 2.0)))
    row = schedules(dict(effective_date="2025-07-01")).iloc[0].to_dict()
    out = projection.project_schedule(row, ev, pd.Timestamp("2027-06-30"), None)
    assert not out["available"] and np.isnan(out["max_salary"])


def test_no_settlement_history_forecasts_from_schedule_anniversaries():
    row = schedules(dict(effective_date="2025-07-01", max_salary="100000")).iloc[0].to_dict()
    empty = valid_events(contract("Other", "O-1", "2023-07-01", "2026-06-30", ("2025-07-01", 1.0))).iloc[0:0]
    out = projection.project_schedule(row, empty, pd.Timestamp("2027-07-01"), projection.Forecast.constant(2.0))
    assert out["max_salary"] == approx(100_000 * 1.02 ** 2)   # 2026-07-01 and 2027-07-01
    assert out["projected"]


# --------------------------------------------------------------------------- the whole analysis

@pytest.fixture
def small():
    unit = make_unit()
    sal = schedules(
        dict(jurisdiction="Home City", min_salary="60000", max_salary="80000"),
        dict(jurisdiction="Alpha", min_salary="62000", max_salary="84000"),
        dict(jurisdiction="Beta", min_salary="58000", max_salary="78000", hours_per_week="37.5"),
        # Gamma has no Police Officer schedule: named and left out.
        dict(jurisdiction="Home City", effective_date="2024-07-01", min_salary="58000", max_salary="78000"),
    )
    ev = valid_events(
        contract("Home City", "H-2024", "2024-07-01", "2027-06-30", ("2025-07-01", 2.0), ("2026-07-01", 3.0)),
        contract("Alpha", "A-2023", "2023-07-01", "2026-06-30", ("2025-07-01", 2.0)),
        contract("Beta", "B-2025", "2025-07-01", "2028-06-30", ("2026-07-01", 2.0), ("2027-07-01", 2.0)),
        contract("Gamma", "G-2026", "2026-07-01", "2029-06-30", ("2027-07-01", 2.5), ("2028-07-01", 2.5)),
    )
    a = market.analyse(unit, salaries=sal, events=ev, forecast=3.0,
                       scenarios={"management": [2, 2], "union": [4, 4]}, score_comparables=False)
    return unit, a


def test_analysis_position_now(small):
    unit, a = small
    assert a.as_of == pd.Timestamp("2025-07-01")       # the unit's latest schedule
    assert a.start == pd.Timestamp("2027-07-01") and a.end == pd.Timestamp("2029-06-30")
    top = a.position[(a.position.measure == "top")].iloc[0]
    assert top["unit_value"] == 80_000 and top["n_comparators"] == 2
    assert top["median"] == approx(81_000)              # (84,000 + 78,000) / 2
    assert top["pct_vs_median"] == approx((80 / 81 - 1) * 100)   # -1.23%
    assert top["rank"] == 2 and top["out_of"] == 3
    assert top["missing"] == "Gamma"
    assert list(a.missing["jurisdiction"]) == ["Gamma"]
    # Hours differ (40 vs 37.5), so the hourly view is in; the unit drops to last per hour.
    hourly = a.position[a.position.measure == "top_hourly"].iloc[0]
    assert hourly["unit_value"] == approx(80_000 / 2080)
    assert hourly["rank"] == 3                          # Alpha 40.38, Beta 40.00, unit 38.46


def test_analysis_projection_and_scenarios(small):
    unit, a = small
    comp = a.projected[a.projected.role == "comparator"].set_index("jurisdiction")
    # Alpha's contract ended 2026-06-30: forecast 3% on 2026-07-01, 2027-07-01, 2028-07-01.
    assert comp.at["Alpha", "top"] == approx(84_000 * 1.03 ** 3)
    assert comp.at["Alpha", "projected"]
    # Beta: known 2% and 2%, then 3% forecast on 2028-07-01 after its 2028-06-30 term end.
    assert comp.at["Beta", "top"] == approx(78_000 * 1.02 * 1.02 * 1.03)
    assert comp.at["Beta", "projected"]
    # The unit: 80,000 with its settled 3% on 2026-07-01, then the scenario from 2027-07-01.
    base = 80_000 * 1.03
    med = (84_000 * 1.03 ** 3 + 78_000 * 1.02 * 1.02 * 1.03) / 2
    o = a.outlook[a.outlook.measure == "top"].set_index("scenario")
    assert o.at["management", "unit_value"] == approx(base * 1.02 * 1.02)
    assert o.at["management", "pct_vs_median"] == approx((base * 1.02 ** 2 / med - 1) * 100)
    assert o.at["union", "unit_value"] == approx(base * 1.04 ** 2)
    assert o.at["management", "n_projected"] == 2
    # The comparator pattern is the costing's: settled increases by fiscal year, no forecast.
    # FY2028: Beta 2, Gamma 2.5 (Alpha's contract ended) -> 2 of 3 comparators, provisional;
    # FY2029: Gamma 2.5 alone. No earlier year has 3 settled either (FY2027: Beta 2, Gamma 0),
    # so there is no pattern to carry and no pattern scenario. (This used to pin a forecast-filled
    # per-contract-year median of [2.5, 3.0], the definition item 1 of issue 15 retired.)
    assert list(a.pattern["year"]) == [2028, 2029] and list(a.pattern["count"]) == [2, 1]
    assert list(a.pattern["median"]) == approx([2.25, 2.5]) and a.pattern["provisional"].all()
    assert a.pattern["pattern_pct"].isna().all() and "comparator_pattern" not in o.index
    assert any("No comparator pattern scenario" in n for n in a.notes)
    text = " ".join(brief_market.sentences(a))
    # Hours differ (40 against 37.5), so the headline is per hour (the default position_basis):
    # 80,000/2080 = 38.4615 against the median of 84,000/2080 = 40.3846 and 78,000/1950 = 40.0000,
    # (40.3846 + 40) / 2 = 40.1923: -4.31%. The annual position (-1.23%) is stated beside it.
    assert "earns 4.3% below the comparator median per hour" in text
    assert "and 1.2% below in annual pay" in text
    assert "after management's offer" in text and "under the comparator pattern" not in text


def test_market_and_costing_share_one_comparator_pattern():
    from wagebrief.analysis import scenarios
    ev = valid_events(
        contract("A", "A-1", "2023-07-01", "2026-06-30", ("2023-07-01", 2.0), ("2024-07-01", 3.0), ("2025-07-01", 2.0)),
        contract("B", "B-1", "2023-07-01", "2026-06-30", ("2023-07-01", 1.0), ("2024-07-01", 4.0), ("2025-07-01", 3.0)),
        contract("C", "C-1", "2023-07-01", "2025-06-30", ("2023-07-01", 3.0), ("2024-07-01", 2.0)),
    )
    unit = make_unit(comparators=("A", "B", "C"))
    # Contract 2025-07-01 to 2027-06-30 = FY2026, FY2027. FY2025 (3, 4, 2; median 3) is the last
    # year with 3 settled comparators; FY2026 (A 2, B 3: median 2.5 of 2) is provisional and
    # FY2027 has none, so both take 3.0. The old market pattern gave 2.5 for FY2026 (the median
    # of the two settled) and the forecast where contracts expire; the costing gave 3.0.
    mkt = forecast.comparator_pattern(unit, ev, pd.Timestamp("2025-07-01"))
    assert list(mkt["year"]) == [2026, 2027] and list(mkt["pattern_pct"]) == approx([3.0, 3.0])
    assert list(mkt["provisional"]) == [True, True] and list(mkt["count"]) == [2, 0]
    cost, notes = scenarios.comparator_pattern(unit, [2026, 2027], events=ev)
    assert list(cost["increase_pct"]) == approx([3.0, 3.0]) and list(cost["from_fiscal_year"]) == [2025, 2025]
    assert notes == ["FY2026-FY2027: fewer than 3 comparator settlements are known (2, 0); the comparator "
                     "pattern carries FY2025's median (3.00%, 3 settlements) forward."]
    shown = brief_market.pattern_table(market.MarketAnalysis(
        unit, pd.Timestamp("2025-07-01"), pd.Timestamp("2025-07-01"), pd.Timestamp("2027-06-30"), [], *[pd.DataFrame()] * 5,
        {}, "", mkt, None))
    assert list(shown["Fiscal year"]) == ["FY2026", "FY2027"]
    assert list(shown["Status"]) == ["PROVISIONAL (fewer than 3 comparators): FY2025's median carried forward",
                                     "no settlements yet: FY2025's median carried forward"]


def test_sentence_numbers_match_the_tables(small):
    unit, a = small
    top = a.position[a.position.measure == "top"].iloc[0]
    # The outlook in the sentence is on the comparison's basis: hourly here (hours differ).
    o = a.outlook[(a.outlook.measure == "top_hourly") & (a.outlook.scenario == "management")].iloc[0]
    s = brief_market.sentences(a)[0]
    assert s.startswith("Our top-step Police Officer earns ")
    assert f"{abs(top['pct_vs_median']):.1f}% below" in s
    assert f"{abs(o['pct_vs_median']):.1f}% below after management's offer" in s


def test_parse_scenarios_forms_and_short_lists():
    sc, notes = proposals.parse_scenarios({"management": [2, "2.5%"], "union": 3, "short": [1]}, 2,
                                       pd.Timestamp("2027-07-01"))
    assert [x[2] for x in sc["management"].increases] == [2.0, 2.5]
    assert [x[0] for x in sc["management"].increases] == [pd.Timestamp("2027-07-01"), pd.Timestamp("2028-07-01")]
    assert [x[2] for x in sc["union"].increases] == [3.0, 3.0]
    assert "short" not in sc and any("short" in n for n in notes)
    sc2, _ = proposals.parse_scenarios([{"name": "management", "increases": [1, 2]}], 2)
    assert sc2["management"].phrase == "management's offer"


def test_internal_comparables_lists_the_employers_other_units():
    unit = make_unit(comparators=("Alpha",))
    own = contract("Home City", "H-2024", "2024-07-01", "2027-06-30", ("2024-07-01", 2.0))
    fire = rows(dict(effective_date="2024-07-01", event="gwi_pct", pct="3"), settlement_id="HF-2024",
                jurisdiction="Home City", unit="Fire", occupation_group="fire", term_start="2024-07-01",
                term_end="2027-06-30")
    out = forecast.internal_comparables(unit, valid_events(own, fire), pd.Timestamp("2027-07-01"))
    assert set(out["unit"]) == {"Police", "Fire"}
    assert out.loc[out["unit"] == "Fire", "cycle"].item() == "same round as this unit's current contract"
    assert out.loc[out["unit"] == "Fire", "first_year_pct"].item() == approx(3.0)


# --------------------------------------------------------------------------- the brief section

def test_hostile_names_are_escaped_in_html_and_safe_in_figures():
    evil = '<script>alert("x")</script> & $x$'
    unit = make_unit(comparators=("Alpha", evil))
    sal = schedules(dict(jurisdiction="Home City"), dict(jurisdiction="Alpha", max_salary="81000"),
                    dict(jurisdiction=evil, max_salary="79000"))
    ev = valid_events(contract("Home City", "H-2024", "2024-07-01", "2027-06-30", ("2025-07-01", 2.0)))
    a = market.analyse(unit, salaries=sal, events=ev, forecast=2.0, scenarios={}, score_comparables=False)
    sec = brief_market.brief_section(unit, analysis=a)
    html_out = "".join(brief_market.table_html(t) for t in sec.tables)
    assert "<script>" not in html_out and "&lt;script&gt;" in html_out
    for f in sec.figures:
        # mathtext "$x$" must not break the drawing, as the brief's SVG or as a PNG
        assert "<svg" in f.figure._repr_svg_()
        assert figures.png(f.figure)[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_brief_section_and_statutory_factors():
    unit = units.load("city-police", root=ROOT)
    a = market.analyse(unit, root=ROOT, forecast=2.5)
    sec = brief_market.brief_section(unit, ROOT, analysis=a)
    assert isinstance(sec, Section) and sec.title == "Market position"
    assert sec.text[0].startswith("Our top-step Police Officer earns ")
    assert "after management's offer" in sec.text[0]          # the proposals file's scenarios
    captions = [t.caption for t in sec.tables]
    assert "Market position by benchmark title" in captions
    assert any(c.startswith("Internal comparables") for c in captions)
    assert any(c.startswith("How the chosen comparators score") for c in captions)
    assert len(sec.figures) == 2
    # Greenwich has no Police Sergeant schedule: named, never a zero.
    sgt = a.position[(a.position.benchmark_title == "Police Sergeant") & (a.position.measure == "top")].iloc[0]
    assert "Town of Greenwich" in sgt["missing"] and sgt["n_comparators"] == 8
    assert any("SYNTHETIC" in c for c in sec.caveats)
    factors = factor_sections.statutory_factors(unit, ROOT, analysis=a)
    assert [f.title for f in factors] == [f"Statutory factor: {t.lower()}" for t in factor_sections.STATUTORY_FACTORS]
    ability = factors[2]
    # No ability_to_pay in the demo unit: said, but the fiscal indicators on file are not called missing.
    assert any(t.startswith("The unit file gives no other ability-to-pay evidence") for t in ability.text)
    assert not any(t.startswith("Evidence missing") for t in ability.text)
    overall = factors[3]
    assert any("no health insurance, pension" in t for t in overall.text)
    for f in factors:
        assert f.text, f.title


def test_fallback_forecast_is_the_comparator_median_and_says_so(monkeypatch):
    unit = make_unit(comparators=("Alpha", "Beta"))
    ev = valid_events(
        contract("Alpha", "A-2023", "2023-07-01", "2026-06-30", ("2023-07-01", 2.0), ("2024-07-01", 3.0), ("2025-07-01", 4.0)),
        contract("Beta", "B-2024", "2024-07-01", "2026-06-30", ("2024-07-01", 1.0), ("2025-07-01", 5.0)),
    )
    f = forecast.fallback_forecast(unit, ev, pd.Timestamp("2025-07-01"))
    # FY2024-FY2026 comparator-years: 2, 3, 4 (Alpha) and 1, 5 (Beta) -> median 3.
    assert f.rate("Alpha", pd.Timestamp("2026-07-01")) == approx(3.0)
    assert "FY2024-FY2026" in f.label and "no wage-trend model" in f.label
    # When the models cannot forecast, the analysis uses it and its notes say so.
    monkeypatch.setattr(market, "model_forecast", lambda *a, **k: (None, "no model for the test"))
    sal = schedules(dict(jurisdiction="Home City"), dict(jurisdiction="Alpha"), dict(jurisdiction="Beta"))
    a = market.analyse(unit, salaries=sal, events=ev, scenarios={}, score_comparables=False)
    assert a.forecast.method == "comparator_median"
    assert any("comparator median of annual base increases" in n and "no model for the test" in n for n in a.notes)


# --------------------------------------------------------------------------- the as-of date

@pytest.fixture
def dated():
    """Top steps on 2025-07-01 (equal hours, so annual pay): unit 50,000 with a settled 3% on
    2026-07-01; Alpha 52,000 with 2% on 2026-07-01; Beta 48,000 whose contract ends 2026-06-30
    (forecast 2.5% from 2026-07-01); Gamma 51,000 with 2% only on 2026-12-02."""
    unit = make_unit()
    sal = schedules(
        dict(jurisdiction="Home City", min_salary="40000", max_salary="50000"),
        dict(jurisdiction="Alpha", min_salary="40000", max_salary="52000"),
        dict(jurisdiction="Beta", min_salary="40000", max_salary="48000"),
        dict(jurisdiction="Gamma", min_salary="40000", max_salary="51000"),
    )
    ev = valid_events(
        contract("Home City", "H-2024", "2024-07-01", "2027-06-30", ("2026-07-01", 3.0)),
        contract("Alpha", "A-2024", "2024-07-01", "2027-06-30", ("2026-07-01", 2.0)),
        contract("Beta", "B-2023", "2023-07-01", "2026-06-30", ("2025-07-01", 0.0)),
        contract("Gamma", "G-2025", "2025-07-01", "2028-06-30", ("2026-12-02", 2.0)),
    )

    def at(as_of):
        return market.analyse(unit, as_of=as_of, salaries=sal, events=ev, forecast=2.5, scenarios={},
                              score_comparables=False)
    return at


def test_as_of_applies_every_increase_known_by_then(dated):
    a = dated("2026-12-01")
    assert a.as_of == pd.Timestamp("2026-12-01")
    top = a.current.set_index("jurisdiction")["top"]
    assert top["Home City"] == approx(51_500)          # 50,000 x 1.03 (the unit's own 2026-07-01 increase)
    assert top["Alpha"] == approx(53_040)              # 52,000 x 1.02
    assert top["Beta"] == approx(49_200)               # 48,000 x 1.025, forecast past 2026-06-30
    assert top["Gamma"] == approx(51_000)              # its 2026-12-02 increase is after the date
    p = a.position[a.position.measure == "top"].iloc[0]
    assert p["unit_value"] == approx(51_500)
    assert p["median"] == approx(51_000)               # of 49,200, 51,000, 53,040
    assert p["pct_vs_median"] == approx((51_500 / 51_000 - 1) * 100)   # +0.98%
    assert p["rank"] == 2 and p["out_of"] == 4         # only Alpha pays more
    # The forecast step that enters "now" stays marked, and the note says so.
    assert a.forecast_now() == ["Beta"] and a.forecast_now("Police Officer") == ["Beta"]
    note = brief_market.now_note(a, "Police Officer")
    assert "2026-12-01" in note and "Beta" in note and "forecast" in note
    assert "on 2026-12-01" in brief_market.sentences(a)[0]


def test_as_of_leaves_out_increases_after_it(dated):
    a = dated("2026-06-30")
    top = a.current.set_index("jurisdiction")["top"]
    assert top["Home City"] == approx(50_000)          # the 2026-07-01 increase is a day later
    assert top["Alpha"] == approx(52_000)
    assert top["Beta"] == approx(48_000)               # its contract runs through this day: no forecast
    assert top["Gamma"] == approx(51_000)
    p = a.position[a.position.measure == "top"].iloc[0]
    assert p["median"] == approx(51_000)               # of 48,000, 51,000, 52,000
    assert p["pct_vs_median"] == approx((50_000 / 51_000 - 1) * 100)   # -1.96%
    assert p["rank"] == 3 and p["out_of"] == 4
    assert a.forecast_now() == []
    assert "forecast" not in brief_market.now_note(a)


def test_without_as_of_the_analysis_keeps_its_own_default(dated):
    # The library default is unchanged (the unit's latest schedule); the brief passes its date.
    assert dated(None).as_of == pd.Timestamp("2025-07-01")


def test_invented_proposals_are_labelled_where_cited_and_the_file_is_read_once(monkeypatch):
    """The demo proposals file says synthetic: true, so the scenarios' source says so; the file is
    parsed once for both the scenarios and the flag."""
    from wagebrief.analysis import scenarios

    calls = []
    real = scenarios.load
    monkeypatch.setattr(scenarios, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    u = units.load("state-clerical", root=ROOT)
    sc, src, term, _notes = scenarios.scenarios_for(u, ROOT)
    assert sc and src == "comparators/proposals/state-clerical.yml (SYNTHETIC demo proposals)"
    assert len(calls) == 1
