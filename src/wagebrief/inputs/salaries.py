"""Salary schedules: reading what analysts type, benchmark titles, the schema, and rejects.

Raw files live in ``data/raw/salaries/`` as CSV or XLSX, one row per jurisdiction x unit x
benchmark title x effective date::

    jurisdiction, unit, benchmark_title, effective_date, steps, min_salary, max_salary,
    hours_per_week  [, state, longevity_10, longevity_15, longevity_20, source, source_url, notes]

``min_salary`` is the entry rate and ``max_salary`` the top step, both in annual dollars.
``longevity_N`` is the annual longevity payment in dollars after N years of service. A blank
longevity cell means *unknown* and is left out of comparisons; a schedule with no longevity
plan should say ``0``.

Titles: ``benchmark_title`` is either a title of the shared vocabulary
(``wagebrief/data/benchmark_titles.yml``, grouped by occupation group) or a local title that
``data/raw/salaries/title_map.csv`` maps to one (``jurisdiction, local_title,
benchmark_title``; a blank jurisdiction applies everywhere, a named one wins over it).

Reading and validation follow :mod:`wagebrief.inputs.settlements`: every cell is read as typed text,
parsing is vectorized, the rules are one pandera schema (:data:`SCHEMA`), problems come out as
``file:row:column: message`` and rejected rows are kept exactly as given with their reasons.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from wagebrief import io as wio
from wagebrief.inputs import safeyaml, workbook
from wagebrief.config import paths
from wagebrief.io import TextDecodeError, decode_text
# Salary validation has the same outcome shape as settlement validation, so it shares the class.
from wagebrief.inputs.settlements import (FILE_COL, ROW_COL, ValidationResult, check_header, concat_errors,
                                   parse_date, parse_number, row_errors, schema_errors)

REQUIRED = ["jurisdiction", "unit", "benchmark_title", "effective_date", "steps", "min_salary",
            "max_salary", "hours_per_week"]
LONGEVITY = ["longevity_10", "longevity_15", "longevity_20"]
OPTIONAL = ["state"] + LONGEVITY + ["source", "source_url", "notes"]
COLUMNS = REQUIRED + OPTIONAL
TEXT = ["jurisdiction", "unit", "benchmark_title", "state", "source", "source_url", "notes"]
NUMBERS = ["steps", "min_salary", "max_salary", "hours_per_week"] + LONGEVITY
KEY = ["jurisdiction", "unit", "benchmark_title", "effective_date"]
#: Annual salaries outside this range are almost surely hourly, monthly or mistyped.
SALARY_RANGE = (5_000.0, 1_000_000.0)
HOURS_RANGE = (1.0, 80.0)
SUFFIXES = (".csv", ".xlsx")
TITLE_MAP_NAME = "title_map.csv"
TITLES_FILE = Path(__file__).parents[1] / "data" / "benchmark_titles.yml"
#: Documentation of each column (type, "required"/"optional", description), for docs/inputs.md.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "jurisdiction": ("text", "required", "As in the settlement data and comparators/*.yml (\"City of New Haven\")."),
    "unit": ("text", "required", "The bargaining unit whose contract sets the schedule (\"Police\")."),
    "benchmark_title": ("text", "required", "A title of the shared vocabulary (src/wagebrief/data/benchmark_titles.yml), "
                        "or a local title mapped in title_map.csv."),
    "effective_date": ("date", "required", "The date the schedule takes effect (ISO, M/D/YYYY or an Excel serial)."),
    "steps": ("whole number", "required", "Number of steps, 1 or more."),
    "min_salary": ("dollars", "required", "Entry (first step) annual rate, 5,000 to 1,000,000."),
    "max_salary": ("dollars", "required", "Top step annual rate, at least min_salary; equal to it for 1 step."),
    "hours_per_week": ("number", "required", "Scheduled hours, 1 to 80; the hourly view divides by hours_per_week * 52."),
    "state": ("text", "optional", "Two-letter state code."),
    "longevity_10": ("dollars", "optional", "Annual longevity after 10 years; blank = unknown (left out), 0 = no plan."),
    "longevity_15": ("dollars", "optional", "Annual longevity after 15 years; blank = unknown, 0 = no plan."),
    "longevity_20": ("dollars", "optional", "Annual longevity after 20 years; blank = unknown, 0 = no plan."),
    "source": ("text", "optional", "Where the schedule comes from."),
    "source_url": ("text", "optional", "A link to the source."),
    "notes": ("text", "optional", "Free-form notes."),
}
#: Columns of the typed, valid table (``salaries.parquet``).
VALID_COLUMNS = ["jurisdiction", "state", "unit", "benchmark_title", "local_title",
                 "occupation_group", "effective_date", "steps", "min_salary", "max_salary",
                 "hours_per_week"] + LONGEVITY + ["source", "source_url", "notes", "source_file",
                                                  "source_row"]


class SalaryFileError(ValueError):
    """A salary or title-map file that cannot be read at all (missing column, bad bytes)."""


# --------------------------------------------------------------------------- titles

def _fold(s: pd.Series | str) -> pd.Series | str:
    """Case- and space-insensitive key for matching titles and jurisdiction names."""
    if isinstance(s, str):
        return re.sub(r"\s+", " ", s).strip().casefold()
    return s.astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


@lru_cache(maxsize=8)
def _titles_cached(path: str) -> dict[str, tuple[tuple[str, str], ...]]:
    with open(path, encoding="utf-8") as fh:
        data = safeyaml.safe_load(fh) or {}
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for group, items in data.items():
        out[str(group)] = tuple((str(i["title"]).strip(), str(i.get("description", "")).strip())
                                for i in (items or []))
    return out


def benchmark_titles(path: str | Path | None = None) -> dict[str, list[str]]:
    """The shared title vocabulary: occupation group -> benchmark titles, in file order."""
    data = _titles_cached(str(path or TITLES_FILE))
    return {g: [t for t, _ in items] for g, items in data.items()}


def title_descriptions(path: str | Path | None = None) -> dict[str, str]:
    """Benchmark title -> the job it stands for."""
    data = _titles_cached(str(path or TITLES_FILE))
    return {t: d for items in data.values() for t, d in items}


def title_group(path: str | Path | None = None) -> dict[str, str]:
    """Benchmark title -> its occupation group."""
    return {t: g for g, titles in benchmark_titles(path).items() for t in titles}


def title_map_path(root: str | Path | None = None) -> Path:
    return raw_dir(root) / TITLE_MAP_NAME


def read_title_map(path: str | Path | None = None, *, titles_path: str | Path | None = None) -> pd.DataFrame:
    """The local-title map as ``jurisdiction, local_title, benchmark_title`` (jurisdiction may be "").

    A missing file is an empty map. A row naming a title outside the vocabulary, or a local
    title mapped twice for the same jurisdiction, raises :class:`SalaryFileError` as
    ``file:row:column: message``.
    """
    path = Path(path) if path is not None else title_map_path()
    cols = ["jurisdiction", "local_title", "benchmark_title"]
    if not path.exists():
        return pd.DataFrame(columns=cols)
    df = _read_text(path, cols, optional=["notes"])
    vocab = {_fold(t): t for t in title_group(titles_path)}
    problems = []
    for rec in df.to_dict("records"):
        if not rec["local_title"].strip():
            problems.append(f"{path}:{rec[ROW_COL]}:local_title: local_title is required")
        if _fold(rec["benchmark_title"]) not in vocab:
            problems.append(f"{path}:{rec[ROW_COL]}:benchmark_title: {rec['benchmark_title'].strip()!r} "
                            f"is not a benchmark title (see wagebrief/data/benchmark_titles.yml)")
    key = _fold(df["jurisdiction"]) + "\x1f" + _fold(df["local_title"])
    for _, grp in df[key.duplicated(keep=False)].groupby(key[key.duplicated(keep=False)]):
        first = grp.iloc[0]
        for rec in grp.iloc[1:].to_dict("records"):
            problems.append(f"{path}:{rec[ROW_COL]}:local_title: {rec['local_title'].strip()!r} is "
                            f"already mapped on row {first[ROW_COL]}")
    if problems:
        raise SalaryFileError("\n".join(problems))
    out = pd.DataFrame({c: df[c].str.strip() for c in cols})
    out["benchmark_title"] = _fold(out["benchmark_title"]).map(vocab)
    return out


def resolve_titles(titles: pd.Series, jurisdictions: pd.Series, title_map: pd.DataFrame,
                   titles_path: str | Path | None = None) -> tuple[pd.Series, pd.Series]:
    """Benchmark title for each typed title: (benchmark titles or NaN, local title or NaN).

    A vocabulary title (any case or spacing) stands for itself. Otherwise the map is tried,
    a jurisdiction's own row before a blank-jurisdiction row.
    """
    vocab = {_fold(t): t for t in title_group(titles_path)}
    ft, fj = _fold(titles).astype(object), _fold(jurisdictions).astype(object)
    direct = ft.map(vocab).astype(object)
    tm = title_map.assign(_j=_fold(title_map["jurisdiction"]), _t=_fold(title_map["local_title"]))
    own = dict(zip(tm["_j"] + "\x1f" + tm["_t"], tm["benchmark_title"]))
    anywhere = dict(zip(tm.loc[tm["_j"].eq(""), "_t"], tm.loc[tm["_j"].eq(""), "benchmark_title"]))
    mapped = (fj + "\x1f" + ft).map(own).astype(object)
    mapped = mapped.where(mapped.notna(), ft.map(anywhere).astype(object))
    bench = direct.where(direct.notna(), mapped)
    local = titles.astype(object).str.strip().where(direct.isna() & mapped.notna())
    return bench, local


# --------------------------------------------------------------------------- reading

def raw_dir(root: str | Path | None = None) -> Path:
    """``data/raw/salaries``."""
    return paths(root).raw / "salaries"


def processed_path(root: str | Path | None = None) -> Path:
    """``data/processed/salaries.parquet``."""
    return paths(root).processed / "salaries.parquet"


def rejects_path(root: str | Path | None = None) -> Path:
    """``data/processed/salary_rejects.csv``."""
    return paths(root).processed / "salary_rejects.csv"


def discover(folders: Iterable[str | Path]) -> list[Path]:
    """Salary files (CSV, XLSX) under ``folders``, sorted; the title map is not a schedule."""
    found: list[Path] = []
    for p in map(Path, folders):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES
                            and not f.name.startswith((".", "~$")) and f.name != TITLE_MAP_NAME)
        elif p.exists():
            found.append(p)
        else:
            raise SalaryFileError(f"{p}: no such file or folder")
    return found


def _read_text(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".xlsx":
            workbook.check(path, SalaryFileError)  # a zip bomb is refused before it is expanded
            df = pd.read_excel(path, dtype=str, keep_default_na=False, na_filter=False)
        else:
            df = pd.read_csv(io.StringIO(decode_text(path.read_bytes(), path)), dtype=str,
                             keep_default_na=False, na_filter=False)
    except (SalaryFileError, TextDecodeError) as exc:
        raise SalaryFileError(str(exc)) from None
    except Exception as exc:  # pandas/openpyxl raise many types for unreadable files
        raise SalaryFileError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    check_header(list(df.columns), required, path, error=SalaryFileError)
    for c in optional:
        if c not in df.columns:
            df[c] = ""
    df = df[list(required) + list(optional)].astype(object).fillna("")
    df[FILE_COL] = str(path)
    df[ROW_COL] = np.arange(2, len(df) + 2)
    return df


def read_raw(path: str | Path) -> pd.DataFrame:
    """One salary file as text exactly as typed, with ``_file`` and ``_row`` (header = row 1).

    Optional columns a file leaves out are blank.
    """
    return _read_text(Path(path), REQUIRED, OPTIONAL)


def read_files(folders: Iterable[str | Path]) -> pd.DataFrame:
    folders = list(folders)
    files = discover(folders)
    if not files:
        raise SalaryFileError(f"no salary files (*.csv, *.xlsx) under {', '.join(map(str, folders))}")
    return pd.concat([read_raw(f) for f in files], ignore_index=True)


# --------------------------------------------------------------------------- parsing

def parse(raw: pd.DataFrame, title_map: pd.DataFrame,
          titles_path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the text columns and resolve titles. Returns (typed frame, parse errors)."""
    typed = pd.DataFrame(index=raw.index)
    errors: list[pd.DataFrame] = []
    for col in TEXT:
        typed[col] = raw[col].astype(str).str.strip().replace("", None)
    typed["state"] = typed["state"].str.upper()
    values, bad = parse_date(raw["effective_date"])
    typed["effective_date"] = values
    if bad.any():
        errors.append(row_errors(raw, bad, "effective_date", lambda r: f"cannot read {r['effective_date']!r} as a date"))
    for col in NUMBERS:
        values, bad = parse_number(raw[col])
        typed[col] = values
        if bad.any():
            errors.append(row_errors(raw, bad, col, lambda r, c=col: f"cannot read {r[c]!r} as a number"))
    given = typed["benchmark_title"].notna()
    bench, local = resolve_titles(typed["benchmark_title"].fillna(""), typed["jurisdiction"].fillna(""),
                                  title_map, titles_path)
    unknown = given & bench.isna()
    if unknown.any():
        errors.append(row_errors(raw, unknown, "benchmark_title", lambda r: (
            f"{r['benchmark_title'].strip()!r} is not a benchmark title; use one from "
            f"wagebrief/data/benchmark_titles.yml or map it in {TITLE_MAP_NAME}")))
    typed["benchmark_title"] = bench.where(given)
    typed["local_title"] = local
    typed["occupation_group"] = typed["benchmark_title"].map(title_group(titles_path))
    for col in (FILE_COL, ROW_COL):
        typed[col] = raw[col]
    return typed, concat_errors(errors)


# --------------------------------------------------------------------------- the schema

def _both(d: pd.DataFrame, *cols: str) -> pd.Series:
    return d[list(cols)].notna().all(axis=1)


#: Cross-column rules: name -> (column reported, check, message template).
RULES: dict[str, tuple[str, object, str]] = {
    "min_le_max": ("max_salary", lambda d: ~_both(d, "min_salary", "max_salary") | (d.min_salary <= d.max_salary),
                   "max_salary {max_salary:,.2f} is below min_salary {min_salary:,.2f}"),
    "one_step_one_rate": ("steps", lambda d: ~(_both(d, "min_salary", "max_salary") & d.steps.eq(1) & (d.min_salary != d.max_salary)),
                          "a 1-step schedule has one rate, but min_salary {min_salary:,.2f} differs from max_salary {max_salary:,.2f}"),
}


def _build_schema() -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {c: pa.Column(nullable=False) for c in ("jurisdiction", "unit", "benchmark_title")}
    cols["state"] = pa.Column(nullable=True, checks=pa.Check.str_matches(r"^[A-Z]{2}$", error="a two-letter state code"))
    cols["effective_date"] = pa.Column("datetime64[ns]", nullable=False)
    cols["steps"] = pa.Column(float, nullable=False, checks=[
        pa.Check.ge(1, error="1 or more"),
        pa.Check(lambda s: s.isna() | (s == s.round()), element_wise=False, error="a whole number"),
    ])
    lo, hi = SALARY_RANGE
    for c in ("min_salary", "max_salary"):
        cols[c] = pa.Column(float, nullable=False, checks=pa.Check.in_range(
            lo, hi, error=f"annual dollars between {lo:,.0f} and {hi:,.0f} (an hourly or monthly rate?)"))
    cols["hours_per_week"] = pa.Column(float, nullable=False, checks=pa.Check.in_range(
        *HOURS_RANGE, error=f"between {HOURS_RANGE[0]:g} and {HOURS_RANGE[1]:g}"))
    for c in LONGEVITY:
        cols[c] = pa.Column(float, nullable=True, checks=pa.Check.ge(0, error="0 or more dollars"))
    checks = [pa.Check(fn, name=name, error=name) for name, (_, fn, _) in RULES.items()]
    return pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)


#: What a valid salary row is. Used by :func:`validate_frame` on the typed frame.
SCHEMA = _build_schema()


def _duplicate_errors(typed: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Two rows for one jurisdiction x unit x title x date: an exact copy drops the later row;
    rows that disagree are all rejected, since nothing says which is right."""
    key = typed[KEY].astype(object).fillna("").astype(str).agg("\x1f".join, axis=1)
    ok = typed[KEY].notna().all(axis=1)
    exact = raw.duplicated(subset=REQUIRED + OPTIONAL, keep="first") & ok
    clash = key.duplicated(keep=False) & ok
    frames = [row_errors(raw, exact, "benchmark_title", lambda r: "exact duplicate of an earlier row")]
    rest = clash & ~exact
    if rest.any():
        # Compare only the non-exact rows: if what is left of a key is one row, it stands.
        left = key[rest]
        conflict = rest & key.isin(left[left.duplicated(keep=False)])
        rows_of = raw.loc[conflict].groupby(key[conflict])[ROW_COL].apply(lambda s: ", ".join(map(str, s)))
        frames.append(row_errors(raw.assign(_key=key), conflict, "effective_date", lambda r: (
            f"conflicting schedules for {r['jurisdiction'].strip()} / {r['unit'].strip()} / "
            f"{r['benchmark_title'].strip()} on {r['effective_date'].strip()} (rows {rows_of[r['_key']]})")))
    return concat_errors(frames)


# --------------------------------------------------------------------------- validation

def validate_frame(raw: pd.DataFrame, title_map: pd.DataFrame | None = None,
                   titles_path: str | Path | None = None) -> ValidationResult:
    """Validate text rows from :func:`read_files`; split them into valid and rejected."""
    raw = raw.reset_index(drop=True)
    for c in OPTIONAL:
        if c not in raw.columns:
            raw[c] = ""
    if title_map is None:
        title_map = pd.DataFrame(columns=["jurisdiction", "local_title", "benchmark_title"])
    typed, parse_errors = parse(raw, title_map, titles_path)
    schema_errs = schema_errors(typed, raw, SCHEMA, RULES)
    if len(parse_errors) and len(schema_errs):
        seen = set(zip(parse_errors["index"], parse_errors["column"]))
        schema_errs = schema_errs[[(i, c) not in seen for i, c in zip(schema_errs["index"], schema_errs["column"])]]
    errors = concat_errors([parse_errors, schema_errs, _duplicate_errors(typed, raw)])
    errors = errors.drop_duplicates(subset=["index", "column", "message"]).reset_index(drop=True)
    rejected = raw.index.isin(errors["index"].unique())
    reasons = (errors["column"] + ": " + errors["message"]).groupby(errors["index"]).agg("; ".join)
    rejects = raw.loc[rejected, COLUMNS].copy()
    rejects["file"] = raw.loc[rejected, FILE_COL]
    rejects["row"] = raw.loc[rejected, ROW_COL]
    rejects["reason"] = reasons.reindex(rejects.index).to_numpy()
    valid = typed.loc[~rejected].rename(columns={FILE_COL: "source_file", ROW_COL: "source_row"})
    valid["steps"] = valid["steps"].astype("int64")
    return ValidationResult(valid=valid[VALID_COLUMNS].reset_index(drop=True),
                            rejects=rejects.reset_index(drop=True), errors=errors, n_input=len(raw))


def validate(folders: Iterable[str | Path] | None = None, *, title_map: str | Path | None = None,
             root: str | Path | None = None) -> ValidationResult:
    """Read and validate every salary file under ``folders`` (default ``data/raw/salaries``).

    The title map defaults to ``title_map.csv`` in the salary folder.
    """
    folders = list(folders) if folders is not None else [raw_dir(root)]
    tm = read_title_map(title_map if title_map is not None else title_map_path(root))
    return validate_frame(read_files(folders), tm)


def write_processed(result: ValidationResult, root: str | Path | None = None) -> list[Path]:
    """Write ``salaries.parquet`` and ``salary_rejects.csv`` atomically."""
    wio.write_parquet(result.valid, processed_path(root))
    wio.write_csv(result.rejects, rejects_path(root))
    return [processed_path(root), rejects_path(root)]


def _raw_newer_than(target: Path, root: str | Path | None) -> bool:
    folder = raw_dir(root)
    if not folder.is_dir():
        return False
    stamp = target.stat().st_mtime
    return any(f.stat().st_mtime > stamp for f in folder.rglob("*") if f.suffix.lower() in SUFFIXES)


def load(root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Valid salary rows and notes on how they were obtained.

    Reads ``data/processed/salaries.parquet`` when it is at least as new as every raw salary
    file; otherwise validates ``data/raw/salaries`` in memory (rejected rows are reported in
    the notes, never used). No salary files at all gives an empty table and a note.
    """
    target = processed_path(root)
    if target.exists() and not _raw_newer_than(target, root):
        return pd.read_parquet(target), []
    folder = raw_dir(root)
    if not folder.is_dir() or not discover([folder]):
        return pd.DataFrame(columns=VALID_COLUMNS), [f"no salary schedules: {folder} holds no CSV or XLSX files"]
    result = validate([folder], root=root)
    notes = []
    if not result.ok:
        notes.append(f"{len(result.rejects)} of {result.n_input} salary rows were rejected and left out "
                     f"(run `wagebrief salaries` to list them)")
    return result.valid, notes
