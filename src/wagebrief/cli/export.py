"""``wagebrief export``: a brief in a file an analyst opens in Excel or Word."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    pdf = "pdf"
    docx = "docx"


def export(
    unit: Annotated[str, typer.Option("--unit", "-u", help="Unit id, as in comparators/<unit>.yml.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="xlsx: every table of the brief, a sheet each; "
                                                                    "pdf: the brief itself, paged; "
                                                                    "docx: the whole brief as a Word document.")] = ExportFormat.xlsx,
    out: Annotated[Optional[Path], typer.Option("--out", help="File to write (default: reports/<cycle>/<unit>.<format>).")] = None,
    cycle: Annotated[Optional[int], typer.Option("--cycle", help="Cycle year (default: the unit's own).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD",
                                                 help="Date the market position is stated at (default: today).")] = None,
) -> None:
    """Write the unit's brief tables as a workbook (xlsx) or the whole brief as a Word document
    (docx). xlsx: a Contents sheet linking one sheet per
    table (brief order), each with its caption, source and note, numbers as numbers with Excel
    formats, the confidentiality marking and what each input is (synthetic or real).

    --format pdf: the brief itself as a PDF (page numbers, the marking on every page, a contents
    list), converted from reports/<cycle>/<unit>.html when that brief states the --as-of date,
    else rendered first (into memory: reports/ holds only what a render listed).

    Exits 2 if --unit is not a unit file's id, --cycle not a year or --as-of not a date; exits 1
    if the file cannot be written. A section whose inputs are bad is listed on the Contents
    sheet with its problems, and its tables are left out.

    docx: the brief as a Word document to edit: Heading 1/2 titles and captions, Word tables of
    the brief's figures, charts as pictures with their sources, the marking in every page's
    header, the cover's inputs and SYNTHETIC banner; a failed section shows its problems.
    """
    from wagebrief.brief import exports, workbook
    from wagebrief.cli.briefargs import checked
    from wagebrief.inputs.units import UnitError
    from wagebrief.run import batch

    as_of = checked([unit], cycle, as_of)
    fmt = format.value
    # The PDF is the brief itself, from its rendered HTML (run/export_pdf.py); the others are written
    # from its sections (brief/exports.py). Both answer export_unit the same way.
    from wagebrief.run import export_pdf

    writer = export_pdf if fmt == "pdf" else exports
    try:
        if out is None:  # into reports/<cycle>/, beside the briefs: not while a render writes there
            from wagebrief.inputs import gaps

            folder = workbook.default_path(unit, cycle or gaps.load_unit(unit)[0].cycle_year).parent
            with batch.locked([folder]):
                written, errors = writer.export_unit(unit, [fmt], cycle_year=cycle, as_of=as_of, out_dir=folder)
        else:
            written, errors = writer.export_unit(unit, [fmt], cycle_year=cycle, as_of=as_of, out=out)
    except batch.RenderLockedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except UnitError as exc:  # the unit file is there but not valid: its own message
        typer.echo(f"error: {batch.shown(exc)}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"error: cannot write the {fmt} export: {batch.shown(exc)}", err=True)
        raise typer.Exit(1) from None
    if errors:
        typer.echo(f"error: cannot write the {fmt} export: {batch.shown(errors[fmt])}", err=True)
        raise typer.Exit(1)
    for path in written[fmt]:
        typer.echo(path)


def register(app: typer.Typer) -> None:
    """Add ``export`` to the CLI."""
    app.command()(export)
