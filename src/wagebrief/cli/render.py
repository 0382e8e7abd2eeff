"""``wagebrief render``: execute the brief notebook per unit and export HTML."""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Optional

import typer

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


def render(
    unit: Annotated[Optional[list[str]], typer.Option("--unit", "-u", help="Unit to render (repeatable).")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="Render every unit in comparators/.")] = False,
    cycle: Annotated[Optional[int], typer.Option("--cycle", help="Cycle year (default: each unit's own).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="YYYY-MM-DD",
                                                 help="Date the market position is stated at, every increase "
                                                      "known by then applied (default: today).")] = None,
    guideline: Annotated[Optional[float], typer.Option("--guideline", min=0, max=15, metavar="PCT",
                                                       help="With --all: the statewide guideline the office overview "
                                                            "costs for every unit, percent a year (default: "
                                                            "comparators/office/settings.yml).")] = None,
    target_percentile: Annotated[Optional[int], typer.Option("--target-percentile", min=1, max=99,
                                                             help="With --all: the comparators' percentile a unit "
                                                                  "should not fall below under the guideline (default 50).")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write each brief's tables as a workbook beside it "
                                                     "(reports/<cycle>/<unit>.xlsx, as `wagebrief export` does), "
                                                     "from the sections the brief was built from.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write each brief as a PDF beside it "
                                                   "(reports/<cycle>/<unit>.pdf), converted from the HTML just written.")] = False,
    docx: Annotated[bool, typer.Option("--docx", help="Also write each brief as a Word document beside it "
                                                     "(reports/<cycle>/<unit>.docx, as `wagebrief export` does), "
                                                     "from the sections the brief was built from.")] = False,
) -> None:
    """Render briefs to reports/<cycle>/<unit>.html with index.html, manifest.json and render.log;
    with --all, also office.html (every unit's costs and position, and the statewide guideline).

    Exits 1 if any unit failed or rendered with problems, or another render is writing the same
    folder, naming each unit and each underlying problem (file:row:column); exits 2, rendering
    nothing, if a --unit is not the id of a unit file in comparators/.
    """
    if unit and len(unit) == 1 and not all_units:
        # One brief, one kernel: start it before importing the rest of the stack (~1 s), so the
        # kernel's own start-up runs on another core meanwhile. An early exit below shuts it down.
        from wagebrief.config import paths
        from wagebrief.run import kernel

        kernel.prestart(paths().notebooks / kernel.BRIEF_NOTEBOOK)
    from wagebrief.run import batch, render as render_mod
    from wagebrief.inputs import units

    if all_units == bool(unit):
        typer.echo("error: give --unit U (one or more) or --all", err=True)
        raise typer.Exit(2)
    if cycle is not None:
        try:  # it becomes a folder name: reports/<cycle>/
            render_mod.check_cycle(cycle)
        except ValueError as exc:
            typer.echo(f"error: --cycle: {exc}", err=True)
            raise typer.Exit(2) from None
    try:  # checked before anything renders: a typo must not become another date in every brief
        as_of = render_mod.check_as_of(as_of or "") or render_mod.today()
    except ValueError as exc:
        typer.echo(f"error: --as-of: {exc}", err=True)
        raise typer.Exit(2) from None
    names = units.unit_names() if all_units else list(unit)
    if not names:
        typer.echo("error: no unit files in comparators/", err=True)
        raise typer.Exit(1)
    unknown = batch.unknown_units(names)
    if unknown:
        for message in unknown:
            typer.echo(f"error: {batch.shown(message)}", err=True)
        raise typer.Exit(2)
    exports = (["xlsx"] if xlsx else []) + (["docx"] if docx else []) + (["pdf"] if pdf else [])
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setFormatter(batch.OneLineFormatter("%(message)s"))
    batch.log.addHandler(terminal)
    try:
        run = batch.run(names, cycle, jobs=jobs, progress=sys.stderr.isatty(), as_of=as_of, office=all_units,
                        guideline_pct=guideline, target_percentile=target_percentile, exports=tuple(exports))
    except batch.RenderLockedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # a full disk while writing the index or manifest: the old ones stay
        typer.echo(f"error: cannot write the reports: {batch.shown(exc)}", err=True)
        raise typer.Exit(1) from None
    finally:
        batch.log.removeHandler(terminal)
    for res in run.results:
        if res.ok:
            typer.echo(str(res.path))
            for files in res.exports.values():
                for f in files:
                    typer.echo(f)
    export_errors = [f"{batch.shown(res.unit)}: {fmt}: {batch.shown(message)}"
                     for res in run.results for fmt, message in res.export_errors.items()]
    typer.echo(f"index: {run.index}\nmanifest: {run.manifest}\nlog: {run.log_file}", err=True)
    if run.extra.get("office"):
        typer.echo(f"office: {run.index.parent / run.extra['office']}", err=True)
    elif run.extra.get("office_error"):
        typer.echo(f"office overview FAILED: {batch.shown(run.extra['office_error'])}", err=True)
    if run.with_problems:
        typer.echo(f"{len(run.with_problems)} of {len(run.results)} briefs rendered with problems:", err=True)
        for res in run.with_problems:
            for problem in res.problems:
                typer.echo(f"  {res.unit}: {batch.shown(problem)}", err=True)
    if run.failed:
        typer.echo(f"{len(run.failed)} of {len(run.results)} briefs FAILED:", err=True)
        for res in run.failed:
            typer.echo(f"  {batch.shown(res.unit)}: {batch.shown(res.error)}", err=True)
    for message in export_errors:
        typer.echo(f"export FAILED: {message}", err=True)
    if run.failed or run.with_problems or export_errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``render`` to the CLI."""
    app.command()(render)
