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

:func:`load_inputs` builds a unit's panel (comparators in its occupation group, years before the
cycle year, CPI and ECI from :mod:`wagebrief.public.series` when present); :func:`outlook` fits every
model, runs the backtest (:mod:`wagebrief.analysis.backtest`), picks the method the settlement range comes
from and compares real wages (:mod:`wagebrief.analysis.realwages`); :func:`section` and
:func:`brief_section` turn that into the brief's "Wage trends and outlook" section.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
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
CPI_NAMES = {
    "CUUR0000SA0": "CPI-U, U.S. city average",
    "CUUR0100SA0": "CPI-U, Northeast",
    "CUUR0110SA0": "CPI-U, New England",
}
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


# --------------------------------------------------------------------------- inputs for a unit

@dataclass
class Inputs:
    """Everything the models need for one unit, and plain notes on what is missing."""

    unit: Any
    basis: str
    annual: pd.DataFrame      #: comparators' annual increases in the unit's group, every year
    panel: pd.DataFrame       #: comparators, years before the cycle year, with cpi_prev/eci_prev
    own: pd.DataFrame         #: the unit's own history (the employer's jurisdiction), all years
    cpi: pd.DataFrame | None  #: year, value, yoy_pct
    eci: pd.DataFrame | None  #: annual: year, value, n_quarters
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False   #: the settlement data (or unit) is SYNTHETIC demo data

    @property
    def cpi_name(self) -> str:
        return CPI_NAMES.get(self.unit.cpi_series, self.unit.cpi_series)


def load_events(root: str | Path | None = None) -> pd.DataFrame:
    """Processed settlements, or the valid rows of the raw files when processed is missing."""
    from wagebrief.inputs import settlements
    from wagebrief.config import paths

    p = paths(root)
    if p.settlements.is_file():
        return settlements.load(p.settlements)
    return settlements.validate([p.raw_settlements]).valid


def _series_call(fn_name: str, *args, **kw):
    """Call ``wagebrief.public.series.<fn_name>``; (frame or None, note or None)."""
    try:
        from wagebrief.public import series
    except ImportError:
        return None, "the series module is not installed"
    fn = getattr(series, fn_name, None)
    if fn is None:
        return None, f"wagebrief.public.series has no {fn_name}()"
    try:
        out = fn(*args, **kw)
    except Exception as exc:  # a missing table must not stop a scheduled run
        return None, f"{type(exc).__name__}: {exc}"
    if out is None or len(out) == 0:
        return None, "the table is empty"
    return out, None


def _complete_cpi(cpi: pd.DataFrame) -> pd.DataFrame:
    # series.cpi_annual() returns only years that have ended (n_months says how many were published).
    keep = ["year", "value", "yoy_pct"] + [c for c in ("n_months", "source", "vintage") if c in cpi]
    return cpi[keep].dropna(subset=["value"]).sort_values("year").reset_index(drop=True)


def _per_year(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per jurisdiction x year (units of a group combined, employee-weighted)."""
    r = rows.copy()
    r["w"] = r["employees"].where(r["employees"] > 0).fillna(1.0)
    r["wv"] = r["increase_pct"] * r["w"]
    g = r.groupby(["jurisdiction", "year"], sort=True)
    out = g.agg(wv=("wv", "sum"), w=("w", "sum"), employees=("employees", "sum"))
    out["increase_pct"] = out["wv"] / out["w"]
    return out.reset_index()[["jurisdiction", "year", "increase_pct", "employees"]]


def _panel(comp: pd.DataFrame, cycle_year: int, cpi: pd.DataFrame | None, eci: pd.DataFrame | None) -> pd.DataFrame:
    panel = comp[comp["year"] < cycle_year].copy()
    panel["cpi_prev"] = (panel["year"] - 1).map(cpi.set_index("year")["yoy_pct"]) if cpi is not None else np.nan
    panel["eci_prev"] = (panel["year"] - 1).map(eci.set_index("year")["value"]) if eci is not None else np.nan
    return panel.reset_index(drop=True)


def load_inputs(unit, root: str | Path | None = None, events: pd.DataFrame | None = None,
                cpi: pd.DataFrame | None = None, eci: pd.DataFrame | None = None) -> Inputs:
    """The unit's comparator panel with CPI and ECI joined; ``cpi``/``eci`` override series.py."""
    from wagebrief.inputs import gaps, provenance, units
    from wagebrief.analysis import metrics

    if isinstance(unit, str):
        unit = units.load(unit, root=root)
    notes: list[str] = []
    events = gaps.for_unit(load_events(root) if events is None else events, unit)
    basis, fy = unit.cpi_basis, unit.fiscal_year_start_month
    ann = metrics.annual_increases(events, basis, fy)
    ann = ann[ann["known"] & ann["occupation_group"].eq(unit.occupation_group)]
    comp = _per_year(ann[ann["jurisdiction"].isin(unit.jurisdictions)])
    own = _per_year(ann[ann["jurisdiction"].eq(unit.employer.jurisdiction)])

    if cpi is None:
        cpi, why = _series_call("cpi_annual", unit.cpi_series, basis=basis, fy_start_month=fy, root=root)
        if cpi is None:
            notes.append(f"CPI ({unit.cpi_series}) is not available ({why}), so the models run without inflation.")
    if cpi is not None:
        if "synthetic" in cpi and cpi["synthetic"].astype(bool).any():
            notes.append(f"The CPI figures ({unit.cpi_series}) are SYNTHETIC demo values, not published data.")
        cpi = _complete_cpi(cpi)
    if eci is None:
        raw, why = _series_call("eci", root=root)
        eci = eci_annual(raw, basis, fy) if raw is not None else None
        if raw is not None and "synthetic" in raw and raw["synthetic"].astype(bool).any():
            notes.append("The ECI figures are SYNTHETIC demo values, not published data.")
        if eci is None or eci.empty:
            eci = None
            notes.append(f"The ECI for state and local government wages is not available ({why or 'no data'}), "
                         "so there is no wage-index outlook or ECI pass-through.")
    panel = _panel(comp, unit.cycle_year, cpi, eci)
    # Labelled from the rows the models use, not from whatever else sits in the folder.
    used = provenance.used_settlements(events, unit.employer.jurisdiction, unit.jurisdictions, unit.occupation_group)
    synthetic = bool(unit.synthetic or provenance.rows_label("Settlements", used).synthetic)
    return Inputs(unit, basis, comp, panel, own, cpi, eci, notes, synthetic)


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


def brief_section(unit, root: str | Path | None = None, *, cycle_year: int | None = None,
                  base_year: int | None = None, inputs: Inputs | None = None):
    """The brief's "Wage trends and outlook" :class:`~wagebrief.brief.section.Section` for ``unit``.

    ``unit`` is a unit id or a :class:`~wagebrief.inputs.units.Unit`; ``cycle_year`` overrides the unit
    file's; ``base_year`` is the real-wage base year (default: see
    :func:`wagebrief.analysis.realwages.default_base_year`); ``inputs`` skips loading (tests).
    """
    u = resolve_unit(unit if inputs is None else inputs.unit, root, cycle_year)
    if inputs is None:
        inp = load_inputs(u, root)
    else:
        inp = replace(inputs, unit=u, panel=_panel(inputs.annual, u.cycle_year, inputs.cpi, inputs.eci))
    return section(outlook(inp, base_year))


def resolve_unit(unit, root: str | Path | None = None, cycle_year: int | None = None):
    """A :class:`~wagebrief.inputs.units.Unit` from an id or a Unit, with ``cycle_year`` overridden if given."""
    from wagebrief.inputs import units

    root = root or None  # papermill may pass "" for "the configured root"
    u = units.load(unit, root=root) if isinstance(unit, str) else unit
    return replace(u, cycle_year=int(cycle_year)) if cycle_year else u


# --------------------------------------------------------------------------- the outlook

@dataclass
class Outlook:
    """Everything the "Wage trends and outlook" section is built from."""

    inputs: Inputs
    years: list[int]                    #: the unit's next contract years
    results: dict[str, ModelResult] = field(default_factory=dict)
    backtest: Any = None                #: wagebrief.analysis.backtest.Backtest
    forecast: pd.DataFrame | None = None  #: year, method, point, lo80, hi80, lo95, hi95
    method: str = ""                    #: the model or baseline the range comes from
    why: str = ""                       #: why that method, as a clause
    real: pd.DataFrame | None = None    #: realwages.real_wages() long table
    real_table: pd.DataFrame | None = None
    caveats: list[str] = field(default_factory=list)

    @property
    def thin(self) -> bool:
        """Too little data to model: no forecast was made."""
        return self.forecast is None


_OUTLOOKS: dict[tuple, Outlook] = {}


def _frame_key(df: pd.DataFrame | None) -> tuple:
    if df is None:
        return (None,)
    return (df.shape, tuple(map(str, df.columns)), int(pd.util.hash_pandas_object(df, index=True).sum()))


def outlook(inp: Inputs, base_year: int | None = None) -> Outlook:
    """Fit every model, backtest, pick the range's method, forecast, and compare real wages.

    The result depends only on the inputs, so it is kept for identical inputs: the market
    section's projection and the wage-trend section of one brief then fit the models once.
    """
    u = inp.unit
    key = (u.unit, u.cycle_year, u.term_years, u.cpi_series, u.cpi_basis, u.fiscal_year_start_month, base_year,
           tuple(c.jurisdiction for c in u.comparators), inp.basis, tuple(inp.notes), inp.synthetic,
           *(_frame_key(f) for f in (inp.annual, inp.panel, inp.own, inp.cpi, inp.eci)))
    if key not in _OUTLOOKS:
        if len(_OUTLOOKS) >= 8:
            _OUTLOOKS.pop(next(iter(_OUTLOOKS)))
        _OUTLOOKS[key] = _outlook(inp, base_year)
    return _OUTLOOKS[key]


def _outlook(inp: Inputs, base_year: int | None = None) -> Outlook:
    from wagebrief.analysis import backtest as bt_mod
    from wagebrief.analysis import realwages

    u, panel = inp.unit, inp.panel
    years = list(range(u.cycle_year, u.cycle_year + u.term_years))
    caveats = list(inp.notes)
    if panel.empty or panel["year"].nunique() < 2:
        return Outlook(inp, years, caveats=caveats)
    results = fit_all(panel, inp.eci)
    for r in results.values():
        if r.status != "ok" and (r.name != "passthrough_eci" or inp.eci is not None):
            caveats.append(f"{r.label}: {r.fallback_reason}, so {r.used if r.status == 'fallback' else 'nothing'} "
                           f"{'was used instead' if r.status == 'fallback' else 'could be fitted'}.")
    bt = bt_mod.backtest(panel, inp.cpi)
    caveats += bt.notes
    method, why = bt.best, ""
    fc = None
    if method and bt_mod.kind(method) == "baseline":
        origin = int(panel["year"].max())
        fc = bt_mod.baseline_forecast(method, panel, inp.cpi, years, origin)
        why = "no model beat the naive baselines in the backtest"
    elif method:
        fc = forecast(results[method], years, inp.cpi)
        why = "it had the lowest backtest error"
    if fc is None or fc[["lo80", "hi80"]].isna().any().any():
        if method:
            caveats.append(f"{bt_mod.LABELS[method]} gives no interval for every contract year, so the range "
                           "comes from the pooled OLS trend.")
        else:
            caveats.append("The backtest could not rank any method, so the range comes from the pooled OLS trend.")
        method, why = "pooled_ols", "the backtest could not supply a range"
        fc = forecast(results["pooled_ols"], years, inp.cpi)
    wi = results.get("wage_index")
    if wi is not None and wi.status == "ok" and wi.spec.get("missing_years"):
        span = inp.eci["year"]
        caveats.append(f"The ECI series is sparse: each year's value averages the {int(inp.eci['n_quarters'].min())} to "
                       f"{int(inp.eci['n_quarters'].max())} quarters published in it, and {wi.spec['missing_years']} of "
                       f"the {int(span.max() - span.min() + 1)} years from {_yl(span.min(), inp.basis)} to "
                       f"{_yl(span.max(), inp.basis)} have none, which the time-series model treats as missing.")
    if "cpi_projected" in fc and fc["cpi_projected"].any():
        k = fc.loc[fc["cpi_projected"], "year"]
        caveats.append(f"CPI for {_span(k - 1, inp.basis)} is not yet known; the forecast holds it at the last "
                       "known change and widens the interval for that uncertainty.")

    real = table = None
    if inp.cpi is not None and len(inp.cpi):
        end = min(u.cycle_year - 1, int(inp.cpi["year"].max()))
        base = base_year or realwages.default_base_year(inp.annual, inp.own, inp.cpi, end)
        if base is not None and base < end:
            real = realwages.real_wages(inp.annual[inp.annual["year"] <= end], inp.own, inp.cpi, base, end,
                                        unit_label=u.name)
            table = realwages.table(real)
        else:
            caveats.append("There are too few years of CPI and settlements together to compare real wages.")
    if not len(inp.own):
        caveats.append(f"There is no settlement history for {u.employer.jurisdiction} {u.occupation_group} "
                       "itself, so its own real wages are not shown.")
    return Outlook(inp, years, results, bt, fc, method, why, real, table, caveats)


# --------------------------------------------------------------------------- words and tables

def _yl(year, basis: str) -> str:
    return f"FY{int(year)}" if basis == "fiscal" else str(int(year))


def _span(years, basis: str) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return _yl(ys[0], basis) if len(ys) == 1 else f"{_yl(ys[0], basis)}–{_yl(ys[-1], basis)}"


def _p(x: float, d: int = 1) -> str:
    return "n/a" if pd.isna(x) else f"{x:.{d}f}%"


def _lc(text: str) -> str:
    return text[:1].lower() + text[1:]


def _method_label(name: str) -> str:
    from wagebrief.analysis.backtest import LABELS as BT_LABELS

    return BT_LABELS.get(name, name)


def _source(inp: Inputs) -> str:
    kind = "SYNTHETIC demo settlements" if inp.synthetic else "settlement records"
    bits = [f"Source: {kind} (data/raw/settlements)"]
    if inp.cpi is not None:
        src = str(inp.cpi["source"].iloc[-1]) if "source" in inp.cpi and len(inp.cpi) else "BLS"
        bits.append(f"{inp.cpi_name} ({inp.unit.cpi_series}; {src})")
    if inp.eci is not None:
        bits.append("BLS ECI state and local government wages (CIU3020000000000A)")
    return "; ".join(bits) + "; wagebrief.analysis.trends."


def _wrap(text: str, width: int = 125) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


# Table values are rounded (with the unit in the header) so any renderer shows them sensibly;
# Table.formats says the same for renderers that apply it.
FORECAST_PCT = ["Central (%)", "80% low (%)", "80% high (%)", "95% low (%)", "95% high (%)", "Their median (%)"]
REAL_PCT = ["Nominal change (%)", "CPI change (%)", "Real change (%)"]


def forecast_table(o: Outlook) -> pd.DataFrame:
    """The contract years' forecast, with comparators already settled for those years."""
    b = o.inputs.basis
    settled = o.inputs.annual[o.inputs.annual["year"].isin(o.years)].groupby("year")["increase_pct"]
    f = o.forecast.set_index("year").reindex(o.years)
    out = pd.DataFrame({"Year": [_yl(y, b) for y in o.years]})
    for col, src in zip(FORECAST_PCT, ["point", "lo80", "hi80", "lo95", "hi95"]):
        out[col] = f[src].to_numpy().round(2)
    out["Comparators already settled"] = settled.size().reindex(o.years, fill_value=0).to_numpy()
    out["Their median (%)"] = settled.median().reindex(o.years).to_numpy().round(2)
    return out


def backtest_table(o: Outlook) -> pd.DataFrame:
    """MAE and 80% coverage per model and baseline, and which one the range uses."""
    s = o.backtest.scores
    return pd.DataFrame({
        "Method": s["label"], "Kind": s["kind"], "Years": s["n_years"].fillna(0).astype(int),
        "Comparator-years": s["n"].fillna(0).astype(int), "MAE (points)": s["mae"].round(2),
        "80% coverage (%)": s["coverage80"].round(0),
        "Range uses it": np.where(s["method"].eq(o.method), "yes", ""), "Note": s["note"],
    })


def coefficient_table(o: Outlook) -> pd.DataFrame:
    """Every model's estimates (percent points), standard errors used and status."""
    t = summary_table(o.results)
    t = t[t["term"].ne("")]
    return pd.DataFrame({
        "Model": t["label"], "Term": t["term"], "Estimate": t["coef"].round(3), "95% low": t["ci_low"].round(3),
        "95% high": t["ci_high"].round(3), "n": t["n"], "Errors": t["cov_type"], "Status": t["status"],
    }).reset_index(drop=True)


def real_wage_table(o: Outlook) -> pd.DataFrame | None:
    """Nominal, CPI and real change since the base year for the unit, the median and each comparator."""
    if o.real_table is None:
        return None
    b, t = o.inputs.basis, o.real_table
    out = pd.DataFrame({"Who": t["entity"], "Role": t["role"], "Base year": t["base_year"].map(lambda y: _yl(y, b)),
                        "Through": t["through"].map(lambda y: _yl(y, b))})
    for col, src in zip(REAL_PCT, ["nominal_pct", "cpi_pct", "real_pct"]):
        out[col] = t[src].round(1)
    return out


def _cov_words(cov_type: str, n_groups: int) -> str:
    if cov_type == "cluster":
        return f"standard errors clustered by jurisdiction ({n_groups} clusters)"
    if cov_type == "HC3":
        return f"HC3 standard errors, as {n_groups} jurisdictions are too few to cluster"
    return "classical standard errors"


def _sentences(o: Outlook) -> list[str]:
    inp, b = o.inputs, o.inputs.basis
    panel, f = inp.panel, o.forecast.set_index("year")
    text = [f"The models use {len(panel)} annual base increases from {panel['jurisdiction'].nunique()} comparator "
            f"jurisdictions ({inp.unit.occupation_group}, {_span(panel['year'], b)}), each year counted once."]
    per_year = "; ".join(f"{_yl(y, b)} {_p(f.at[y, 'lo80'])} to {_p(f.at[y, 'hi80'])} (central {_p(f.at[y, 'point'])})"
                         for y in o.years)
    mlabel = _method_label(o.method)
    if o.method in o.results:
        how = (f"the 80% prediction interval for one comparator settlement from the {_lc(mlabel)}, "
               f"fitted to {_span(panel['year'], b)}")
    else:
        how = (f"{_lc(mlabel.replace('Baseline: ', ''))} plus the 10th to 90th percentiles of that rule's "
               "own past errors")
    text.append(f"Reasonable settlement range: {per_year}. Method: {how}; it was chosen because {o.why}.")

    pt = o.results["passthrough_cpi"]
    prev = "previous fiscal year" if b == "fiscal" else "previous year"
    if pt.status == "ok":
        row = pt.summary.set_index("term").loc["cpi_prev"]
        text.append(f"Each point of inflation ({inp.cpi_name}, {prev}) was followed by about {row['coef']:.2f} points "
                    f"of settlement (95% confidence interval {row['ci_low']:.2f} to {row['ci_high']:.2f}; "
                    f"{pt.n} comparator-years over {panel.dropna(subset=['cpi_prev'])['year'].nunique()} years; "
                    f"{_cov_words(row['cov_type'], pt.n_groups)}).")
    else:
        text.append(f"The pass-through from inflation could not be estimated: {pt.fallback_reason}.")
    pe = o.results["passthrough_eci"]
    if pe.status == "ok":
        row = pe.summary.set_index("term").loc["eci_prev"]
        text.append(f"Against the ECI for state and local government wages ({prev}) the figure is about "
                    f"{row['coef']:.2f} points per point (95% confidence interval {row['ci_low']:.2f} to "
                    f"{row['ci_high']:.2f}; {pe.n} comparator-years).")

    s = o.backtest.scores.set_index("method")
    ranked = s[s["ranked"]]
    if len(ranked):
        yrs = _span(o.backtest.years, b)
        best_m = ranked[ranked["kind"].eq("model")]
        best_b = ranked[ranked["kind"].eq("baseline")]
        lead = (f"In a rolling-origin backtest over {yrs} (each year predicted from the years before it only), ")
        if o.backtest.model_beats_baselines:
            m = best_m["mae"].idxmin()
            text.append(lead + f"the {_lc(s.at[m, 'label'])} missed comparator settlements by {s.at[m, 'mae']:.2f} "
                        f"points on average, with {s.at[m, 'coverage80']:.0f}% inside its 80% interval, better than "
                        f"the best naive baseline ({_lc(s.at[best_b['mae'].idxmin(), 'label'].replace('Baseline: ', ''))}, "
                        f"{best_b['mae'].min():.2f} points).")
        else:
            bb = best_b["mae"].idxmin()
            mm = (f"the best model, the {_lc(s.at[best_m['mae'].idxmin(), 'label'])}, missed by "
                  f"{best_m['mae'].min():.2f} points on average" if len(best_m) else "no model could be scored")
            text.append(lead + f"no model beat the naive baselines: {mm}, against {s.at[bb, 'mae']:.2f} for "
                        f"{_lc(s.at[bb, 'label'].replace('Baseline: ', ''))}, so the range comes from that baseline.")

    wi = o.results.get("wage_index")
    if wi is not None and wi.status != "failed":
        wf = wi.spec["forecast"]
        ahead = ", ".join(f"{_p(p)} in {_yl(y, b)}" for y, p in zip(wf["year"], wf["point"]))
        first = wf.iloc[0]
        text.append(f"The ECI for state and local government wages is projected to rise about {ahead} "
                    f"(80% interval for {_yl(first['year'], b)}: {_p(first['lo80'])} to {_p(first['hi80'])}; "
                    f"{wi.used if wi.status == 'ok' else 'a mean model, as the series is too thin'}).")

    if o.real_table is not None and len(o.real_table):
        t = o.real_table.set_index("role")
        base = _yl(o.real_table["base_year"].iloc[0], b)
        parts = []
        if "unit" in t.index:
            r = t.loc[["unit"]].iloc[0]
            word = "gain" if r["real_pct"] >= 0 else "loss"
            parts.append(f"Since {base}, the unit's base wages rose {_p(r['nominal_pct'])} through "
                         f"{_yl(r['through'], b)} while {inp.cpi_name} rose {_p(r['cpi_pct'])}, a real {word} of "
                         f"{_p(abs(r['real_pct']))}")
        if "comparator median" in t.index:
            r = t.loc[["comparator median"]].iloc[0]
            parts.append(f"the comparator median's real change was {r['real_pct']:+.1f}% through {_yl(r['through'], b)}")
        if parts:
            sentence = "; ".join(parts)
            text.append(sentence[0].upper() + sentence[1:] + ".")
    return text


def fan_chart(o: Outlook):
    """Comparators' history, the unit's own, and the forecast fan (80% and 95%)."""
    from wagebrief.brief import figures

    inp, b = o.inputs, o.inputs.basis
    fig, ax = figures.new((8, 4.5))
    hist = inp.annual[inp.annual["year"] < inp.unit.cycle_year]
    ax.scatter(hist["year"], hist["increase_pct"], s=12, color="0.65", label="Each comparator", zorder=2)
    med = hist.groupby("year")["increase_pct"].median()
    ax.plot(med.index, med.to_numpy(), color="black", lw=2, label="Comparator median", zorder=3)
    later = inp.annual[inp.annual["year"] >= inp.unit.cycle_year]
    if len(later):
        ax.scatter(later["year"], later["increase_pct"], s=14, facecolors="none", edgecolors="0.4",
                   label="Comparators already settled", zorder=3)
    own = inp.own[inp.own["year"] < inp.unit.cycle_year]
    if len(own):
        ax.plot(own["year"], own["increase_pct"], color="tab:blue", lw=2, marker="o", ms=3,
                label=f"{inp.unit.employer.jurisdiction} (this unit's history)", zorder=4)
    f = o.forecast.sort_values("year")
    ax.fill_between(f["year"], f["lo95"], f["hi95"], color="tab:orange", alpha=0.18, lw=0, label="95% interval")
    ax.fill_between(f["year"], f["lo80"], f["hi80"], color="tab:orange", alpha=0.38, lw=0, label="80% interval")
    ax.plot(f["year"], f["point"], color="tab:orange", lw=2, ls="--", marker="o", ms=4,
            label=f"Forecast ({_method_label(o.method).replace('Baseline: ', '')})")
    ax.set_xlabel("Fiscal year (named by the year it ends)" if b == "fiscal" else "Calendar year")
    ax.set_ylabel("Base-wage increase in effect (%)")
    ax.set_title(f"{inp.unit.occupation_group.replace('_', ' ').title()} settlements and the "
                 f"{_span(o.years, b)} outlook")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.text(0.01, 0.01, _wrap(_source(inp)), fontsize=6.5, color="0.35")
    return figures.finish(fig, rect=(0, 0.06, 1, 1))


TITLE = "Wage trends and outlook"


def section(o: Outlook):
    """The "Wage trends and outlook" :class:`~wagebrief.brief.section.Section` built from an outlook."""
    from wagebrief.analysis import realwages
    from wagebrief.brief.section import Figure, Section, Table

    inp = o.inputs
    if o.thin:
        return Section(TITLE, [f"There are too few comparator increases ({len(inp.panel)}) for "
                               f"{inp.unit.occupation_group} before {inp.unit.cycle_year} to model wage trends."],
                       caveats=o.caveats)
    b, src = inp.basis, _source(inp)
    tables = [
        Table(f"Forecast for the {_span(o.years, b)} contract years: one comparator settlement's base increase "
              f"({_method_label(o.method)})", forecast_table(o), src, {c: "{:.2f}" for c in FORECAST_PCT}),
        Table("Rolling-origin backtest: mean absolute error and 80% interval coverage", backtest_table(o), src,
              {"MAE (points)": "{:.2f}", "80% coverage (%)": "{:.0f}"}),
        Table("Model estimates (percent points; year = change per year)", coefficient_table(o), src,
              {"Estimate": "{:.3f}", "95% low": "{:.3f}", "95% high": "{:.3f}"}),
    ]
    figures = [Figure("Comparator settlements with the forecast fan (80% and 95% prediction intervals)",
                      fan_chart(o), src)]
    if o.real is not None:
        rt = real_wage_table(o)
        tables.append(Table(f"Real base-wage change since {rt['Base year'].iloc[0]} ({inp.cpi_name})", rt, src,
                            {c: "{:+.1f}" for c in REAL_PCT}))
        figures.append(Figure("Real base wages (deflated by CPI)", realwages.figure(
            o.real, "Fiscal year" if b == "fiscal" else "Calendar year", inp.cpi_name, _wrap(src),
            name=lambda y: _yl(y, b)), src))
    return Section(TITLE, _sentences(o), tables, figures, o.caveats)
