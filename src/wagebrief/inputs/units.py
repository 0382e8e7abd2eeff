"""Bargaining units: loading and validating ``comparators/<unit>.yml``.

A unit file says what one brief is about: the employer and its unit, the occupation group,
the bargaining cycle, the CPI series used to deflate, and the comparator jurisdictions.
Every error is a :class:`UnitError` naming the file and the field, so an analyst can fix the
YAML without reading a traceback.

The file's shape is the pydantic model :class:`UnitFile` (its JSON Schema is what
``docs/inputs.md`` documents); the checks that need more than one field or the settlement data
(the id equals the file name, comparators are listed once and appear in the settlements) follow
it. Consumers get the plain frozen dataclasses :class:`Unit`, :class:`Employer` and
:class:`Comparator`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from wagebrief.inputs import safeyaml
from wagebrief.inputs.proposals_schema import Date
from wagebrief.config import DEFAULT_FY_START_MONTH, paths
from wagebrief.inputs.yamlschema import (STRICT, Bool, Digits, Text, choice, fail, non_empty_list, problems, suggest,
                                  text_value, whole)

JURISDICTION_TYPES = ("state", "county", "municipal", "school_district", "authority")
OCCUPATION_GROUPS = (
    "general", "clerical", "public_works", "police", "fire", "corrections", "nursing",
    "teachers", "professional", "supervisory",
)
CPI_BASES = ("fiscal", "calendar")
#: What the market position's headline compares when hours differ: pay for a year, or for an hour.
POSITION_BASES = ("hourly", "annual")
#: Hourly by default: with different weekly hours, annual pay counts longer hours as higher pay.
DEFAULT_POSITION_BASIS = "hourly"
#: CPI-U, U.S. city average, all items: the deflator when a unit names no regional series.
DEFAULT_CPI_SERIES = "CUUR0000SA0"
DEFAULT_TERM_YEARS = 3
#: Where bargaining stands, from first session to settlement (the office overview lists it).
BARGAINING_STATUSES = ("not_started", "negotiating", "impasse", "mediation", "fact_finding", "arbitration",
                       "tentative_agreement", "settled")


#: Keys later features read; kept verbatim in ``Unit.extra``.
OPTIONAL_KEYS = ("scenarios", "rollup", "benchmark_titles", "ability_to_pay", "notes", "fips")


def _state(value: Any) -> str:
    text = text_value(value)
    if len(text) != 2 or not (text.isascii() and text.isalpha() and text.isupper()):
        raise fail(f"{text!r} is not a two-letter state code like 'CT'")
    return text


def _titles(value: Any) -> Any:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
        raise fail(f"expected a benchmark title or a list of them, got {value!r}")
    return value


State = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), BeforeValidator(_state)]
JurisdictionType = choice(JURISDICTION_TYPES)
Evidence = Annotated[Any, Field(json_schema_extra={"type": ["string", "array", "object"]})]


class EmployerModel(BaseModel):
    """The employer whose unit the brief is for."""

    model_config = STRICT
    name: Text = Field(description="The employer as the brief names it.", examples=["City of Hartford"])
    jurisdiction: Text = Field(description="The employer's jurisdiction, spelt as in the settlement data.")
    state: State = Field(description="Two-letter state code.")
    jurisdiction_type: JurisdictionType = Field(description="Kind of government.")


class ComparatorModel(BaseModel):
    """One comparator jurisdiction, matched by name to the settlement data."""

    model_config = STRICT
    jurisdiction: Text = Field(description="Spelt exactly as in the settlement files; listed once.")
    state: State = Field(description="Two-letter state code.")
    jurisdiction_type: JurisdictionType = Field(description="Kind of government.")
    fips: Digits = Field(None, description='Census FIPS code, quoted ("09"): unquoted numbers lose leading zeros.')


class CpiModel(BaseModel):
    """The CPI series a brief deflates with, and whether by fiscal or calendar year."""

    model_config = STRICT
    series: Text = Field(DEFAULT_CPI_SERIES, description="BLS CPI series id (CUUR0100SA0 is CPI-U Northeast).")
    basis: choice(CPI_BASES) = Field("fiscal", description="Average CPI by the unit's fiscal year or by calendar year.")


def _dollars(value: Any) -> Any:
    # YAML reads 4_741_807_174 as an int; an analyst may also type "$4,741,807,174".
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").removeprefix("$")
        try:
            return float(text)
        except ValueError:
            raise fail(f"{value!r} is not an amount in dollars") from None
    return value


class NetGrandListModel(BaseModel):
    """A municipality's net grand list: the assessed value of its taxable property, after exemptions."""

    model_config = STRICT
    amount: Annotated[float, BeforeValidator(_dollars), Field(gt=0)] = Field(description=(
        "Dollars of net taxable assessed value (4_741_807_174 or \"$4,741,807,174\")."))
    fiscal_year: whole(2000, 2100) = Field(description=(
        "The fiscal year whose taxes the list levies (named by the year it ends in; in Connecticut the "
        "grand list of 1 October 2024 levies FY2026)."))
    grand_list_year: whole(2000, 2100) | None = Field(None, description="The list's assessment year (1 October of it), if known.")
    source: Text = Field(description="Where the figure is published (who, which page or report).")
    url: Text | None = Field(None, description="The source's address, as found.")
    note: Text | None = Field(None, description="Anything assumed in typing the figure.")


class UnitFile(BaseModel):
    """``comparators/<unit>.yml``: one bargaining unit, the subject of one brief."""

    model_config = STRICT
    unit: Text = Field(description="The unit id; must equal the file name stem (comparators/<unit>.yml).",
                       examples=["city-police"])
    name: Text = Field(description="The unit's name as the brief's cover shows it.")
    employer: EmployerModel = Field(description="The employer whose unit this is.")
    occupation_group: choice(OCCUPATION_GROUPS) = Field(description="The unit's occupation group.")
    comparator_groups: list[choice(OCCUPATION_GROUPS)] | None = Field(None, description=(
        "Occupation groups whose settlements count as the comparators' (default: the unit's own). "
        "E.g. [clerical, general] where other employers bargain clerical work in general-government units."))
    cycle_year: whole(2000, 2100) = Field(description="The year bargaining takes place; the brief's cycle.")
    fiscal_year_start_month: whole(1, 12) = Field(DEFAULT_FY_START_MONTH, description=(
        "First month of the employer's fiscal year (7 = July; fiscal years are named by the year they end in)."))
    term_years: whole(1, 10) = Field(DEFAULT_TERM_YEARS, description="Length of the contract being bargained, in years.")
    cpi: CpiModel = Field(default_factory=CpiModel, description="The CPI series used to deflate.")
    comparators: Annotated[list[ComparatorModel], non_empty_list("jurisdictions"), Field(min_length=1)] = Field(
        description="The comparator jurisdictions, at least one.")
    synthetic: Bool = Field(False, description="true only for invented demo units: every brief then says SYNTHETIC.")
    scenarios: Evidence = Field(None, description=(
        "Proposal scenarios, when there is no proposals file (better kept in comparators/proposals/<unit>.yml)."))
    rollup: Evidence = Field(None, description="Roll-up rates, when there is no proposals file.")
    position_basis: choice(POSITION_BASES) = Field(DEFAULT_POSITION_BASIS, description=(
        "What the market position rests on when the unit's and comparators' weekly hours differ: hourly "
        "(pay for the same hour of work; the default) or annual (pay for a year, whatever its hours). "
        "Both are shown; this names the headline."))
    benchmark_titles: Annotated[Any, BeforeValidator(_titles), Field(json_schema_extra={
        "type": ["string", "array"], "items": {"type": "string"}})] = Field(None, description=(
            "Benchmark titles the market section compares (default: the occupation group's titles with data)."))
    ability_to_pay: Evidence = Field(None, description="Evidence on the employer's ability to pay: text, a list or a mapping.")
    notes: Evidence = Field(None, description="Free-form notes shown in the brief: text, a list or a mapping.")
    fips: Digits = Field(None, description="The employer's Census FIPS code, quoted.")
    bargaining_status: choice(BARGAINING_STATUSES) | None = Field(None, description=(
        "Where bargaining stands (the office overview lists it): " + ", ".join(BARGAINING_STATUSES) + "."))
    contract_expires: Date | None = Field(None, description="The last day of the unit's current contract (YYYY-MM-DD).")
    net_grand_list: NetGrandListModel | None = Field(None, description=(
        "For a municipal employer: its net grand list, with fiscal year and source; costs are then also "
        "stated in mills (cost / net grand list * 1,000), as town budgets are argued."))


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
class NetGrandList:
    """A municipal employer's net grand list, with its fiscal year and source."""

    amount: float
    fiscal_year: int
    source: str
    url: str | None = None
    grand_list_year: int | None = None
    note: str | None = None

    def mills(self, dollars: float) -> float:
        """``dollars`` as mills of this list: dollars / net grand list * 1,000."""
        return dollars / self.amount * 1000


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
    position_basis: str = DEFAULT_POSITION_BASIS  #: "hourly" or "annual" (see UnitFile.position_basis)
    #: occupation groups whose settlements count as the comparators' (empty: the unit's own)
    comparator_groups: tuple[str, ...] = ()
    bargaining_status: str | None = None  #: see BARGAINING_STATUSES
    contract_expires: dt.date | None = None  #: last day of the current contract
    net_grand_list: NetGrandList | None = None  #: municipal employers only

    @property
    def groups(self) -> tuple[str, ...]:
        """The occupation groups the comparators' settlements are taken from."""
        return self.comparator_groups or (self.occupation_group,)

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        """The comparator jurisdiction names, in file order."""
        return tuple(c.jurisdiction for c in self.comparators)


#: A unit id: it becomes a file name, a link in index.html and a word in render.log, so it is
#: only lower-case letters, digits, ``-`` and ``_`` (no path, scheme, markup or line break).
UNIT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
UNIT_ID_RULE = ("a unit id is 1 to 64 lower-case letters, digits, '-' and '_', starting with a letter or "
                "digit (like 'city-police')")


def is_unit_id(name: object) -> bool:
    """Whether ``name`` is a valid unit id (:data:`UNIT_ID`)."""
    return isinstance(name, str) and UNIT_ID.fullmatch(name) is not None


def unit_names(root: str | Path | None = None) -> list[str]:
    """Stems of the unit files under ``comparators/``, sorted.

    A stem that is not a valid unit id is listed too (loading it raises a :class:`UnitError`
    naming the file), so a misnamed file is reported as that unit's failure, never skipped.
    """
    folder = paths(root).comparators
    return sorted(p.stem for p in folder.glob("*.yml") if p.is_file()) if folder.is_dir() else []


def known_jurisdictions(root: str | Path | None = None) -> set[str]:
    """Distinct jurisdictions in the settlement data: the processed table when ``wagebrief
    build`` has made it, else every raw file read the way ``validate`` reads it (encodings,
    XLSX sheets and header rows alike)."""
    # pandas and the settlement readers are only needed here; importing them here keeps
    # `import wagebrief.inputs.units` light (about 0.3 s instead of 1.2 s).
    import pandas as pd

    from wagebrief.inputs import settlements

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
            data = safeyaml.safe_load(fh)
    except yaml.YAMLError as exc:  # includes !!python/object tags, which safe_load refuses
        raise UnitError(f"{where}: not valid unit YAML: {exc}") from exc
    except ValueError as exc:  # a date-looking value that is no date (2027-13-30): PyYAML's own ValueError
        raise UnitError(f"{where}: not valid unit YAML: {exc} (write dates as YYYY-MM-DD)") from exc
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
    # A str is an analyst's --unit or a notebook parameter: only an id, looked up in comparators/
    # (never a path, so `--unit ../../etc/passwd` or a file elsewhere cannot become a brief).
    # A Path comes from code (load_all, tests); its file name must still be a valid id.
    if isinstance(name_or_path, Path):
        path = name_or_path
        if not path.is_file():
            raise UnitError(f"{_shown(str(path))}: unit file not found")
        _check_stem(path, root)
        return path
    text = str(name_or_path)
    folder = paths(root).comparators
    if not is_unit_id(text):
        plain = "/" not in text and "\\" not in text and text not in ("", ".", "..")
        if plain and (folder / f"{text}.yml").is_file():  # the file exists, but its name is unusable
            _check_stem(folder / f"{text}.yml", root)
        names = [n for n in unit_names(root) if is_unit_id(n)]
        raise UnitError(f"{text!r} is not a unit id: {UNIT_ID_RULE}, naming a file "
                        f"comparators/<id>.yml; give the id, not a path{_suggest(text, names)}"
                        f"; known units: {', '.join(names) or 'none'}")
    path = folder / f"{text}.yml"
    if not path.is_file():
        names = [n for n in unit_names(root) if is_unit_id(n)]
        raise UnitError(f"{_display(path, root)}: no unit {text!r}{_suggest(text, names)}"
                        f"; known units: {', '.join(names) or 'none'}")
    return path


def _check_stem(path: Path, root: str | Path | None) -> None:
    """Refuse a unit file whose name is not a valid unit id, naming the file and a valid name."""
    if is_unit_id(path.stem):
        return
    slug = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-_")[:64] or "unit"
    raise UnitError(f"{_shown(_display(path, root))}: the file name {path.stem!r} is not a valid "
                    f"unit id: {UNIT_ID_RULE}; rename the file (and its unit: field), e.g. to {slug}.yml")


def _shown(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so a message stays one line."""
    return text if text.isprintable() else repr(text)[1:-1]


def _display(path: Path, root: str | Path | None) -> str:
    """The path as the analyst knows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        return str(path)




def _suggest(value: str, choices: Collection[str]) -> str:
    return suggest(value, choices)


def _build(data: Any, path: Path, where: str, known: Collection[str] | None) -> Unit:
    if data is None:
        raise UnitError(f"{where}: file is empty; expected a mapping of unit fields")
    if not isinstance(data, Mapping):
        raise UnitError(f"{where}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        model = UnitFile.model_validate(dict(data))
    except ValidationError as exc:
        raise UnitError("\n".join(f"{where}: {p}" for p in problems(exc, UnitFile))) from None

    if model.unit != path.stem:
        raise UnitError(f"{where}: unit: {model.unit!r} must equal the file name stem {path.stem!r}")
    seen: dict[str, int] = {}
    for i, c in enumerate(model.comparators):
        fld = f"comparators[{i}].jurisdiction"
        if c.jurisdiction.casefold() in seen:
            raise UnitError(f"{where}: {fld}: {c.jurisdiction!r} is listed twice "
                            f"(also comparators[{seen[c.jurisdiction.casefold()]}])")
        seen[c.jurisdiction.casefold()] = i
        if known is not None and c.jurisdiction not in known:
            raise UnitError(f"{where}: {fld}: {c.jurisdiction!r} is not a jurisdiction in the "
                            f"settlement data{_suggest(c.jurisdiction, known)}")

    emp = model.employer
    if model.net_grand_list is not None and emp.jurisdiction_type != "municipal":
        raise UnitError(f"{where}: net_grand_list: only a municipal employer has a net grand list "
                        f"(employer.jurisdiction_type is {emp.jurisdiction_type!r})")
    ngl = model.net_grand_list
    return Unit(
        unit=model.unit,
        name=model.name,
        employer=Employer(name=emp.name, jurisdiction=emp.jurisdiction, state=emp.state,
                          jurisdiction_type=emp.jurisdiction_type),
        occupation_group=model.occupation_group,
        cycle_year=model.cycle_year,
        fiscal_year_start_month=model.fiscal_year_start_month,
        term_years=model.term_years,
        cpi_series=model.cpi.series,
        cpi_basis=model.cpi.basis,
        comparators=tuple(Comparator(jurisdiction=c.jurisdiction, state=c.state,
                                     jurisdiction_type=c.jurisdiction_type, fips=c.fips)
                          for c in model.comparators),
        synthetic=model.synthetic,
        position_basis=model.position_basis,
        comparator_groups=tuple(dict.fromkeys(model.comparator_groups or ())),
        # The raw values: later features read these keys their own way.
        extra={k: data[k] for k in OPTIONAL_KEYS if k in data},
        path=path,
        bargaining_status=model.bargaining_status,
        contract_expires=model.contract_expires,
        net_grand_list=(NetGrandList(amount=float(ngl.amount), fiscal_year=ngl.fiscal_year, source=ngl.source,
                                     url=ngl.url, grand_list_year=ngl.grand_list_year, note=ngl.note)
                        if ngl is not None else None),
    )
