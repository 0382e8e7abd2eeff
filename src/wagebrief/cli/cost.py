"""``wagebrief cost``: what each side's proposal costs on the unit's own payroll."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from wagebrief.cli.formats import Format

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


#: Columns printed by --format table (csv carries them all).
TABLE_COLUMNS = ["scenario", "fiscal_year", "base_payroll", "gwi", "step", "longevity", "lump_sum", "rollup",
                 "total_cost", "cumulative_cost", "cost_per_employee", "pct_of_base_payroll", "difference",
                 "difference_pct", "cost_of_1pct"]


def table_columns(out) -> list[str]:
    """The --format table columns: the items' total after the roll-up when the proposals cost
    items beyond wages, so the printed parts add up to the total."""
    cols = list(TABLE_COLUMNS)
    if "items_cost" in out.columns:
        cols.insert(cols.index("rollup") + 1, "items_cost")
    return cols


LIFT_COLUMNS = ["scenario", "total_cost", "lift_wages", "lift_rollup", "end_of_term_lift",
                "lift_pct_of_base_payroll", "lift_to_term_cost"]
PCT_COLUMNS = ["pct_of_base_payroll", "difference_pct", "lift_pct_of_base_payroll"]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def cost(
    unit: Annotated[str, typer.Option("--unit", help="Unit id, as in comparators/<unit>.yml.")],
    scenario: Annotated[Optional[str], typer.Option("--scenario", help="Show only this scenario (differences stay against the reference).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv (dollars to the cent) or json (full precision).")] = Format.table,
) -> None:
    """Cost each scenario in comparators/proposals/<unit>.yml on data/raw/units/<unit>/roster.csv.

    Prints aggregates only. A roster with any bad row is not costed: every problem is listed as
    file:row:column: message and the command exits 1.
    """
    import pandas as pd

    from wagebrief.analysis import costing, disclosure
    from wagebrief.brief import costing as costing_section
    from wagebrief.inputs import gaps
    from wagebrief.config import SettingError
    from wagebrief.inputs.proposals import ProposalError
    from wagebrief.inputs.roster import RosterError, RosterFileError
    from wagebrief.inputs.units import UnitError

    try:
        u, warnings = gaps.load_unit(unit)
        for w in warnings:  # a comparator whose settlements were all rejected: costed without it
            typer.echo(f"warning: {w}", err=True)
        result = costing.cost_unit(u)
    except RosterError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        typer.echo(f"{exc.n_rows} roster rows: {len(exc.problems)} problems; nothing was costed", err=True)
        raise typer.Exit(1) from None
    except (UnitError, ProposalError, RosterFileError, SettingError) as exc:
        _fail(str(exc))
    chosen = None
    if scenario is not None:
        if scenario not in result.scenarios:
            _fail(f"no scenario {scenario!r} for {unit}; scenarios: {', '.join(result.scenarios)}")
        chosen = [scenario]

    if format is Format.json:
        typer.echo(json.dumps(costing.to_json(result, chosen), indent=2))
        return
    out = costing.table(result, chosen)
    # Figures from fewer than N employees are NaN in the table; print a mark, never the figure.
    hidden = costing.suppressed(result, out)
    dollars = [c for c in out.columns if c not in PCT_COLUMNS + ["scenario", "label", "fiscal_year", "employees", "fte", "lift_to_term_cost"]]
    out[dollars] = out[dollars].round(2)
    out[PCT_COLUMNS] = out[PCT_COLUMNS].round(3)
    out["lift_to_term_cost"] = out["lift_to_term_cost"].round(3)
    note = costing.suppression_note(result)
    if format is Format.csv:
        for c in dollars:  # exactly two decimals, as a budget office expects
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        out = out.astype(object).mask(hidden, disclosure.mark(result.min_group))
        if note:
            typer.echo(note, err=True)
        # Labels come from a hand-edited file: the shared writer neutralises formulas and quotes
        # a cell with a line break, so a spreadsheet cannot read a new row out of one.
        from wagebrief import io

        io.echo_csv(out)
        return
    out = out.astype(object).mask(hidden, "suppressed")
    with pd.option_context("display.width", 250, "display.max_columns", None, "display.float_format", "{:,.2f}".format):
        name = result.name or unit
        typer.echo(f"{name}: term {result.proposals.term_start:%Y-%m-%d} to {result.proposals.term_end:%Y-%m-%d}; "
                   f"dollars, roll-up included; percents in percent units; differences vs {result.reference}")
        typer.echo(_text(out[table_columns(out)]))
        typer.echo("")
        typer.echo("End-of-term lift (annual) against the cost over the term:")
        typer.echo(_text(out.loc[out["fiscal_year"].eq("Term"), LIFT_COLUMNS]))
    typer.echo("")
    for line in costing_section.sentences(result):
        typer.echo(line)
    for note in result.notes:
        typer.echo(f"Note: {note}")


def _text(df) -> str:
    """``df`` as aligned text: floats to two decimals with thousands separators, marks as they are."""
    return df.map(lambda v: ("NaN" if v != v else f"{v:,.2f}") if isinstance(v, float) else v).to_string(index=False)


def register(app: typer.Typer) -> None:
    """Add ``cost`` to the CLI."""
    app.command()(cost)
