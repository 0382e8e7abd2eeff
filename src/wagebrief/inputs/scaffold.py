"""``wagebrief new-unit ID``: the files a new bargaining unit needs, each commented.

Writes ``comparators/<id>.yml`` (valid as soon as it has comparators), a proposals file whose
offers are ``TODO`` (so nothing is costed until an analyst types the real offers: the error
names each field to fill), a header-only roster (git-ignored: rosters are personal data), a
header-only salary-schedule file, and ``data/raw/units/<id>/README.md``, which explains every
column and lists the salary rows the market section needs. Nothing existing is ever
overwritten: ``data/raw`` files are the analysts' own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wagebrief.inputs import roster, salaries, settlements, units
from wagebrief.config import DEFAULT_FY_START_MONTH, paths
from wagebrief.inputs.yamlschema import suggest



class ScaffoldError(ValueError):
    """The new unit cannot be written; the message names the option or file at fault."""


@dataclass
class Jurisdiction:
    """A jurisdiction's name, state and type as the unit file records them."""

    name: str
    state: str
    jurisdiction_type: str


@dataclass
class NewUnit:
    """What ``new-unit`` was asked to write."""

    unit: str
    name: str
    employer: Jurisdiction
    employer_name: str
    occupation_group: str
    cycle_year: int
    term_years: int = units.DEFAULT_TERM_YEARS
    fiscal_year_start_month: int = DEFAULT_FY_START_MONTH
    cpi_series: str = units.DEFAULT_CPI_SERIES
    comparators: list[Jurisdiction] = field(default_factory=list)
    #: Settlement jurisdictions like the employer, offered as commented-out comparators.
    candidates: list[Jurisdiction] = field(default_factory=list)


def targets(unit: str, root: str | Path | None = None) -> dict[str, Path]:
    """The files ``new-unit`` writes, by role."""
    p = paths(root)
    return {
        "unit": p.comparators / f"{unit}.yml",
        "proposals": p.comparators / "proposals" / f"{unit}.yml",
        "roster": roster.roster_path(unit, root),
        "salaries": salaries.raw_dir(root) / f"{unit}.csv",
        "readme": p.raw / "units" / unit / "README.md",
    }


def _settlement_jurisdictions(root: str | Path | None) -> dict[str, Jurisdiction]:
    """Each jurisdiction in the raw settlement data with its (most common) state and type."""
    try:
        raw = settlements.read_files([paths(root).raw_settlements])
    except settlements.SettlementFileError:
        return {}
    df = raw[["jurisdiction", "state", "jurisdiction_type"]].astype(str).apply(lambda s: s.str.strip())
    df["jurisdiction_type"] = df["jurisdiction_type"].str.lower()
    df["state"] = df["state"].str.upper()
    df = df[df["jurisdiction"].ne("")]
    out = {}
    for name, grp in df.groupby("jurisdiction", sort=True):
        top = grp.value_counts(["state", "jurisdiction_type"]).index[0]
        out[name] = Jurisdiction(name, top[0], top[1])
    return out


def plan(unit: str, *, name: str, employer: str, occupation_group: str, cycle_year: int,
         jurisdiction: str | None = None, state: str | None = None, jurisdiction_type: str | None = None,
         comparators: Sequence[str] = (), term_years: int = units.DEFAULT_TERM_YEARS,
         fiscal_year_start_month: int = DEFAULT_FY_START_MONTH, cpi_series: str = units.DEFAULT_CPI_SERIES,
         root: str | Path | None = None) -> NewUnit:
    """Check the options and look up states and types in the settlement data."""
    if not units.is_unit_id(unit):  # the one rule render and the index hold unit ids to
        raise ScaffoldError(f"ID: {unit!r} is not a unit id: {units.UNIT_ID_RULE}")
    if occupation_group not in units.OCCUPATION_GROUPS:
        raise ScaffoldError(f"--occupation-group: {occupation_group!r} is not one of "
                            f"{', '.join(units.OCCUPATION_GROUPS)}{suggest(occupation_group, units.OCCUPATION_GROUPS)}")
    if jurisdiction_type is not None and jurisdiction_type not in units.JURISDICTION_TYPES:
        raise ScaffoldError(f"--jurisdiction-type: {jurisdiction_type!r} is not one of "
                            f"{', '.join(units.JURISDICTION_TYPES)}{suggest(jurisdiction_type, units.JURISDICTION_TYPES)}")
    if state is not None and not re.fullmatch(r"[A-Z]{2}", state):
        raise ScaffoldError(f"--state: {state!r} is not a two-letter state code like 'CT'")
    known = _settlement_jurisdictions(root)
    where = jurisdiction or employer
    found = known.get(where)
    if found is None and (state is None or jurisdiction_type is None):
        raise ScaffoldError(f"--employer: {where!r} is not in the settlement data{suggest(where, known)}; "
                            "give --state and --jurisdiction-type")
    emp = Jurisdiction(where, state or found.state, jurisdiction_type or found.jurisdiction_type)
    comps = []
    for c in comparators:
        if c not in known:
            raise ScaffoldError(f"--comparator: {c!r} is not a jurisdiction in the settlement data{suggest(c, known)}")
        if c == where or c in [x.name for x in comps]:
            raise ScaffoldError(f"--comparator: {c!r} is the employer or is given twice")
        comps.append(known[c])
    candidates = [j for j in known.values() if j.name != where and j not in comps
                  and j.state == emp.state and j.jurisdiction_type == emp.jurisdiction_type]
    return NewUnit(unit=unit, name=name, employer=emp, employer_name=employer, occupation_group=occupation_group,
                   cycle_year=cycle_year, term_years=term_years, fiscal_year_start_month=fiscal_year_start_month,
                   cpi_series=cpi_series, comparators=comps, candidates=candidates)


def _q(text: str) -> str:
    """A YAML scalar for a flow mapping: plain when safe, else JSON-quoted (valid YAML)."""
    words = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .'()&/-]*", text) and text.lower() not in words:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(j: Jurisdiction) -> str:
    return f"{{jurisdiction: {_q(j.name)}, state: {j.state}, jurisdiction_type: {j.jurisdiction_type}}}"


def unit_yaml(u: NewUnit) -> str:
    """The commented unit file."""
    lines = [
        f"# Bargaining unit {u.unit}: what its brief is about. Written by `wagebrief new-unit`;",
        "# every field is documented in docs/inputs.md. Check it with `wagebrief render --unit "
        f"{u.unit}` once the roster, salaries and proposals are filled in.",
        f"unit: {u.unit}                      # must equal this file's name",
        f"name: {_q(u.name)}",
        f"employer: {{name: {_q(u.employer_name)}, jurisdiction: {_q(u.employer.name)}, state: {u.employer.state}, "
        f"jurisdiction_type: {u.employer.jurisdiction_type}}}",
        f"occupation_group: {u.occupation_group}   # one of {', '.join(units.OCCUPATION_GROUPS)}",
        f"cycle_year: {u.cycle_year}                # the year bargaining takes place",
        f"fiscal_year_start_month: {u.fiscal_year_start_month}        # 7 = July; FY2028 = July 2027 to June 2028",
        f"term_years: {u.term_years}                     # length of the contract being bargained",
        f"cpi: {{series: {u.cpi_series}, basis: fiscal}}   # BLS CPI-U series; CUUR0100SA0 = Northeast",
        "# Comparator jurisdictions, spelt exactly as in data/raw/settlements (at least one).",
        "comparators:",
    ]
    lines += [f"  - {_flow(c)}" for c in u.comparators]
    if u.candidates:
        lines.append("# Candidates from the settlement data (same state and type): uncomment the ones that fit,")
        lines.append(f"# or rank them with `wagebrief comparables --unit {u.unit}`.")
        lines += [f"#  - {_flow(c)}" for c in u.candidates]
    lines += [
        "# Optional: benchmark_titles: [Clerk, Secretary]   (default: the occupation group's titles with data)",
        "# Optional: ability_to_pay: / notes: text, a list or a mapping, shown in the brief.",
        "",
    ]
    return "\n".join(lines)


def _fy_start(u: NewUnit, offset: int) -> str:
    return f"{u.cycle_year + offset}-{u.fiscal_year_start_month:02d}-01"


def proposals_yaml(u: NewUnit) -> str:
    """The commented proposals file; every offer is TODO so nothing is costed by accident."""
    start = dt.date(u.cycle_year, u.fiscal_year_start_month, 1)
    end = dt.date(u.cycle_year + u.term_years, u.fiscal_year_start_month, 1) - dt.timedelta(days=1)

    def events(indent: str) -> list[str]:
        return [f"{indent}- {{effective_date: {_fy_start(u, k)}, gwi_pct: TODO}}" for k in range(u.term_years)]

    return "\n".join([
        f"# Proposals for {u.unit}: the term, pay rules and the offers `wagebrief cost` prices.",
        "# Replace every TODO (cost and render refuse the file until then, naming each field).",
        "# Event kinds: gwi_pct (percent), gwi_flat (dollars added to the annual rate), lump_sum",
        "# (dollars per full-time employee), lump_sum_pct, step_movement (true). docs/inputs.md has every key.",
        f"unit: {u.unit}",
        f"term_start: {start.isoformat()}",
        f"term_end: {end.isoformat()}",
        f"roster_as_of: {(start - dt.timedelta(days=1)).isoformat()}   # the date of data/raw/units/{u.unit}/roster.csv",
        "# steps: {top_step: 8, increment_pct: 3.0, timing: anniversary}   # needed for step_movement events",
        "# longevity: {basis: flat, schedule: {10: 600, 15: 900}}          # needs roster column longevity_eligible",
        "rollup:",
        "  social_security: true       # employer OASDI 6.2% up to the wage base",
        "  medicare: true              # employer HI 1.45%",
        "  rates: {}                   # e.g. {pension: 14.5}: employer percent of pensionable pay",
        "reference_scenario: management",
        "scenarios:",
        "  management:",
        "    label: Management offer",
        "    events:",
        *events("      "),
        "  union:",
        "    label: Union demand",
        "    events:",
        *events("      "),
        "  comparator_pattern:",
        "    label: Comparator pattern",
        "    derive: comparator_median   # each fiscal year's median comparator increase",
        "",
    ])


def _table(docs: dict[str, tuple[str, str, str]]) -> list[str]:
    rows = ["| column | type | required | meaning |", "|---|---|---|---|"]
    rows += [f"| `{c}` | {t} | {r} | {d.replace('|', '/')} |" for c, (t, r, d) in docs.items()]
    return rows


def readme(u: NewUnit) -> str:
    """The unit's guide: what to fill in, column by column, and the commands to run."""
    titles = salaries.benchmark_titles().get(u.occupation_group, [])
    who = [u.employer] + u.comparators
    return "\n".join([
        f"# {u.name} ({u.unit}): files to fill in",
        "",
        "Written by `wagebrief new-unit`. Fill these in, then run `wagebrief validate`, `wagebrief build`,",
        f"`wagebrief cost --unit {u.unit}` and `wagebrief render --unit {u.unit}`.",
        "",
        f"1. `comparators/{u.unit}.yml`: add the comparator jurisdictions.",
        f"2. `comparators/proposals/{u.unit}.yml`: replace every `TODO` with the real offers.",
        f"3. `data/raw/units/{u.unit}/roster.csv`: one row per employee on `roster_as_of`.",
        f"4. `data/raw/salaries/{u.unit}.csv`: the salary schedules of the employer and each comparator.",
        "",
        "## The roster is personal data",
        "",
        "`roster.csv` is git-ignored: never commit it, mail it or paste it into a report. No names are",
        "needed; `employee_id` can be any id unique within the file. Columns (header row as written):",
        "",
        *_table(roster.COLUMN_DOCS),
        "",
        "## Salary schedules",
        "",
        "One row per jurisdiction x benchmark title x effective date. The market section compares",
        f"these titles of the {u.occupation_group} group: {', '.join(titles) or '(none in the vocabulary)'};",
        "so enter, for each of these jurisdictions, a row per title and schedule date:",
        "",
        *[f"- {j.name} ({j.state})" for j in who],
        "",
        *_table(salaries.COLUMN_DOCS),
        "",
        "Every input file is documented in docs/inputs.md.",
        "",
    ])


def write(u: NewUnit, root: str | Path | None = None) -> list[Path]:
    """Write the new unit's files; refuse if any of them exists. Returns the paths written."""
    files = targets(u.unit, root)
    existing = [p for p in files.values() if p.exists()]
    if existing:
        raise ScaffoldError(f"{existing[0]}: already exists; new-unit never overwrites a file "
                            f"(pick another ID or remove {', '.join(map(str, existing))})")
    content = {
        "unit": unit_yaml(u),
        "proposals": proposals_yaml(u),
        "roster": ",".join(roster.COLUMNS + roster.OPTIONAL_COLUMNS) + "\n",
        "salaries": ",".join(salaries.COLUMNS) + "\n",
        "readme": readme(u),
    }
    for role, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content[role], encoding="utf-8")
    return list(files.values())
