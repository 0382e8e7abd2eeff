"""``wagebrief cost`` and the brief section: formats, footing, exit codes, and privacy."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from wagebrief.analysis import costing
from wagebrief.brief import costing as costing_section
from wagebrief.cli import cost as cost_cmd
from wagebrief.brief.section import Section

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
UNITS = ["city-police", "city-public-works", "state-clerical"]


def _app() -> typer.Typer:
    # Only this command, so another command's work in progress cannot break these tests.
    app = typer.Typer()
    app.callback()(lambda: None)
    cost_cmd.register(app)
    return app


def run(*args: str):
    return CliRunner().invoke(_app(), ["cost", *args])


def roster_secrets(unit: str) -> tuple[list[str], list[str]]:
    df = pd.read_csv(ROOT / "data" / "raw" / "units" / unit / "roster.csv", dtype=str)
    top = df.loc[df["annual_base_salary"].astype(float).idxmax(), "annual_base_salary"]
    return df["employee_id"].tolist(), [top, f"{int(top):,}"]


def assert_private(text: str, unit: str) -> None:
    ids, salaries = roster_secrets(unit)
    assert not [i for i in ids if i in text], "an employee id is in the output"
    assert not [s for s in salaries if s in text], "an individual salary is in the output"


def test_registered_in_cli() -> None:
    assert '"wagebrief.cli.cost"' in (REPO / "src" / "wagebrief" / "cli" / "__init__.py").read_text()


@pytest.mark.parametrize("unit", UNITS)
def test_table_format(unit: str) -> None:
    res = run("--unit", unit)
    assert res.exit_code == 0, res.output
    assert "Term" in res.output and "FY2028" in res.output and "FY2030" in res.output
    assert "costs $" in res.output and "Note: " in res.output
    assert_private(res.output, unit)


def test_csv_dollars_to_the_cent_and_footing() -> None:
    res = run("--unit", "city-police", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert_private(res.output, "city-police")
    raw = pd.read_csv(io.StringIO(res.output), dtype=str)
    for col in ["base_payroll", "gwi", "step", "social_security", "total_cost", "cumulative_cost", "difference"]:
        assert raw[col].str.fullmatch(r"-?\d+\.\d\d").all(), col
    t = pd.read_csv(io.StringIO(res.output))
    cents = lambda s: (s * 100).round().astype("int64")  # noqa: E731
    parts = ["gwi", "step", "longevity", "lump_sum", "social_security", "medicare", "pension"]
    assert (sum(cents(t[c]) for c in parts) == cents(t["total_cost"])).all()
    assert (cents(t["wage_cost"]) + cents(t["rollup"]) == cents(t["total_cost"])).all()
    for name, g in t.groupby("scenario"):
        years, term = g[g["fiscal_year"] != "Term"], g[g["fiscal_year"] == "Term"].iloc[0]
        for c in parts + ["base_payroll", "total_cost"]:
            assert cents(years[c]).sum() == round(term[c] * 100), (name, c)
        assert list(cents(years["cumulative_cost"])) == list(cents(years["total_cost"]).cumsum())
    ref = t[t["scenario"] == "management"].set_index("fiscal_year")["total_cost"]
    for _, r in t.iterrows():
        assert round(r["difference"] * 100) == round((r["total_cost"] - ref[r["fiscal_year"]]) * 100)


def test_json_full_precision_and_scenario_filter() -> None:
    res = run("--unit", "state-clerical", "--format", "json", "--scenario", "union")
    assert res.exit_code == 0, res.output
    assert_private(res.output, "state-clerical")
    data = json.loads(res.output)
    assert {r["scenario"] for r in data["by_year"]} == {"union"}
    assert list(data["scenarios"]) == ["union"]
    assert data["fiscal_years"] == [2028, 2029, 2030] and data["synthetic"] is True
    assert any(len(repr(r["gwi"]).split(".")[-1]) > 2 for r in data["by_year"])  # not rounded
    assert any("is projected" in n for n in data["notes"])
    assert data["by_year"][0]["difference"] > 0  # still against management


def test_unknown_scenario_and_unit() -> None:
    res = run("--unit", "city-police", "--scenario", "nope")
    assert res.exit_code == 1 and "no scenario 'nope'" in res.output and "management, union" in res.output
    res = run("--unit", "city-polce")
    assert res.exit_code == 1 and "did you mean 'city-police'" in res.output


def test_bad_roster_exits_1_listing_every_problem(project: Path) -> None:
    path = project / "data" / "raw" / "units" / "state-clerical" / "roster.csv"
    lines = path.read_text().splitlines()
    lines[2] = re.sub(r",\d+,(\d{4}-\d\d-\d\d)", r",12,\1", lines[2], count=1)  # unknown step
    lines[5] = re.sub(r"(\d{4}-\d\d-\d\d),(\d+)", r"\1,-\2", lines[5], count=1)  # negative salary
    lines[7] = re.sub(r"\d{4}-\d\d-\d\d", "2031-01-01", lines[7], count=1)  # future hire
    lines.append(lines[9])  # duplicate id
    path.write_text("\n".join(lines) + "\n")
    res = run("--unit", "state-clerical")
    assert res.exit_code == 1
    got = [l for l in res.output.splitlines() if l.startswith(str(path))]
    assert got == [
        f"{path}:3:step: step is not on the schedule: expected a whole number from 1 to 8",
        f"{path}:6:annual_base_salary: annual_base_salary is negative; it must be greater than 0",
        f"{path}:8:hire_date: hire_date is in the future: expected a date on or before 2026-11-01",
        f"{path}:{len(lines)}:employee_id: employee_id duplicates row 10",
    ]
    assert "241 roster rows: 4 problems; nothing was costed" in res.output
    assert "Term" not in res.output


# ----------------------------------------------------------------------------- the brief section

@pytest.fixture(scope="module")
def police() -> costing.Costing:
    return costing.cost_unit("city-police", ROOT)


def test_brief_section(police: costing.Costing) -> None:
    s = costing_section.brief_section("city-police", costing=police)
    assert isinstance(s, Section) and s.title
    side, by_year, one_pct = (t.data for t in s.tables)
    assert list(side["Scenario"]) == ["Management offer", "Union demand", "Comparator pattern"]
    # Three budget lines (recurring, one-time, total) per fiscal year and for the term.
    assert list(by_year["Fiscal year"].drop_duplicates()) == ["FY2028", "FY2029", "FY2030", "Term"]
    assert list(one_pct["Fiscal year"]) == ["FY2028", "FY2029", "FY2030"]
    term = costing.table(police).query("fiscal_year == 'Term'").set_index("scenario")
    assert side.loc[0, "Total cost over the term"] == f"${term.loc['management', 'total_cost']:,.2f}"
    assert s.text[0].startswith("Management's offer costs $")
    assert all("SYNTHETIC roster" in t.source for t in s.tables)
    fig = s.figures[0].figure
    ax = fig.axes[0]
    assert "Fiscal year" in ax.get_xlabel() and "$" in ax.get_ylabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["FY2028", "FY2029", "FY2030"]
    assert len(ax.get_lines()) >= 3
    assert any("SYNTHETIC roster" in t.get_text() for t in fig.texts)
    assert any("is projected" in c for c in s.caveats)


def test_brief_section_shows_aggregates_only(police: costing.Costing) -> None:
    s = costing_section.brief_section("city-police", costing=police)
    fig = s.figures[0].figure
    words = s.text + s.caveats + [s.title] + [t.caption + t.source for t in s.tables]
    words += [t.data.to_string() + t.data.to_html() for t in s.tables]
    words += [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    words += [l.get_label() for ax in fig.axes for l in ax.get_lines()]
    assert_private("\n".join(words), "city-police")
    for t in s.tables:
        assert not {"employee_id", "annual_base_salary", "hire_date"} & set(map(str, t.data.columns))
