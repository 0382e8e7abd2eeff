"""The costing what-if notebook shows the edited scenario's cost and market position, through a real kernel."""

from __future__ import annotations

import re

import papermill as pm
import pytest

from wagebrief.analysis import costing

pytestmark = pytest.mark.notebook


def run(project, tmp_path, gwi_pct: dict) -> str:
    """Every text and HTML output of the notebook run with ``gwi_pct`` as its what-if."""
    out = tmp_path / f"costing_whatif_{len(list(tmp_path.iterdir()))}.ipynb"
    nb = pm.execute_notebook(str(project / "notebooks" / "costing_whatif.ipynb"), str(out),
                             parameters={"unit": "state-clerical", "project_root": str(project),
                                         "gwi_pct": gwi_pct},
                             kernel_name="python3", progress_bar=False, cwd=str(project / "notebooks"))
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    data = [o.get("data", {}) for o in outputs]
    return "".join(str(d.get("text/html", "")) + str(d.get("text/markdown", "")) + str(d.get("text/plain", ""))
                   for d in data)


def expected_total(project, gwi_pct: dict) -> str:
    t = costing.table(costing.cost_whatif("state-clerical", gwi_pct, project))
    return f"${t.loc[t['scenario'].eq('what_if') & t['fiscal_year'].eq('Term'), 'total_cost'].iloc[0]:,.2f}"


def test_the_notebook_costs_and_places_the_edited_scenario(project, tmp_path):
    low, high = {"2028": 2.5, "2029": 2.5, "2030": 3.0}, {"2028": 4.0, "2029": 4.0, "2030": 4.0}
    first, second = run(project, tmp_path, low), run(project, tmp_path, high)
    for text, gwi in ((first, low), (second, high)):
        assert f"costs {expected_total(project, gwi)} over the term" in text
        assert "What-if scenario" in text and "Management offer" in text  # cost by year, both scenarios
        assert "the what-if scenario" in text and "against the comparator median for Clerk" in text
        assert "at contract end (2030-06-30)" in text
    assert expected_total(project, low) != expected_total(project, high)
    position = lambda text: re.findall(r"([+-]\d+\.\d)% against the comparator median", text)  # noqa: E731
    assert position(first) and position(second) and position(first) != position(second)
    assert "2027-07-01 4.00%" in second and "2027-07-01 4.00%" not in first  # the market's base increases
