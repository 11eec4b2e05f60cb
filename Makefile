# Two commands work on a fresh machine with only Python 3 and pip:
#   make serve   run the fake on http://127.0.0.1:$(PORT) (PORT=0 picks a free port)
#   make test    lint, type-check and run the whole test suite
# Both bootstrap .venv on first use and refresh it when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8765
HOST ?= 127.0.0.1
SCENARIO ?=
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint typecheck pytest browser mutate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/fake-clickatell serve --host $(HOST) --port $(PORT) $(if $(SCENARIO),--scenario $(SCENARIO))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests (tests/browser/) drive Debian's Chromium, never a browser Playwright would
# download: install it when it is missing and we are root (CI is); otherwise those tests say
# why they skip.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  (apt-get update -q && apt-get install -y -q chromium) >/dev/null \
	    || echo "could not install chromium: the browser tests will say why they skip"; \
	fi

# coverage run (not pytest-cov): the pytest11 plugin is imported before pytest-cov could start.
# Every CPU runs tests (-n auto; PYTEST_ARGS="-n 0" runs them in this process). The workers
# and the processes the tests start are measured too, and combined when the run ends
# (pyproject.toml's [tool.coverage.run]); a process a test kills leaves an empty data file,
# which the combination skips with a warning.
pytest: $(STAMP) browser
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest -n auto $(PYTEST_ARGS)
	$(BIN)/coverage report --fail-under=90

test: lint typecheck pytest

# Mutation testing of fake_clickatell/core (mutation/): not part of `make test`. Prints each
# module's score and every surviving mutant. MODULES picks modules (MODULES="encoding grammar"),
# default all of core/; MUTATE_ARGS passes options, e.g. MUTATE_ARGS="--workers 1".
MODULES ?=
MUTATE_ARGS ?=

mutate: $(STAMP)
	$(BIN)/python -m mutation $(MUTATE_ARGS) $(MODULES)

# Benchmarks (docs/benchmarks.md): not part of `make test`. wrk comes from the OS
# (apt-get install wrk); WireMock from npm when npm is there. Whatever is missing is reported
# as a skipped row. BENCH_ARGS passes options, e.g. BENCH_ARGS="--quick".
BENCH_STAMP := $(VENV)/.bench-installed
WIREMOCK_VERSION ?= 3.13.2
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/wiremock \
	    wiremock@$(WIREMOCK_VERSION) || echo "bench: could not install WireMock; skipped"; \
	fi
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
