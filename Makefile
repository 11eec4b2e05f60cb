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

.PHONY: serve test lint typecheck pytest clean

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

# coverage run (not pytest-cov): the pytest11 plugin is imported before pytest-cov could start.
pytest: $(STAMP)
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report --fail-under=90

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
