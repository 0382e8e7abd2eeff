"""What the render benchmarks share (``make bench``): paths, memory sampling, workloads, and the
pure helpers that format what they print (tested by tests/test_bench_scripts.py)."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: The units the project ships (their rosters and proposals are synthetic; see the README).
DEMO_UNITS = ["city-police", "city-public-works", "state-clerical"]


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """Every process's (parent pid, resident bytes, CPU clock ticks: user + system)."""
    page = os.sysconf("SC_PAGE_SIZE")
    table: dict[int, tuple[int, int, int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            table[int(d)] = (int(fields[1]), int(fields[21]) * page, int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            continue
    return table


def tree(root_pid: int | None = None) -> dict[int, tuple[int, int]]:
    """``root_pid`` (default: this process) and its descendants: pid -> (resident bytes, CPU ticks)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (pp, _, _) in table.items():
        children.setdefault(pp, []).append(pid)
    out, todo = {}, [root_pid or os.getpid()]
    while todo:
        pid = todo.pop()
        if pid in table:
            out[pid] = table[pid][1:]
        todo += children.get(pid, [])
    return out


def tree_cpu() -> float:
    """CPU seconds (user + system) used so far by this process and its live descendants."""
    return sum(cpu for _, cpu in tree().values()) / os.sysconf("SC_CLK_TCK")


def _rusage_cpu() -> float:
    """CPU seconds of this process plus its waited-for children (and theirs)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class TreeRSS:
    """Peak total resident memory of this process and all its descendants, sampled; and the CPU
    seconds the tree used meanwhile (``cpu``): on a busy machine CPU time moves less than the clock.

    CPU is the larger of two lower bounds: the last sample of every process seen in the tree
    (misses at most one interval of a process that ended between samples) and this process's
    rusage with its waited-for children (misses a descendant nobody waited for)."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self.cpu = interval, 0, 0.0
        self._seen: dict[int, int] = {}

    def _sample(self) -> None:
        t = tree()
        self.peak = max(self.peak, sum(rss for rss, _ in t.values()))
        for pid, (_, cpu) in t.items():
            self._seen[pid] = max(self._seen.get(pid, 0), cpu)

    def __enter__(self):
        self._before = {pid: cpu for pid, (_, cpu) in tree().items()}
        self._rusage0 = _rusage_cpu()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self):
        while True:
            self._sample()
            if self._stop.wait(self.interval):
                return

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self._sample()
        ticks = sum(cpu - self._before.get(pid, 0) for pid, cpu in self._seen.items())
        self.cpu = max(ticks / os.sysconf("SC_CLK_TCK"), _rusage_cpu() - self._rusage0)


def run(cmd: list[str], env: dict, ok_codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    """Run ``cmd``; stop the benchmark with its stderr's tail if it exits with another code."""
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def bench_env(root: Path) -> dict[str, str]:
    """This process's environment with the project root pointed at ``root``."""
    return os.environ | {"WAGEBRIEF_ROOT": str(root)}


def build(root: Path) -> None:
    """``wagebrief build`` and ``wagebrief series`` on the project at ``root``, as ``make demo`` does."""
    env = bench_env(root)
    run([str(BIN / "wagebrief"), "build"], env)
    run([str(BIN / "wagebrief"), "series"], env)


def demo_project(root: Path) -> Path:
    """A copy of the project's inputs and notebooks at ``root`` (the demo units), built."""
    for name in ("data/raw", "comparators", "notebooks"):
        shutil.copytree(ROOT / name, root / name)
    shutil.rmtree(root / "data/processed", ignore_errors=True)
    build(root)
    return root


def make_workload(root: Path, n: int) -> list[str]:
    """Copy the project's data and notebooks, and write ``n`` unit files cloned from the demo
    units, unit i dropping comparator i (mod its count) so every unit's comparator set differs."""
    for name in ("data/raw", "comparators", "notebooks"):
        shutil.copytree(ROOT / name, root / name)
    demo = sorted(p for p in (root / "comparators").glob("*.yml"))
    names = []
    for i in range(n):
        src = demo[i % len(demo)]
        data = yaml.safe_load(src.read_text())
        base = data["unit"]
        comps = data["comparators"]
        data["comparators"] = comps[: i % len(comps)] + comps[i % len(comps) + 1:] if len(comps) > 3 else comps
        data["unit"] = f"{base}-{i:02d}"
        data["name"] = f"{data['name']} #{i:02d}"
        (root / "comparators" / f"{data['unit']}.yml").write_text(yaml.safe_dump(data, sort_keys=False))
        shutil.copytree(root / "data/raw/units" / base, root / "data/raw/units" / data["unit"])
        prop = yaml.safe_load((root / "comparators/proposals" / f"{base}.yml").read_text())
        prop["unit"] = data["unit"]
        (root / "comparators/proposals" / f"{data['unit']}.yml").write_text(yaml.safe_dump(prop, sort_keys=False))
        names.append(data["unit"])
    for src in demo:  # the originals are not part of the workload
        src.unlink()
    return names


# --------------------------------------------------------------------------- pure helpers


def median_after_first(times: list[float]) -> float:
    """The median of the 2nd and later times (the first pays for imports and warm-up)."""
    if len(times) < 2:
        raise ValueError("need at least two times: the first is the warm-up")
    return statistics.median(times[1:])


def growth_pct(before: float, after: float) -> float:
    """How much ``after`` exceeds ``before``, in percent (negative when it is faster)."""
    if before <= 0:
        raise ValueError(f"before must be positive, got {before}")
    return (after / before - 1) * 100


@dataclass
class PathResult:
    """One way of rendering the workload: its wall time for ``briefs`` briefs and peak memory."""

    name: str
    seconds: float
    briefs: int
    peak_bytes: int
    cpu: float = 0.0  # CPU seconds of the whole process tree

    @property
    def per_brief(self) -> float:
        return self.seconds / self.briefs

    @property
    def cpu_per_brief(self) -> float:
        return self.cpu / self.briefs


def speedup(fast: PathResult, slow: PathResult, cpu: bool = False) -> float:
    """How many times ``fast``'s briefs per second ``slow``'s are (``cpu``: per CPU second)."""
    if cpu:
        return slow.cpu_per_brief / fast.cpu_per_brief
    return slow.per_brief / fast.per_brief


def side_by_side(results: list[PathResult]) -> str:
    """The render paths as a table: wall seconds, seconds per brief, briefs/s, peak RSS."""
    head = (f"{'path':<48}{'briefs':>7}{'wall s':>9}{'s/brief':>9}{'briefs/s':>10}{'peak RSS GB':>13}"
            f"{'CPU s':>9}{'CPU s/brief':>13}")
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(f"{r.name:<48}{r.briefs:>7}{r.seconds:>9.1f}{r.per_brief:>9.2f}{1 / r.per_brief:>10.3f}"
                     f"{r.peak_bytes / 1e9:>13.2f}{r.cpu:>9.1f}{r.cpu_per_brief:>13.2f}")
    return "\n".join(lines)


@dataclass
class Measure:
    """One line of the final summary: a measured value against its target (``op`` ``bound``)."""

    name: str
    value: float | None  # None: not measured in this run
    fmt: str  # how value and bound are shown, e.g. "{:.1f}x"
    op: str = ""  # ">=" or "<="; empty for a figure shown for reference, with no target
    bound: float = 0.0

    @property
    def target(self) -> str:
        return f"{self.op} {self.fmt.format(self.bound)}" if self.op else "(reference)"

    @property
    def met(self) -> str:
        if self.value is None:
            return "not run"
        if not self.op:
            return "-"
        if self.op not in (">=", "<="):
            raise ValueError(f"unknown comparison {self.op!r}")
        ok = self.value >= self.bound if self.op == ">=" else self.value <= self.bound
        return "yes" if ok else "no"

    @property
    def shown(self) -> str:
        return "not run" if self.value is None else self.fmt.format(self.value)


def summary_table(measures: list[Measure]) -> str:
    """The final table: measure, value, target, met (yes / no / not run)."""
    rows = [("measure", "value", "target", "met")] + [(m.name, m.shown, m.target, m.met) for m in measures]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*r) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
