"""Wage-trend models: the settlement pattern, inflation pass-through, the ECI outlook, forecasts.

Every model works on a *panel*: one row per comparator jurisdiction x year with the base
increase in effect that year (``increase_pct``, percent units), the employees covered, and the
previous year's CPI-U and ECI changes (``cpi_prev``, ``eci_prev``) when they exist. Years are
named as in :mod:`wagebrief.analysis.metrics` (a fiscal year by the year it ends in).

Each fit returns a :class:`ModelResult`: the statsmodels result, a tidy summary table (model,
term, coef, se, 95% interval, p-value, n, fit statistics, ``status`` 'ok' | 'fallback' |
'failed', ``note``) and a ``predict`` that gives point forecasts with 80% and 95% prediction
intervals for one comparator's settlement. Thin data never raises: too few observations, a
singular design or a fit statsmodels reports as not converged makes the fit fall back to a
simpler model, and ``fallback_reason`` says why in one sentence.

A unit's panel, the backtest and the chosen range are :mod:`wagebrief.analysis.outlook`'s; the
brief's "Wage trends and outlook" section is :mod:`wagebrief.brief.outlook`'s.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: Cluster-robust standard errors need enough clusters; below this HC3 is used instead.
MIN_CLUSTERS = 10
#: Residual degrees of freedom a regression needs before it is fitted at all.
MIN_DF = 3
#: A regressor that varies only by year (CPI, ECI) needs at least this many distinct years.
MIN_YEARS = 4
#: The ECI time-series model needs this many observed years, at most half of them missing.
MIN_TS_OBS = 8
LEVELS = (80, 95)
ECI_CHANGE = "CIU3020000000000A"
ECI_INDEX = "CIU3020000000000I"
LABELS = {
    "pooled_ols": "Pooled trend (OLS)",
    "pooled_wls": "Pooled trend (WLS, employee-weighted)",
    "mixed": "Mixed effects (random intercept by jurisdiction)",
    "passthrough_cpi": "Inflation pass-through (CPI t-1)",
    "passthrough_eci": "Wage-index pass-through (ECI t-1)",
    "wage_index": "ECI state and local wages, annual change",
}
SUMMARY_COLUMNS = ["model", "label", "term", "coef", "se", "ci_low", "ci_high", "p_value", "n",
                   "n_groups", "r2", "aic", "cov_type", "status", "note"]


class _Unfit(Exception):
    """A model cannot be fitted on this data; the message says why in words."""


@dataclass
class ModelResult:
    """A fitted model, its tidy summary and what is needed to predict from it."""

    name: str
    label: str
    result: Any
    summary: pd.DataFrame
    status: str = "ok"
    fallback_reason: str | None = None
    #: what was actually fitted: kind ('ols'|'mixed'|'mean'|'sarimax'), terms, params, cov, ...
    spec: dict = field(default_factory=dict)
    n: int = 0
    n_groups: int = 0
    #: what was actually fitted, in words ("pooled OLS of the increase on year", ...)
    used: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def coef(self, term: str) -> float:
        row = self.summary.loc[self.summary["term"].eq(term), "coef"]
        return float(row.iloc[0]) if len(row) else float("nan")

    def predict(self, new: pd.DataFrame) -> pd.DataFrame:
        """Point and 80%/95% prediction intervals for one comparator settlement per row of ``new``.

        ``new`` needs ``year`` and, for a model with CPI or ECI terms, ``cpi_prev`` / ``eci_prev``;
        an optional ``cpi_var`` (variance of a projected CPI value) widens the interval by
        ``(b^2 + var(b)) * cpi_var``.
        """
        return _predict(self.spec, new)


# --------------------------------------------------------------------------- design and fits

def _design(df: pd.DataFrame, terms: tuple[str, ...], year_ref: float) -> np.ndarray:
    cols = []
    for t in terms:
        if t == "const":
            cols.append(np.ones(len(df)))
        elif t == "year":
            cols.append(df["year"].to_numpy(float) - year_ref)
        else:
            cols.append(df[t].to_numpy(float))
    return np.column_stack(cols) if cols else np.empty((len(df), 0))


def _predict(spec: dict, new: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"year": new["year"].to_numpy()}, index=new.index)
    if not spec:
        for c in ["point"] + [f"{s}{lv}" for lv in LEVELS for s in ("lo", "hi")]:
            out[c] = np.nan
        return out
    X = _design(new, spec["terms"], spec["year_ref"])
    params, cov = spec["params"], spec["cov"]
    point = X @ params
    var = np.einsum("ij,jk,ik->i", X, cov, X) + spec["obs_var"]
    if "cpi_prev" in spec["terms"] and "cpi_var" in new:
        k = spec["terms"].index("cpi_prev")
        var = var + (params[k] ** 2 + cov[k, k]) * new["cpi_var"].fillna(0).to_numpy(float)
    sd = np.sqrt(var)
    out["point"] = point
    for lv in LEVELS:
        q = stats.t.ppf(0.5 + lv / 200, spec["df"])
        out[f"lo{lv}"] = point - q * sd
        out[f"hi{lv}"] = point + q * sd
    return out


def _rows(name: str, terms, coef, se, df_t: float, pvals=None) -> list[dict]:
    q = stats.t.ppf(0.975, df_t) if np.isfinite(df_t) else stats.norm.ppf(0.975)
    rows = []
    for i, t in enumerate(terms):
        p = pvals[i] if pvals is not None else 2 * stats.t.sf(abs(coef[i] / se[i]), df_t) if se[i] > 0 else np.nan
        rows.append(dict(model=name, label=LABELS.get(name, name), term=t, coef=coef[i], se=se[i],
                         ci_low=coef[i] - q * se[i], ci_high=coef[i] + q * se[i], p_value=p))
    return rows


def _table(rows: list[dict], **common) -> pd.DataFrame:
    return pd.DataFrame([{**r, **common} for r in rows], columns=SUMMARY_COLUMNS)


def _fit_ols(d: pd.DataFrame, terms: tuple[str, ...], weights: np.ndarray | None):
    import statsmodels.api as sm

    n, p = len(d), len(terms)
    if n - p < MIN_DF:
        raise _Unfit(f"only {n} observations for {p} coefficients")
    year_ref = float(d["year"].max())
    X = _design(d, terms, year_ref)
    if np.linalg.matrix_rank(X) < p:
        flat = [t for t in terms if t != "const" and np.ptp(d["year" if t == "year" else t]) == 0]
        raise _Unfit(f"the design is singular ({', '.join(flat) or 'collinear terms'} does not vary)")
    y = d["increase_pct"].to_numpy(float)
    model = sm.WLS(y, X, weights=weights) if weights is not None else sm.OLS(y, X)
    groups = pd.factorize(d["jurisdiction"])[0]
    n_groups = int(groups.max() + 1) if n else 0
    if n_groups >= MIN_CLUSTERS:
        cov_type, kw = "cluster", {"cov_kwds": {"groups": groups}}
        cov_note = f"cluster-robust standard errors by jurisdiction ({n_groups} clusters)"
        df_t = n_groups - 1
    else:
        cov_type, kw = "HC3", {}
        cov_note = (f"HC3 standard errors (only {n_groups} jurisdictions, fewer than the "
                    f"{MIN_CLUSTERS} that cluster-robust errors need)")
        df_t = n - p
    res = model.fit(cov_type=cov_type, **kw)
    if not np.all(np.isfinite(res.bse)):
        res = model.fit()
        cov_type, cov_note, df_t = "nonrobust", "classical standard errors (HC3 was undefined)", n - p
    spec = dict(kind="ols", terms=terms, year_ref=year_ref, params=np.asarray(res.params),
                cov=np.asarray(res.cov_params()), obs_var=float(res.scale), df=df_t)
    rows = _rows("", terms, np.asarray(res.params), np.asarray(res.bse), df_t)
    stats_ = dict(n=n, n_groups=n_groups, r2=float(res.rsquared), aic=float(res.aic), cov_type=cov_type)
    return res, spec, rows, stats_, cov_note


def _fit_mean(d: pd.DataFrame):
    n = len(d)
    if n < 2:
        raise _Unfit(f"only {n} observation(s)")
    y = d["increase_pct"].to_numpy(float)
    m, s2 = float(y.mean()), float(y.var(ddof=1))
    spec = dict(kind="mean", terms=("const",), year_ref=float(d["year"].max()), params=np.array([m]),
                cov=np.array([[s2 / n]]), obs_var=s2, df=n - 1)
    rows = _rows("", ("const",), [m], [np.sqrt(s2 / n)], n - 1)
    stats_ = dict(n=n, n_groups=int(d["jurisdiction"].nunique()), r2=0.0, aic=np.nan, cov_type="nonrobust")
    return None, spec, rows, stats_, "mean of the observations"


def _result(name: str, attempts: list, d: pd.DataFrame) -> ModelResult:
    """Try each (description, fit) in turn; the first that fits wins, later ones are fallbacks."""
    reasons: list[str] = []
    for i, (what, fit) in enumerate(attempts):
        try:
            res, spec, rows, st, cov_note = fit()
        except _Unfit as exc:
            reasons.append(f"{what} could not be fitted: {exc}")
            continue
        status = "ok" if i == 0 else "fallback"
        reason = "; ".join(reasons) if reasons else None
        note = f"{what}; {cov_note}"
        if spec["kind"] in ("ols", "mixed") and "year" in spec["terms"]:
            note += f"; const is the fitted increase in {int(spec['year_ref'])}"
        if reason:
            note += f"; fallback because {reason}"
        for r in rows:
            r["model"], r["label"] = name, LABELS.get(name, name)
        table = _table(rows, status=status, note=note, **st)
        return ModelResult(name, LABELS.get(name, name), res, table, status, reason, spec,
                           st["n"], st["n_groups"], what)
    reason = "; ".join(reasons) or "no data"
    table = _table([dict(model=name, label=LABELS.get(name, name), term="")], status="failed",
                   note=f"nothing could be fitted: {reason}", n=len(d),
                   n_groups=int(d["jurisdiction"].nunique()) if len(d) else 0)
    return ModelResult(name, LABELS.get(name, name), None, table, "failed", reason, {}, len(d), 0, "nothing")


def _clean(panel: pd.DataFrame, need: tuple[str, ...] = ()) -> pd.DataFrame:
    return panel.dropna(subset=["increase_pct", *need]).reset_index(drop=True)


def _weights(d: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    d = d[d["employees"].notna() & (d["employees"] > 0)].reset_index(drop=True)
    w = d["employees"].to_numpy(float)
    return d, w / w.mean() if len(w) else w  # mean 1: a new settlement's variance is the scale


def pooled_trend(panel: pd.DataFrame, weighted: bool = False) -> ModelResult:
    """OLS (or employee-weighted WLS) of the annual increase on year; falls back to the mean."""
    name = "pooled_wls" if weighted else "pooled_ols"
    d = _clean(panel)
    w = None
    what = "OLS of the increase on year"
    if weighted:
        d, w = _weights(d)
        what = "WLS of the increase on year, weighted by employees"
    return _result(name, [(what, lambda: _fit_ols(d, ("const", "year"), w)),
                          ("the mean increase", lambda: _fit_mean(d))], d)


def pass_through(panel: pd.DataFrame, regressor: str = "cpi_prev") -> ModelResult:
    """OLS of the increase in year t on CPI (or ECI) change in t-1; falls back to the mean."""
    name = "passthrough_cpi" if regressor == "cpi_prev" else "passthrough_eci"
    d = _clean(panel, (regressor,)) if regressor in panel else _clean(panel).iloc[:0]
    word = "CPI" if regressor == "cpi_prev" else "ECI"

    def fit():
        years = d["year"].nunique()
        if years < MIN_YEARS:
            raise _Unfit(f"{word} t-1 is known for only {years} year(s) of settlements, "
                         f"fewer than {MIN_YEARS}")
        return _fit_ols(d, ("const", regressor), None)

    return _result(name, [(f"OLS of the increase on {word} change in t-1", fit),
                          ("the mean increase", lambda: _fit_mean(_clean(panel)))], d)


def _fit_mixed(d: pd.DataFrame, terms: tuple[str, ...]):
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    n, p = len(d), len(terms)
    sizes = d.groupby("jurisdiction").size()
    if len(sizes) < 3 or (sizes >= 2).sum() < 2:
        raise _Unfit(f"{len(sizes)} jurisdiction(s), too few for a random intercept")
    if n - p - 1 < MIN_DF:
        raise _Unfit(f"only {n} observations")
    year_ref = float(d["year"].max())
    X = _design(d, terms, year_ref)
    if np.linalg.matrix_rank(X) < p:
        raise _Unfit("the fixed-effects design is singular")
    y = d["increase_pct"].to_numpy(float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.MixedLM(y, X, groups=d["jurisdiction"].to_numpy()).fit(reml=True, method="lbfgs")
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise _Unfit(f"statsmodels raised {type(exc).__name__}: {exc}") from None
    # "Retrying with another optimizer" is not a failure; any other ConvergenceWarning is. A
    # SingularMatrixWarning met on the way is fine only if the fit converged off the boundary.
    bad = [str(w.message).rstrip(".") for w in caught if issubclass(w.category, ConvergenceWarning)
           and not str(w.message).startswith("Retrying")]
    if not res.converged or bad:
        why = next((b for b in bad if "boundary" in b), bad[-1] if bad else "")
        raise _Unfit("MixedLM did not converge" + (f" ({why[0].lower() + why[1:]})" if why else ""))
    re_var = float(np.asarray(res.cov_re)[0, 0])
    if not re_var > 1e-6 * res.scale:
        raise _Unfit("the random-intercept variance is zero (on the boundary)")
    fe = np.asarray(res.fe_params)
    cov = np.asarray(res.cov_params())[:p, :p]
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
        raise _Unfit("MixedLM's covariance of the fixed effects is not positive definite")
    spec = dict(kind="mixed", terms=terms, year_ref=year_ref, params=fe, cov=cov,
                obs_var=re_var + float(res.scale), df=n - p, re_var=re_var, resid_var=float(res.scale))
    rows = _rows("", terms, fe, np.sqrt(np.diag(cov)), n - p)
    rows += [dict(term="jurisdiction_var", coef=re_var), dict(term="residual_var", coef=float(res.scale))]
    st = dict(n=n, n_groups=len(sizes), r2=np.nan, aic=np.nan, cov_type="MixedLM (REML)")
    return res, spec, rows, st, "model-based standard errors"


def mixed_effects(panel: pd.DataFrame) -> ModelResult:
    """MixedLM: increase ~ year + CPI(t-1), random intercept by jurisdiction.

    Without enough CPI years the CPI term is left out; a fit that does not converge (or puts the
    jurisdiction variance on the boundary) falls back to pooled OLS with the same fixed effects,
    then to the mean.
    """
    d_all = _clean(panel)
    attempts = []
    if "cpi_prev" in panel:
        d = _clean(panel, ("cpi_prev",))
        if d["year"].nunique() >= MIN_YEARS:
            terms = ("const", "year", "cpi_prev")
            attempts.append(("MixedLM of the increase on year and CPI t-1, random intercept by jurisdiction",
                             lambda: _fit_mixed(d, terms)))
            attempts.append(("pooled OLS of the increase on year and CPI t-1",
                             lambda: _fit_ols(d, terms, None)))
    if not attempts:
        attempts.append(("MixedLM with CPI t-1", lambda: (_ for _ in ()).throw(
            _Unfit(f"CPI t-1 is known for fewer than {MIN_YEARS} years"))))
    attempts.append(("MixedLM of the increase on year, random intercept by jurisdiction",
                     lambda: _fit_mixed(d_all, ("const", "year"))))
    attempts.append(("pooled OLS of the increase on year", lambda: _fit_ols(d_all, ("const", "year"), None)))
    attempts.append(("the mean increase", lambda: _fit_mean(d_all)))
    return _result("mixed", attempts, d_all)


# --------------------------------------------------------------------------- the wage index

def _eci_long(eci: pd.DataFrame) -> pd.DataFrame:
    """series_id, year, quarter, value from series.eci()'s wide table (index, pct_12m) or a long one."""
    e = eci.copy()
    if "quarter" not in e or "year" not in e:
        end = pd.to_datetime(e["period_end"].astype(str))
        e["year"], e["quarter"] = end.dt.year, (end.dt.month - 1) // 3 + 1
    if "series_id" in e and "value" in e:
        return e[["series_id", "year", "quarter", "value"]]
    parts = [e.assign(series_id=sid, value=e[col])[["series_id", "year", "quarter", "value"]]
             for sid, col in ((ECI_CHANGE, "pct_12m"), (ECI_INDEX, "index")) if col in e]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["series_id", "year", "quarter", "value"])


def eci_annual(eci: pd.DataFrame | None, basis: str = "calendar", fy_start_month: int = 7) -> pd.DataFrame:
    """Annual ECI state-and-local wage change: the mean of the published 12-month changes of the
    quarters ending in each calendar or fiscal year, with ``n_quarters``.

    Where the 12-month change is not published but the index is, for the quarter and the same
    quarter a year earlier, the change is computed from the two index values. Years with no
    quarter are absent: nothing is interpolated.
    """
    cols = ["year", "value", "n_quarters"]
    if eci is None or eci.empty:
        return pd.DataFrame(columns=cols)
    e = _eci_long(eci).dropna(subset=["value"])
    e = e.assign(q=e["year"].astype(int) * 4 + e["quarter"].astype(int) - 1)
    chg = e[e["series_id"].eq(ECI_CHANGE)].set_index("q")["value"].astype(float)
    idx = e[e["series_id"].eq(ECI_INDEX)].set_index("q")["value"].astype(float)
    derived = ((idx / idx.reindex(idx.index - 4).to_numpy() - 1) * 100).dropna()
    derived = derived[~derived.index.isin(chg.index)]
    q = pd.concat([chg, derived]).sort_index()
    if q.empty:
        return pd.DataFrame(columns=cols)
    month = (q.index.to_numpy() % 4 + 1) * 3
    year = q.index.to_numpy() // 4
    if basis == "fiscal" and fy_start_month != 1:
        year = year + (month >= fy_start_month)
    out = pd.DataFrame({"year": year, "value": q.to_numpy()}).groupby("year")["value"].agg(["mean", "size"])
    return out.rename(columns={"mean": "value", "size": "n_quarters"}).reset_index()


def wage_index(annual: pd.DataFrame, horizon: int = 3) -> ModelResult:
    """SARIMAX AR(1) with a constant on the annual ECI change; a mean model when data is thin.

    Missing years stay missing: the state-space filter skips them, nothing is interpolated. The
    fitted ``spec['forecast']`` holds point and 80%/95% intervals for 1..``horizon`` years ahead.
    """
    name = "wage_index"
    a = annual.dropna(subset=["value"]).sort_values("year")
    d = pd.DataFrame({"year": a["year"].astype(int), "increase_pct": a["value"].astype(float),
                      "jurisdiction": "ECI"})

    def fit_sarimax():
        from statsmodels.tools.sm_exceptions import ConvergenceWarning
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        if len(d) < MIN_TS_OBS:
            raise _Unfit(f"only {len(d)} years observed, fewer than {MIN_TS_OBS}")
        span = np.arange(d["year"].min(), d["year"].max() + 1)
        missing = len(span) - len(d)
        if missing > len(span) / 2:
            raise _Unfit(f"{missing} of {len(span)} years are missing")
        y = pd.Series(d.set_index("year")["increase_pct"].reindex(span).to_numpy(),
                      index=pd.period_range(str(span[0]), periods=len(span), freq="Y"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = SARIMAX(y, order=(1, 0, 0), trend="c").fit(disp=False)
        bad = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
        if bad or not res.mle_retvals.get("converged", True):
            raise _Unfit("SARIMAX did not converge")
        fc = res.get_forecast(horizon)
        f = pd.DataFrame({"year": span[-1] + np.arange(1, horizon + 1), "point": fc.predicted_mean.to_numpy()})
        for lv in LEVELS:
            ci = np.asarray(fc.conf_int(alpha=1 - lv / 100))
            f[f"lo{lv}"], f[f"hi{lv}"] = ci[:, 0], ci[:, 1]
        spec = dict(kind="sarimax", forecast=f, missing_years=int(missing))
        rows = _rows("", list(res.param_names), np.asarray(res.params), np.asarray(res.bse), np.inf,
                     pvals=np.asarray(res.pvalues))
        gap = f"{missing} missing year(s) left missing, not filled" if missing else "no missing years"
        st = dict(n=len(d), n_groups=1, r2=np.nan, aic=float(res.aic), cov_type="OPG")
        return res, spec, rows, st, gap

    def fit_mean():
        res, spec, rows, st, note = _fit_mean(d)
        last = int(d["year"].max())
        new = pd.DataFrame({"year": last + np.arange(1, horizon + 1)})
        spec = dict(spec, forecast=_predict(spec, new).reset_index(drop=True))
        return res, spec, rows, st, "mean of the observed years (no dynamics)"

    return _result(name, [("SARIMAX(1,0,0) with a constant", fit_sarimax), ("the mean change", fit_mean)], d)


# --------------------------------------------------------------------------- forecasts

def future_rows(years, cpi: pd.DataFrame | None) -> pd.DataFrame:
    """Rows to predict: ``cpi_prev`` is CPI of year-1 when known, else the last known value carried
    forward, with ``cpi_var`` = k * var(year-to-year change in CPI) for a value k years beyond it."""
    new = pd.DataFrame({"year": list(years)})
    if cpi is None or cpi["yoy_pct"].notna().sum() < 2:
        new["cpi_prev"], new["cpi_var"], new["cpi_projected"] = np.nan, 0.0, False
        return new
    c = cpi.dropna(subset=["yoy_pct"]).set_index("year")["yoy_pct"]
    last = int(c.index.max())
    step_var = float(np.diff(c.to_numpy()).var(ddof=1)) if len(c) > 2 else 0.0
    k = (new["year"] - 1 - last).clip(lower=0)
    new["cpi_prev"] = (new["year"] - 1).map(c).fillna(c.loc[last])
    new["cpi_var"] = k * step_var
    new["cpi_projected"] = k > 0
    return new


def forecast(model: ModelResult, years, cpi: pd.DataFrame | None = None) -> pd.DataFrame:
    """Point forecast and 80%/95% prediction intervals for ``years`` from a fitted model."""
    new = future_rows(years, cpi)
    out = model.predict(new)
    out.insert(1, "method", model.name)
    out["cpi_projected"] = new["cpi_projected"].to_numpy() & ("cpi_prev" in model.spec.get("terms", ()))
    return out.reset_index(drop=True)


def fit_all(panel: pd.DataFrame, eci: pd.DataFrame | None = None) -> dict[str, ModelResult]:
    """Every settlement model on one panel (and the wage-index model when ECI is given)."""
    out = {
        "pooled_ols": pooled_trend(panel),
        "pooled_wls": pooled_trend(panel, weighted=True),
        "mixed": mixed_effects(panel),
        "passthrough_cpi": pass_through(panel, "cpi_prev"),
        "passthrough_eci": pass_through(panel, "eci_prev"),
    }
    if eci is not None and len(eci):
        out["wage_index"] = wage_index(eci)
    return out


def summary_table(results: dict[str, ModelResult]) -> pd.DataFrame:
    """All models' tidy summaries stacked."""
    return pd.concat([r.summary for r in results.values()], ignore_index=True)
