"""The brief's HTML, from the Jinja2 templates in ``templates/``: the cover, each section, the
problem boxes, the page around a rendered brief and a cycle's index.

Escaping is the environment's default (``autoescape=True``): every ``{{ value }}`` is escaped,
whatever it holds. The one way past it is :func:`trusted`, for fragments already made safe
elsewhere (pandas tables built with ``escape=True``, a notebook's own HTML outputs, the
brief's Markdown). A name a template does not get is an error, never an empty string.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from wagebrief.brief import figures
from wagebrief.brief.data import BriefData, input_labels, vintages
from wagebrief.brief.section import Section, Table, format_value
from wagebrief.inputs import provenance
from wagebrief.brief.words import vocab

CONFIDENTIAL = "Confidential: prepared for collective bargaining"


class _Text(str):
    """Text whose HTML is ``html.escape``'s: ``&quot;`` and ``&#x27;`` for quotes."""

    def __html__(self) -> str:
        return html.escape(self)


def _finalize(value: Any) -> Any:
    # Each {{ value }} passes here before autoescape escapes it. Plain text becomes _Text, so the
    # quotes come out as html.escape wrote them before templates (the pages stay byte for byte
    # the same); markup that is trusted keeps its own __html__. Autoescape off, nothing escapes.
    return value if hasattr(value, "__html__") else _Text(value)


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The one template environment: autoescaping, strict about names, templates from the package."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("wagebrief.brief", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, finalize=_finalize, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["confidential"] = CONFIDENTIAL
    env.filters["vocab"] = vocab  # vocabulary codes as words ("public works"), as in the sections
    return env


def trusted(fragment: str) -> Markup:
    """``fragment`` marked as HTML that needs no escaping: the only way past autoescape.

    Only for HTML made safe where it was made: a pandas table built with ``escape=True``, an
    executed brief's own outputs, the notebook's Markdown. Never for text from an input file.
    """
    return Markup(fragment)


def render(name: str, **context: Any) -> str:
    """Template ``name`` filled in with ``context``, every value escaped unless :func:`trusted`."""
    return environment().get_template(name).render(**context)


def fragment(name: str, **context: Any) -> str:
    """:func:`render` without the template file's final line break: a piece of a page ends at its
    last tag, and what it goes into (a notebook output, a page) puts the line breaks around it."""
    return render(name, **context).removesuffix("\n")


# --------------------------------------------------------------------------- the brief's parts

def cover(data: BriefData, generated: dt.datetime | None = None, changes: list[str] | None = None) -> str:
    """The cover as HTML: unit, employer, cycle, date, the market position's as-of date,
    confidentiality, what each input is, a SYNTHETIC warning naming the invented inputs
    (only when one was used) and, when given, what changed since the last run
    (:func:`wagebrief.brief.changes.sentences`)."""
    generated = generated or dt.datetime.now(dt.timezone.utc)
    labels = input_labels(data)
    as_of = getattr(data, "as_of", None)
    return fragment("cover.html.j2", unit=data.unit, generated=f"{generated:%Y-%m-%d %H:%M}",
                    as_of=f"{as_of:%Y-%m-%d}" if as_of is not None else "",
                    vintages=vintages(data), labels=labels, banner=provenance.banner(labels),
                    changes=[str(c) for c in changes] if changes is not None else None)


def formatted(table: Table) -> pd.DataFrame:
    """A table's cells as display strings: the table's own formats first, then numbers with
    thousands separators (2 decimals unless the column is whole numbers), and "—" for missing."""
    out = table.data.copy()
    for col in out.columns:
        s = out[col]
        spec = table.formats.get(col)
        missing = s.isna()
        if spec:
            out[col] = [("—" if m else format_value(spec, v)) for v, m in zip(s, missing)]
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "yes", False: "no"}).fillna("—")
        elif pd.api.types.is_numeric_dtype(s):
            vals = s[~missing].astype(float)
            whole = bool(len(vals)) and bool((vals == vals.round()).all())
            fmt = "{:,.0f}" if whole else "{:,.2f}"
            out[col] = [("—" if m else fmt.format(v)) for v, m in zip(s, missing)]
        else:
            out[col] = [("—" if m else str(v)) for v, m in zip(s, missing)]
    return out



def table_html(table: Table) -> Markup:
    """A table as HTML, escaped; a table with ``links`` shows that column's http(s) addresses
    as links (the row's source), from the linked-table template (autoescaped like the rest)."""
    cells = formatted(table)
    if not table.links:
        return trusted(cells.to_html(index=False, escape=True, classes="wb-table", border=0))
    rows = [[{"text": str(v), "link": c == table.links and str(v).startswith(("http://", "https://"))}
             for c, v in zip(cells.columns, r)] for r in cells.itertuples(index=False)]
    return Markup(fragment("linked_table.html.j2", columns=[str(c) for c in cells.columns], rows=rows))


def section_html(section: Section) -> str:
    """A section's words and tables as HTML (figures are shown separately as images)."""
    tables = [{"caption": t.caption, "source": t.source, "note": t.note, "html": table_html(t)}
              for t in section.tables]
    return fragment("section.html.j2", section=section, tables=tables)


def show(section: Section) -> None:
    """Display a section in a notebook: its HTML, then each figure with its caption."""
    from IPython.display import HTML, SVG, display

    display(HTML(section_html(section)))
    for f in section.figures:
        display(SVG(figures.svg(f.figure), metadata={"alt": f.caption}))  # the caption is its alt text
        if f.source:
            display(HTML(fragment("source.html.j2", source=f.source)))
