"""Fuzzed settlement files: whatever a spreadsheet holds, the data path neither chokes nor loses a row.

Hypothesis builds whole files (bytes) from valid contracts and rows broken the ways spreadsheets
break them: wrong types, blank cells, stray symbols, swapped columns, huge and negative numbers,
non-ASCII text, ragged rows, duplicated and missing headers; UTF-8 with and without BOM, UTF-16,
Latin-1 and Windows-1252; LF, CRLF and CR line endings, quoted line breaks, blank lines, and
formula-looking cells. Each file goes through ``wagebrief build`` (typer's CliRunner), whose
report, processed tables and rejects.csv are checked; some also through ``wagebrief validate``
and ``settlements.validate``. The properties:

* nothing crashes; every problem is one ``file:row:column: message`` line, and a file-level
  problem (missing or duplicated column, unreadable bytes) is one ``error:`` line;
* valid rows + rejected rows = the records the generator wrote (blank lines are not records);
* every rejected row is in rejects.csv with every value exactly as written, except that a
  formula-looking value gains a leading ``'``;
* a contract the generator did not break is valid, and a row it broke is rejected.

``make test`` (profile ``ci``, the default) is derandomized: every run draws the same
``CSV_EXAMPLES`` files of ``CSV_ROWS`` records (>= 10,000 rows) plus XLSX workbooks, in under a
minute, so CI never fails on a case nobody has seen. ``make test-fuzz`` (``HYPOTHESIS_PROFILE=long``)
draws new random cases every run, ~20x more (half an hour); a failure prints the
``@reproduce_failure`` blob, and is kept in ``.hypothesis/`` to be replayed first next time. Add
each case it finds to tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wagebrief.inputs import settlements
from wagebrief.inputs.settlements import files as settlement_files
from wagebrief.cli import app

COLUMNS = settlements.COLUMNS
# Registered and loaded here, before FUZZ below is made: a settings object takes its defaults
# from the profile loaded when it is created. "ci" is the same fixed cases on every run, with no
# example database (a database would replay whatever an earlier run on this machine found).
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("long", derandomize=False, deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
LONG = PROFILE == "long"
CSV_EXAMPLES = 300 if LONG else 16
CSV_ROWS = (200, 3000) if LONG else (640, 700)
XLSX_EXAMPLES = 60 if LONG else 6
XLSX_ROWS = (40, 400) if LONG else (60, 90)
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.large_base_example])

#: Records fuzzed in this session, per test (checked by test_enough_rows_were_fuzzed).
FUZZED: dict[str, int] = {}

runner = CliRunner()

# --------------------------------------------------------------------------- values

VOCAB = settlements.VOCABULARIES
# Breaks go only to columns the generated files hold (not the optional ones: amount_per,
# hours_per_week, source_date...): a broken value in a column the file leaves out breaks nothing.
VOCAB_COLS = [c for c in VOCAB if c in COLUMNS]
DATE_COLS = [c for c in settlements.DATE_COLUMNS if c in COLUMNS]
#: The events a file of the required columns alone can hold valid: the package terms need the
#: optional columns (detail, count, hours_before), which the generated files leave out; they are
#: covered row by row in test_package_record.py.
FUZZED_EVENTS = ("gwi_pct", "gwi_flat", "lump_sum", "step", "freeze")
NUMBER_COLS = [c for c in settlements.NUMBER_COLUMNS if c in COLUMNS]
REQUIRED_NONBLANK = ["jurisdiction", "state", "unit", "source", "jurisdiction_type", "occupation_group",
                     "settlement_type", "term_start", "term_end", "effective_date", "event"]

#: Text an analyst might type into a name column; all valid (non-blank) names.
NAMES = [
    "Testville", "City of New Haven", "Montréal", "São Paulo", "Zürich", "東京都", "Ελλάδα",
    "O'Brien & Sons", 'The "Big" City', "<script>alert(1)</script>", "Town, of Commas",
    "Line\nBreak Town", "CRLF\r\nCity", "Bare\rCR", '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-Hyphen Town", "  padded  ", "tab\there", "emoji 🎉 City",
    "nul\x00byte", "line\u2028separator", "x" * 300, "\tTabbed", "'quoted", "a,b,\"c\"\r\nd",
]
EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Broken cells that must be rejected, by the column kind they break.
BAD_NUMBERS = ["two", "2.5.1", "1e400", "-1e400", "nan", "inf", "--1", "2,5%x", "=1+1",
               '=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "\t=2", "½", "0x10",
               "1 000 abc", "2.\n5x", "(5)", "+-3", "-2+3", "N/A", "#VALUE!", "5 percent", "£5"]
OUT_OF_RANGE = {"pct": ["26", "-15.5", "1e10", "-1e308"], "reference_salary": ["0", "-5", "-52,000"],
                "employees": ["-1", "2.5", "-1e9"]}
BAD_DATES = ["July-ish", "2024-13-01", "9999-12-31", "0001-01-01", "1/1/1800", "2958466", "31/12/2024",
             "=TODAY()", "2024-02-30", "2262-04-12", "1677-09-21", "12/31/9999", "00000", "2024/07/01x"]
BAD_VOCAB = ["astronaut", "<b>x</b>", "=1", "gwi pct pct", "42", "vol untary", "\u00a0"]
BAD_STATES = ["Connecticut", "C1", "<s>", "ÉÉ", "C T", "=A1"]
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "=1+2", "+SUM(A1)", "@cmd", "-2+3", "\t=x", "\r=x",
            "-inf", "+nan", "=cmd|' /C calc'!A0"]

EXCEL_EPOCH = dt.date(1899, 12, 30)


def vocab_text(rnd, word: str) -> str:
    return rnd.choice([word, word.upper(), word.replace("_", " ").title(), word.replace("_", "-"),
                       f"  {word} ", word.capitalize()])


def date_text(rnd, d: dt.date) -> str:
    return rnd.choice([
        d.isoformat(), d.isoformat(), f"{d.month}/{d.day}/{d.year}", d.strftime("%m/%d/%Y"),
        str((d - EXCEL_EPOCH).days), f"{d.isoformat()} 00:00:00", f"{d.isoformat()}T00:00:00Z",
        f" {d.isoformat()} ",
    ])


def pct_text(rnd) -> str:
    v = round(rnd.uniform(-15, 25), rnd.choice([0, 1, 2]))
    return rnd.choice([f"{v}", f"{v}%", f" {v:.2f} ", f"{v} %"] + ([f"+{v}"] if v > 0 else []))


def money_text(rnd, lo: float, hi: float) -> str:
    v = round(rnd.uniform(lo, hi), 2)
    return rnd.choice([f"{v}", f"${v:,.2f}", f"{v:,.0f}", f" {v:.0f} ", f"$ {v:,.0f}"])


# --------------------------------------------------------------------------- records


@dataclass
class Record:
    cells: dict[str, str]                 #: the value written under each column header
    sid: int                              #: the contract it belongs to (-1 for none)
    broken: bool = False                  #: broken by a rule-breaking change: must be rejected
    disagree: bool = False                #: jurisdiction changed: rejected iff a sibling keeps its id
    garbage: bool = False                 #: random text somewhere: outcome not predicted
    extra: list[str] = field(default_factory=list)  #: fields written past the header (ragged)
    short: int = 0                        #: fields left off the end (ragged)
    duplicate: bool = False               #: an exact copy of the record before it
    row: int = 0                          #: spreadsheet row, set when the file is written


def contract(rnd, i: int, names: list[str]) -> list[Record]:
    """One valid contract: 1-5 events inside a 1-5 year term, every value as an analyst types it."""
    start = dt.date(rnd.randint(2000, 2032), rnd.randint(1, 12), rnd.randint(1, 28))
    years = rnd.randint(1, 5)
    end = dt.date(start.year + years, start.month, start.day) - dt.timedelta(days=1)
    n_events = rnd.randint(1, 5)
    days = sorted(rnd.sample(range((end - start).days + 1), n_events))
    sid = rnd.choice(["S", "ZZ-", "ct/2024/", "Ä-", " =", "-", "Contract #"]) + str(i)
    common = dict(
        settlement_id=sid, jurisdiction=rnd.choice(names), state=rnd.choice(["CT", "ct", " MA ", "Ny", "tx"]),
        jurisdiction_type=vocab_text(rnd, rnd.choice(VOCAB["jurisdiction_type"])), unit=rnd.choice(names),
        union=rnd.choice(["", "AFSCME Local 1", rnd.choice(names)]),
        occupation_group=vocab_text(rnd, rnd.choice(VOCAB["occupation_group"])),
        settlement_type=vocab_text(rnd, rnd.choice(VOCAB["settlement_type"])),
        source=rnd.choice(names), source_url=rnd.choice(["", "https://example.org/a?b=1&c=2", FORMULAS[0]]),
    )
    ratified = rnd.choice(["", (start - dt.timedelta(days=rnd.randint(0, 400)))])
    signing_bonus = False  # at most one event on a ratified_date before the term: never a duplicate
    out = []
    for k, day in enumerate(days):
        event = rnd.choice(FUZZED_EVENTS)
        effective = start + dt.timedelta(days=day)
        if event == "lump_sum" and ratified != "" and ratified < start and not signing_bonus and rnd.random() < 0.3:
            effective, signing_bonus = ratified, True  # a signing bonus, paid on ratification: valid
        cells = dict(common, ratified_date="" if ratified == "" else date_text(rnd, ratified),
                     term_start=date_text(rnd, start), term_end=date_text(rnd, end),
                     effective_date=date_text(rnd, effective),
                     event=vocab_text(rnd, event), pct="", amount="", reference_salary="",
                     employees=rnd.choice(["", "100", "1,200", " 35 ", "0"]),
                     notes=rnd.choice(["", f"event {k}", rnd.choice(names), rnd.choice(FORMULAS)]))
        if event == "gwi_pct" or (event == "lump_sum" and rnd.random() < 0.5):
            cells["pct"] = pct_text(rnd)
        elif event in ("gwi_flat", "lump_sum"):
            cells["amount"] = money_text(rnd, -2000, 5000)
            if rnd.random() < 0.8:  # without it a flat raise or dollar lump is valid, its percent unknown
                cells["reference_salary"] = money_text(rnd, 20000, 150000)
        out.append(Record(cells, i))
    return out


def break_record(rnd, rec: Record, siblings: int, garbage_pool: list[str]) -> None:
    """Break ``rec`` one of the ways a spreadsheet breaks a row."""
    c = rec.cells
    kind = rnd.choice(["blank", "number", "range", "date", "vocab", "state", "swap", "ragged", "rules",
                       "disagree", "garbage", "garbage"])
    if kind == "blank":
        c[rnd.choice(REQUIRED_NONBLANK + ["settlement_id"])] = rnd.choice(["", " ", "  \t"])
    elif kind == "number":
        c[rnd.choice(NUMBER_COLS)] = rnd.choice(BAD_NUMBERS)
    elif kind == "range":
        col = rnd.choice(list(OUT_OF_RANGE))
        c[col] = rnd.choice(OUT_OF_RANGE[col])
    elif kind == "date":
        c[rnd.choice(DATE_COLS)] = rnd.choice(BAD_DATES)
    elif kind == "vocab":
        c[rnd.choice(VOCAB_COLS)] = rnd.choice(BAD_VOCAB)
    elif kind == "state":
        c["state"] = rnd.choice(BAD_STATES)
    elif kind == "swap":  # a date where a word belongs and a word where a date belongs
        a, b = rnd.choice(settlements.REQUIRED_DATES), rnd.choice(VOCAB_COLS)
        c[a], c[b] = c[b], c[a]
    elif kind == "ragged":
        if rnd.random() < 0.5:
            rec.short = rnd.randint(1, 3)
        else:
            rec.extra = rnd.sample(["", "extra", "=1+1", "x,y", "a\nb"], rnd.randint(1, 2))
    elif kind == "rules":
        # (A flat raise or dollar lump sum without reference_salary is valid: no break.)
        rule = rnd.choice(["outside", "no_pct", "no_amount", "no_lump_value"])
        if rule == "outside":  # before any ratified_date and term, or after both
            c["effective_date"] = rnd.choice(["2099-12-31", "1901-01-01"])
        elif rule == "no_pct":
            c["event"], c["pct"] = "gwi_pct", ""
        elif rule == "no_amount":
            c["event"], c["amount"] = "gwi_flat", ""
        else:
            c["event"], c["pct"], c["amount"] = "lump_sum", "", ""
    elif kind == "disagree" and siblings > 1:
        c["jurisdiction"] = c["jurisdiction"].strip() + f" (other {rnd.randrange(10**9)})"  # differs from every sibling
        # Whether it is broken depends on the siblings as finally written (a later break or a
        # short row can blank their settlement_id): see predict_disagreements.
        rec.disagree = True
        return
    else:
        rec.garbage = True
        col = rnd.choice([k for k in COLUMNS if k != "settlement_id"])
        c[col] = rnd.choice(garbage_pool)
        return
    rec.broken = True


def make_records(rnd, n_target: int, names: list[str], garbage_pool: list[str], p_break: float) -> list[Record]:
    records: list[Record] = []
    i = 0
    while len(records) < n_target:
        group = contract(rnd, i, names)
        for rec in group:
            if rnd.random() < p_break:
                break_record(rnd, rec, len(group), garbage_pool)
        for rec in group:
            records.append(rec)
            if rnd.random() < 0.01 and not rec.extra and not rec.short:  # an exact copy: rejected, original kept
                records.append(Record(dict(rec.cells), rec.sid, garbage=rec.garbage, duplicate=True))
        i += 1
    return records


# --------------------------------------------------------------------------- CSV bytes

def csv_field(value: str, force_quote: bool) -> str:
    if force_quote or any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


@dataclass
class FuzzFile:
    data: bytes
    records: list[Record]
    header: list[str]
    encoding: str
    newline: str
    file_error: str | None = None  #: the expected start of a file-level error message


def project_text(records: list[Record], header: list[str], encoding: str) -> None:
    """Make every value representable in an 8-bit encoding (what such a file can hold at all)."""
    if encoding not in ("latin-1", "cp1252"):
        return

    def fix(s: str) -> str:
        s = s.encode(encoding, "replace").decode(encoding)
        return "".join("?" if "\x80" <= ch <= "\x9f" else ch for ch in s)

    for rec in records:
        rec.cells = {k: fix(v) for k, v in rec.cells.items()}
        rec.extra = [fix(v) for v in rec.extra]


@st.composite
def csv_files(draw, rows: tuple[int, int] = CSV_ROWS,
              header_modes: tuple[str, ...] = ("plain", "plain", "shuffled", "styled", "extra")) -> FuzzFile:
    rnd = random.Random(draw(st.integers(0, 2**64 - 1)))  # bulk rows from a drawn seed: fast, reproducible
    n = draw(st.integers(*rows))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header_mode = draw(st.sampled_from(header_modes))
    p_break = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5]))
    drawn = draw(st.lists(st.text(min_size=1, max_size=20).filter(str.strip), min_size=3, max_size=8))
    garbage = draw(st.lists(st.text(max_size=12), min_size=3, max_size=8)) + BAD_NUMBERS[:3] + FORMULAS
    names = NAMES + drawn
    records = make_records(rnd, n, names, garbage, p_break)
    header = list(COLUMNS)
    file_error = None
    if header_mode == "shuffled":
        rnd.shuffle(header)
    elif header_mode == "extra":
        header.insert(rnd.randint(0, len(header)), "comments")
    elif header_mode == "missing":
        gone = sorted(rnd.sample(range(len(COLUMNS)), rnd.randint(1, 3)))
        header = [c for j, c in enumerate(header) if j not in gone]
        file_error = "missing required column(s): " + ", ".join(COLUMNS[j] for j in gone)
    elif header_mode == "duplicated":
        j, k = rnd.sample(range(len(header)), 2)
        header[k] = header[j]
        file_error = f"duplicated column header(s): {header[j]}"
    project_text(records, header, encoding)

    shown = [rnd.choice([h, h.upper(), f" {h} ", h.title()]) if header_mode == "styled" else h for h in header]
    lines = [",".join(csv_field(h, rnd.random() < 0.05) for h in shown)]
    row = 1
    for rec in records:
        while rnd.random() < 0.02:  # blank lines and rows of empty cells: not records, but rows
            lines.append(rnd.choice(["", "," * (len(header) - 1), ",,"]))
            row += 1
        fields = [rec.cells.get(h, "extra value" if h == "comments" else "") for h in header]
        fields = (fields[:len(fields) - rec.short] if rec.short else fields) + rec.extra
        lines.append(",".join(csv_field(v, rnd.random() < 0.05) for v in fields))
        row += 1
        rec.row = row
    text = newline.join(lines) + rnd.choice(["", newline, newline * 3])
    data = text.encode(encoding)
    if encoding in ("latin-1", "cp1252") and any(b > 127 for b in data):
        try:  # bytes that are also valid UTF-8 are read as UTF-8 (no reader can tell them apart)
            data.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    return FuzzFile(data, records, header, encoding, newline, file_error)


# --------------------------------------------------------------------------- checks

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<row>\d+):(?P<col>[a-z_]+): \S")
SUMMARY = re.compile(r"^\d+ rows: \d+ valid, \d+ rejected \(\d+ problems(, \d+ warnings)?\)$")
PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def as_shown_in_csv(value: str) -> str:
    """What rejects.csv must hold for a value: the value, with a ``'`` before a formula-looking
    one (OWASP: leading = + - @ tab CR), unless it is a plain number such as -2.5."""
    if value.startswith(("=", "+", "-", "@", "\t", "\r")) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def expected_cells(rec: Record, header: list[str]) -> dict[str, str]:
    """The values of a record under each settlement column, as the reader must give them."""
    width = len(header)
    fields = [rec.cells.get(h, "extra value" if h == "comments" else "") for h in header]
    fields = fields[:width - rec.short] if rec.short else fields
    fields = (fields + [""] * width)[:width]
    return {h: v for h, v in zip(header, fields) if h in COLUMNS}


def predict_disagreements(records: list[Record], header: list[str]) -> None:
    """Set ``broken`` on each record whose jurisdiction was changed: it is rejected only if another
    row, as written, has its settlement_id and another jurisdiction.

    A sibling whose settlement_id was blanked (a "blank" break, or a short row cut off under a
    shuffled header) belongs to no settlement, so a changed row can be alone under its id, with
    nothing to disagree with: valid (found as "broken row 518 was accepted", issue 12).
    """
    cells = [expected_cells(r, header) for r in records]
    jurisdictions: dict[str, set[str]] = {}
    for c in cells:
        sid = c.get("settlement_id", "").strip()
        if sid:
            jurisdictions.setdefault(sid, set()).add(c.get("jurisdiction", "").strip())
    for r, c in zip(records, cells):
        if r.disagree:
            sid = c.get("settlement_id", "").strip()
            # A blank jurisdiction is a value too (it differs from this one).
            r.broken = bool(sid) and len(jurisdictions.get(sid, set())) > 1


def tainted_contracts(records: list[Record]) -> set[int]:
    """Contracts with any broken, garbled or changed row: their outcome is not predicted."""
    return {r.sid for r in records if r.broken or r.garbage or r.disagree}


def check_result(result: settlements.ValidationResult, records: list[Record], header: list[str],
                 file_label: str) -> None:
    """Accounting, exact rejects, and the generator's own verdicts."""
    predict_disagreements(records, header)
    by_row = {r.row: r for r in records}
    assert result.n_input == len(records), (result.n_input, len(records))
    assert len(result.valid) + len(result.rejects) == len(records)
    rej_rows = list(result.rejects["row"])
    val_rows = list(result.valid["source_row"])
    assert sorted(rej_rows + val_rows) == sorted(by_row), "rows lost, invented or counted twice"
    assert set(result.rejects["file"]) <= {file_label} and set(result.valid["source_file"]) <= {file_label}
    for rej in result.rejects.to_dict("records"):
        want = expected_cells(by_row[rej["row"]], header)
        got = {c: rej[c] for c in COLUMNS}
        assert got == want, f"row {rej['row']} not kept as given"
        assert isinstance(rej["reason"], str) and rej["reason"]
    tainted = tainted_contracts(records)
    for r in records:
        if r.broken and not r.garbage:
            assert r.row in rej_rows, f"broken row {r.row} was accepted: {r.cells}"
        if r.duplicate:
            assert r.row in rej_rows
        if r.sid not in tainted and not r.duplicate:
            assert r.row in val_rows, (f"row {r.row} of an unbroken contract was rejected: "
                                       f"{result.rejects.loc[result.rejects['row'].eq(r.row), 'reason'].tolist()}")
    for line in result.problems():
        m = PROBLEM.match(line)
        assert m and m["file"] == file_label and "\n" not in line and "\r" not in line, line
        assert m["col"] in COLUMNS or m["col"] == "row", line


def cli(args: list[str], root: Path):
    res = runner.invoke(app, args, env={"WAGEBRIEF_ROOT": str(root)}, catch_exceptions=True)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 1), res.output
    return res


def check_cli_lines(stderr: str, file_label: str, file_error: str | None) -> None:
    lines = stderr.splitlines()
    if file_error:
        assert len(lines) == 1 and lines[0].startswith(f"error: {file_label}:1: {file_error}"), lines
        return
    assert lines and SUMMARY.match(lines[-1]), lines[-1:]
    for line in lines[:-1]:
        m = PROBLEM.match(line)
        assert m and m["file"] == file_label, line


def read_rejects_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SUMMARY_NUMBERS = re.compile(r"^(\d+) rows: (\d+) valid, (\d+) rejected \((\d+) problems")


def check_build(root: Path, res, records: list[Record], header: list[str], label: str) -> None:
    """The properties, read from what ``wagebrief build`` wrote and printed (one validation per
    file keeps the fuzz fast): accounting, exact rejects, the generator's verdicts."""
    predict_disagreements(records, header)
    assert res.exit_code == 0, res.output
    check_cli_lines(res.stderr, label, None)
    n_input, n_valid, n_rejected, _ = map(int, SUMMARY_NUMBERS.match(res.stderr.splitlines()[-1]).groups())
    processed = root / "data" / "processed"
    valid = pd.read_parquet(processed / "settlements.parquet", columns=["source_file", "source_row"])
    back = read_rejects_csv(processed / "rejects.csv")
    assert not [p for p in processed.iterdir() if p.name.endswith(".tmp")]
    assert (n_valid, n_rejected) == (len(valid), len(back))
    assert n_input == len(records) and n_valid + n_rejected == n_input, (n_input, len(records))
    assert set(valid["source_file"]) <= {label} and {r["file"] for r in back} <= {label}
    val_rows = set(valid["source_row"])
    rej_rows = {int(r["row"]) for r in back}
    by_row = {r.row: r for r in records}
    assert len(val_rows) == n_valid and len(rej_rows) == n_rejected and not val_rows & rej_rows
    assert val_rows | rej_rows == set(by_row), "rows lost or invented"
    for got in back:  # every value exactly as given; formula-looking ones prefixed
        want = expected_cells(by_row[int(got["row"])], header)
        for col in COLUMNS:
            assert got[col] == as_shown_in_csv(want[col]), (got["row"], col, got[col], want[col])
        assert got["reason"] and not got["reason"].startswith(("=", "+", "@"))
    tainted = tainted_contracts(records)
    for r in records:
        if (r.broken and not r.garbage) or r.duplicate:
            assert r.row in rej_rows, f"broken row {r.row} was accepted: {r.cells}"
        elif r.sid not in tainted:
            assert r.row in val_rows, (f"row {r.row} of an unbroken contract was rejected: "
                                       f"{[g['reason'] for g in back if int(g['row']) == r.row]}")


def run_file(name: str, data: bytes, records: list[Record], header: list[str], file_error: str | None,
             also_validate: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / name
        path.write_bytes(data)
        label = str(path)
        if file_error:
            with pytest.raises(settlements.SettlementFileError) as exc:
                settlements.validate([path])
            assert str(exc.value).startswith(f"{label}:1: {file_error}"), str(exc.value)
            for command in ("validate", "build"):
                res = cli([command, str(path)], root)
                assert res.exit_code == 1
                check_cli_lines(res.stderr, label, file_error)
            return
        res = cli(["build", str(path)], root)
        check_build(root, res, records, header, label)
        if also_validate:
            # Warnings (a fraction-like pct) are printed too, but only problems make validate fail.
            ok = SUMMARY_NUMBERS.match(res.stderr.splitlines()[-1])[4] == "0"
            res = cli(["validate", str(path)], root)
            assert res.exit_code == (0 if ok else 1)
            check_cli_lines(res.stderr, label, None)


# --------------------------------------------------------------------------- the properties

@settings(FUZZ, max_examples=CSV_EXAMPLES)
@given(f=csv_files())
def test_fuzzed_csv_files(f: FuzzFile):
    note(f"encoding={f.encoding} newline={f.newline!r} header={f.header} records={len(f.records)}")
    FUZZED["csv"] = FUZZED.get("csv", 0) + len(f.records)
    run_file("fuzz.csv", f.data, f.records, f.header, f.file_error, also_validate=len(f.records) % 4 == 0)


@settings(FUZZ, max_examples=100 if LONG else 15)
@given(f=csv_files(rows=(1, 20), header_modes=("missing", "duplicated")))
def test_fuzzed_missing_and_duplicated_columns(f: FuzzFile):
    """A missing or duplicated column is one clear error naming the file, never a traceback."""
    run_file("fuzz.csv", f.data, f.records, f.header, f.file_error, also_validate=True)


def test_the_generator_breaks_and_keeps_what_it_says():
    """The oracle itself: one seeded file of each kind runs through the checks."""
    import random

    for seed in range(4):
        rnd = random.Random(seed)
        recs = make_records(rnd, 300, NAMES, ["junk"], 0.3)
        assert any(r.broken for r in recs) and any(not (r.broken or r.garbage) for r in recs)
        for k, r in enumerate(recs):
            if r.short or r.extra:  # a frame has no ragged rows: no prediction for these
                r.broken, r.garbage = False, True
            r.row, r.short, r.extra = k + 2, 0, []
        result = settlements.validate_frame(_frame(recs))
        check_result(result, recs, list(COLUMNS), "mem.csv")


def _frame(recs: list[Record]) -> pd.DataFrame:
    df = pd.DataFrame([r.cells for r in recs], columns=COLUMNS).astype(object)
    df[settlements.FIELDS_COL] = ""
    df[settlements.FILE_COL] = "mem.csv"
    df[settlements.ROW_COL] = [r.row for r in recs]
    return df


@settings(FUZZ, max_examples=300 if LONG else 60)
@given(body=st.text(alphabet=st.sampled_from(list('ab,"\r\n é\x00')), max_size=80))
def test_fast_and_exact_csv_readers_agree(body: str):
    """pyarrow's reader (the fast path) splits any text exactly as Python's csv module does, or
    declines; blank lines are kept as empty rows by both."""
    names = ["x", "y", "z"]
    text = "x,y,z\n" + body
    fast = settlement_files._csv_fast(text.encode("utf-8"), names)
    exact = settlement_files._csv_exact(text, names)
    if fast is not None:
        pd.testing.assert_frame_equal(fast.astype(object), exact.astype(object), check_dtype=False,
                                      check_categorical=False)


# --------------------------------------------------------------------------- XLSX


def cell_text(v) -> str:
    """How a typed cell reads: its text; whole numbers without .0; dates as ISO dates."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else str(v)


def typed_cell(rnd, text: str):
    """The value a spreadsheet would hold for ``text``: numbers and dates typed, the rest text."""
    if re.fullmatch(r"-?\d+", text) and rnd.random() < 0.7:
        return int(text)
    if re.fullmatch(r"-?\d+\.\d{1,2}", text) and rnd.random() < 0.7:
        return float(text)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text) and rnd.random() < 0.7:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    return text


@dataclass
class Workbook:
    data: bytes
    sheets: dict[str, tuple[list[Record], list[str]]]  #: data sheets: records, header
    file_error: str | None = None


@st.composite
def xlsx_files(draw) -> Workbook:
    import openpyxl

    rnd = random.Random(draw(st.integers(0, 2**64 - 1)))  # bulk rows from a drawn seed: fast, reproducible
    n_sheets = draw(st.integers(1, 3))
    layouts = draw(st.lists(st.sampled_from(["plain", "title", "group_header", "merged_vertical", "offset"]),
                            min_size=n_sheets, max_size=n_sheets))
    with_notes = draw(st.booleans())
    p_break = draw(st.sampled_from([0.0, 0.1, 0.4]))
    drawn = [EXCEL_ILLEGAL.sub("", t).replace("\r", "") for t in
             draw(st.lists(st.text(min_size=1, max_size=15), min_size=2, max_size=5))]
    names = [n.replace("\r", "") for n in NAMES if not EXCEL_ILLEGAL.search(n)] + [d for d in drawn if d.strip()]
    garbage = [g for g in ["junk", "=1+1", "½", "  ", "@x"] + drawn]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if with_notes:  # a sheet of instructions: no header, skipped
        ws = wb.create_sheet("Read me")
        ws["A1"] = "How to fill in the settlement sheet"
        ws["A3"] = "notes"
        ws["B3"] = "source"
    sheets: dict[str, tuple[list[Record], list[str]]] = {}
    typed: dict[str, tuple[object, bool]] = {}
    sid_base = 0
    for k, layout in enumerate(layouts):
        title = rnd.choice(["Settlements", "Sheet 2", "Données", "FY 2025 (draft)", "a&b"]) + f" {k}"
        ws = wb.create_sheet(title)
        records = make_records(rnd, draw(st.integers(*XLSX_ROWS)), names, garbage, p_break)
        for r in records:
            r.sid += sid_base
            if r.cells["settlement_id"].strip():  # ids unique across sheets
                r.cells["settlement_id"] += f"/{k}"
            r.cells = {c: v.replace("\r", "") for c, v in r.cells.items()}
            if r.extra and not any(r.extra):  # an empty cell past the header is no value
                r.broken, r.garbage = False, True
            r.extra = [e.replace("\r", "") for e in r.extra if e]
        sid_base += 10_000
        header = list(COLUMNS)
        if rnd.random() < 0.3:
            rnd.shuffle(header)
        hrow = {"plain": 1, "title": rnd.choice([2, 3]), "group_header": 2, "merged_vertical": 2,
                "offset": rnd.randint(2, 6)}[layout]
        if layout == "title":  # a merged title row (and maybe a blank row) above the header
            ws.cell(1, 1, f"Settlements collected {title}")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        elif layout == "group_header":  # merged group labels above the column names
            ws.cell(1, 1, "Contract")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
            ws.cell(1, 9, "Wage event")
            ws.merge_cells(start_row=1, start_column=9, end_row=1, end_column=len(header))
        vertical = rnd.sample(range(1, len(header) + 1), 3) if layout == "merged_vertical" else []
        for j, h in enumerate(header, start=1):
            shown = rnd.choice([h, h.upper(), f" {h} "])
            if j in vertical:  # a column name in a cell merged over both header rows
                ws.cell(1, j, shown)
                ws.merge_cells(start_row=1, start_column=j, end_row=2, end_column=j)
            else:
                if layout == "merged_vertical":
                    ws.cell(1, j, "Group")
                ws.cell(hrow, j, shown)
        row = hrow
        for rec in records:
            while rnd.random() < 0.03:  # empty rows inside the data: rows, not records
                row += 1
            row += 1
            rec.row = row
            values = [rec.cells[h] for h in header]
            if rec.short:  # an XLSX row has no length: left-off cells are just empty cells
                values[len(values) - rec.short:] = [""] * rec.short
            shown_cells = []
            for j, text in enumerate(values + rec.extra, start=1):
                if text == "":
                    shown_cells.append("")
                    continue
                # The same text is always typed the same way, so an exact copy stays exact.
                v, as_formula = typed.setdefault(text, (typed_cell(rnd, text), rnd.random() < 0.5))
                cell = ws.cell(row, j)
                cell.value = v
                if isinstance(v, str) and not (v.startswith("=") and as_formula):
                    cell.data_type = "s"  # else a formula never computed: it reads as its text
                shown_cells.append(cell_text(v))
            rec.cells = dict(zip(header, shown_cells))
            rec.extra = shown_cells[len(header):]
            if rec.short:
                rec.broken, rec.garbage = False, True  # maybe valid now: no prediction
            rec.short = 0
        sheets[title] = (records, header)
        for _ in range(rnd.randint(0, 3)):  # formatted but empty rows after the data
            row += 1
            ws.cell(row, 1).number_format = "0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return Workbook(buf.getvalue(), sheets)


@settings(FUZZ, max_examples=XLSX_EXAMPLES)
@given(wb=xlsx_files())
def test_fuzzed_xlsx_workbooks(wb: Workbook):
    """Merged title and header rows, several sheets and typed cells: every data sheet is read, its
    rows numbered as the sheet numbers them, and the file named ``book.xlsx[Sheet]``."""
    n = sum(len(recs) for recs, _ in wb.sheets.values())
    FUZZED["xlsx"] = FUZZED.get("xlsx", 0) + n
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "book.xlsx"
        path.write_bytes(wb.data)
        result = settlements.validate([path])
        assert result.n_input == n
        assert len(result.valid) + len(result.rejects) == n
        for title, (records, header) in wb.sheets.items():
            label = f"{path}[{title}]"
            sub = settlements.ValidationResult(
                valid=result.valid[result.valid["source_file"].eq(label)],
                rejects=result.rejects[result.rejects["file"].eq(label)],
                errors=result.errors[result.errors[settlements.FILE_COL].eq(label)], n_input=len(records))
            # Extra cells past the header are reported, so expected_cells sees them as ragged.
            check_result(sub, records, header, label)
        res = cli(["build", str(path)], root)
        assert res.exit_code == 0, res.output
        back = read_rejects_csv(root / "data" / "processed" / "rejects.csv")
        assert len(back) == len(result.rejects)
        for got in back:
            title = re.fullmatch(r".*\[(.*)\]", got["file"])[1]
            records, header = wb.sheets[title]
            rec = next(r for r in records if r.row == int(got["row"]))
            for col in COLUMNS:
                assert got[col] == as_shown_in_csv(rec.cells[col]), (title, got["row"], col)


# --------------------------------------------------------------------------- file-level errors

HEADER = ",".join(COLUMNS)


@pytest.mark.parametrize("content,message", [
    (b"", "the file is empty"),
    (b"\n\n" + HEADER.encode() + b"\n", "row 1 is blank"),
    (HEADER.replace(",", ";").encode() + b"\n", "missing required column(s)"),
    (b"\x00\x01\x02garbage", "missing required column(s)"),
    (b"\xff\xfe" + "x,y\n".encode("utf-16-le"), "missing required column(s): settlement_id"),
    ((HEADER + "\n" + '"open quote,' + "x" * 200_000 + "\n").encode(), "cannot read the row"),
])
def test_unreadable_csv_is_one_clear_error(tmp_path, content, message):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(settlements.SettlementFileError, match=re.escape(message)):
        settlements.validate([f])
    res = cli(["validate", str(f)], tmp_path)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1 and res.stderr.startswith(f"error: {f}")


def test_semicolon_csv_gets_a_hint(tmp_path):
    f = tmp_path / "semi.csv"
    f.write_text(HEADER.replace(",", ";") + "\n")
    with pytest.raises(settlements.SettlementFileError, match="separated by ';'"):
        settlements.validate([f])


def test_open_quote_in_a_big_file_is_read_or_named(tmp_path):
    """A quote left open in a file bigger than pyarrow's read block: no ArrowInvalid leaks out."""
    good = ",".join(["S1", "Town", "CT", "municipal", "U", "", "clerical", "voluntary", "", "2024-07-01",
                     "2027-06-30", "2024-07-01", "gwi_pct", "2", "", "", "", "src", "", ""])
    body = "\n".join(good.replace("S1", f"S{i}") for i in range(30_000))
    f = tmp_path / "big.csv"
    f.write_text(HEADER + "\n" + body + '\n"S-open,Town\n' + body + "\n")
    with pytest.raises(settlements.SettlementFileError, match=r"big.csv:30002: cannot read the row"):
        settlements.validate([f])


def test_xlsx_without_a_settlement_sheet_is_one_clear_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "nothing here"
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(settlements.SettlementFileError, match=r"x.xlsx: no sheet has a header row.*sheets: Notes"):
        settlements.validate([tmp_path / "x.xlsx"])


def test_xlsx_sheet_missing_a_column_names_sheet_and_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Title"
    for j, h in enumerate([c for c in COLUMNS if c != "pct"], start=1):
        ws.cell(2, j, h)
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(settlements.SettlementFileError, match=r"m.xlsx\[Data\]:2: missing required column\(s\): pct"):
        settlements.validate([tmp_path / "m.xlsx"])


def test_xlsx_rows_are_sheet_rows(tmp_path):
    """A header on row 3 under a merged title: the first record is row 4, and each sheet is named."""
    import openpyxl

    from conftest import DEFAULTS

    wb = openpyxl.Workbook()
    for title in ("First", "Second"):
        ws = wb.create_sheet(title)
        ws["A1"] = "Settlements"
        ws.merge_cells("A1:T1")
        for j, h in enumerate(COLUMNS, start=1):
            ws.cell(3, j, h)
            ws.cell(4, j, {**DEFAULTS, "pct": "x" if title == "Second" else "2", "settlement_id": title}[h] or None)
    wb.remove(wb["Sheet"])
    wb.save(tmp_path / "b.xlsx")
    result = settlements.validate([tmp_path / "b.xlsx"])
    assert result.problems()[0].startswith(f"{tmp_path / 'b.xlsx'}[Second]:4:pct: cannot read 'x' as a number")
    assert list(result.valid["source_row"]) == [4] and list(result.valid["source_file"]) == [f"{tmp_path / 'b.xlsx'}[First]"]


def test_xlsx_two_row_header_with_merged_cells(tmp_path):
    """Group labels merged across row 1, column names in row 2, and the first and last column
    names in cells merged over both rows (found by the long fuzz: the last one was missed)."""
    import openpyxl

    from conftest import DEFAULTS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    last = len(COLUMNS)
    for j, h in enumerate(COLUMNS, start=1):
        if j in (1, last):
            ws.cell(1, j, h)
            ws.merge_cells(start_row=1, start_column=j, end_row=2, end_column=j)
        else:
            ws.cell(2, j, h)
        ws.cell(3, j, {**DEFAULTS, "pct": "2", "notes": "kept"}[h] or None)
    ws.cell(1, 2, "Contract")
    ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=8)
    for j, h in enumerate(COLUMNS, start=1):  # a second contract with a value past the header
        ws.cell(4, j, {**DEFAULTS, "pct": "2", "settlement_id": "S2"}[h] or None)
    ws.cell(4, last + 1, "=1+1")
    wb.save(tmp_path / "h.xlsx")
    result = settlements.validate([tmp_path / "h.xlsx"])
    assert list(result.valid["source_row"]) == [3] and list(result.valid["notes"]) == ["kept"]
    assert result.problems() == [f"{tmp_path / 'h.xlsx'}[Data]:4:row: values in cells past the last named column: ['=1+1']"]


def test_enough_rows_were_fuzzed():
    """A CI run fuzzes at least 10,000 rows (runs only after the fuzz tests in this module)."""
    if "csv" not in FUZZED:
        pytest.skip("the fuzz tests did not run in this session")
    total = sum(FUZZED.values())
    print(f"fuzzed rows: {FUZZED} = {total}")
    assert total >= 10_000, FUZZED
