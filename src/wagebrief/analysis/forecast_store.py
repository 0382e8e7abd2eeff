"""The wage-trend forecast kept on disk, reused while everything it is computed from is unchanged.

Why: :func:`wagebrief.analysis.forecast.model_forecast` fits and backtests every wage-trend model,
and importing scipy.stats and statsmodels for that alone takes longer than the solver's whole
answer. The comparators' pay at the end of a proposed contract still needs the forecast (a
contract that ends before it is carried on at the forecast rate), so the solver asks for it
through :func:`cached`, which keeps the result in ``data/processed/forecasts/<unit>.json`` (a
build output, like the rest of ``data/processed/``; no roster or other personal data).

The stored forecast is used only when its key matches: a SHA-256 of the unit as loaded, the
forecast years, the settlement rows the models read, the processed CPI and ECI tables the models
read, every source file of the wagebrief package and the installed numpy, pandas, scipy and
statsmodels versions. When the CPI or ECI would be built from ``data/raw/`` instead (no processed
table, or the unit's CPI series is not in it) nothing is stored or reused. A forecast that could
not be made is never stored, so the models are asked again next time. JSON keeps every float to
the last bit, so a reused forecast is the one computed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from wagebrief.analysis.projection import Forecast
from wagebrief.config import paths
from wagebrief.io import write_text

#: Bump when the stored layout changes.
VERSION = 1
#: The libraries whose numbers the models are (their versions are part of the key).
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels")
PACKAGE = Path(__file__).resolve().parents[1]

ModelForecast = Callable[..., "tuple[Forecast | None, str | None]"]


def store_path(unit, root: str | Path | None = None) -> Path:
    """Where ``unit``'s forecast is kept: ``data/processed/forecasts/<unit>.json``."""
    return paths(root).processed / "forecasts" / f"{unit.unit}.json"


def _code_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*.py")):
        h.update(p.relative_to(PACKAGE).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _library_versions() -> list[str]:
    # The dist-info folder names carry the versions; reading importlib.metadata costs more than the rest of the key.
    out = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds, never imports
        if spec is None or not spec.origin:
            out.append(f"{name}:absent")
            continue
        site = Path(spec.origin).parent.parent
        out.append(",".join(sorted(d for d in os.listdir(site) if d.startswith(f"{name}-") and d.endswith(".dist-info")))
                   or f"{name}:{site}")
    return out


def _frame_digest(df: pd.DataFrame) -> str:
    h = hashlib.sha256(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    if len(df):
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def key(unit, events: pd.DataFrame, years: Sequence[int], root: str | Path | None = None) -> str | None:
    """The key of the forecast for these inputs (see the module docstring), or None when the
    series would come from ``data/raw/`` (then nothing is kept)."""
    p = paths(root)
    cpi, eci = p.processed / "cpi.parquet", p.processed / "eci.parquet"
    if not (cpi.is_file() and eci.is_file()):
        return None
    try:
        ids = pd.read_parquet(cpi, columns=["series_id"])["series_id"]
    except Exception:  # an unreadable table: the models' own reading reports it
        return None
    if not ids.eq(unit.cpi_series).any():
        return None
    try:
        settled = _frame_digest(events)
    except (TypeError, ValueError):  # a cell pandas cannot hash: no key, so the models run
        return None
    parts = [f"v{VERSION}", repr(unit), repr([int(y) for y in years]), settled,
             hashlib.sha256(cpi.read_bytes()).hexdigest(), hashlib.sha256(eci.read_bytes()).hexdigest(),
             _code_digest(), *_library_versions()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load(unit, k: str, root: str | Path | None = None) -> Forecast | None:
    """The kept forecast whose key is ``k``, or None (none kept, another key, unreadable)."""
    try:
        got = json.loads(store_path(unit, root).read_text(encoding="utf-8"))
        if got.get("key") != k:
            return None
        f = got["forecast"]
        return Forecast({int(y): float(v) for y, v in f["rates"].items()}, str(f["label"]), str(f["method"]),
                        str(f["basis"]), int(f["fy_start_month"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(unit, k: str, forecast: Forecast, root: str | Path | None = None) -> None:
    """Keep ``forecast`` under key ``k`` (atomically; a folder that cannot be written is skipped)."""
    body = {"key": k, "unit": unit.unit,
            "forecast": {"rates": {str(int(y)): float(v) for y, v in forecast.rates.items()},
                         "label": forecast.label, "method": forecast.method, "basis": forecast.basis,
                         "fy_start_month": int(forecast.fy_start_month)}}
    try:
        write_text(store_path(unit, root), json.dumps(body, indent=1) + "\n")
    except OSError:
        pass  # a read-only project still answers; it only computes the forecast each time


def cached(compute: ModelForecast, unit, events: pd.DataFrame, years: Sequence[int],
           root: str | Path | None = None) -> tuple[Forecast | None, str | None]:
    """``compute(unit, events, years, root)`` (a :func:`~wagebrief.analysis.forecast.model_forecast`),
    or the kept result of the same inputs; a new forecast is kept for next time."""
    k = key(unit, events, years, root)
    if k is not None:
        hit = load(unit, k, root)
        if hit is not None:
            return hit, None
    forecast, why = compute(unit, events, years, root)
    if k is not None and forecast is not None:
        save(unit, k, forecast, root)
    return forecast, why
