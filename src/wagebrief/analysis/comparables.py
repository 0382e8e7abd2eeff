"""Choosing comparables with evidence: score candidate jurisdictions by similarity to the employer.

The unit's file in ``comparators/`` stays the decision; this module gives the evidence for it
(and against it) in a form an analyst can defend in arbitration: every candidate gets a score
out of 100 and the score is the sum of the factors' contributions, each shown.

Factors and their similarity in [0, 1]
--------------------------------------
* ``population``, ``median_hh_income``, ``gov_pay``: the ratio of the smaller value to the
  larger (1 when equal, 0.5 when one is twice the other). ``gov_pay`` is QCEW state and local
  government average annual pay (``state_local_gov_avg_annual_pay`` of the comparator profile;
  where that is missing, the ownership matching the employer: state government for a state,
  local government otherwise).
* ``region``: 1 for the same state, 0.5 for another state in the same Census division
  (e.g. New England), 0 otherwise.
* ``jurisdiction_type``: 1 when the same (state, county, municipal, ...), 0 otherwise.

A factor's contribution is ``similarity x weight`` with the weights scaled to sum to 100
(:data:`DEFAULT_WEIGHTS`, overridable per call and from the CLI). When a value is missing (for
the candidate or the employer) the factor is *left out* for that candidate, never counted as
0: the score is the sum of the contributions it has, rescaled by the weight it has
(``score = 100 * sum(contributions) / sum(available weights)``), ``coverage`` says how much
weight that was, and ``left_out`` names the factors and why.

Not scored
----------
A candidate whose profile is too thin is **not scored** (score and rank blank, ``not_scored``
says why), never given a score from region and type alone: it needs at least
:data:`MIN_PROFILE_FACTORS` of the profile factors (population, median household income,
government pay) known for both it and the employer (fewer when the weights leave fewer in).
Profiles come from the public-data pull and from the analyst's own files in
``data/raw/profiles/`` (:mod:`wagebrief.inputs.profiles`; a typed figure wins over a pulled one), and
each factor's source is kept (``src_<factor>``) and shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs import profiles, settlements, units
from wagebrief.public import pulled_profiles

FACTORS = ("population", "median_hh_income", "gov_pay", "region", "jurisdiction_type")
#: Default weights (points out of 100). A module setting; ``wagebrief comparables --weight``
#: and the ``weights`` argument override it.
DEFAULT_WEIGHTS: dict[str, float] = {
    "population": 25.0, "median_hh_income": 20.0, "gov_pay": 25.0, "region": 15.0,
    "jurisdiction_type": 15.0,
}
LABELS = {
    "population": "population", "median_hh_income": "median household income",
    "gov_pay": "state & local gov. average pay", "region": "same state / region",
    "jurisdiction_type": "same jurisdiction type",
}
NUMERIC = ("population", "median_hh_income", "gov_pay")
#: A candidate is scored only with at least this many profile factors (of those weighted above 0)
#: known for it and the employer: region and type alone would make every town in the state "100".
MIN_PROFILE_FACTORS = 2
#: Profile column names accepted for each numeric factor, first match wins.
ALIASES = {
    "population": ("population",),
    "median_hh_income": ("median_hh_income", "median_household_income"),
    "gov_pay": ("state_local_gov_avg_annual_pay", "gov_avg_annual_pay", "gov_pay"),
}

#: Census divisions (the "region" factor's second tier), by state postal code.
CENSUS_DIVISION = {
    **dict.fromkeys(("CT", "ME", "MA", "NH", "RI", "VT"), "New England"),
    **dict.fromkeys(("NJ", "NY", "PA"), "Middle Atlantic"),
    **dict.fromkeys(("IL", "IN", "MI", "OH", "WI"), "East North Central"),
    **dict.fromkeys(("IA", "KS", "MN", "MO", "NE", "ND", "SD"), "West North Central"),
    **dict.fromkeys(("DE", "DC", "FL", "GA", "MD", "NC", "SC", "VA", "WV"), "South Atlantic"),
    **dict.fromkeys(("AL", "KY", "MS", "TN"), "East South Central"),
    **dict.fromkeys(("AR", "LA", "OK", "TX"), "West South Central"),
    **dict.fromkeys(("AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY"), "Mountain"),
    **dict.fromkeys(("AK", "CA", "HI", "OR", "WA"), "Pacific"),
}


class WeightError(ValueError):
    """A weight setting that names no factor or is not a non-negative number."""


# --------------------------------------------------------------------------- similarity

def ratio_similarity(a: Any, b: Any) -> pd.Series | float:
    """min(a, b) / max(a, b); NaN where either is missing or not positive."""
    a = pd.to_numeric(pd.Series(a, dtype=object), errors="coerce").astype(float)
    b = pd.to_numeric(pd.Series(b, dtype=object), errors="coerce").astype(float)
    a, b = np.broadcast_arrays(a.to_numpy(), b.to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.minimum(a, b) / np.maximum(a, b)
    out = np.where((a > 0) & (b > 0), out, np.nan)
    return float(out[0]) if out.size == 1 else pd.Series(out)


def region_similarity(state: str | None, other: str | None) -> float:
    """1 same state, 0.5 same Census division, 0 otherwise; NaN when a state is unknown."""
    if not state or not other or pd.isna(state) or pd.isna(other):
        return float("nan")
    s, o = str(state).upper(), str(other).upper()
    if s == o:
        return 1.0
    return 0.5 if CENSUS_DIVISION.get(s) and CENSUS_DIVISION.get(s) == CENSUS_DIVISION.get(o) else 0.0


def type_similarity(jtype: str | None, other: str | None) -> float:
    """1 when the jurisdiction types match, 0 otherwise; NaN when either is unknown."""
    if not jtype or not other or pd.isna(jtype) or pd.isna(other):
        return float("nan")
    return 1.0 if str(jtype) == str(other) else 0.0


# --------------------------------------------------------------------------- weights

def normalise_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Weights for every factor (defaults filled in), scaled to sum to 100."""
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in FACTORS:
            raise WeightError(f"unknown factor {k!r}; factors: {', '.join(FACTORS)}")
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise WeightError(f"weight for {k} must be a number, got {v!r}") from None
        if not np.isfinite(v) or v < 0:
            raise WeightError(f"weight for {k} must be 0 or more, got {v!r}")
        w[k] = v
    total = sum(w.values())
    if total <= 0:
        raise WeightError("at least one weight must be above 0")
    return {k: w[k] * 100 / total for k in FACTORS}


def parse_weights(items: Iterable[str]) -> dict[str, float]:
    """``["population=30", "region=10"]`` -> {"population": 30.0, "region": 10.0}."""
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if not sep:
            raise WeightError(f"weight {item!r} must look like factor=number, e.g. population=30")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise WeightError(f"weight {item!r}: {value!r} is not a number") from None
    normalise_weights(out)  # validates names and values
    return out


# --------------------------------------------------------------------------- profile

def _first(df: pd.DataFrame, names: Iterable[str]) -> pd.Series:
    for n in names:
        if n in df.columns:
            return pd.to_numeric(df[n], errors="coerce").astype(float)
    return pd.Series(np.nan, index=df.index, dtype=float)


def _text(p: pd.DataFrame, col: str) -> pd.Series:
    if col not in p.columns:
        return pd.Series("", index=p.index, dtype=object)
    return p[col].astype(object).where(p[col].notna(), "").astype(str)


def _flag(p: pd.DataFrame, col: str) -> pd.Series:
    if col not in p.columns:
        return pd.Series(False, index=p.index)
    return p[col].astype(object).where(p[col].notna(), False).astype(bool)


def normalise_profile(profile: pd.DataFrame | None, employer_type: str | None = None) -> pd.DataFrame:
    """``jurisdiction, state, jurisdiction_type, population, median_hh_income, gov_pay`` (+ note,
    fips, and per factor ``src_<factor>``, ``syn_<factor>`` and ``org_<factor>``: where its
    figure comes from, whether it is SYNTHETIC, and whether it was "typed" or "pulled").

    Accepts the comparator-profile table of
    :func:`wagebrief.public.pulled_profiles.comparator_profile`, as combined with typed profiles by
    :func:`wagebrief.inputs.profiles.combine` (or a hand-made table using those column names);
    nullable numbers become floats with NaN.
    """
    cols = ["jurisdiction", "state", "jurisdiction_type", *NUMERIC, "profile_note", "fips",
            *[f"src_{f}" for f in NUMERIC], *[f"syn_{f}" for f in NUMERIC], *[f"org_{f}" for f in NUMERIC]]
    if profile is None or len(profile) == 0:
        return pd.DataFrame(columns=cols)
    p = profile.copy()
    out = pd.DataFrame({"jurisdiction": p["jurisdiction"].astype(str).str.strip()})
    for c in ("state", "jurisdiction_type"):
        out[c] = p[c].astype(object).where(p[c].notna(), None) if c in p.columns else None
    out["population"] = _first(p, ALIASES["population"])
    out["median_hh_income"] = _first(p, ALIASES["median_hh_income"])
    pay = _first(p, ALIASES["gov_pay"])
    fallback = "state_gov_avg_annual_pay" if employer_type == "state" else "local_gov_avg_annual_pay"
    out["gov_pay"] = pay.fillna(_first(p, (fallback,)))
    out["profile_note"] = _text(p, "note")
    out["fips"] = p["fips"].astype(object).where(p["fips"].notna(), None) if "fips" in p.columns else None
    whole = _text(p, "source")
    for f in NUMERIC:
        # A table without per-factor sources (an older build, a hand-made table) keeps its row source.
        src = _text(p, f"{f}_source") if f"{f}_source" in p.columns else whole
        out[f"src_{f}"] = src.where(out[f].notna(), "")
        syn = _flag(p, f"{f}_synthetic") if f"{f}_synthetic" in p.columns else _flag(p, "synthetic")
        out[f"syn_{f}"] = syn & out[f].notna()
        org = _text(p, f"{f}_origin") if f"{f}_origin" in p.columns else pd.Series("pulled", index=p.index)
        out[f"org_{f}"] = org.where(out[f].notna(), "")
    return out.drop_duplicates("jurisdiction", keep="last").reset_index(drop=True)[cols]


def load_profile(root: str | Path | None = None, unit: Any = None) -> tuple[pd.DataFrame | None, str | None]:
    """The comparator profile: the pulled one (:mod:`wagebrief.public.pulled_profiles`) with the
    analyst's typed profiles (:mod:`wagebrief.inputs.profiles`) laid over it; or (None, why not).

    Typed rows are matched to the unit files' jurisdictions by ``fips`` (``unit``'s first, then
    every unit file's). The second value, when not None, is a note (the pull unavailable, typed
    rows rejected) even when a table is returned.
    """
    whys: list[str] = []
    pulled = None
    try:
        pulled = pulled_profiles.comparator_profile(root)
    except Exception as exc:  # a missing table must not stop a brief
        whys.append(f"the pulled comparator profile is unavailable ({type(exc).__name__}: {exc})")
    typed, notes = profiles.load(root)
    whys += notes
    if (pulled is None or len(pulled) == 0) and typed.empty:
        if pulled is not None:
            whys.append("the comparator profile is empty")
        return None, "; ".join(w.rstrip(".") for w in whys) or None
    df = profiles.combine(pulled, typed, _fips_names(root, unit))
    return df, ("; ".join(w.rstrip(".") for w in whys) or None)


def _fips_names(root: str | Path | None, unit: Any) -> dict[str, tuple[str, str]]:
    known: list = [unit] if unit is not None and not isinstance(unit, str) else []
    try:
        known += units.load_all(root)
    except Exception:  # an invalid unit file is units.py's error to report; match by name then
        pass
    return profiles.fips_names(known)


# --------------------------------------------------------------------------- scoring

@dataclass
class Employer:
    """What candidates are compared with: the employer's jurisdiction and profile values."""

    jurisdiction: str
    state: str | None = None
    jurisdiction_type: str | None = None
    population: float = float("nan")
    median_hh_income: float = float("nan")
    gov_pay: float = float("nan")


def _fmt_value(factor: str, v: float) -> str:
    return f"{v:,.0f}" if factor == "population" else f"${v:,.0f}"


def score(employer: Employer, candidates: pd.DataFrame, weights: Mapping[str, float] | None = None,
          chosen: Iterable[str] = ()) -> pd.DataFrame:
    """Score ``candidates`` (normalised profile rows) by similarity to ``employer``.

    Returns one row per candidate, best first: ``rank`` (1 = most similar; ties share the
    best rank), ``jurisdiction``, ``state``, ``jurisdiction_type``, ``chosen``, ``score``
    (0-100, NaN when the candidate is not scored), ``scored`` and ``not_scored`` (why not: too
    little profile data, see :data:`MIN_PROFILE_FACTORS`), ``coverage`` (percent of the weight
    that could be scored), ``pts_<factor>`` (contribution in points, NaN when left out),
    ``sim_<factor>`` (similarity 0-1), the numeric values, and ``left_out`` (factors left out
    and why). See the module docstring for the arithmetic.
    """
    w = normalise_weights(weights)
    chosen_keys = {str(c).casefold() for c in chosen}
    c = candidates.copy().reset_index(drop=True)
    for col in ("state", "jurisdiction_type", *NUMERIC):
        if col not in c.columns:
            c[col] = np.nan if col in NUMERIC else None
    sims = pd.DataFrame(index=c.index)
    for f in NUMERIC:
        sims[f] = ratio_similarity(c[f].to_numpy(), getattr(employer, f)) if len(c) else pd.Series(dtype=float)
    sims["region"] = [region_similarity(employer.state, s) for s in c["state"]]
    sims["jurisdiction_type"] = [type_similarity(employer.jurisdiction_type, t) for t in c["jurisdiction_type"]]
    sims = sims.astype(float)

    out = c[["jurisdiction", "state", "jurisdiction_type"]].copy()
    out["chosen"] = c["jurisdiction"].str.casefold().isin(chosen_keys)
    avail = pd.Series(0.0, index=c.index)
    total = pd.Series(0.0, index=c.index)
    reasons: list[list[str]] = [[] for _ in range(len(c))]
    for f in FACTORS:
        pts = sims[f] * w[f]
        out[f"pts_{f}"] = pts
        has = pts.notna()
        avail += np.where(has, w[f], 0.0)
        total += pts.fillna(0.0)
        if w[f] == 0:
            continue
        emp_missing = f in NUMERIC and not np.isfinite(getattr(employer, f))
        for i in np.flatnonzero(~has.to_numpy()):
            who = "employer's" if emp_missing else "candidate's"
            if f == "region":
                who = "employer's" if not employer.state else "candidate's"
                reasons[i].append(f"{LABELS[f]} ({who} state unknown)")
            elif f == "jurisdiction_type":
                who = "employer's" if not employer.jurisdiction_type else "candidate's"
                reasons[i].append(f"{LABELS[f]} ({who} type unknown)")
            else:
                reasons[i].append(f"{LABELS[f]} ({who} value missing)")
    weighted = [f for f in NUMERIC if w[f] > 0]
    need = min(MIN_PROFILE_FACTORS, len(weighted))
    known = sims[weighted].notna().sum(axis=1) if weighted else pd.Series(0, index=c.index)
    thin = known < need
    out["score"] = np.where((avail > 0) & ~thin, total * 100 / avail.where(avail > 0, 1.0), np.nan)
    out["coverage"] = avail
    out["scored"] = out["score"].notna()
    def why(i: int, k: int) -> str:
        have = ", ".join(LABELS[f] for f in weighted if pd.notna(sims.at[i, f]))
        return (f"not scored: {'only ' + have if k else 'no profile factor'} known; "
                f"at least {need} of {len(weighted)} needed")

    out["not_scored"] = [(why(i, k) if t else "not scored: no factor could be scored") if not sc else ""
                         for i, k, t, sc in zip(c.index, known, thin, out["scored"])]
    for f in FACTORS:
        out[f"sim_{f}"] = sims[f]
    for f in NUMERIC:
        out[f] = c[f].astype(float)
    for f in NUMERIC:
        out[f"src_{f}"] = c[f"src_{f}"].fillna("").astype(str) if f"src_{f}" in c.columns else ""
    out["left_out"] = ["; ".join(r) for r in reasons]
    out = out.sort_values(["score", "jurisdiction"], ascending=[False, True], na_position="last", kind="stable")
    out.insert(0, "rank", out["score"].rank(method="min", ascending=False).astype("Int64"))
    return out.reset_index(drop=True)


@dataclass
class Comparables:
    """A unit's candidate scoring: the ranked table, the weights used and plain notes."""

    unit: Any
    table: pd.DataFrame
    weights: dict[str, float]
    employer: Employer
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    profile: pd.DataFrame | None = None  #: the normalised profile scored from, with each factor's source

    @property
    def chosen(self) -> pd.DataFrame:
        return self.table[self.table["chosen"]].reset_index(drop=True)

    def summary(self, top: int | None = None) -> list[str]:
        """Sentences on how the unit's chosen set scores, built from the table; comparators that
        are not scored are named as such and never counted among the scored."""
        t, ch = self.table, self.chosen
        n_chosen = len(self.unit.comparators)
        lines: list[str] = []
        scored = ch["score"].dropna()
        unscored = ch[ch["score"].isna()]
        if scored.empty:
            return [f"None of the unit's {n_chosen} comparators could be scored: too little profile data "
                    f"(fewer than {MIN_PROFILE_FACTORS} of population, median household income and government "
                    "pay known for them and the employer). Type the figures into data/raw/profiles/ "
                    "(see its README) to score them."]
        k = top or n_chosen
        top_k = t[t["rank"].notna() & (t["rank"] <= k)]
        one = len(scored) == 1
        who = (f"The unit's {n_chosen} comparators score" if unscored.empty
               else f"{len(scored)} of the unit's {n_chosen} comparators could be scored; "
                    + ("it scores" if one else "they score"))
        span = (f"{scored.iloc[0]:.0f} of 100" if one else
                f"{scored.min():.0f} to {scored.max():.0f} of 100 (median {scored.median():.0f})")
        n_top = int(top_k["chosen"].sum())
        lines.append(
            f"{who} {span}; {n_top} of them {'ranks' if n_top == 1 else 'rank'} among the "
            f"{k} most similar of {int(t['score'].notna().sum())} scored candidates.")
        better = t[~t["chosen"] & t["score"].notna() & (t["score"] > scored.min())]
        if len(better):
            names = ", ".join(f"{r.jurisdiction} ({r.score:.0f})" for r in better.head(5).itertuples())
            more = f" and {len(better) - 5} more" if len(better) > 5 else ""
            lines.append(f"Candidates not chosen that score above the lowest-scoring comparator: {names}{more}.")
        if len(unscored):
            why = "; ".join(f"{r.jurisdiction} ({r.not_scored.removeprefix('not scored: ')})"
                            for r in unscored.itertuples())
            lines.append(f"Not scored for too little profile data: {why}.")
        return lines


def employer_of(unit, profile: pd.DataFrame) -> Employer:
    """The unit's employer with its profile values (NaN where the profile has none)."""
    e = unit.employer
    row = profile[profile["jurisdiction"].str.casefold() == e.jurisdiction.casefold()]
    vals = {f: float(row[f].iloc[0]) if len(row) and pd.notna(row[f].iloc[0]) else float("nan") for f in NUMERIC}
    return Employer(e.jurisdiction, e.state, e.jurisdiction_type, **vals)


def candidate_pool(unit, profile: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every jurisdiction in the profile, the settlement data and the unit's comparators,
    except the employer itself; profile values where the profile has them."""
    frames = [profile]
    if events is not None and len(events):
        ev = events.groupby("jurisdiction", sort=True)[["state", "jurisdiction_type"]].first().reset_index()
        frames.append(ev)
    frames.append(pd.DataFrame([{"jurisdiction": c.jurisdiction, "state": c.state,
                                 "jurisdiction_type": c.jurisdiction_type} for c in unit.comparators]))
    pool = pd.concat([f for f in frames if len(f)], ignore_index=True)
    pool["_key"] = pool["jurisdiction"].astype(str).str.strip().str.casefold()
    # The first non-missing value of each column per jurisdiction (profile rows come first).
    pool = pool.groupby("_key", sort=True).first().reset_index()
    pool = pool[pool["_key"] != unit.employer.jurisdiction.casefold()]
    for f in NUMERIC:
        if f not in pool.columns:
            pool[f] = np.nan
    return pool.drop(columns="_key").reset_index(drop=True)


def score_unit(unit, root: str | Path | None = None, *, weights: Mapping[str, float] | None = None,
               profile: pd.DataFrame | None = None, events: pd.DataFrame | None = None) -> Comparables:
    """Score every candidate jurisdiction for ``unit`` (a Unit or a unit id).

    ``profile`` defaults to :func:`wagebrief.public.pulled_profiles.comparator_profile`;
    ``events`` (valid settlement rows) to the processed or raw settlements, so jurisdictions
    without a profile are still candidates on the factors that need no profile (state, type).
    """
    if isinstance(unit, str):
        unit = units.load(unit, root=root)
    notes: list[str] = []
    if profile is None:
        profile, why = load_profile(root, unit)
        if why:
            notes.append(why.rstrip(".") + ".")
    prof = normalise_profile(profile, unit.employer.jurisdiction_type)
    if events is None:
        events = _events(root)
    pool = candidate_pool(unit, prof, events)
    emp = employer_of(unit, prof)
    w = normalise_weights(weights)
    table = score(emp, pool, w, chosen=unit.jurisdictions)
    for f in NUMERIC:
        if w[f] > 0 and not np.isfinite(getattr(emp, f)):
            notes.append(f"The employer ({emp.jurisdiction}) has no {LABELS[f]} in the comparator profile, "
                         f"so that factor is left out for every candidate (type it in data/raw/profiles/).")
        elif w[f] > 0 and table[f].isna().all():
            notes.append(f"No candidate has a {LABELS[f]} in the comparator profile; that factor is left out.")
    n_thin = int((~table["scored"]).sum())
    if n_thin:
        notes.append(f"{n_thin} candidate(s) are not scored: fewer than {MIN_PROFILE_FACTORS} profile factors "
                     "known (a score from state and type alone would say nothing).")
    # SYNTHETIC only when a figure actually used (the employer's or a candidate's) is invented.
    keys = {unit.employer.jurisdiction.casefold(), *table["jurisdiction"].str.casefold()}
    used = prof[prof["jurisdiction"].str.casefold().isin(keys)] if len(prof) else prof
    synthetic = bool(len(used) and used[[f"syn_{f}" for f in NUMERIC]].to_numpy(bool).any())
    if synthetic:
        notes.append("The comparator profile holds SYNTHETIC demo figures.")
    return Comparables(unit, table, w, emp, notes, synthetic, prof)


def _events(root: str | Path | None) -> pd.DataFrame | None:
    p = paths(root)
    try:
        if p.settlements.is_file():
            return settlements.load(p.settlements)
        return settlements.validate([p.raw_settlements]).valid
    except Exception:  # no settlement files: the pool is the profile and the unit file
        return None


def display_table(result: Comparables, top: int | None = None, chosen_only: bool = False) -> pd.DataFrame:
    """The ranked list as shown to an analyst: contributions in points, values, what is left out."""
    t = result.chosen if chosen_only else result.table
    if top is not None and not chosen_only:
        t = t.head(top)
    out = pd.DataFrame({
        "rank": t["rank"], "jurisdiction": t["jurisdiction"], "chosen": t["chosen"].map({True: "yes", False: ""}),
        "score": t["score"],
    })
    for f in FACTORS:
        out[f"{f} pts/{result.weights[f]:.0f}"] = t[f"pts_{f}"]
    out["coverage"] = t["coverage"]
    for f in NUMERIC:
        out[f] = t[f]
    out["not scored"] = t["not_scored"] if "not_scored" in t.columns else ""
    out["left out"] = t["left_out"]
    out["profile sources"] = [factor_sources(r) for _, r in t.iterrows()]
    return out.reset_index(drop=True)


SHORT = {"population": "population", "median_hh_income": "income", "gov_pay": "gov. pay"}


def factor_sources(row: Mapping[str, Any]) -> str:
    """Where each profile factor's figure comes from, factors with one source grouped:
    "population, income: <source>; gov. pay: <source>"."""
    by: dict[str, list[str]] = {}
    for f in NUMERIC:
        src = row.get(f"src_{f}", "")
        if isinstance(src, str) and src and pd.notna(row.get(f)):
            by.setdefault(src, []).append(SHORT[f])
    return "; ".join(f"{', '.join(fs)}: {src}" for src, fs in by.items())
