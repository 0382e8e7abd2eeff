"""One problem takes down only what it touches (issue 12, items 3 and 5).

A comparator whose only contract was rejected is a warning and a stated gap, not an error; a bad
roster row fails the costing section alone; an unknown ``--unit`` is a clear error.
"""

from __future__ import annotations

import csv
import io
import json

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from wagebrief.run import batch, render
from wagebrief.inputs import gaps, units
from wagebrief.brief import partial
from conftest import scratch_project
from wagebrief.cli import app

HEADER = ("settlement_id,jurisdiction,state,jurisdiction_type,unit,union,occupation_group,settlement_type,"
          "ratified_date,term_start,term_end,effective_date,event,pct,amount,reference_salary,employees,source,"
          "source_url,notes")
#: One contract of a new comparator, rejected as a whole for one pct outside [-15, 25].
REJECTED = "\n".join([
    HEADER,
    "TF-1,Town of Testford,CT,municipal,Public Works,AFSCME,public_works,voluntary,2024-05-01,2024-07-01,"
    "2027-06-30,2024-07-01,gwi_pct,99,,,50,SYNTHETIC test row,,",
    "TF-1,Town of Testford,CT,municipal,Public Works,AFSCME,public_works,voluntary,2024-05-01,2024-07-01,"
    "2027-06-30,2025-07-01,gwi_pct,2.5,,,50,SYNTHETIC test row,,",
]) + "\n"




def add_rejected_comparator(root, unit: str = "city-public-works") -> None:
    """Give ``unit`` a comparator whose only settlement rows are rejected by the build."""
    (root / "data/raw/settlements/extra.csv").write_text(REJECTED)
    yml = root / "comparators" / f"{unit}.yml"
    text = yml.read_text()
    assert "\nsynthetic: true" in text
    yml.write_text(text.replace("\nsynthetic: true", "\n  - {jurisdiction: Town of Testford, state: CT, "
                                "jurisdiction_type: municipal}\nsynthetic: true"))


def break_roster(root, unit: str = "city-police") -> tuple[list[str], list[str]]:
    """Put an unknown step in spreadsheet row 3 and an unreadable fte in row 5 of the roster;
    returns the expected ``file:row:column`` prefixes and every salary in the roster."""
    path = root / "data/raw/units" / unit / "roster.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    rows[1]["step"], rows[3]["fte"] = "12", "abc"  # rows[0] is spreadsheet row 2
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue())
    rel = f"data/raw/units/{unit}/roster.csv"
    return [f"{rel}:3:step:", f"{rel}:5:fte:"], [r["annual_base_salary"] for r in rows]


def build(root) -> None:
    res = CliRunner().invoke(app, ["build"])
    assert res.exit_code == 0, res.output


# --------------------------------------------------------------------------- rejected comparator

def test_rejected_only_comparator_loads_with_a_warning_naming_its_rows(project):
    add_rejected_comparator(project)
    build(project)
    # Control: the plain loader refuses it as if the name were a typo.
    with pytest.raises(units.UnitError, match="is not a jurisdiction in the settlement data"):
        units.load("city-public-works", root=project)
    u, warnings = gaps.load_unit("city-public-works", root=project)
    assert "Town of Testford" in u.jurisdictions
    assert len(warnings) == 1
    w = warnings[0]
    assert "comparators/city-public-works.yml" in w and "'Town of Testford'" in w
    assert "data/raw/settlements/extra.csv:2" in w and "data/raw/settlements/extra.csv:3" in w
    assert str(project) not in w  # paths as the analyst knows them
    # Units without such a comparator load without warnings; other unit-file errors still raise.
    assert gaps.load_unit("city-police", root=project)[1] == []
    (project / "comparators/city-police.yml").write_text(
        (project / "comparators/city-police.yml").read_text().replace("City of Stamford", "City of Stamfrod"))
    with pytest.raises(units.UnitError, match="Stamfrod"):
        gaps.load_unit("city-police", root=project)


def test_rejected_comparator_gap_is_stated_in_the_settlements_section(project):
    add_rejected_comparator(project)
    build(project)
    data, warnings = partial.load("city-public-works", root=project)
    assert warnings
    section = partial.compute(data)["settlements"]
    assert not isinstance(section, partial.FailedSection)
    caveats = " ".join(section.caveats)
    assert "Town of Testford" in caveats and "data/raw/settlements/extra.csv:2" in caveats


def test_cost_and_market_warn_about_a_rejected_comparator_instead_of_failing(project):
    add_rejected_comparator(project)
    build(project)
    runner = CliRunner()  # its output has stderr too
    for args in (["cost", "--unit", "city-public-works"], ["market", "--unit", "city-public-works"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
        assert "warning: comparators/city-public-works.yml" in res.output and "extra.csv:2" in res.output
        assert "is not a jurisdiction" not in res.output


# --------------------------------------------------------------------------- bad roster rows

def test_a_bad_roster_row_fails_only_the_costing_section(project):
    expected, salaries = break_roster(project)
    build(project)
    data, _ = partial.load("city-police", root=project)
    sections = partial.compute(data)
    failed = partial.failures(sections)
    assert [s.title for s in failed] == ["What each proposal costs"]
    costing = sections["costing"]
    assert [p.split(" ", 1)[0] for p in costing.problems] == expected
    for key in ("summary", "settlements", "inflation", "outlook", "market", "methodology"):
        assert not isinstance(sections[key], partial.FailedSection) and sections[key].title, key
    assert sections["factors"] and not any(isinstance(f, partial.FailedSection) for f in sections["factors"])
    assert sections["summary"].text  # the summary still has the other sections' sentences
    box = partial.box_html(costing)
    assert "What each proposal costs" in box and "data/raw/units/city-police/roster.csv:3:step" in box
    assert not [s for s in set(salaries) if s in box]  # personal pay never in a report


def test_problem_lines_keep_a_roster_errors_file_row_column_lines(tmp_path):
    from wagebrief.inputs.roster import RosterError

    exc = RosterError([f"{tmp_path}/data/raw/units/u/roster.csv:4:fte: cannot read 'x' as a number"], 10)
    assert partial.problem_lines(exc, tmp_path) == ["data/raw/units/u/roster.csv:4:fte: cannot read 'x' as a number"]
    assert partial.problem_lines(ValueError("bad\nsecond line"), tmp_path) == ["ValueError: bad"]


# --------------------------------------------------------------------------- render plumbing

def test_render_outcome_reads_problems_and_warnings_from_output_metadata():
    nb = nbformat.v4.new_notebook()
    box = nbformat.v4.new_output("display_data", data={"text/html": "<div></div>"},
                                 metadata={partial.STATUS_KEY: {"section": "Costing", "problems": ["f.csv:3:step: bad"]}})
    status = nbformat.v4.new_output("display_data", data={"text/html": ""},
                                    metadata={partial.STATUS_KEY: {"warnings": ["w1", "w1"]}})
    plain = nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"})
    nb.cells = [nbformat.v4.new_code_cell("", outputs=[status, plain]), nbformat.v4.new_code_cell("", outputs=[box])]
    assert render.outcome(nb) == (["Costing: f.csv:3:step: bad"], ["w1"])
    res = render.RenderResult("u", None, True, 0.0, problems=["Costing: f.csv:3:step: bad"])
    assert res.status == "rendered with problems" and res.as_dict()["status"] == "rendered with problems"
    assert render.RenderResult("u", None, True, 0.0).status == "rendered"
    assert render.RenderResult("u", None, False, 0.0).status == "failed"


def test_mark_not_current_marks_once_and_keeps_the_brief():
    page = render.to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Brief body")]), "Unit brief")
    once = render.mark_not_current(page, "2026-01-05T06:00:00Z", "2026-01-12T06:00:00Z", "UnitError: bad <file>")
    assert "NOT CURRENT" in once and "2026-01-05T06:00:00Z" in once and "bad &lt;file&gt;" in once
    assert "<title>NOT CURRENT: Unit brief</title>" in once and "Brief body" in once
    assert once.index("NOT CURRENT: this is the previous brief") < once.index("Brief body")
    twice = render.mark_not_current(once, "2026-01-05T06:00:00Z", "2026-01-19T06:00:00Z", "UnitError: worse")
    assert twice.count("NOT CURRENT: this is the previous brief") == 1 and twice.count("<title>NOT CURRENT") == 1
    assert "2026-01-19T06:00:00Z" in twice and "2026-01-12T06:00:00Z" not in twice


def test_render_an_unknown_unit_is_a_clear_error_and_writes_nothing(project):
    res = CliRunner().invoke(app, ["render", "--unit", "city-polise"])
    assert res.exit_code == 2
    assert "no unit 'city-polise'" in res.output and "did you mean 'city-police'" in res.output
    assert not (project / "reports" / "mixed").exists() and not list((project / "reports").iterdir())
    with pytest.raises(batch.UnknownUnitError, match="nosuch"):
        batch.run(["city-police", "nosuch"], root=project, jobs=1)
    assert not list((project / "reports").iterdir())
    # A unit file that exists but is invalid is not unknown: it fails as that unit's render.
    (project / "comparators" / "broken.yml").write_text("unit: broken\n")
    assert batch.unknown_units(["broken", "city-police"], project) == []


# --------------------------------------------------------------------------- real briefs

@pytest.fixture(scope="module")
def problems_run(tmp_path_factory):
    """The real brief notebook on a project where city-police's roster has two bad rows and
    city-public-works has a comparator whose only contract was rejected."""
    with scratch_project(tmp_path_factory) as root:
        # The comparator profile from last week's `series` (this week's fails on the new
        # comparator until the pull/settings.py patch: see test_series_*).
        build(root)
        assert CliRunner().invoke(app, ["series"]).exit_code == 0
        expected, salaries = break_roster(root)
        add_rejected_comparator(root)
        build(root)
        res = CliRunner().invoke(app, ["render", "--unit", "city-police", "--unit", "city-public-works", "--jobs", "1"])
    return root, res, expected, salaries


@pytest.mark.notebook
def test_bad_roster_rows_render_the_brief_with_problems_and_exit_1(problems_run):
    root, res, expected, salaries = problems_run
    assert res.exit_code == 1, res.output
    out = root / "reports" / "2027"
    html = (out / "city-police.html").read_text()
    assert 'class="wb-problem"' in html and all(e in html for e in expected)
    for title in ("Executive summary", "Comparator settlements", "Settlements against inflation",
                  "Wage trends and outlook", "Market position", "What each proposal costs",
                  "Statutory factor: cost of living", "Methodology and sources", "Appendix"):
        assert title in html, title
    assert "RENDERED WITH PROBLEMS" in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "rendered with problems"
    by_unit = {u["unit"]: u for u in manifest["units"]}
    assert by_unit["city-police"]["status"] == "rendered with problems"
    assert by_unit["city-public-works"]["status"] == "rendered"
    assert [e["status"] for e in manifest["index"] if e["unit"] == "city-police"] == ["rendered with problems"]
    index = (out / "index.html").read_text()
    assert 'href="./city-police.html"' in index and "rendered with problems" in index
    log = (out / "render.log").read_text()
    for text in (res.output, log, index):  # the underlying problems, not "2 problem(s) in the roster"
        assert all(e in text for e in expected), text
        assert "problem(s) in the roster" not in text
    # Personal pay never in a report or a log (the page's charts are base64, so look for pay as shown).
    assert not [s for s in set(salaries) if f"{float(s):,.0f}" in html]
    for text in (log, index, res.output, json.dumps(manifest)):
        assert not [s for s in set(salaries) if s in text]


@pytest.mark.notebook
def test_rejected_comparator_renders_with_a_warning_and_its_gap_stated(problems_run):
    root, res, _, _ = problems_run
    out = root / "reports" / "2027"
    assert "is not a jurisdiction" not in res.output
    html = (out / "city-public-works.html").read_text()
    assert "Town of Testford" in html and "extra.csv:2" in html and 'class="wb-problem"' not in html
    log = (out / "render.log").read_text()
    assert "WARNING" in log and "city-public-works: warning:" in log and "extra.csv:2" in log
    manifest = json.loads((out / "manifest.json").read_text())
    unit = next(u for u in manifest["units"] if u["unit"] == "city-public-works")
    assert unit["status"] == "rendered" and any("extra.csv:2" in w for w in unit["warnings"])


@pytest.fixture(scope="module")
def bad_unit_file_run(tmp_path_factory):
    """A unit file whose ``unit`` does not match its file name, with the comparator profile not
    built (``wagebrief series`` fails on that file), rendered alongside a good unit."""
    with scratch_project(tmp_path_factory) as root:
        (root / "comparators" / "x.yml").write_text((root / "comparators" / "city-police.yml").read_text())
        build(root)
        assert not (root / "data/processed/comparator_profile.parquet").exists()
        res = CliRunner().invoke(app, ["render", "--unit", "x", "--unit", "state-clerical", "--jobs", "1"])
    return root, res


@pytest.mark.notebook
def test_a_bad_unit_file_fails_that_unit_alone(bad_unit_file_run):
    project, res = bad_unit_file_run
    assert res.exit_code == 1
    manifest = json.loads((project / "reports" / "2027" / "manifest.json").read_text())
    assert [f["unit"] for f in manifest["failed"]] == ["x"]
    assert "comparators/x.yml" in manifest["failed"][0]["error"]
    good = next(u for u in manifest["units"] if u["unit"] == "state-clerical")
    assert good["ok"] and (project / "reports" / "2027" / "state-clerical.html").is_file()


@pytest.mark.notebook
def test_a_bad_unit_file_leaves_other_briefs_without_problems(bad_unit_file_run):
    project, _ = bad_unit_file_run
    manifest = json.loads((project / "reports" / "2027" / "manifest.json").read_text())
    good = next(u for u in manifest["units"] if u["unit"] == "state-clerical")
    assert good["status"] == "rendered", good["problems"]


def test_series_survives_a_bad_unit_file(project):
    (project / "comparators" / "x.yml").write_text((project / "comparators" / "city-police.yml").read_text())
    build(project)
    res = CliRunner().invoke(app, ["series"])
    assert res.exit_code == 0, res.output


def test_series_survives_a_comparator_whose_rows_were_all_rejected(project):
    add_rejected_comparator(project)
    build(project)
    res = CliRunner().invoke(app, ["series"])
    assert res.exit_code == 0, res.output


def test_a_comparator_whose_name_has_settlements_in_another_state_is_warned_about(project):
    # Real data has Middletown CT and Middletown OH, Bloomington IN and IL: matched by name only,
    # the other state's contracts would count as the comparator's, silently.
    from conftest import rows
    from wagebrief.inputs import settlements

    rows(dict(pct="2"), settlement_id="NY-STM", jurisdiction="City of Stamford", state="NY",
         occupation_group="police").to_csv(project / "data/raw/settlements/other.csv", index=False,
                                            columns=settlements.COLUMNS)
    build(project)
    u, warnings = gaps.load_unit("city-police", root=project)
    assert [w for w in warnings if "comparator 'City of Stamford' (CT) shares its name with settlements in NY; "
            "those are left out of this brief" in w]
    assert gaps.load_unit("state-clerical", root=project)[1] == []
    # ... and they are left out: matched by name and state, in every part of the brief.
    from wagebrief.analysis import market, outlook as models

    data, _ = partial.load("city-police", root=project)
    assert "NY-STM" not in set(data.events["settlement_id"]) and "NY-STM" not in set(data.contracts["settlement_id"])
    assert (data.comparator_contracts()["jurisdiction"] == "City of Stamford").any()  # the CT ones stay
    everything = market._load_events(project)
    assert "NY-STM" in set(everything["settlement_id"])
    assert "NY-STM" not in set(market.analyse(u, root=project).events["settlement_id"])
    panel = models.load_inputs(u, root=project).annual
    stamford_ct = models.load_inputs(u, root=project, events=everything[everything["state"].eq("CT")]).annual
    pd.testing.assert_frame_equal(panel, stamford_ct)
    from wagebrief.analysis import scenarios

    years = range(2024, 2030)
    pd.testing.assert_frame_equal(scenarios.comparator_pattern(u, years, root=project)[0],
                                  scenarios.comparator_pattern(u, years, events=everything[everything["state"].eq("CT")])[0])


def test_a_unit_file_that_cannot_be_read_is_recorded_with_the_projects_cycle_not_mixed(project):
    from wagebrief.run import batch

    (project / "comparators/broken.yml").write_text("unit: broken\nname: [unclosed\n")
    folder, cycle, _ = batch._cycle_dir(["broken"], None, project)
    assert (folder.name, cycle) == ("2027", 2027)  # the demo units' cycle
    assert batch._cycle_dir(["broken", "city-police"], None, project)[0].name == "2027"
    # Units of two cycles still share the "mixed" folder.
    text = (project / "comparators/state-clerical.yml").read_text()
    (project / "comparators/state-clerical.yml").write_text(text.replace("cycle_year: 2027", "cycle_year: 2028"))
    assert batch._cycle_dir(["broken"], None, project)[0].name == "mixed"
