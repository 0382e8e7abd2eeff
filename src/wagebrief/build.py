"""Writing the processed tables from validated settlements (``wagebrief build``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wagebrief import io, metrics
from wagebrief.config import DEFAULT_FY_START_MONTH, Paths
from wagebrief.settlements import ValidationResult


def settlement_outputs(p: Paths) -> list[Path]:
    """The files :func:`write_processed` writes."""
    return [p.settlements, p.contracts, p.fiscal_costs, p.annual_increases, p.rejects]


def salary_outputs(p: Paths) -> list[Path]:
    """The files :func:`build_salaries` writes."""
    from wagebrief import salaries

    return [salaries.processed_path(p.root), salaries.rejects_path(p.root)]


def outputs(p: Paths) -> list[Path]:
    """The files ``wagebrief build`` writes (the salary files only when there are salary files)."""
    return [*settlement_outputs(p), *salary_outputs(p)]


def remove_stale_temps(p: Paths) -> list[Path]:
    """Delete the temporary files a killed build left beside its outputs; returns them.

    :func:`wagebrief.io.atomic_write` writes ``.<name>.<random>.tmp`` and renames it, so a run
    killed mid-write leaves one behind. Call this only while holding the build lock: a running
    build's temporary files look the same.
    """
    stale = [t for out in outputs(p) for t in out.parent.glob(f".{out.name}.*.tmp")]
    for t in stale:
        t.unlink(missing_ok=True)
    return stale


def write_processed(result: ValidationResult, p: Paths, fy_start_month: int = DEFAULT_FY_START_MONTH) -> list[Path]:
    """Write settlements, contracts (their fiscal-year costs as a long table), annual increases
    (calendar and fiscal) and rejects.

    Each file is replaced atomically, so readers see the old or the new table, never a mix.
    """
    contracts, fiscal_costs = metrics.contract_tables(result.valid, fy_start_month)
    annual = (metrics.annual_increases_by_basis(result.valid, ("calendar", "fiscal"), fy_start_month)
              if len(result.valid) else pd.DataFrame())
    io.write_parquet(result.valid, p.settlements)
    io.write_parquet(contracts, p.contracts)
    io.write_parquet(fiscal_costs, p.fiscal_costs)
    io.write_parquet(annual, p.annual_increases)
    io.write_csv(result.rejects, p.rejects)
    return settlement_outputs(p)


def build_salaries(p: Paths):
    """Validate ``data/raw/salaries`` and write ``salaries.parquet`` and ``salary_rejects.csv``.

    Returns the validation result, or None when there are no salary files. Briefs then read the
    validated schedules instead of validating them again for every unit.
    """
    from wagebrief import salaries

    folder = salaries.raw_dir(p.root)
    if not folder.is_dir() or not salaries.discover([folder]):
        return None
    result = salaries.validate([folder], root=p.root)
    salaries.write_processed(result, p.root)
    return result
