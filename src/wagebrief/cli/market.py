"""``wagebrief comparables``, ``salaries`` and ``market``: choosing comparators and pay position."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from wagebrief.cli.formats import Format, emit

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


class MarketTable(str, Enum):
    position = "position"
    outlook = "outlook"


UnitOpt = Annotated[str, typer.Option("--unit", "-u", help="Unit id (a file in comparators/), e.g. city-police.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]


def _unit(name: str):
    """The unit, warning (not failing) about comparators whose settlements were all rejected."""
    from wagebrief.inputs import gaps, units

    try:
        u, warnings = gaps.load_unit(name)
    except units.UnitError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    return u


def _emit(df, format: Format, decimals: int = 2) -> None:
    emit(df, format, decimals, na_rep="-")


def comparables(
    unit: UnitOpt,
    top: Annotated[Optional[int], typer.Option("--top", "-n", min=1, help="Show the N most similar candidates (default: all).")] = None,
    weight: Annotated[Optional[list[str]], typer.Option("--weight", "-w", help="Override a factor's weight, e.g. --weight population=30 (repeatable). Factors: population, median_hh_income, gov_pay, region, jurisdiction_type.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Score candidate jurisdictions by similarity to the unit's employer, with each factor's points."""
    from wagebrief.analysis import comparables as comp

    u = _unit(unit)
    try:
        weights = comp.parse_weights(weight or [])
    except comp.WeightError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    result = comp.score_unit(u, weights=weights)
    table = comp.display_table(result, top=top)
    if format is not Format.table:
        _emit(table, format)
        return
    w = ", ".join(f"{comp.LABELS[f]} {result.weights[f]:.0f}" for f in comp.FACTORS)
    e = result.employer
    typer.echo(f"Candidates for {u.name}: similarity to {e.jurisdiction} ({e.jurisdiction_type}, {e.state}).")
    typer.echo(f"Weights (points out of 100): {w}. Factor columns show points earned; "
               "a blank factor was left out (see 'left out'), never scored as 0.")
    typer.echo("")
    _emit(table, format, decimals=1)
    typer.echo("")
    for line in result.summary(top):
        typer.echo(line)
    for note in result.notes:
        typer.echo(f"note: {note}")
    if result.synthetic or u.synthetic:
        typer.echo("note: SYNTHETIC demo data.")


def salaries(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Salary files or folders (default: data/raw/salaries).")] = None,
    write: Annotated[bool, typer.Option("--write", help="Write data/processed/salaries.parquet and salary_rejects.csv.")] = False,
) -> None:
    """Check salary schedule files; print each problem as file:row:column: message."""
    from wagebrief.inputs import salaries as sal
    from wagebrief.cli.data import _report

    try:
        result = sal.validate(paths or None)
    except sal.SalaryFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    _report(result, "salary rows", kept="`wagebrief salaries --write` writes them all to data/processed/salary_rejects.csv")
    if write:
        for p in sal.write_processed(result):
            typer.echo(str(p))
    if not result.ok:
        raise typer.Exit(1)


def market(
    unit: UnitOpt,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date of the position (default: the unit's latest schedule).")] = None,
    forecast: Annotated[Optional[float], typer.Option("--forecast", help="Use this annual percent for expired comparator contracts instead of the wage-trend model.")] = None,
    format: FormatOpt = Format.table,
    table: Annotated[MarketTable, typer.Option("--table", help="With --format csv: the one table to print, position or outlook (CSV is one table per stream).")] = MarketTable.position,
) -> None:
    """The unit's pay position among its comparators, now and at the end of the proposed contract."""
    from wagebrief.analysis import market as m
    from wagebrief.brief import market as words

    u = _unit(unit)
    a = m.analyse(u, as_of=as_of, forecast=forecast, score_comparables=False)
    if format is Format.csv:
        # One table and nothing else, so a spreadsheet or pandas reads the stream as that table;
        # the sentences are for the table format and the notes go to stderr.
        _emit(words.outlook_table(a) if table is MarketTable.outlook else words.position_table(a), format)
        for note in a.notes:
            typer.echo(f"note: {note}", err=True)
        return
    if format is Format.json:
        out = {"unit": u.unit, "as_of": f"{a.as_of:%Y-%m-%d}", "contract": [f"{a.start:%Y-%m-%d}", f"{a.end:%Y-%m-%d}"],
               "position": json.loads(a.position.to_json(orient="records")),
               "outlook": json.loads(a.outlook.to_json(orient="records")),
               "missing": json.loads(a.missing.to_json(orient="records", date_format="iso")), "notes": a.notes}
        typer.echo(json.dumps(out, indent=2))
        return
    for line in words.sentences(a):
        typer.echo(line)
    typer.echo("")
    _emit(words.position_table(a), format)
    if len(a.outlook):
        typer.echo("")
        _emit(words.outlook_table(a), format)
    for note in a.notes:
        typer.echo(f"note: {note}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command()(comparables)
    app.command()(salaries)
    app.command()(market)
