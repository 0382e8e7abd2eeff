"""HTML pages as PDF, with the confidentiality marking and "Page N of M" on every page.

WeasyPrint lays the page out from its own CSS (paged media: ``@page`` margin boxes, page
breaks, repeated table headers), so the PDF is made from the same escaped HTML the briefs are,
with no browser to drive. The marking and the page numbers live here, in the page margins, so
no template can leave them out; what a page looks like inside the margins is its template's.
"""

from __future__ import annotations

from pathlib import Path

from wagebrief import io
from wagebrief.brief.page import CONFIDENTIAL

#: The margin boxes every PDF page carries. The marking is written into the CSS as a string,
#: so its quotes and backslashes are escaped for CSS.
_CSS_TEXT = CONFIDENTIAL.replace("\\", "\\\\").replace('"', '\\"')
PAGE_CSS = f"""
@page {{
  size: letter;
  margin: 20mm 14mm 18mm 14mm;
  @top-center {{ content: "{_CSS_TEXT}"; font: bold 8.5pt sans-serif; color: #8b0000; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8.5pt sans-serif; color: #444; }}
}}
"""


def write_pdf(html: str, out: Path, base_url: str | None = None) -> Path:
    """Convert ``html`` to a PDF at ``out`` (written atomically), the marking and "Page N of M"
    on every page; ``base_url`` resolves relative links and images. Returns ``out``."""
    import weasyprint

    out = Path(out)
    data = weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[weasyprint.CSS(string=PAGE_CSS)])
    io.write_bytes(out, data)
    return out
