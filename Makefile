# suggestion-analytics — every target creates .venv with the pinned dependencies on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(BIN)/python -m compileall -q analysis >/dev/null  # bytecode once, for shells that set PYTHONDONTWRITEBYTECODE
	@touch $(STAMP)

## help: list the targets (the default)
.PHONY: help
help:
	@echo "suggestion-analytics (代表建议办理分析) — make targets:"
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /'

## setup: create .venv with the pinned dependencies (the other targets do this on first use)
.PHONY: setup
setup: $(STAMP)

## report: produce the reports from the bundled data into outputs/ (ARGS="--force" to redo all)
.PHONY: report
report: $(STAMP)
	$(BIN)/python -m analysis run $(ARGS)

## screenshots: photograph every report at 390 px (phone) and 1366 px wide into outputs/screenshots/ (needs Chromium)
.PHONY: screenshots
screenshots: report
	$(BIN)/python tests/e2e/screenshots.py outputs/html outputs/screenshots

## validate: validate the bundled data files
.PHONY: validate
validate: $(STAMP)
	$(BIN)/python -m analysis validate data/sample/*.csv data/reported/*.csv

## test: run every test (unit, data, notebooks with nbval, end to end, browser)
.PHONY: test
test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

## lab: start JupyterLab in the project environment
.PHONY: lab
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## api-docs: write docs/api.md, the researchers' one-page API, from the docstrings (a test checks it is current)
.PHONY: api-docs
api-docs: $(STAMP)
	$(BIN)/python scripts/make_api_docs.py

## bench: run the benchmarks and print their figures
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

## plotly-basic: fetch plotly.js's basic bundle from npm, check it against its pins, vendor it compressed (needs npm)
.PHONY: plotly-basic
plotly-basic: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[vendor]'
	$(BIN)/python scripts/vendor_plotly_basic.py $(ARGS)

## sample-data: regenerate the bundled sample ledger (deterministic)
.PHONY: sample-data
sample-data: $(STAMP)
	$(BIN)/python scripts/make_sample_ledger.py

## lock: re-resolve the dependencies and rewrite requirements.lock
.PHONY: lock
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev,bench,vendor]'
	( echo '# Pinned versions for reproducible installs (pip -c requirements.lock). Regenerate with `make lock`.'; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^suggestion-analytics' ) > requirements.lock
	rm -rf .lock-venv

## clean: remove generated outputs (keeps .venv)
.PHONY: clean
clean:
	find outputs -mindepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
