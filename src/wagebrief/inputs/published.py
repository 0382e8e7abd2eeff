"""Published settlement averages: ``data/raw/reference/published_averages.csv``.

State boards print averages of the contracts they file: Ohio SERB's Annual Wage Settlement
Report gives the average first-year increase by year and kind of employer or unit with its count
of contracts; New Jersey PERC gives the average increase in interest-arbitration awards and in
voluntary settlements. They are cited facts, shown beside a unit's own comparators, never mixed
into their measures. :data:`COLUMN_DOCS` documents the columns (the input reference page is
built from it). A bad row is rejected with ``file:row:column: message`` and kept, as typed, in
the result's ``rejects``; a missing file means no published averages.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs.profiles import ProfileResult
from wagebrief.inputs.settlements import FILE_COL, ROW_COL, VOCABULARIES, parse_number
from wagebrief.inputs.tablefile import read_text_csv, rejected_note, rejected_rows

MEASURES = ("first_year_mean", "term_mean_annual", "award_mean", "voluntary_mean")
MEASURE_WORDS = {
    "first_year_mean": "average first-year increase",
    "term_mean_annual": "average annual increase over the term",
    "award_mean": "average increase in arbitration awards",
    "voluntary_mean": "average increase in voluntary settlements",
}
OCCUPATION_GROUPS = ("all", *VOCABULARIES["occupation_group"])
JURISDICTION_TYPES = ("all", *VOCABULARIES["jurisdiction_type"])
YEARS = (1970, 2100)

#: column -> (type, "required"/"optional", description). The input reference page is built from it.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "publisher": ("text", "required", "Who publishes the figure (`Ohio SERB`, `New Jersey PERC`)."),
    "state": ("two-letter code", "required", "The state the figure covers (`OH`)."),
    "year": ("year or period", "required", "The year the publisher gives the figure for (its settlement or award year, `2023`), a school or fiscal year (`2013-14`) or a span (`2011-2013`), as printed."),
    "measure": ("vocabulary", "required", "What the figure is: " + "; ".join(f"`{k}`: {v}" for k, v in MEASURE_WORDS.items()) + "."),
    "occupation_group": ("vocabulary", "required", "The unit type the figure covers, in the settlement vocabulary, or `all`."),
    "jurisdiction_type": ("vocabulary", "required", "The kind of employer the figure covers, in the settlement vocabulary, or `all`."),
    "pct": ("percent", "required", "The figure in percent (3.24 or 3.24%)."),
    "n_contracts": ("whole number", "optional", "How many contracts the figure averages, when the publisher prints it."),
    "source": ("text", "required", "The publication (title, edition)."),
    "source_url": ("URL", "required", "The publication's address, as found."),
    "source_date": ("date", "optional", "When the publication was issued (YYYY-MM-DD)."),
    "notes": ("text", "optional", "Exactly what the publisher measured, and any assumption made in typing the row."),
}
COLUMNS = list(COLUMN_DOCS)
REQUIRED = [c for c, (_, req, _) in COLUMN_DOCS.items() if req == "required"]
VOCAB = {"measure": MEASURES, "occupation_group": OCCUPATION_GROUPS, "jurisdiction_type": JURISDICTION_TYPES}


_PERIOD = r"^(?P<first>\d{4})(?:\s*[-\u2013/]\s*(?P<last>\d{4}|\d{2}))?$"


def _period(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last calendar year of "2023", "2013-14" or "2011-2013" (NaN when unreadable)."""
    m = text.str.extract(_PERIOD)
    first = pd.to_numeric(m["first"], errors="coerce")
    last = m["last"].fillna(m["first"])
    # "2013-14": the last year is written by its last two digits, in the first year's century.
    short = last.str.len().eq(2)
    last = pd.to_numeric(last, errors="coerce")
    last = last.where(~short, (first // 100) * 100 + last)
    return first, last


class PublishedFileError(ValueError):
    """A published-averages file that cannot be read at all."""


def default_path(root: str | Path | None = None) -> Path:
    """Where the published averages live: ``data/raw/reference/published_averages.csv``."""
    return paths(root).published_averages


def read_raw(path: str | Path) -> pd.DataFrame:
    """The file's cells as typed text, with ``_file`` and ``_row``."""
    return read_text_csv(path, COLUMNS, REQUIRED, PublishedFileError)


class PublishedResult(ProfileResult):
    """Valid typed published averages, rejected rows as typed (with reasons), and every problem
    (the same shape as a profile file's result)."""


def validate_frame(raw: pd.DataFrame) -> PublishedResult:
    """Type raw rows; a row with any problem is rejected and kept as typed."""
    t = raw[COLUMNS].apply(lambda s: s.astype(str).str.strip())
    errs: list[tuple[int, str, str]] = []

    def bad(mask: pd.Series, col: str, msg) -> None:
        errs.extend((i, col, msg(i) if callable(msg) else msg) for i in raw.index[mask.to_numpy(bool)])

    for col in REQUIRED:
        bad(t[col].eq(""), col, "required; it is blank")
    bad(t["state"].ne("") & ~t["state"].str.fullmatch(r"[A-Z]{2}"), "state", lambda i: f"{t.at[i, 'state']!r} is not a two-letter state code like 'OH'")
    for col, words in VOCAB.items():
        bad(t[col].ne("") & ~t[col].isin(words), col, lambda i, c=col, w=words: f"{t.at[i, c]!r} is not one of {', '.join(w)}")
    year, year_end = _period(t["year"])
    bad(t["year"].ne("") & ~(year.notna() & year.between(*YEARS) & (year_end >= year)), "year",
        lambda i: f"{t.at[i, 'year']!r} is not a year between {YEARS[0]} and {YEARS[1]}, a school year like "
                  f"2013-14 or a span like 2011-2013")
    pct, unreadable = parse_number(t["pct"])
    bad(unreadable, "pct", lambda i: f"{t.at[i, 'pct']!r} is not a number")
    bad(~unreadable & pct.notna() & ~pct.between(-15, 25), "pct", lambda i: f"{t.at[i, 'pct']} is outside -15% to 25%")
    n, n_bad = parse_number(t["n_contracts"])
    bad(n_bad | (n.notna() & ((n != n.round()) | (n < 1))), "n_contracts",
        lambda i: f"{t.at[i, 'n_contracts']!r} is not a whole number of contracts (1 or more)")
    url = t["source_url"]
    bad(url.ne("") & ~url.str.match(r"^https?://\S+$"), "source_url", lambda i: f"{url[i]!r} is not an http(s) address")
    sdate = pd.to_datetime(t["source_date"].where(t["source_date"].ne("")), format="%Y-%m-%d", errors="coerce")
    bad(t["source_date"].ne("") & sdate.isna(), "source_date", lambda i: f"{t.at[i, 'source_date']!r} is not a date (YYYY-MM-DD)")

    # Only rejected rows can hold a fractional year or count; they leave before the cast.
    ok, rejects, located = rejected_rows(raw, COLUMNS, errs)
    typed = t.assign(period=t["year"], year=year, year_end=year_end, pct=pct, n_contracts=n, source_date=sdate,
                     source_file=raw[FILE_COL], source_row=raw[ROW_COL].astype(int))[ok]
    typed = typed.astype({"year": "Int64", "year_end": "Int64", "n_contracts": "Int64"})
    return PublishedResult(typed.reset_index(drop=True), rejects, located, len(raw))


def validate(files: Iterable[str | Path] | None = None, root: str | Path | None = None) -> PublishedResult:
    """Read and validate published-average files (default: the shipped reference file, if any)."""
    files = [Path(f) for f in files] if files is not None else [default_path(root)]
    frames = [read_raw(f) for f in files if f.is_file()]
    if not frames:
        return validate_frame(pd.DataFrame(columns=[*COLUMNS, FILE_COL, ROW_COL]))
    return validate_frame(pd.concat(frames, ignore_index=True))


def load(root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Valid published averages and notes on what was not used; never raises for bad data."""
    try:
        result = validate(root=root)
    except (PublishedFileError, OSError) as exc:
        return validate_frame(pd.DataFrame(columns=[*COLUMNS, FILE_COL, ROW_COL])).valid, [f"Published averages not used: {exc}"]
    return result.valid, rejected_note(result, "published-average")


def matching(averages: pd.DataFrame, occupation_group: str | Iterable[str], years: Iterable[int],
             jurisdiction_type: str | None = None) -> pd.DataFrame:
    """The published rows for an occupation group (or groups, or all groups), and a kind of
    employer (or all kinds) when given, whose period holds one of ``years``, newest first."""
    years = sorted({int(y) for y in years})
    groups = [occupation_group] if isinstance(occupation_group, str) else list(occupation_group)
    covers = pd.Series([any(a <= y <= b for y in years) for a, b in zip(averages["year"], averages["year_end"])],
                       index=averages.index, dtype=bool)
    m = averages["occupation_group"].isin([*groups, "all"]) & covers
    if jurisdiction_type is not None:
        # A school district's average is no yardstick for a state's clerks, nor a state's for a town's.
        m &= averages["jurisdiction_type"].isin([jurisdiction_type, "all"])
    return averages.loc[m].sort_values(["year_end", "year", "state", "publisher", "occupation_group"],
                                       ascending=[False, False, True, True, False])
