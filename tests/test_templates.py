"""Every HTML template escapes what it is given: hostile text goes through each one (by the
function that renders it) and comes out as text, never as markup, script or template code."""

from __future__ import annotations

import datetime as dt
import html
from types import SimpleNamespace

import markupsafe
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from wagebrief.brief import appendix, page, partial
from wagebrief.brief.section import Section, Table
from wagebrief.inputs import provenance
from wagebrief.run import batch, render

#: One string holding every way out of a text node or an attribute value, an entity that must
#: not pass as one, and template syntax that must not be evaluated.
HOSTILE = ("<script>alert(1)</script> \"onmouseover=alert(2) 'x' &amp; {{ 7*7 }} {% if 1 %}IF{% endif %} "
           "</style><b><img src=x onerror=alert(3)>")
RAW = ["<script>alert(1)</script>", '"onmouseover=alert(2)', "'x'", "&amp; {{", "</style><b>",
       "<img src=x onerror=alert(3)>"]


def _appendix() -> str:
    day = pd.Timestamp("2025-07-01")
    events = pd.DataFrame([
        {"settlement_id": HOSTILE, "jurisdiction": HOSTILE, "term_start": day, "term_end": day,
         "settlement_type": HOSTILE, "effective_date": day, "event": HOSTILE, "source": HOSTILE,
         "source_url": "https://example.org/?q=" + HOSTILE, "pct": 2.5, "base_pct": 2.5},
        {"settlement_id": "S2", "jurisdiction": "J", "term_start": day, "term_end": day, "settlement_type": "t",
         "effective_date": day, "event": "gwi_pct", "source": "s", "source_url": HOSTILE, "pct": 2.5, "base_pct": 2.5},
        # A total as the source states it: its quote, source and link reach the appendix's second table.
        {"settlement_id": "S2", "jurisdiction": HOSTILE, "term_start": day, "term_end": day, "settlement_type": "t",
         "effective_date": day, "event": "stated_total", "source": HOSTILE, "source_url": "https://example.org/?q=" + HOSTILE,
         "pct": 2.5, "detail": HOSTILE},
    ])
    contracts = pd.DataFrame({"settlement_id": ["S2"], "life_of_contract_pct": [2.5]})
    out = appendix.appendix_html(SimpleNamespace(comparator_events=lambda: events, comparator_contracts=lambda: contracts))
    assert "Totals as the sources state them" in out
    return out


def _linked_table() -> str:
    table = Table(HOSTILE, pd.DataFrame({"Source": [HOSTILE], "Link": ["https://example.org/?q=" + HOSTILE]}),
                  source=HOSTILE, links="Link")
    return str(page.table_html(table))


def _cover(monkeypatch) -> str:
    labels = [provenance.InputLabel(HOSTILE, provenance.SYNTHETIC, HOSTILE)]
    monkeypatch.setattr(page, "input_labels", lambda data: labels)
    monkeypatch.setattr(page, "vintages", lambda data: {"settlement": HOSTILE, "cpi": HOSTILE, "eci": HOSTILE})
    unit = SimpleNamespace(name=HOSTILE, employer=SimpleNamespace(name=HOSTILE), cycle_year=HOSTILE,
                           occupation_group=HOSTILE)
    return page.cover(SimpleNamespace(unit=unit), dt.datetime(2026, 1, 2))


def _section() -> str:
    table = Table(HOSTILE, pd.DataFrame({"a": [1]}), source=HOSTILE)  # the cells are pandas's to escape
    return page.section_html(Section(HOSTILE, text=[HOSTILE], tables=[table], caveats=[HOSTILE]))


def _brief_page() -> str:
    nb = new_notebook(cells=[new_markdown_cell("# Brief"), new_code_cell("", outputs=[
        new_output("stream", name="stdout", text=HOSTILE),
        new_output("error", ename=HOSTILE, evalue=HOSTILE, traceback=[]),
        new_output("display_data", data={"image/png": "iVBORw0KGgo="}, metadata={"image/png": {"alt": HOSTILE}}),
        new_output("display_data", data={"text/plain": HOSTILE}),
    ])])
    return render.to_html(nb, HOSTILE)


def _index(tmp_path) -> str:
    entries = [
        {"unit": HOSTILE, "ok": True, "status": render.RENDERED, "file": HOSTILE, "warnings": [HOSTILE],
         "generated_at": HOSTILE, "seconds": 1.0, "run_started_at": HOSTILE},
        {"unit": "b-unit", "ok": True, "status": render.WITH_PROBLEMS, "file": "b-unit.html",
         "problems": [HOSTILE], "warnings": [HOSTILE], "run_started_at": "now"},
        {"unit": "c-unit", "ok": False, "status": render.FAILED, "error": HOSTILE, "run_started_at": "now",
         "previous": {"file": "c-unit.html", "generated_at": HOSTILE}},
    ]
    run = batch.Run(None, [], "now", HOSTILE, 1.0, 1, extra={"index": entries})
    return batch.write_index(run, tmp_path).read_text(encoding="utf-8")


def _office(tmp_path) -> str:
    from wagebrief.analysis import office
    from wagebrief.inputs import units
    from wagebrief.run import office as office_page

    ngl = units.NetGrandList(4e9, 2026, HOSTILE, HOSTILE)
    unit = units.Unit(unit="a-unit", name=HOSTILE, employer=units.Employer(HOSTILE, HOSTILE, "CT", "municipal"),
                      occupation_group="police", cycle_year=2027, fiscal_year_start_month=7, term_years=1,
                      cpi_series="x", cpi_basis="fiscal", comparators=(), synthetic=True, bargaining_status=HOSTILE,
                      net_grand_list=ngl)
    costs = pd.DataFrame({"unit": "a-unit", "employer": HOSTILE, "scenario": ["management", "union", "guideline"],
                          "label": HOSTILE, "fiscal_year": 2028, "total_cost": 100.0, "mills": 0.1})
    row = office.UnitOffice(unit, costs, title=HOSTILE, measure="top", pct_vs_median=-1.0, guideline_value=1.0,
                            target_value=2.0, below_target=True, synthetic={HOSTILE: True}, errors=[HOSTILE])
    totals = costs.assign(units="a-unit")[["scenario", "label", "fiscal_year", "total_cost", "units"]]
    o = office.Office([row], 2.5, 50, totals, costs.assign(units="a-unit"), notes=[HOSTILE])
    out = page.render("office.html.j2", **office_page.context(o, cycle=2027, as_of=HOSTILE, generated=HOSTILE,
                                                              briefs={"a-unit": "./a-unit.html"}))
    assert "Confidential" in out and "SYNTHETIC DATA" in out
    return out


def _exhibits() -> str:
    import matplotlib

    from wagebrief.brief import exhibits, exhibits_pdf, figures
    from wagebrief.brief.section import Figure

    fig, ax = figures.new((3, 2))
    ax.set_title(HOSTILE)  # a chart's own text: matplotlib's SVG escapes its markup (quotes stay, as text)
    drawn = exhibits_pdf.inline_svg(figures.finish(fig))
    assert drawn.startswith("<svg") and "<script>" not in drawn and "<img" not in drawn and "&lt;script&gt;" in drawn
    fig, ax = figures.new((3, 2))
    unit = SimpleNamespace(name=HOSTILE, employer=SimpleNamespace(name=HOSTILE), cycle_year=HOSTILE,
                           occupation_group=HOSTILE)
    table = Table(HOSTILE, pd.DataFrame({HOSTILE: [HOSTILE], "Link": ["https://example.org/?q=" + HOSTILE]}),
                  source=HOSTILE, note=HOSTILE, links="Link")
    items = [exhibits.Exhibit(1, exhibits.STATUTORY_FACTORS[0], HOSTILE, HOSTILE, HOSTILE, HOSTILE, table=table),
             exhibits.Exhibit(2, exhibits.STATUTORY_FACTORS[0], HOSTILE, HOSTILE, HOSTILE,
                              figure=Figure(HOSTILE, figures.finish(fig), HOSTILE))]
    book = exhibits.Book(unit, HOSTILE, HOSTILE, HOSTILE, [provenance.InputLabel(HOSTILE, provenance.SYNTHETIC, HOSTILE)],
                         HOSTILE, items, missing={exhibits.STATUTORY_FACTORS[1]: [HOSTILE]}, failed=[(HOSTILE, [HOSTILE])])
    out = exhibits_pdf.html(book)
    assert matplotlib and "<svg" in out and "Confidential" in out
    return out


#: Each template and how the package renders it.
CASES = {
    "appendix.html.j2": lambda mp, tmp: _appendix(),
    "cover.html.j2": lambda mp, tmp: _cover(mp),
    "section.html.j2": lambda mp, tmp: _section(),
    "linked_table.html.j2": lambda mp, tmp: _linked_table(),
    "source.html.j2": lambda mp, tmp: page.fragment("source.html.j2", source=HOSTILE),
    "problem.html.j2": lambda mp, tmp: partial.box_html(partial.FailedSection(HOSTILE, problems=[HOSTILE])),
    "status.html.j2": lambda mp, tmp: partial.status_html({"x": partial.FailedSection(HOSTILE)}, [HOSTILE]),
    "brief.html.j2": lambda mp, tmp: _brief_page(),
    "not_current.html.j2": lambda mp, tmp: render.mark_not_current(_brief_page(), HOSTILE, HOSTILE, HOSTILE),
    "index.html.j2": lambda mp, tmp: _index(tmp),
    "office.html.j2": lambda mp, tmp: _office(tmp),
    "exhibits.html.j2": lambda mp, tmp: _exhibits(),
}


def test_every_template_has_a_hostile_case():
    assert sorted(t for t in page.environment().list_templates() if t.endswith(".j2")) == sorted(CASES)  # print*.css are stylesheets, not templates


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_text_comes_out_escaped(name, monkeypatch, tmp_path):
    out = CASES[name](monkeypatch, tmp_path)
    for raw in RAW:
        assert raw not in out, (name, raw)
    # As html.escape writes it (&quot;, &#x27;: pandas's tables) or as Jinja's autoescape does (&#34;, &#39;).
    assert html.escape(HOSTILE) in out or str(markupsafe.escape(HOSTILE)) in out
    assert "{{ 7*7 }}" in out and "{% if 1 %}IF{% endif %}" in out  # text, not code


def test_a_name_a_template_is_not_given_is_an_error():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        page.fragment("source.html.j2")


def test_trusted_fragments_pass_unchanged():
    out = page.section_html(Section("T", tables=[Table("c", pd.DataFrame({"a": ["<b>x</b>"]}))]))
    assert '<table class="dataframe wb-table">\n  <thead>' in out and "&lt;b&gt;x&lt;/b&gt;" in out
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("", outputs=[
        new_output("display_data", data={"text/html": "<p class='lib'>made by the library</p>"})])])
    assert "<p class='lib'>made by the library</p>\n" in render.to_html(nb, "t")
