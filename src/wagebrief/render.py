"""Executing the brief notebook per unit and exporting self-contained HTML.

The notebook is run with papermill (parameters are injected as plain values after its
``parameters`` cell) and exported with nbconvert with every input cell hidden, images embedded
as data URIs and nothing loaded from another host.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from wagebrief import io, units
from wagebrief.config import paths

BRIEF_NOTEBOOK = "brief.ipynb"
KERNEL = "python3"

PRINT_CSS = """
<style>
.wb-confidential { font-weight: bold; color: #8b0000; text-transform: uppercase; letter-spacing: .04em; }
.wb-synthetic { background: #fff3cd; border: 2px solid #b8860b; padding: .6em; margin: .6em 0; }
.wb-source { font-size: .8em; color: #555; }
.wb-caveat { font-style: italic; }
table.wb-table { border-collapse: collapse; font-size: .85em; }
table.wb-table th, table.wb-table td { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }
table.wb-table td:first-child, table.wb-table th:first-child { text-align: left; }
.wb-page-mark { display: none; }
@media print {
  .wb-page-mark { display: block; position: fixed; top: 0; right: 0; font-size: 9pt; color: #8b0000; }
  img, table, h2, h3 { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
</style>
"""


@dataclass
class RenderResult:
    """What happened when one unit's brief was rendered."""

    unit: str
    path: Path | None
    ok: bool
    seconds: float
    error: str = ""
    parameters: dict = field(default_factory=dict)


def parameters(unit: str, cycle_year: int, root: Path) -> dict:
    """The notebook's parameters: plain values only, never code."""
    return {"unit": str(unit), "cycle_year": int(cycle_year), "project_root": str(root)}


def execute(unit: str, cycle_year: int | None = None, root: str | Path | None = None,
            notebook: str | Path | None = None) -> nbformat.NotebookNode:
    """Run the brief notebook for ``unit`` through a Jupyter kernel and return it with outputs."""
    import papermill as pm

    p = paths(root)
    u = units.load(unit, root=p.root)
    nb_path = Path(notebook) if notebook else p.notebooks / BRIEF_NOTEBOOK
    return pm.execute_notebook(
        str(nb_path), None,
        parameters=parameters(u.unit, cycle_year or u.cycle_year, p.root),
        kernel_name=KERNEL, progress_bar=False, log_output=False, cwd=str(p.notebooks),
    )


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Export an executed notebook as one offline HTML file: no code, images inline."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    # The lab template loads MathJax, require.js and mermaid from CDNs. A brief has no maths,
    # widgets or diagrams and must not reach another host when opened offline, so every
    # script the template added is dropped: the brief is static HTML and CSS.
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S | re.I)
    mark = f'<div class="wb-page-mark">{html.escape("Confidential: prepared for collective bargaining")}</div>'
    return body.replace("</head>", PRINT_CSS + "</head>", 1).replace(
        "</body>", mark + "</body>", 1)


def report_path(unit: str, cycle_year: int, root: str | Path | None = None) -> Path:
    """Where a unit's brief goes: ``reports/<cycle_year>/<unit>.html``."""
    return paths(root).reports / str(cycle_year) / f"{unit}.html"


def render_unit(unit: str, cycle_year: int | None = None, root: str | Path | None = None) -> RenderResult:
    """Execute and export one unit's brief; the HTML file is replaced atomically."""
    start = time.perf_counter()
    p = paths(root)
    u = units.load(unit, root=p.root)
    cycle = cycle_year or u.cycle_year
    nb = execute(u.unit, cycle, p.root)
    out = report_path(u.unit, cycle, p.root)
    io.write_text(out, to_html(nb, f"{u.name} — bargaining brief {cycle}"))
    return RenderResult(u.unit, out, True, time.perf_counter() - start, parameters=parameters(u.unit, cycle, p.root))


def render_many(unit_names: list[str], cycle_year: int | None = None, root: str | Path | None = None) -> list[RenderResult]:
    """Render each unit; one unit's failure is recorded and the others carry on."""
    results = []
    for name in unit_names:
        start = time.perf_counter()
        try:
            results.append(render_unit(name, cycle_year, root))
        except Exception as exc:  # a scheduled run reports every failure and keeps going
            results.append(RenderResult(name, None, False, time.perf_counter() - start, error=_one_line(exc)))
    return results


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    # papermill's PapermillExecutionError carries the notebook's own exception name and message.
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    first = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {first}" if not ename else first


def generated_at() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
