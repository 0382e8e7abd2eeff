"""Unattended runs: warm kernels, clean namespaces, failures reported, manifest and index."""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest
from typer.testing import CliRunner

from wagebrief.run import batch, render
from wagebrief.cli import app

pytestmark = pytest.mark.notebook

TINY = '''# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
unit = "x"
cycle_year = 2000
project_root = ""

# %%
from IPython.display import HTML, display
import html
from wagebrief.inputs import units
u = units.load(unit, root=project_root or None)
display(HTML("<h2>" + html.escape(u.name) + "</h2>"))
print("LEAKED" if "marker" in globals() else "CLEAN", unit)
marker = unit
'''


@pytest.fixture
def tiny(project):
    """The project with a small stand-in brief notebook (rendering the real one takes seconds)."""
    nb = jupytext.reads(TINY, fmt="py:percent")
    nbformat.write(nb, project / "notebooks" / "brief.ipynb")
    return project


def test_each_brief_starts_from_a_clean_namespace(tiny):
    with render.Renderer(tiny / "notebooks" / "brief.ipynb") as r:
        first = render.render_with(r, "city-police", root=tiny)
        second = render.render_with(r, "state-clerical", root=tiny)
    assert first.ok and second.ok, (first.error, second.error)
    html = second.path.read_text()
    # The first brief defined `marker`; the second, in the same kernel, must not see it.
    assert "CLEAN state-clerical" in html and "LEAKED" not in html


def test_control_a_kernel_without_the_reset_would_leak(tiny):
    # Proves the test above can fail: the same two runs without the reset cell do leak.
    from nbclient import NotebookClient

    nb = nbformat.read(tiny / "notebooks" / "brief.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name="python3")
    with client.setup_kernel():
        for name in ("city-police", "state-clerical"):
            run = render.parameterize(nb, render.parameters(name, 2027, tiny))
            run.cells = [c for c in run.cells if render.RESET_TAG not in c.metadata.get("tags", [])]
            client.nb = run
            for i, cell in enumerate(run.cells):
                client.execute_cell(cell, i)
    assert "LEAKED state-clerical" in str(run.cells[-1].outputs)


def test_one_failure_does_not_stop_the_others_and_is_named(tiny):
    (tiny / "comparators" / "broken.yml").write_text("unit: broken\nname: Broken\n")
    res = CliRunner().invoke(app, ["render", "--all", "--jobs", "2"])
    assert res.exit_code == 1
    assert "broken: UnitError" in res.output and "comparators/broken.yml" in res.output
    out = tiny / "reports" / "2027"
    assert (out / "city-police.html").exists() and (out / "state-clerical.html").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["cycle"] == 2027
    assert [f["unit"] for f in manifest["failed"]] == ["broken"]
    assert {u["unit"] for u in manifest["units"] if u["ok"]} == {"city-police", "city-public-works", "state-clerical"}
    assert manifest["package_version"] and "data_vintages" in manifest
    assert all(u["parameters"]["cycle_year"] == 2027 for u in manifest["units"] if u["ok"])
    index = (out / "index.html").read_text()
    assert 'href="./city-police.html"' in index and "FAILED" in index
    assert "FAILED broken" in (out / "render.log").read_text()


def test_rerun_is_idempotent_and_leaves_no_temp_files(tiny):
    for _ in range(2):
        assert CliRunner().invoke(app, ["render", "--unit", "city-police", "--jobs", "1"]).exit_code == 0
    out = tiny / "reports" / "2027"
    # The lock file stays (as build's does); nothing else but the outputs, and no temporary file.
    assert sorted(p.name for p in out.iterdir()) == [".render.lock", "city-police.html", "index.html",
                                                     "manifest.json", "render.log"]


def test_rendering_one_unit_keeps_the_others_in_the_index(tiny):
    assert CliRunner().invoke(app, ["render", "--unit", "city-police", "--jobs", "1"]).exit_code == 0
    assert CliRunner().invoke(app, ["render", "--unit", "state-clerical", "--jobs", "1"]).exit_code == 0
    out = tiny / "reports" / "2027"
    index = (out / "index.html").read_text()
    assert 'href="./state-clerical.html"' in index and 'href="./city-police.html"' in index
    assert index.count("earlier run") == 1  # city-police, from the first run
    manifest = json.loads((out / "manifest.json").read_text())
    assert [u["unit"] for u in manifest["units"]] == ["state-clerical"]  # the manifest is this run's
    assert [e["unit"] for e in manifest["index"]] == ["state-clerical", "city-police"]
    # A brief removed by hand is no longer listed.
    (out / "city-police.html").unlink()
    assert CliRunner().invoke(app, ["render", "--unit", "state-clerical", "--jobs", "1"]).exit_code == 0
    assert "city-police" not in (out / "index.html").read_text()


def test_hostile_unit_names_are_values_and_escaped(tiny):
    src = (tiny / "comparators" / "city-police.yml").read_text()
    evil = 'Police "Local" <script>alert(1)</script> & Ünïon'
    (tiny / "comparators" / "city-police.yml").write_text(src.replace("name: Hartford Police Bargaining Unit", f"name: '{evil}'"))
    r = batch.run(["city-police"], root=tiny, jobs=1)
    assert not r.failed, r.failed
    html = r.results[0].path.read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Ünïon" in html


def test_parameters_are_injected_as_literals_never_code(tiny):
    nb = nbformat.read(tiny / "notebooks" / "brief.ipynb", as_version=4)
    evil = 'x"\n__import__("os").system("echo pwned") #'
    run = render.parameterize(nb, render.parameters(evil, 2027, tiny))
    injected = next(c for c in run.cells if "injected-parameters" in c.metadata.get("tags", []))
    ns: dict = {}
    exec(injected.source, ns)  # a literal assignment: nothing runs but the assignment
    assert ns["unit"] == evil and ns["cycle_year"] == 2027
    assert run.cells[0].source == render.RESET_SOURCE


def test_failed_rerender_keeps_the_previous_brief_linked_and_marked_not_current(tiny):
    runner = CliRunner()
    assert runner.invoke(app, ["render", "--all", "--jobs", "1"]).exit_code == 0
    out = tiny / "reports" / "2027"
    brief = out / "city-police.html"
    first = {e["unit"]: e for e in json.loads((out / "manifest.json").read_text())["index"]}["city-police"]["generated_at"]
    yml = tiny / "comparators" / "city-police.yml"
    good = yml.read_text()
    yml.write_text(good.replace("cycle_year: 2027", "cycle_year: twenty"))
    for _ in range(2):  # failing twice still points at the same brief, from the same date
        res = runner.invoke(app, ["render", "--all", "--jobs", "1"])
        assert res.exit_code == 1 and "city-police: UnitError" in res.output
        index = (out / "index.html").read_text()
        assert 'href="./city-police.html"' in index
        assert f"previous brief from {first}</a>, <b>NOT current</b>: this run failed: UnitError" in index
        entry = {e["unit"]: e for e in json.loads((out / "manifest.json").read_text())["index"]}["city-police"]
        assert entry["status"] == "failed" and entry["previous"] == {"file": "city-police.html", "generated_at": first}
        page = brief.read_text()
        assert page.count(f"NOT CURRENT: this is the previous brief, generated {first}.") == 1
        assert "<title>NOT CURRENT: " in page and "CLEAN city-police" in page  # the old brief, kept whole
    # Rendering another unit alone keeps the failure and its previous brief listed.
    assert runner.invoke(app, ["render", "--unit", "state-clerical", "--jobs", "1"]).exit_code == 0
    index = (out / "index.html").read_text()
    assert f"previous brief from {first}" in index and "earlier run" in index
    # Once it renders again, the brief is current and says nothing of the old failure.
    yml.write_text(good)
    assert runner.invoke(app, ["render", "--unit", "city-police", "--jobs", "1"]).exit_code == 0
    assert "NOT CURRENT" not in brief.read_text() and "NOT current" not in (out / "index.html").read_text()


def test_render_all_writes_the_office_overview_linked_from_the_index(tiny):
    res = CliRunner().invoke(app, ["render", "--all", "--jobs", "1", "--guideline", "3", "--as-of", "2027-01-15"])
    assert res.exit_code == 0, res.output
    out = tiny / "reports" / "2027"
    office = (out / "office.html").read_text()
    assert "A statewide guideline of 3% a year" in office and "Confidential" in office and "SYNTHETIC DATA" in office
    assert 'href="./city-police.html"' in office and "Total, all units" in office and "mills" in office
    assert 'href="./office.html"' in (out / "index.html").read_text()
    assert json.loads((out / "manifest.json").read_text())["office"] == "office.html"
