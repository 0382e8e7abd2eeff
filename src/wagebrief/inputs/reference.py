"""The input-file reference, ``docs/inputs.md``, generated from the code's own schemas.

YAML files are documented from their pydantic models' JSON Schema (:class:`wagebrief.inputs.units.UnitFile`,
:class:`wagebrief.inputs.proposals_schema.ProposalsFile`); table files from each reader's ``COLUMN_DOCS``
and vocabularies. ``tests/test_reference.py`` fails when the committed page differs from a fresh
generation. Regenerate with ``wagebrief reference --out docs/inputs.md`` (or
``python -m wagebrief.inputs.reference > docs/inputs.md``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from wagebrief.inputs import (areas, fiscal_indicators, office, profiles, proposals_items, proposals_schema, published,
                              roster, salaries, settlements, template, units)

REGENERATE = "wagebrief reference --out docs/inputs.md"

UNIT_EXAMPLE = """\
unit: town-clerical
name: Town Clerical Bargaining Unit
employer: {name: Town of Example, jurisdiction: Town of Example, state: CT, jurisdiction_type: municipal}
occupation_group: clerical
cycle_year: 2027
cpi: {series: CUUR0100SA0}          # basis defaults to fiscal
comparators:
  - {jurisdiction: City of New Haven, state: CT, jurisdiction_type: municipal}
  - {jurisdiction: Town of West Hartford, state: CT, jurisdiction_type: municipal, fips: "0900382660"}
"""

#: A row of the shipped file (codes from Census, see the file's header).
AREAS_EXAMPLE = """\
jurisdictions:
  New Haven: {state: CT, type: city, county: "09009", planning_region: "09170", cousub: "52070"}
"""

PROPOSALS_EXAMPLE = """\
unit: town-clerical
term_start: 2027-07-01
term_end: 2030-06-30
steps: {top_step: 8, increment_pct: 3.0, timing: anniversary}
longevity: {basis: flat, schedule: {10: 600, 15: 900}}
rollup: {rates: {pension: 14.5}, stipends_pensionable: false}
health: {premiums: {single: 9600, employee_plus_one: 19200, family: 26400}, employee_share_pct: 15}
employee_pension_pct: 5
holidays: {cash: false, hours_per_holiday: 8}
settled_on: 2027-11-15
scenarios:
  management:
    label: Management offer
    events:
      - {effective_date: 2027-07-01, gwi_pct: 2.0}
      - {effective_date: 2027-07-01, lump_sum: "$1,000"}
      - {effective_date: 2028-07-01, step_movement: true}
      - {effective_date: 2028-07-01, premium_share_pct: 20}
      - {effective_date: 2028-07-01, pension_employee_pct: 6}
      - {effective_date: 2029-01-01, stipend: 0.75, per: hour, titles: [Secretary]}
      - {effective_date: 2029-07-01, holidays_added: 1}
  comparator_pattern:
    derive: comparator_median
    steps_from: management
"""

ROSTER_EXAMPLE = """\
employee_id,title,step,hire_date,annual_base_salary,fte,longevity_eligible,coverage_tier
E0001,Clerk,3,2019-09-16,"$48,200",1,yes,family
E0002,Secretary,8,2008-02-04,61400,0.5,no,waived
"""

SALARY_EXAMPLE = """\
jurisdiction,state,unit,benchmark_title,effective_date,steps,min_salary,max_salary,hours_per_week,longevity_10
City of New Haven,CT,Clerical,Clerk,2025-07-01,8,"$44,100","$56,300",35,500
"""


def _cell(text: Any) -> str:
    # Outside code spans a bare <unit> would be taken for an HTML tag and vanish.
    return (str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;"))


def _values(alt: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a mapping's values (``dict[str, X]`` or, with a key pattern, ``patternProperties``)."""
    if alt.get("additionalProperties"):
        return alt["additionalProperties"]
    pattern = alt.get("patternProperties")
    return next(iter(pattern.values())) if pattern else None


def _num(x: float) -> str:
    if not float(x).is_integer():
        return f"{x:g}"
    return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))  # years stay 2000, not 2,000


def _doc(text: str | None) -> str:
    return (text or "").strip().replace("``", "`")


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop or prop["default"] is None:
        return ""
    value = prop["default"]
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return defs[prop["$ref"].rsplit("/", 1)[-1]]
    return prop


def _alternatives(prop: dict[str, Any]) -> list[dict[str, Any]]:
    alts = prop.get("anyOf") or [prop]
    return [a for a in alts if a.get("type") != "null"]


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A reader's name for a JSON Schema type: "whole number 1-12", "date", "list of mapping"."""
    parts = []
    for alt in _alternatives(prop):
        if "$ref" in alt:
            parts.append("mapping (fields below)")
            continue
        t = alt.get("type")
        if isinstance(t, list):
            parts.append(", ".join({"string": "text", "array": "list", "object": "mapping"}.get(x, x) for x in t))
        elif "enum" in alt or "const" in alt:
            parts.append("one of " + ", ".join(f"`{v}`" for v in alt.get("enum", [alt.get("const")])))
        elif t == "integer" or t == "number":
            word = "whole number" if t == "integer" else "number"
            lo, hi = alt.get("minimum"), alt.get("maximum")
            rng = (f" {_num(lo)} to {_num(hi)}" if lo is not None and hi is not None
                   else (f" at least {_num(lo)}" if lo is not None else ""))
            parts.append(word + rng)
        elif t == "boolean":
            parts.append("`true` or `false`")
        elif t == "string":
            parts.append("date (YYYY-MM-DD)" if alt.get("format") == "date" else
                         (f"text matching `{alt['pattern']}`" if "pattern" in alt else "text"))
        elif t == "array":
            parts.append("list of " + _type(alt.get("items", {}), defs))
        elif t == "object":
            key = "name" if "patternProperties" in alt else "key"
            val = _values(alt)
            parts.append(f"mapping of {key} to " + (("mapping (fields below)" if "$ref" in val else _type(val, defs))
                                                    if val else "value"))
        else:
            parts.append("any")
    return " or ".join(parts)


def _nested(prop: dict[str, Any], defs: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, model schema) of the models a field holds: directly, as list items or mapping values."""
    for alt in _alternatives(prop):
        if "$ref" in alt:
            yield path, _resolve(alt, defs)
        elif alt.get("type") == "array" and "$ref" in alt.get("items", {}):
            yield f"{path}[]", _resolve(alt["items"], defs)
        elif alt.get("type") == "object" and "$ref" in (_values(alt) or {}):
            yield f"{path}.<name>", _resolve(_values(alt), defs)


def _field_rows(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> Iterator[str]:
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        req = "required" if name in required else "optional"
        yield (f"| `{path}` | {_cell(_type(prop, defs))} | {req} | {_default(prop)} | "
               f"{_cell(_doc(prop.get('description')))} |")
        for sub_path, sub in _nested(prop, defs, path):
            yield from _field_rows(sub, defs, sub_path)


def model_table(model: type[BaseModel]) -> list[str]:
    """A markdown table of every field of ``model`` and its nested models, from its JSON Schema."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    return ["| field | type | required | default | description |", "|---|---|---|---|---|",
            *_field_rows(schema, defs)]


def column_table(docs: dict[str, tuple[str, str, str]], vocabularies: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """A markdown table of a table file's columns from its ``COLUMN_DOCS``."""
    vocabularies = vocabularies or {}
    rows = ["| column | type | required | allowed values | description |", "|---|---|---|---|---|"]
    for col, (kind, req, text) in docs.items():
        allowed = ", ".join(f"`{v}`" for v in vocabularies.get(col, ()))
        rows.append(f"| `{col}` | {_cell(kind)} | {req} | {allowed} | {_cell(text)} |")
    return rows


def vocabularies() -> dict[str, tuple[str, ...]]:
    """Every vocabulary an input file uses, by the column or field that takes it."""
    ps = proposals_schema
    out = dict(settlements.VOCABULARIES)
    out.update({"cpi.basis": units.CPI_BASES, "steps.timing": ps.STEP_TIMINGS,
                "longevity.basis": ps.LONGEVITY_BASES, "scenarios.<name>.derive": ps.DERIVATIONS,
                "proposals: event kinds": ps.EVENT_KINDS})
    return out


def _code(lang: str, text: str) -> list[str]:
    return [f"```{lang}", text.rstrip("\n"), "```"]


def markdown() -> str:
    """The whole reference page, as markdown."""
    vocab = vocabularies()
    settlement_example = ",".join(template.columns()) + "\n" + "\n".join(
        ",".join(_csv(row.get(c, "")) for c in template.columns()) for _, row in template.EXAMPLES)
    out = [
        "# Input files reference",
        "",
        f"Generated from the code's own schemas by `{REGENERATE}`; do not edit by hand",
        "(`tests/test_reference.py` fails when this page is stale). `wagebrief new-unit ID` writes",
        "commented templates of the unit, proposals, roster and salary files;",
        "`wagebrief template settlements FILE.xlsx` writes a settlement entry workbook.",
        "",
        "Every problem in an input file is reported with the file and the field",
        "(`comparators/x.yml: occupation_grup: unknown key (did you mean 'occupation_group'?)`) or,",
        "for tables, the row and column (`file.csv:12:pct: cannot read 'x' as a number`).",
        "",
        "## Vocabularies",
        "",
        "| used by | allowed values |",
        "|---|---|",
        *[f"| `{k}` | {', '.join(f'`{v}`' for v in vals)} |" for k, vals in vocab.items()],
        "",
        "Benchmark titles (`benchmark_title` in salary schedules, `benchmark_titles` in unit files), by",
        "occupation group, from `src/wagebrief/data/benchmark_titles.yml`:",
        "",
        "| occupation group | benchmark titles |",
        "|---|---|",
        *[f"| `{g}` | {', '.join(ts)} |" for g, ts in salaries.benchmark_titles().items()],
        "",
        "## Unit file: `comparators/<unit>.yml`",
        "",
        _doc(units.UnitFile.__doc__),
        "Unknown keys are errors. Comparator names must appear in the settlement data.",
        "",
        *model_table(units.UnitFile),
        "",
        *_code("yaml", UNIT_EXAMPLE),
        "",
        "## Proposals file: `comparators/proposals/<unit>.yml`",
        "",
        _doc(proposals_schema.ProposalsFile.__doc__),
        "Each event has `effective_date` and exactly one of the event kinds. Numbers may be typed",
        "as analysts type them (`2.5%`, `$1,500`).",
        "",
        *model_table(proposals_schema.ProposalsFile),
        "",
        "How the items beyond wages are costed (each against the settings as they stand today, by day):",
        "",
        *[f"- {line}" for line in proposals_items.COSTING_RULES],
        "",
        *_code("yaml", PROPOSALS_EXAMPLE),
        "",
        "## Settlement files: `data/raw/settlements/*.csv`, `*.xlsx`",
        "",
        "One row per event of a contract (a raise or a package term). Headers are matched ignoring case; an XLSX sheet may",
        f"have title rows above its header (the first {settlements.XLSX_HEADER_SCAN} rows are searched).",
        "Optional columns may be left out of a file.",
        "",
        *column_table(settlements.COLUMN_DOCS, settlements.VOCABULARIES),
        "",
        "One example row per event kind (the template's instructions sheet has the same rows):",
        "",
        *_code("csv", settlement_example),
        "",
        "## Rosters: `data/raw/units/<unit>/roster.csv`",
        "",
        "The unit's payroll on the proposals file's `roster_as_of`, one row per employee. **Personal",
        "data**: git-ignored, never in a report or a log.",
        "",
        *column_table(roster.COLUMN_DOCS),
        "",
        *_code("csv", ROSTER_EXAMPLE),
        "",
        "## Salary schedules: `data/raw/salaries/*.csv`, `*.xlsx`",
        "",
        "One row per jurisdiction x unit x benchmark title x effective date. `title_map.csv` in the",
        "same folder (`jurisdiction, local_title, benchmark_title[, notes]`) maps local titles.",
        "",
        *column_table(salaries.COLUMN_DOCS),
        "",
        *_code("csv", SALARY_EXAMPLE),
        "",
    ]
    out += [
        "## Comparator profiles: `data/raw/profiles/*.csv`",
        "",
        "Figures for the comparables scoring that the pull cannot find; a typed figure wins over",
        "the pulled one, and a blank one is filled from the pull.",
        "",
        *column_table(profiles.COLUMN_DOCS, {"jurisdiction_type": profiles.JURISDICTION_TYPES}),
        "",
        "## Published averages: `data/raw/reference/published_averages.csv`",
        "",
        "Averages a state board publishes (Ohio SERB's first-year average by year and unit type, with",
        "its count of contracts; New Jersey PERC's award and voluntary averages), shown beside a",
        "unit's comparators as cited facts, never mixed into their measures.",
        "",
        *column_table(published.COLUMN_DOCS, published.VOCAB),
        "",
        "## Municipal fiscal indicators: `data/raw/fiscal/municipal_fiscal_indicators.csv`",
        "",
        "One row per municipality and fiscal year in the layout of Connecticut OPM's *Municipal Fiscal",
        "Indicators*, with OPM's field names, so its published rows can be pasted as they are. The brief's",
        "ability-to-pay factor reads it: unassigned fund balance as a percent of expenditures (against",
        "the GFOA's two months, 16.7%), mill rate, grand list per capita, revenue growth and debt service,",
        "the employer against its comparators, each with its fiscal year and source. Parenthesised",
        "amounts (`(1,000)`) are negative.",
        "",
        *column_table(fiscal_indicators.COLUMN_DOCS),
        "",
        "## Office settings: `comparators/office/settings.yml`",
        "",
        _doc(office.OfficeFile.__doc__),
        "`wagebrief render --all` writes `reports/<cycle>/office.html`; `--guideline` and",
        "`--target-percentile` override the file. Unknown keys are errors.",
        "",
        *model_table(office.OfficeFile),
        "",
        *_code("yaml", "guideline_pct: 2.5        # a GWI of 2.5% at each fiscal-year start\ntarget_percentile: 50\n"),
        "",
        "## Area mapping: `src/wagebrief/public/pull/areas.yml`",
        "",
        _doc(areas.AreasFile.__doc__),
        "The pull places a comparator on its QCEW area and Census geography from this file (or from",
        "a `fips` in the unit file). Add a jurisdiction here to profile it; codes are quoted so they",
        "keep their leading zeros. Unknown keys are errors.",
        "",
        *model_table(areas.AreasFile),
        "",
        *_code("yaml", AREAS_EXAMPLE),
        "",
    ]
    return "\n".join(out)


def _csv(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ',"\n') else value


def main() -> None:
    """``python -m wagebrief.inputs.reference``: print the page."""
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
