"""The checks the commands that write a unit's brief files share: unit ids, --cycle, --as-of.

``export`` and ``exhibits`` each had their own copy of these lines; a usage error exits 2 with
the same words from both.
"""

from __future__ import annotations

from typing import NoReturn, Optional

import typer


def usage(message: str) -> NoReturn:
    """Print ``error: message`` and exit 2 (a usage error: nothing was written)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def checked(names: list[str], cycle: Optional[int], as_of: Optional[str]) -> str:
    """Exit 2 unless every name is a unit file's id, ``cycle`` a year and ``as_of`` a date;
    returns the as-of date, YYYY-MM-DD (today when none is given)."""
    from wagebrief.run import batch, render as render_mod

    unknown = batch.unknown_units(names)
    if unknown:
        usage(batch.shown(unknown[0]))
    if cycle is not None:
        try:
            render_mod.check_cycle(cycle)
        except ValueError as exc:
            usage(f"--cycle: {exc}")
    try:
        return render_mod.check_as_of(as_of or "") or render_mod.today()
    except ValueError as exc:
        usage(f"--as-of: {exc}")
