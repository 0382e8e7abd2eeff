"""Briefs that render with problems: what one bad input touches, and nothing more.

One bad roster row used to stop a whole brief, although only the costing is computed from the
roster. Here each section is computed on its own: a section whose inputs are bad becomes a
:class:`FailedSection`, shown as a visible box listing the problems (``file:row:column:
message``, never a salary), and every other section renders as usual. The boxes carry their
problems in the output's metadata under :data:`STATUS_KEY`, which is how
:mod:`wagebrief.run.render` marks the unit "rendered with problems" without parsing HTML.

The notebook calls :func:`load`, :func:`compute` and :func:`show`; the sections themselves
are the section modules' (:mod:`wagebrief.brief.settlements`, ...) and the analysis modules'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from wagebrief.brief import data as brief_data, page
from wagebrief.brief.messages import one_line
from wagebrief.brief.section import Section
from wagebrief.config import paths
from wagebrief.inputs import gaps

#: Key of the output metadata the renderer reads problems and warnings from.
STATUS_KEY = "wagebrief"

TITLES = {
    "summary": "Executive summary",
    "settlements": "Comparator settlements",
    "inflation": "Settlements against inflation",
    "outlook": "Wage trends and outlook",
    "market": "Market position",
    "costing": "What each proposal costs",
    "factors": "The statutory factors",
    "methodology": "Methodology and sources",
    "cover": "Cover",
    "appendix": "Appendix: comparator settlements",
}

BOX_STYLE = "border:3px solid #b00020;background:#fdecea;padding:.6em 1em;margin:1em 0"


@dataclass
class FailedSection(Section):
    """A section that could not be computed: its title and the problems that stopped it."""

    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- loading

def load(unit: str, root: str | Path | None = None, cycle_year: int | None = None, as_of: Any = None):
    """:func:`wagebrief.brief.data.load` (``as_of`` an ISO date, empty for the analysis's default), except that a comparator whose settlement rows were
    all rejected is accepted: returns ``(BriefData, warnings)``, each warning naming the rejected
    rows, and the settlements section states the gap (its caveats)."""
    u, warnings = gaps.load_unit(unit, root=root)
    data = brief_data.load(u, root, cycle_year, as_of=as_of)
    data.notes.extend(f"{w}." for w in warnings)
    return data, warnings


# --------------------------------------------------------------------------- problems

def problem_lines(exc: BaseException, root: str | Path | None = None) -> list[str]:
    """What stopped a section, as lines: a roster's ``file:row:column: message`` problems when
    the error carries them, else the error's first line; paths relative to the project root."""
    lines = getattr(exc, "problems", None)
    if not (isinstance(lines, list) and lines and all(isinstance(x, str) for x in lines)):
        # The same wording as a failed unit's error; never empty: an error with no message is named by its type.
        lines = [one_line(exc)]
    prefix = str(paths(root).root) + "/"
    return [x.replace(prefix, "") for x in lines]


def failed(key: str, exc: BaseException, root: str | Path | None = None) -> FailedSection:
    """The box that stands in for section ``key`` when computing it raised ``exc``."""
    return FailedSection(TITLES.get(key, key), problems=problem_lines(exc, root))


def _guard(key: str, fn: Callable[[], Any], root: Path) -> Any:
    try:
        return fn()
    except Exception as exc:  # one bad input takes down its own section only
        return failed(key, exc, root)


def _attempt(fn: Callable[[], Any]) -> Any:
    """``fn()``, or the exception it raised (for the sections that depend on it)."""
    try:
        return fn()
    except Exception as exc:
        return exc


def compute(data, analyses: dict | None = None) -> dict:
    """Every section of the brief, each computed once and on its own:
    a section that raises is a :class:`FailedSection` and the others are unaffected.
    ``analyses``, if given, receives the market and costing analyses the sections were built
    from (or the exception each raised), for the headline figures (:mod:`wagebrief.brief.headlines`)."""
    from wagebrief.analysis import costing, market
    from wagebrief.brief import costing as costing_section, factors as factor_sections, inflation
    from wagebrief.brief import market as market_section, methodology, outlook, settlements, summary

    root = data.root
    position = _attempt(lambda: market.analyse(data.unit, root=root, events=data.events,
                                                  as_of=getattr(data, "as_of", None)))
    cost = _attempt(lambda: costing.cost_unit(data.unit, root=root, events=data.events))
    if analyses is not None:
        analyses.update(market=position, costing=cost)

    def using(dep: Any, key: str, fn: Callable[[], Any]) -> Any:
        return failed(key, dep, root) if isinstance(dep, BaseException) else _guard(key, fn, root)

    sections: dict[str, Any] = {
        "settlements": _guard("settlements", lambda: settlements.settlements_section(data), root),
        "inflation": _guard("inflation", lambda: inflation.inflation_section(data), root),
        "outlook": _guard("outlook", lambda: outlook.brief_section(data.unit, root=root), root),
        "market": using(position, "market", lambda: market_section.brief_section(data.unit, root=root, analysis=position)),
        "costing": using(cost, "costing", lambda: costing_section.brief_section(data.unit, root=root, costing=cost)),
        "methodology": _guard("methodology", lambda: methodology.methodology_section(data), root),
    }
    factors = using(position, "factors", lambda: list(factor_sections.statutory_factors(data.unit, root=root, analysis=position)))
    sections["factors"] = [factors] if isinstance(factors, FailedSection) else factors

    def summarise() -> Section:
        # A failed analysis contributes no sentence; its box says why.
        ms = [] if isinstance(position, BaseException) else market_section.sentences(position)
        cs = [] if isinstance(cost, BaseException) else costing_section.sentences(cost)
        return summary.executive_summary(sections, ms, cs)

    sections["summary"] = _guard("summary", summarise, root)
    return sections


def failures(sections: dict) -> list[FailedSection]:
    """The sections that could not be computed, in brief order."""
    out = []
    for v in sections.values():
        out += [s for s in (v if isinstance(v, list) else [v]) if isinstance(s, FailedSection)]
    return out


# --------------------------------------------------------------------------- display

def box_html(section: FailedSection) -> str:
    """A failed section as a box that cannot be missed: its title and every problem."""
    return page.fragment("problem.html.j2", box_style=BOX_STYLE, title=section.title, problems=section.problems)


def status_html(sections: dict, warnings: list[str]) -> str:
    """The banner under the cover: which sections have problems, and the data warnings."""
    return page.fragment("status.html.j2", box_style=BOX_STYLE, failed=failures(sections), warnings=warnings)


def _display_box(section: FailedSection) -> None:
    from IPython.display import HTML, display

    display(HTML(box_html(section)), metadata={STATUS_KEY: {"section": section.title, "problems": section.problems}})


def show(section: Section) -> None:
    """``page.show``, or the problem box of a failed section (also when showing it fails)."""
    if isinstance(section, FailedSection):
        _display_box(section)
        return
    try:
        page.show(section)
    except Exception as exc:  # a figure that cannot be drawn still leaves a trace
        _display_box(FailedSection(section.title, problems=problem_lines(exc)))


def show_html(key: str, fn: Callable[[], str]) -> None:
    """Display the HTML ``fn`` makes (the cover, the appendix), or a problem box if it raises."""
    from IPython.display import HTML, display

    try:
        text = fn()
    except Exception as exc:
        _display_box(failed(key, exc))
        return
    display(HTML(text))


def show_status(sections: dict, warnings: list[str]) -> None:
    """The status banner; its metadata carries the warnings to the renderer."""
    from IPython.display import HTML, display

    display(HTML(status_html(sections, warnings)), metadata={STATUS_KEY: {"warnings": list(warnings)}})
