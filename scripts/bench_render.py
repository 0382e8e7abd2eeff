"""Benchmark rendering briefs (``make bench``); prints numbers against issue 19's targets, never asserts.

One run prints, each labelled with its target:

1. a workload of N units (default 40, cloned from the demo units, each with a different subset
   of its comparators, so no two briefs compute the same thing) rendered three ways, side by
   side (wall seconds, seconds per brief, peak memory of the process tree): the CLI loop
   (``papermill`` + ``jupyter nbconvert`` commands per unit), the peer (a pool of ``--jobs``
   processes, papermill's API on a fresh kernel + nbconvert's HTMLExporter in-process) and
   wagebrief (``run.batch.run``, warm kernels), with the ratios wagebrief/CLI loop (>= 20x) and
   wagebrief/peer (>= 4x); and the brief's code as a plain script, for reference;
2. the marginal brief in a warm worker on the demo units (<= 1.0 s);
3. a cold ``wagebrief render --unit U`` from the shell, each demo unit (<= 5 s);
4. a warm brief before and after 100,000 event rows of other jurisdictions are added (<= 20%);
5. a cProfile of one warm state-clerical brief in-process (top 25 by cumulative time);

then a summary table: measure, value, target, met. ``--only`` and ``--skip-cli-loop`` run parts.
The scripts: bench_common (shared, pure helpers), bench_paths (1), bench_single (2-5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* modules beside this one

from bench_common import (DEMO_UNITS, Measure, build, demo_project, growth_pct, make_workload,  # noqa: E402
                          median_after_first, side_by_side, speedup, summary_table)
import bench_paths  # noqa: E402
import bench_single  # noqa: E402

PARTS = ["plain", "wagebrief", "peer", "warm", "cold", "growth", "profile", "cli"]
WORKLOAD_PARTS = {"plain", "peer", "wagebrief", "cli"}


def parts_to_run(only: list[str] | None, skip_cli_loop: bool) -> list[str]:
    """The parts asked for, in the order they run: ``--only`` (comma-separated or repeated),
    else all; ``--skip-cli-loop`` drops the CLI loop."""
    chosen = PARTS if not only else [p.strip() for o in only for p in o.split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    return [p for p in PARTS if p in chosen and not (skip_cli_loop and p == "cli")]


def say(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def workload_parts(parts: list[str], args, m: dict) -> None:
    """Part 1 (those of ``parts`` asked for): the N-unit workload the peer's way, wagebrief's
    way or the CLI-loop way, and the brief's code as a plain script; each printed when done."""
    with tempfile.TemporaryDirectory(prefix="wagebrief-bench-") as tmp:
        root = Path(tmp)
        names = make_workload(root, args.units)
        build(root)
        say(f"\n== 1. {len(names)}-unit workload ({', '.join(parts)}), {args.jobs} jobs ({root})")
        if "plain" in parts:
            cold, warm = bench_paths.plain_script(root, names)
            m["plain_cold"], m["plain_warm"] = cold, warm
            say(f"plain Python script (the notebook's functions, no kernel): {cold:.2f} s for one brief in a new "
                f"interpreter, {warm:.2f} s per brief once warm")
        for part in ("wagebrief", "peer", "cli"):
            if part not in parts:
                continue
            say(f"{part}: rendering {len(names)} briefs ...")
            if part == "wagebrief":
                m[part], per = bench_paths.wagebrief_batch(root, names, args.jobs)
                say(f"wagebrief: median {statistics.median(per):.2f} s per brief in a worker (first briefs included)")
            elif part == "peer":
                m[part] = bench_paths.peer_pool(root, names, args.jobs)
            else:
                m[part] = bench_paths.cli_loop(root, names)
            say(side_by_side([m[part]]))


def compare(m: dict) -> None:
    """The render paths side by side, and wagebrief's ratios to the others."""
    results = [m[k] for k in ("cli", "peer", "wagebrief") if k in m]
    if not results:
        return
    say("\n== 1. The workload, side by side")
    say(side_by_side(results))
    wb = m.get("wagebrief")
    if wb and "cli" in m:
        say(f"wagebrief / CLI loop: {speedup(wb, m['cli']):.1f}x briefs per second, "
            f"{speedup(wb, m['cli'], cpu=True):.1f}x per CPU second (target >= 20x); "
            f"memory {wb.peak_bytes / max(m['cli'].peak_bytes, 1):.1f}x the CLI loop's")
    if wb and "peer" in m:
        say(f"wagebrief / peer:     {speedup(wb, m['peer']):.1f}x briefs per second, "
            f"{speedup(wb, m['peer'], cpu=True):.1f}x per CPU second (target >= 4x); "
            f"memory {wb.peak_bytes / max(m['peer'].peak_bytes, 1):.1f}x the peer's")


def _per_unit(times: dict[str, list[float]]) -> dict[str, float]:
    return {u: median_after_first(ts) for u, ts in times.items()}


def demo_parts(parts: list[str], args, m: dict) -> None:
    """Parts 2-5, each on a fresh built copy of the project with the demo units."""
    if "warm" in parts:
        with tempfile.TemporaryDirectory(prefix="wagebrief-bench-warm-") as tmp:
            root = demo_project(Path(tmp))
            say(f"\n== 2. Marginal brief in a warm worker (one Renderer, {args.rounds} rounds of the demo units; "
                "median of the 2nd and later briefs; target <= 1.0 s)")
            times, cpu = bench_single.warm_times(root, DEMO_UNITS, args.rounds)
            for unit, ts in times.items():
                say(f"{unit:<20} first {ts[0]:.2f} s, then {' '.join(f'{x:.2f}' for x in ts[1:])}; "
                    f"median {median_after_first(ts):.2f} s (CPU {median_after_first(cpu[unit]):.2f} s)")
            m["warm"], m["warm_cpu"] = _per_unit(times), _per_unit(cpu)
    if "cold" in parts:
        with tempfile.TemporaryDirectory(prefix="wagebrief-bench-cold-") as tmp:
            root = demo_project(Path(tmp))
            say("\n== 3. Cold `wagebrief render --unit U` from the shell (a new process; target <= 5 s)")
            m["cold"], m["cold_cpu"] = {}, {}
            for unit in DEMO_UNITS:
                secs, cpu, code = bench_single.cold_render(root, unit)
                m["cold"][unit], m["cold_cpu"][unit] = secs, cpu
                say(f"{unit:<20} {secs:.2f} s, CPU {cpu:.2f} s (exit {code}{': rendered with problems' if code else ''})")
    if "growth" in parts:
        with tempfile.TemporaryDirectory(prefix="wagebrief-bench-growth-") as tmp:
            root = demo_project(Path(tmp))
            say(f"\n== 4. Growth with the settlement database: a warm brief (median of {args.rounds - 1} after "
                f"a warm-up round), demo data, then +{args.growth_rows:,} event rows of other jurisdictions "
                "rebuilt with `wagebrief build` (target <= 20%)")
            before, before_cpu = map(_per_unit, bench_single.warm_times(root, DEMO_UNITS, args.rounds))
            t = time.perf_counter()
            extra = bench_single.add_extra_rows(root, args.growth_rows)
            say(f"wrote {extra.name} ({extra.stat().st_size / 1e6:.1f} MB) and rebuilt in {time.perf_counter() - t:.1f} s")
            after, after_cpu = map(_per_unit, bench_single.warm_times(root, DEMO_UNITS, args.rounds))
            m["growth"], m["growth_cpu"], m["growth_rows"] = {}, {}, args.growth_rows
            for unit in DEMO_UNITS:
                m["growth"][unit] = growth_pct(before[unit], after[unit])
                m["growth_cpu"][unit] = growth_pct(before_cpu[unit], after_cpu[unit])
                say(f"{unit:<20} {before[unit]:.2f} s -> {after[unit]:.2f} s: {m['growth'][unit]:+.1f}%; "
                    f"CPU {before_cpu[unit]:.2f} s -> {after_cpu[unit]:.2f} s: {m['growth_cpu'][unit]:+.1f}%")
    if "profile" in parts:
        with tempfile.TemporaryDirectory(prefix="wagebrief-bench-profile-") as tmp:
            root = demo_project(Path(tmp))
            first, warm, cpu, text = bench_single.profile(root, "state-clerical")
            m["profile"] = warm
            say(f"\n== 5. Profile of one warm state-clerical brief in-process (partial.load + partial.compute + "
                f"cover, sections, SVG figures, appendix; no kernel): first {first:.2f} s, profiled warm {warm:.2f} s, "
                f"CPU {cpu:.2f} s "
                "(cProfile's overhead included)")
            say(text)


def measures(m: dict) -> list[Measure]:
    """The summary's lines from what was measured (missing ones read "not run"). Each target is
    judged on wall time, and again on CPU seconds: on a machine others share, the clock runs on
    while this benchmark waits for a core, and CPU time says what the code itself costs."""
    wb, cli, peer = m.get("wagebrief"), m.get("cli"), m.get("peer")
    worst = lambda key: max(m[key].values()) if key in m else None  # noqa: E731
    rows = m.get("growth_rows", 100_000)
    out = [
        Measure("wagebrief / CLI loop (briefs per second)", speedup(wb, cli) if wb and cli else None, "{:.1f}x", ">=", 20),
        Measure("  the same per CPU second", speedup(wb, cli, cpu=True) if wb and cli else None, "{:.1f}x", ">=", 20),
        Measure("wagebrief / peer (briefs per second)", speedup(wb, peer) if wb and peer else None, "{:.1f}x", ">=", 4),
        Measure("  the same per CPU second", speedup(wb, peer, cpu=True) if wb and peer else None, "{:.1f}x", ">=", 4),
        Measure("marginal warm brief, worst demo unit", worst("warm"), "{:.2f} s", "<=", 1.0),
        Measure("  its CPU seconds", worst("warm_cpu"), "{:.2f} s", "<=", 1.0),
        Measure("cold `wagebrief render --unit`, worst demo unit", worst("cold"), "{:.2f} s", "<=", 5.0),
        Measure("  its CPU seconds", worst("cold_cpu"), "{:.2f} s", "<=", 5.0),
        Measure(f"warm brief growth with +{rows:,} other rows, worst unit", worst("growth"), "{:+.1f}%", "<=", 20),
        Measure("  the same in CPU seconds", worst("growth_cpu"), "{:+.1f}%", "<=", 20),
        Measure("CLI loop, seconds per brief", cli.per_brief if cli else None, "{:.2f} s"),
        Measure("peer, seconds per brief", peer.per_brief if peer else None, "{:.2f} s"),
        Measure("wagebrief, seconds per brief (wall / briefs)", wb.per_brief if wb else None, "{:.2f} s"),
        Measure("CLI loop, peak RSS of the process tree", cli.peak_bytes / 1e9 if cli else None, "{:.2f} GB"),
        Measure("peer, peak RSS of the process tree", peer.peak_bytes / 1e9 if peer else None, "{:.2f} GB"),
        Measure("wagebrief, peak RSS of the process tree", wb.peak_bytes / 1e9 if wb else None, "{:.2f} GB"),
        Measure("plain script, one brief in a new interpreter", m.get("plain_cold"), "{:.2f} s"),
        Measure("plain script, warm brief", m.get("plain_warm"), "{:.2f} s"),
        Measure("marginal warm brief / plain script warm",
                worst("warm") / m["plain_warm"] if "warm" in m and "plain_warm" in m else None, "{:.2f}x"),
        Measure("profiled warm in-process brief (state-clerical)", m.get("profile"), "{:.2f} s"),
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=40, help="workload size for the CLI loop, the peer and wagebrief")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes for the peer and wagebrief")
    ap.add_argument("--skip-cli-loop", action="store_true", help="leave out the CLI loop (the slowest part)")
    ap.add_argument("--only", action="append", metavar="PART",
                    help=f"run only these parts (comma-separated or repeated): {', '.join(PARTS)}")
    ap.add_argument("--rounds", type=int, default=4, help="rounds of the demo units for the warm and growth parts")
    ap.add_argument("--growth-rows", type=int, default=100_000, help="event rows added for the growth part")
    args = ap.parse_args(argv)
    if args.rounds < 2:
        ap.error("--rounds must be at least 2: the first round is the warm-up")
    parts = parts_to_run(args.only, args.skip_cli_loop)
    started = time.perf_counter()
    say(f"wagebrief bench: parts {', '.join(parts)}; {os.cpu_count()} cores; load average {load()}")
    m: dict = {}
    # The CLI loop, the slowest part by far, runs last: every other number is printed before it.
    first = [p for p in parts if p in WORKLOAD_PARTS and p != "cli"]
    steps = ([lambda: workload_parts(first, args, m)] if first else []) + [
        (lambda p=p: demo_parts([p], args, m)) for p in parts if p not in WORKLOAD_PARTS]
    if "cli" in parts:
        steps.append(lambda: workload_parts(["cli"], args, m))
    failures = 0
    for step in steps:
        try:
            step()
        except (Exception, SystemExit) as exc:  # one broken part must not cost the others' numbers
            failures += 1
            say(f"!! part failed: {type(exc).__name__}: {str(exc)[-2000:]}")
    compare(m)
    say(f"\n== Summary ({time.perf_counter() - started:.0f} s in all; load average now {load()})")
    say(summary_table(measures(m)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
