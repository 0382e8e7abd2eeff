"""The HTML page a brief is exported to, checked on hand-made notebooks (no kernel needed)."""

from __future__ import annotations

import base64
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from wagebrief.brief import page as brief_page
from wagebrief.run import render

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake").decode()


def notebook(*cells) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells))


def test_outputs_are_laid_out_and_code_never_is():
    nb = notebook(
        new_markdown_cell("## The statutory factors\n\nWhat an *arbitrator* weighs."),
        new_code_cell("secret_variable = compute_everything()", outputs=[
            new_output("display_data", data={"text/html": "<p class='x'>From the library</p>", "text/plain": "x"}),
            new_output("display_data", data={"image/png": PNG[:10] + "\n" + PNG[10:], "text/plain": "<Image>"},
                       metadata={"image/png": {"alt": 'Cost by "fiscal" year'}}),
        ]))
    page = render.to_html(nb, "Unit <A> & B — brief 2027")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Unit &lt;A&gt; &amp; B — brief 2027</title>" in page
    assert "<h2>The statutory factors</h2>" in page and "<em>arbitrator</em>" in page
    assert "<p class='x'>From the library</p>" in page
    assert f'<img alt="Cost by &quot;fiscal&quot; year" src="data:image/png;base64,{PNG}">' in page
    assert "secret_variable" not in page and "compute_everything" not in page
    assert not re.search(r"<script\b|(src|href)=\"https?://", page)
    # the confidentiality mark that print CSS repeats on every page
    assert page.count(brief_page.CONFIDENTIAL) == 1 and "wb-page-mark" in page and "@media print" in page


def test_text_streams_and_errors_are_escaped_not_interpreted():
    nb = notebook(new_code_cell("", outputs=[
        new_output("stream", name="stderr", text="UserWarning: <script>alert(1)</script>\n"),
        new_output("execute_result", data={"text/plain": "<b>not bold</b>"}, execution_count=1),
        new_output("error", ename="ValueError", evalue="bad <img src=x onerror=alert(2)>", traceback=[]),
    ]))
    page = render.to_html(nb, "t")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "ValueError: bad &lt;img src=x onerror=alert(2)&gt;" in page
    assert "<img" not in page


def test_a_figure_caption_becomes_the_images_alt_text(monkeypatch):
    import IPython.display
    from IPython.display import SVG

    from wagebrief.brief import figures
    from wagebrief.brief.section import Figure, Section

    fig, ax = figures.new((3, 2))
    ax.plot([1, 2], [3, 4])
    ax.set_title("Growth <%>")
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **k: shown.append(obj))
    brief_page.show(Section("S", figures=[Figure("Top-step pay", figures.finish(fig))]))
    images = [o for o in shown if isinstance(o, SVG)]
    assert len(images) == 1
    data, meta = images[0]._repr_svg_()
    assert "<svg" in data and "Growth &lt;%&gt;" in data  # words stay text, escaped
    assert meta == {"alt": "Top-step pay"}
    nb = notebook(new_code_cell("", outputs=[new_output("display_data", data={"image/svg+xml": data},
                                                        metadata={"image/svg+xml": meta})]))
    page = render.to_html(nb, "t")
    b64 = re.search(r'<img alt="Top-step pay" src="data:image/svg\+xml;base64,([^"]+)">', page).group(1)
    assert base64.b64decode(b64).decode("utf-8") == data
