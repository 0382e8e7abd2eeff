"""Municipal fiscal indicators: ``data/raw/fiscal/municipal_fiscal_indicators.csv``.

The file follows Connecticut OPM's *Municipal Fiscal Indicators* (the annual compendium of the
Office of Policy and Management, Municipal Finance Services Unit, of each of the 169 towns'
audited General Fund figures), one row per municipality and fiscal year, so an analyst can paste
OPM's rows as published. The column names are OPM's where OPM's are fixed:

* ``municipality``, ``fisc_year_end``, ``total_revenue``, ``total_expenditures``,
  ``unassigned_fund_bal`` and ``debt_service`` are the field names of OPM's data.ct.gov table
  (dataset 72by-n3wh, https://data.ct.gov/api/views/72by-n3wh/rows.xml?accessType=DOWNLOAD,
  e.g. ``<municipality>ANDOVER</municipality><fisc_year_end>2013</fisc_year_end>``), and, capitalised,
  of the yearly ``FISCIN<yy>`` tables of OPM's MS Access editions (``Total_Revenue``, ...);
* ``net_grand_list``, ``actual_mill_rate`` and ``population`` are wagebrief's year-free names for
  fields OPM names by the year: ``ACGLFY<yy>`` (data.ct.gov ``acglfy13``; the net grand list of
  1 October of year yy-2, equal to OPM's NetGL table), ``ACMR`` (``acmr``) and ``<yyyy> Population``
  (``2013_population``). They are CT Data Collaborative's labels for those fields ("Net Grand List",
  "Actual Mill Rate", "Population", in github.com/CT-Data-Collaborative/municipal-grand-list,
  scripts/municipal_grand_list-processing.R), written as field names. Where OPM's ACMR gives two
  rates (``74.29 / 32.00``: real & personal property / motor vehicle, FY2017-18), the first is typed.

OPM's newer data.ct.gov datasets use other names (financial statements, FY2020-2023,
``d6pe-dw46``: ``d_15_total_revenues``, ``d_26_total_expenditures``; town data, FY2014 on,
``ej6f-y2wf``: ``total_revenues``); their figures are typed into these columns. data/raw/fiscal/README.md has the evidence.

Two columns are wagebrief's: ``source`` and ``source_url`` (every figure is cited, and a row
whose source says SYNTHETIC is invented). ``fisc_year_end`` names the fiscal year by the year it
ends in (Connecticut's fiscal year ends on 30 June). A bad row is rejected with
``file:row:column: message`` and kept, as typed, in the result's ``rejects``; a missing file
means no indicators. :data:`COLUMN_DOCS` documents the columns for the input reference page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs.profiles import ProfileResult
from wagebrief.inputs.settlements import FILE_COL, ROW_COL, parse_number
from wagebrief.inputs.tablefile import read_text_csv, rejected_note, rejected_rows

YEARS = (1990, 2100)
#: Dollar columns: each a General Fund figure for the fiscal year, in dollars.
DOLLARS = ("total_revenue", "total_expenditures", "unassigned_fund_bal", "debt_service", "net_grand_list")

#: column -> (type, "required"/"optional", description). The input reference page is built from it.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "municipality": ("text", "required", "The town as OPM names it (`HARTFORD`); matched to a unit's employer and "
                                         "comparators ignoring case and a leading `City of` / `Town of`."),
    "fisc_year_end": ("year", "required", "The fiscal year, by the year it ends in (`2023`: July 2022 to June 2023)."),
    "total_revenue": ("dollars", "optional", "General Fund total revenue."),
    "total_expenditures": ("dollars", "optional", "General Fund total expenditures (more than 0)."),
    "unassigned_fund_bal": ("dollars", "optional", "General Fund unassigned fund balance (may be negative)."),
    "debt_service": ("dollars", "optional", "General Fund debt service."),
    "net_grand_list": ("dollars", "optional", "Net grand list: taxable assessed value after exemptions (more than 0); "
                                              "OPM's `ACGLFY18` (FY2018; the 1 October 2016 list) and so on."),
    "actual_mill_rate": ("number", "optional", "Mill rate levied: dollars of tax per $1,000 of assessed value; OPM's "
                                               "`ACMR`. Where it gives two (`74.29 / 32.00`), type the first (real & "
                                               "personal property) and say so in notes."),
    "population": ("whole number", "optional", "Population: OPM's `2018 Population` (FY2018) and so on."),
    "source": ("text", "required", "Where the row's figures are published (OPM Municipal Fiscal Indicators, "
                                   "its edition); SYNTHETIC marks invented rows."),
    "source_url": ("URL", "optional", "The source's address, as found."),
    "notes": ("text", "optional", "Anything assumed in typing the row."),
}
COLUMNS = list(COLUMN_DOCS)
REQUIRED = [c for c, (_, req, _) in COLUMN_DOCS.items() if req == "required"]
NUMBERS = (*DOLLARS, "actual_mill_rate", "population")


class FiscalFileError(ValueError):
    """A fiscal-indicators file that cannot be read at all."""


class FiscalResult(ProfileResult):
    """Valid typed indicator rows, rejected rows as typed (with reasons), and every problem."""


def default_path(root: str | Path | None = None) -> Path:
    """``data/raw/fiscal/municipal_fiscal_indicators.csv`` under the project root."""
    return paths(root).fiscal_indicators


def read_raw(path: str | Path) -> pd.DataFrame:
    """The file's cells as text, with ``_file`` and ``_row`` (the header is row 1)."""
    return read_text_csv(path, COLUMNS, REQUIRED, FiscalFileError)


def validate_frame(raw: pd.DataFrame) -> FiscalResult:
    """Type raw rows; a row with any problem is rejected and kept as typed."""
    t = raw[COLUMNS].apply(lambda s: s.astype(str).str.strip())
    errs: list[tuple[int, str, str]] = []

    def bad(mask: pd.Series, col: str, msg) -> None:
        errs.extend((i, col, msg(i) if callable(msg) else msg) for i in raw.index[mask.to_numpy(bool)])

    for col in REQUIRED:
        bad(t[col].eq(""), col, "required; it is blank")
    year, y_bad = parse_number(t["fisc_year_end"])
    bad(t["fisc_year_end"].ne("") & (y_bad | ~(year == year.round()) | ~year.between(*YEARS)), "fisc_year_end",
        lambda i: f"{t.at[i, 'fisc_year_end']!r} is not a year from {YEARS[0]} to {YEARS[1]}")
    typed: dict[str, pd.Series] = {}
    for col in NUMBERS:
        v, unreadable = parse_number(t[col].str.replace(r"^\((.*)\)$", r"-\1", regex=True))  # (123) is -123
        bad(unreadable, col, lambda i, c=col: f"{t.at[i, c]!r} is not a number")
        typed[col] = v
    for col in ("total_expenditures", "net_grand_list", "population"):
        v = typed[col]
        bad(v.notna() & (v <= 0), col, lambda i, c=col: f"{t.at[i, c]} must be more than 0")
    for col in ("total_revenue", "debt_service", "actual_mill_rate"):
        v = typed[col]
        bad(v.notna() & (v < 0), col, lambda i, c=col: f"{t.at[i, c]} must not be negative")
    pop = typed["population"]
    bad(pop.notna() & (pop != pop.round()), "population", lambda i: f"{t.at[i, 'population']!r} is not a whole number")
    url = t["source_url"]
    bad(url.ne("") & ~url.str.match(r"^https?://\S+$"), "source_url", lambda i: f"{url[i]!r} is not an http(s) address")
    key = t["municipality"].str.casefold() + "|" + t["fisc_year_end"]
    dup = key.duplicated(keep="first") & t["municipality"].ne("")
    bad(dup, "fisc_year_end", lambda i: f"{t.at[i, 'municipality']} FY{t.at[i, 'fisc_year_end']} is given twice "
                                        "(the first row is kept)")

    ok, rejects, located = rejected_rows(raw, COLUMNS, errs)
    out = t.assign(**typed, fisc_year_end=year, synthetic=t["source"].str.contains("SYNTHETIC", case=False),
                   source_file=raw[FILE_COL], source_row=raw[ROW_COL].astype(int))[ok]
    out = out.astype({"fisc_year_end": "int64", "population": "Int64"})
    return FiscalResult(out.reset_index(drop=True), rejects, located, len(raw))


def _empty() -> FiscalResult:
    return validate_frame(pd.DataFrame(columns=[*COLUMNS, FILE_COL, ROW_COL]))


def validate(files: Iterable[str | Path] | None = None, root: str | Path | None = None) -> FiscalResult:
    """Read and validate indicator files (default: the project's file, if there is one)."""
    files = [Path(f) for f in files] if files is not None else [default_path(root)]
    frames = [read_raw(f) for f in files if f.is_file()]
    return validate_frame(pd.concat(frames, ignore_index=True)) if frames else _empty()


def load(root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Valid indicator rows and notes on what was not used; never raises for bad data."""
    try:
        result = validate(root=root)
    except (FiscalFileError, OSError) as exc:
        return _empty().valid, [f"Municipal fiscal indicators not used: {exc}"]
    return result.valid, rejected_note(result, "fiscal-indicator")


def town_key(name: str) -> str:
    """A jurisdiction's name as OPM's rows name the town: "City of Hartford" -> "hartford"."""
    text = str(name).strip().casefold()
    for prefix in ("city and town of ", "town and city of ", "city of ", "town of ", "borough of "):
        if text.startswith(prefix):
            return text[len(prefix):].strip()
    return text
