"""``wagebrief validate``, ``build`` and ``metrics``: settlement files to processed tables."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from wagebrief.cli.formats import Format, emit
from wagebrief.config import DEFAULT_FY_START_MONTH

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


class Aggregate(str, Enum):
    year = "year"
    fiscal_year = "fiscal_year"
    occupation_group = "occupation_group"


PathsArg = Annotated[Optional[list[Path]], typer.Argument(help="Settlement files or folders (default: data/raw/settlements).")]
FyOpt = Annotated[int, typer.Option("--fy-start-month", min=1, max=12, help="First month of the fiscal year (7 = July, 1 = calendar year).")]


HiddenOpt = Annotated[bool, typer.Option("--include-hidden", help="Also read hidden and very hidden XLSX sheets (skipped by default, each named in a warning).")]


def _validated(paths: list[Path] | None, include_hidden: bool = False):
    """Validate ``paths``; on a file-level problem print one clear error and exit 1."""
    from wagebrief.inputs import settlements
    from wagebrief.config import paths as project_paths

    try:
        return settlements.validate(paths or [project_paths().raw_settlements], include_hidden=include_hidden)
    except settlements.SettlementFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


#: Problems (and warnings) printed to the terminal; a file of a million bad rows would otherwise
#: print hundreds of megabytes. The rejects file keeps every rejected row and its reasons.
MAX_PRINTED = 1000


def _report(result, rows: str = "rows",
            kept: str = "`wagebrief build` writes them all to data/processed/rejects.csv") -> None:
    """Print at most :data:`MAX_PRINTED` problems and warnings, the count of the rest, and a summary."""
    problems = result.problems(MAX_PRINTED)
    for line in problems:
        typer.echo(line, err=True)
    if len(result.errors) > len(problems):
        typer.echo(f"... and {len(result.errors) - len(problems):,} more problems ({kept})", err=True)
    warnings = result.warning_lines(MAX_PRINTED)
    for line in warnings:
        typer.echo(line, err=True)
    n_warnings = len(result.warnings)
    if n_warnings > len(warnings):
        typer.echo(f"... and {n_warnings - len(warnings):,} more warnings", err=True)
    typer.echo(f"{result.n_input} {rows}: {len(result.valid)} valid, {len(result.rejects)} rejected "
               f"({len(result.errors)} problems" + (f", {n_warnings} warnings)" if n_warnings else ")"), err=True)


def validate(paths: PathsArg = None, include_hidden: HiddenOpt = False) -> None:
    """Check settlement files; print each problem as file:row:column: message."""
    result = _validated(paths, include_hidden)
    _report(result)
    if not result.ok:
        raise typer.Exit(1)


def build(
    paths: PathsArg = None,
    fy_start_month: FyOpt = DEFAULT_FY_START_MONTH,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any row is rejected.")] = False,
    include_hidden: HiddenOpt = False,
) -> None:
    """Write data/processed/: settlements, contracts, annual increases, rejects.csv, and the
    validated salary schedules (salaries.parquet, salary_rejects.csv) when data/raw/salaries has any."""
    from filelock import FileLock, Timeout

    from wagebrief.run import build as build_mod
    from wagebrief.config import paths as project_paths

    p = project_paths()
    lock = FileLock(str(p.processed / ".build.lock"), timeout=0)
    try:
        p.processed.mkdir(parents=True, exist_ok=True)
        with lock:
            build_mod.remove_stale_temps(p)  # left by a killed run; safe while we hold the lock
            result = _validated(paths, include_hidden)
            _report(result, kept=f"all in {_shown(p.rejects, p.root)}")
            sal_result, sal_error = _build_salaries(build_mod, p)
            # One generation: the settlement and salary tables are all replaced, or none is.
            written = build_mod.write_processed(result, p, fy_start_month=fy_start_month, salary_result=sal_result)
    except Timeout:
        typer.echo(f"error: another 'wagebrief build' is writing {p.processed} (lock {lock.lock_file}); "
                   "wait for it to finish and run again", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # a read-only folder, a full disk, a folder where rejects.csv goes
        where = _shown(Path(exc.filename), p.root) if exc.filename else _shown(p.processed, p.root)
        typer.echo(f"error: cannot write {where}: {exc.strerror or exc}; no output was replaced", err=True)
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(str(path))
    if sal_error:
        typer.echo(f"error: {sal_error}", err=True)
        raise typer.Exit(1)
    if strict and not (result.ok and (sal_result is None or sal_result.ok)):
        raise typer.Exit(1)


def _build_salaries(build_mod, p):
    """(result, None), (None, None) without salary files, or (None, message) for an unreadable file."""
    from wagebrief.inputs import salaries

    try:
        result = build_mod.validate_salaries(p)
    except salaries.SalaryFileError as exc:
        return None, str(exc)
    if result is not None:
        _report(result, "salary rows", kept=f"all in {_shown(salaries.rejects_path(p.root), p.root)}")
    return result, None


def _shown(path: Path, root: Path) -> str:
    """``path`` relative to the project root when it is inside it (``data/processed/rejects.csv``)."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def metrics(
    paths: PathsArg = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    fy_start_month: FyOpt = DEFAULT_FY_START_MONTH,
    aggregate: Annotated[Optional[Aggregate], typer.Option(help="Print aggregates instead of one row per contract.")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any row is rejected.")] = False,
    include_hidden: HiddenOpt = False,
) -> None:
    """Contract metrics, one row per valid settlement_id (or aggregates with --aggregate).

    Rejected rows are reported on stderr and their settlements left out; the rest are measured.
    Exits 1 when a file cannot be read, or with --strict when any row is rejected."""
    from wagebrief.analysis import metrics as m

    result = _validated(paths, include_hidden)
    if not result.ok or not result.warnings.empty:
        _report(result)
    table = m.contract_metrics(result.valid, fy_start_month)
    if aggregate is not None:
        if aggregate is Aggregate.occupation_group:
            out = m.aggregate_contracts(table, "occupation_group")
        else:
            basis = "calendar" if aggregate is Aggregate.year else "fiscal"
            out = m.pattern_by_year(result.valid, basis, fy_start_month).rename(columns={"year": aggregate.value})
        _emit(out, format, decimals=3)
    elif format is Format.json:
        typer.echo(json.dumps(m.to_records(table), indent=2))
    else:
        _emit(m.to_table(table), format, decimals=3)
    if strict and not result.ok:
        raise typer.Exit(1)


def _emit(df, format: Format, decimals: int) -> None:
    emit(df, format, decimals)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command()(validate)
    app.command()(build)
    app.command()(metrics)
