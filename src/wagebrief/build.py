"""Writing the processed tables from validated settlements (``wagebrief build``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wagebrief import io, metrics
from wagebrief.config import DEFAULT_FY_START_MONTH, Paths
from wagebrief.settlements import ValidationResult


def write_processed(result: ValidationResult, p: Paths, fy_start_month: int = DEFAULT_FY_START_MONTH) -> list[Path]:
    """Write settlements, contracts (their fiscal-year costs as a long table), annual increases
    (calendar and fiscal) and rejects.

    Each file is replaced atomically, so readers see the old or the new table, never a mix.
    """
    contracts, fiscal_costs = metrics.contract_tables(result.valid, fy_start_month)
    annual = pd.concat([
        metrics.annual_increases(result.valid, "calendar"),
        metrics.annual_increases(result.valid, "fiscal", fy_start_month),
    ], ignore_index=True) if len(result.valid) else pd.DataFrame()
    io.write_parquet(result.valid, p.settlements)
    io.write_parquet(contracts, p.contracts)
    io.write_parquet(fiscal_costs, p.fiscal_costs)
    io.write_parquet(annual, p.annual_increases)
    io.write_csv(result.rejects, p.rejects)
    return [p.settlements, p.contracts, p.fiscal_costs, p.annual_increases, p.rejects]
