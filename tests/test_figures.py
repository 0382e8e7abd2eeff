"""The brief's charts: laid out once, drawn once when saved, and nothing clipped."""

from __future__ import annotations

import pytest

from wagebrief.brief import figures, partial


@pytest.fixture(scope="module")
def charts():
    sections = partial.compute(partial.load("city-police")[0])
    found = [f for key in ("settlements", "inflation", "outlook", "market", "costing") for f in sections[key].figures]
    found += [f for s in sections["factors"] for f in s.figures]
    return found


def test_every_chart_is_laid_out_inside_its_figure(charts):
    assert len(charts) >= 6
    for chart in charts:
        fig = chart.figure
        renderer = fig.canvas.get_renderer()
        box = fig.get_tightbbox(renderer)  # inches; every label, title and legend
        w, h = fig.get_size_inches()
        assert box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= w + 0.01 and box.y1 <= h + 0.01, chart.caption


def test_saving_a_chart_draws_it_once(charts, monkeypatch):
    fig = charts[0].figure
    assert fig.get_layout_engine() is None  # a layout engine would lay out (draw) again on save
    draws = []
    real = type(fig).draw
    monkeypatch.setattr(type(fig), "draw", lambda self, r: (draws.append(1), real(self, r))[1])
    png = figures.png(fig)
    assert png[:4] == b"\x89PNG" and len(draws) == 1


def test_finish_makes_room_for_long_labels():
    fig, ax = figures.new((6, 3))
    ax.set_ylabel("A long label\nover two lines")
    ax.set_yticks([0, 1], ["Commonwealth of Massachusetts", "Town of West Hartford"])
    before = ax.get_position().x0
    figures.finish(fig)
    assert ax.get_position().x0 > before
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    assert box.x0 >= -0.01
