"""One brief at a time, on the demo units (``make bench``):

* warm: the marginal brief in a warm worker, one :class:`wagebrief.run.render.Renderer` rendering
  the demo units round after round (the first round pays for the kernel's imports);
* cold: ``wagebrief render --unit U`` as a new process from the shell;
* growth: the warm brief again after 100,000 settlement event rows of other jurisdictions are
  added to ``data/raw/settlements`` and ``wagebrief build`` is rerun;
* profile: cProfile of one warm brief in this process, through the functions the notebook calls.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import resource
import sysconfig
import time
from pathlib import Path

import pandas as pd

from bench_common import BIN, ROOT, bench_env, build, run, tree_cpu

#: Where the growth rows go, and the seed that makes them the same every run.
EXTRA_FILE = "bench_extra_jurisdictions.csv"
EXTRA_SEED = 19
#: The prefix of every generated settlement id and jurisdiction name: none is a real one.
EXTRA_PREFIX = "BENCH-"


def warm_times(root: Path, units: list[str], rounds: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each unit's seconds per brief with one warm Renderer, over ``rounds`` rounds of all units,
    and the CPU seconds each brief took (this process and its kernel)."""
    from wagebrief.run import render

    os.environ["WAGEBRIEF_ROOT"] = str(root)
    times: dict[str, list[float]] = {u: [] for u in units}
    cpu: dict[str, list[float]] = {u: [] for u in units}
    with render.Renderer(root / "notebooks" / render.BRIEF_NOTEBOOK) as r:
        for _ in range(rounds):
            for unit in units:
                c0 = tree_cpu()
                res = render.render_with(r, unit, root=root)
                cpu[unit].append(tree_cpu() - c0)
                if not res.ok:
                    raise SystemExit(f"warm render of {unit} failed: {res.error}")
                times[unit].append(res.seconds)
    return times, cpu


def cold_render(root: Path, unit: str) -> tuple[float, float, int]:
    """Wall seconds of ``wagebrief render --unit U`` in a new process, its CPU seconds (the
    command and the processes it waited for: its kernel) and its exit code (1 is "rendered with
    problems", still a brief: it is timed all the same)."""
    started = time.time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = run([str(BIN / "wagebrief"), "render", "--unit", unit], bench_env(root), ok_codes=(0, 1))
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
    if not any(p.stat().st_mtime >= started - 1 for p in root.glob(f"reports/*/{unit}.html")):
        raise SystemExit(f"wagebrief render --unit {unit} wrote no brief:\n{done.stderr[-2000:]}")
    return seconds, cpu, done.returncode


def extra_settlements(n_rows: int = 100_000, seed: int = EXTRA_SEED) -> pd.DataFrame:
    """``n_rows`` valid settlement event rows of generated jurisdictions, the same for the same
    seed: scripts/bench_data.py's generator, with ids and names that cannot meet a real one."""
    from bench_data import generate

    df = generate(n_rows, seed=seed)
    df["settlement_id"] = EXTRA_PREFIX + df["settlement_id"]
    df["jurisdiction"] = EXTRA_PREFIX + df["jurisdiction"]
    return df


def add_extra_rows(root: Path, n_rows: int, seed: int = EXTRA_SEED) -> Path:
    """Write the generated rows beside the project's settlement files and rebuild."""
    out = root / "data/raw/settlements" / EXTRA_FILE
    extra_settlements(n_rows, seed).to_csv(out, index=False)
    build(root)
    return out


def inprocess_brief(unit: str, root: Path) -> int:
    """One brief through the functions the notebook calls (partial.load, partial.compute, the
    cover, sections, figures as SVG and the appendix), without a kernel; returns HTML characters."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wagebrief.brief import appendix, data as brief_data, figures, page, partial

    data, warnings = partial.load(unit, root=root, as_of=brief_data.today())
    sections = partial.compute(data)
    parts = [page.cover(data), partial.status_html(sections, warnings)]
    for key in ("summary", "settlements", "inflation", "outlook", "market", "costing", "factors", "methodology"):
        for s in sections[key] if isinstance(sections[key], list) else [sections[key]]:
            if isinstance(s, partial.FailedSection):
                parts.append(partial.box_html(s))
                continue
            parts.append(page.section_html(s))
            parts += [figures.svg(f.figure) for f in s.figures]
    parts.append(appendix.appendix_html(data))
    plt.close("all")
    return sum(map(len, parts))


def profile(root: Path, unit: str = "state-clerical", top: int = 25) -> tuple[float, float, float, str]:
    """(first in-process brief's seconds, the profiled warm brief's seconds and CPU seconds,
    cProfile's top ``top`` functions by cumulative time, paths shortened)."""
    os.environ["WAGEBRIEF_ROOT"] = str(root)
    t = time.perf_counter()
    inprocess_brief(unit, root)
    first = time.perf_counter() - t
    prof = cProfile.Profile()
    t, c = time.perf_counter(), time.process_time()
    prof.runcall(inprocess_brief, unit, root)
    warm, cpu = time.perf_counter() - t, time.process_time() - c
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    text = buf.getvalue()
    prefixes = {str(ROOT) + "/", str(ROOT / "src") + "/", str(Path(os.__file__).parent) + "/", sysconfig.get_paths()["purelib"] + "/"}
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix, "")
    text = "\n".join(line for line in text.splitlines() if line.strip())
    return first, warm, cpu, text
