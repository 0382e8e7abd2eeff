"""Rolling-origin backtest of the settlement models against three naive baselines.

For each test year t (the last ``n_years`` years with enough history before them) every method is
given only the years before t and predicts year t; the prediction is scored against each
comparator's actual increase in year t. MAE is the mean absolute error over those
comparator-years, and coverage is the share of them inside the method's 80% interval.

Baselines (one number per year, no model):

* ``last_median``: last year's comparator median;
* ``trailing_mean3``: the mean of the comparator increases in the last three years;
* ``last_cpi``: last year's CPI change (the latest complete year known at the origin).

A baseline's 80% (95%) interval is its point plus the 10th and 90th (2.5th and 97.5th)
percentiles of its own past errors at the same horizon, computed only from years before the
origin; with fewer than :data:`MIN_ERRORS` past errors it has no interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wagebrief.analysis import trends as models

MODELS = ("pooled_ols", "pooled_wls", "mixed", "passthrough_cpi")
BASELINES = ("last_median", "trailing_mean3", "last_cpi")
LABELS = {
    **models.LABELS,
    "last_median": "Baseline: last year's comparator median",
    "trailing_mean3": "Baseline: trailing 3-year mean",
    "last_cpi": "Baseline: last year's CPI change",
}
MIN_ERRORS = 5
N_YEARS = 7
MIN_BACKTEST_YEARS = 6
MIN_TRAIN_YEARS = 3


def kind(method: str) -> str:
    return "baseline" if method in BASELINES else "model"


def fit_model(name: str, panel: pd.DataFrame) -> models.ModelResult:
    """Fit one named settlement model."""
    if name == "pooled_ols":
        return models.pooled_trend(panel)
    if name == "pooled_wls":
        return models.pooled_trend(panel, weighted=True)
    if name == "mixed":
        return models.mixed_effects(panel)
    if name == "passthrough_cpi":
        return models.pass_through(panel, "cpi_prev")
    if name == "passthrough_eci":
        return models.pass_through(panel, "eci_prev")
    raise ValueError(f"unknown model {name!r}")


# --------------------------------------------------------------------------- baselines

def _cpi_series(cpi: pd.DataFrame | None) -> pd.Series:
    if cpi is None or len(cpi) == 0:
        return pd.Series(dtype=float)
    return cpi.dropna(subset=["yoy_pct"]).set_index("year")["yoy_pct"].sort_index()


def _by_year(panel: pd.DataFrame) -> dict[int, np.ndarray]:
    return {int(y): g.to_numpy(float) for y, g in panel.groupby("year")["increase_pct"]}


def _point(name: str, by_year: dict[int, np.ndarray], cpi: pd.Series, origin: int) -> float:
    if name == "last_median":
        v = by_year.get(origin)
        return float(np.median(v)) if v is not None and len(v) else np.nan
    if name == "trailing_mean3":
        v = [by_year[y] for y in (origin - 2, origin - 1, origin) if y in by_year]
        return float(np.concatenate(v).mean()) if v else np.nan
    if name == "last_cpi":
        c = cpi[cpi.index <= origin]
        return float(c.iloc[-1]) if len(c) else np.nan
    raise ValueError(f"unknown baseline {name!r}")


def baseline_point(name: str, panel: pd.DataFrame, cpi: pd.DataFrame | pd.Series | None, origin: int) -> float:
    """The baseline's forecast made at the end of year ``origin`` (any later year gets the same)."""
    c = cpi if isinstance(cpi, pd.Series) else _cpi_series(cpi)
    return _point(name, _by_year(panel[panel["year"] <= origin]), c, origin)


def _errors(name: str, by_year: dict[int, np.ndarray], cpi: pd.Series, origin: int, horizon: int) -> np.ndarray:
    errs = []
    for s in sorted(y for y in by_year if y <= origin):
        # the rule as it stood at s - horizon: only years up to then
        p = _point(name, {y: v for y, v in by_year.items() if y <= s - horizon}, cpi, s - horizon)
        if np.isfinite(p):
            errs.append(by_year[s] - p)
    return np.concatenate(errs) if errs else np.array([])


def past_errors(name: str, panel: pd.DataFrame, cpi, origin: int, horizon: int) -> np.ndarray:
    """actual - baseline point for every comparator-year s <= origin, predicted from s - horizon."""
    c = cpi if isinstance(cpi, pd.Series) else _cpi_series(cpi)
    return _errors(name, _by_year(panel), c, origin, horizon)


def baseline_forecast(name: str, panel: pd.DataFrame, cpi, years, origin: int) -> pd.DataFrame:
    """Baseline point and empirical 80%/95% intervals for ``years`` from data through ``origin``."""
    c = cpi if isinstance(cpi, pd.Series) else _cpi_series(cpi)
    by_year = _by_year(panel[panel["year"] <= origin])
    point = _point(name, by_year, c, origin)
    rows = []
    for y in years:
        e = _errors(name, by_year, c, origin, int(y) - origin)
        row = {"year": int(y), "method": name, "point": point, "n_errors": len(e)}
        for lv in models.LEVELS:
            a = (100 - lv) / 200
            ok = len(e) >= MIN_ERRORS and np.isfinite(point)
            row[f"lo{lv}"] = point + np.quantile(e, a) if ok else np.nan
            row[f"hi{lv}"] = point + np.quantile(e, 1 - a) if ok else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the backtest

@dataclass
class Backtest:
    """Per comparator-year predictions, per method scores and the winner."""

    predictions: pd.DataFrame
    scores: pd.DataFrame
    years: list[int]
    best: str | None
    model_beats_baselines: bool
    notes: list[str] = field(default_factory=list)

    @property
    def best_kind(self) -> str | None:
        return kind(self.best) if self.best else None


def test_years(panel: pd.DataFrame, n_years: int = N_YEARS, min_train_years: int = MIN_TRAIN_YEARS) -> list[int]:
    """The last ``n_years`` years that have ``min_train_years`` years of data before them."""
    years = sorted(int(y) for y in panel["year"].unique())
    ok = [y for i, y in enumerate(years) if i >= min_train_years]
    return ok[-n_years:]


def score(pred: pd.DataFrame) -> pd.DataFrame:
    """MAE and 80% coverage per method over its rows with a prediction.

    ``pred`` has method, year, actual, point, lo80, hi80. Coverage counts rows with an interval.
    """
    p = pred.dropna(subset=["point"]).copy()
    p["abs_err"] = (p["actual"] - p["point"]).abs()
    has = p["lo80"].notna() & p["hi80"].notna()
    p["inside"] = ((p["actual"] >= p["lo80"]) & (p["actual"] <= p["hi80"])).where(has)
    g = p.groupby("method", sort=False)
    out = pd.DataFrame({
        "n_years": g["year"].nunique(),
        "n": g.size(),
        "mae": g["abs_err"].mean(),
        "coverage80": g["inside"].mean() * 100,
        "n_intervals": g["inside"].count(),
    })
    return out.reset_index()


def backtest(panel: pd.DataFrame, cpi: pd.DataFrame | None = None, *, years: list[int] | None = None,
             n_years: int = N_YEARS, min_train_years: int = MIN_TRAIN_YEARS,
             methods: tuple[str, ...] | None = None) -> Backtest:
    """Rolling origin: for each test year t fit on years < t, predict t, score against actuals."""
    panel = panel.dropna(subset=["increase_pct"])
    years = list(years) if years is not None else test_years(panel, n_years, min_train_years)
    has_cpi = cpi is not None and len(_cpi_series(cpi)) > 0
    if methods is None:
        methods = tuple(m for m in MODELS + BASELINES if has_cpi or m not in ("passthrough_cpi", "last_cpi"))
    c = _cpi_series(cpi)
    rows = []
    for t in years:
        train, test = panel[panel["year"] < t], panel[panel["year"] == t]
        if test.empty:
            continue
        cpi_known = c[c.index <= t - 1]
        for m in methods:
            if kind(m) == "baseline":
                f = baseline_forecast(m, train, cpi_known, [t], t - 1).iloc[0]
                status = "ok"
            else:
                res = fit_model(m, train)
                new = pd.DataFrame({"year": [t], "cpi_prev": [cpi_known.get(t - 1, np.nan)]})
                f = res.predict(new).iloc[0]
                status = res.status
            for j, actual in zip(test["jurisdiction"], test["increase_pct"]):
                rows.append(dict(method=m, year=t, jurisdiction=j, actual=actual, point=f["point"],
                                 lo80=f["lo80"], hi80=f["hi80"], status=status))
    pred = pd.DataFrame(rows, columns=["method", "year", "jurisdiction", "actual", "point", "lo80", "hi80", "status"])
    return _rank(pred, years, methods)


def _rank(pred: pd.DataFrame, years: list[int], methods) -> Backtest:
    notes = []
    if len(years) < MIN_BACKTEST_YEARS:
        notes.append(f"Only {len(years)} year(s) could be backtested, fewer than the {MIN_BACKTEST_YEARS} wanted.")
    sc = score(pred).set_index("method").reindex(list(methods))
    n_rows = pred.groupby("method").size().max() if len(pred) else 0
    sc["kind"] = [kind(m) for m in sc.index]
    sc["label"] = [LABELS.get(m, m) for m in sc.index]
    sc["ranked"] = sc["n"].eq(n_rows) & sc["mae"].notna()
    fell = pred[pred["status"].ne("ok")].groupby("method")["year"].nunique()
    sc["note"] = ""
    for m in sc.index:
        bits = []
        if not sc.at[m, "ranked"]:
            k = 0 if pd.isna(sc.at[m, "n_years"]) else int(sc.at[m, "n_years"])
            bits.append(f"predicts {k} of {len(years)} test years; not ranked")
        if m in fell:
            bits.append(f"fell back to a simpler model in {int(fell[m])} of {len(years)} years")
        if sc.at[m, "n_intervals"] < sc.at[m, "n"]:
            bits.append(f"interval in {int(sc.at[m, 'n_intervals'])} of {int(sc.at[m, 'n'])} comparator-years")
        sc.at[m, "note"] = "; ".join(bits)
    ranked = sc[sc["ranked"]]
    best = str(ranked["mae"].idxmin()) if len(ranked) else None
    mod = ranked.loc[ranked["kind"].eq("model"), "mae"]
    base = ranked.loc[ranked["kind"].eq("baseline"), "mae"]
    beats = bool(len(mod) and (not len(base) or mod.min() < base.min()))
    if best is not None and kind(best) == "model" and not beats:
        best = str(base.idxmin())
    sc["chosen"] = sc.index == best
    sc = sc.reset_index().rename(columns={"index": "method"})
    cols = ["method", "label", "kind", "n_years", "n", "mae", "coverage80", "n_intervals", "ranked", "chosen", "note"]
    return Backtest(pred, sc[cols], list(years), best, beats, notes)
