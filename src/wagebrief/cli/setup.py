"""``wagebrief new-unit``, ``template settlements`` and ``reference``: setting up without reading code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wagebrief.config import DEFAULT_FY_START_MONTH

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.

template_app = typer.Typer(help="Write entry templates for input files.", no_args_is_help=True)


def new_unit(
    unit_id: Annotated[str, typer.Argument(metavar="ID", help="Unit id, e.g. town-clerical (the file names).")],
    name: Annotated[str, typer.Option(help="The unit's name, e.g. 'Town Clerical Bargaining Unit'.")],
    employer: Annotated[str, typer.Option(help="The employer, e.g. 'Town of Glastonbury'.")],
    occupation_group: Annotated[str, typer.Option(help="Occupation group (clerical, police, ...).")],
    cycle: Annotated[int, typer.Option(min=2000, max=2100, help="The year bargaining takes place.")],
    jurisdiction: Annotated[Optional[str], typer.Option(help="The employer as the settlement data spells it (default: --employer).")] = None,
    state: Annotated[Optional[str], typer.Option(help="Two-letter state (default: from the settlement data).")] = None,
    jurisdiction_type: Annotated[Optional[str], typer.Option(help="state, county, municipal, ... (default: from the settlement data).")] = None,
    comparator: Annotated[Optional[list[str]], typer.Option(help="A comparator jurisdiction (repeatable).")] = None,
    term_years: Annotated[int, typer.Option(min=1, max=10, help="Contract length in years.")] = 3,
    fy_start_month: Annotated[int, typer.Option(min=1, max=12, help="First month of the fiscal year.")] = DEFAULT_FY_START_MONTH,
) -> None:
    """Write a new unit's unit file, proposals file, roster and salary templates, each commented."""
    from wagebrief.inputs import scaffold

    try:
        plan = scaffold.plan(unit_id, name=name, employer=employer, occupation_group=occupation_group,
                             cycle_year=cycle, jurisdiction=jurisdiction, state=state,
                             jurisdiction_type=jurisdiction_type, comparators=comparator or [],
                             term_years=term_years, fiscal_year_start_month=fy_start_month)
        written = scaffold.write(plan)
    except scaffold.ScaffoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(str(path))
    typer.echo(f"next: fill them in (see {written[-1]}), then wagebrief validate, build and "
               f"render --unit {unit_id}", err=True)


def settlements_template(
    path: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help="Where to write the workbook.")],
) -> None:
    """Write a settlement entry workbook: columns in order, dropdowns, formats, worked examples."""
    from wagebrief.inputs import template

    if path.exists():
        typer.echo(f"error: {path}: already exists; not overwritten", err=True)
        raise typer.Exit(1)
    try:
        typer.echo(str(template.write_settlements(path)))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def reference(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here (e.g. docs/inputs.md) instead of stdout.")] = None,
) -> None:
    """Print the input-file reference (docs/inputs.md), generated from the code's own schemas."""
    from wagebrief.inputs import reference as ref

    text = ref.markdown()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(str(out))


def register(app: typer.Typer) -> None:
    """Add ``new-unit``, ``template`` and ``reference`` to the CLI."""
    app.command("new-unit")(new_unit)
    template_app.command("settlements")(settlements_template)
    app.add_typer(template_app, name="template")
    app.command()(reference)
