"""How the brief names a span of yearly changes, in one wording everywhere: "over the five fiscal
years FY2022–FY2026, from the FY2021 average". The span itself is
:class:`wagebrief.analysis.realwages.Span`, so the words name the averages actually compared."""

from __future__ import annotations

from wagebrief.analysis.realwages import Span

_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve"]


def year_label(year: int, basis: str) -> str:
    """FY2026 on a fiscal basis, 2026 on a calendar basis."""
    return f"FY{int(year)}" if basis == "fiscal" else str(int(year))


def span_words(span: Span, basis: str) -> str:
    """'over the five fiscal years FY2022–FY2026, from the FY2021 average' (lower case)."""
    n = span.n_changes
    count = _WORDS[n] if n < len(_WORDS) else str(n)
    kind = "fiscal year" if basis == "fiscal" else "year"
    first, end, base = (year_label(y, basis) for y in (span.first_year, span.end_year, span.base_year))
    years = f"the {kind} {end}" if n == 1 else f"the {count} {kind}s {first}–{end}"
    return f"over {years}, from the {base} average"
