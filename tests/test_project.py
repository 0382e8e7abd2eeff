"""Project conventions: dependencies in step, notebooks paired and stored without outputs."""

from __future__ import annotations

import json
import re
import tomllib

import jupytext
import pytest
import yaml

from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == {_name(d) for d in project["dependencies"]}
    # Same version floors too, so conda users and pip users get the same library behaviour.
    pins = {_name(d): d.replace(" ", "") for d in project["dependencies"]}
    for d in env["dependencies"]:
        if isinstance(d, str) and _name(d) in pins:
            assert d.replace(" ", "") == pins[_name(d)]


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_sync_with_its_py_pair(path):
    pair = path.with_suffix(".py")
    assert pair.exists(), f"{path.name} has no jupytext .py pair"
    a, b = jupytext.read(path), jupytext.read(pair)
    strip = lambda nb: [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]
    assert strip(a) == strip(b), f"{path.name} and {pair.name} differ: run `jupytext --sync {path}`"
    assert a.metadata.get("kernelspec", {}).get("name"), "papermill needs a kernelspec"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell(path):
    nb = jupytext.read(path)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_generated_folders_are_ignored():
    ignore = (ROOT / ".gitignore").read_text()
    for pattern in (".venv/", "data/processed/*", "reports/*"):
        assert pattern in ignore
