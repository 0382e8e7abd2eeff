"""The market-position section renders through a real Jupyter kernel (papermill + nbformat)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)

CELLS = [
    'unit = "city-police"\nproject_root = ""',
    """\
import html
from IPython.display import HTML, display
from wagebrief.analysis import market
from wagebrief.brief import market as brief_market

a = market.analyse(unit, root=project_root or None, forecast=2.5)
sec = brief_market.brief_section(unit, project_root or None, analysis=a)
display(HTML("<h2>" + html.escape(sec.title) + "</h2>" + "".join("<p>" + html.escape(t) + "</p>" for t in sec.text)))
for t in sec.tables:
    display(HTML("<h3>" + html.escape(t.caption) + "</h3>" + brief_market.table_html(t)))
for f in sec.figures:
    display(f.figure)
""",
]


@pytest.mark.notebook
def test_brief_section_renders_through_a_kernel(tmp_path):
    papermill = pytest.importorskip("papermill")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELLS[0], metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(CELLS[1])]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp_path / "market.ipynb", tmp_path / "market.out.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out), kernel_name="python3", cwd=str(tmp_path),
                               parameters={"unit": "city-police", "project_root": str(ROOT)}, progress_bar=False)
    done = nbformat.read(out, as_version=4)
    outputs = [o for c in done.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html_out = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Market position" in html_out
    assert "Our top-step Police Officer earns" in html_out
    assert "comparator median" in html_out
    assert "Market position by benchmark title" in html_out and "<table" in html_out
    assert "Town of Greenwich" in html_out            # named where its data is missing
    charts = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 2                              # now and at the end of the proposed contract
