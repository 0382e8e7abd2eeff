"""``wagebrief profiles``: check the comparator profiles the analyst typed (data/raw/profiles/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


def profiles(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Profile CSV files or folders (default: data/raw/profiles).")] = None,
    write: Annotated[bool, typer.Option("--write", help="Write the rejected rows, as typed and with the reason, to data/processed/profile_rejects.csv.")] = False,
) -> None:
    """Check typed comparator profiles; print each problem as file:row:column: message, exit 1 on any."""
    from wagebrief import io
    from wagebrief.inputs import profiles as prof
    from wagebrief.config import paths as project_paths

    try:
        result = prof.validate(paths or None)
    except (prof.ProfileFileError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for line in result.problems():
        typer.echo(line, err=True)
    typer.echo(f"{result.n_input} profile rows: {len(result.valid)} valid, {len(result.rejects)} rejected "
               f"({len(result.errors)} problems)", err=True)
    if write:
        out = project_paths().processed / "profile_rejects.csv"
        io.write_csv(result.rejects, out)
        typer.echo(str(out))
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's command to the CLI."""
    app.command()(profiles)
