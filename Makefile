# Two commands on a fresh machine:
#   make run    set up, then run the nightly job on the bundled sample reports
#   make test   set up, then lint (ruff check, ruff format --check, mypy) and run the whole test suite
#   make test-fast  the edit loop: lint and the tests that need no Prefect API, LibreOffice or OCR (-m "not slow")
#   make bench  generated corpora through the extractors, the flow and the warehouse -> bench/RESULTS.md
.PHONY: setup run test test-fast lint bench
VENV ?= .venv
PY := $(VENV)/bin/python

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

run: setup
	$(VENV)/bin/nianbao run

test: setup lint
	$(PY) -m pytest -q

test-fast: setup lint
	$(PY) -m pytest -q -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run.py
