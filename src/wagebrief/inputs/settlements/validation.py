"""Validating settlement rows: the pandera schema, row errors, warnings, and what valid rows are worth.

The rules a valid row must satisfy are one pandera schema, :data:`SCHEMA`; a row that breaks one
is rejected with its siblings (a contract is never measured from part of its events), and values
read as typed that may not be what was meant are warnings, which never reject a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from wagebrief.inputs.settlements.cells import parse, per_unique, stripped
from wagebrief.inputs.settlements.files import read_files
from wagebrief.inputs.settlements.package_rules import RULES as PACKAGE_RULES
from wagebrief.inputs.settlements.record import (ALL_COLUMNS, DATE_COLUMNS, FILE_COL, OPTIONAL_TEXT,
                                                 OPTIONAL_VOCABULARIES, PCT_RANGE, REQUIRED_DATES, REQUIRED_TEXT,
                                                 ROW_COL, SID_COL, TEXT, VOCABULARIES, WEEKS_PER_YEAR, concat_errors,
                                                 row_errors, with_optional)
from wagebrief.inputs.textsafe import INVISIBLE, QUOTE_LIMIT, invisible_in, quote


# --------------------------------------------------------------------------- the schema

def _within(a: pd.Series, lo: pd.Series, hi: pd.Series) -> pd.Series:
    return ~(a.notna() & lo.notna() & hi.notna()) | ((a >= lo) & (a <= hi))


def _consistent(df: pd.DataFrame, col: str) -> pd.Series:
    # A settlement's rows must agree; a blank counts as a value, so it disagrees with a date.
    # Comparing each group's smallest and largest code is the cheap form of nunique() <= 1.
    if SID_COL in df:
        sid = df[SID_COL]
    else:
        sid = pd.Series(pd.factorize(df["settlement_id"], use_na_sentinel=False)[0], index=df.index)
    codes = pd.Series(pd.factorize(df[col], use_na_sentinel=False)[0], index=df.index)
    g = codes.groupby(sid.to_numpy(), sort=False)
    # A row with no settlement_id is already rejected for that; it has no siblings to disagree with.
    return g.transform("min").eq(g.transform("max")) | df["settlement_id"].isna()


#: Events that may fall outside the term, on or after ratified_date.
RATIFIED_EVENTS = ("lump_sum",)


def _effective_in_term(d: pd.DataFrame) -> pd.Series:
    # A signing or ratification bonus is paid when the contract is ratified, which may be before
    # the term starts or (for a contract settled late) after it ends.
    lump = d.event.isin(RATIFIED_EVENTS) & d.ratified_date.notna()
    lo = d.term_start.where(~lump, np.minimum(d.term_start, d.ratified_date))
    hi = d.term_end.where(~lump, np.maximum(d.term_end, d.ratified_date))
    # Retro pay is paid once the term has begun, often long after it ends (a late award); an
    # official cost is dated when it was stated, which may be before the term or after it.
    retro, cost = d.event.eq("retro_pay"), d.event.eq("official_cost")
    after_start = ~(d.effective_date < d.term_start)  # a blank date is reported as missing, not here
    return (_within(d.effective_date, lo, hi) & ~retro) | cost | (retro & after_start)


def _amount_basis(d: pd.DataFrame) -> pd.Series:
    """Whether each row's amount is per "year" or per "hour": its unit word, else amount_per,
    else per year."""
    return d["amount_word"].fillna(d["amount_per"]).fillna("year")


#: Cross-column and cross-row rules: name -> (column reported, check, message template).
RULES: dict[str, tuple[str, object, str]] = {
    "term_order": ("term_end", lambda d: ~(d.term_end < d.term_start), "term_end {term_end:%Y-%m-%d} is before term_start {term_start:%Y-%m-%d}"),
    "effective_in_term": ("effective_date", lambda d: _effective_in_term(d), "effective_date {effective_date:%Y-%m-%d} is outside the term {term_start:%Y-%m-%d} to {term_end:%Y-%m-%d} (only a lump_sum may fall outside it, on or after ratified_date; a retro_pay any time from term_start; an official_cost on any date)"),
    "gwi_pct_needs_pct": ("pct", lambda d: ~(d.event.eq("gwi_pct") & d.pct.isna()), "a gwi_pct event needs a pct"),
    "flat_needs_amount": ("amount", lambda d: ~(d.event.eq("gwi_flat") & d.amount.isna()), "a gwi_flat event needs an amount in dollars"),
    "lump_needs_value": ("pct", lambda d: ~(d.event.eq("lump_sum") & d.pct.isna() & d.amount.isna()), "a lump_sum event needs a pct or an amount"),
    "lump_is_one_time": ("amount", lambda d: ~(d.event.eq("lump_sum") & _amount_basis(d).eq("hour")), "a lump_sum amount is a one-time total in dollars, not per hour"),
    "amount_per_agrees": ("amount_per", lambda d: ~(d.amount_per.notna() & d.amount_word.notna() & d.amount_per.ne(d.amount_word)), "amount_per {amount_per!r} disagrees with the unit word in amount (per {amount_word})"),
    "same_jurisdiction": ("jurisdiction", lambda d: _consistent(d, "jurisdiction"), "rows of settlement {settlement_id} disagree on jurisdiction"),
    "same_unit": ("unit", lambda d: _consistent(d, "unit"), "rows of settlement {settlement_id} disagree on unit"),
    "same_term_start": ("term_start", lambda d: _consistent(d, "term_start"), "rows of settlement {settlement_id} disagree on term_start"),
    "same_term_end": ("term_end", lambda d: _consistent(d, "term_end"), "rows of settlement {settlement_id} disagree on term_end"),
    # What each package term needs, and the pct range each event allows (a share is 0-100).
    **PACKAGE_RULES,
}


def _build_schema() -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {c: pa.Column(nullable=False) for c in REQUIRED_TEXT}
    cols.update({c: pa.Column(nullable=True) for c in OPTIONAL_TEXT})
    cols["state"] = pa.Column(nullable=False, checks=pa.Check.str_matches(r"^[A-Z]{2}$", error="a two-letter state code"))
    for col, words in VOCABULARIES.items():
        cols[col] = pa.Column(nullable=col in OPTIONAL_VOCABULARIES, checks=pa.Check.isin(words, error=f"one of: {', '.join(words)}"))
    for col in DATE_COLUMNS:
        cols[col] = pa.Column("datetime64[ns]", nullable=col not in REQUIRED_DATES)
    # pct's range depends on the event (package_rules' pct_range), so it is a dataframe-wide rule.
    cols["pct"] = pa.Column(float, nullable=True)
    cols["amount"] = pa.Column(float, nullable=True)
    cols["reference_salary"] = pa.Column(float, nullable=True, checks=pa.Check.gt(0, error="greater than 0"))
    cols["hours_per_week"] = pa.Column(float, nullable=True, checks=pa.Check.in_range(0, 168, include_min=False, error="hours in a week, more than 0 and at most 168"))
    cols["hours_before"] = pa.Column(float, nullable=True, checks=pa.Check.in_range(0, 168, include_min=False, error="hours in a week, more than 0 and at most 168"))
    cols["employees"] = pa.Column(float, nullable=True, checks=[
        pa.Check.ge(0, error="0 or more"),
        pa.Check(lambda s: s.isna() | (s == s.round()), element_wise=False, error="a whole number"),
    ])
    cols["count"] = pa.Column(float, nullable=True, checks=pa.Check(
        lambda s: s.isna() | (s == s.round()), element_wise=False, error="a whole number (+1, -1, 2)"))
    checks = [pa.Check(fn, name=name, error=name) for name, (_, fn, _) in RULES.items()]
    return pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)


#: What a valid settlement row is. Used by :func:`validate` on the typed frame.
SCHEMA = _build_schema()


def _bounded(record: dict) -> dict:
    """A record whose long text values are cut, so a message template never quotes megabytes."""
    return {k: f"{v[:QUOTE_LIMIT]}... ({len(v) - QUOTE_LIMIT:,} more characters)"
            if isinstance(v, str) and len(v) > QUOTE_LIMIT else v for k, v in record.items()}


def schema_errors(typed: pd.DataFrame, raw: pd.DataFrame, schema: pa.DataFrameSchema,
                  rules: dict) -> pd.DataFrame:
    """pandera's failure cases of ``schema`` on ``typed`` as file/row/column/message rows; a
    dataframe-wide check named in ``rules`` reports under its own column and message: a template
    formatted with the typed row, or a function of the typed row and the raw row."""
    try:
        schema.validate(typed, lazy=True)
        return concat_errors([])
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    fc = fc[fc["index"].notna()]
    # pandera reports a failing row of a dataframe-wide rule once per column; the rule names its
    # own column, so one failure case per rule and row is enough (20 times less work).
    frame_level = fc["schema_context"].eq("DataFrameSchema")
    fc = pd.concat([fc[~frame_level], fc[frame_level].drop_duplicates(["check", "index"]).assign(column=None)])
    out: list[pd.DataFrame] = []
    for (context, column, check), grp in fc.groupby(["schema_context", "column", "check"], dropna=False, sort=False):
        idx = pd.Index(grp["index"].astype(int).unique())
        mask = pd.Series(raw.index.isin(idx), index=raw.index)
        if context == "DataFrameSchema" and check in rules:
            col, _, template = rules[check]
            rows = typed.loc[mask]
            if callable(template):  # a message that quotes a cell as typed: (typed row, raw row) -> text
                msgs = [template(t, r) for t, r in zip(rows.to_dict("records"), raw.loc[mask].to_dict("records"))]
            else:
                msgs = [template.format(**_bounded(r)) if "{" in template else template for r in rows.to_dict("records")]
            out.append(pd.DataFrame({"index": rows.index, FILE_COL: rows[FILE_COL].to_numpy(), ROW_COL: rows[ROW_COL].to_numpy(), "column": col, "message": msgs}))
        elif check == "not_nullable":
            out.append(row_errors(raw, mask, column, f"{column} is required"))
        else:
            words = str(check)
            for c in schema.columns[column].checks:
                if c.name == check or str(c) == check:
                    words = c.error or words
            out.append(row_errors(raw, mask, column, lambda r, col=column, w=words: f"{col} {quote(str(r[col]).strip())} must be {w}"))
    return concat_errors(out)


# --------------------------------------------------------------------------- validation

@dataclass
class ValidationResult:
    """The outcome of validating settlement files."""

    valid: pd.DataFrame  #: typed valid rows, with base_pct, lump_dollars and lump_pct derived
    rejects: pd.DataFrame  #: rejected rows exactly as given, plus file, row and reason
    errors: pd.DataFrame  #: one row per problem: file, row, column, message
    n_input: int
    #: values read as typed that may not be what was meant (file, row, column, message); they
    #: never reject a row
    warnings: pd.DataFrame = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.warnings is None:
            self.warnings = concat_errors([])

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def problems(self, limit: int | None = None) -> list[str]:
        """Problems as ``file:row:column: message`` lines, in file and row order (the first
        ``limit`` of them, when given)."""
        return _lines(self.errors, limit=limit)

    def warning_lines(self, limit: int | None = None) -> list[str]:
        """Warnings as ``file:row:column: warning: message`` lines, in file and row order (the
        first ``limit`` of them, when given)."""
        return _lines(self.warnings, "warning: ", limit)


def _lines(e: pd.DataFrame, prefix: str = "", limit: int | None = None) -> list[str]:
    # Only the lines asked for are formatted: a million problems are not a million strings.
    e = e.sort_values([FILE_COL, ROW_COL, "column"], kind="stable").head(limit if limit is not None else len(e))
    return [f"{f}:{r}:{c}: {prefix}{m}" for f, r, c, m in e[[FILE_COL, ROW_COL, "column", "message"]].itertuples(index=False)]


#: Columns read with invisible characters stripped (and warned about).
UNHIDDEN = REQUIRED_TEXT + OPTIONAL_TEXT + list(VOCABULARIES)


def invisible_warnings(raw: pd.DataFrame) -> pd.DataFrame:
    """A warning for each name, id or word cell that holds zero-width or bidirectional formatting
    characters, naming the characters and what the cell is read as."""
    out = []
    for col in UNHIDDEN:
        mask = per_unique(raw[col], lambda u: u.astype(str).str.contains(INVISIBLE, regex=True))
        if mask.any():
            w = row_errors(raw, mask, col, "")
            w["message"] = [f"{quote(v)} holds invisible characters ({', '.join(invisible_in(v))}); read as "
                            f"{quote(INVISIBLE.sub('', v).strip())}" for v in raw.loc[mask, col].astype(str)]
            out.append(w)
    return concat_errors(out)


#: A plain pct below this in size (0.025) may be a fraction typed for a percent (2.5%).
FRACTION_LIKE = PCT_RANGE[1] / 100


def fraction_warnings(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.DataFrame:
    """Warn where a pct typed without % looks like a fraction (0.025): it is read as typed
    (0.025%), never guessed, and the message says how to type 2.5%."""
    v = typed["pct"]
    text = stripped(raw["pct"])
    mask = v.notna() & v.ne(0) & v.abs().lt(FRACTION_LIKE) & ~text.str.contains("%", regex=False)
    if not mask.any():
        return concat_errors([])

    out = row_errors(raw, mask, "pct", "")
    read = [f"{Decimal(repr(x)).normalize():f}" for x in v[mask]]
    meant = [f"{(Decimal(repr(x)) * 100).normalize():f}" for x in v[mask]]
    out["message"] = [f"{t} is read as {r}%; if you meant {m}%, type {m} or {m}%"
                      for t, r, m in zip(text[mask], read, meant)]
    return out


def exact_duplicates(raw: pd.DataFrame) -> pd.Series:
    """Rows identical, cell for cell as typed, to an earlier row (the first copy is kept)."""
    # Only rows that already repeat on a few key cells can repeat on all of them, so the full
    # comparison runs on those candidates alone.
    dupes = pd.Series(False, index=raw.index)
    cand = raw.duplicated(subset=["settlement_id", "effective_date", "event"], keep=False)
    if cand.any():
        dupes[cand] = raw.loc[cand].duplicated(subset=ALL_COLUMNS, keep="first")
    return dupes


#: Line breaks (as str.splitlines sees them) written as escapes, so a message stays one line.
ONE_LINE = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def validate_frame(raw: pd.DataFrame, read_warnings: Sequence[dict] = ()) -> ValidationResult:
    """Validate text rows from :func:`read_files` and split them into valid and rejected;
    ``read_warnings`` (file, row, column, message), from reading, join the result's warnings."""
    raw = with_optional(raw.reset_index(drop=True))
    typed, parse_errors = parse(raw)
    schema_errs = schema_errors(typed, raw, SCHEMA, RULES)
    # A cell that failed to parse is reported once, as unreadable, not again as missing.
    if len(parse_errors) and len(schema_errs):
        seen = set(zip(parse_errors["index"], parse_errors["column"]))
        keep = [(i, c) not in seen for i, c in zip(schema_errs["index"], schema_errs["column"])]
        schema_errs = schema_errs[keep]
    dupes = exact_duplicates(raw)
    dup_errors = row_errors(raw, dupes, "settlement_id", lambda r: f"exact duplicate of an earlier row of settlement {quote(r['settlement_id'])}")
    errors = concat_errors([parse_errors, schema_errs, dup_errors])

    # A contract is never measured from part of its events: when one row of a settlement is
    # rejected (other than as a duplicate), its sibling rows go with it, and say why.
    bad_idx = set(parse_errors["index"]).union(schema_errs["index"])
    # Settlements are grouped by their id as read (invisible characters stripped), as the rules do.
    sid = typed["settlement_id"].astype(object).fillna("")
    bad_ids = set(sid.loc[sorted(bad_idx)]) if bad_idx else set()
    sibling = sid.isin(bad_ids) & ~raw.index.isin(list(bad_idx)) & ~dupes
    if sibling.any():
        first_bad = raw.loc[sorted(bad_idx)].groupby(sid.loc[sorted(bad_idx)])[ROW_COL].apply(lambda r: ", ".join(map(str, r.iloc[:5])))
        sib = row_errors(raw, sibling, "settlement_id", "")
        sib["message"] = [f"rejected with settlement {quote(k)}, whose row(s) {first_bad[k]} have errors" for k in sid[sibling]]
        errors = concat_errors([errors, sib])

    errors = errors.drop_duplicates(subset=["index", "column", "message"])
    # One problem is one line: a line break in a value a message quotes unescaped (a settlement_id)
    # would split it.
    errors["message"] = errors["message"].astype(str).str.translate(ONE_LINE)
    rejected = raw.index.isin(errors["index"].unique())
    reasons = (errors["column"] + ": " + errors["message"]).groupby(errors["index"]).agg("; ".join)
    rejects = raw.loc[rejected, ALL_COLUMNS].astype(object)
    rejects["file"] = raw.loc[rejected, FILE_COL]
    rejects["row"] = raw.loc[rejected, ROW_COL]
    rejects["reason"] = reasons.reindex(rejects.index).to_numpy()
    valid = derive(typed.loc[~rejected])
    return ValidationResult(valid=valid.reset_index(drop=True), rejects=rejects.reset_index(drop=True),
                            errors=errors.reset_index(drop=True),
                            n_input=len(raw), warnings=concat_errors([
                                pd.DataFrame(list(read_warnings), columns=[FILE_COL, ROW_COL, "column", "message"]),
                                invisible_warnings(raw), fraction_warnings(raw, typed)]))


def derive(typed: pd.DataFrame) -> pd.DataFrame:
    """Add the percent every base increase and lump sum is worth, from valid typed rows.

    ``base_pct``: a gwi_pct's pct, or a gwi_flat's amount / reference_salary. The
    reference_salary on a gwi_flat row is the rate the flat amount is added to, i.e. the salary in
    effect just before that event, *including* earlier increases of the same contract; it is used
    as given, never re-based. An hourly figure against an annual one is converted with
    hours_per_week x :data:`WEEKS_PER_YEAR`. Where that cannot be done (no reference salary, no
    hours) the percent is unknown (NaN, never 0) and ``base_pct_note`` says why.
    ``lump_dollars`` and ``lump_pct`` convert lump sums each way with the annual reference
    salary; either stays unknown when it cannot be converted. ``hours_pct`` is what an
    hours_change is worth, (hours_per_week / hours_before - 1) x 100 (NaN on other rows), and a
    blank ``applies_to`` reads as ``all``.
    """
    out = typed.copy()
    ev = out["event"]
    amount_per = _amount_basis(out)
    ref_per = out["reference_salary_word"].fillna("year")  # annual unless its cell says per hour
    hours_year = out["hours_per_week"] * WEEKS_PER_YEAR
    ref_annual = out["reference_salary"].where(ref_per.eq("year"), out["reference_salary"] * hours_year)
    amount_annual = out["amount"].where(amount_per.eq("year"), out["amount"] * hours_year)
    flat = ev.eq("gwi_flat")
    # Like against like needs no hours: $0.75 on a $28.50 hourly rate is 2.63%.
    flat_pct = np.where(amount_per.eq(ref_per), out["amount"] / out["reference_salary"], amount_annual / ref_annual) * 100
    out["base_pct"] = np.where(ev.eq("gwi_pct"), out["pct"], np.where(flat, flat_pct, np.nan))
    unknown = flat & out["base_pct"].isna()
    out["base_pct_note"] = pd.Series(np.where(
        unknown & out["reference_salary"].isna(),
        "flat raise with no reference_salary: its percent is unknown",
        np.where(unknown, "an hourly figure against an annual one, with no hours_per_week: its percent is unknown", None)),
        index=out.index).astype(TEXT)
    out["annual_amount"] = amount_annual.where(flat | ev.eq("lump_sum"))
    lump = ev.eq("lump_sum")
    by_pct = lump & out["pct"].notna()
    out["lump_pct"] = np.where(by_pct, out["pct"], np.where(lump, out["amount"] / ref_annual * 100, np.nan))
    out["lump_dollars"] = np.where(by_pct, out["pct"] / 100 * ref_annual, np.where(lump, out["amount"], np.nan))
    # An hours_change raises pay by the hours added (37.5 -> 40 is 6.67%); it is not a base increase.
    out["hours_pct"] = ((out["hours_per_week"] / out["hours_before"] - 1) * 100).where(ev.eq("hours_change"))
    out["applies_to"] = out["applies_to"].fillna("all").astype(TEXT)
    out["amount_per"] = amount_per.where(out["amount"].notna()).astype(TEXT)
    out["reference_per"] = ref_per.where(out["reference_salary"].notna()).astype(TEXT)
    out = out.drop(columns=[SID_COL, "amount_word", "reference_salary_word"], errors="ignore")
    return out.rename(columns={FILE_COL: "source_file", ROW_COL: "source_row"})


def validate(paths: Iterable[str | Path], *, include_hidden: bool = False) -> ValidationResult:
    """Read and validate every settlement file under ``paths`` (hidden XLSX sheets only with
    ``include_hidden``; each skipped one holding settlement columns is a warning)."""
    notes: list[dict] = []
    raw = read_files(paths, include_hidden=include_hidden, notes=notes)
    return validate_frame(raw, notes)
