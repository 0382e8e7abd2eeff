"""The exhibit book for an interest-arbitration hearing: one numbered exhibit per table or chart
of the brief that bears on a statutory factor, grouped by factor.

The list is made here, once, from the sections :func:`wagebrief.brief.partial.compute` returns;
the PDF (:mod:`wagebrief.brief.exhibits_pdf`) and the workbook
(:mod:`wagebrief.brief.exhibits_xlsx`) are both written from it, so their numbers agree.

Which factor an exhibit belongs to follows the brief's own cross-references
(:mod:`wagebrief.brief.factors`): each factor section's tables are that factor's; the
comparables factor points to the market position and the settlement tables, so the settlement,
outlook (the comparators' forecast), market and appendix sections feed it; the cost-of-living
factor is the inflation section's and the real-wage views'; the costing section (what each
proposal costs) feeds the employer's ability to pay; the comparators' non-wage terms feed
overall compensation. The executive summary and the methodology are words, not evidence, and
make no exhibit.

Numbering is deterministic: the statute's factor order (:data:`factors.STATUTORY_FACTORS`),
then within a factor the brief's order (section by section, a section's tables before its
charts). A rerun on the same inputs gives the same numbers; adding or removing one exhibit
moves only those after it. A table the brief shows twice (the comparables factor repeats the
market position) is one exhibit, where it first appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wagebrief.brief import data as brief_data
from wagebrief.brief.factors import STATUTORY_FACTORS
from wagebrief.brief.page import CONFIDENTIAL, formatted
from wagebrief.brief.partial import FailedSection, failures
from wagebrief.brief.section import Figure, Section, Table
from wagebrief.inputs import provenance

DEFAULT_PARTY = "Employer"
#: The brief's sections that hold evidence, in brief order (the summary and methodology do not).
ORDER = ["settlements", "inflation", "outlook", "market", "costing", "factors", "appendix"]
#: The factor (an index into STATUTORY_FACTORS) each section's tables and charts bear on.
SECTION_FACTOR = {"settlements": 0, "outlook": 0, "market": 0, "appendix": 0, "inflation": 1, "costing": 2}
#: Tables and charts that bear on another factor than their section's, by how their caption starts.
CAPTION_FACTOR = (
    ("Comparators' non-wage terms", 3),  # premium share, pension, hours, stipends: overall compensation
    ("Real base-wage change", 1),  # the outlook's real-wage views: cost of living
    ("Real base wages", 1),
)
#: What a hearing calls the parties; any other label is allowed if it is one short line.
MAX_PARTY = 40


@dataclass(frozen=True)
class Exhibit:
    """One exhibit: its number, statutory factor, the brief section it comes from, and its table or chart."""

    number: int
    factor: str
    section: str
    title: str
    source: str
    note: str = ""
    table: Table | None = None
    figure: Figure | None = None

    @property
    def kind(self) -> str:
        """"table" or "chart"."""
        return "table" if self.table is not None else "chart"

    def label(self, party: str) -> str:
        """What the hearing calls it: "Employer Exhibit 7"."""
        return f"{party} Exhibit {self.number}"


@dataclass
class Book:
    """The exhibit book of one unit: the exhibit list and what every page of it carries."""

    unit: Any  # wagebrief.inputs.units.Unit
    party: str
    date: str  #: the date the figures are stated at (the brief's as-of date), YYYY-MM-DD
    generated: str  #: when the book was made, UTC
    labels: list[provenance.InputLabel]
    banner: str | None  #: the SYNTHETIC warning, when an input used is invented
    exhibits: list[Exhibit]
    #: factor -> what its factor section says is missing, for each factor with no exhibit
    missing: dict[str, list[str]] = field(default_factory=dict)
    #: sections that could not be computed: (title, problems); their exhibits are not in the book
    failed: list[tuple[str, list[str]]] = field(default_factory=list)
    confidential: str = CONFIDENTIAL

    def by_factor(self) -> list[tuple[str, list[Exhibit]]]:
        """Every statutory factor in statute order with its exhibits (possibly none)."""
        return [(f, [e for e in self.exhibits if e.factor == f]) for f in STATUTORY_FACTORS]

    def label(self, exhibit: Exhibit) -> str:
        """``exhibit``'s label with this book's party."""
        return exhibit.label(self.party)


def check_party(party: str) -> str:
    """``party`` stripped, or ValueError when it is empty, longer than MAX_PARTY or not one line."""
    p = " ".join(str(party).split())
    if not p or len(p) > MAX_PARTY or p != str(party).strip():
        raise ValueError(f"the party label must be one line of 1 to {MAX_PARTY} characters, got {party!r}")
    return p


def factor_of(key: str, caption: str, factor_index: int | None = None) -> int:
    """The statutory factor (index) a table or chart of section ``key`` bears on."""
    if factor_index is not None:
        return factor_index
    for start, f in CAPTION_FACTOR:
        if caption.startswith(start):
            return f
    return SECTION_FACTOR[key]


def _fingerprint(table: Table) -> tuple:
    # What the reader sees (columns and display cells), not the caption: the factor sections'
    # "Pay position (see Market position)" is the market section's table under another name.
    cells = formatted(table)
    return tuple(str(c) for c in cells.columns), tuple(map(tuple, cells.astype(str).itertuples(index=False)))


def _candidates(sections: dict) -> list[tuple[int, Section, Table | Figure]]:
    """Every table and chart that bears on a factor, with its factor index, in brief order."""
    out: list[tuple[int, Section, Table | Figure]] = []
    for key in ORDER:
        value = sections.get(key)
        if value is None:
            continue
        group = value if isinstance(value, list) else [value]
        for i, sec in enumerate(group):
            if isinstance(sec, FailedSection):
                continue
            # The factor sections come one per factor in statute order; the title says which.
            fi = _factor_section_index(sec, i) if key == "factors" else None
            for item in [*sec.tables, *sec.figures]:
                out.append((factor_of(key, item.caption, fi), sec, item))
    return out


def _factor_section_index(sec: Section, i: int) -> int:
    for n, name in enumerate(STATUTORY_FACTORS):
        if sec.title.lower().endswith(name.lower()):
            return n
    return min(i, len(STATUTORY_FACTORS) - 1)


def exhibit_list(sections: dict) -> list[Exhibit]:
    """The numbered exhibits of ``sections`` (from :func:`wagebrief.brief.partial.compute`,
    the appendix added by :func:`wagebrief.brief.workbook.with_appendix`): factor order, then
    brief order; a table shown twice is one exhibit."""
    seen: set[tuple] = set()
    picked: list[tuple[int, int, Section, Table | Figure]] = []
    for pos, (fi, sec, item) in enumerate(_candidates(sections)):
        if isinstance(item, Table):
            key = _fingerprint(item)
            if key in seen:
                continue
            seen.add(key)
        picked.append((fi, pos, sec, item))
    picked.sort(key=lambda p: (p[0], p[1]))  # stable: factor, then brief order
    out = []
    for n, (fi, _pos, sec, item) in enumerate(picked, start=1):
        table = item if isinstance(item, Table) else None
        source = item.source or f"the wagebrief brief, section {sec.title!r}"
        # Most source lines say "Source: ..." already; every exhibit's does.
        source = source if source.lower().startswith("source") else f"Source: {source}"
        out.append(Exhibit(n, STATUTORY_FACTORS[fi], sec.title, item.caption, source,
                           note=table.note if table is not None else "", table=table,
                           figure=None if table is not None else item))
    return out


def _missing(sections: dict, exhibits: list[Exhibit]) -> dict[str, list[str]]:
    """For each factor with no exhibit, what its factor section says is missing."""
    value = sections.get("factors")
    group = value if isinstance(value, list) else [value] if value is not None else []
    used = {e.factor for e in exhibits}
    out: dict[str, list[str]] = {}
    for i, sec in enumerate(group):
        if isinstance(sec, FailedSection):
            continue
        name = STATUTORY_FACTORS[_factor_section_index(sec, i)]
        if name not in used:
            out[name] = [t for t in sec.text if str(t).startswith("Evidence missing")]
    return out


def build(data, sections: dict, party: str = DEFAULT_PARTY, generated: dt.datetime | None = None) -> Book:
    """The exhibit book of ``data``'s unit (``data`` from :func:`wagebrief.brief.partial.load`),
    its exhibits from ``sections``; ``party`` labels the exhibits ("Employer Exhibit 7")."""
    labels = brief_data.input_labels(data)
    exhibits = exhibit_list(sections)
    as_of = getattr(data, "as_of", None)
    generated = generated or dt.datetime.now(dt.timezone.utc)
    return Book(unit=data.unit, party=check_party(party),
                date=f"{as_of:%Y-%m-%d}" if as_of is not None else f"{generated:%Y-%m-%d}",
                generated=f"{generated:%Y-%m-%d %H:%M}", labels=labels, banner=provenance.banner(labels),
                exhibits=exhibits, missing=_missing(sections, exhibits),
                failed=[(s.title, list(s.problems)) for s in failures(sections)])


def default_paths(unit: str, cycle_year: int, root: str | Path | None = None) -> tuple[Path, Path]:
    """Where a unit's exhibit book goes: ``reports/<cycle>/<unit>-exhibits.pdf`` and ``.xlsx``."""
    from wagebrief.config import paths

    folder = paths(root).reports / str(cycle_year)
    return folder / f"{unit}-exhibits.pdf", folder / f"{unit}-exhibits.xlsx"


def export_unit(unit: str, root: str | Path | None = None, cycle_year: int | None = None, as_of: str | None = None,
                out_dir: str | Path | None = None, party: str = DEFAULT_PARTY) -> tuple[Path, Path, Book]:
    """Compute ``unit``'s brief sections as the brief does and write its exhibit book as PDF and
    XLSX into ``out_dir`` (default: ``reports/<cycle>/``); returns both paths and the book."""
    from wagebrief.brief import exhibits_pdf, exhibits_xlsx, partial, workbook

    party = check_party(party)
    data, _warnings = partial.load(unit, root=root, cycle_year=cycle_year, as_of=as_of or brief_data.today())
    sections = workbook.with_appendix(data, partial.compute(data))
    book = build(data, sections, party)
    pdf, xlsx = default_paths(unit, cycle_year or data.unit.cycle_year, data.root)
    if out_dir is not None:
        pdf, xlsx = Path(out_dir) / pdf.name, Path(out_dir) / xlsx.name
    return exhibits_pdf.write(pdf, book), exhibits_xlsx.write(xlsx, book), book
