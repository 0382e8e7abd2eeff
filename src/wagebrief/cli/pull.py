"""``wagebrief pull`` and ``wagebrief series``: public wage and price data, raw and processed."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


class Source(str, Enum):
    bls = "bls"
    qcew = "qcew"
    acs = "acs"
    all = "all"


def pull(
    source: Annotated[Source, typer.Option("--source", help="Which source to pull.")] = Source.all,
    start_year: Annotated[Optional[int], typer.Option("--start-year", min=1900, max=2100,
                                                      help="First year (default depends on the source).")] = None,
    end_year: Annotated[Optional[int], typer.Option("--end-year", min=1900, max=2100,
                                                    help="Last year (default: the latest each source publishes).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the requests, fetch nothing, write nothing.")] = False,
    build: Annotated[bool, typer.Option("--build/--no-build",
                                        help="Rebuild data/processed CPI, ECI and comparator tables afterwards.")] = True,
    max_seconds: Annotated[Optional[float], typer.Option(
        "--max-seconds", min=1, help="Stop the whole pull after this many seconds (default 3600); "
                                     "each request also has a 300 s deadline.")] = None,
) -> None:
    """Fetch BLS (CPI, ECI), QCEW and Census ACS data into data/raw/, recorded in data/raw/manifest.csv.

    What is pulled comes from settings and comparators/*.yml: CPI-U US, Northeast and New England
    plus each unit's CPI series; the state and local government ECI; QCEW area files and ACS
    population and median household income for every employer and comparator. Keys come from
    BLS_API_KEY and CENSUS_API_KEY (optional) and are never written anywhere. Base URLs can be
    pointed elsewhere with WAGEBRIEF_BLS_URL, WAGEBRIEF_QCEW_URL and WAGEBRIEF_ACS_URL.
    Re-pulling unchanged data changes no file.
    """
    from wagebrief.public.pull import manifest, runner, settings
    from wagebrief.public.pull.http import Redactor

    red = Redactor(settings.api_key(s) for s in settings.KEY_ENV)  # nothing printed here carries a key
    sources = list(settings.SOURCES) if source == Source.all else [source.value]
    try:
        if dry_run:
            requests, warnings = runner.plan(sources, start_year, end_year)
            for req in requests:
                typer.echo(req.describe())
            for w in warnings:
                typer.echo(f"warning: {w}", err=True)
            typer.echo(f"{len(requests)} request(s) planned; dry run, nothing fetched or written", err=True)
            return
        if "bls" in sources and settings.api_key("bls") is None:
            typer.echo("note: BLS_API_KEY is not set; using the keyless limits (25 series, 10 years a request)",
                       err=True)
        report = runner.pull(sources, start_year, end_year, max_seconds=max_seconds)
    except manifest.ManifestError as exc:
        typer.echo(red.text(f"error: {exc}"), err=True)
        raise typer.Exit(1) from None
    except ValueError as exc:
        typer.echo(red.text(f"error: {exc}"), err=True)
        raise typer.Exit(2) from None
    for w in report.warnings:
        typer.echo(red.text(f"warning: {w}"), err=True)
    for line in report.summary():
        typer.echo(line, err=True)
    for e in report.errors:
        typer.echo(red.text(f"error: {e}"), err=True)
    if build:
        _build()
    if not report.ok:
        raise typer.Exit(1)


def _build() -> None:
    from wagebrief.public import series

    try:
        written = series.build_series()
    except (ValueError, RuntimeError) as exc:  # an invalid unit file, a missing cpi database
        typer.echo(f"error: building the processed series: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("wrote " + ", ".join(f"data/processed/{p.name}" for p in written.values()), err=True)
    v = series.vintages()
    typer.echo(f"CPI through {v['cpi_latest_month']} ({v['cpi_source']}); "
               f"ECI through {v['eci_latest_quarter']}"
               + ("; comparator profile SYNTHETIC" if v["profile_synthetic"] else ""), err=True)


def series_cmd() -> None:
    """Rebuild data/processed/cpi, cpi_annual, eci and comparator_profile tables from data/raw/."""
    _build()


def register(app: typer.Typer) -> None:
    """Add ``pull`` and ``series`` to the ``wagebrief`` app."""
    app.command("pull")(pull)
    app.command("series")(series_cmd)
