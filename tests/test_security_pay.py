"""Issue 13, one person's pay and CSV on standard output: each attack, and what now happens.

Defended here:
* a roster of fewer than N employees (5, ``WAGEBRIEF_MIN_GROUP_SIZE``) shows no pay figure in the
  brief, the ``cost`` table, CSV or JSON: every figure is marked suppressed and the text says so;
* a component paid to fewer than N employees (a step or longevity cost) is suppressed with the
  rest of its row's breakdown, a total from fewer than N with what is derived from it; the
  totals that are safe stay;
* a mistyped roster cell (a name and SSN typed into ``step``) is never echoed: the message
  names the file, row and column and what was expected;
* ``metrics``, ``cost``, ``comparables`` and ``market --format csv`` print through the files'
  CSV writer (CRLF rows, a bare carriage return quoted, formulas neutralised), and ``market``
  prints one table per stream;
* an unreadable roster is a one-line error naming the file, exit 1, not a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from test_costing import PROPOSALS, ROSTER, make_costing_inputs
from wagebrief import config
from wagebrief.analysis import costing
from wagebrief.brief import costing as costing_section
from wagebrief.inputs import proposals, roster
from wagebrief import io as wio
from wagebrief.cli import cost as cost_cmd
from wagebrief.cli import data as data_cmd
from wagebrief.cli import market as market_cmd

MARK = "suppressed: fewer than 5 employees"
MIN_GROUP_ENV = "WAGEBRIEF_MIN_GROUP_SIZE"
SECRET = "Jane Doe SSN 123-45-6789"


def _app(*modules) -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    for m in modules:
        m.register(app)
    return app


def run_cost(*args: str):
    return CliRunner().invoke(_app(cost_cmd), ["cost", *args])


def one_person_roster(project: Path) -> Path:
    """city-police's roster cut to one employee paid $54,321.99."""
    path = project / "data" / "raw" / "units" / "city-police" / "roster.csv"
    header, first = path.read_text().splitlines()[:2]
    cells = first.split(",")
    cells[header.split(",").index("annual_base_salary")] = "54321.99"
    path.write_text(header + "\n" + ",".join(cells) + "\n")
    return path


def salary_traces(text: str) -> list[str]:
    """Figures that give the one salary away: itself, 1% of it, or any dollar amount at all
    (but the published Social Security wage base a note cites, and the bases projected from them alone)."""
    projected = proposals.wage_bases(range(2027, 2036))["wage_base"]
    public = {f"${v:,.0f}" for v in [*proposals.wage_base_table()["wage_base"], *projected, 300]}
    found = [s for s in ("54321", "54,321", "543.2", "5,432") if s in text]
    return found + [m for m in re.findall(r"\$[\d,.]*\d", text) if m not in public]


@pytest.fixture(autouse=True)
def _default_min_group(monkeypatch) -> None:
    monkeypatch.delenv(MIN_GROUP_ENV, raising=False)


# ----------------------------------------------------------------------------- one person's pay

def test_one_employee_brief_section_shows_no_pay(project: Path) -> None:
    one_person_roster(project)
    s = costing_section.brief_section("city-police", project)
    text = "\n".join(s.text + s.caveats + [t.caption + t.source + t.data.to_string() for t in s.tables])
    assert not salary_traces(text), salary_traces(text)
    assert "Base payroll" in s.tables[1].data.columns and set(s.tables[1].data["Base payroll"]) == {MARK}
    assert set(s.tables[0].data["Total cost over the term"]) == {MARK}
    assert any("fewer than 5 employees" in t and "suppressed" in t for t in s.text)
    assert not s.figures  # no chart of hidden numbers


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_one_employee_cost_cli_shows_no_pay(project: Path, fmt: str) -> None:
    one_person_roster(project)
    res = run_cost("--unit", "city-police", "--format", fmt)
    assert res.exit_code == 0, res.output
    assert not salary_traces(res.stdout), salary_traces(res.stdout)
    if fmt == "csv":
        t = pd.read_csv(io.StringIO(res.stdout), dtype=str, keep_default_na=False)
        for c in ["base_payroll", "gwi", "step", "total_cost", "cost_per_employee", "cost_of_1pct", "fte",
                  "pct_of_base_payroll", "end_of_term_lift"]:
            assert (t[c].eq(MARK) | t[c].eq("")).all() and t[c].eq(MARK).any(), c
        assert "suppressed" in res.stderr
    elif fmt == "json":
        out = json.loads(res.stdout)
        assert all(r["base_payroll"] is None and r["total_cost"] is None for r in out["by_year"])
        assert all(r["cost_of_1pct"] is None and r["fte"] is None for r in out["summary"])
        assert all(r["total"] is None for r in out["cost_of_1pct"])
        assert out["min_group_size"] == 5 and out["suppressed"]
        assert any("fewer than 5 employees" in n for n in out["notes"])
    else:
        assert "suppressed" in res.stdout and "fewer than 5 employees" in res.stdout


def test_component_paid_to_few_employees_is_suppressed_and_safe_totals_kept(tmp_path: Path) -> None:
    # Five employees (enough for unit totals); three of them move a step: the step cost, and
    # the rest of that row's breakdown (which would give it back), are suppressed.
    prop, df = make_costing_inputs(tmp_path)
    c = costing.cost_roster(df, prop)
    side = costing_section.side_by_side(c).set_index("Scenario")
    for col in ["Step movement", "GWI", "Lump sums", "Roll-up"]:
        assert set(side[col]) == {MARK}, col
    assert side["Total cost over the term"].str.match(r"^\$[\d,]+\.\d\d$").all()
    by_year = costing_section.by_fiscal_year(c)
    assert by_year["Base payroll"].str.startswith("$").all()
    t = costing.table(c)
    assert t["step"].isna().all() and t["total_cost"].notna().all()
    assert any("Figures computed from fewer than 5 employees are suppressed" in x for x in costing_section.sentences(c))
    # The full-precision engine result is unchanged: suppression is presentation only.
    assert c.by_year["step"].gt(0).all()


def test_total_from_few_employees_hides_its_total_difference_and_term(tmp_path: Path) -> None:
    # Six employees; the union scenario only moves steps, and only T1 and T3 are below top step.
    six = ROSTER.replace("T3,Clerk,1,", "T3,Clerk,7,").replace("T5,Analyst,5,", "T5,Analyst,8,") + \
        "T6,Clerk,8,2011-01-01,61000,1\n"
    only_steps = PROPOSALS.replace("""      - {effective_date: 2025-07-01, gwi_pct: 3.0}
      - {effective_date: 2025-07-01, step_movement: true}""", "      - {effective_date: 2025-07-01, step_movement: true}")
    prop, df = make_costing_inputs(tmp_path, proposals_text=only_steps, roster_text=six)
    c = costing.cost_roster(df, prop)
    t = costing.table(c).set_index(["scenario", "fiscal_year"])
    for col in ["total_cost", "cumulative_cost", "difference", "cost_per_employee", "pct_of_base_payroll"]:
        assert pd.isna(t.loc[("union", "FY2026"), col]) and pd.isna(t.loc[("union", "Term"), col]), col
    assert pd.notna(t.loc[("management", "Term"), "total_cost"])
    s = " ".join(costing_section.sentences(c))
    assert "the union's demand costs " + MARK in s


def test_min_group_size_is_a_setting(tmp_path: Path, monkeypatch) -> None:
    from wagebrief.analysis import disclosure

    prop, df = make_costing_inputs(tmp_path)
    monkeypatch.setenv(MIN_GROUP_ENV, "3")
    assert costing.table(costing.cost_roster(df, prop))["step"].notna().all()
    monkeypatch.setenv(MIN_GROUP_ENV, "6")
    c = costing.cost_roster(df, prop)
    assert costing.table(c)["base_payroll"].isna().all()
    assert disclosure.mark(c.min_group) in costing_section.by_fiscal_year(c)["Base payroll"].iloc[0]
    monkeypatch.setenv(MIN_GROUP_ENV, "five")
    with pytest.raises(config.SettingError, match="WAGEBRIEF_MIN_GROUP_SIZE"):
        config.min_group_size()
    res = run_cost("--unit", "city-police")
    assert res.exit_code == 1 and "error: WAGEBRIEF_MIN_GROUP_SIZE='five'" in res.output
    assert "Traceback" not in res.output


# ----------------------------------------------------------------------------- roster messages

@pytest.mark.parametrize("column", ["step", "hire_date", "annual_base_salary", "fte", "longevity_eligible"])
def test_a_mistyped_roster_cell_is_never_echoed(tmp_path: Path, column: str) -> None:
    path = tmp_path / "roster.csv"
    cells = {"employee_id": "E1", "title": "Clerk", "step": "2", "hire_date": "2020-01-01",
             "annual_base_salary": "50000", "fte": "1", "longevity_eligible": "yes", column: SECRET}
    path.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n")
    (problem,) = roster.validate(path, top_step=8).problems()
    assert "Jane" not in problem and "123-45" not in problem
    expected = {"step": "a whole number from 1 to 8", "hire_date": "a date (YYYY-MM-DD, M/D/YYYY or an Excel serial)",
                "annual_base_salary": "dollars, such as 52000 or $52,000",
                "fte": "a number greater than 0 and at most 1", "longevity_eligible": "yes or no (blank is no)"}
    assert problem == f"{path}:2:{column}: cannot read this {column}: expected {expected[column]}"


@pytest.mark.parametrize("column,typed", [("step", "99"), ("fte", "7.25"), ("hire_date", "2099-03-04")])
def test_an_out_of_range_roster_cell_is_never_echoed(tmp_path: Path, column: str, typed: str) -> None:
    path = tmp_path / "roster.csv"
    cells = {"employee_id": "E1", "title": "Clerk", "step": "2", "hire_date": "2020-01-01",
             "annual_base_salary": "50000", "fte": "1", column: typed}
    path.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n")
    (problem,) = roster.validate(path, top_step=8, as_of=pd.Timestamp("2026-01-01")).problems()
    assert problem.startswith(f"{path}:2:{column}: ") and "expected" in problem
    # Only the message after the file name: pytest's temporary folder is numbered per run
    # (pytest-99), which must not fail the run it happens to match.
    assert typed not in problem[len(f"{path}:2:{column}: "):]


def test_cost_never_echoes_a_roster_cell(project: Path) -> None:
    path = project / "data" / "raw" / "units" / "city-police" / "roster.csv"
    lines = path.read_text().splitlines()
    lines[3] = re.sub(r"^([^,]*,[^,]*),\d+,", rf"\1,{SECRET},", lines[3])
    path.write_text("\n".join(lines) + "\n")
    res = run_cost("--unit", "city-police")
    assert res.exit_code == 1
    assert f"{path}:4:step: cannot read this step: expected a whole number from 1 to 8" in res.output
    assert "Jane" not in res.output and "123-45" not in res.output


def test_an_unreadable_roster_is_one_line_naming_the_file(project: Path, monkeypatch) -> None:
    path = project / "data" / "raw" / "units" / "city-police" / "roster.csv"
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    res = run_cost("--unit", "city-police")
    assert isinstance(res.exception, SystemExit), res.exception  # not a traceback
    assert res.exit_code == 1
    assert res.output == f"error: {path}: cannot read the file (Permission denied)\n"


# ----------------------------------------------------------------------------- CSV on stdout

def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_echo_csv_quotes_a_bare_carriage_return_and_uses_crlf() -> None:
    buf = io.StringIO(newline="")
    wio.echo_csv(pd.DataFrame({"name": ["ok", "x\r=1+1", "=2+2"], "n": [1, 2, 3]}), buf)
    text = buf.getvalue()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert pd.read_csv(io.StringIO(text)).shape == (3, 2)
    assert [r[0] for r in _rows(text)] == ["name", "ok", "x\r=1+1", "'=2+2"]


def test_metrics_csv_keeps_a_carriage_return_inside_its_cell(tmp_path: Path) -> None:
    from conftest import rows
    from wagebrief.inputs import settlements

    f = tmp_path / "s.csv"
    rows(dict(pct="2", unit="Clerical\r=1+1")).loc[:, settlements.COLUMNS].to_csv(f, index=False, quoting=csv.QUOTE_ALL)
    res = CliRunner().invoke(_app(data_cmd), ["metrics", str(f), "--format", "csv"])
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes.decode()  # (Result.stdout turns CRLF into LF)
    got = pd.read_csv(io.StringIO(out), dtype=str)
    assert len(got) == 1 and got["unit"].iloc[0] == "Clerical\r=1+1"
    assert not got.apply(lambda s: s.str.startswith(("=", "+", "@"))).any().any()
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")


def test_cost_csv_keeps_a_carriage_return_inside_its_cell(project: Path) -> None:
    path = project / "comparators" / "proposals" / "city-police.yml"
    text = path.read_text()
    assert "label: Management offer" in text
    path.write_text(text.replace("label: Management offer", 'label: "Offer\\r=1+1"', 1))
    res = run_cost("--unit", "city-police", "--format", "csv")
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes.decode()  # (Result.stdout turns CRLF into LF)
    t = pd.read_csv(io.StringIO(out), dtype=str)
    assert len(t) == 12 and set(t["fiscal_year"]) == {"FY2028", "FY2029", "FY2030", "Term"}
    assert set(t["label"]) >= {"Offer\r=1+1"} and not t["label"].str.startswith("=").any()
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")


@pytest.mark.parametrize("which,first", [(None, "Benchmark title"), ("outlook", "Scenario")])
def test_market_csv_is_one_table(which: str | None, first: str) -> None:
    table = ["--table", which] if which else []  # the position table by default
    res = CliRunner().invoke(_app(market_cmd), ["market", "--unit", "city-police", "--format", "csv", *table])
    assert res.exit_code == 0, res.output
    rows_ = _rows(res.stdout)
    assert rows_[0][0] == first and len({len(r) for r in rows_}) == 1  # one header, one width
    pd.read_csv(io.StringIO(res.stdout))  # one table: pandas reads it whole
