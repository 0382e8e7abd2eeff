"""``wagebrief exhibits``: a unit's numbered exhibit book for an interest-arbitration hearing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


def exhibits(
    unit: Annotated[Optional[list[str]], typer.Option("--unit", "-u", help="Unit id, as in comparators/<unit>.yml (repeatable).")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="Every unit in comparators/.")] = False,
    party: Annotated[str, typer.Option("--party", help='Who offers the exhibits: "Employer Exhibit 7".')] = "Employer",
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", help="Folder to write into (default: reports/<cycle>/).")] = None,
    cycle: Annotated[Optional[int], typer.Option("--cycle", help="Cycle year (default: the unit's own).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD",
                                                 help="Date the figures are stated at (default: today).")] = None,
) -> None:
    """Write the unit's exhibit book, <unit>-exhibits.pdf and <unit>-exhibits.xlsx: a list of
    exhibits, then one exhibit per page (PDF) or sheet (XLSX) for each table and chart of the
    brief that bears on a statutory factor, numbered in the statute's factor order, each with its
    number, title, source and date, the confidentiality marking and what each input is.

    Exits 2 if a --unit is not a unit file's id, --cycle not a year, --as-of not a date or
    --party not one short line; exits 1 if a unit's book cannot be made or written, or another
    render is writing reports/<cycle>/ (the other units are still written).
    """
    from wagebrief.brief import exhibits as book_mod
    from wagebrief.inputs import gaps, units
    from wagebrief.inputs.units import UnitError
    from wagebrief.cli.briefargs import checked, usage
    from wagebrief.run import batch

    if all_units == bool(unit):
        usage("give --unit U (one or more) or --all")
    names = units.unit_names() if all_units else list(unit or [])
    as_of = checked(names, cycle, as_of)
    try:
        party = book_mod.check_party(party)
    except ValueError as exc:
        usage(f"--party: {exc}")
    failed = 0
    for name in names:
        try:
            if out_dir is None:  # into reports/<cycle>/, beside the briefs: not while a render writes there
                folder = book_mod.default_paths(name, cycle or gaps.load_unit(name)[0].cycle_year)[0].parent
                with batch.locked([folder]):
                    pdf, xlsx, book = book_mod.export_unit(name, cycle_year=cycle, as_of=as_of, party=party)
            else:
                pdf, xlsx, book = book_mod.export_unit(name, cycle_year=cycle, as_of=as_of, out_dir=out_dir,
                                                       party=party)
        except batch.RenderLockedError as exc:
            typer.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        except UnitError as exc:  # the unit file is there but not valid: its own message
            typer.echo(f"error: {name}: {batch.shown(exc)}", err=True)
            failed += 1
            continue
        except OSError as exc:
            typer.echo(f"error: {name}: cannot write the exhibit book: {batch.shown(exc)}", err=True)
            failed += 1
            continue
        except Exception as exc:  # noqa: BLE001 - one unit's failure leaves the others to be written
            typer.echo(f"error: {name}: {batch.shown(f'{type(exc).__name__}: {exc}')}", err=True)
            failed += 1
            continue
        typer.echo(str(pdf))
        typer.echo(str(xlsx))
        typer.echo(f"{name}: {len(book.exhibits)} exhibits", err=True)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``exhibits`` to the CLI."""
    app.command()(exhibits)
