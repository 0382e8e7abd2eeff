# The README's contract: `make demo` and `make test` work on a fresh machine with only python3.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-all test-fuzz lab venv clean bench bench-data bench-solve

venv: $(STAMP)

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/wagebrief validate data/raw/settlements
	$(VENV)/bin/wagebrief build
	$(VENV)/bin/wagebrief series
	$(VENV)/bin/wagebrief metrics --aggregate year
	$(VENV)/bin/wagebrief render --all --xlsx --pdf --docx
	$(VENV)/bin/wagebrief exhibits --all

# The stage layers first (import-linter reads [tool.importlinter] in pyproject.toml), then the tests.
test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q

# The random long run (make test's fuzz draws the same cases every time): new cases on every run,
# ~20x as many, about half an hour. A failure prints its @reproduce_failure blob.
test-fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/test_fuzz.py tests/test_fuzz_regressions.py

# Issue 19's measures against their targets (prints, never asserts; ~15-20 min on an idle 2-core
# machine, most of it the CLI loop): a 40-unit workload the CLI-loop way, a multiprocessing peer's
# way and wagebrief's way side by side, the warm marginal brief, cold `render --unit`, growth with
# +100,000 settlement rows, a profile, then a summary table. Parts on their own, e.g.:
#   make bench UNITS=10 BENCH_ARGS="--skip-cli-loop"    make bench BENCH_ARGS="--only warm,cold,growth"
bench: $(STAMP)
	$(PY) scripts/bench_render.py --units $(or $(UNITS),40) $(BENCH_ARGS)

# Times validate + build + metrics + aggregates on 1,000,000 generated rows; prints numbers.
bench-data: $(STAMP)
	$(PY) scripts/bench_data.py --rows $(or $(ROWS),1000000)

# Times `wagebrief solve` on the demo units (import, first call, warm, whole command); prints seconds.
bench-solve: $(STAMP)
	$(PY) scripts/bench_solve.py

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv reports/*/
