# Two entry points (see README "Quick start"):
#   make run   - set up and run the service on the embedded default (SQLite, local keys, demo data)
#   make test  - set up and run the whole test suite (lint and import rules, types, tests)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JS_DIR := tests/interop/js

.PHONY: run test lint typecheck pytest bench setup node clean texts

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "python3 -m venv is missing; installing Debian's python3-venv"; \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else echo "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)"; exit 1; fi; }
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

A11Y_DIR := tests/a11y/js

node: $(JS_DIR)/node_modules/.installed $(A11Y_DIR)/node_modules/.installed

$(A11Y_DIR)/node_modules/.installed: $(A11Y_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: the accessibility tests need Node.js and npm"; exit 1; }
	npm ci --prefix $(A11Y_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

$(JS_DIR)/node_modules/.installed: $(JS_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: the interop tests need Node.js and npm"; exit 1; }
	npm ci --prefix $(JS_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# Texts (docs/texts.md): find every key in the code, add new ones to both catalogues
# (empty, to fill in), drop the ones no longer used, flag the placeholders.
TEXTS := issuer/translations
texts: setup
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output -o $(VENV)/messages.pot .
	$(BIN)/pybabel -q update -i $(VENV)/messages.pot -d $(TEXTS) -D messages --no-fuzzy-matching --ignore-obsolete -w 120
	$(BIN)/python -m issuer.webkit.i18n $(TEXTS)/nl/LC_MESSAGES/messages.po $(TEXTS)/en/LC_MESSAGES/messages.po

run: setup
	$(BIN)/credentials init --demo
	@echo "Open $${CREDENTIALS_BASE_URL:-http://127.0.0.1:5000}/login (Dutch; English via the language link)"
	$(BIN)/credentials serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check credentials
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python tools/check_cycles.py

typecheck: setup
	$(BIN)/mypy

pytest: setup node
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: setup node
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_pdf.py

clean:
	rm -rf $(VENV) $(JS_DIR)/node_modules $(A11Y_DIR)/node_modules .pytest_cache .mypy_cache .ruff_cache
