"""Issue 15 (CPI items): span labels, partial CPI years, the two comparator medians, wage/CPI timing.

Every expected number is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wagebrief.analysis import realwages
from wagebrief.analysis.realwages import Span, last_span, partial_years, wages_against_prices
from wagebrief.brief import inflation
from wagebrief.brief.spans import span_words
from wagebrief.public import series


def test_span_label_names_the_averages_actually_compared():
    # CPI levels: FY2021 100, FY2022 110, then flat at 110 -> yearly changes 10, 0, 0, 0, 0.
    # Medians 2% a year for FY2022..FY2026: 1.02^5 - 1 = 10.40808%. CPI: 110/100 - 1 = 10%.
    # FY2027 is the cycle year (left out); FY2019 is before a gap at FY2020 (a span never jumps it).
    levels = {2019: 95.0, 2021: 100.0, 2022: 110.0, 2023: 110.0, 2024: 110.0, 2025: 110.0, 2026: 110.0}
    yearly = pd.DataFrame({"year": [2019, 2021, 2022, 2023, 2024, 2025, 2026, 2027],
                           "median_increase_pct": [9.0, 9.0, 2, 2, 2, 2, 2, 9.0],
                           "cpi_pct": [1.0, 1.0, 10.0, 0, 0, 0, 0, 5.0]})
    w = wages_against_prices(yearly, before=2027)
    span = w["span"]
    assert (span.base_year, span.first_year, span.end_year, span.n_changes) == (2021, 2022, 2026, 5)
    assert w["wages_pct"] == pytest.approx(10.40808, abs=1e-5)
    # The label's base year is the average the compounded CPI change starts from.
    assert w["cpi_pct"] == pytest.approx((levels[span.end_year] / levels[span.base_year] - 1) * 100)
    assert w["real_pct"] == pytest.approx((1.1040808 / 1.10 - 1) * 100, abs=1e-5)  # 0.37098%
    assert span_words(span, "fiscal") == "over the five fiscal years FY2022–FY2026, from the FY2021 average"
    assert span_words(Span(2025, 2026), "calendar") == "over the year 2026, from the 2025 average"
    # With a gap at 2020 and n = 10, the run still starts at 2021: base year 2020 is never claimed.
    assert last_span([2018, 2019, 2021, 2022], n=10) == Span(2020, 2022)
    assert last_span([2018, 2019, 2021, 2022], n=10).n_changes == 2


def _monthly(root, months: dict[str, float]) -> None:
    dates = pd.date_range("2024-07-01", "2026-06-01", freq="MS")
    df = pd.DataFrame({"series_id": "TEST", "title": "t", "date": dates, "year": dates.year, "month": dates.month,
                       "value": [months.get(d.strftime("%Y-%m"), float("nan")) for d in dates],
                       "yoy_pct": float("nan"), "preliminary": False, "source": "hand", "vintage": "hand",
                       "synthetic": True})
    (root / "data" / "processed").mkdir(parents=True)
    df.to_parquet(root / "data" / "processed" / "cpi.parquet")


def test_partial_fiscal_year_is_averaged_over_published_months_and_disclosed(tmp_path):
    # FY2025 (Jul 2024-Jun 2025): all 100. FY2026: Jul-Sep 2025 at 110, October 2025 missing,
    # Nov 2025-Jun 2026 at 121. Mean of the 11 published months: (3*110 + 8*121) / 11 = 1298 / 11 = 118.0,
    # so FY2026 rose 18.0%. Interpolating October ((110 + 121) / 2 = 115.5) would give
    # (1298 + 115.5) / 12 = 117.7917, i.e. 17.79%: the rule is to average the published months, not fill.
    months = {d.strftime("%Y-%m"): 100.0 for d in pd.date_range("2024-07-01", "2025-06-01", freq="MS")}
    months.update({"2025-07": 110.0, "2025-08": 110.0, "2025-09": 110.0})
    months.update({d.strftime("%Y-%m"): 121.0 for d in pd.date_range("2025-11-01", "2026-06-01", freq="MS")})
    _monthly(tmp_path, months)
    a = series.cpi_annual("TEST", "fiscal", 7, root=tmp_path)
    fy26 = a.set_index("year").loc[2026]
    assert fy26["value"] == pytest.approx(118.0)
    assert fy26["yoy_pct"] == pytest.approx(18.0)
    assert (fy26["n_months"], fy26["missing_months"]) == (11, "2025-10")
    short = partial_years(a, [2025, 2026])
    assert short.to_dict("records") == [{"year": 2026, "n_months": 11, "missing_months": "2025-10"}]
    label = lambda y: f"FY{y}"  # noqa: E731
    assert inflation._partial_clause(short, label) == " (the FY2026 average is of 11 months; 2025-10 not published)"
    note = inflation._partial_note(short, label)
    assert note.startswith("CPI-U averages of fewer than 12 months: FY2026 (11 months; 2025-10 not published).")
    assert "BLS published no October 2025 index" in note and "not filled" in note
    assert inflation._partial_clause(partial_years(a, [2025]), label) == ""  # a full year says nothing


def test_two_comparator_medians_are_named_apart():
    # A: 1% then 5%; B: 3% then 3%; C: 5% then 1% (FY2022, FY2023; base FY2021; CPI flat).
    # Yearly medians: 3, 3 -> compounded 1.03^2 - 1 = 6.09%  (the headline measure).
    # Each one's compounded change: A 1.01*1.05 = 1.0605, B 1.0609, C 1.05*1.01 = 1.0605 -> median 6.05%.
    annual = pd.DataFrame({"jurisdiction": ["A", "A", "B", "B", "C", "C"], "year": [2022, 2023] * 3,
                           "increase_pct": [1.0, 5.0, 3.0, 3.0, 5.0, 1.0]})
    cpi = pd.DataFrame({"year": [2021, 2022, 2023], "value": [100.0, 100.0, 100.0]})
    yearly = annual.groupby("year")["increase_pct"].median().rename("median_increase_pct").reset_index()
    yearly["cpi_pct"] = 0.0
    assert wages_against_prices(yearly, before=2024)["wages_pct"] == pytest.approx(6.09)
    t = realwages.table(realwages.real_wages(annual, annual.iloc[:0], cpi, 2021, 2023))
    row = t.set_index("role").loc["comparator median"]
    assert row["entity"] == realwages.MEDIAN_OF_COMPOUNDED == "Comparator median of compounded changes"
    assert row["nominal_pct"] == pytest.approx(6.05)


def test_increase_timing_counts_raises_after_the_year_start():
    # Span FY2022-FY2023 (July fiscal years). Base increases: 2021-07-01 (FY2022, on its first day),
    # 2022-01-01 (FY2022, mid-year), 2022-07-01 (FY2023, first day); 2020-07-01 (FY2021) and 2023-07-01
    # (FY2024) are outside; a step on 2022-03-01 is not a base increase. -> 3 increases, 1 after the start.
    ev = pd.DataFrame({"event": ["gwi_pct", "gwi_pct", "gwi_flat", "gwi_pct", "gwi_pct", "step"],
                       "effective_date": pd.to_datetime(["2021-07-01", "2022-01-01", "2022-07-01", "2020-07-01",
                                                         "2023-07-01", "2022-03-01"])})
    got = realwages.increase_timing(ev, Span(2021, 2023), "fiscal", 7)
    assert got == {"n_increases": 3, "n_after_start": 1}
    cal = realwages.increase_timing(ev, Span(2021, 2022), "calendar", 7)
    # Calendar 2022 holds 2022-01-01 (first day) and 2022-07-01 (mid-year): 2 increases, 1 after the start.
    assert cal == {"n_increases": 2, "n_after_start": 1}


def test_inflation_table_eci_is_the_models_measure(monkeypatch):
    # Fiscal years from July. Published 12-month changes: Sep 2024 3.0 and Dec 2024 4.0 (both FY2025),
    # Jun 2025 5.0 (FY2025 too), Mar 2026 2.0 (FY2026). FY2025 = (3 + 4 + 5) / 3 = 4.0 over 3 quarters;
    # FY2026 = 2.0 over 1 quarter. The old table took only June: FY2025 5.0, FY2026 blank.
    from types import SimpleNamespace

    eci = pd.DataFrame({"year": [2024, 2024, 2025, 2026], "quarter": [3, 4, 2, 1], "index": float("nan"),
                        "pct_12m": [3.0, 4.0, 5.0, 2.0]})
    cpi = pd.DataFrame({"year": [2025, 2026], "yoy_pct": [3.0, 3.0]})
    pattern = pd.DataFrame({"year": [2025, 2026], "median": [2.0, 2.0]})
    monkeypatch.setattr(series, "eci", lambda root=None: eci)
    monkeypatch.setattr(series, "cpi_annual", lambda *a, **k: cpi)
    monkeypatch.setattr(inflation.metrics, "pattern_by_year", lambda *a, **k: pattern)
    unit = SimpleNamespace(cpi_basis="fiscal", fiscal_year_start_month=7, cpi_series="X")
    data = SimpleNamespace(unit=unit, root=None, comparator_events=lambda: pd.DataFrame())
    t = inflation.inflation_table(data).set_index("year")
    assert t.loc[2025, "eci_pct"] == pytest.approx(4.0) and t.loc[2025, "eci_quarters"] == 3
    assert t.loc[2026, "eci_pct"] == pytest.approx(2.0) and t.loc[2026, "eci_quarters"] == 1
    assert inflation._eci_cell(4.0, 3) == "4.0% (3 of 4 quarters)" and inflation._eci_cell(float("nan"), 0) == "—"


def test_inflation_table_marks_thin_years_provisional(monkeypatch):
    # FY2027: 3 comparators settled (the default threshold, 3): full. FY2028: 2 of them: provisional,
    # and the cell says so; the threshold is the comparator pattern's (no proposals file: 3).
    from types import SimpleNamespace

    monkeypatch.setattr(series, "eci", lambda root=None: pd.DataFrame(
        {"year": [2026], "quarter": [4], "index": float("nan"), "pct_12m": [3.0]}))
    monkeypatch.setattr(series, "cpi_annual", lambda *a, **k: pd.DataFrame({"year": [2027, 2028], "yoy_pct": [3.0, 2.0]}))
    monkeypatch.setattr(inflation.metrics, "pattern_by_year", lambda *a, **k: pd.DataFrame(
        {"year": [2027, 2028], "median": [3.0, 2.88], "count": [3, 2]}))
    unit = SimpleNamespace(unit="nowhere", cpi_basis="fiscal", fiscal_year_start_month=7, cpi_series="X")
    data = SimpleNamespace(unit=unit, root=None, comparator_events=lambda: pd.DataFrame())
    t = inflation.inflation_table(data).set_index("year")
    assert list(t["provisional"]) == [False, True] and list(t["comparators"]) == [3, 2]
    assert inflation.comparators_cell(2, True) == "2 (PROVISIONAL)" and inflation.comparators_cell(3, False) == "3"
