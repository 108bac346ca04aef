# Checkout Kit — `make dev` runs the shop, `make test` checks it and runs every test.
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# The first of python3.13, python3.12, python3 that is at least 3.12.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: help dev test check doctor bench site emulator clean

help:
	@echo "make dev    run the shop on http://127.0.0.1:$(PORT) (offline Stripe emulator unless STRIPE_SECRET_KEY is set)"
	@echo "make test   check the shop, then run the whole test suite, browser tests included"
	@echo "make check  check the shop: catalog.toml and every buy button in site/ (also run by make test and the build)"
	@echo "make doctor check the configuration (.env): keys, webhook secret, database, mail, prices in Stripe"
	@echo "make bench  measure speed; writes benchmarks/results.json"
	@echo "make site   assemble public/, the only files ever served"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Checkout Kit needs Python 3.12 or newer (looked for python3.13, python3.12, python3)." >&2; \
		echo "Install it from python.org or your package manager, or run: make PYTHON=/path/to/python3.12 dev" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

dev: $(VENV)/.runtime
	$(BIN)/python -m checkout_kit dev --port $(PORT)

emulator: $(VENV)/.runtime
	$(BIN)/python -m checkout_kit emulator

test: $(VENV)/.dev
	$(BIN)/python -m checkout_kit check
	$(BIN)/python -m pytest

check: $(VENV)/.runtime
	$(BIN)/python -m checkout_kit check

doctor: $(VENV)/.runtime
	$(BIN)/python -m checkout_kit doctor

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks

site:
	sh scripts/build-site.sh

clean:
	rm -rf $(VENV) public .pytest_cache
