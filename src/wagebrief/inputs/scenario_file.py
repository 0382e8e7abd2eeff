"""Adding one scenario to a unit's proposals file, keeping every other line (comments too).

ruamel.yaml is not a dependency, so the file is edited as text: the new scenario is inserted at
the end of the top-level ``scenarios:`` block (a block mapping; a flow ``scenarios: {...}``
cannot be edited this way). The edit is kept only if the new text reads back as the old file's
data plus exactly the new scenario and loads as a proposals file
(:func:`wagebrief.inputs.proposals.load`); otherwise nothing is written and the caller gets the
scenario's YAML to paste (:class:`NotSaved`). The file is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from wagebrief import io
from wagebrief.inputs import proposals as props
from wagebrief.inputs import safeyaml
from wagebrief.inputs.units import Unit

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEY = re.compile(r"^[^\s#]")
_SCENARIOS = re.compile(r"^scenarios:[ \t]*(#.*)?$")


class NotSaved(ValueError):
    """The scenario was not written; ``yaml_text`` is what to paste under ``scenarios:`` instead."""

    def __init__(self, message: str, yaml_text: str) -> None:
        super().__init__(message)
        self.yaml_text = yaml_text


def scenario_spec(label: str, increases: Sequence[tuple[pd.Timestamp, float]], *, steps_from: str | None = None,
                  phrase: str | None = None, notes: str = "", decimals: int = 2,
                  term_start: pd.Timestamp | None = None) -> dict[str, Any]:
    """A scenario as the proposals file writes it: label, phrase, notes, steps_from and gwi_pct events.

    Increases of zero are left out; with none left, one 0% increase on ``term_start`` keeps the
    scenario a list of events (a freeze is an offer too).
    """
    events = [{"effective_date": pd.Timestamp(d).date(), "gwi_pct": round(float(p), decimals)}
              for d, p in increases if round(float(p), decimals)]
    if not events and term_start is not None:
        events = [{"effective_date": pd.Timestamp(term_start).date(), "gwi_pct": 0.0}]
    spec: dict[str, Any] = {"label": label}
    if phrase:
        spec["phrase"] = phrase
    if notes:
        spec["notes"] = notes
    if steps_from:
        spec["steps_from"] = steps_from
    spec["events"] = events
    return spec


def scenario_yaml(name: str, spec: Mapping[str, Any], indent: int = 2) -> str:
    """``name: spec`` as YAML lines indented by ``indent`` (an event a line, in flow style)."""
    text = yaml.safe_dump({name: dict(spec)}, sort_keys=False, default_flow_style=None, allow_unicode=True, width=10_000)
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def _block(lines: list[str]) -> tuple[int, int, int] | None:
    """(index of ``scenarios:``, index after its block's last content line, child indent), or None."""
    head = next((i for i, ln in enumerate(lines) if _SCENARIOS.match(ln.rstrip("\r\n"))), None)
    if head is None:
        return None
    end, indent = head + 1, None
    for i in range(head + 1, len(lines)):
        ln = lines[i].rstrip("\r\n")
        if _TOP_KEY.match(ln):
            break
        if ln.strip() and not ln.lstrip().startswith("#"):
            end = i + 1
            if indent is None:
                indent = len(ln) - len(ln.lstrip(" "))
    return (head, end, indent) if indent else None


def _plain(data: Any) -> Any:
    """Data as YAML reads it, dates as dates, for comparing two readings."""
    if isinstance(data, Mapping):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data.date() if isinstance(data, dt.datetime) else data


def add_scenario(unit: Unit, name: str, spec: Mapping[str, Any], root: str | Path | None = None) -> Path:
    """Write scenario ``name`` into ``comparators/proposals/<unit>.yml``; return the path.

    Raises ValueError for a bad or taken name, :class:`NotSaved` (with the YAML to paste) when
    the file cannot be edited safely.
    """
    if not _NAME.match(name):
        raise ValueError(f"scenario name {name!r}: use a lower-case word like 'counter_p60'")
    path = props.proposals_path(unit.unit, root)
    paste = scenario_yaml(name, spec)
    if not path.is_file():
        where = f"the scenarios: of {unit.path.name if unit.path else unit.unit}"
        raise NotSaved(f"{path} does not exist (the scenarios are in the unit file); paste this under {where}", paste)
    old_text = path.read_bytes().decode("utf-8")  # as written: CRLF rows stay CRLF
    old = safeyaml.safe_load(old_text) or {}
    if name in (old.get("scenarios") or {}):
        raise ValueError(f"{name!r} is already a scenario of {path.name}; choose another name")
    lines = old_text.splitlines(keepends=True)
    found = _block(lines)
    if found is None:
        raise NotSaved(f"{path.name} has no block 'scenarios:' mapping to add to; paste this under scenarios:", paste)
    _, end, indent = found
    newline = "\r\n" if old_text.endswith("\r\n") or "\r\n" in old_text[:200] else "\n"
    if end and not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += newline
    block = scenario_yaml(name, spec, indent).replace("\n", newline)
    new_text = "".join(lines[:end]) + block + "".join(lines[end:])
    new = safeyaml.safe_load(new_text) or {}
    expected = {**old, "scenarios": {**old["scenarios"], name: dict(spec)}}
    if _plain(new) != _plain(expected):
        raise NotSaved(f"adding to {path.name} as text would change more than the new scenario; paste this "
                       "under scenarios:", paste)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / path.name
        trial.write_bytes(new_text.encode("utf-8"))
        try:
            props.load(unit, root, path=trial)
        except props.ProposalError as exc:
            raise NotSaved(f"the new scenario does not load ({exc}); nothing was written", paste) from None
    io.write_text(path, new_text)
    return path
