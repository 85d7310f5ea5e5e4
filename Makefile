# The two set-up commands of the README. Each makes its own virtual environment.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint bench docs

$(BIN)/zicht: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(BIN)/zicht

install: $(BIN)/zicht

## make demo: install, then run the whole chain on synthetic data (SQLite + DuckDB)
demo: install
	$(BIN)/zicht demo --out zicht-demo --force

## make test: install, lint, check the layer contracts, run the tests
test: install lint
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

## make docs: regenerate docs/cli.md and the policy table of docs/disclosure.md (tests check both)
docs: install
	$(BIN)/typer zicht.cli utils docs --name zicht --output docs/cli.md
	$(BIN)/python -m zicht.disclosure.doc docs/disclosure.md

## make bench: every benchmark, one table, benchmarks/results.json
# The peers come with their dependencies from the `bench` extra (pyproject.toml);
# recordlinkage declares pandas<3, so pip resolves that environment to pandas 2.x.
bench: install
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m benchmarks
