"""A brief's exports (workbook, ...) written from the sections the brief was built from, once.

A render used to compute every section a second time, outside its kernel, to write the workbook
(about 25 s a unit on the demo). Now the renderer appends one cell to the brief notebook that
calls :func:`show` with the notebook's own ``data`` and ``sections``: each export is written
from exactly the objects the brief shows, in the kernel that just computed them, and its path or
its error comes back in the output's metadata (``STATUS_KEY`` → ``exports``), as a failed section's
problems do. ``wagebrief export`` calls :func:`export_unit`, which computes the sections once and
writes every format asked for.

Each writer takes ``(path, data, sections)`` and returns the paths it wrote; one format's failure
never stops another's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from wagebrief.brief import data as brief_data, document, workbook
from wagebrief.brief.messages import one_line
from wagebrief.brief.partial import STATUS_KEY


def _xlsx(path: Path, data: Any, sections: dict) -> list[Path]:
    return [workbook.write(path, data, sections)]


def _docx(path: Path, data: Any, sections: dict) -> list[Path]:
    return [document.write(path, data, sections, ())]


#: format -> (file name after the unit id, writer). The PDF of the brief is made from its HTML
#: by the renderer, not here.
WRITERS: dict[str, tuple[str, Callable[[Path, Any, dict], list[Path]]]] = {
    "xlsx": (".xlsx", _xlsx),
    "docx": (".docx", _docx),
}


def target(unit: str, fmt: str, out_dir: str | Path) -> Path:
    """Where ``fmt`` of ``unit``'s brief goes in ``out_dir``: ``<unit>.xlsx``, ..."""
    return Path(out_dir) / f"{unit}{WRITERS[fmt][0]}"


def write(data: Any, sections: dict, formats: list[str], out_dir: str | Path,
          out: str | Path | None = None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Write each of ``formats`` for the brief into ``out_dir`` (or to ``out``, with one format):
    returns (format -> paths written, format -> error), an error as one line."""
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)} (known: {', '.join(WRITERS)})")
    written: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for fmt in formats:
        path = Path(out) if out is not None and len(formats) == 1 else target(data.unit.unit, fmt, out_dir)
        try:
            written[fmt] = [str(p) for p in WRITERS[fmt][1](path, data, sections)]
        except Exception as exc:  # one format's failure must not stop the others'
            errors[fmt] = one_line(exc)
    return written, errors


def show(data: Any, sections: dict, formats: list[str], out_dir: str | Path) -> None:
    """In the brief's kernel: write the exports and report them in the output's metadata only
    (nothing visible is added to the brief)."""
    from IPython.display import display

    try:
        written, errors = write(data, sections, list(formats), out_dir)
    except Exception as exc:  # the brief itself is written whatever happens to its exports
        written, errors = {}, {f: one_line(exc) for f in formats}
    display({"text/plain": ""}, raw=True, metadata={STATUS_KEY: {"exports": written, "export_errors": errors}})


def cell_source(formats: list[str], out_dir: str | Path) -> str:
    """The code of the cell the renderer appends to the brief notebook (literals only)."""
    return ("from wagebrief.brief import exports as _wagebrief_exports\n"
            f"_wagebrief_exports.show(data, sections, {list(formats)!r}, {str(out_dir)!r})")


def export_unit(unit: str, formats: list[str], root: str | Path | None = None, cycle_year: int | None = None,
                as_of: str | None = None, out_dir: str | Path | None = None,
                out: str | Path | None = None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Compute ``unit``'s sections as the brief notebook does, once, and write each format
    (default folder ``reports/<cycle>/``); returns :func:`write`'s (written, errors)."""
    from wagebrief.brief import partial

    data, _warnings = partial.load(unit, root=root, cycle_year=cycle_year, as_of=as_of or brief_data.today())
    sections = partial.compute(data)
    folder = Path(out_dir) if out_dir else workbook.default_path(unit, cycle_year or data.unit.cycle_year,
                                                                 data.root).parent
    return write(data, sections, formats, folder, out=out)
