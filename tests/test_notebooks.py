"""The researcher's exploratory notebook runs on the demo data through a real kernel."""

from __future__ import annotations

import papermill as pm
import pytest

pytestmark = pytest.mark.notebook


def test_explore_settlements_runs_on_demo_data(project, tmp_path):
    out = tmp_path / "out.ipynb"
    nb = pm.execute_notebook(str(project / "notebooks" / "explore_settlements.ipynb"), str(out),
                             parameters={"project_root": str(project), "occupation_group": "police",
                                         "state": "CT"},
                             kernel_name="python3", progress_bar=False)
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    assert "raw files are valid" in text
    assert "settlements match" in text and "weighted_mean" in text
    assert "City of New Haven" in text
