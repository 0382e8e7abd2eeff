"""Processed CPI and ECI tables, built from ``data/raw`` (and the cpi package), and the build of
every processed public table with its vintages.

Readers (:func:`cpi_monthly`, :func:`cpi_annual`, :func:`eci`) use ``data/processed/*.parquet``
when :func:`build_series` has written them and otherwise build from the raw files in memory; the
comparator profile is :mod:`wagebrief.public.pulled_profiles`. Percents are in percent units (2.5
means 2.5%). A fiscal year is named by the calendar year it ends in (FY2025 = July 2024 to June
2025 for a July start). Missing observations stay missing: no table here fills a gap.
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
from wagebrief.io import write_parquet
from wagebrief.public import pulled_profiles
from wagebrief.public.pull import bls
from wagebrief.public.pull.manifest import pulled_rows
from wagebrief.public.pull.settings import CPI_SERIES, ECI_SERIES, _units, cpi_series

log = logging.getLogger(__name__)

ECI_INDEX, ECI_PCT = ECI_SERIES
CPI_DB_SOURCE = "BLS CPI-U via cpi package database"
TABLES = ("cpi", "cpi_annual", "eci", "comparator_profile")


def _processed(root: str | Path | None, name: str) -> Path:
    return paths(root).processed / f"{name}.parquet"


# --------------------------------------------------------------------------- raw inputs


def _pulled_bls(root: str | Path | None, series_ids: list[str]) -> pd.DataFrame:
    """Observations of ``series_ids`` in pulled BLS files; a later retrieval wins."""
    frames = []
    raw = paths(root).raw
    for row in pulled_rows(root, "bls").itertuples():
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
            import cpi  # inside the filter on purpose: importing the package is what warns
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
    # The gap rule: average the published months, never interpolate. BLS collected no October 2025
    # data (https://www.bls.gov/cpi/additional-resources/2025-federal-government-shutdown-impact-cpi.htm)
    # and its published 2025 annual average (M13) is the mean of the 11 published months
    # (tests/test_series.py checks it); the brief discloses every such year (n_months).
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
    rows = pulled_rows(root, "eci")
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
    p = pulled_profiles.comparator_profile(root)
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
    write_parquet(pulled_profiles.build_comparator_profile(root), pulled_profiles.processed_path(root))
    out["comparator_profile"] = pulled_profiles.processed_path(root)
    log.info("wrote %s", ", ".join(str(v.relative_to(p.root)) for v in out.values()))
    return out


def _unit_fy_starts(root: str | Path | None) -> set[int]:
    # Each unit that loads counts; a bad unit file fails only its own brief.
    return {u.fiscal_year_start_month for u in _units(root)}
