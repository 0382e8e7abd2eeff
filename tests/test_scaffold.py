"""`wagebrief new-unit`: the files a new unit needs, and a unit set up from them end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from wagebrief.inputs import proposals, scaffold, units
from wagebrief.cli import app

ARGS = ["new-unit", "hartford-trades", "--name", "Hartford Trades Unit", "--employer", "City of Hartford",
        "--occupation-group", "public_works", "--cycle", "2027",
        "--comparator", "City of New Haven", "--comparator", "City of Stamford", "--comparator", "City of Bridgeport"]


def _new(project: Path, args=ARGS):
    res = CliRunner().invoke(app, args)
    return res


def test_writes_commented_files(project: Path) -> None:
    res = _new(project)
    assert res.exit_code == 0, res.output
    files = scaffold.targets("hartford-trades", project)
    assert all(p.is_file() for p in files.values())
    assert all(str(p) in res.output for p in files.values())
    for role in ("unit", "proposals"):
        assert files[role].read_text().startswith("# "), role  # commented
    assert "employee_id" in files["readme"].read_text() and "personal data" in files["readme"].read_text()
    unit = units.load("hartford-trades", root=project)
    assert unit.synthetic is False and unit.employer.state == "CT" and unit.employer.jurisdiction_type == "municipal"
    assert unit.jurisdictions == ("City of New Haven", "City of Stamford", "City of Bridgeport")
    # Commented-out candidates from the settlement data, for the analyst to pick from.
    assert "#  - {jurisdiction: City of Waterbury, state: CT, jurisdiction_type: municipal}" in files["unit"].read_text()
    # The offers are TODO: nothing is costed until the analyst types them, and the error names the field.
    with pytest.raises(proposals.ProposalError, match=r"scenarios\.management\.events\[0\]\.gwi_pct: cannot read 'TODO'"):
        proposals.load(unit, root=project)


def test_without_comparators_the_unit_file_says_what_to_fill(project: Path) -> None:
    assert _new(project, ARGS[:10]).exit_code == 0
    with pytest.raises(units.UnitError, match="hartford-trades.yml: comparators: expected a non-empty list"):
        units.load("hartford-trades", root=project)


def test_never_overwrites(project: Path) -> None:
    assert _new(project).exit_code == 0
    res = _new(project)
    assert res.exit_code == 1 and "already exists" in res.output


@pytest.mark.parametrize("args, message", [
    (["--occupation-group", "public_wrks"], "--occupation-group: 'public_wrks' is not one of"),
    (["--comparator", "City of New Heaven"], "(did you mean 'City of New Haven'?)"),
    (["--employer", "Town of Nowhere"], "give --state and --jurisdiction-type"),
])
def test_bad_options_are_named(project: Path, args: list[str], message: str) -> None:
    base = ARGS[:10]
    i = base.index(args[0]) if args[0] in base else None
    cmd = base[:i] + args + base[i + 2:] if i is not None else base + args
    res = _new(project, cmd)
    assert res.exit_code == 1 and message in res.output, res.output
    assert not (project / "comparators" / "hartford-trades.yml").exists()


def test_scaffold_roster_path_is_git_ignored() -> None:
    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT).returncode == 0

    assert ignored("data/raw/units/hartford-trades/roster.csv")
    assert not ignored("data/raw/units/city-police/roster.csv")  # the SYNTHETIC demo roster stays tracked
    assert not ignored("data/raw/units/hartford-trades/README.md")


# --------------------------------------------------------------------------- end to end

ROSTER_ROWS = """\
T001,Maintainer,3,2016-03-14,"$52,400",1,yes
T002,Maintainer,8,2004-09-01,61800,1,yes
T003,Equipment Operator,5,2012-05-21,58900,1,no
T004,Equipment Operator,1,2025-10-06,50100,0.5,no
"""


def _salary_rows(header: list[str], who: list[tuple[str, str]]) -> str:
    """Schedule rows in the template's own column order."""
    rows = []
    for k, (jur, state) in enumerate(who):
        for title, base in (("Maintainer", 50000), ("Equipment Operator", 54000)):
            for year, bump in ((2024, 0), (2025, 1500)):
                lo = base + 900 * k + bump
                row = dict(jurisdiction=jur, state=state, unit="Trades", benchmark_title=title,
                           effective_date=f"{year}-07-01", steps="8", min_salary=str(lo),
                           max_salary=str(round(lo * 1.23)), hours_per_week="40", source="test schedule")
                rows.append(",".join(row.get(c, "") for c in header))
    return "\n".join(rows) + "\n"


@pytest.mark.notebook
def test_new_unit_filled_in_validates_builds_and_renders(project: Path) -> None:
    runner = CliRunner()
    assert _new(project).exit_code == 0
    files = scaffold.targets("hartford-trades", project)
    # Fill the templates as an analyst would: offers, roster rows, salary schedules.
    text = files["proposals"].read_text()
    for pct in ("2.0", "2.25", "2.5"):
        text = text.replace("gwi_pct: TODO", f"gwi_pct: {pct}", 1)
    text = text.replace("gwi_pct: TODO", "gwi_pct: 3.5")
    text = text.replace("# steps: {top_step: 8", "steps: {top_step: 8")
    files["proposals"].write_text(text)
    with files["roster"].open("a") as fh:
        fh.write(ROSTER_ROWS)
    header = files["salaries"].read_text().strip().split(",")
    with files["salaries"].open("a") as fh:
        fh.write(_salary_rows(header, [("City of Hartford", "CT"), ("City of New Haven", "CT"), ("City of Stamford", "CT"),
                               ("City of Bridgeport", "CT")]))

    res = runner.invoke(app, ["validate"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["build", "--strict"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["cost", "--unit", "hartford-trades", "--format", "csv"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["render", "--unit", "hartford-trades", "--jobs", "1"])
    assert res.exit_code == 0, res.output
    html = (project / "reports" / "2027" / "hartford-trades.html").read_text(encoding="utf-8")
    assert "Hartford Trades Unit" in html and "City of Stamford" in html
    assert "T001" not in html and "52,400" not in html  # the roster never reaches the brief
