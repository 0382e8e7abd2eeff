"""Processed CPI, ECI and comparator-profile tables, built from ``data/raw`` (and the cpi package).

Readers (:func:`cpi_monthly`, :func:`cpi_annual`, :func:`eci`, :func:`comparator_profile`)
use ``data/processed/*.parquet`` when :func:`build_series` has written them and otherwise build
from the raw files in memory. Percents are in percent units (2.5 means 2.5%). A fiscal year is
named by the calendar year it ends in (FY2025 = July 2024 to June 2025 for a July start).
Missing observations stay missing: no table here fills a gap.
"""

from __future__ import annotations

import importlib.util
import logging
import sqlite3
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from wagebrief.config import DEFAULT_FY_START_MONTH, paths
from wagebrief.inputs.areas import AreaError
from wagebrief.io import write_parquet
from wagebrief.public.pull import acs, bls, qcew
from wagebrief.public.pull.areas import COUNTY, PLANNING_REGION, resolve
from wagebrief.public.pull.manifest import ManifestError, raw_path, read_manifest
from wagebrief.public.pull.settings import CPI_SERIES, ECI_SERIES, Comparator, comparators, comparators_from_units, cpi_series

log = logging.getLogger(__name__)

ECI_INDEX, ECI_PCT = ECI_SERIES
CPI_DB_SOURCE = "BLS CPI-U via cpi package database"
SYNTHETIC = "SYNTHETIC"
TABLES = ("cpi", "cpi_annual", "eci", "comparator_profile")


class GeographyBreakError(ValueError):
    """Years from Connecticut's county era and planning-region era would be joined."""


def _processed(root: str | Path | None, name: str) -> Path:
    return paths(root).processed / f"{name}.parquet"


# --------------------------------------------------------------------------- raw inputs


def _raw_rows(root: str | Path | None, source: str) -> pd.DataFrame:
    """Manifest lines of ``source`` whose files exist, oldest retrieval first."""
    m = read_manifest(root)
    m = m[m["source"] == source].copy()
    for p in m["path"]:  # a committed manifest is input too: it may not point reads out of data/raw
        try:
            raw_path(root, p)
        except ValueError as exc:
            raise ManifestError(f"{paths(root).manifest}: {exc}") from None
    raw = paths(root).raw
    m = m[[(raw / p).is_file() for p in m["path"]]] if len(m) else m
    return m.sort_values(["retrieved_at", "path"], kind="stable")


def _pulled_bls(root: str | Path | None, series_ids: list[str]) -> pd.DataFrame:
    """Observations of ``series_ids`` in pulled BLS files; a later retrieval wins."""
    frames = []
    raw = paths(root).raw
    for row in _raw_rows(root, "bls").itertuples():
        df = bls.parse((raw / row.path).read_bytes())
        df = df[df["series_id"].isin(series_ids)]
        if len(df):
            df = df.assign(retrieved_at=row.retrieved_at, url=row.url, synthetic=bool(row.synthetic), path=row.path)
            frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["series_id", "year", "period", "value", "preliminary", "footnotes",
                                     "retrieved_at", "url", "synthetic", "path"])
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(["series_id", "year", "period"], keep="last").reset_index(drop=True)


def _cpi_db_path() -> Path:
    """The cpi package's SQLite file, found without importing the package (which would warn,
    and download the database when it is missing)."""
    spec = importlib.util.find_spec("cpi")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpi package is not installed; run `make venv`")
    path = Path(list(spec.submodule_search_locations)[0]) / "cpi.db"
    if not path.is_file():
        raise RuntimeError(f"the cpi package has no database at {path}; `wagebrief pull --source bls` "
                           "fetches CPI-U instead")
    return path


def import_cpi():
    """Import the ``cpi`` package with its StaleDataWarning silenced on purpose.

    The package warns when its shipped BLS database is months old. The suite records that
    database's latest month as the CPI vintage (see :func:`vintages`) and shows it in every
    brief, so the warning adds nothing but noise for analysts.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"CPI data is out of date")
        cpi_log = logging.getLogger("cpi")
        level = cpi_log.level
        cpi_log.setLevel(logging.ERROR)
        try:
            import cpi
        finally:
            cpi_log.setLevel(level)
    return cpi


def _cpi_db(series_ids: list[str]) -> pd.DataFrame:
    con = sqlite3.connect(f"file:{_cpi_db_path()}?mode=ro", uri=True)
    try:
        q = ",".join("?" * len(series_ids))
        obs = pd.read_sql_query(
            f"SELECT series AS series_id, year, period, value FROM indexes "
            f"WHERE series IN ({q}) AND period BETWEEN 'M01' AND 'M12'", con, params=series_ids)
        titles = pd.read_sql_query(f"SELECT id AS series_id, title FROM series WHERE id IN ({q})",
                                   con, params=series_ids)
    finally:
        con.close()
    return obs.merge(titles, on="series_id", how="left")


def _cpi_titles(series_ids: list[str]) -> dict[str, str]:
    try:
        return dict(_cpi_db(series_ids)[["series_id", "title"]].drop_duplicates().values)
    except RuntimeError:
        return {}


def _month_grid(df: pd.DataFrame) -> pd.DataFrame:
    """One row per month between a series' first and last observation; gaps are NaN rows."""
    out = []
    for sid, g in df.groupby("series_id", sort=False):
        full = pd.date_range(g["date"].min(), g["date"].max(), freq="MS")
        g = g.set_index("date").reindex(full).rename_axis("date").reset_index()
        g["series_id"] = sid
        for col in ("title", "source", "vintage"):
            g[col] = g[col].ffill().bfill()
        g["synthetic"] = g["synthetic"].astype("boolean").ffill().bfill().astype(bool)
        g["preliminary"] = g["preliminary"].astype("boolean").fillna(False).astype(bool)
        out.append(g)
    df = pd.concat(out, ignore_index=True)
    df["year"], df["month"] = df["date"].dt.year, df["date"].dt.month
    return df


def build_cpi(root: str | Path | None = None, series: list[str] | None = None) -> pd.DataFrame:
    """Monthly CPI for ``series`` (default: the configured CPI series).

    Each series comes from a pulled BLS file when one holds it, else from the cpi package's
    database. Columns: series_id, title, date (month start), year, month, value, yoy_pct,
    preliminary, source, vintage, synthetic.
    """
    ids = list(dict.fromkeys(series or cpi_series(root=root)))
    titles = _cpi_titles(ids)
    pulled = _pulled_bls(root, ids)
    pulled = pulled[pulled["period"].str.match(r"^M(0[1-9]|1[0-2])$")]
    frames = []
    for sid in ids:
        got = pulled[pulled["series_id"] == sid]
        if len(got):
            latest = got["retrieved_at"].max()
            df = got.assign(
                source="BLS Public Data API v2 (" + got["url"].astype(str) + ")",
                vintage=f"pulled {latest}",
            )
        else:
            try:
                df = _cpi_db([sid])
            except RuntimeError as exc:
                log.warning("CPI %s: %s", sid, exc)
                continue
            if df.empty:
                log.warning("CPI %s: not in the cpi package database and not pulled", sid)
                continue
            last = df.sort_values(["year", "period"]).iloc[-1]
            df = df.assign(preliminary=False, synthetic=False, source=CPI_DB_SOURCE,
                           vintage=f"{CPI_DB_SOURCE}, latest {last.year}-{last.period[1:]}")
        df = df.assign(
            title=titles.get(sid, ""),
            date=pd.to_datetime(df["year"].astype(str) + "-" + df["period"].str[1:] + "-01"),
        )
        frames.append(df[["series_id", "title", "date", "value", "preliminary", "source", "vintage", "synthetic"]])
    cols = ["series_id", "title", "date", "year", "month", "value", "yoy_pct", "preliminary", "source",
            "vintage", "synthetic"]
    if not frames:
        return pd.DataFrame(columns=cols)
    df = _month_grid(pd.concat(frames, ignore_index=True))
    df["value"] = df["value"].astype(float)
    prior = df[["series_id", "date", "value"]].assign(date=df["date"] + pd.DateOffset(years=1))
    df = df.merge(prior.rename(columns={"value": "_prior"}), on=["series_id", "date"], how="left")
    df["yoy_pct"] = (df["value"] / df["_prior"] - 1) * 100
    return df[cols].sort_values(["series_id", "date"]).reset_index(drop=True)


def cpi_monthly(series_id: str = CPI_SERIES[0], root: str | Path | None = None) -> pd.DataFrame:
    """Monthly CPI for one series, with year-over-year percent change (``yoy_pct``)."""
    path = _processed(root, "cpi")
    if path.exists():
        df = pd.read_parquet(path)
        if (df["series_id"] == series_id).any():
            return df[df["series_id"] == series_id].reset_index(drop=True)
    return build_cpi(root, [series_id])


def fiscal_year(dates: pd.Series, fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.Series:
    """The fiscal year of each date, named by the calendar year it ends in."""
    d = pd.to_datetime(dates)
    if fy_start_month == 1:
        return d.dt.year
    return d.dt.year + (d.dt.month >= fy_start_month).astype(int)


def cpi_annual(
    series_id: str = CPI_SERIES[0],
    basis: str = "calendar",
    fy_start_month: int = DEFAULT_FY_START_MONTH,
    root: str | Path | None = None,
    *,
    max_missing_months: int = 1,
) -> pd.DataFrame:
    """Calendar- or fiscal-year average CPI with ``yoy_pct``, for years that have ended.

    A year is averaged only once its last month is past, from the months BLS published. BLS
    did not publish October 2025 and computed 2025's annual average from 11 months; years with
    up to ``max_missing_months`` unpublished months are averaged the same way and say so in
    ``n_months`` and ``missing_months``. Years with more gaps, or not yet over, are left out.
    """
    if basis not in ("calendar", "fiscal"):
        raise ValueError("basis must be 'calendar' or 'fiscal'")
    m = cpi_monthly(series_id, root)
    cols = ["series_id", "basis", "fy_start_month", "year", "label", "value", "yoy_pct", "n_months",
            "missing_months", "source", "vintage", "synthetic"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    start = 1 if basis == "calendar" else fy_start_month
    m = m.assign(period=m["date"].dt.year if basis == "calendar" else fiscal_year(m["date"], start))
    have = m.dropna(subset=["value"])
    last_obs = have["date"].max()
    g = have.groupby("period")
    out = pd.DataFrame({"value": g["value"].mean(), "n_months": g["value"].size(),
                        "source": g["source"].last(), "vintage": g["vintage"].last(),
                        "synthetic": g["synthetic"].any()})
    out.index = out.index.astype(int)
    ends = pd.to_datetime({"year": out.index, "month": 12 if start == 1 else start - 1, "day": 1})
    out = out[(ends.to_numpy() <= last_obs) & (out["n_months"].to_numpy() >= 12 - max_missing_months)]
    months_of = have.groupby("period")["date"].agg(set)
    out["missing_months"] = [
        "" if n == 12 else ", ".join(d.strftime("%Y-%m") for d in pd.date_range(
            pd.Timestamp(year=y, month=12 if start == 1 else start - 1, day=1) - pd.DateOffset(months=11),
            periods=12, freq="MS") if d not in months_of[y])
        for y, n in zip(out.index, out["n_months"])]
    out = out.rename_axis("year").reset_index()
    if out.empty:
        return pd.DataFrame(columns=cols)
    out = out.sort_values("year").reset_index(drop=True)
    prev = out.set_index("year")["value"]
    out["yoy_pct"] = [(v / prev[y - 1] - 1) * 100 if (y - 1) in prev.index else float("nan")
                      for y, v in zip(out["year"], out["value"])]
    out["series_id"], out["basis"] = series_id, basis
    out["fy_start_month"] = start if basis == "fiscal" else 1
    out["label"] = out["year"].map(lambda y: f"FY{y}" if basis == "fiscal" else str(y))
    return out[cols]


# --------------------------------------------------------------------------- ECI


def _eci_from_pull(root: str | Path | None) -> pd.DataFrame:
    got = _pulled_bls(root, list(ECI_SERIES))
    got = got[got["period"].str.match(r"^Q0[1-4]$")]
    if got.empty:
        return got
    return pd.DataFrame({
        "series_id": got["series_id"],
        "year": got["year"].astype(int),
        "quarter": got["period"].str[-1].astype(int),
        "value": got["value"].astype(float),
        "preliminary": got["preliminary"].astype(bool),
        "source_url": got["url"],
        "release": "BLS Public Data API v2, retrieved " + got["retrieved_at"].astype(str),
        "synthetic": got["synthetic"].astype(bool),
    })


def _eci_from_snapshot(root: str | Path | None) -> pd.DataFrame:
    rows = _raw_rows(root, "eci")
    raw = paths(root).raw
    files = [raw / p for p in rows["path"]] or sorted((raw / "eci").glob("*.csv"))
    synthetic = bool(rows["synthetic"].any()) if len(rows) else False
    frames = [pd.read_csv(f, dtype={"series_id": str, "period_end": str}) for f in files]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return pd.DataFrame({
        "series_id": df["series_id"],
        "year": df["year"].astype(int),
        "quarter": df["quarter"].astype(int),
        "value": pd.to_numeric(df["value"], errors="coerce"),
        "preliminary": False,
        "source_url": df["source_url"],
        "release": df["release"],
        "synthetic": synthetic,
    })


def build_eci(root: str | Path | None = None) -> pd.DataFrame:
    """Quarterly ECI (state and local government wages and salaries): index and 12-month percent.

    From pulled BLS files when they hold the ECI series, else from the shipped snapshot of
    published values (data/raw/eci/). Every quarter between the first and last observation has
    a row; a quarter with no published value keeps NaN. Columns: date (first day of the
    quarter's last month), period_end, year, quarter, index, pct_12m, preliminary, source_url,
    release, synthetic.
    """
    long = _eci_from_pull(root)
    if long.empty:
        long = _eci_from_snapshot(root)
    cols = ["date", "period_end", "year", "quarter", "index", "pct_12m", "preliminary", "source_url",
            "release", "synthetic"]
    if long.empty:
        return pd.DataFrame(columns=cols)
    long = long.assign(measure=long["series_id"].map({ECI_INDEX: "index", ECI_PCT: "pct_12m"}))
    long = long.dropna(subset=["measure"])
    wide = long.pivot_table(index=["year", "quarter"], columns="measure", values="value", aggfunc="last")
    for col in ("index", "pct_12m"):
        if col not in wide:
            wide[col] = float("nan")

    def _join(s: pd.Series) -> str:
        return " | ".join(dict.fromkeys(str(v) for v in s if pd.notna(v) and str(v)))

    meta = long.groupby(["year", "quarter"]).agg(
        preliminary=("preliminary", "any"), source_url=("source_url", _join), release=("release", _join),
        synthetic=("synthetic", "any"))
    wide = wide.join(meta)
    first, last = wide.index.min(), wide.index.max()
    grid = [(y, q) for y in range(first[0], last[0] + 1) for q in range(1, 5) if first <= (y, q) <= last]
    wide = wide.reindex(pd.MultiIndex.from_tuples(grid, names=["year", "quarter"])).reset_index()
    wide["preliminary"] = wide["preliminary"].astype("boolean").fillna(False).astype(bool)
    wide["synthetic"] = wide["synthetic"].astype("boolean").fillna(bool(long["synthetic"].any())).astype(bool)
    wide[["source_url", "release"]] = wide[["source_url", "release"]].fillna("")
    wide["period_end"] = wide["year"].astype(str) + "-" + (wide["quarter"] * 3).astype(str).str.zfill(2)
    wide["date"] = pd.to_datetime(wide["period_end"] + "-01")
    return wide[cols]


def eci(root: str | Path | None = None) -> pd.DataFrame:
    """The quarterly ECI table (see :func:`build_eci`)."""
    path = _processed(root, "eci")
    return pd.read_parquet(path) if path.exists() else build_eci(root)


# --------------------------------------------------------------------------- QCEW and ACS


def qcew_annual(root: str | Path | None = None) -> pd.DataFrame:
    """Every pulled QCEW row kept (industry 10; own 0, 2, 3, 5), with provenance columns."""
    frames = []
    raw = paths(root).raw
    for row in _raw_rows(root, "qcew").itertuples():
        df = qcew.parse((raw / row.path).read_bytes())
        frames.append(df.assign(retrieved_at=row.retrieved_at, synthetic=bool(row.synthetic), path=row.path))
    if not frames:
        return pd.DataFrame(columns=["area_fips", "year", "own_code", "ownership", "annual_avg_emplvl",
                                     "avg_annual_pay", "total_annual_wages", "disclosure_code", "suppressed",
                                     "geography_era", "area_name", "retrieved_at", "synthetic", "path"])
    df = pd.concat(frames, ignore_index=True)
    return df.drop_duplicates(["area_fips", "year", "own_code"], keep="last").reset_index(drop=True)


def acs_estimates(root: str | Path | None = None) -> pd.DataFrame:
    """Every pulled ACS 5-year row: population and median household income by geography."""
    frames = []
    raw = paths(root).raw
    for row in _raw_rows(root, "acs").itertuples():
        year = int(Path(row.path).name.split("_")[1])
        df = acs.parse((raw / row.path).read_bytes(), year)
        frames.append(df.assign(retrieved_at=row.retrieved_at, synthetic=bool(row.synthetic), path=row.path))
    if not frames:
        return pd.DataFrame(columns=["year", "level", "geoid", "name", "geography_era", "population",
                                     "median_hh_income", "retrieved_at", "synthetic", "path"])
    df = pd.concat(frames, ignore_index=True)
    return df.drop_duplicates(["year", "level", "geoid"], keep="last").reset_index(drop=True)


def _resolved(comps: list[Comparator], quiet: bool = False) -> list[tuple[Comparator, Any]]:
    out = []
    for comp in comps:
        try:
            out.append((comp, resolve(comp)))
        except AreaError as exc:
            # The profile row keeps the reason in its note, and a typed profile
            # (data/raw/profiles/) may stand in, so a brief is not the place to warn.
            log.log(logging.DEBUG if quiet else logging.WARNING, "%s", exc)
            out.append((comp, None))
    return out


def qcew_history(
    root: str | Path | None = None,
    comps: list[Comparator] | None = None,
    *,
    on_break: str = "error",
) -> pd.DataFrame:
    """QCEW rows by comparator and year, on each comparator's own geography.

    A Connecticut comparator is on its county through 2023 and its planning region from 2024:
    different areas. If one comparator's years span both, ``on_break="error"`` raises
    :class:`GeographyBreakError`; ``on_break="flag"`` returns them with ``geography_break`` True.
    """
    if on_break not in ("error", "flag"):
        raise ValueError("on_break must be 'error' or 'flag'")
    q = qcew_annual(root)
    frames = []
    for comp, area in _resolved(comparators(comps, root=root)):
        if area is None:
            continue
        rows = [q[(q["area_fips"] == a.fips) & q["year"].map(a.covers)] for a in area.qcew]
        got = pd.concat(rows, ignore_index=True) if rows else q.iloc[0:0]
        if got.empty:
            continue
        eras = set(got["geography_era"])
        broken = {COUNTY, PLANNING_REGION} <= eras
        if broken and on_break == "error":
            by = got.groupby("geography_era")["year"].agg(lambda s: sorted(set(s)))
            raise GeographyBreakError(
                f"{comp.jurisdiction}: QCEW years {by[COUNTY]} are for its county and {by[PLANNING_REGION]} "
                "for its Connecticut planning region, different areas; choose one era (years) or pass "
                "on_break='flag'")
        frames.append(got.assign(jurisdiction=comp.jurisdiction, state=comp.state, geography_break=broken))
    if not frames:
        return pd.DataFrame(columns=["jurisdiction", "state", *q.columns, "geography_break"])
    out = pd.concat(frames, ignore_index=True)
    return out[["jurisdiction", "state", *[c for c in out.columns if c not in ("jurisdiction", "state")]]]


def _source_label(synthetic: bool, what: str, retrieved: str) -> str:
    if synthetic:
        return f"{SYNTHETIC} demo data in {what} format (scripts/make_demo_public_data.py), not real figures"
    return f"{what}, retrieved {retrieved}"


def _profile_row(comp: Comparator, area, a: pd.DataFrame, q: pd.DataFrame) -> dict[str, Any]:
    row: dict[str, Any] = {"jurisdiction": comp.jurisdiction, "state": comp.state,
                           "jurisdiction_type": comp.jurisdiction_type, "role": comp.role}
    notes, synthetic, sources = [], False, []
    if area is None:
        notes.append("no geography known (pull/areas.yml); type its profile in data/raw/profiles/")
        acs_hit, qcew_hit = a.iloc[0:0], q.iloc[0:0]
    else:
        acs_hit = pd.concat([a[(a["geoid"] == g.geoid) & (a["level"] == g.level) & a["year"].map(g.covers)]
                             for g in area.acs], ignore_index=True) if area.acs else a.iloc[0:0]
        qcew_hit = pd.concat([q[(q["area_fips"] == x.fips) & q["year"].map(x.covers)] for x in area.qcew],
                             ignore_index=True) if area.qcew else q.iloc[0:0]
    if len(acs_hit):
        r = acs_hit.sort_values("year").iloc[-1]
        row.update(population=r["population"], population_year=int(r["year"]),
                   median_hh_income=r["median_hh_income"], median_hh_income_year=int(r["year"]),
                   acs_geography=r["name"], acs_geoid=r["geoid"], acs_geography_era=r["geography_era"])
        synthetic |= bool(r["synthetic"])
        sources.append(_source_label(bool(r["synthetic"]), f"Census ACS 5-year {int(r['year'])}", r["retrieved_at"]))
        # Kept apart so a brief can label ACS and QCEW figures separately (one may be real).
        row.update(acs_source=sources[-1], acs_synthetic=bool(r["synthetic"]))
    else:
        notes.append("no ACS figures pulled")
    if len(qcew_hit):
        year = int(qcew_hit["year"].max())
        y = qcew_hit[qcew_hit["year"] == year].set_index("ownership")

        def get(own: str, col: str):
            return y.at[own, col] if own in y.index else pd.NA

        emp = {o: get(o, "annual_avg_emplvl") for o in ("state_gov", "local_gov")}
        wages = {o: get(o, "total_annual_wages") for o in ("state_gov", "local_gov")}
        both = emp["state_gov"] + emp["local_gov"] if not any(pd.isna(v) for v in emp.values()) else pd.NA
        sl_pay = (wages["state_gov"] + wages["local_gov"]) / both if not (
            pd.isna(both) or any(pd.isna(v) for v in wages.values()) or both == 0) else pd.NA
        first = y.iloc[0]
        row.update(
            state_gov_avg_annual_pay=get("state_gov", "avg_annual_pay"), state_gov_employment=emp["state_gov"],
            local_gov_avg_annual_pay=get("local_gov", "avg_annual_pay"), local_gov_employment=emp["local_gov"],
            state_local_gov_avg_annual_pay=sl_pay, state_local_gov_employment=both,
            qcew_year=year, qcew_area_fips=first["area_fips"], qcew_area_name=first["area_name"],
            qcew_geography_era=first["geography_era"],
        )
        for own in ("state_gov", "local_gov"):
            if own in y.index and bool(y.at[own, "suppressed"]):
                notes.append(f"QCEW {own.replace('_', ' ')} {year} suppressed (disclosure code N)")
        synthetic |= bool(y["synthetic"].any())
        sources.append(_source_label(bool(y["synthetic"].any()), f"BLS QCEW {year} annual averages",
                                     str(y["retrieved_at"].iloc[0])))
        row.update(qcew_source=sources[-1], qcew_synthetic=bool(y["synthetic"].any()))
    else:
        notes.append("no QCEW figures pulled")
    eras = {row.get("acs_geography_era"), row.get("qcew_geography_era")}
    row["ct_geography_mixed"] = {COUNTY, PLANNING_REGION} <= eras
    if row.get("qcew_geography_era") in (COUNTY, PLANNING_REGION):
        kind = "county" if row["qcew_geography_era"] == COUNTY else "planning region"
        notes.append(f"QCEW figures are for {row['qcew_area_name']} (Connecticut {kind} geography)")
    if row["ct_geography_mixed"]:
        notes.append("ACS and QCEW figures use different Connecticut geographies (county vs planning region)")
    row.update(source="; ".join(sources), synthetic=synthetic, note="; ".join(notes))
    return row


PROFILE_COLUMNS = [
    "jurisdiction", "state", "jurisdiction_type", "role",
    "population", "population_year", "median_hh_income", "median_hh_income_year",
    "acs_geography", "acs_geoid", "acs_geography_era",
    "state_gov_avg_annual_pay", "state_gov_employment", "local_gov_avg_annual_pay", "local_gov_employment",
    "state_local_gov_avg_annual_pay", "state_local_gov_employment", "qcew_year",
    "qcew_area_fips", "qcew_area_name", "qcew_geography_era", "ct_geography_mixed",
    "source", "synthetic", "acs_source", "acs_synthetic", "qcew_source", "qcew_synthetic", "note",
]


def build_comparator_profile(root: str | Path | None = None, comps: list[Comparator] | None = None) -> pd.DataFrame:
    """One row per jurisdiction: population and median household income (ACS, with year and
    geography), and state and local government average annual pay and employment (QCEW, with
    year and area). Missing figures (suppressed, not pulled, Census sentinels) stay missing."""
    a, q = acs_estimates(root), qcew_annual(root)
    rows = [_profile_row(c, area, a, q) for c, area in _resolved(comparators(comps, root=root), quiet=True)]
    df = pd.DataFrame(rows).reindex(columns=PROFILE_COLUMNS)
    for col in ("population", "median_hh_income", "state_gov_avg_annual_pay", "state_gov_employment",
                "local_gov_avg_annual_pay", "local_gov_employment", "state_local_gov_avg_annual_pay",
                "state_local_gov_employment"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
    for col in ("population_year", "median_hh_income_year", "qcew_year"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    for col in ("synthetic", "acs_synthetic", "qcew_synthetic"):  # all-missing columns come as float NaN
        df[col] = df[col].astype(object).where(df[col].notna(), False).astype(bool)
    for col in ("acs_source", "qcew_source"):
        df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    df["ct_geography_mixed"] = df["ct_geography_mixed"].astype(bool)
    return df


def comparator_profile(root: str | Path | None = None, unit: str | Any | None = None) -> pd.DataFrame:
    """The comparator profile (see :func:`build_comparator_profile`); for one ``unit`` (id or
    Unit), just its employer and comparators, in file order."""
    path = _processed(root, "comparator_profile")
    df = pd.read_parquet(path) if path.exists() else build_comparator_profile(root)
    if unit is None:
        return df
    from wagebrief.inputs import units

    u = units.load(unit, root=root) if isinstance(unit, str) else unit
    wanted = comparators_from_units([u])
    names = [c.jurisdiction for c in wanted]
    have = df[df["jurisdiction"].isin(names)]
    if len(have) < len(names):  # a processed table built for other units: build these rows
        have = build_comparator_profile(root, wanted)
    order = {n: i for i, n in enumerate(names)}
    return have.sort_values("jurisdiction", key=lambda s: s.map(order)).reset_index(drop=True)


# --------------------------------------------------------------------------- vintages, build


def vintages(root: str | Path | None = None) -> dict[str, Any]:
    """Data vintages for run manifests and briefs.

    Keys: cpi_latest_month ("YYYY-MM"), cpi_source, cpi_synthetic, eci_latest_quarter
    ("YYYY-Qn"), eci_source, eci_synthetic, profile_acs_year, profile_qcew_year,
    profile_source, profile_synthetic, synthetic (names of tables holding SYNTHETIC data).
    """
    out: dict[str, Any] = {}
    cpi_df = cpi_monthly(CPI_SERIES[0], root)
    have = cpi_df.dropna(subset=["value"])
    out["cpi_latest_month"] = have["date"].max().strftime("%Y-%m") if len(have) else None
    out["cpi_source"] = str(have["vintage"].iloc[-1]) if len(have) else None
    out["cpi_synthetic"] = bool(have["synthetic"].any()) if len(have) else False
    e = eci(root)
    he = e.dropna(subset=["index", "pct_12m"], how="all")
    if len(he):
        last = he.iloc[-1]
        out["eci_latest_quarter"] = f"{int(last['year'])}-Q{int(last['quarter'])}"
        out["eci_source"] = str(last["release"])
    else:
        out["eci_latest_quarter"] = out["eci_source"] = None
    out["eci_synthetic"] = bool(e["synthetic"].any()) if len(e) else False
    p = comparator_profile(root)
    out["profile_acs_year"] = int(p["population_year"].max()) if p["population_year"].notna().any() else None
    out["profile_qcew_year"] = int(p["qcew_year"].max()) if p["qcew_year"].notna().any() else None
    out["profile_source"] = "; ".join(dict.fromkeys(s for v in p["source"] if v for s in str(v).split("; ")))
    out["profile_synthetic"] = bool(p["synthetic"].any()) if len(p) else False
    out["synthetic"] = [n for n, flag in (("cpi", out["cpi_synthetic"]), ("eci", out["eci_synthetic"]),
                                          ("comparator_profile", out["profile_synthetic"])) if flag]
    return out


def build_series(root: str | Path | None = None) -> dict[str, Path]:
    """Write data/processed/cpi.parquet, cpi_annual.parquet, eci.parquet, comparator_profile.parquet."""
    p = paths(root)
    monthly = build_cpi(root)
    out: dict[str, Path] = {}
    write_parquet(monthly, _processed(root, "cpi"))
    out["cpi"] = _processed(root, "cpi")
    annual = []
    for sid in monthly["series_id"].unique():
        annual.append(cpi_annual(sid, "calendar", root=root))
        for start in sorted({DEFAULT_FY_START_MONTH, *_unit_fy_starts(root)}):
            annual.append(cpi_annual(sid, "fiscal", start, root=root))
    annual_df = pd.concat([a for a in annual if len(a)], ignore_index=True) if annual else pd.DataFrame()
    write_parquet(annual_df, _processed(root, "cpi_annual"))
    out["cpi_annual"] = _processed(root, "cpi_annual")
    write_parquet(build_eci(root), _processed(root, "eci"))
    out["eci"] = _processed(root, "eci")
    write_parquet(build_comparator_profile(root), _processed(root, "comparator_profile"))
    out["comparator_profile"] = _processed(root, "comparator_profile")
    log.info("wrote %s", ", ".join(str(v.relative_to(p.root)) for v in out.values()))
    return out


def _unit_fy_starts(root: str | Path | None) -> set[int]:
    from wagebrief.public.pull.settings import _units

    # Each unit that loads counts; a bad unit file fails only its own brief.
    return {u.fiscal_year_start_month for u in _units(root)}
