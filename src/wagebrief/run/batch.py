"""Unattended runs: render many units in parallel, then write the index, manifest and log.

``wagebrief render --all`` runs before a negotiation cycle with nobody watching, so one unit's
failure never stops the others; at the end every failure is named with its cause, and
``reports/<cycle>/manifest.json`` records what was run, on which data, by which code, and how
it went. Each worker process keeps one warm kernel (:class:`wagebrief.run.render.Renderer`).

A run holds ``reports/<cycle>/.render.lock`` (as ``build`` holds its own), so two runs never
interleave one folder. Workers and kernels die with the process that started them (Linux's
parent-death signal), and a run clears what a killed one left: its kernels' folders in $TMPDIR
and half-written ``.*.tmp`` files in the folder it locked. Unit ids, the only names that become
file names, links and log words, are checked by :mod:`wagebrief.inputs.units`; every log line is one line.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import multiprocessing
import os
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from wagebrief import __version__, io
from wagebrief.brief import changes as brief_changes, headlines as brief_headlines, page as brief_page
from wagebrief.brief.messages import one_line
from wagebrief.config import ROOT_ENV, Paths, paths
from wagebrief.inputs import units
from wagebrief.run import kernel, render

log = logging.getLogger("wagebrief.run.render")


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
        """Units with no brief from this run."""
        return [r for r in self.results if not r.ok]

    @property
    def with_problems(self) -> list[render.RenderResult]:
        """Units whose brief rendered with some sections showing problems instead."""
        return [r for r in self.results if r.ok and r.problems]

    @property
    def status(self) -> str:
        """The run's status: "failed" if any unit failed, else "rendered with problems" if any
        brief has problems, else "rendered"."""
        return (render.FAILED if self.failed else render.WITH_PROBLEMS if self.with_problems
                else render.RENDERED)


# --------------------------------------------------------------------------- workers

_WORKER: render.Renderer | None = None


def _init_worker(notebook: str, root: str, parent_pid: int) -> None:
    global _WORKER
    # Killed with the run: a worker outliving a SIGKILLed parent went on rewriting briefs.
    render.die_with_parent(parent_pid)
    os.environ[ROOT_ENV] = root
    _WORKER = render.Renderer(notebook)
    atexit.register(_WORKER.close)


def _work(unit: str, cycle: int | None, root: str, as_of: str = "",
          exports: tuple[str, ...] = ()) -> render.RenderResult:
    assert _WORKER is not None
    return render.render_with(_WORKER, unit, cycle, root, as_of, list(exports))


def render_units(names: list[str], cycle: int | None = None, root: str | Path | None = None,
                 jobs: int = 1, progress: bool = False, as_of: str = "",
                 exports: tuple[str, ...] = ()) -> list[render.RenderResult]:
    """Render ``names`` across ``jobs`` worker processes, each with one warm kernel, every brief
    stated as of ``as_of`` (YYYY-MM-DD; empty: today, fixed once for the whole run), each with its
    ``exports`` (:mod:`wagebrief.brief.exports`) written beside it from the same sections.

    Results come back in the order of ``names``, whatever order they finished in.
    """
    p = paths(root)
    notebook = str(p.notebooks / render.BRIEF_NOTEBOOK)
    bar = _progress(len(names), progress)
    results: dict[str, render.RenderResult] = {}

    def done(res: render.RenderResult) -> None:
        results[res.unit] = res
        log_result(res)
        bar.update(1)

    jobs = max(1, min(jobs, len(names)))
    # One date for the run: briefs rendered either side of midnight still state the same "now".
    as_of = render.check_as_of(as_of) or render.today()
    try:
        if jobs == 1:
            with kernel.prestarted(notebook) or render.Renderer(notebook) as r:
                for name in names:
                    done(render.render_with(r, name, cycle, p.root, as_of, list(exports)))
        else:
            # spawn: each worker starts clean instead of inheriting this process's state.
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(notebook, str(p.root), os.getpid())) as pool:
                futures = {pool.submit(_work, name, cycle, str(p.root), as_of, tuple(exports)): name for name in names}
                for fut in as_completed(futures):
                    try:
                        done(fut.result())
                    except Exception as exc:  # the worker itself died
                        done(render.RenderResult(futures[fut], None, False, 0.0, error=one_line(exc),
                                                 generated_at=render.now()))
    finally:
        bar.close()
    # A unit named twice renders once; results keep the first position.
    return [results[n] for n in dict.fromkeys(names) if n in results]


def shown(text: object) -> str:
    """``text`` on one line: line breaks and other non-printable characters escaped (``\\n``),
    so no name or value can forge a line of the log or the terminal report."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(text))


class OneLineFormatter(logging.Formatter):
    """A log formatter whose every record is exactly one line (see :func:`shown`)."""

    def format(self, record: logging.LogRecord) -> str:
        return shown(super().format(record))


def log_result(res: render.RenderResult) -> None:
    """One unit's outcome in the log, naming each underlying problem (file:row:column)."""
    if not res.ok:
        log.error("FAILED %s in %.1f s: %s", res.unit, res.seconds, res.error)
    elif res.problems:
        log.error("rendered with problems %s in %.1f s:", res.unit, res.seconds)
        for p in res.problems:
            log.error("  %s: %s", res.unit, p)
    else:
        log.info("rendered %s in %.1f s", res.unit, res.seconds)
    for w in res.warnings:
        log.warning("  %s: warning: %s", res.unit, w)
    for fmt, message in res.export_errors.items():
        log.error("  %s: %s export FAILED: %s", res.unit, fmt, message)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="briefs", unit="brief", disable=not enabled, leave=False)


# --------------------------------------------------------------------------- the run

class UnknownUnitError(ValueError):
    """Units asked for by name that have no file in comparators/; nothing was rendered."""


class RenderLockedError(RuntimeError):
    """Another render is writing the same reports folder; this one wrote nothing."""


def unknown_units(names: list[str], root: str | Path | None = None) -> list[str]:
    """One message per name in ``names`` that is no unit file's name in comparators/ (a path,
    or an id without a file), with a suggestion where one fits."""
    present = set(units.unit_names(root))
    out = []
    for n in dict.fromkeys(names):
        if n in present:  # an invalid file (or file name) is that unit's own failure, not unknown
            continue
        try:
            units.load(str(n), root=root)  # raises units.py's own message, with its suggestion
        except units.UnitError as exc:
            out.append(str(exc))
    return out


def run(names: list[str] | None = None, cycle: int | None = None, root: str | Path | None = None,
        jobs: int | None = None, progress: bool = False, as_of: str = "", office: bool = False,
        guideline_pct: float | None = None, target_percentile: int | None = None,
        exports: tuple[str, ...] = ()) -> Run:
    """Render every unit (or ``names``), then write index.html, manifest.json and render.log;
    ``as_of`` (YYYY-MM-DD, empty for today) is the date the briefs state the market position at.
    With ``office`` (``render --all``), also office.html: every unit's costs, position and the
    statewide guideline (``guideline_pct``, ``target_percentile``; default: comparators/office/settings.yml).
    ``exports`` (``("xlsx",)``, ...) are written beside each brief, from the sections it was built from.

    Raises :class:`UnknownUnitError` (before anything is written) if a name has no unit file,
    ValueError for a cycle that is not a year, and :class:`RenderLockedError` while another run
    writes the same folder.
    """
    p = paths(root)
    names = names if names is not None else units.unit_names(p.root)
    if cycle is not None:
        render.check_cycle(cycle)
    as_of = render.check_as_of(as_of)
    unknown = unknown_units(names, p.root)
    if unknown:
        raise UnknownUnitError("; ".join(unknown))
    jobs = jobs or min(len(names), os.cpu_count() or 1) or 1
    cycle_dir, shown_cycle, brief_dirs = _cycle_dir(names, cycle, p.root)
    with _locked([cycle_dir, *brief_dirs]):
        render.remove_leftover_kernels()  # kernels of killed runs and their folders in $TMPDIR
        return _run_locked(names, cycle, p, jobs, progress, cycle_dir, shown_cycle, as_of,
                           (guideline_pct, target_percentile) if office else None, tuple(exports))


def _locked(folders: list[Path]) -> contextlib.ExitStack:
    """Hold ``.render.lock`` in each folder (or raise :class:`RenderLockedError` at once), and,
    holding it, delete the temporary files a killed run left there."""
    from filelock import FileLock, Timeout

    stack = contextlib.ExitStack()
    with stack:
        for folder in sorted(set(folders)):
            folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(folder / ".render.lock"), timeout=0)
            try:
                stack.enter_context(lock)
            except Timeout:
                raise RenderLockedError(f"another 'wagebrief render' is writing {folder} (lock {lock.lock_file}); "
                                        "wait for it to finish and run again") from None
            for tmp in folder.glob(".*.tmp"):  # io.atomic_write's, from a run killed mid-write
                tmp.unlink(missing_ok=True)
        return stack.pop_all()


def locked(folders: list[Path]) -> contextlib.ExitStack:
    """Hold the reports folders' ``.render.lock`` (as a render does) while writing into them
    outside a render: a workbook written beside a brief; :class:`RenderLockedError` if taken."""
    return _locked(folders)


def _run_locked(names: list[str], cycle: int | None, p: Paths, jobs: int, progress: bool, cycle_dir: Path,
                shown_cycle: int | None, as_of: str = "", office: tuple | None = None,
                exports: tuple[str, ...] = ()) -> Run:
    log_file = cycle_dir / "render.log"
    last = _last_manifest(cycle_dir)  # read before this run's log and manifest replace it
    handler = _log_to(log_file)
    started, t0 = render.now(), time.perf_counter()
    log.info("rendering %d unit(s) with %d job(s) into %s", len(names), jobs, cycle_dir)
    try:
        results = render_units(names, cycle, p.root, jobs, progress, as_of, exports)
        r = Run(shown_cycle, results, started, render.now(), time.perf_counter() - t0, jobs, log_file=log_file)
        r.extra["index"] = ([_entry(res, r.started_at, cycle_dir, last) for res in results]
                            + earlier_briefs(cycle_dir, {res.unit for res in results}, last))
        for e in r.extra["index"]:
            if e.get("previous") and e.get("run_started_at") == r.started_at:
                _mark_previous(cycle_dir, e, r.finished_at)
        if office is not None:
            _write_office(r, cycle_dir, p, names, as_of, *office)
        r.index = write_index(r, cycle_dir)
        r.manifest = write_manifest(r, cycle_dir, p.root)
        log.info("%d of %d briefs rendered in %.1f s: %d with problems, %d failed", len(results) - len(r.failed),
                 len(results), r.seconds, len(r.with_problems), len(r.failed))
        for f in r.failed:
            log.error("FAILED %s: %s", f.unit, f.error)
        return r
    finally:
        log.removeHandler(handler)
        handler.close()


def _write_office(r: Run, cycle_dir: Path, p: Paths, names: list[str], as_of: str,
                  guideline_pct: float | None, target_percentile: int | None) -> None:
    """office.html beside the index; its failure is logged and never fails the briefs."""
    from wagebrief.run import office

    briefs = {res.unit: f"./{res.path.name}" for res in r.results if res.ok and res.path and _href(res.path.name)}
    try:
        path = office.write(cycle_dir, p.root, names, cycle=r.cycle, as_of=as_of or render.today(),
                            guideline_pct=guideline_pct, target_percentile=target_percentile, briefs=briefs)
        r.extra["office"] = path.name
        log.info("office overview written: %s", path)
    except Exception as exc:  # a bad settings file: the briefs stand, the log says why
        r.extra["office_error"] = one_line(exc)
        log.error("office overview FAILED: %s", one_line(exc))


def _cycles(names: list[str], root: Path) -> set[int]:
    """The cycle years of the units among ``names`` whose files load."""
    from wagebrief.inputs import gaps

    cycles = set()
    for n in names:
        try:
            cycles.add(render.check_cycle(gaps.load_unit(n, root=root)[0].cycle_year))
        except Exception:  # a broken unit file is reported by its own render
            continue
    return cycles


def _cycle_dir(names: list[str], cycle: int | None, root: Path) -> tuple[Path, int | None, list[Path]]:
    """The folder for this run's index, manifest and log: the cycle's, or "mixed" when the
    units belong to different cycles; and the folders its briefs go to."""
    reports = paths(root).reports
    if cycle is not None:
        return reports / str(render.check_cycle(cycle)), cycle, [reports / str(cycle)]
    cycles = _cycles(names, root)
    if not cycles:  # unit files that cannot be read name no cycle: record them with the project's
        cycles = _cycles([n for n in units.unit_names(root) if n not in names], root)
        cycles = cycles if len(cycles) == 1 else set()
    briefs = [reports / str(c) for c in sorted(cycles)]
    cycle = cycles.pop() if len(cycles) == 1 else None
    return reports / (str(cycle) if cycle else "mixed"), cycle, briefs


def _log_to(path: Path) -> logging.Handler:
    # Each run's log replaces the last one's, so reruns do not pile up.
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(message)s"))
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

    from wagebrief.public import series

    out: dict = {}
    p = paths(root)
    try:
        out.update(series.vintages(root=root))
    except Exception as exc:  # the manifest still records what it could
        out["series_error"] = one_line(exc)
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
        "status": r.status,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "seconds": round(r.seconds, 3),
        "jobs": r.jobs,
        "package_version": __version__,
        "git_commit": git_commit(root),
        "data_vintages": vintages(root),
        # Headline figures are kept once, in each unit's index entry (what the next run compares with).
        "units": [{k: v for k, v in res.as_dict().items() if k != "headlines"} | {"seconds": round(res.seconds, 3)}
                  for res in r.results],
        "failed": [{"unit": f.unit, "error": f.error} for f in r.failed],
        "with_problems": [{"unit": f.unit, "problems": f.problems} for f in r.with_problems],
        # What index.html lists: this run's units, then briefs kept from earlier runs.
        "index": r.extra.get("index", []),
        "office": r.extra.get("office"),
        "office_error": r.extra.get("office_error"),
    }
    path = cycle_dir / "manifest.json"
    io.write_text(path, json.dumps(manifest, indent=2, default=str) + "\n")
    return path


def _last_manifest(cycle_dir: Path) -> dict:
    try:
        last = json.loads((cycle_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return last if isinstance(last, dict) else {}


def _last_entries(last: dict) -> dict[str, dict]:
    return {str(e["unit"]): e for e in last.get("index", []) if isinstance(e, dict) and "unit" in e}


def _status_of(e: dict) -> str:
    # Manifests from before statuses existed only say ok.
    return str(e.get("status") or (render.RENDERED if e.get("ok") else render.FAILED))


def _file_in(cycle_dir: Path, name) -> Path | None:
    """A file named in a manifest, if it is (still) a brief in this folder."""
    if not name:
        return None
    path = cycle_dir / Path(str(name)).name
    return path if path.is_file() else None


def previous_brief(cycle_dir: Path, unit: str, last: dict) -> dict | None:
    """The last good brief of ``unit`` still on disk: its file, when it was generated and its
    headline figures (from the last manifest; the file's time and no figures if the manifest does
    not know it), so the next run still compares with the brief readers have."""
    if not units.is_unit_id(unit):  # not a name a brief can have (nor a path to look along)
        return None
    e = _last_entries(last).get(unit, {})
    if _status_of(e) != render.FAILED and _file_in(cycle_dir, e.get("file")):
        return {"file": Path(str(e["file"])).name, "generated_at": str(e.get("generated_at", "")),
                **_figures_of(e)}
    prev = e.get("previous")
    if isinstance(prev, dict) and _file_in(cycle_dir, prev.get("file")):  # failed before too: same brief
        return {"file": Path(str(prev["file"])).name, "generated_at": str(prev.get("generated_at", "")),
                **_figures_of(prev)}
    path = cycle_dir / f"{unit}.html"
    if path.is_file():
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(path.stat().st_mtime))
        return {"file": path.name, "generated_at": stamp}
    return None


def _figures_of(e: dict) -> dict:
    """``{"headlines": ...}`` of a manifest entry that has headline figures, else {}."""
    return {"headlines": e["headlines"]} if isinstance(e.get("headlines"), dict) else {}


def _entry(res: render.RenderResult, run_started: str, cycle_dir: Path, last: dict) -> dict:
    prev = previous_brief(cycle_dir, res.unit, last) if not res.ok else None
    # What moved since the last run: the sentences the brief's cover shows, from the same figures.
    moved = brief_changes.sentences(res.headlines or None, brief_headlines.baseline(last, res.unit)) if res.ok else None
    return {"unit": res.unit, "ok": res.ok, "status": res.status,
            "file": res.path.name if res.ok and res.path else None,
            "error": res.error, "problems": res.problems, "warnings": res.warnings,
            "generated_at": res.generated_at, "seconds": round(res.seconds, 3),
            "run_started_at": run_started, "previous": prev,
            "headlines": res.headlines or None, "changes": moved}


def _mark_previous(cycle_dir: Path, e: dict, failed_at: str) -> None:
    """Mark the previous brief of a unit that failed now as not current, in the file itself,
    so a brief opened directly cannot pass for this run's."""
    path = _file_in(cycle_dir, e["previous"]["file"])
    if path is None:
        return
    try:
        page = path.read_text(encoding="utf-8")
        io.write_text(path, render.mark_not_current(page, e["previous"]["generated_at"], failed_at, e["error"]))
    except OSError as exc:  # a full disk: the brief stays as it was, and the index still says NOT current
        log.error("could not mark %s as not current: %s", path.name, one_line(exc))


def earlier_briefs(cycle_dir: Path, rendered_now: set[str], last: dict | None = None) -> list[dict]:
    """Index entries of the last run's briefs that this run did not render and whose file is
    still there, so re-rendering one unit keeps the others listed (marked as from that run);
    a failure whose previous brief is still there stays listed with it."""
    last = _last_manifest(cycle_dir) if last is None else last
    out = []
    for unit, e in _last_entries(last).items():
        if unit in rendered_now or not units.is_unit_id(unit):
            continue
        if _status_of(e) != render.FAILED and _file_in(cycle_dir, e.get("file")):
            out.append(e)
        elif isinstance(e.get("previous"), dict) and _file_in(cycle_dir, e["previous"].get("file")):
            out.append(e)
    return out


def _href(file: object) -> str | None:
    """A link to a brief in the index's own folder, as a relative path (``./city-police.html``):
    only for a file named ``<unit id>.html``, so no name can become a ``javascript:`` link."""
    name = Path(str(file)).name
    if not (name.endswith(".html") and units.is_unit_id(name[:-len(".html")])):
        return None
    return f"./{name}"


def _index_row(e: dict, run_started: str) -> dict:
    """An index entry as the index template shows it: plain text, escaped by the template."""
    status = _status_of(e)
    prev = e.get("previous")
    return {
        "unit": str(e["unit"]),
        "href": _href(e["file"]) if e.get("file") and status != render.FAILED else None,
        "kind": {render.RENDERED: "rendered", render.WITH_PROBLEMS: "problems"}.get(status, "failed"),
        "warnings": [str(w) for w in e.get("warnings") or []],
        "problems": [str(p) for p in e.get("problems") or []],
        "error": str(e.get("error", "")),
        "previous": ({"href": _href(prev["file"]), "when": str(prev.get("generated_at", ""))}
                     if isinstance(prev, dict) and prev.get("file") else None),
        "earlier": str(e.get("run_started_at", "")) if e.get("run_started_at") != run_started else None,
        "generated_at": str(e.get("generated_at", "")),
        "seconds": f"{float(e.get('seconds') or 0):.1f}",
        "changes": [str(c) for c in e.get("changes") or []] if isinstance(e.get("changes"), list) else [],
    }


def write_index(r: Run, cycle_dir: Path) -> Path:
    """reports/<cycle>/index.html: every brief with its status and when it was generated,
    including briefs an earlier run made that this one did not re-render, and for a unit that
    failed now, its previous brief marked as not current."""
    counts = (f"{len(r.results) - len(r.failed)} of {len(r.results)} briefs rendered"
              f"{f', {len(r.with_problems)} with problems' if r.with_problems else ''}"
              f"{f', {len(r.failed)} failed' if r.failed else ''}")
    index = brief_page.render("index.html.j2", title=f"Bargaining briefs {r.cycle or ''}".strip(), counts=counts,
                              finished_at=r.finished_at,
                              office="./office.html" if (cycle_dir / "office.html").is_file() else None,
                              entries=[_index_row(e, r.started_at) for e in r.extra.get("index", [])])
    path = cycle_dir / "index.html"
    io.write_text(path, index)
    return path
