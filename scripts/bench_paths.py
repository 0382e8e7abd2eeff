"""The ways ``make bench`` renders its workload, each returning a :class:`bench_common.PathResult`:

* the CLI loop: per unit, the ``papermill`` command then the ``jupyter nbconvert`` command;
* the peer: what a competent engineer would write without wagebrief's renderer, a
  ``multiprocessing`` pool of ``jobs`` processes, each brief run with papermill's Python API
  (``papermill.execute_notebook``, a fresh kernel per brief) and exported with nbconvert's
  ``HTMLExporter(exclude_input=True)`` in the same process;
* wagebrief: ``wagebrief.run.batch.run`` (one warm kernel per worker, ``jobs`` workers);

and the brief's own code as a plain Python script (the notebook exported by jupytext).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

from bench_common import BIN, PathResult, TreeRSS, bench_env, run


def cli_loop(root: Path, names: list[str]) -> PathResult:
    """The papermill command then the nbconvert command, unit after unit."""
    env = bench_env(root)
    out = root / "cli"
    out.mkdir(exist_ok=True)
    with TreeRSS() as mem:
        t = time.perf_counter()
        for name in names:
            nb = out / f"{name}.ipynb"
            run([str(BIN / "papermill"), str(root / "notebooks/brief.ipynb"), str(nb), "-p", "unit", name,
                 "-p", "project_root", str(root), "-k", "python3", "--cwd", str(root / "notebooks")], env)
            run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)], env)
        seconds = time.perf_counter() - t
    return PathResult("CLI loop (papermill + nbconvert commands)", seconds, len(names), mem.peak, mem.cpu)


def _peer_one(task: tuple[str, str, str, str]) -> float:
    """One brief the peer's way: papermill's API on a fresh kernel, then HTMLExporter in-process."""
    import papermill
    from nbconvert import HTMLExporter

    notebook, out_dir, unit, root = task
    t = time.perf_counter()
    nb = papermill.execute_notebook(notebook, str(Path(out_dir) / f"{unit}.ipynb"),
                                    parameters={"unit": unit, "project_root": root}, kernel_name="python3",
                                    cwd=str(Path(notebook).parent), progress_bar=False)
    html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
    (Path(out_dir) / f"{unit}.html").write_text(html, encoding="utf-8")
    return time.perf_counter() - t


def peer_pool(root: Path, names: list[str], jobs: int) -> PathResult:
    """A pool of ``jobs`` processes, each brief on a fresh kernel, exported in-process."""
    out = root / "peer"
    out.mkdir(exist_ok=True)
    os.environ["WAGEBRIEF_ROOT"] = str(root)
    tasks = [(str(root / "notebooks/brief.ipynb"), str(out), name, str(root)) for name in names]
    # spawn: a clean interpreter per worker, not a fork of this one (which holds threads and zmq).
    ctx = multiprocessing.get_context("spawn")
    with TreeRSS() as mem:
        t = time.perf_counter()
        with ctx.Pool(jobs) as pool:
            pool.map(_peer_one, tasks, chunksize=1)
        seconds = time.perf_counter() - t
    missing = [n for n in names if not (out / f"{n}.html").is_file()]
    if missing:
        raise SystemExit(f"peer wrote no brief for {missing}")
    return PathResult(f"peer (Pool({jobs}) + papermill API + HTMLExporter)", seconds, len(names), mem.peak, mem.cpu)


def wagebrief_batch(root: Path, names: list[str], jobs: int) -> tuple[PathResult, list[float]]:
    """``wagebrief.run.batch.run`` on the workload; also each brief's own seconds."""
    from wagebrief.run import batch

    os.environ["WAGEBRIEF_ROOT"] = str(root)
    with TreeRSS() as mem:
        t = time.perf_counter()
        r = batch.run(names, root=root, jobs=jobs)
        seconds = time.perf_counter() - t
    failed = [f"{x.unit}: {x.error}" for x in r.failed]
    if failed:
        raise SystemExit(f"wagebrief failed to render: {failed}")
    return (PathResult(f"wagebrief (run.batch.run, {jobs} warm workers)", seconds, len(names), mem.peak, mem.cpu),
            [x.seconds for x in r.results])


def plain_script(root: Path, names: list[str]) -> tuple[float, float]:
    """(cold seconds for one brief in a new interpreter, warm seconds per brief after the first):
    the brief's code as a plain script, no kernel, through the functions the notebook calls
    (bench_single.inprocess_brief: the same sections, figures as SVG, cover and appendix)."""
    env = bench_env(root)
    script = root / "brief_script.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "from pathlib import Path\n"
        "t = time.perf_counter()\n"
        "from bench_single import inprocess_brief\n"
        "times = []\n"
        "for name in sys.argv[2:]:\n"
        "    inprocess_brief(name, Path(sys.argv[1])); times.append(time.perf_counter() - t); t = time.perf_counter()\n"
        "print(' '.join(f'{x:.3f}' for x in times))\n")
    t = time.perf_counter()
    run([sys.executable, str(script), str(root), names[0]], env)
    cold = time.perf_counter() - t
    out = run([sys.executable, str(script), str(root), *names[:4]], env)
    warm = statistics.median(float(x) for x in out.stdout.split()[1:])
    return cold, warm
