"""The stage layers are a contract (import-linter, declared in pyproject.toml), not a hope."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(src: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """A copy of the package and its contract, to break on purpose."""
    shutil.copytree(ROOT / "src" / "wagebrief", tmp_path / "src" / "wagebrief",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contract_declares_every_stage_in_order():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers[:6] == ["cli", "run", "brief", "analysis", "public", "inputs"]
    assert any(c["type"] == "acyclic_siblings" for c in contracts)
    packages = {p.name for p in (ROOT / "src" / "wagebrief").iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(layers[:6]), "every package is a layer of the contract"


def test_the_package_keeps_its_contract():
    res = lint(ROOT / "src", ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


def test_an_upward_import_breaks_the_contract(copy: Path):
    units = copy / "src" / "wagebrief" / "inputs" / "units.py"
    units.write_text(units.read_text() + "\nfrom wagebrief.brief import section  # deliberately upward\n")
    res = lint(copy / "src", copy)
    assert res.returncode != 0
    assert "wagebrief.inputs is not allowed to import wagebrief.brief" in res.stdout
    assert "wagebrief.inputs.units -> wagebrief.brief.section" in res.stdout


def test_an_import_circle_inside_a_stage_breaks_the_contract(copy: Path):
    # metrics is imported by costing; costing imported back by metrics closes a circle.
    metrics = copy / "src" / "wagebrief" / "analysis" / "metrics.py"
    metrics.write_text(metrics.read_text() + "\n\ndef _circle():\n    from wagebrief.analysis import costing  # deliberately circular\n")
    res = lint(copy / "src", copy)
    assert res.returncode != 0
    assert "No cycles are allowed in wagebrief.analysis" in res.stdout
