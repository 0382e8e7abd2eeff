"""Rendering a brief through a real Jupyter kernel, and the HTML it produces."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from wagebrief.run import render
from wagebrief.inputs import units
from wagebrief.cli import app

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One brief rendered from a scratch copy of the project (built first, as `make demo` does)."""
    from conftest import scratch_project

    with scratch_project(tmp_path_factory) as root:
        assert CliRunner().invoke(app, ["build"]).exit_code == 0
        res = CliRunner().invoke(app, ["render", "--unit", "city-police"])
    assert res.exit_code == 0, res.output
    path = root / "reports" / "2027" / "city-police.html"
    return root, path.read_text(encoding="utf-8")


def test_brief_names_every_comparator_with_data(rendered):
    root, html = rendered
    unit = units.load("city-police", root=root)
    for c in unit.comparators:
        assert c.jurisdiction in html


def test_brief_embeds_its_chart_and_shows_no_code(rendered):
    _, html = rendered
    charts = re.findall(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(charts) >= 6 and all(alt != "chart" for alt, _ in charts)  # each with its caption
    import base64

    svg = base64.b64decode(charts[0][1]).decode("utf-8")
    assert "<svg" in svg and "<text" in svg and "<script" not in svg
    import jupytext

    from conftest import ROOT

    code = [c.source for c in jupytext.read(ROOT / "notebooks" / "brief.ipynb").cells if c.cell_type == "code"]
    lines = {ln.strip() for src in code for ln in src.splitlines() if len(ln.strip()) > 8}
    assert lines and not [ln for ln in lines if ln in html]
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|highlight-ipynb)', html)


def test_brief_is_marked_confidential_and_synthetic(rendered):
    _, html = rendered
    assert "Confidential: prepared for collective bargaining" in html
    assert "SYNTHETIC DATA" in html
    body = html.split("<body", 1)[1]
    assert body.index("SYNTHETIC DATA") < body.index("Comparator settlements")


def test_brief_loads_nothing_from_another_host(rendered):
    _, html = rendered
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r'(src|href)="https?://', html)


def test_failed_unit_is_reported_and_others_carry_on(project):
    (project / "comparators" / "broken.yml").write_text("unit: broken\n")
    results = render.render_many(["broken"])
    assert not results[0].ok and "broken.yml" in results[0].error


def test_brief_has_every_section(rendered):
    _, html = rendered
    for title in ("Executive summary", "Comparator settlements", "Settlements against inflation",
                  "Wage trends and outlook", "Market position", "What each proposal costs",
                  "Statutory factor: cost of living", "Methodology and sources", "Appendix"):
        assert title in html, title


def test_brief_shows_no_employee_ids_or_individual_salaries(rendered):
    import pandas as pd

    root, html = rendered
    roster = pd.read_csv(root / "data/raw/units/city-police/roster.csv", dtype=str)
    assert not [e for e in roster["employee_id"] if e in html]
    # Individual salaries: the roster's distinct amounts, as the brief would format them.
    top = roster["annual_base_salary"].astype(float).max()
    assert f"{top:,.0f}" not in html and f"{top:.0f}" not in html
