"""QCEW open data: annual area slices, checked for truncation and parsed to the rows briefs use.

``{base}/{year}/a/area/{fips}.csv`` is BLS's 38-column annual layout. The suite keeps the all-
industries total (industry_code 10) for own_code 0 (all), 2 (state government), 3 (local
government) and 5 (private). A suppressed cell (disclosure_code N, printed as zeros) is missing.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from wagebrief.public.pull.areas import area_name, era_of
from wagebrief.public.pull.http import Checked, Request
from wagebrief.public.pull.settings import base_url

SOURCE = "qcew"
COLUMNS = [
    "area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
    "disclosure_code", "annual_avg_estabs", "annual_avg_emplvl", "total_annual_wages",
    "taxable_annual_wages", "annual_contributions", "annual_avg_wkly_wage", "avg_annual_pay",
    "lq_disclosure_code", "lq_annual_avg_estabs", "lq_annual_avg_emplvl", "lq_total_annual_wages",
    "lq_taxable_annual_wages", "lq_annual_contributions", "lq_annual_avg_wkly_wage",
    "lq_avg_annual_pay", "oty_disclosure_code", "oty_annual_avg_estabs_chg",
    "oty_annual_avg_estabs_pct_chg", "oty_annual_avg_emplvl_chg", "oty_annual_avg_emplvl_pct_chg",
    "oty_total_annual_wages_chg", "oty_total_annual_wages_pct_chg", "oty_taxable_annual_wages_chg",
    "oty_taxable_annual_wages_pct_chg", "oty_annual_contributions_chg",
    "oty_annual_contributions_pct_chg", "oty_annual_avg_wkly_wage_chg",
    "oty_annual_avg_wkly_wage_pct_chg", "oty_avg_annual_pay_chg", "oty_avg_annual_pay_pct_chg",
]
KEEP_OWN = {"0": "total", "2": "state_gov", "3": "local_gov", "5": "private"}
KEEP_INDUSTRY = "10"
VALUES = ["annual_avg_emplvl", "avg_annual_pay", "total_annual_wages"]
#: A QCEW area code: five digits or capitals (09001, 09000, US000, C1018). It is part of both
#: the URL path and the stored file's name.
AREA_CODE = re.compile(r"[0-9A-Z]{5}")


def path_for(year: int, fips: str) -> str:
    """Where the area slice for ``year`` and ``fips`` is stored, relative to data/raw."""
    if not AREA_CODE.fullmatch(str(fips)):
        raise ValueError(f"not a QCEW area code: {fips!r} (five digits or capitals, as 09001)")
    return f"qcew/{int(year)}_a_area_{fips}.csv"


def plan(areas: list[tuple[int, str]], *, url: str | None = None) -> list[Request]:
    """One request per distinct (year, area_fips)."""
    base = base_url(SOURCE, url)
    return [
        Request(SOURCE, "GET", f"{base}/{year}/a/area/{fips}.csv", path_for(year, fips),
                description=f"{area_name(fips)} {year}")
        for year, fips in sorted(set(areas))
    ]


def _rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text: {exc}") from None
    if not text.strip():
        raise ValueError("empty reply")
    if not text.endswith("\n"):
        raise ValueError("truncated CSV: the last line has no line ending")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ValueError(f"malformed CSV: {exc}") from None
    return [r for r in rows if r]


def check(req: Request, data: bytes) -> Checked:
    """Validate an area slice: BLS's header, 38 fields on every line, the asked area and year."""
    rows = _rows(data)
    header = [h.strip() for h in rows[0]]
    if header != COLUMNS:
        raise ValueError(f"unexpected header (not BLS's 38-column annual layout): {','.join(header[:6])}...")
    year, fips = req.path.removeprefix("qcew/").removesuffix(".csv").split("_a_area_")
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            raise ValueError(f"truncated or malformed CSV: line {n} has {len(row)} fields, expected {len(COLUMNS)}")
        if row[0] != fips or row[5] != year:
            raise ValueError(f"line {n} is for area {row[0]} year {row[5]}, not {fips} {year}")
    if len(rows) < 2:
        raise ValueError("no data rows")
    warnings = []
    kept = {r[1] for r in rows[1:] if r[2] == KEEP_INDUSTRY}
    for own in ("2", "3"):
        if own not in kept:
            warnings.append(f"{fips} {year}: no {KEEP_OWN[own]} row (own_code {own}, industry 10)")
    return Checked(len(rows) - 1, warnings)


def parse(data: bytes) -> pd.DataFrame:
    """The kept rows: area_fips, year, own_code, ownership, disclosure_code, suppressed and VALUES.

    Suppressed cells (disclosure_code N) are NaN, never zero.
    """
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    df = df[(df["industry_code"] == KEEP_INDUSTRY) & df["own_code"].isin(list(KEEP_OWN))].copy()
    out = pd.DataFrame({
        "area_fips": df["area_fips"].str.zfill(5),
        "area_name": df["area_fips"].str.zfill(5).map(area_name),
        "geography_era": df["area_fips"].str.zfill(5).map(era_of),
        "year": df["year"].astype(int),
        "own_code": df["own_code"].astype(int),
        "ownership": df["own_code"].map(KEEP_OWN),
        "disclosure_code": df["disclosure_code"].str.strip(),
    })
    out["suppressed"] = out["disclosure_code"].eq("N")
    for col in VALUES:
        vals = pd.to_numeric(df[col], errors="coerce").astype("Float64")
        out[col] = vals.mask(out["suppressed"])
    return out.reset_index(drop=True)
