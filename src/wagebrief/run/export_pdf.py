"""A unit's brief as a PDF (``wagebrief export --format pdf``, ``wagebrief render --pdf``).

The PDF is the rendered brief itself: the HTML ``wagebrief render`` wrote is converted
(:func:`wagebrief.brief.pdf.write_brief_pdf`), nothing is computed again. When there is no
rendered brief to convert, or it states another as-of date than the one asked for, the notebook
is executed in a kernel (:mod:`wagebrief.run.render`) and its HTML is converted from memory: no
brief is written into ``reports/``, whose index and manifest list only what a render wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

from wagebrief.brief import pdf
from wagebrief.brief.messages import one_line
from wagebrief.config import paths
from wagebrief.inputs import gaps
from wagebrief.run import render

#: The cover's statement of the date the brief is stated at (brief/templates/cover.html.j2).
_AS_OF = re.compile(r"<b>Position as of (\d{4}-\d{2}-\d{2})</b>")


def default_path(unit: str, cycle_year: int, root: str | Path | None = None) -> Path:
    """Where a unit's PDF goes by default: beside its brief, ``reports/<cycle>/<unit>.pdf``."""
    return render.report_path(unit, cycle_year, root).with_suffix(".pdf")


def stated_as_of(html: str) -> str:
    """The as-of date a rendered brief's cover states (YYYY-MM-DD), or "" if it states none."""
    m = _AS_OF.search(html)
    return m.group(1) if m else ""


def brief_html(unit: str, cycle_year: int | None = None, as_of: str = "",
               root: str | Path | None = None) -> str:
    """The unit's brief as HTML, stated as of ``as_of`` (empty: today): the one rendered in
    ``reports/<cycle>/`` when its cover states that date, else rendered now in a kernel of its own."""
    p = paths(root)
    u, _ = gaps.load_unit(unit, root=p.root)
    cycle = cycle_year or u.cycle_year
    as_of = render.check_as_of(as_of) or render.today()
    rendered = render.report_path(u.unit, cycle, p.root)
    if rendered.is_file():
        html = rendered.read_text(encoding="utf-8")
        if stated_as_of(html) == as_of:
            return html
    with render.Renderer(p.notebooks / render.BRIEF_NOTEBOOK) as r:
        nb = r.execute(render.parameters(u.unit, cycle, p.root, as_of))
    return render.to_html(nb, f"{u.name} — bargaining brief {cycle}")


def export_unit(unit: str, formats: list[str], root: str | Path | None = None, cycle_year: int | None = None,
                as_of: str | None = None, out_dir: str | Path | None = None,
                out: str | Path | None = None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Write the unit's brief as a PDF (see :func:`brief_html`) into ``out_dir`` (default
    ``reports/<cycle>/``) or to ``out``, as :func:`wagebrief.brief.exports.export_unit` writes the
    other formats: returns (format -> paths written, format -> error as one line)."""
    if list(formats) != [render.PDF]:
        raise ValueError(f"export_pdf writes only {render.PDF!r}, not {formats!r}")
    cycle = cycle_year or gaps.load_unit(unit, root=paths(root).root)[0].cycle_year  # a bad unit file: raised
    target = Path(out) if out is not None else Path(out_dir) / f"{unit}.pdf" if out_dir else default_path(unit, cycle, root)
    try:
        return {render.PDF: [str(pdf.write_brief_pdf(brief_html(unit, cycle, as_of or "", root), target))]}, {}
    except Exception as exc:  # the notebook failed in its kernel, or the PDF could not be written
        return {}, {render.PDF: one_line(exc)}
