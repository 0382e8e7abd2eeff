"""The costing brief section renders through a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)

CELL = """
from IPython.display import HTML, display
import pandas as pd
from wagebrief.brief import costing

section = costing.brief_section("city-police", root=ROOT)
for paragraph in section.text:
    display(HTML(f"<p>{paragraph}</p>"))
for table in section.tables:
    display(HTML(f"<h3>{table.caption}</h3>" + table.data.to_html(index=False)))
for figure in section.figures:
    display(figure.figure)
"""


@pytest.mark.notebook
def test_section_renders_through_a_kernel(tmp_path: Path) -> None:
    papermill = pytest.importorskip("papermill")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("ROOT = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(CELL)]
    out = papermill.execute_notebook(nb, str(tmp_path / "out.ipynb"), parameters={"ROOT": str(ROOT)},
                                     kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    outputs = out.cells[-1].outputs
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Total cost over the term" in html and "Management offer" in html and "<table" in html
    assert "Management&#x27;s offer costs $" in html or "Management's offer costs $" in html
    charts = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 1 and "<svg" in charts[0] and "cumulative cost" in charts[0]
    assert not [o for o in outputs if o.get("output_type") == "error"]
