"""``wagebrief solve``: the counter-proposal that reaches a target percentile at least cost, or fits a cap."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Annotated, Optional

import typer

from wagebrief.cli.formats import Format

# Commands import the stage modules inside their bodies so `wagebrief --help` starts fast.


def nth(p: float) -> str:
    """A percentile as words say it: 60 -> "60th", 1 -> "1st", 62.5 -> "62.5th"."""
    text = f"{p:g}"
    if text.isdigit() and int(text) % 100 not in (11, 12, 13):
        return text + {1: "st", 2: "nd", 3: "rd"}.get(int(text) % 10, "th")
    return text + "th"


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _dollars(text: str | None) -> float | None:
    """A cap as analysts type it: 3000000, 3,000,000 or $3,000,000."""
    if text is None:
        return None
    try:
        return float(text.replace("$", "").replace(",", "").strip())
    except ValueError:
        _fail(f"--cap: cannot read {text!r} as dollars", 2)
    return None


def solve(
    unit: Annotated[str, typer.Option("--unit", help="Unit id, as in comparators/<unit>.yml.")],
    title: Annotated[Optional[str], typer.Option("--title", help="One benchmark title (default: the whole schedule: every title must reach the target).")] = None,
    target_percentile: Annotated[Optional[float], typer.Option("--target-percentile", help="Reach this percentile (0-100) of the comparators' pay at contract end, at least cost.")] = None,
    cap: Annotated[Optional[str], typer.Option("--cap", help="Fit a cap: the term's total cost in dollars.")] = None,
    cap_pct: Annotated[Optional[float], typer.Option("--cap-pct", help="Fit a cap: payroll cost may grow this percent a year (fiscal year y costs at most ((1+P)^y - 1) x base payroll).")] = None,
    split: Annotated[bool, typer.Option("--split", help="Allow a mid-year increase (six months after each fiscal-year start) too.")] = False,
    max_per_year: Annotated[Optional[float], typer.Option("--max-per-year", help="The most a fiscal year's increases may compound to, percent.")] = None,
    max_per_increase: Annotated[Optional[float], typer.Option("--max-per-increase", help="The most any one increase may be, percent.")] = None,
    steps_from: Annotated[str, typer.Option("--steps-from", help="The scenario whose step movements every schedule carries: 'reference' (the file's), a scenario name, or 'none'.")] = "reference",
    save: Annotated[Optional[str], typer.Option("--save", help="Write the answer as scenario NAME into comparators/proposals/<unit>.yml.")] = None,
    save_schedule: Annotated[Optional[str], typer.Option("--save-schedule", help="Save this schedule instead of the answer (a key of the table, e.g. reach:level).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv (dollars to the cent) or json (full precision).")] = Format.table,
) -> None:
    """Find the GWI schedule that brings the unit to a target percentile of its comparators at
    contract end at least cost (back-loaded), or the schedules that fit a cap and how far each gets.

    Costs are the costing's (wages and roll-up by fiscal year) on the unit's roster; aggregates only.
    """
    if "hypothesis" not in sys.modules:
        # pandera (the roster's checks) imports hypothesis when it is installed (the test tools), and
        # hypothesis then loads every installed plugin, a third of a second the solve has no use for.
        # HYPOTHESIS_NO_PLUGINS is hypothesis's own switch; a process that already has it is left alone.
        os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
    with _without_hypothesis():
        _solve(unit, title, target_percentile, cap, cap_pct, split, max_per_year, max_per_increase, steps_from, save,
               save_schedule, format)


@contextlib.contextmanager
def _without_hypothesis():
    """Hypothesis looks absent while the solve runs, when neither it nor pandera is loaded yet.

    pandera imports hypothesis only to generate example data (its strategies), which it skips when
    hypothesis is not installed; importing it is ~0.25 s of every ``wagebrief solve`` (at import and
    at the roster's first check). Afterwards hypothesis can be imported again; only pandera's data
    synthesis stays off in this process, and the solve never uses it.
    """
    block = "hypothesis" not in sys.modules and "pandera" not in sys.modules
    if block:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # import hypothesis -> ImportError
    try:
        yield
    finally:
        if block and sys.modules.get("hypothesis", False) is None:
            del sys.modules["hypothesis"]


def _solve(unit: str, title: Optional[str], target_percentile: Optional[float], cap: Optional[str],
           cap_pct: Optional[float], split: bool, max_per_year: Optional[float], max_per_increase: Optional[float],
           steps_from: str, save: Optional[str], save_schedule: Optional[str], format: Format) -> None:
    from wagebrief.analysis import solve as solver
    from wagebrief.config import SettingError
    from wagebrief.inputs import gaps
    from wagebrief.inputs.proposals import ProposalError
    from wagebrief.inputs.roster import RosterError, RosterFileError
    from wagebrief.inputs.units import UnitError

    if target_percentile is None and cap is None and cap_pct is None:
        _fail("give --target-percentile P, --cap DOLLARS or --cap-pct PCT", 2)
    if target_percentile is not None and not 0 <= target_percentile <= 100:
        _fail(f"--target-percentile: {target_percentile:g} is outside 0..100 (the 60th percentile is 60)", 2)
    try:
        u, warnings = gaps.load_unit(unit)
    except UnitError as exc:
        _fail(str(exc), 2)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    try:
        result = solver.solve(u, target_percentile=target_percentile, title=title, cap=_dollars(cap), cap_pct=cap_pct,
                              split=split, max_per_year=max_per_year, max_per_increase=max_per_increase,
                              steps_from=None if steps_from == "none" else steps_from)
    except solver.SolveError as exc:
        _fail(str(exc), 2)
    except RosterError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        _fail(f"{exc.n_rows} roster rows: {len(exc.problems)} problems; nothing was solved")
    except (ProposalError, RosterFileError, SettingError) as exc:
        _fail(str(exc))

    if format is Format.json:
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    elif format is Format.csv:
        from wagebrief import io

        t = result.table()
        money = [c for c in t.columns if c.startswith("FY") or c == "term_cost"]
        t[money] = t[money].round(2)
        io.echo_csv(t.round(6))
    else:
        _print_table(result)
    if save:
        from wagebrief.inputs import scenario_file  # only to save: the YAML writer loads then

        _save(result, u, save, save_schedule, scenario_file)


def _print_table(result) -> None:
    """The question, the numbers it rests on, the schedules and the answer in words."""
    import pandas as pd

    r = result
    typer.echo(f"{r.name}: contract {r.start:%Y-%m-%d} to {r.end:%Y-%m-%d}; target: the {nth(r.target_percentile)} "
               f"percentile of the comparators at {r.end:%Y-%m-%d}")
    for t in r.titles:
        unit = "an hour" if r.measures[t].endswith("_hourly") else "a year"
        typer.echo(f"  {t}: ${r.base_pay[t]:,.2f} {unit} before the contract; target ${r.target_pay[t]:,.2f} "
                   f"({len(r.comparators[t])} comparators); needs {max(0.0, r.required_pct[t]):.2f}% in all"
                   + (" (binds)" if t == r.binding and len(r.titles) > 1 else ""))
    t = r.table()
    shown = t.copy()
    for c in shown.columns:
        if c.startswith("FY") or c == "term_cost":
            shown[c] = t[c].map(lambda v: "suppressed" if pd.isna(v) else f"{v:,.2f}")
        elif c.startswith("percentile") or c == "lift_pct":
            shown[c] = t[c].map(lambda v: f"{v:.2f}")
    shown["fits_cap"] = t["fits_cap"].map(lambda v: "" if v is None else ("yes" if v else "no"))
    shown["meets_target"] = t["meets_target"].map(lambda v: "yes" if v else "no")
    with pd.option_context("display.width", 300, "display.max_columns", None, "display.max_colwidth", 120):
        typer.echo("")
        typer.echo(shown.to_string(index=False))
    typer.echo("")
    for line in sentences(r):
        typer.echo(line)
    for n in r.notes:
        typer.echo(f"Note: {n}")


def sentences(r) -> list[str]:
    """The answer in words, with its numbers."""
    a = r.answer
    out = []
    cost = "" if r.suppressed else f" It costs ${a.term_cost:,.2f} over the term"
    if a.question == "reach":
        if a.meets_target:
            out.append(f"The least-cost schedule reaching the {nth(r.target_percentile)} percentile is {a.text()}.{cost}"
                       + ("." if r.suppressed else f" (by fiscal year: {_years(a)})."))
        else:
            out.append(f"No schedule within the limits reaches the {nth(r.target_percentile)} percentile; the most they "
                       f"allow is {a.text()}.{cost}.")
        level = next((s for s in r.schedules if s.key == "reach:level"), None)
        if level is not None and level.meets_target and not r.suppressed:
            out.append(f"The same end level as a level raise ({level.text()}) costs ${level.term_cost:,.2f}.")
    else:
        cap = f"${r.cap:,.2f} over the term" if r.cap is not None else ""
        if r.cap_pct is not None:
            cap += (" and " if cap else "") + f"payroll cost growing {r.cap_pct:g}% a year"
        if not a.fits_cap:
            out.append(f"No schedule fits {cap}: even no increase exceeds it.")
        else:
            reached = ", ".join(f"{t} to percentile {a.percentile[t]:.1f}"
                                + (f" ({(1 - a.end_pay[t] / r.target_pay[t]) * 100:.2f}% below its target)"
                                   if a.end_pay[t] < r.target_pay[t] else "") for t in r.titles)
            out.append(f"Within {cap}, ({a.text()}) gets furthest: {reached}; target the {nth(r.target_percentile)}."
                       f"{cost}.")
            best = next((s for s in r.schedules if s.key == "reach:back_loaded"), None)
            if best is not None and best.meets_target and best.fits_cap and not r.suppressed:
                out.append(f"The target is within the cap: ({best.text()}) reaches it for ${best.term_cost:,.2f}.")
    alt = [s for s in r.schedules if s.question == "timing"]
    if alt and not r.suppressed:
        words = "; ".join(f"({s.text(2)}) ends {s.lift_pct:.2f}% higher" for s in alt)
        out.append(f"Equal cost in every fiscal year, different timing: ({a.text()}) ends {a.lift_pct:.2f}% higher; "
                   f"{words}.")
    return out


def _years(s) -> str:
    return ", ".join(f"FY{fy} ${v:,.2f}" for fy, v in s.cost_by_year.items())


def _save(result, unit, name: str, key: Optional[str], scenario_file) -> None:
    """Write the chosen schedule into the proposals file, or print the YAML to paste."""
    try:
        s = result.schedule(key) if key else result.answer
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    if s.question == "offer":
        _fail(f"{s.key} is already a scenario of the proposals file", 2)
    decimals = 6 if s.question == "timing" else 2  # equal-cost alternatives need the precision to cost alike
    what = f"{nth(result.target_percentile)} percentile" + (f" of {result.titles[0]}" if len(result.titles) == 1 else "")
    notes = (f"wagebrief solve ({s.key}): toward the {what} at {result.end:%Y-%m-%d}; "
             + ", ".join(f"{t} at percentile {s.percentile[t]:.1f}" for t in result.titles) + ".")
    spec = scenario_file.scenario_spec(f"Counter-proposal ({s.key.replace(':', ', ').replace('_', '-')})", s.increases,
                                       steps_from=result.steps_from, notes=notes, decimals=decimals,
                                       term_start=result.start)
    try:
        path = scenario_file.add_scenario(unit, name, spec)
    except scenario_file.NotSaved as exc:
        typer.echo(f"not saved: {exc}", err=True)
        typer.echo(exc.yaml_text, err=True)
        raise typer.Exit(1) from None
    except ValueError as exc:
        _fail(str(exc), 2)
    typer.echo(f"saved scenario {name!r} ({s.key}) to {path}; cost it with: wagebrief cost --unit {result.unit}",
               err=True)


def register(app: typer.Typer) -> None:
    """Add ``solve`` to the CLI."""
    app.command()(solve)
