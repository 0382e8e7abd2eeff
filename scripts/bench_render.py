"""Benchmark rendering many briefs (``make bench``).

Builds a workload of N units (default 40) from the demo units, each with a different subset of
its comparators (so no two briefs compute the same thing), then renders all of them two ways
and prints, for each, briefs per second, peak memory of the whole process tree, and the ratio:

* the CLI loop: for each unit, the ``papermill`` command then the ``jupyter nbconvert`` command;
* wagebrief's path: ``wagebrief.run.batch.run`` (warm kernels, one per worker, ``--jobs`` cores).

It also times the brief's own code as a plain Python script (the notebook exported by jupytext),
cold (a new interpreter per brief) and warm (the second and later briefs in one interpreter),
and compares the marginal cost of one more brief on wagebrief's path with it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class TreeRSS:
    """Peak total resident memory of this process and all its descendants, sampled."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak = interval, 0

    @staticmethod
    def _tree_rss() -> int:
        me = os.getpid()
        parent: dict[int, int] = {}
        rss: dict[int, int] = {}
        page = os.sysconf("SC_PAGE_SIZE")
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parent[int(d)] = int(fields[1])
                rss[int(d)] = int(fields[21]) * page
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [me]
        children: dict[int, list[int]] = {}
        for pid, pp in parent.items():
            children.setdefault(pp, []).append(pid)
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo += children.get(pid, [])
        return total

    def __enter__(self):
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._watch, daemon=True)
        self._t.start()
        return self

    def _watch(self):
        while True:
            self.peak = max(self.peak, self._tree_rss())
            if self._stop.wait(self.interval):
                return

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


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


def run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{done.stderr[-3000:]}")


def cli_loop(root: Path, names: list[str], env: dict) -> float:
    out = root / "cli"
    out.mkdir()
    t = time.perf_counter()
    for name in names:
        nb = out / f"{name}.ipynb"
        run([str(BIN / "papermill"), str(root / "notebooks/brief.ipynb"), str(nb), "-p", "unit", name,
             "-p", "project_root", str(root), "-k", "python3", "--cwd", str(root / "notebooks")], env)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)], env)
    return time.perf_counter() - t


def plain_script(root: Path, names: list[str], env: dict) -> tuple[float, float]:
    """(cold seconds for one brief in a new interpreter, warm seconds per brief after the first)."""
    import jupytext

    nb = jupytext.read(root / "notebooks/brief.ipynb")
    code = "\n\n".join(c.source for c in nb.cells if c.cell_type == "code"
                       and "parameters" not in c.metadata.get("tags", []))
    code = code.replace("from IPython.display import HTML, display",
                        "import matplotlib\nmatplotlib.use('Agg')\nHTML = str\ndef display(*a, **k): pass")
    body = "\n".join("    " + line for line in code.splitlines())
    script = root / "brief_script.py"
    script.write_text(
        "import sys, time\n"
        f"def brief(unit, cycle_year=None, project_root={str(root)!r}):\n"
        "    from wagebrief.brief import page as _b\n"
        "    _b.show = lambda *a, **k: None\n" + body + "\n"
        "times = []\n"
        "for name in sys.argv[1:]:\n"
        "    t = time.perf_counter(); brief(name); times.append(time.perf_counter() - t)\n"
        "print(' '.join(f'{x:.3f}' for x in times))\n")
    t = time.perf_counter()
    run([sys.executable, str(script), names[0]], env)
    cold = time.perf_counter() - t
    out = subprocess.run([sys.executable, str(script), *names[:4]], check=True, env=env, capture_output=True, text=True)
    warm = statistics.median(float(x) for x in out.stdout.split()[1:])
    return cold, warm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wagebrief-bench-") as tmp:
        root = Path(tmp)
        names = make_workload(root, args.units)
        env = os.environ | {"WAGEBRIEF_ROOT": str(root)}
        run([str(BIN / "wagebrief"), "build"], env)
        run([str(BIN / "wagebrief"), "series"], env)
        print(f"workload: {len(names)} units in {root}; {args.jobs} jobs; {os.cpu_count()} cores")

        cold, warm = plain_script(root, names, env)
        print(f"plain Python script: {cold:.2f} s for one brief in a new interpreter, "
              f"{warm:.2f} s per brief once warm")

        from wagebrief.run import batch

        os.environ["WAGEBRIEF_ROOT"] = str(root)
        with TreeRSS() as mem_wb:
            t = time.perf_counter()
            r = batch.run(names, root=root, jobs=args.jobs)
            wb = time.perf_counter() - t
        failed = [f"{x.unit}: {x.error}" for x in r.failed]
        assert not failed, failed
        per = sorted(x.seconds for x in r.results)
        steady = statistics.median(per[args.jobs:]) if len(per) > args.jobs else statistics.median(per)

        with TreeRSS() as mem_cli:
            cli = cli_loop(root, names, env)

    n = len(names)
    print(f"{'path':<28}{'seconds':>9}{'briefs/s':>10}{'peak RSS GB':>13}")
    print(f"{'CLI loop (papermill+nbconvert)':<28}{cli:>9.1f}{n / cli:>10.3f}{mem_cli.peak / 1e9:>13.2f}")
    print(f"{'wagebrief render --all':<28}{wb:>9.1f}{n / wb:>10.3f}{mem_wb.peak / 1e9:>13.2f}")
    print(f"speed-up: {cli / wb:.1f}x (target: at least 6x on 2 cores); memory ratio {mem_wb.peak / max(mem_cli.peak, 1):.1f}x")
    marginal = wb / n * args.jobs  # one more brief costs this much of one worker's time
    print(f"marginal cost of one more brief: {steady:.2f} s in a warm worker (median per brief), "
          f"{marginal:.2f} s of worker time on average; plain script {cold:.2f} s cold, {warm:.2f} s warm "
          f"(target: within 2x the plain-script time: {steady / cold:.2f}x of cold, {steady / warm:.2f}x of warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
