"""Census ACS 5-year: population (B01003_001E) and median household income (B19013_001E).

``{base}/{year}/acs/acs5?get=NAME,B01003_001E,B19013_001E&for=<level>:<codes>&in=<parents>``;
the reply is a JSON array of arrays of strings, header first. Negative annotation values such
as -666666666 ("estimate could not be computed") become missing.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pandas as pd

from wagebrief.inputs.areas import load_mapping
from wagebrief.public.pull.areas import AcsGeo
from wagebrief.public.pull.http import Checked, Request
from wagebrief.public.pull.settings import base_url

SOURCE = "acs"
VARIABLES = {"B01003_001E": "population", "B19013_001E": "median_hh_income"}
GET = "NAME," + ",".join(VARIABLES)
GEO_COLUMNS = ["state", "county", "place", "county subdivision"]
#: Census geography codes are digits; they reach the query string and the stored file's name.
CODE = re.compile(r"[0-9]{1,10}")


def _codes(*values: str | None) -> None:
    bad = [v for v in values if v is not None and not CODE.fullmatch(str(v))]
    if bad:
        raise ValueError(f"not a Census geography code: {', '.join(repr(v) for v in bad)} (digits, as 09)")


def _path(year: int, level: str, state: str | None, county: str | None) -> str:
    if level not in GEO_COLUMNS:
        raise ValueError(f"not a Census geography level: {level!r}")
    _codes(state, county)
    parts = [f"acs5_{int(year)}", level.replace(" ", "-")]
    parts += [p for p in (state, county) if p]
    return "acs/" + "_".join(parts) + ".json"


def plan(geos: list[tuple[int, AcsGeo]], *, url: str | None = None) -> list[Request]:
    """One request per year, level and parent geography, asking for all its codes at once."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for year, g in geos:
        parent = None if g.level == "state" else g.state
        county = g.county if g.level == "county subdivision" else None
        _codes(g.code, g.state, g.county)
        groups[(year, g.level, parent, county)].add(g.code)
    base = base_url(SOURCE, url)
    out = []
    for (year, level, state, county), codes in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        params = {"get": GET, "for": f"{level}:{','.join(sorted(codes))}"}
        if level == "county subdivision":
            params["in"] = f"state:{state} county:{county}"
        elif state:
            params["in"] = f"state:{state}"
        out.append(Request(
            SOURCE, "GET", f"{base}/{year}/acs/acs5", _path(year, level, state, county), params,
            key_param="key", description=f"ACS 5-year {year} {level} {len(codes)} areas",
        ))
    return out


def _load(data: bytes) -> list[list]:
    if not data.strip():
        raise ValueError("empty reply (the Census API answers 204 when no geography matches)")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        head = data[:60].decode("utf-8", "replace")
        raise ValueError(f"malformed JSON ({exc.__class__.__name__}: {exc}); reply begins {head!r}") from None
    if not (isinstance(doc, list) and doc and all(isinstance(r, list) for r in doc)):
        raise ValueError("malformed reply: expected a JSON array of arrays, header first")
    return doc


def check(req: Request, data: bytes) -> Checked:
    """Validate a reply: header with NAME and both variables, rows as long as the header."""
    doc = _load(data)
    header = doc[0]
    missing = [c for c in ["NAME", *VARIABLES] if c not in header]
    if missing:
        raise ValueError(f"reply lacks column(s) {', '.join(missing)}")
    for n, row in enumerate(doc[1:], start=1):
        if len(row) != len(header):
            raise ValueError(f"row {n} has {len(row)} values, header has {len(header)}")
    warnings = []
    level, _, codes = str(req.params.get("for", "")).partition(":")
    if level in header and codes != "*":
        got = {row[header.index(level)] for row in doc[1:]}
        missing = [c for c in codes.split(",") if c and c not in got]
        if missing:
            warnings.append(f"ACS {req.path}: no row for {level} {', '.join(missing)}")
    return Checked(len(doc) - 1, warnings)


def _era(state: str, county: str | None, level: str) -> str:
    if level == "state":
        return "state"
    if level == "place":
        return "place"
    if state == "09" and county:
        if f"09{county}" in load_mapping().ct_planning_regions:
            return "ct_planning_region"
        return "county"
    return "town" if level == "county subdivision" else "county"


def parse(data: bytes, year: int) -> pd.DataFrame:
    """Rows: year, level, geoid, state, county, code, name, geography_era, population, median_hh_income.

    Negative values (Census annotation sentinels) and nulls are missing.
    """
    doc = _load(data)
    header, rows = doc[0], doc[1:]
    df = pd.DataFrame(rows, columns=header, dtype=object)
    level = next((c for c in reversed(GEO_COLUMNS) if c in df.columns), "state")
    state = df["state"].astype(str)
    county = df["county"].astype(str) if "county" in df.columns else pd.Series([None] * len(df), dtype=object)
    code = df[level].astype(str)
    out = pd.DataFrame({
        "year": year,
        "level": level,
        "state": state,
        "county": county,
        "code": code,
        "name": df["NAME"].astype(str),
    })
    if level == "state":
        out["geoid"] = state
    elif level == "county subdivision":
        out["geoid"] = state + county.astype(str) + code
    else:
        out["geoid"] = state + code
    out["geography_era"] = [_era(s, c, level) for s, c in zip(state, county)]
    for var, col in VARIABLES.items():
        vals = pd.to_numeric(df[var], errors="coerce").astype("Float64")
        out[col] = vals.mask(vals < 0)
    return out
