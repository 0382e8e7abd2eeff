"""Comparator profiles pulled from public data: QCEW pay and employment, ACS population and income.

:func:`comparator_profile` reads ``data/processed/comparator_profile.parquet`` when
:func:`wagebrief.public.series.build_series` has written it and otherwise builds the table from
the pulled raw files in memory. These are the *pulled* profiles; the ones analysts type are
:mod:`wagebrief.inputs.profiles`. Missing figures (suppressed, not pulled, Census sentinels) stay
missing: no table here fills a gap.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs import units
from wagebrief.inputs.areas import AreaError
from wagebrief.public.pull import acs, qcew
from wagebrief.public.pull.areas import COUNTY, PLANNING_REGION, resolve
from wagebrief.public.pull.manifest import pulled_rows
from wagebrief.public.pull.settings import Comparator, comparators, comparators_from_units

log = logging.getLogger(__name__)

SYNTHETIC = "SYNTHETIC"


class GeographyBreakError(ValueError):
    """Years from Connecticut's county era and planning-region era would be joined."""


def processed_path(root: str | Path | None = None) -> Path:
    """Where :func:`wagebrief.public.series.build_series` writes the comparator profile."""
    return paths(root).processed / "comparator_profile.parquet"


# --------------------------------------------------------------------------- QCEW and ACS


def qcew_annual(root: str | Path | None = None) -> pd.DataFrame:
    """Every pulled QCEW row kept (industry 10; own 0, 2, 3, 5), with provenance columns."""
    frames = []
    raw = paths(root).raw
    for row in pulled_rows(root, "qcew").itertuples():
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
    for row in pulled_rows(root, "acs").itertuples():
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
    path = processed_path(root)
    df = pd.read_parquet(path) if path.exists() else build_comparator_profile(root)
    if unit is None:
        return df
    u = units.load(unit, root=root) if isinstance(unit, str) else unit
    wanted = comparators_from_units([u])
    names = [c.jurisdiction for c in wanted]
    have = df[df["jurisdiction"].isin(names)]
    if len(have) < len(names):  # a processed table built for other units: build these rows
        have = build_comparator_profile(root, wanted)
    order = {n: i for i, n in enumerate(names)}
    return have.sort_values("jurisdiction", key=lambda s: s.map(order)).reset_index(drop=True)
