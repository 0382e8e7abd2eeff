"""The rolling-origin backtest's arithmetic on a tiny hand-made series (worked in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wagebrief.analysis import backtest

# One jurisdiction, 2010-2019. The test years are 2017, 2018 and 2019.
VALUES = {2010: 1.0, 2011: 2.0, 2012: 1.5, 2013: 3.0, 2014: 2.0, 2015: 2.5, 2016: 4.0, 2017: 3.0,
          2018: 3.5, 2019: 2.0}
PANEL = pd.DataFrame({"jurisdiction": "A", "year": list(VALUES), "increase_pct": list(VALUES.values()),
                      "employees": 100.0})
CPI = pd.DataFrame({"year": list(range(2009, 2019)),
                    "value": np.nan,
                    "yoy_pct": [1.5] * 6 + [1.0, 2.0, 3.0, 2.8]})  # 2009-2014 1.5; 2015 1.0 ... 2018 2.8


def run(methods, years=(2017, 2018, 2019)):
    return backtest.backtest(PANEL, CPI, years=list(years), methods=methods)


def test_last_median_points_mae_and_coverage_by_hand():
    bt = run(("last_median",))
    p = bt.predictions.set_index("year")
    # point = last year's value: 2017 <- 4.0, 2018 <- 3.0, 2019 <- 3.5
    assert p["point"].tolist() == [4.0, 3.0, 3.5]
    # |3.0-4.0| + |3.5-3.0| + |2.0-3.5| = 1.0 + 0.5 + 1.5 = 3.0, over 3 -> MAE 1.0
    s = bt.scores.set_index("method").loc["last_median"]
    assert s["mae"] == pytest.approx(1.0)
    # Intervals: point + 10th/90th percentiles (numpy linear) of past one-step errors y_s - y_{s-1}.
    # 2017 (s = 2011..2016): 1.0, -0.5, 1.5, -1.0, 0.5, 1.5 -> sorted -1,-0.5,0.5,1,1.5,1.5
    #   q10 at position 0.5: -0.75; q90 at 4.5: 1.5 -> [3.25, 5.5]; actual 3.0 is outside.
    assert p.at[2017, "lo80"] == pytest.approx(3.25) and p.at[2017, "hi80"] == pytest.approx(5.5)
    # 2018 adds 2017's error -1.0 (7 errors): q10 at 0.6 -> -1.0; q90 at 5.4 -> 1.5 -> [2.0, 4.5]: inside.
    assert p.at[2018, "lo80"] == pytest.approx(2.0) and p.at[2018, "hi80"] == pytest.approx(4.5)
    # 2019 adds 0.5 (8 errors): q10 at 0.7 -> -1.0; q90 at 6.3 -> 1.5 -> [2.5, 5.0]; actual 2.0 outside.
    assert p.at[2019, "lo80"] == pytest.approx(2.5) and p.at[2019, "hi80"] == pytest.approx(5.0)
    assert s["coverage80"] == pytest.approx(100 / 3)


def test_trailing_mean_and_last_cpi_by_hand():
    bt = run(("trailing_mean3", "last_cpi"))
    s = bt.scores.set_index("method")
    t = bt.predictions[bt.predictions["method"].eq("trailing_mean3")].set_index("year")
    # 2017: (2.0 + 2.5 + 4.0) / 3 = 2.8333; 2018: (2.5 + 4.0 + 3.0) / 3 = 3.1667; 2019: (4 + 3 + 3.5) / 3 = 3.5
    assert t["point"].tolist() == pytest.approx([8.5 / 3, 9.5 / 3, 3.5])
    # |3 - 2.8333| + |3.5 - 3.1667| + |2 - 3.5| = 0.1667 + 0.3333 + 1.5 = 2.0 -> MAE 0.6667
    assert s.at["trailing_mean3", "mae"] == pytest.approx(2 / 3)
    c = bt.predictions[bt.predictions["method"].eq("last_cpi")].set_index("year")
    # CPI of the year before: 2016 2.0, 2017 3.0, 2018 2.8; errors 1.0, 0.5, 0.8 -> MAE 2.3 / 3
    assert c["point"].tolist() == pytest.approx([2.0, 3.0, 2.8])
    assert s.at["last_cpi", "mae"] == pytest.approx(2.3 / 3)
    assert bt.best == "trailing_mean3"
    assert not bt.model_beats_baselines  # no model was in the race


def test_a_model_on_too_little_history_falls_back_and_is_scored():
    # Fit through 2012 (3 observations, 2 coefficients): OLS is refused, the mean is used:
    # (1.0 + 2.0 + 1.5) / 3 = 1.5; actual 3.0 -> error 1.5.
    bt = run(("pooled_ols", "last_median"), years=[2013])
    p = bt.predictions.set_index("method")
    assert p.at["pooled_ols", "point"] == pytest.approx(1.5)
    assert p.at["pooled_ols", "status"] == "fallback"
    s = bt.scores.set_index("method")
    assert s.at["pooled_ols", "mae"] == pytest.approx(1.5)
    assert "fell back" in s.at["pooled_ols", "note"]
    # last_median: last year's value (2012) is 1.5 -> error 1.5 as well. A tie goes to the
    # baseline, because a model must *beat* the baselines.
    assert s.at["last_median", "mae"] == pytest.approx(1.5)
    assert bt.best == "last_median" and not bt.model_beats_baselines
    assert "Only 1 year(s) could be backtested" in bt.notes[0]


def test_score_by_hand():
    pred = pd.DataFrame({
        "method": ["m"] * 4 + ["b"] * 4,
        "year": [2020, 2020, 2021, 2021] * 2,
        "actual": [2.0, 3.0, 4.0, 1.0] * 2,
        "point": [2.5, 2.5, 3.0, 3.0, 2.0, 2.0, np.nan, np.nan],
        "lo80": [2.0, 2.0, 3.5, 3.5, np.nan, np.nan, np.nan, np.nan],
        "hi80": [3.0, 3.0, 4.5, 4.5, np.nan, np.nan, np.nan, np.nan],
    })
    s = backtest.score(pred).set_index("method")
    # m: |2-2.5| + |3-2.5| + |4-3| + |1-3| = 0.5 + 0.5 + 1 + 2 = 4 -> 1.0; inside: 2.0, 3.0, 4.0 yes; 1.0 no -> 75%
    assert s.at["m", "mae"] == pytest.approx(1.0) and s.at["m", "coverage80"] == pytest.approx(75.0)
    # b predicts 2020 only: |2-2| + |3-2| = 1 -> 0.5 over 2 rows; no intervals
    assert s.at["b", "mae"] == pytest.approx(0.5) and s.at["b", "n"] == 2 and np.isnan(s.at["b", "coverage80"])
    ranked = backtest._rank(pred.assign(status="ok"), [2020, 2021], ("m", "b"))
    assert ranked.best == "m"  # b predicts only some rows, so it is not ranked
    assert "not ranked" in ranked.scores.set_index("method").at["b", "note"]


def test_default_test_years_are_the_last_ones_with_enough_history():
    assert backtest.test_years(PANEL, n_years=7, min_train_years=3) == list(range(2013, 2020))
    assert backtest.test_years(PANEL, n_years=20, min_train_years=3)[0] == 2013
