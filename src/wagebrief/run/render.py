"""Executing the brief notebook per unit and exporting self-contained HTML.

Starting a Jupyter kernel and loading pandas, statsmodels and matplotlib costs seconds, and a
bargaining cycle has many units, so briefs are rendered in-process: each worker keeps one warm
kernel (:class:`Renderer`), resets its namespace before every brief, and runs the notebook with
nbclient. Parameters are injected by papermill's own parameterizer, which writes them as Python
literals, never as code. The HTML is exported with every input cell hidden, images inline, and
nothing loaded from another host (:func:`to_html`, with :mod:`wagebrief.brief.page`'s template).
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The kernel's side lives in run/kernel.py (no pandas there); its names are kept here too. It is
# imported before nbformat: it keeps jsonschema from compiling grammars nbformat never uses.
from wagebrief.run.kernel import (  # noqa: F401
    BRIEF_NOTEBOOK, EXPORT_TAG, KERNEL, KERNEL_DIR_PREFIX, NO_TEST_PLUGINS, RESET_SOURCE, RESET_TAG, SINGLE_THREADED,
    Renderer, die_with_parent, kernel_env, parameterize, remove_leftover_kernels,
)

import nbformat  # noqa: E402

from wagebrief import io
from wagebrief.brief import data as brief_data, page as brief_page, pdf as brief_pdf
from wagebrief.brief.messages import one_line
from wagebrief.brief.headlines import HEADLINES_KEY
from wagebrief.brief.partial import STATUS_KEY
from wagebrief.config import paths
from wagebrief.inputs import gaps

#: The export made from the brief's HTML once it is written (brief/pdf.py), not in the kernel.
PDF = "pdf"


RENDERED, WITH_PROBLEMS, FAILED = "rendered", "rendered with problems", "failed"


@dataclass
class RenderResult:
    """What happened when one unit's brief was rendered.

    ``ok`` means a brief was written; ``problems`` lists what its failed sections showed
    (``file:row:column: message``), ``warnings`` the data gaps it stated, ``headlines`` its
    headline figures (:mod:`wagebrief.brief.headlines`; empty when the notebook emitted none).
    """

    unit: str
    path: Path | None
    ok: bool
    seconds: float
    error: str = ""
    parameters: dict = field(default_factory=dict)
    generated_at: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: export format -> the files written beside the brief (``xlsx``: the workbook, ...)
    exports: dict = field(default_factory=dict)
    #: export format -> why it could not be written (the brief itself was)
    export_errors: dict = field(default_factory=dict)
    headlines: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        """"rendered", "rendered with problems" or "failed"."""
        return FAILED if not self.ok else WITH_PROBLEMS if self.problems else RENDERED

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path) if self.path else None
        d["status"] = self.status
        return d


def today() -> str:
    """Today's date (UTC), YYYY-MM-DD: a brief's as-of date when none is given."""
    return brief_data.today()


def check_as_of(as_of: object) -> str:
    """``as_of`` as YYYY-MM-DD ("" for none) if it is a date, else ValueError."""
    if as_of is None or as_of == "":
        return ""
    if not isinstance(as_of, (str, dt.date)):
        raise ValueError(f"as_of {as_of!r} is not a date YYYY-MM-DD")
    return f"{brief_data.as_of_date(as_of):%Y-%m-%d}"


def parameters(unit: str, cycle_year: int, root: Path, as_of: str = "") -> dict:
    """The notebook's parameters: plain values only, never code; ``as_of`` YYYY-MM-DD, empty
    for today (the generation date), so the manifest records the date each brief is stated at."""
    return {"unit": str(unit), "cycle_year": int(cycle_year), "project_root": str(root),
            "as_of": check_as_of(as_of) or today()}


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """An executed notebook as one offline HTML file: its outputs and Markdown, never its code.

    A brief's outputs are HTML written (and escaped) by :mod:`wagebrief.brief.page`'s templates and
    SVG charts, so they are laid out directly on a page of our own (``brief.html.j2``): no code
    cells, no script, no stylesheet or font from another host, images inline with their captions
    as alt text. (nbconvert's "lab" template took ~0.5 s a brief, mostly re-parsing its ~1 MB of
    output with BeautifulSoup, and shipped ~1 MB of CSS and CDN scripts that had to be stripped.)
    """
    blocks: list[dict] = []
    for cell in nb.cells:
        if EXPORT_TAG in cell.metadata.get("tags", []):  # writes files; shows nothing
            continue
        if cell.cell_type == "markdown":
            blocks.append({"kind": "markdown", "html": brief_page.trusted(_markdown(cell.source))})
        elif cell.cell_type == "code":
            blocks += [b for b in map(_output, cell.get("outputs", [])) if b]
    return brief_page.render("brief.html.j2", title=title, blocks=blocks)


def _markdown(source: str) -> str:
    import mistune

    return mistune.html(source)


def _output(out: dict) -> dict | None:
    """One cell output as a block of the page: rich HTML as the library wrote it (trusted), images
    inline, text to be escaped; None for an output with nothing to show."""
    kind = out.get("output_type")
    if kind == "stream":
        return {"kind": "pre", "css": "wb-stream", "text": _text(out.get("text", ""))}
    if kind == "error":
        return {"kind": "pre", "css": "wb-text", "text": f"{out.get('ename', '')}: {out.get('evalue', '')}"}
    data = out.get("data", {})
    if "text/html" in data:
        return {"kind": "html", "html": brief_page.trusted(_text(data["text/html"]))}
    for mime in ("image/svg+xml", "image/png", "image/jpeg"):
        if mime in data:
            alt = (out.get("metadata", {}).get(mime) or {}).get("alt", "chart")
            if mime == "image/svg+xml":  # an image, not inline markup: its ids and styles stay its own
                b64 = base64.b64encode(_text(data[mime]).encode("utf-8")).decode("ascii")
            else:
                b64 = "".join(_text(data[mime]).split())
            return {"kind": "image", "alt": str(alt), "mime": mime, "data": b64}
    if "text/plain" in data:
        return {"kind": "pre", "css": "wb-text", "text": _text(data["text/plain"])}
    return None


def _text(v) -> str:
    return "".join(v) if isinstance(v, list) else str(v)


def outcome(nb: nbformat.NotebookNode) -> tuple[list[str], list[str]]:
    """The problems and warnings an executed brief reported in its outputs' metadata
    (:mod:`wagebrief.brief.partial`): each problem prefixed with its section's title."""
    problems: list[str] = []
    warnings: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = (out.get("metadata") or {}).get(STATUS_KEY)
            if not isinstance(meta, dict):
                continue
            section = str(meta.get("section", ""))
            problems += [f"{section}: {p}" if section else str(p) for p in meta.get("problems", [])]
            warnings += [str(w) for w in meta.get("warnings", [])]
    return problems, list(dict.fromkeys(warnings))


def exported(nb: nbformat.NotebookNode) -> tuple[dict, dict]:
    """What the exports cell reported: (format -> paths written, format -> error)."""
    written: dict = {}
    errors: dict = {}
    for cell in nb.cells:
        if EXPORT_TAG not in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            meta = (out.get("metadata") or {}).get(STATUS_KEY)
            if isinstance(meta, dict):
                written.update(meta.get("exports") or {})
                errors.update(meta.get("export_errors") or {})
    return written, errors


def headlines(nb: nbformat.NotebookNode) -> dict:
    """The headline figures an executed brief emitted in its outputs' metadata
    (:func:`wagebrief.brief.headlines.show`), or {} when it emitted none."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = (out.get("metadata") or {}).get(STATUS_KEY)
            if isinstance(meta, dict) and isinstance(meta.get(HEADLINES_KEY), dict):
                return dict(meta[HEADLINES_KEY])
    return {}


STALE_START, STALE_END = "<!-- wagebrief:not-current -->", "<!-- /wagebrief:not-current -->"


def mark_not_current(page: str, generated_at: str, failed_at: str, reason: str) -> str:
    """A brief page marked, at its top and in its title, as an earlier run's that a later run
    failed to replace; marking it again replaces the mark rather than stacking another."""
    if STALE_START in page and STALE_END in page:
        head, rest = page.split(STALE_START, 1)
        page = head + rest.split(STALE_END, 1)[1]
    else:
        page = page.replace("<title>", "<title>NOT CURRENT: ", 1)
    banner = brief_page.fragment("not_current.html.j2", generated_at=generated_at, failed_at=failed_at, reason=reason)
    banner = STALE_START + banner + STALE_END
    for anchor in ('<main class="wb-brief">', "<body>"):
        if anchor in page:
            return page.replace(anchor, anchor + "\n" + banner, 1)
    return banner + page


#: A bargaining cycle is a year, the same range a unit file's ``cycle_year`` allows.
CYCLE_MIN, CYCLE_MAX = 2000, 2100


def check_cycle(cycle_year: object) -> int:
    """``cycle_year`` as an int if it is a year in CYCLE_MIN..CYCLE_MAX, else ValueError."""
    if isinstance(cycle_year, bool) or not isinstance(cycle_year, int) or not CYCLE_MIN <= cycle_year <= CYCLE_MAX:
        raise ValueError(f"cycle {cycle_year!r} is not a year from {CYCLE_MIN} to {CYCLE_MAX}")
    return cycle_year


def report_path(unit: str, cycle_year: int, root: str | Path | None = None) -> Path:
    """Where a unit's brief goes: ``reports/<cycle_year>/<unit>.html``; never outside reports/."""
    from wagebrief.inputs import units

    if not units.is_unit_id(unit):
        raise ValueError(f"{unit!r} is not a unit id: {units.UNIT_ID_RULE}")
    return paths(root).reports / str(check_cycle(cycle_year)) / f"{unit}.html"


def render_with(renderer: Renderer, unit: str, cycle_year: int | None = None,
                root: str | Path | None = None, as_of: str = "", exports: list[str] | None = None) -> RenderResult:
    """Render one unit with a warm ``renderer`` as of ``as_of`` (empty: today), and write its
    ``exports`` beside it from the same sections; failures are returned, not raised."""
    start = time.perf_counter()
    p = paths(root)
    params: dict = {}
    try:
        # A comparator whose settlements were all rejected is a gap the brief states, not a failure.
        u, _ = gaps.load_unit(unit, root=p.root)
        cycle = cycle_year or u.cycle_year
        params = parameters(u.unit, cycle, p.root, as_of)
        out = report_path(u.unit, cycle, p.root)
        in_kernel = [f for f in exports or () if f != PDF]  # the PDF is made from the page, below
        nb = renderer.execute(params, in_kernel, out.parent)
        page = to_html(nb, f"{u.name} — bargaining brief {cycle}")
        io.write_text(out, page)
        problems, warnings = outcome(nb)
        written, errors = exported(nb)
        errors.update({f: "the exports cell did not run" for f in in_kernel if f not in written and f not in errors})
        if PDF in (exports or ()):  # from the page just written, beside it: nothing computed again
            try:
                written[PDF] = [str(brief_pdf.write_brief_pdf(page, out.with_suffix(".pdf")))]
            except Exception as exc:  # the brief itself is written whatever happens to its PDF
                errors[PDF] = one_line(exc)
        return RenderResult(u.unit, out, True, time.perf_counter() - start, parameters=params, generated_at=now(),
                            problems=problems, warnings=warnings, exports=written, export_errors=errors,
                            headlines=headlines(nb))
    except Exception as exc:  # a scheduled run reports every failure and keeps going
        return RenderResult(unit, None, False, time.perf_counter() - start, error=one_line(exc),
                            parameters=params, generated_at=now())


def render_unit(unit: str, cycle_year: int | None = None, root: str | Path | None = None) -> RenderResult:
    """Render one unit's brief with a kernel of its own."""
    p = paths(root)
    with Renderer(p.notebooks / BRIEF_NOTEBOOK) as r:
        return render_with(r, unit, cycle_year, p.root)


def render_many(unit_names: list[str], cycle_year: int | None = None, root: str | Path | None = None) -> list[RenderResult]:
    """Render each unit in turn with one warm kernel; one failure does not stop the others."""
    p = paths(root)
    with Renderer(p.notebooks / BRIEF_NOTEBOOK) as r:
        return [render_with(r, name, cycle_year, p.root) for name in unit_names]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
