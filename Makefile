# The set-up contract: `make run` and `make test` work on a fresh clone with only Python 3.11+,
# make and the package registries.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
HOST   ?= localhost

.PHONY: run test reliability bench lint format clean screenshots

# Each stamp records which extras are installed; pyproject.toml changes reinstall.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claimreview needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/claimreview serve --port $(PORT) --address $(HOST)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The reliability suite at full counts (32 reviewers x 500 saves, 100+ crash trials, longer
# fuzzing), on SQLite and, when CLAIMREVIEW_TEST_POSTGRES_URL is set, on PostgreSQL too, where the
# reviewers also run as two app servers sharing their two connection pools. Its quick
# form runs inside `make test`. Prints one table of figures; writes reliability-report.json.
reliability: $(VENV)/.installed-test
	CLAIMREVIEW_RELIABILITY=full CLAIMREVIEW_FUZZ_EXAMPLES=$${CLAIMREVIEW_FUZZ_EXAMPLES:-1000} \
	CLAIMREVIEW_RELIABILITY_REPORT=reliability-report.json \
	$(BIN)/python -m pytest -q tests/reliability $(PYTEST_ARGS)

# Benchmarks against baselines measured in the same run; SCALE=small for a quick look.
SCALE ?= full
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@# The public sentence cases the splitter is scored on ship in pysbd's source distribution.
	$(BIN)/python -m pip download --quiet --no-binary :all: --no-deps pysbd==0.3.3 -d $(VENV)/bench-data
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --scale $(SCALE) --output bench/results.json

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# Re-take the README's screenshot of the review page (the browser suite's own test writes it).
screenshots: $(VENV)/.installed-test
	CLAIMREVIEW_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/browser tests/db -k readme_screenshot
