"""Unattended runs: render many units in parallel, then write the index, manifest and log.

``wagebrief render --all`` runs before a negotiation cycle with nobody watching, so one unit's
failure never stops the others; at the end every failure is named with its cause, and
``reports/<cycle>/manifest.json`` records what was run, on which data, by which code, and how
it went. Each worker process keeps one warm kernel (:class:`wagebrief.render.Renderer`).
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import multiprocessing
import os
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from wagebrief import __version__, io, render, units
from wagebrief.config import ROOT_ENV, paths

log = logging.getLogger("wagebrief.render")


@dataclass
class Run:
    """The outcome of one batch render."""

    cycle: int | None
    results: list[render.RenderResult]
    started_at: str
    finished_at: str
    seconds: float
    jobs: int
    manifest: Path | None = None
    index: Path | None = None
    log_file: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[render.RenderResult]:
        return [r for r in self.results if not r.ok]


# --------------------------------------------------------------------------- workers

_WORKER: render.Renderer | None = None


def _init_worker(notebook: str, root: str) -> None:
    global _WORKER
    os.environ[ROOT_ENV] = root
    _WORKER = render.Renderer(notebook)
    atexit.register(_WORKER.close)


def _work(unit: str, cycle: int | None, root: str) -> render.RenderResult:
    assert _WORKER is not None
    return render.render_with(_WORKER, unit, cycle, root)


def render_units(names: list[str], cycle: int | None = None, root: str | Path | None = None,
                 jobs: int = 1, progress: bool = False) -> list[render.RenderResult]:
    """Render ``names`` across ``jobs`` worker processes, each with one warm kernel.

    Results come back in the order of ``names``, whatever order they finished in.
    """
    p = paths(root)
    notebook = str(p.notebooks / render.BRIEF_NOTEBOOK)
    bar = _progress(len(names), progress)
    results: dict[str, render.RenderResult] = {}

    def done(res: render.RenderResult) -> None:
        results[res.unit] = res
        (log.info if res.ok else log.error)("%s %s in %.1f s%s", "rendered" if res.ok else "FAILED", res.unit,
                                            res.seconds, f": {res.error}" if res.error else "")
        bar.update(1)

    jobs = max(1, min(jobs, len(names)))
    try:
        if jobs == 1:
            with render.Renderer(notebook) as r:
                for name in names:
                    done(render.render_with(r, name, cycle, p.root))
        else:
            # spawn: each worker starts clean instead of inheriting this process's state.
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(notebook, str(p.root))) as pool:
                futures = {pool.submit(_work, name, cycle, str(p.root)): name for name in names}
                for fut in as_completed(futures):
                    try:
                        done(fut.result())
                    except Exception as exc:  # the worker itself died
                        done(render.RenderResult(futures[fut], None, False, 0.0, error=render.one_line(exc),
                                                 generated_at=render.now()))
    finally:
        bar.close()
    # A unit named twice renders once; results keep the first position.
    return [results[n] for n in dict.fromkeys(names) if n in results]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="briefs", unit="brief", disable=not enabled, leave=False)


# --------------------------------------------------------------------------- the run

def run(names: list[str] | None = None, cycle: int | None = None, root: str | Path | None = None,
        jobs: int | None = None, progress: bool = False) -> Run:
    """Render every unit (or ``names``), then write index.html, manifest.json and render.log."""
    p = paths(root)
    names = names if names is not None else units.unit_names(p.root)
    jobs = jobs or min(len(names), os.cpu_count() or 1) or 1
    cycle_dir, shown_cycle = _cycle_dir(names, cycle, p.root)
    cycle_dir.mkdir(parents=True, exist_ok=True)
    log_file = cycle_dir / "render.log"
    handler = _log_to(log_file)
    started, t0 = render.now(), time.perf_counter()
    log.info("rendering %d unit(s) with %d job(s) into %s", len(names), jobs, cycle_dir)
    try:
        results = render_units(names, cycle, p.root, jobs, progress)
        r = Run(shown_cycle, results, started, render.now(), time.perf_counter() - t0, jobs, log_file=log_file)
        r.extra["earlier"] = earlier_briefs(cycle_dir, {res.unit for res in results})
        r.index = write_index(r, cycle_dir)
        r.manifest = write_manifest(r, cycle_dir, p.root)
        log.info("%d of %d briefs rendered in %.1f s", len(results) - len(r.failed), len(results), r.seconds)
        for f in r.failed:
            log.error("FAILED %s: %s", f.unit, f.error)
        return r
    finally:
        log.removeHandler(handler)
        handler.close()


def _cycle_dir(names: list[str], cycle: int | None, root: Path) -> tuple[Path, int | None]:
    """The folder for this run's index, manifest and log: the cycle's, or "mixed" when the
    units belong to different cycles."""
    if cycle is None:
        cycles = set()
        for n in names:
            try:
                cycles.add(units.load(n, root=root).cycle_year)
            except Exception:  # a broken unit file is reported by its own render
                continue
        cycle = cycles.pop() if len(cycles) == 1 else None
    return paths(root).reports / (str(cycle) if cycle else "mixed"), cycle


def _log_to(path: Path) -> logging.Handler:
    # Each run's log replaces the last one's, so reruns do not pile up.
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def git_commit(root: Path) -> str | None:
    """The checkout's commit, if it is a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def vintages(root: Path) -> dict:
    """Data vintages: latest settlement, CPI month, ECI quarter, and what is synthetic."""
    import pandas as pd

    from wagebrief import series

    out: dict = {}
    p = paths(root)
    try:
        out.update(series.vintages(root=root))
    except Exception as exc:  # the manifest still records what it could
        out["series_error"] = render.one_line(exc)
    if p.settlements.exists():
        s = pd.read_parquet(p.settlements, columns=["effective_date", "ratified_date", "source"])
        out["settlements_rows"] = len(s)
        out["latest_settlement_effective"] = str(s["effective_date"].max().date())
        if s["ratified_date"].notna().any():
            out["latest_settlement_ratified"] = str(s["ratified_date"].max().date())
        out["settlements_synthetic"] = bool(s["source"].astype(str).str.contains("SYNTHETIC").any())
    return out


def write_manifest(r: Run, cycle_dir: Path, root: Path) -> Path:
    """reports/<cycle>/manifest.json: units, parameters, data vintages, code version, timings."""
    manifest = {
        "cycle": r.cycle,
        "status": "failed" if r.failed else "ok",
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "seconds": round(r.seconds, 3),
        "jobs": r.jobs,
        "package_version": __version__,
        "git_commit": git_commit(root),
        "data_vintages": vintages(root),
        "units": [res.as_dict() | {"seconds": round(res.seconds, 3)} for res in r.results],
        "failed": [{"unit": f.unit, "error": f.error} for f in r.failed],
        # What index.html lists: this run's units, then briefs kept from earlier runs.
        "index": [_entry(res, r.started_at) for res in r.results] + r.extra.get("earlier", []),
    }
    path = cycle_dir / "manifest.json"
    io.write_text(path, json.dumps(manifest, indent=2, default=str) + "\n")
    return path


def _entry(res: render.RenderResult, run_started: str) -> dict:
    return {"unit": res.unit, "ok": res.ok, "file": res.path.name if res.ok and res.path else None,
            "error": res.error, "generated_at": res.generated_at, "seconds": round(res.seconds, 3),
            "run_started_at": run_started}


def earlier_briefs(cycle_dir: Path, rendered_now: set[str]) -> list[dict]:
    """Index entries of the last run's briefs that this run did not render and whose file is
    still there, so re-rendering one unit keeps the others listed (marked as from that run)."""
    try:
        last = json.loads((cycle_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in last.get("index", []) if isinstance(e, dict) and e.get("unit") not in rendered_now
            and e.get("ok") and e.get("file") and (cycle_dir / Path(str(e["file"])).name).is_file()]


def write_index(r: Run, cycle_dir: Path) -> Path:
    """reports/<cycle>/index.html: every brief with its status and when it was generated,
    including briefs an earlier run made that this one did not re-render."""
    rows = []
    for res in r.results:
        name = html.escape(res.unit)
        link = f'<a href="{html.escape(res.path.name)}">{name}</a>' if res.ok and res.path else name
        status = "ok" if res.ok else f"FAILED: {html.escape(res.error)}"
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{html.escape(res.generated_at)}</td>"
                    f"<td>{res.seconds:.1f} s</td></tr>")
    for e in r.extra.get("earlier", []):
        name, file = html.escape(str(e["unit"])), html.escape(Path(str(e["file"])).name)
        rows.append(f'<tr><td><a href="{file}">{name}</a></td><td>ok (earlier run, started '
                    f'{html.escape(str(e.get("run_started_at", "")))})</td><td>{html.escape(str(e.get("generated_at", "")))}</td>'
                    f'<td>{float(e.get("seconds") or 0):.1f} s</td></tr>')
    title = f"Bargaining briefs {html.escape(str(r.cycle or ''))}".strip()
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}} td,th{{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}}
.wb-confidential{{font-weight:bold;color:#8b0000;text-transform:uppercase}}</style></head>
<body><div class="wb-confidential">{html.escape(render.CONFIDENTIAL)}</div>
<h1>{title}</h1>
<p>Generated {html.escape(r.finished_at)}: {len(r.results) - len(r.failed)} of {len(r.results)} briefs rendered.</p>
<table><tr><th>Unit</th><th>Status</th><th>Generated</th><th>Time</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    path = cycle_dir / "index.html"
    io.write_text(path, page)
    return path
