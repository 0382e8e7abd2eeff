"""Start-up costs: what the commands and the rendering kernel import before any work."""

import subprocess
import sys

import pytest

CHECK = """
import sys, time
t = time.perf_counter()
import wagebrief.run.render
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
print(type(sys.modules.get("rfc3987_syntax")).__name__)
"""


def test_render_module_skips_the_iri_grammars_and_still_validates_notebooks():
    pytest.importorskip("rfc3987_syntax")  # installed with jupyter-events: the case this guards
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    # None: marked absent, so jsonschema never built its ~40 lark parsers (about 1.5 s).
    assert done.stdout.strip() == "NoneType"


def test_rendering_kernel_loads_no_hypothesis_plugins():
    from wagebrief.run import render

    env = render.kernel_env()
    pytest.importorskip("hypothesis")
    code = "import hypothesis, sys; print('trio' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "False"


def test_the_command_line_imports_no_pandas_before_a_command_runs():
    # Every command imports its stage modules in its body: `wagebrief --help` in ~0.2 s, not 1.2.
    code = "import sys, wagebrief.cli; print(sorted(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
