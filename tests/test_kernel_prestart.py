"""``wagebrief render --unit U`` starts its kernel before importing the rest (run/kernel.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from wagebrief.run import batch, kernel, render


def _notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("unit = ''", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('brief of', unit)")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_prestarted_kernel_is_handed_over_once_and_runs_the_notebook(tmp_path):
    path = _notebook(tmp_path)
    kernel.prestart(path)
    r = kernel.prestarted(path)
    assert r is not None and kernel.prestarted(path) is None  # one taker
    with r:
        nb = r.execute({"unit": "city-police"})
    assert nb.cells[-1].outputs[0]["text"] == "brief of city-police\n"


def test_render_units_takes_the_prestarted_kernel(tmp_path, monkeypatch):
    used = []

    class Taken:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            used.append("closed")

    monkeypatch.setattr(kernel, "prestarted", lambda notebook: used.append(Path(notebook).name) or Taken())
    monkeypatch.setattr(render, "Renderer", lambda *a, **k: pytest.fail("a second kernel was started"))
    monkeypatch.setattr(render, "render_with", lambda r, name, *a: render.RenderResult(name, None, True, 0.0))
    (tmp_path / "notebooks").mkdir()
    res = batch.render_units(["city-police"], root=tmp_path, jobs=1)
    assert [r.unit for r in res] == ["city-police"] and used == ["brief.ipynb", "closed"]


def test_a_kernel_nobody_took_is_shut_down_when_the_command_exits(tmp_path):
    path = _notebook(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code = f"from wagebrief.run import kernel; kernel.prestart({str(path)!r}); print('started')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "TMPDIR": str(tmp)})
    assert done.stdout.strip() == "started"
    deadline = time.time() + 10
    while time.time() < deadline and (list(tmp.glob(f"{kernel.KERNEL_DIR_PREFIX}*")) or kernel._processes_using(tmp)):
        time.sleep(0.2)
    assert not list(tmp.glob(f"{kernel.KERNEL_DIR_PREFIX}*")), "the kernel's folder was left behind"
    assert not kernel._processes_using(tmp), "the kernel is still running"
