"""Bargaining units: loading and validating ``comparators/<unit>.yml``.

A unit file says what one brief is about: the employer and its unit, the occupation group,
the bargaining cycle, the CPI series used to deflate, and the comparator jurisdictions.
Every error is a :class:`UnitError` naming the file and the field, so an analyst can fix the
YAML without reading a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wagebrief.config import DEFAULT_FY_START_MONTH, paths

JURISDICTION_TYPES = ("state", "county", "municipal", "school_district", "authority")
OCCUPATION_GROUPS = (
    "general", "clerical", "public_works", "police", "fire", "corrections", "nursing",
    "teachers", "professional", "supervisory",
)
CPI_BASES = ("fiscal", "calendar")

REQUIRED_KEYS = (
    "unit", "name", "employer", "occupation_group", "cycle_year", "term_years", "cpi",
    "comparators", "synthetic",
)
#: Keys with a default: fiscal years start in July unless the unit says otherwise.
DEFAULTED_KEYS = ("fiscal_year_start_month",)
#: Keys later features read; kept verbatim in ``Unit.extra``. Anything else is a typo.
OPTIONAL_KEYS = ("scenarios", "rollup", "benchmark_titles", "ability_to_pay", "notes", "fips")
EMPLOYER_KEYS = ("name", "jurisdiction", "state", "jurisdiction_type")
COMPARATOR_KEYS = ("jurisdiction", "state", "jurisdiction_type")
COMPARATOR_OPTIONAL = ("fips",)
CPI_KEYS = ("series", "basis")

_STATE = re.compile(r"^[A-Z]{2}$")


class UnitError(ValueError):
    """A unit file is missing, unreadable or invalid; the message names the file and field."""


@dataclass(frozen=True)
class Employer:
    """The employer whose unit the brief is for."""

    name: str
    jurisdiction: str
    state: str
    jurisdiction_type: str


@dataclass(frozen=True)
class Comparator:
    """One comparator jurisdiction, matched by name to the settlement data."""

    jurisdiction: str
    state: str
    jurisdiction_type: str
    fips: str | None = None


@dataclass(frozen=True)
class Unit:
    """A validated bargaining unit file."""

    unit: str
    name: str
    employer: Employer
    occupation_group: str
    cycle_year: int
    fiscal_year_start_month: int
    term_years: int
    cpi_series: str
    cpi_basis: str
    comparators: tuple[Comparator, ...]
    synthetic: bool
    extra: dict[str, Any] = field(default_factory=dict, hash=False)
    path: Path | None = None

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        """The comparator jurisdiction names, in file order."""
        return tuple(c.jurisdiction for c in self.comparators)


def unit_names(root: str | Path | None = None) -> list[str]:
    """Ids of the unit files under ``comparators/``, sorted."""
    folder = paths(root).comparators
    return sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []


def known_jurisdictions(root: str | Path | None = None) -> set[str]:
    """Distinct jurisdictions in the settlement data: the processed table when ``wagebrief
    build`` has made it, else every raw file read the way ``validate`` reads it (encodings,
    XLSX sheets and header rows alike)."""
    import pandas as pd  # only needed here; keeps `import wagebrief.units` light

    from wagebrief import settlements

    p = paths(root)
    if p.settlements.exists():
        col = pd.read_parquet(p.settlements, columns=["jurisdiction"])["jurisdiction"]
    else:
        try:
            col = settlements.read_files([p.raw_settlements])["jurisdiction"]
        except settlements.SettlementFileError:  # no files yet, or none readable: nothing known
            return set()
    return {v.strip() for v in col.dropna().astype(str).unique() if v.strip()}


def load(name_or_path: str | Path, *, root: str | Path | None = None,
         known_jurisdictions: Collection[str] | None = None) -> Unit:
    """Load and validate one unit, by id (``state-clerical``) or by path to its YAML file.

    Comparator names are checked against ``known_jurisdictions``; when that is None they are
    read from the raw settlement files, and the check is skipped only if there are none.
    """
    path = _resolve(name_or_path, root)
    where = _display(path, root)
    try:
        with path.open(encoding="utf-8") as fh:  # a stream, so YAML errors name the file
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:  # includes !!python/object tags, which safe_load refuses
        raise UnitError(f"{where}: not valid unit YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UnitError(f"{where}: cannot read the file: {exc}") from exc
    if known_jurisdictions is None:
        known_jurisdictions = _known_or_none(root)
    return _build(data, path, where, known_jurisdictions)


def load_all(root: str | Path | None = None,
             known_jurisdictions: Collection[str] | None = None) -> list[Unit]:
    """Every unit under ``comparators/``, sorted by unit id; the first invalid one raises."""
    known = _known_or_none(root) if known_jurisdictions is None else known_jurisdictions
    folder = paths(root).comparators
    return [load(folder / f"{name}.yml", root=root, known_jurisdictions=known)
            for name in unit_names(root)]


# --- internals --------------------------------------------------------------------------


def _known_or_none(root: str | Path | None) -> Collection[str] | None:
    # No settlement files yet (a fresh project): nothing to check names against.
    return known_jurisdictions(root) or None


def _resolve(name_or_path: str | Path, root: str | Path | None) -> Path:
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith((".yml", ".yaml")):
        path = Path(name_or_path)
        if not path.is_file():
            raise UnitError(f"{text}: unit file not found")
        return path
    path = paths(root).comparators / f"{text}.yml"
    if not path.is_file():
        names = unit_names(root)
        raise UnitError(f"{_display(path, root)}: no unit {text!r}{_suggest(text, names)}"
                        f"; known units: {', '.join(names) or 'none'}")
    return path


def _display(path: Path, root: str | Path | None) -> str:
    """The path as the analyst knows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        return str(path)


def _suggest(value: str, choices: Collection[str]) -> str:
    by_fold = {c.casefold(): c for c in choices}
    match = difflib.get_close_matches(value.casefold(), list(by_fold), n=1, cutoff=0.6)
    return f" (did you mean {by_fold[match[0]]!r}?)" if match else ""


def _check_keys(data: Mapping[str, Any], where: str, prefix: str, required: tuple[str, ...],
                allowed: tuple[str, ...]) -> None:
    for key in required:
        if key not in data:
            raise UnitError(f"{where}: {prefix}{key}: required field is missing")
    for key in data:
        if key not in allowed:
            raise UnitError(f"{where}: {prefix}{key}: unknown key{_suggest(str(key), allowed)}; "
                            f"allowed: {', '.join(allowed)}")


def _mapping(value: Any, where: str, fld: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UnitError(f"{where}: {fld}: expected a mapping, got {type(value).__name__}")
    return value


def _str(value: Any, where: str, fld: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UnitError(f"{where}: {fld}: expected a non-empty string, got {value!r}")
    return value.strip()


def _int(value: Any, where: str, fld: str, lo: int, hi: int) -> int:
    # bool is an int subclass; `yes` must not pass as 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnitError(f"{where}: {fld}: expected a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise UnitError(f"{where}: {fld}: {value} is outside {lo}..{hi}")
    return value


def _choice(value: Any, where: str, fld: str, allowed: tuple[str, ...]) -> str:
    text = _str(value, where, fld)
    if text not in allowed:
        raise UnitError(f"{where}: {fld}: {text!r} is not one of {', '.join(allowed)}"
                        f"{_suggest(text, allowed)}")
    return text


def _state(value: Any, where: str, fld: str) -> str:
    text = _str(value, where, fld)
    if not _STATE.match(text):
        raise UnitError(f"{where}: {fld}: {text!r} is not a two-letter state code like 'CT'")
    return text


def _build(data: Any, path: Path, where: str, known: Collection[str] | None) -> Unit:
    if data is None:
        raise UnitError(f"{where}: file is empty; expected a mapping of unit fields")
    data = _mapping(data, where, "(top level)")
    top_allowed = REQUIRED_KEYS + DEFAULTED_KEYS + OPTIONAL_KEYS
    _check_keys(data, where, "", REQUIRED_KEYS, top_allowed)

    unit = _str(data["unit"], where, "unit")
    if unit != path.stem:
        raise UnitError(f"{where}: unit: {unit!r} must equal the file name stem {path.stem!r}")

    emp = _mapping(data["employer"], where, "employer")
    _check_keys(emp, where, "employer.", EMPLOYER_KEYS, EMPLOYER_KEYS)
    employer = Employer(
        name=_str(emp["name"], where, "employer.name"),
        jurisdiction=_str(emp["jurisdiction"], where, "employer.jurisdiction"),
        state=_state(emp["state"], where, "employer.state"),
        jurisdiction_type=_choice(emp["jurisdiction_type"], where, "employer.jurisdiction_type",
                                  JURISDICTION_TYPES),
    )

    cpi = _mapping(data["cpi"], where, "cpi")
    _check_keys(cpi, where, "cpi.", CPI_KEYS, CPI_KEYS)

    synthetic = data["synthetic"]
    if not isinstance(synthetic, bool):
        raise UnitError(f"{where}: synthetic: expected true or false, got {synthetic!r}")

    return Unit(
        unit=unit,
        name=_str(data["name"], where, "name"),
        employer=employer,
        occupation_group=_choice(data["occupation_group"], where, "occupation_group",
                                 OCCUPATION_GROUPS),
        cycle_year=_int(data["cycle_year"], where, "cycle_year", 2000, 2100),
        fiscal_year_start_month=_int(data.get("fiscal_year_start_month", DEFAULT_FY_START_MONTH),
                                     where, "fiscal_year_start_month", 1, 12),
        term_years=_int(data["term_years"], where, "term_years", 1, 10),
        cpi_series=_str(cpi["series"], where, "cpi.series"),
        cpi_basis=_choice(cpi["basis"], where, "cpi.basis", CPI_BASES),
        comparators=_comparators(data["comparators"], where, known),
        synthetic=synthetic,
        extra={k: data[k] for k in OPTIONAL_KEYS if k in data},
        path=path,
    )


def _comparators(value: Any, where: str, known: Collection[str] | None) -> tuple[Comparator, ...]:
    if not isinstance(value, list) or not value:
        raise UnitError(f"{where}: comparators: expected a non-empty list of jurisdictions")
    allowed = COMPARATOR_KEYS + COMPARATOR_OPTIONAL
    seen: dict[str, int] = {}
    out: list[Comparator] = []
    for i, raw in enumerate(value):
        fld = f"comparators[{i}]"
        item = _mapping(raw, where, fld)
        _check_keys(item, where, f"{fld}.", COMPARATOR_KEYS, allowed)
        name = _str(item["jurisdiction"], where, f"{fld}.jurisdiction")
        if name.casefold() in seen:
            raise UnitError(f"{where}: {fld}.jurisdiction: {name!r} is listed twice "
                            f"(also comparators[{seen[name.casefold()]}])")
        seen[name.casefold()] = i
        if known is not None and name not in known:
            raise UnitError(f"{where}: {fld}.jurisdiction: {name!r} is not a jurisdiction in the "
                            f"settlement data{_suggest(name, known)}")
        fips = item.get("fips")
        if fips is not None and not (isinstance(fips, str) and fips.isdigit()):
            # Unquoted YAML numbers lose leading zeros ("09" -> 9), so FIPS must be quoted.
            raise UnitError(f"{where}: {fld}.fips: expected a quoted string of digits, got {fips!r}")
        out.append(Comparator(
            jurisdiction=name,
            state=_state(item["state"], where, f"{fld}.state"),
            jurisdiction_type=_choice(item["jurisdiction_type"], where,
                                      f"{fld}.jurisdiction_type", JURISDICTION_TYPES),
            fips=fips,
        ))
    return tuple(out)
