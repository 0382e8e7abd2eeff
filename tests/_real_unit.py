"""A real (non-synthetic) unit in a scratch project, for the label and profile tests.

Its employer and comparators are invented towns that are not in pull/areas.yml, so the pull can
not profile them; their settlements are in their own file, beside the shipped demo file. Every
figure here is invented for the tests and lives only in a temporary directory.
"""

from __future__ import annotations

import csv
from pathlib import Path

from wagebrief.inputs import settlements

UNIT = "smalltown-police"
EMPLOYER = "Town of Smalltown"
COMPARATORS = ("Town of Littleville", "Town of Tinyburg")
UNIT_YML = f"""\
unit: {UNIT}
name: Smalltown Police Bargaining Unit
employer: {{name: {EMPLOYER}, jurisdiction: {EMPLOYER}, state: CT, jurisdiction_type: municipal}}
fips: "0900199991"
occupation_group: police
cycle_year: 2027
term_years: 3
cpi: {{series: CUUR0110SA0, basis: fiscal}}
comparators:
  - {{jurisdiction: {COMPARATORS[0]}, state: CT, jurisdiction_type: municipal, fips: "0900199992"}}
  - {{jurisdiction: {COMPARATORS[1]}, state: CT, jurisdiction_type: municipal}}
synthetic: false
"""


def settlement_rows(source: str = "Council minutes (test fixture)") -> list[dict]:
    """One three-year police contract per town, 2.5% a year."""
    out = []
    for n, town in enumerate((EMPLOYER, *COMPARATORS)):
        for k, year in enumerate((2024, 2025, 2026)):
            out.append({c: "" for c in settlements.COLUMNS} | dict(
                settlement_id=f"T{n}", jurisdiction=town, state="CT", jurisdiction_type="municipal",
                unit="Police", union="Police Union", occupation_group="police", settlement_type="voluntary",
                ratified_date="2024-05-01", term_start="2024-07-01", term_end="2027-06-30",
                effective_date=f"{year}-07-01", event="gwi_pct", pct="2.5", employees="40",
                source=source, source_url="https://example.org/minutes"))
    return out


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """Write ``rows`` as a CSV file (header from ``columns`` or the first row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns or list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def make(project: Path) -> Path:
    """Add the real unit, its settlement file (beside the demo one) to ``project``."""
    write_csv(project / "data/raw/settlements/smalltown_settlements.csv", settlement_rows(), settlements.COLUMNS)
    path = project / "comparators" / f"{UNIT}.yml"
    path.write_text(UNIT_YML, encoding="utf-8")
    return path
