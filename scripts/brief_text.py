"""Issue 19's "every brief's text is unchanged by the speed work": dump or compare briefs' text.

``python scripts/brief_text.py dump DIR [UNIT ...]`` writes each unit's brief text (the HTML of its
cover, status, sections and appendix as the notebook builds them, with every chart's SVG replaced
by its caption-free placeholder and the generation time fixed) to DIR/<unit>.html;
``compare DIR [UNIT ...]`` builds them again and prints a unified diff of any that differ (exit 1).
Charts are drawn but left out of the comparison: their bytes carry matplotlib ids and float
rounding that speed work may move without changing what a reader sees.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
AS_OF = "2026-12-01"
DEMO_UNITS = ["city-police", "city-public-works", "state-clerical"]


def brief_text(unit: str, root: Path = ROOT) -> str:
    """One unit's brief as the notebook lays it out, charts as placeholders, stated at AS_OF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wagebrief.brief import appendix, changes, headlines, page, partial

    data, warnings = partial.load(unit, root=root, as_of=AS_OF)
    analyses: dict = {}
    sections = partial.compute(data, analyses)
    figures = headlines.figures(data, **analyses)
    parts = [page.cover(data, generated=GENERATED, changes=changes.sentences(figures, None)),
             partial.status_html(sections, warnings)]
    for key in ("summary", "settlements", "inflation", "outlook", "market", "costing", "factors", "methodology"):
        for s in sections[key] if isinstance(sections[key], list) else [sections[key]]:
            if isinstance(s, partial.FailedSection):
                parts.append(partial.box_html(s))
                continue
            parts.append(page.section_html(s))
            parts += [f"[chart: {f.caption} | {f.source}]" for f in s.figures]
    parts.append(appendix.appendix_html(data))
    parts.append(repr(sorted(figures.items())))
    plt.close("all")
    return re.sub(r"<svg.*?</svg>", "[svg]", "\n".join(parts), flags=re.S)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("dump", "compare"):
        print(__doc__)
        return 2
    mode, out, units = argv[0], Path(argv[1]), argv[2:] or DEMO_UNITS
    os.environ.setdefault("WAGEBRIEF_ROOT", str(ROOT))
    out.mkdir(parents=True, exist_ok=True)
    differ = 0
    for unit in units:
        text = brief_text(unit)
        path = out / f"{unit}.html"
        if mode == "dump":
            path.write_text(text)
            print(f"{unit}: {len(text):,} characters -> {path}")
            continue
        before = path.read_text()
        if before == text:
            print(f"{unit}: unchanged ({len(text):,} characters)")
            continue
        differ += 1
        sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), text.splitlines(True),
                                                   f"before/{unit}", f"after/{unit}", n=1))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
