"""Write the shipped public-data snapshot under data/raw/ (qcew/, acs/, eci/) and its manifest lines.

* eci/: REAL published ECI values (state and local government wages and salaries), copied
  verbatim from the shared reference collection, each row naming the page it was read from.
* qcew/ and acs/: SYNTHETIC. No QCEW or ACS figures for the demo jurisdictions with traceable
  provenance were available, so this script invents plausible values, reproducibly (seeded by
  area code), in each API's real format: QCEW's 38-column annual area CSV and the Census API's
  array-of-arrays JSON. Every such file is marked synthetic=true in data/raw/manifest.csv, and
  the processed tables and briefs say SYNTHETIC. A real `wagebrief pull` replaces them file by
  file (same paths), and the manifest then says synthetic=false.

The requests are planned exactly as `wagebrief pull` plans them (same paths, same URLs), for
the demo jurisdictions in src/wagebrief/public/pull/areas.yml. Running the script twice changes nothing.

    .venv/bin/python scripts/make_demo_public_data.py [--root DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from pathlib import Path

from wagebrief.config import paths
from wagebrief.inputs.areas import load_mapping
from wagebrief.public.pull import acs, qcew
from wagebrief.public.pull.areas import area_name
from wagebrief.public.pull.settings import demo_comparators
from wagebrief.public.pull.manifest import store
from wagebrief.public.pull.runner import plan

QCEW_YEARS = (2021, 2025)
ACS_YEARS = (2020, 2024)
GENERATED_AT = "2026-11-25T00:00:00Z"  # fixed, so the snapshot is byte-for-byte reproducible
ECI_REFDATA = Path("/work/shared/refdata/eci_state_local_wages.csv")
ECI_PATH = "eci/eci_state_local_wages.csv"
SYNTH_NOTE = "SYNTHETIC demo values in the real {fmt} format; replace with `wagebrief pull --source {src}`"
#: One invented suppression and one invented Census sentinel, so the demo shows both stay missing.
SUPPRESSED = {("09120", 2025, "2")}
SENTINELS = {(2020, "50440"): ("B19013_001E", "-666666666")}


# --------------------------------------------------------------------------- QCEW


def _qcew_values(fips: str, year: int) -> dict[str, tuple[int, int]]:
    """(employment, average annual pay) by own_code, invented but internally consistent."""
    rng = random.Random(f"qcew-{fips}")
    state_level = fips.endswith("000")
    total = rng.randint(350_000, 1_800_000) if state_level else rng.randint(90_000, 420_000)
    shares = {"1": rng.uniform(0.006, 0.015), "2": rng.uniform(0.03, 0.06), "3": rng.uniform(0.08, 0.12)}
    pay0 = {"1": rng.uniform(88_000, 104_000), "2": rng.uniform(70_000, 88_000),
            "3": rng.uniform(60_000, 78_000), "5": rng.uniform(64_000, 92_000)}
    step = random.Random(f"qcew-{fips}-{year}")
    years = year - QCEW_YEARS[0]
    growth_emp = (1 + rng.uniform(0.0, 0.012)) ** years * (1 + step.uniform(-0.004, 0.004))
    out = {}
    emp = {o: round(total * s * growth_emp) for o, s in shares.items()}
    emp["5"] = round(total * growth_emp) - sum(emp.values())
    for own in ("1", "2", "3", "5"):
        g = (1 + rng.uniform(0.028, 0.048)) ** years * (1 + step.uniform(-0.006, 0.006))
        out[own] = (emp[own], round(pay0[own] * g))
    wages = sum(e * p for e, p in out.values())
    emp_all = sum(e for e, _ in out.values())
    out["0"] = (emp_all, round(wages / emp_all))
    return out


class _Num(str):
    """A number already formatted (QCEW prints percent changes to one decimal)."""


def _pct(a: float, b: float) -> _Num:
    return _Num(f"{(a / b - 1) * 100:.1f}")


def _fmt(v: object) -> str:
    if isinstance(v, _Num):
        return str(v)
    if isinstance(v, str):
        return f'"{v}"'  # BLS quotes its code fields
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 100 else f"{v:.1f}"
    return str(v)


def qcew_csv(fips: str, year: int) -> bytes:
    """A 38-column annual area slice with the industry 10 totals (own_code 0, 1, 2, 3, 5)."""
    state_level = fips.endswith("000")
    now, prev = _qcew_values(fips, year), _qcew_values(fips, year - 1)
    lines = [",".join(f'"{c}"' for c in qcew.COLUMNS)]
    for own in ("0", "1", "2", "3", "5"):
        emp, pay = now[own]
        pemp, ppay = prev[own]
        agg = ("50" if own == "0" else "51") if state_level else ("70" if own == "0" else "71")
        estabs = max(1, round(emp / (9 if own == "5" else 60)))
        suppressed = (fips, year, own) in SUPPRESSED
        if suppressed:
            row = [fips, own, "10", agg, "0", str(year), "A", "N", estabs, *([0] * 6), "N",
                   *([0.0] * 7), "N", *([0] * 14)]
        else:
            wages = emp * pay
            row = [
                fips, own, "10", agg, "0", str(year), "A", "", estabs, emp, wages,
                round(wages * 0.28), round(wages * 0.004), round(pay / 52), pay,
                "", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
                "", 0, _Num("0.0"), emp - pemp, _pct(emp, pemp),
                wages - pemp * ppay, _pct(wages, pemp * ppay),
                0, _Num("0.0"), 0, _Num("0.0"), round(pay / 52) - round(ppay / 52),
                _pct(pay, ppay), pay - ppay, _pct(pay, ppay),
            ]
        assert len(row) == len(qcew.COLUMNS)
        lines.append(",".join(_fmt(v) for v in row))
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------------------- ACS


def _town_names() -> dict[str, str]:
    return {e.cousub: name for name, e in load_mapping().jurisdictions.items() if e.cousub}


def _acs_value(geoid: str, var: str, year: int) -> int:
    rng = random.Random(f"acs-{geoid}-{var}")
    state = len(geoid) == 2
    if var == "B01003_001E":
        base = rng.randint(600_000, 9_000_000) if state else rng.randint(28_000, 150_000)
        return round(base * (1 + rng.uniform(-0.002, 0.006)) ** (year - ACS_YEARS[0]))
    base = rng.randint(62_000, 98_000) if state else rng.randint(44_000, 170_000)
    return round(base * (1 + rng.uniform(0.025, 0.05)) ** (year - ACS_YEARS[0]))


def acs_json(req, year: int) -> bytes:
    """A Census API reply (array of arrays of strings, header first, one row per line)."""
    level, codes = req.params["for"].split(":", 1)
    parents = dict(p.split(":") for p in req.params.get("in", "").split() if p)
    geo_cols = ["state"] if level == "state" else (
        ["state", "county", "county subdivision"] if level == "county subdivision" else ["state", level])
    header = ["NAME", *acs.VARIABLES, *geo_cols]
    states = {info.fips: info.name for info in load_mapping().states.values()}
    towns = _town_names()
    rows = [header]
    for code in codes.split(","):
        if level == "state":
            name, geo, geoid = states[code], [code], code
        else:
            st, co = parents["state"], parents.get("county", "")
            parent = area_name(st + co) if co else states[st]
            name = f"{towns.get(code, code)} town, {parent}, {states[st]}"
            geo, geoid = [st, co, code], st + co + code
        values = [str(_acs_value(geoid if level == "state" else code, v, year)) for v in acs.VARIABLES]
        for i, var in enumerate(acs.VARIABLES):
            if SENTINELS.get((year, code), (None,))[0] == var:
                values[i] = SENTINELS[(year, code)][1]
        rows.append([name, *values, *geo])
    return ("[" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows) + "]").encode()


# --------------------------------------------------------------------------- main


def _eci(root: Path) -> str:
    target = paths(root).raw / ECI_PATH
    data = ECI_REFDATA.read_bytes() if ECI_REFDATA.is_file() else target.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    pages = sorted({r["source_url"] for r in rows})
    return store(
        root, source="eci", path=ECI_PATH, data=data,
        url="(compiled from the published pages listed in params.source_pages)",
        params={"series": sorted({r["series_id"] for r in rows}), "source_pages": pages,
                "collected": "2026-11-25", "compiled_in": "shared refdata (SOURCES.md)"},
        rows=len(rows), synthetic=False, retrieved_at="2026-11-25T00:00:00Z",
        note=("REAL published values, read one by one from the pages in source_pages (each row's "
              "source_url and release say which); sparse: missing quarters are missing"),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=None, help="project root (default: this checkout)")
    args = ap.parse_args(argv)
    root = args.root
    counts: dict[str, int] = {}
    counts[f"eci {_eci(root)}"] = 1
    comps = demo_comparators()
    qreqs, _ = plan(["qcew"], *QCEW_YEARS, comparators=comps)
    areqs, _ = plan(["acs"], *ACS_YEARS, comparators=comps)
    for req in qreqs:
        year, fips = req.path.removeprefix("qcew/").removesuffix(".csv").split("_a_area_")
        data = qcew_csv(fips, int(year))
        checked = qcew.check(req, data)
        status = store(root, source="qcew", path=req.path, data=data, url=req.url, params=req.params,
                       rows=checked.rows, synthetic=True, retrieved_at=GENERATED_AT,
                       note=SYNTH_NOTE.format(fmt="QCEW annual area CSV", src="qcew"))
        counts[f"qcew {status}"] = counts.get(f"qcew {status}", 0) + 1
    for req in areqs:
        year = int(req.path.split("_")[1])
        data = acs_json(req, year)
        checked = acs.check(req, data)
        status = store(root, source="acs", path=req.path, data=data, url=req.url, params=req.params,
                       rows=checked.rows, synthetic=True, retrieved_at=GENERATED_AT,
                       note=SYNTH_NOTE.format(fmt="Census ACS API JSON", src="acs"))
        counts[f"acs {status}"] = counts.get(f"acs {status}", 0) + 1
    print(", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
