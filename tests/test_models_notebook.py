"""The wage-trends notebook renders the "Wage trends and outlook" section through a real kernel."""

from __future__ import annotations

import papermill as pm
import pytest

pytestmark = pytest.mark.notebook


def test_wage_trends_notebook_renders_the_section_on_demo_data(project, tmp_path):
    out = tmp_path / "wage_trends.out.ipynb"
    nb = pm.execute_notebook(str(project / "notebooks" / "wage_trends.ipynb"), str(out),
                             parameters={"unit": "city-police", "cycle_year": 2027,
                                         "project_root": str(project)},
                             kernel_name="python3", progress_bar=False, cwd=str(project / "notebooks"))
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "Wage trends and outlook" in html
    assert "Reasonable settlement range" in html
    assert "rolling-origin backtest" in html
    assert sum("image/svg+xml" in o.get("data", {}) for o in outputs) >= 2  # fan chart and real wages
    assert not [o for o in outputs if o.get("output_type") == "error"]
