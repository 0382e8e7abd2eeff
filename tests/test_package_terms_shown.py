"""Every package term typed in a settlement file reaches the brief's non-wage terms table with
its value and source: the record's reader and the brief's display, end to end."""

from __future__ import annotations

import csv

import pytest

from conftest import DEFAULTS
from wagebrief.brief import package_terms
from wagebrief.inputs import settlements

BASE = dict(DEFAULTS, ratified_date="2024-10-01", source="Town Crier: 'Council approves' (2024-10-02)",
            source_url="https://example.org/crier")
TERMS = [
    dict(effective_date="2024-07-01", event="gwi_pct", pct="2"),
    dict(effective_date="2024-07-01", event="premium_share", pct="16"),
    dict(effective_date="2026-07-01", event="premium_share", pct="17.5"),
    dict(effective_date="2024-07-01", event="pension_contribution", pct="7"),
    dict(effective_date="2025-07-01", event="pension_contribution", pct="8"),
    dict(effective_date="2024-07-01", event="health_plan", detail="HSA with a $2,000 deductible"),
    dict(effective_date="2025-01-01", event="hours_change", hours_before="37.5", hours_per_week="40"),
    dict(effective_date="2024-07-01", event="stipend", amount="0.75/hour", detail="night shift differential"),
    dict(effective_date="2024-07-01", event="step_change", count="1", detail="step 9 added"),
    dict(effective_date="2024-07-01", event="longevity", amount="500", detail="20-year step raised"),
    dict(effective_date="2024-07-01", event="holidays", count="-1", detail="Columbus Day given up"),
    dict(effective_date="2024-07-01", event="holidays", count="1", detail="Juneteenth"),
    dict(effective_date="2026-07-01", event="reopener", detail="wages for the third year"),
    dict(effective_date="2024-12-15", event="retro_pay", detail="one lump check in December"),
    dict(effective_date="2024-07-01", event="parity", detail="me-too with the police unit"),
    dict(effective_date="2024-07-01", event="other", detail="uniform allowance $100 more"),
]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    path = tmp_path_factory.mktemp("terms") / "terms.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=settlements.ALL_COLUMNS)
        w.writeheader()
        w.writerows(BASE | t for t in TERMS)
    res = settlements.validate([path])
    assert res.problems() == []
    return package_terms.terms_table(res.valid)


@pytest.mark.parametrize("term, value, detail", [
    ("Health premium share (employee)", "16%", ""),
    ("Health premium share (employee)", "17.5% (+1.5 points over the term)", ""),
    ("Pension contribution (employee)", "8% (+1 point over the term)", ""),
    ("Health plan", "in words (see detail)", "HSA with a $2,000 deductible"),
    ("Hours", "37.5 to 40 hours a week: +6.67% of pay (not a wage increase)", ""),
    ("Steps", "+1 step", "step 9 added"),
    ("Holidays", "1 given up", "Columbus Day given up"),
    ("Holidays", "1 added", "Juneteenth"),
    ("Wage reopener", "wages from 2026-07-01 to be bargained again", "wages for the third year"),
    ("Parity clause", "in words (see detail)", "me-too with the police unit"),
    ("Other term", "in words (see detail)", "uniform allowance $100 more"),
])
def test_each_term_is_shown_with_its_value(table, term, value, detail):
    rows = table[(table["Term"] == term) & (table["Value"] == value)]
    assert len(rows) == 1, table[table["Term"] == term][["Value", "Detail"]].to_dict("records")
    assert rows.iloc[0]["Detail"] == detail
    assert rows.iloc[0]["Source"] == BASE["source"] and rows.iloc[0]["Link"] == BASE["source_url"]


def test_stipend_longevity_and_retro_are_shown(table):
    by_term = {t: list(g["Value"]) for t, g in table.groupby("Term")}
    assert any("0.75" in v and "hour" in v for v in by_term["Stipend"])
    assert any("500" in v for v in by_term["Longevity"])
    # Ratified 2024-10-01, term from 2024-07-01: 3 months retroactive, paid as the source says.
    retro = table[table["Term"] == "Retroactivity"].iloc[0]
    assert retro["Value"].startswith("3 months") and "one lump check in December" in retro["Detail"]
