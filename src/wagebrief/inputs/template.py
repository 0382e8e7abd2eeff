"""``wagebrief template settlements FILE.xlsx``: an entry workbook for settlement data.

The workbook has the settlement columns in order (:data:`wagebrief.inputs.settlements.COLUMNS`, then
its optional columns), a dropdown (Excel data validation) on every vocabulary column, percent,
date and dollar formats, a comment on each header cell, and an instructions sheet with one
worked example per event kind. It is written with openpyxl (already the XLSX reader's
library) and reads back through ``wagebrief validate`` unchanged: the helper sheets are laid out
so that the reader, which takes any sheet whose header row names settlement columns, only
ever finds the entry sheet.
"""

from __future__ import annotations

from pathlib import Path

from wagebrief.inputs import settlements

ENTRY_SHEET = "settlements"
INSTRUCTIONS_SHEET = "instructions"
LISTS_SHEET = "lists"
#: Rows of the entry sheet that carry the dropdowns and formats (Excel copies them on insert).
ENTRY_ROWS = 2000

FORMATS = {"pct": "0.00%", "amount": "#,##0.00", "reference_salary": "#,##0.00", "employees": "0",
           "hours_per_week": "0.0#", "hours_before": "0.0#", "count": "0"}
DATE_FORMAT = "yyyy-mm-dd"

_COMMON = dict(jurisdiction="Town of Example", state="CT", jurisdiction_type="municipal", unit="Public Works",
               union="AFSCME Local 1", occupation_group="public_works", settlement_type="voluntary",
               ratified_date="2024-06-15", term_start="2024-07-01", term_end="2027-06-30",
               employees="85", source="EXAMPLE row from wagebrief's template; not a real settlement",
               source_url="", notes="", source_date="2024-06-20")

#: One worked example per event kind: (what it shows, the row as an analyst types it).
EXAMPLES: list[tuple[str, dict[str, str]]] = [
    ("gwi_pct: a 2.5% general wage increase on 2024-07-01. pct is in percent units.",
     {**_COMMON, "settlement_id": "EX-GWI-PCT", "effective_date": "2024-07-01", "event": "gwi_pct", "pct": "2.5%"}),
    ("gwi_flat: $1,000 added to base on 2025-07-01; reference_salary is the rate it is added to.",
     {**_COMMON, "settlement_id": "EX-GWI-FLAT", "effective_date": "2025-07-01", "event": "gwi_flat",
      "amount": "$1,000", "reference_salary": "$52,000"}),
    ("lump_sum: a one-time $750 payment, never added to base (a pct lump sum needs no reference_salary).",
     {**_COMMON, "settlement_id": "EX-LUMP", "effective_date": "2024-07-01", "event": "lump_sum",
      "amount": "750", "reference_salary": "52,000"}),
    ("step: step movement resumes for eligible employees; no pct or amount.",
     {**_COMMON, "settlement_id": "EX-STEP", "effective_date": "2024-07-01", "event": "step",
      "notes": "step movement for eligible employees"}),
    ("freeze: no increase in a year of the term (a year with no row is unknown, not zero).",
     {**_COMMON, "settlement_id": "EX-FREEZE", "effective_date": "2024-07-01", "event": "freeze"}),
    ("hours_change: paid hours rise from 37.5 to 40 a week (pay rises 6.67% with them; not a general increase).",
     {**_COMMON, "settlement_id": "EX-HOURS", "effective_date": "2024-07-01", "event": "hours_change",
      "hours_before": "37.5", "hours_per_week": "40"}),
    ("premium_share: the employee pays 17.5% of the health premium from 2024-07-01 (one row per change).",
     {**_COMMON, "settlement_id": "EX-PREMIUM", "effective_date": "2024-07-01", "event": "premium_share",
      "pct": "17.5%", "detail": "PPO plan, all tiers"}),
    ("health_plan: a plan design change, in words.",
     {**_COMMON, "settlement_id": "EX-PLAN", "effective_date": "2025-07-01", "event": "health_plan",
      "detail": "move to an HSA plan with a $2,000/$4,000 deductible"}),
    ("pension_contribution: the employee contributes 7% of pay to the pension from 2024-07-01.",
     {**_COMMON, "settlement_id": "EX-PENSION", "effective_date": "2024-07-01", "event": "pension_contribution",
      "pct": "7%", "detail": "employees hired after 2012"}),
    ("stipend: $1,500 a year for EMT-certified employees only (applies_to titles, schedule names the group).",
     {**_COMMON, "settlement_id": "EX-STIPEND", "effective_date": "2024-07-01", "event": "stipend",
      "amount": "$1,500", "applies_to": "titles", "schedule": "EMT-certified", "detail": "EMT certification stipend"}),
    ("step_change: one step added at the top of the schedule (count -1 for a step removed).",
     {**_COMMON, "settlement_id": "EX-STEPS", "effective_date": "2025-07-01", "event": "step_change",
      "count": "1", "detail": "new step 8 at the top of the schedule"}),
    ("longevity: a longevity pay change, in words (amount or pct when the source states one).",
     {**_COMMON, "settlement_id": "EX-LONGEVITY", "effective_date": "2024-07-01", "event": "longevity",
      "detail": "longevity at 20 years raised from $900 to $1,000"}),
    ("holidays: one holiday added (count is how many).",
     {**_COMMON, "settlement_id": "EX-HOLIDAY", "effective_date": "2024-07-01", "event": "holidays",
      "count": "1", "detail": "Juneteenth"}),
    ("reopener: the 2026-27 wages are to be bargained again; no pct (the raise is unknown, not 0).",
     {**_COMMON, "settlement_id": "EX-REOPENER", "effective_date": "2026-07-01", "event": "reopener",
      "detail": "wage reopener for the third year"}),
    ("official_cost: a cost figure as the source reports it, dated at ratification; period says what span.",
     {**_COMMON, "settlement_id": "EX-COST", "effective_date": "2024-06-15", "event": "official_cost",
      "amount": "$1,200,000", "period": "term", "detail": "town manager: cost over three years, wages only"}),
    ("retro_pay: how retroactive pay was paid; effective_date is when it was paid.",
     {**_COMMON, "settlement_id": "EX-RETRO", "effective_date": "2024-08-15", "event": "retro_pay",
      "detail": "raises retroactive to 2024-07-01, paid in one check"}),
    ("stated_total: the headline total the source states, dated at term_start; detail quotes it.",
     {**_COMMON, "settlement_id": "EX-TOTAL", "effective_date": "2024-07-01", "event": "stated_total",
      "pct": "9%", "detail": "'9% over three years'"}),
    ("parity: a parity or me-too clause with other units, in words.",
     {**_COMMON, "settlement_id": "EX-PARITY", "effective_date": "2024-07-01", "event": "parity",
      "detail": "me-too with the police unit's general wage increases"}),
    ("other: any other package term, in words.",
     {**_COMMON, "settlement_id": "EX-OTHER", "effective_date": "2024-07-01", "event": "other",
      "detail": "uniform allowance raised to $600 a year"}),
]

INSTRUCTIONS = [
    "How to fill the 'settlements' sheet",
    "One row per event of a contract (a raise, a premium share, a stipend...); every row of one contract "
    "repeats its settlement_id, jurisdiction, unit and term.",
    "Rows for one group only (a tier, titles, the top step): pick applies_to and name the group in schedule.",
    "Pick vocabulary words from the dropdowns. Dates: type them as dates (2024-07-01 or 7/1/2024).",
    "pct: type 2.5% (the column is formatted as percent); 2.5 and 2.5% both mean two and a half percent.",
    "Dollars: type 1000 or $1,000. A flat raise and a dollar lump sum need reference_salary.",
    "Blank rows are ignored. A rejected row is never dropped silently: `wagebrief validate FILE.xlsx` "
    "lists every problem as file[sheet]:row:column: message.",
    "Each header cell's comment says what the column holds; docs/inputs.md has the full reference.",
    "Worked examples, one per event kind, are below (copy a row into the settlements sheet to start).",
]


def columns() -> list[str]:
    """The entry sheet's columns: the required ones in order, then the optional ones."""
    return list(settlements.COLUMNS) + [c for c in getattr(settlements, "OPTIONAL_COLUMNS", [])
                                       if c not in settlements.COLUMNS]


def _doc(col: str) -> str:
    doc = getattr(settlements, "COLUMN_DOCS", {}).get(col)
    if doc is None:
        return col
    kind, req, text = doc
    return f"{col} ({kind}, {req}): {text}"


def write_settlements(path: str | Path) -> Path:
    """Write the settlement entry workbook to ``path`` (``.xlsx``) and return the path."""
    # openpyxl is imported here: only writing the workbook needs it, not the template's columns.
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the template is an Excel workbook; name it *.xlsx")
    cols = columns()
    wb = Workbook()
    ws = wb.active
    ws.title = ENTRY_SHEET
    ws.append(cols)
    ws.freeze_panes = "A2"
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True)
        cell.comment = Comment(_doc(col), "wagebrief", width=320, height=140)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(len(col) + 3, 14)
        fmt = DATE_FORMAT if col in settlements.DATE_COLUMNS else FORMATS.get(col)
        if fmt:
            for r in range(2, ENTRY_ROWS + 2):
                ws.cell(row=r, column=j).number_format = fmt

    # Vocabularies live on a hidden sheet: an inline list is limited to 255 characters. Its
    # header cells are not column names, so the settlement reader never takes it for data.
    lists = wb.create_sheet(LISTS_SHEET)
    vocab_cols = [c for c in cols if c in settlements.VOCABULARIES]
    for k, col in enumerate(vocab_cols, start=1):
        words = settlements.VOCABULARIES[col]
        lists.cell(row=1, column=k, value=f"{col} (allowed values)")
        for i, word in enumerate(words, start=2):
            lists.cell(row=i, column=k, value=word)
        letter = get_column_letter(k)
        dv = DataValidation(type="list", formula1=f"={LISTS_SHEET}!${letter}$2:${letter}${len(words) + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle=f"Not a {col}",
                            error=f"{col} must be one of: {', '.join(words)}", showInputMessage=True,
                            promptTitle=col, prompt=f"One of: {', '.join(words)}"[:255])
        target = get_column_letter(cols.index(col) + 1)
        dv.add(f"{target}2:{target}{ENTRY_ROWS + 1}")
        ws.add_data_validation(dv)
    lists.sheet_state = "hidden"

    ins = wb.create_sheet(INSTRUCTIONS_SHEET)
    ins.column_dimensions["A"].width = 110
    for i, line in enumerate(INSTRUCTIONS, start=1):
        ins.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    ins.cell(row=1, column=1).font = Font(bold=True, size=13)
    # The example table starts below the rows the reader scans for a header row, so the
    # instructions sheet is never read as settlement data.
    top = max(len(INSTRUCTIONS) + 2, settlements.XLSX_HEADER_SCAN + 2)
    ins.cell(row=top, column=1, value="what the example shows").font = Font(bold=True)
    for j, col in enumerate(cols, start=2):
        ins.cell(row=top, column=j, value=col).font = Font(bold=True)
        ins.column_dimensions[get_column_letter(j)].width = max(len(col) + 3, 14)
    for i, (what, row) in enumerate(EXAMPLES, start=top + 1):
        ins.cell(row=i, column=1, value=what).alignment = Alignment(wrap_text=True)
        for j, col in enumerate(cols, start=2):
            # Typed text, exactly as the analyst would type it into the entry sheet.
            ins.cell(row=i, column=j, value=row.get(col, "")).number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
