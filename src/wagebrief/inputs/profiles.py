"""Comparator profiles the analyst types: ``data/raw/profiles/*.csv``.

The pulled profile (:func:`wagebrief.public.pulled_profiles.comparator_profile`) only knows the
jurisdictions in ``pull/areas.yml`` (or with a ``fips`` the pull can place). For any other town,
county or authority the analyst types the figures the comparables scoring uses, with their
source, into a CSV file here. :data:`COLUMN_DOCS` documents the columns (the input reference page is generated
from it).

Precedence, factor by factor: a figure typed here **wins over** the pulled one for the same
jurisdiction, and a factor left blank here is **filled in** from the pull when the pull has it.
Government pay is one factor: a row giving any of its pay columns replaces all of the pulled
pay figures, so a typed local pay is never mixed with a pulled combined pay. Rows match a unit's
jurisdiction by ``fips`` when both give one (names may then differ), else by name and state.

A bad row is never dropped silently: :func:`validate` returns every problem as
``file:row:column: message`` and every rejected row exactly as typed, with its reason.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs.areas import AreaError, state_info
from wagebrief.io import TextDecodeError, decode_text
from wagebrief.inputs.settlements import FILE_COL, ROW_COL, parse_number

JURISDICTION_TYPES = ("state", "county", "municipal", "school_district", "authority")

#: column -> (type, "required"/"optional", description). The input reference page is built from it.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "jurisdiction": ("text", "required", "The jurisdiction's name, as in comparators/*.yml and the settlement "
                     "data (\"Town of Smalltown\"). With a fips the name may differ."),
    "state": ("text", "required", "Two-letter postal code (\"CT\")."),
    "fips": ("digits", "optional", "Census FIPS code: 2 digits (state), 5 (county), 7 (place) or 10 (county "
             "subdivision, e.g. a New England town). Matched against the fips in the unit files. Keep the "
             "leading zeros (type it as text in a spreadsheet)."),
    "jurisdiction_type": ("text", "optional", "One of state, county, municipal, school_district, authority "
                          "(the \"same jurisdiction type\" factor)."),
    "population": ("number", "optional", "Resident population (the population factor), e.g. Census ACS "
                   "5-year B01003_001E."),
    "median_household_income": ("dollars", "optional", "Median household income, annual dollars (the median "
                                "household income factor), e.g. Census ACS 5-year B19013_001E."),
    "local_gov_employment": ("number", "optional", "Local government employees (e.g. QCEW annual average "
                             "employment, local government); kept with the profile, not scored."),
    "local_gov_avg_pay": ("dollars", "optional", "Local government average annual pay per employee (e.g. QCEW); "
                          "the government pay factor for a county, municipal or other local employer."),
    "state_gov_employment": ("number", "optional", "State government employees; kept with the profile, not scored."),
    "state_gov_avg_pay": ("dollars", "optional", "State government average annual pay; the government pay "
                          "factor for a state employer."),
    "state_local_gov_avg_pay": ("dollars", "optional", "State and local government combined average annual pay; "
                                "when given, the government pay factor for any employer."),
    "source": ("text", "required", "Where the figures come from (publisher, table, document). Invented "
               "figures must say SYNTHETIC here."),
    "source_url": ("URL", "required", "http(s) address of the source; may be blank only when source says "
                   "SYNTHETIC."),
    "vintage": ("text", "required", "The year or period the figures describe, e.g. 2023 or 2019-2023."),
    "notes": ("text", "optional", "Anything else (kept, not scored)."),
}
COLUMNS = list(COLUMN_DOCS)
REQUIRED = [c for c, (_, req, _) in COLUMN_DOCS.items() if req == "required"]

#: Typed column -> the pulled profile's column name (what comparables reads).
VALUE_COLUMNS = {
    "population": "population", "median_household_income": "median_hh_income",
    "local_gov_employment": "local_gov_employment", "local_gov_avg_pay": "local_gov_avg_annual_pay",
    "state_gov_employment": "state_gov_employment", "state_gov_avg_pay": "state_gov_avg_annual_pay",
    "state_local_gov_avg_pay": "state_local_gov_avg_annual_pay",
}
#: Scoring factor -> the profile columns that make it up (one factor = one precedence decision).
FACTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "population": ("population",),
    "median_hh_income": ("median_hh_income",),
    "gov_pay": ("state_local_gov_avg_annual_pay", "state_gov_avg_annual_pay", "local_gov_avg_annual_pay",
                "state_local_gov_employment", "state_gov_employment", "local_gov_employment"),
}
#: Factor -> the columns that give it a value (employment columns travel with pay, but alone are no pay).
FACTOR_VALUES = {"population": ("population",), "median_hh_income": ("median_hh_income",),
                 "gov_pay": ("state_local_gov_avg_annual_pay", "state_gov_avg_annual_pay", "local_gov_avg_annual_pay")}
#: Plausible ranges; outside them a figure is a typo (a pay typed in cents, a population with extra zeros).
LIMITS = {"population": (1, 100_000_000), "median_household_income": (1_000, 2_000_000),
          "local_gov_employment": (0, 10_000_000), "state_gov_employment": (0, 10_000_000),
          "local_gov_avg_pay": (1_000, 2_000_000), "state_gov_avg_pay": (1_000, 2_000_000),
          "state_local_gov_avg_pay": (1_000, 2_000_000)}
FIPS_LENGTHS = (2, 5, 7, 10)
SYNTHETIC = "SYNTHETIC"
_STATE = re.compile(r"^[A-Za-z]{2}$")


class ProfileFileError(ValueError):
    """A profile file that cannot be read at all (undecodable, a missing or unknown column)."""


def profiles_dir(root: str | Path | None = None) -> Path:
    """Where typed profiles live: ``data/raw/profiles``."""
    return paths(root).raw / "profiles"


def _display(path: Path, root: str | Path | None) -> str:
    try:
        return path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        return str(path)


def read_raw(path: str | Path, root: str | Path | None = None) -> pd.DataFrame:
    """Read one profile CSV as text exactly as typed, with ``_file`` and ``_row`` columns."""
    path = Path(path)
    where = _display(path, root)
    try:
        # The one encoding rule of every input file (BOMs, UTF-16 without one, UTF-8, cp1252).
        text = decode_text(path.read_bytes(), where)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         skip_blank_lines=False)
    except TextDecodeError as exc:
        raise ProfileFileError(str(exc)) from None
    except Exception as exc:  # pandas raises several types for malformed CSV
        raise ProfileFileError(f"{where}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    names = [str(c).strip().lower() for c in df.columns]
    unknown = [c for c in names if c not in COLUMN_DOCS]
    if unknown:
        # An unknown column would be dropped, and a typo in a figure's name would lose the figure.
        hints = [f"{c!r}" + (f" (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(c, COLUMNS, 1)) else "")
                 for c in unknown]
        raise ProfileFileError(f"{where}:1: unknown column(s) {', '.join(hints)}; columns: {', '.join(COLUMNS)}")
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise ProfileFileError(f"{where}:1: duplicated column header(s): {', '.join(dupes)}")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ProfileFileError(f"{where}:1: missing required column(s): {', '.join(missing)}")
    df.columns = names
    df = df.reindex(columns=COLUMNS, fill_value="").astype(object).fillna("")
    df[FILE_COL] = where
    df[ROW_COL] = np.arange(2, len(df) + 2)
    blank = df[COLUMNS].apply(lambda s: s.astype(str).str.strip().eq("")).all(axis=1)
    return df.loc[~blank].reset_index(drop=True)


def discover(root: str | Path | None = None, files: Iterable[str | Path] | None = None) -> list[Path]:
    """The profile files: ``files`` (files or folders), else every ``data/raw/profiles/*.csv``."""
    found: list[Path] = []
    for p in (Path(f) for f in files) if files is not None else [profiles_dir(root)]:
        found += sorted(p.glob("*.csv")) if p.is_dir() else [p] if p.is_file() else []
    return found


@dataclass
class ProfileResult:
    """Valid typed profile rows, the rejected rows as typed (with reasons) and every problem."""

    valid: pd.DataFrame
    rejects: pd.DataFrame
    errors: list[tuple[str, int, str, str]] = field(default_factory=list)  #: (file, row, column, message)
    n_input: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def problems(self) -> list[str]:
        """Every problem as ``file:row:column: message``."""
        return [f"{f}:{r}:{c}: {m}" for f, r, c, m in sorted(self.errors, key=lambda e: (e[0], e[1], e[2]))]


VALID_COLUMNS = ["jurisdiction", "state", "fips", "jurisdiction_type", *VALUE_COLUMNS.values(), "source",
                 "source_url", "vintage", "notes", "synthetic", "source_file", "source_row"]


def _row_errors(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[object, str, str]]]:
    """Typed values and per-cell problems as (row index, column, message)."""
    errs: list[tuple[object, str, str]] = []
    t = raw[COLUMNS].apply(lambda s: s.astype(str).str.strip())
    out = pd.DataFrame(index=raw.index)

    def bad(mask: pd.Series, col: str, msg) -> None:
        for idx in raw.index[mask.to_numpy(bool)]:
            errs.append((idx, col, msg(idx) if callable(msg) else msg))

    for col in REQUIRED:
        bad(t[col].eq(""), col, "required; it is blank" + (" (allowed blank only when source says SYNTHETIC)"
                                                           if col == "source_url" else ""))
    synthetic = t["source"].str.contains(SYNTHETIC, case=False)
    out["jurisdiction"] = t["jurisdiction"]
    bad(t["state"].ne("") & ~t["state"].str.match(_STATE), "state",
        lambda i: f"{t.at[i, 'state']!r} is not a two-letter state code like 'CT'")
    out["state"] = t["state"].str.upper()
    fips_bad = t["fips"].ne("") & ~(t["fips"].str.fullmatch(r"\d+") & t["fips"].str.len().isin(FIPS_LENGTHS))
    bad(fips_bad, "fips", lambda i: f"{t.at[i, 'fips']!r} is not a FIPS code of 2, 5, 7 or 10 digits "
                                    "(keep leading zeros: type it as text)")
    st_fips = out["state"].map(_state_fips)
    clash = t["fips"].ne("") & ~fips_bad & st_fips.notna() & (t["fips"].str[:2] != st_fips)
    bad(clash, "fips", lambda i: f"{t.at[i, 'fips']!r} is not in {out.at[i, 'state']} (whose FIPS code is "
                                 f"{st_fips[i]})")
    out["fips"] = t["fips"].where(t["fips"].ne(""), None)
    jt = t["jurisdiction_type"]
    bad(jt.ne("") & ~jt.isin(JURISDICTION_TYPES), "jurisdiction_type",
        lambda i: f"{jt[i]!r} is not one of {', '.join(JURISDICTION_TYPES)}")
    out["jurisdiction_type"] = jt.where(jt.ne(""), None)
    for col, target in VALUE_COLUMNS.items():
        v, unreadable = parse_number(t[col])
        pct = t[col].str.contains("%")
        bad(unreadable | pct, col, lambda i, c=col: f"{t.at[i, c]!r} is not a number")
        lo, hi = LIMITS[col]
        off = v.notna() & ~unreadable & ~pct & ((v < lo) | (v > hi))
        bad(off, col, lambda i, c=col, lo=lo, hi=hi: f"{t.at[i, c]} is outside the plausible range {lo:,} to {hi:,}")
        out[target] = v.where(~(unreadable | pct | off))
    url = t["source_url"]
    bad(url.ne("") & ~url.str.match(r"^https?://\S+$"), "source_url",
        lambda i: f"{url[i]!r} is not an http(s) address")
    # A real figure must say where it comes from; only invented rows may omit the address.
    errs[:] = [e for e in errs if not (e[1] == "source_url" and e[2].startswith("required") and synthetic[e[0]])]
    given = t[list(VALUE_COLUMNS) + ["jurisdiction_type"]].ne("").any(axis=1)
    bad(~given, "population", "the row gives no figure (population, median_household_income, a government pay "
                              "column or jurisdiction_type)")
    for col in ("source", "source_url", "vintage", "notes"):
        out[col] = t[col]
    out["synthetic"] = synthetic.to_numpy(bool)
    out["source_file"] = raw[FILE_COL]
    out["source_row"] = raw[ROW_COL].astype(int)
    return out, errs


def _state_fips(postal: str) -> str | None:
    try:
        return state_info(postal).fips
    except AreaError:  # a state the table lacks gives no FIPS code to check the row's against
        return None


def _key(df: pd.DataFrame) -> pd.Series:
    return df["jurisdiction"].astype(str).str.strip().str.casefold() + "|" + df["state"].astype(str).str.upper()


def _conflicts(typed: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(row index, other row index, factor): two rows giving the same factor for one jurisdiction
    (the same name and state, or the same fips)."""
    out: list[tuple[int, int, str]] = []
    key, fips = _key(typed), typed["fips"]
    for factor, cols in {**FACTOR_VALUES, "jurisdiction_type": ("jurisdiction_type",)}.items():
        idx = list(typed.index[typed[list(cols)].notna().any(axis=1)])
        for n, i in enumerate(idx):  # profile files are small: pairwise is fine
            for j in idx[n + 1:]:
                if key[i] == key[j] or (pd.notna(fips[i]) and fips[i] == fips[j]):
                    out += [(i, j, factor), (j, i, factor)]
    return out


def validate_frame(raw: pd.DataFrame) -> ProfileResult:
    """Validate raw profile rows (as :func:`read_raw` gives them); a row with any problem is rejected."""
    raw = raw.reset_index(drop=True)
    typed, errs = _row_errors(raw)
    bad_rows = {e[0] for e in errs}
    ok_idx = [i for i in raw.index if i not in bad_rows]
    # Two rows for one jurisdiction may split its factors (population from one source, pay from
    # another), but may not both give one factor: which figure is right is the analyst's call.
    for i, other, factor in _conflicts(typed.loc[ok_idx]):
        errs.append((i, "jurisdiction", f"{typed.at[i, 'jurisdiction']} ({typed.at[i, 'state']}): {factor} is "
                                        f"also given by {raw.at[other, FILE_COL]}:{raw.at[other, ROW_COL]}; keep one"))
    rejected = sorted({e[0] for e in errs})
    rejects = raw.loc[rejected, COLUMNS].copy()
    rejects["file"] = raw.loc[rejected, FILE_COL]
    rejects["row"] = raw.loc[rejected, ROW_COL]
    rejects["reason"] = ["; ".join(f"{c}: {m}" for j, c, m in errs if j == i) for i in rejected]
    valid = typed.drop(index=rejected).reset_index(drop=True)[VALID_COLUMNS]
    located = [(str(raw.at[i, FILE_COL]), int(raw.at[i, ROW_COL]), c, m) for i, c, m in errs]
    return ProfileResult(valid, rejects.reset_index(drop=True), located, len(raw))


def validate(files: Iterable[str | Path] | None = None, root: str | Path | None = None) -> ProfileResult:
    """Read and validate profile files (default: every ``data/raw/profiles/*.csv``)."""
    frames = [read_raw(p, root) for p in discover(root, files)]
    if not frames:
        empty = pd.DataFrame(columns=[*COLUMNS, FILE_COL, ROW_COL])
        return validate_frame(empty)
    return validate_frame(pd.concat(frames, ignore_index=True))


def load(root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Valid typed profile rows and notes (rejected rows, unreadable files); never raises for bad data."""
    notes: list[str] = []
    frames = []
    for p in discover(root):
        try:
            frames.append(read_raw(p, root))
        except (ProfileFileError, OSError) as exc:
            notes.append(f"Comparator profile file not used: {exc}")
    if not frames:
        return validate_frame(pd.DataFrame(columns=[*COLUMNS, FILE_COL, ROW_COL])).valid, notes
    result = validate_frame(pd.concat(frames, ignore_index=True))
    if not result.ok:
        shown = result.problems()
        notes.append(f"{len(result.rejects)} typed comparator profile row(s) were rejected and not used "
                     f"(`wagebrief profiles` lists them): " + "; ".join(shown[:3])
                     + (f"; and {len(shown) - 3} more" if len(shown) > 3 else "") + ".")
    return result.valid, notes


# --------------------------------------------------------------------------- combining


def fips_names(unit_list: Iterable) -> dict[str, tuple[str, str]]:
    """FIPS code -> (jurisdiction, state) from unit files: the employer's and each comparator's ``fips``."""
    out: dict[str, tuple[str, str]] = {}
    for u in unit_list:
        emp = u.employer
        efips = getattr(emp, "fips", None) or (getattr(u, "extra", None) or {}).get("fips")
        named = [(emp, efips)] + [(c, getattr(c, "fips", None)) for c in u.comparators]
        for who, fips in named:
            if fips not in (None, ""):
                out.setdefault(str(fips), (who.jurisdiction, str(who.state).upper()))
    return out


def typed_label(row: Mapping) -> str:
    """How a typed figure's source reads: "<source>, <vintage> (<file>:<row>)"."""
    return f"{row['source']}, {row['vintage']} ({row['source_file']}:{row['source_row']})"


def _pulled_sources(p: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per row: ACS source text and flag, QCEW source text and flag (the pull's own labels)."""
    def part(kind: str) -> pd.Series:
        col = f"{kind.lower()}_source"
        if col in p.columns:
            return p[col].fillna("").astype(str)
        src = p["source"].fillna("").astype(str) if "source" in p.columns else pd.Series("", index=p.index)
        return src.map(lambda s: "; ".join(x for x in s.split("; ") if kind in x))

    acs, qcew = part("ACS"), part("QCEW")

    def flag(kind: str, text: pd.Series) -> pd.Series:
        col = f"{kind}_synthetic"
        if col in p.columns:
            return p[col].fillna(False).astype(bool)
        return text.str.contains(SYNTHETIC, case=False)

    return acs, flag("acs", acs), qcew, flag("qcew", qcew)


def combine(pulled: pd.DataFrame | None, typed: pd.DataFrame | None,
            names: Mapping[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """The pulled profile with typed rows laid over it, factor by factor (see the module docstring).

    ``names`` (FIPS -> jurisdiction, state; see :func:`fips_names`) renames typed rows to the
    unit files' names. Adds ``fips``, ``<factor>_source``, ``<factor>_synthetic`` and
    ``<factor>_origin`` ("typed", "pulled" or "") per scoring factor, and recomputes ``source``
    and ``synthetic`` from the figures kept.
    """
    p = pulled.copy() if pulled is not None and len(pulled) else pd.DataFrame(columns=["jurisdiction", "state"])
    for cols in FACTOR_COLUMNS.values():
        for c in cols:
            if c not in p.columns:
                p[c] = np.nan
            p[c] = pd.to_numeric(p[c], errors="coerce").astype(float)
    for c in ("jurisdiction_type", "note", "fips"):
        if c not in p.columns:
            p[c] = None
    acs, acs_syn, qcew, qcew_syn = _pulled_sources(p)
    for factor, vals in FACTOR_VALUES.items():
        has = p[list(vals)].notna().any(axis=1)
        text, syn = (acs, acs_syn) if factor != "gov_pay" else (qcew, qcew_syn)
        p[f"{factor}_source"] = text.where(has, "")
        p[f"{factor}_synthetic"] = syn & has
        p[f"{factor}_origin"] = np.where(has, "pulled", "")
    p["jurisdiction_type_source"] = ""
    if typed is None or typed.empty:
        return _finish(p)
    t = typed.copy()
    if names:
        hit = t["fips"].map(lambda f: names.get(str(f)) if pd.notna(f) and f else None)
        t.loc[hit.notna(), "jurisdiction"] = [h[0] for h in hit.dropna()]
        t.loc[hit.notna(), "state"] = [h[1] for h in hit.dropna()]
    p = p.reset_index(drop=True)
    keys = dict(zip(_key(p), p.index)) if len(p) else {}
    for _, r in t.iterrows():
        k = f"{str(r['jurisdiction']).strip().casefold()}|{str(r['state']).upper()}"
        if k not in keys:
            new = {c: np.nan for c in p.columns}
            new.update(jurisdiction=r["jurisdiction"], state=r["state"], note="", jurisdiction_type=None,
                       fips=r["fips"], source="", synthetic=False)
            new.update({f"{f}_source": "" for f in FACTOR_VALUES} | {f"{f}_origin": "" for f in FACTOR_VALUES}
                       | {f"{f}_synthetic": False for f in FACTOR_VALUES} | {"jurisdiction_type_source": ""})
            p.loc[len(p)] = new
            keys[k] = len(p) - 1
        i = keys[k]
        label = typed_label(r)
        for factor, vals in FACTOR_VALUES.items():
            if any(pd.notna(r.get(c)) for c in vals):
                for c in FACTOR_COLUMNS[factor]:
                    p.at[i, c] = r.get(c, np.nan)
                p.at[i, f"{factor}_source"] = label
                p.at[i, f"{factor}_synthetic"] = bool(r["synthetic"])
                p.at[i, f"{factor}_origin"] = "typed"
        if pd.notna(r.get("jurisdiction_type")) and r.get("jurisdiction_type"):
            p.at[i, "jurisdiction_type"] = r["jurisdiction_type"]
            p.at[i, "jurisdiction_type_source"] = label
        if pd.notna(r.get("fips")) and r.get("fips"):
            p.at[i, "fips"] = r["fips"]
        note = str(p.at[i, "note"] or "")
        p.at[i, "note"] = "; ".join(x for x in (note, f"typed profile {r['source_file']}:{r['source_row']}") if x)
    return _finish(p)


def _finish(p: pd.DataFrame) -> pd.DataFrame:
    srcs = [f"{f}_source" for f in FACTOR_VALUES]
    p["source"] = [("; ".join(dict.fromkeys(s for s in row if s))) for row in p[srcs].itertuples(index=False)]
    p["synthetic"] = p[[f"{f}_synthetic" for f in FACTOR_VALUES]].fillna(False).astype(bool).any(axis=1)
    for f in FACTOR_VALUES:
        p[f"{f}_synthetic"] = p[f"{f}_synthetic"].fillna(False).astype(bool)
    return p.reset_index(drop=True)
