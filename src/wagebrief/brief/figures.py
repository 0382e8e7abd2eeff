"""Making the brief's charts: pyplot-free figures, laid out once, drawn once.

A brief has seven charts and a cycle has dozens of briefs, so drawing them costs real time.
Two habits make each chart cost one draw instead of three:

* figures are plain :class:`matplotlib.figure.Figure` objects, never registered with pyplot, so
  the notebook's inline backend neither tracks them nor draws them again at the end of a cell;
* the tight layout is computed once, when the figure is built, and the figure keeps no layout
  engine, so saving it does not lay it out (and draw it) again.

Chart text is text: a scenario label such as ``Mgmt: $1,500 lump, 2%/yr, $750 step`` has two
``$`` and matplotlib would read what lies between them as math (and fail). Rather than escape
``$`` at every call that puts data into a title, legend, tick or note (one missed call brings
the bug back), every text of the figure has math parsing turned off where the figure is laid out
and drawn (:func:`plain_text`), and ticks made while drawing are made with it off.
"""

from __future__ import annotations

import io
from typing import Any

DPI = 100
_FIGURE_CLASS: Any = None
#: rc settings every layout pass and save runs under: texts created while drawing (ticks) are plain.
PLAIN_TEXT_RC = {"text.parse_math": False}


def _figure_class():
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        from matplotlib.figure import Figure as MplFigure

        class BriefFigure(MplFigure):
            """Shows itself as SVG in a notebook, whatever backend is active."""

            def _repr_svg_(self) -> str:
                return svg(self)

        _FIGURE_CLASS = BriefFigure
    return _FIGURE_CLASS


def new(figsize: tuple[float, float], nrows: int = 1, **subplots: Any):
    """A white figure at the brief's resolution and its axes, as :meth:`Figure.subplots` returns them."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure_class()(figsize=figsize, dpi=DPI, facecolor="white")
    # One Agg canvas for the figure's life: the layout pass (and a PNG, when one is asked for)
    # share its renderer, and with it matplotlib's cache of text measurements.
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, 1, **subplots)
    return fig, axes


def finish(fig, rect: tuple[float, float, float, float] = (0, 0.04, 1, 1)):
    """Lay ``fig`` out tightly inside ``rect`` (figure fractions; the bottom strip is for the source
    line) once, without leaving a layout engine on it that would redo the work when it is saved."""
    import matplotlib
    from matplotlib.layout_engine import TightLayoutEngine

    plain_text(fig)
    with matplotlib.rc_context(PLAIN_TEXT_RC):
        TightLayoutEngine(rect=rect).execute(fig)
    return fig


def plain_text(fig):
    """Turn off math parsing on every text of ``fig`` (titles, labels, legends, ticks, notes), so
    a ``$`` is shown as typed. A ``\\$`` written to escape math is shown as ``$``, as before."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_parse_math():
            text.set_parse_math(False)
            raw = text.get_text()
            if "\\$" in raw:  # what mathtext showed for an escaped dollar
                text.set_text(raw.replace("\\$", "$"))
    return fig


def png(fig, dpi: int = DPI) -> bytes:
    """A figure as PNG bytes."""
    import matplotlib

    plain_text(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(PLAIN_TEXT_RC):
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def svg(fig) -> str:
    """A figure as SVG text, the form a brief embeds: vector lines print sharply at any size,
    and its words stay text (the reader's sans-serif font draws them; DejaVu Sans, which the
    layout was measured with, is among the widest, so other fonts fit). Drawing it skips
    rasterizing, about half the time of a PNG."""
    import matplotlib

    plain_text(fig)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", **PLAIN_TEXT_RC}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
