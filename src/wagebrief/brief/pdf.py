"""A page of wagebrief's HTML as a PDF: page numbers, the confidentiality marking on every page,
tables whose rows stay whole, charts as vectors; for a brief, a contents list with page numbers.

The engine is WeasyPrint: pure Python on pango (no browser to drive), it implements CSS paged
media, so the marking and "Page N of M" are @page margin boxes, the contents' page numbers are
``target-counter()``, ``break-inside: avoid`` keeps a table row on one page, and an SVG chart is
drawn as PDF paths with its text as text. The print rules are a stylesheet handed to WeasyPrint
(``templates/print.css``), so the HTML page itself is unchanged.
"""

from __future__ import annotations

import html as html_mod
import re
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

from wagebrief import io
from wagebrief.brief.page import CONFIDENTIAL


def stylesheet(name: str) -> str:
    """The text of a stylesheet shipped in ``brief/templates/``."""
    return resources.files("wagebrief.brief").joinpath("templates", name).read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (quotes, backslashes and line breaks escaped)."""
    return '"' + "".join(c if c not in '"\\\n\r' else f"\\{ord(c):x} " for c in text) + '"'


def marking_css(marking: str = CONFIDENTIAL) -> str:
    """The @page rule that prints ``marking`` at the top of every page."""
    return ("@page { @top-left { content: %s; font-size: 8pt; font-weight: bold; color: #8b0000;"
            " text-transform: uppercase; letter-spacing: .04em; } }" % css_string(marking))


#: The print rules every PDF gets unless told otherwise: page numbers, whole rows, whole charts.
PRINT_CSS = "print.css"
#: A brief's, on top: the contents list's page numbers, each section on a new page, the appendix's columns.
BRIEF_CSS = "print_brief.css"


def write_pdf(html: str, out: Path, base_url: str | None = None,
              stylesheets: list[str] | None = None) -> Path:
    """Write ``html`` as a PDF at ``out`` (atomically) and return ``out``.

    ``stylesheets`` are CSS texts applied after the page's own (default: ``print.css``'s
    page numbers, whole rows and charts); the confidentiality marking is on every page whatever
    they say. Nothing is fetched from another host: only ``data:`` URLs, and with a
    ``base_url`` folder, files inside it.
    """
    import weasyprint

    css = [marking_css(), *([stylesheet(PRINT_CSS)] if stylesheets is None else stylesheets)]
    doc = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url))
    data = doc.write_pdf(stylesheets=[weasyprint.CSS(string=s) for s in css])
    out = Path(out)
    io.write_bytes(out, data)
    return out


def write_brief_pdf(html: str, out: Path) -> Path:
    """A rendered brief's HTML as its PDF: the contents list at the front, then every section."""
    return write_pdf(with_contents(html), out, stylesheets=[stylesheet(PRINT_CSS), stylesheet(BRIEF_CSS)])


def _fetcher(base_url: str | None):
    """A WeasyPrint URL fetcher refusing every address but ``data:`` and files under ``base_url``."""
    import weasyprint

    folder = None
    if base_url:
        parsed = urlparse(base_url)
        if parsed.scheme in ("", "file"):
            folder = Path(unquote(parsed.path)).resolve()
            folder = folder if folder.is_dir() else folder.parent

    class Fetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            local = (parsed.scheme == "file" and folder is not None
                     and Path(unquote(parsed.path)).resolve().is_relative_to(folder))
            if parsed.scheme != "data" and not local:  # a brief is self-contained: no request leaves
                raise ValueError(f"not fetched for a PDF (only data: URLs and files beside the page): {url}")
            return super().fetch(url, headers)

    return Fetcher(allowed_protocols=["data", "file"], allow_redirects=False)


# --------------------------------------------------------------------------- contents

_H2 = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


def sections(html: str) -> list[str]:
    """The titles of a page's sections (its ``<h2>`` headings), as text, in page order."""
    return [html_mod.unescape(_TAGS.sub("", m.group(2))).strip() for m in _H2.finditer(html)]


def with_contents(html: str, title: str = "Contents") -> str:
    """``html`` with an id on each ``<h2>`` section heading and, before the first, a contents
    list linking to each; its page numbers are the print stylesheet's ``target-counter()``.

    The headings are the page's own (escaped where the page was written), so their markup is
    copied as it is; a heading that already has attributes keeps them.
    """
    entries = []

    def anchor(m: re.Match) -> str:
        attrs, inner = m.group(1) or "", m.group(2)
        if re.search(r"\bid\s*=", attrs):
            ident = re.search(r"""\bid\s*=\s*["']?([^"'\s>]+)""", attrs).group(1)
        else:
            ident = f"wb-section-{len(entries) + 1}"
            attrs += f' id="{ident}"'
        attrs = (re.sub(r'\bclass="', 'class="wb-section ', attrs, count=1) if 'class="' in attrs
                 else attrs + ' class="wb-section"')
        entries.append((ident, inner))
        return f"<h2{attrs}>{inner}</h2>"

    body = _H2.sub(anchor, html)
    if not entries:
        return html
    items = "".join(f'<li><a href="#{ident}">{_TAGS.sub("", inner)}</a></li>' for ident, inner in entries)
    nav = f'<nav class="wb-contents"><h2 class="wb-contents-title">{html_mod.escape(title)}</h2><ol>{items}</ol></nav>\n'
    first = _H2.search(body)
    return body[:first.start()] + nav + body[first.start():]
