# Two commands on a fresh machine:
#   make run    set up, then run the nightly job on the bundled sample reports
#   make test   set up, then run the whole test suite
.PHONY: setup run test lint bench
VENV ?= .venv
PY := $(VENV)/bin/python

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

run: setup
	$(VENV)/bin/nianbao run

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

bench: setup
	$(PY) bench/run.py
