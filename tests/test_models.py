"""wagebrief.analysis.trends: recovery of known parameters from simulated panels, intervals, fallbacks.

Every simulation uses a fixed seed; each tolerance is stated next to its assertion, together with
the standard error it is measured against, so a failure means the estimator is off and not that
the draw was unlucky.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wagebrief.analysis import outlook, realwages, trends as models
from wagebrief.brief import outlook as brief_outlook
from wagebrief.inputs import units

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
YEARS = np.arange(2008, 2026)  # 18 years
# A CPI path with real variation (percent change per year), indexed by year.
CPI = pd.Series([3.8, -0.4, 1.6, 3.2, 2.1, 1.5, 1.6, 0.1, 1.3, 2.1, 2.4, 1.8, 1.2, 4.7, 8.0, 4.1, 2.9, 2.7],
                index=YEARS - 1)


def simulate(n_j: int = 12, trend: float = 0.10, beta_cpi: float = 0.0, sd_j: float = 0.0,
             sd_e: float = 0.30, seed: int = 20240701, base: float = 2.0) -> pd.DataFrame:
    """increase = base + sd_j*u_j + trend*(year-2016) + beta_cpi*(cpi_prev - 2) + sd_e*e."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n_j):
        a = rng.normal(0, sd_j) if sd_j else 0.0
        emp = float(rng.integers(200, 5000))
        for y in YEARS:
            cpi_prev = CPI[y - 1]
            inc = base + a + trend * (y - 2016) + beta_cpi * (cpi_prev - 2) + rng.normal(0, sd_e)
            rows.append(dict(jurisdiction=f"J{j:02d}", year=int(y), increase_pct=inc, employees=emp,
                             cpi_prev=cpi_prev))
    return pd.DataFrame(rows)


def coef(res: models.ModelResult, term: str) -> pd.Series:
    return res.summary.set_index("term").loc[term]


# --------------------------------------------------------------------------- recovery

def test_pooled_trend_recovers_the_slope():
    panel = simulate(trend=0.15, sd_e=0.40)
    for weighted in (False, True):
        res = models.pooled_trend(panel, weighted=weighted)
        assert res.status == "ok"
        row = coef(res, "year")
        # 216 observations, sd 0.40, years spread sd ~5.2: SE ~0.0053. Tolerance 0.02 (about 4 SE).
        assert row["coef"] == pytest.approx(0.15, abs=0.02)
        assert row["ci_low"] < 0.15 < row["ci_high"]
        # const is the fitted level in the last year: 2.0 + 0.15 * (2025 - 2016) = 3.35, SE ~0.05.
        assert coef(res, "const")["coef"] == pytest.approx(3.35, abs=0.15)
        assert set(res.summary.columns) >= {"model", "term", "coef", "se", "ci_low", "ci_high", "n",
                                            "status", "note", "cov_type"}


def test_cluster_robust_errors_with_enough_jurisdictions_hc3_otherwise():
    many = models.pooled_trend(simulate(n_j=12))
    few = models.pooled_trend(simulate(n_j=5))
    assert (many.summary["cov_type"] == "cluster").all()
    assert "cluster-robust" in many.summary["note"].iloc[0]
    assert (few.summary["cov_type"] == "HC3").all()
    assert "HC3" in few.summary["note"].iloc[0] and "only 5 jurisdictions" in few.summary["note"].iloc[0]


def test_pass_through_recovers_the_cpi_coefficient():
    panel = simulate(trend=0.0, beta_cpi=0.60, sd_e=0.30)
    res = models.pass_through(panel, "cpi_prev")
    assert res.status == "ok"
    row = coef(res, "cpi_prev")
    # CPI sd ~1.9 over 18 years, 216 obs, sd 0.30: SE ~0.01. Tolerance 0.05 (about 5 SE).
    assert row["coef"] == pytest.approx(0.60, abs=0.05)
    assert row["ci_low"] < 0.60 < row["ci_high"]


def test_mixed_effects_recovers_trend_pass_through_and_level_spread():
    panel = simulate(n_j=12, trend=0.10, beta_cpi=0.50, sd_j=0.60, sd_e=0.30, seed=7)
    res = models.mixed_effects(panel)
    assert res.status == "ok", res.fallback_reason
    assert res.spec["kind"] == "mixed"
    # Within-jurisdiction SEs: year ~0.005, CPI ~0.009. Tolerances 0.03 and 0.06 (5+ SE).
    assert coef(res, "year")["coef"] == pytest.approx(0.10, abs=0.03)
    assert coef(res, "cpi_prev")["coef"] == pytest.approx(0.50, abs=0.06)
    # The jurisdiction variance (true 0.36) from 12 groups is loose: within a factor of 2.5.
    assert 0.36 / 2.5 < coef(res, "jurisdiction_var")["coef"] < 0.36 * 2.5
    assert coef(res, "residual_var")["coef"] == pytest.approx(0.09, rel=0.3)


# --------------------------------------------------------------------------- intervals

def widths(f: pd.DataFrame, level: int) -> np.ndarray:
    return (f[f"hi{level}"] - f[f"lo{level}"]).to_numpy()


def test_prediction_intervals_widen_with_the_horizon():
    panel = simulate(n_j=8, trend=0.10, beta_cpi=0.5, sd_j=0.5, seed=3)
    cpi = pd.DataFrame({"year": CPI.index, "value": 100 + np.arange(len(CPI)), "yoy_pct": CPI.to_numpy()})
    future = [2026, 2027, 2028]  # CPI for 2025 is known; 2026 and 2027 must be projected
    for res in (models.pooled_trend(panel), models.pooled_trend(panel, weighted=True),
                models.mixed_effects(panel), models.pass_through(panel)):
        f = models.forecast(res, future, cpi)
        for lv in (80, 95):
            w = widths(f, lv)
            assert np.all(np.diff(w) > 0), (res.name, lv, w)
        assert np.all(widths(f, 95) > widths(f, 80))
        assert np.all((f["lo80"] < f["point"]) & (f["point"] < f["hi80"]))
    eci = pd.DataFrame({"year": np.arange(2006, 2026),
                        "value": 2.5 + np.sin(np.arange(20) / 2.0)})
    wi = models.wage_index(eci, horizon=3)
    assert wi.status == "ok" and wi.spec["kind"] == "sarimax"
    for lv in (80, 95):
        assert np.all(np.diff(widths(wi.spec["forecast"], lv)) > 0)


def test_projected_cpi_is_flagged_and_carried_forward():
    cpi = pd.DataFrame({"year": [2020, 2021, 2022], "value": [100, 102, 105], "yoy_pct": [1.0, 2.0, 3.0]})
    rows = models.future_rows([2022, 2023, 2024], cpi)
    assert rows["cpi_prev"].tolist() == [2.0, 3.0, 3.0]
    assert rows["cpi_projected"].tolist() == [False, False, True]
    # one year beyond the last known: var of the year-to-year change (1.0, 1.0) -> 0
    assert rows["cpi_var"].tolist() == [0.0, 0.0, 0.0]


# --------------------------------------------------------------------------- thin data

def test_too_few_observations_fall_back_to_the_mean_and_say_so():
    panel = simulate(n_j=1).query("year <= 2011")  # 4 observations for 2 coefficients
    res = models.pooled_trend(panel)
    assert res.status == "fallback"
    assert "only 4 observations for 2 coefficients" in res.fallback_reason
    assert res.spec["kind"] == "mean"
    assert (res.summary["status"] == "fallback").all()
    assert "fallback because" in res.summary["note"].iloc[0]
    assert coef(res, "const")["coef"] == pytest.approx(panel["increase_pct"].mean())


def test_one_observation_fails_without_raising():
    res = models.pooled_trend(simulate(n_j=1).head(1))
    assert res.status == "failed"
    assert res.predict(pd.DataFrame({"year": [2030]}))["point"].isna().all()


def test_singular_design_falls_back():
    panel = simulate(n_j=10).query("year == 2015")  # year does not vary
    res = models.pooled_trend(panel)
    assert res.status == "fallback" and "singular" in res.fallback_reason


def test_mixed_model_without_jurisdiction_spread_falls_back_to_pooled_ols():
    panel = simulate(n_j=8, sd_j=0.0, beta_cpi=0.5, seed=11)  # no level differences: boundary
    res = models.mixed_effects(panel)
    assert res.status == "fallback"
    assert res.spec["kind"] == "ols" and "cpi_prev" in res.spec["terms"]
    assert "MixedLM" in res.fallback_reason
    assert (res.summary["status"] == "fallback").all()


def test_mixed_model_without_cpi_or_with_two_jurisdictions_falls_back():
    no_cpi = simulate(n_j=8, sd_j=0.5).drop(columns="cpi_prev")
    res = models.mixed_effects(no_cpi)
    assert res.status == "fallback" and res.spec["terms"] == ("const", "year")
    two = models.mixed_effects(simulate(n_j=2, sd_j=0.5))
    assert two.status == "fallback" and "too few for a random intercept" in two.fallback_reason


def test_pass_through_needs_enough_years_of_cpi():
    panel = simulate(n_j=10, beta_cpi=0.5)
    panel.loc[panel["year"] < 2023, "cpi_prev"] = np.nan  # CPI known for 3 years only
    res = models.pass_through(panel)
    assert res.status == "fallback" and "only 3 year(s)" in res.fallback_reason
    assert np.isnan(res.coef("cpi_prev"))


def test_wage_index_on_a_gappy_short_series_uses_the_mean_model():
    eci = pd.DataFrame({"year": [2007, 2008, 2011, 2016, 2021, 2025], "value": [3.5, 3.4, 1.0, 1.8, 2.7, 3.4]})
    res = models.wage_index(eci)
    assert res.status == "fallback" and "only 6 years observed" in res.fallback_reason
    f = res.spec["forecast"]
    assert len(f) == 3 and f["point"].eq(eci["value"].mean()).all()


def test_eci_annual_averages_published_quarters_and_never_fills_gaps():
    long = pd.DataFrame({
        "series_id": ["CIU3020000000000A"] * 4 + ["CIU3020000000000I"] * 3,
        "year": [2019, 2020, 2020, 2023, 2024, 2025, 2025],
        "quarter": [3, 3, 4, 3, 1, 1, 2],
        "value": [2.7, 1.8, 1.8, 4.8, 150.0, 156.0, 157.0],
    })
    cal = models.eci_annual(long, "calendar")
    # 2019: 2.7; 2020: (1.8 + 1.8) / 2; 2023: 4.8; 2025 Q1 from the index: 156 / 150 - 1 = 4%.
    assert cal.set_index("year")["value"].to_dict() == pytest.approx({2019: 2.7, 2020: 1.8, 2023: 4.8, 2025: 4.0})
    assert 2021 not in cal["year"].tolist() and 2024 not in cal["year"].tolist()
    fy = models.eci_annual(long, "fiscal", 7)
    # Sep 2019 falls in FY2020, Sep and Dec 2020 in FY2021; Mar 2025 in FY2025.
    assert fy.set_index("year")["value"].to_dict() == pytest.approx({2020: 2.7, 2021: 1.8, 2024: 4.8, 2025: 4.0})
    wide = pd.DataFrame({"year": [2020, 2020], "quarter": [3, 4], "index": [np.nan, np.nan], "pct_12m": [1.8, 2.2]})
    assert models.eci_annual(wide, "calendar")["value"].tolist() == pytest.approx([2.0])


# --------------------------------------------------------------------------- real wages

def test_real_wages_by_hand():
    comp = pd.DataFrame({"jurisdiction": ["A", "A", "B", "B"], "year": [2021, 2022, 2021, 2023],
                         "increase_pct": [2.0, 3.0, 1.0, 5.0]})
    own = pd.DataFrame({"jurisdiction": ["X", "X"], "year": [2021, 2022], "increase_pct": [4.0, 0.0]})
    cpi = pd.DataFrame({"year": [2020, 2021, 2022], "value": [100.0, 101.0, 104.0]})
    long = realwages.real_wages(comp, own, cpi, 2020, 2022, unit_label="Us")
    a = long[long["entity"].eq("A")].set_index("year")
    # nominal: 100 -> 102 -> 102 * 1.03 = 105.06; real 2022: 105.06 / 1.04 = 101.0192...
    assert a["nominal_index"].tolist() == pytest.approx([100, 102, 105.06])
    assert a.at[2022, "real_index"] == pytest.approx(105.06 / 1.04)
    b = long[long["entity"].eq("B")].set_index("year")
    assert np.isnan(b.at[2022, "nominal_index"])  # 2022 unknown for B: its series stops, no zero filled
    t = realwages.table(long).set_index("entity")
    assert t.at["Us", "real_pct"] == pytest.approx(104 / 1.04 - 100)  # 104 nominal vs 104 CPI: 0.0
    assert t.at["B", "through"] == 2021
    assert t.at["B", "real_pct"] == pytest.approx(101 / 1.01 - 100)


# --------------------------------------------------------------------------- the section

def demo_unit(**changes) -> units.Unit:
    return replace(units.load("state-clerical", root=ROOT), **changes)


def inputs_from(panel: pd.DataFrame, unit: units.Unit, cpi: pd.DataFrame | None) -> outlook.Inputs:
    annual = panel[["jurisdiction", "year", "increase_pct", "employees"]]
    own = pd.DataFrame(columns=["jurisdiction", "year", "increase_pct", "employees"])
    return outlook.Inputs(unit, unit.cpi_basis, annual, outlook._panel(annual, unit.cycle_year, cpi, None),
                         own, cpi, None, [], True)


def test_section_on_simulated_data_has_range_pass_through_backtest_and_figures():
    unit = demo_unit(cycle_year=2026, term_years=3)
    panel = simulate(n_j=8, trend=0.05, beta_cpi=0.5, sd_e=0.3, seed=5)
    cpi = pd.DataFrame({"year": CPI.index, "value": 100 * np.cumprod(1 + CPI.to_numpy() / 100),
                        "yoy_pct": CPI.to_numpy()})
    sec = brief_outlook.brief_section(unit, inputs=inputs_from(panel, unit, cpi))
    assert sec.title == "Wage trends and outlook"
    text = "\n".join(sec.text)
    assert "Reasonable settlement range" in text and "Method:" in text
    assert "Each point of inflation" in text and "was followed by about" in text
    assert "rolling-origin backtest" in text
    fc = sec.tables[0].data
    assert fc["Year"].tolist() == ["FY2026", "FY2027", "FY2028"]
    assert (fc["95% low (%)"] <= fc["80% low (%)"]).all() and (fc["80% high (%)"] <= fc["95% high (%)"]).all()
    bt = sec.tables[1].data
    assert {"Baseline: last year's comparator median", "Baseline: trailing 3-year mean",
            "Baseline: last year's CPI change"} <= set(bt["Method"])
    assert (bt["Range uses it"] == "yes").sum() == 1
    assert len(sec.figures) == 2
    ax = sec.figures[0].figure.axes[0]
    assert "%" in ax.get_ylabel() and ax.get_xlabel()


def test_section_says_plainly_when_no_model_beats_the_baselines():
    # A common random walk: last year's median is hard to beat, a trend line is not.
    rng = np.random.default_rng(2)
    level = 2.5 + np.cumsum(rng.normal(0, 1.0, len(YEARS)))
    panel = pd.DataFrame([dict(jurisdiction=f"J{j}", year=int(y), increase_pct=level[i] + rng.normal(0, 0.05),
                               employees=100.0) for j in range(6) for i, y in enumerate(YEARS)])
    unit = demo_unit(cycle_year=2026)
    o = outlook.outlook(inputs_from(panel, unit, None))
    assert not o.backtest.model_beats_baselines
    assert o.method in ("last_median", "trailing_mean3", "last_cpi")  # a baseline
    sec = brief_outlook.section(o)
    assert "no model beat the naive baselines" in "\n".join(sec.text)
    assert "pass-through from inflation could not be estimated" in "\n".join(sec.text)


def test_section_on_thin_data_does_not_crash_and_says_why():
    unit = demo_unit(cycle_year=2026)
    panel = simulate(n_j=2).query("year >= 2023")  # 3 years, 6 observations
    sec = brief_outlook.brief_section(unit, inputs=inputs_from(panel, unit, None))
    assert sec.title == "Wage trends and outlook"
    caveats = " ".join(sec.caveats)
    assert "Mixed effects" in caveats and "was used instead" in caveats
    empty = brief_outlook.brief_section(unit, inputs=inputs_from(panel.iloc[:0], unit, None))
    assert "too few comparator increases" in empty.text[0]


def test_demo_units_render_a_section_from_the_repository_data():
    sec = brief_outlook.brief_section("city-public-works", root=ROOT)
    assert sec.title == "Wage trends and outlook"
    assert any("Reasonable settlement range" in t for t in sec.text)
    assert len(sec.tables[0].data) == 3
