"""``wagebrief render``: execute the brief notebook per unit and export HTML."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def render(
    unit: Annotated[Optional[list[str]], typer.Option("--unit", "-u", help="Unit to render (repeatable).")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="Render every unit in comparators/.")] = False,
    cycle: Annotated[Optional[int], typer.Option("--cycle", help="Cycle year (default: each unit's own).")] = None,
) -> None:
    """Render briefs to reports/<cycle>/<unit>.html; exit 1 if any unit failed."""
    from wagebrief import render as r
    from wagebrief import units

    if all_units == bool(unit):
        typer.echo("error: give --unit U (one or more) or --all", err=True)
        raise typer.Exit(2)
    names = units.unit_names() if all_units else list(unit)
    if not names:
        typer.echo("error: no unit files in comparators/", err=True)
        raise typer.Exit(1)
    results = r.render_many(names, cycle)
    for res in results:
        if res.ok:
            typer.echo(str(res.path))
    failed = [res for res in results if not res.ok]
    typer.echo(f"{len(results) - len(failed)} of {len(results)} briefs rendered", err=True)
    for res in failed:
        typer.echo(f"FAILED {res.unit}: {res.error}", err=True)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``render`` to the CLI."""
    app.command()(render)
