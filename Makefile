# Two commands on a fresh machine:
#   make run    set up, then run the nightly job on the bundled sample reports
#   make test   set up, then lint (ruff check, ruff format --check, mypy) and run the whole test suite
#   make test-fast  the edit loop: lint and the tests that need no Prefect API, LibreOffice or OCR (-m "not slow")
#   make bench  generated corpora through the extractors, the flow and the warehouse -> bench/RESULTS.md
#   make notebooks  execute the analysts' notebooks headless against NB_DATA (default data/, after make run)
.PHONY: setup run test test-fast lint bench notebooks
VENV ?= .venv
PY := $(VENV)/bin/python

setup: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

run: setup
	$(VENV)/bin/nianbao run

# Two test processes, a test file to each (module fixtures stay in one process): the suite spends much
# of its time waiting on subprocesses (Prefect API, LibreOffice, workers), so both cores stay busy.
test: setup lint
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: setup lint
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run.py

# The notebooks are copied to a scratch folder (nothing may depend on where they lie) and run
# there headless, in place, against NB_DATA's snapshot; the executed copies go to NB_OUT. A failing
# cell fails the target.
NB_DATA ?= data
NB_OUT ?= $(NB_DATA)/notebooks
notebooks: setup
	mkdir -p $(NB_OUT)
	scratch="$$(mktemp -d)" && cp notebooks/*.ipynb "$$scratch" && cd "$$scratch" && \
		NIANBAO_DATA_DIR=$(abspath $(NB_DATA)) PYTHONPATH=$(CURDIR) MPLBACKEND=agg \
		$(abspath $(VENV))/bin/jupyter execute --inplace --kernel_name=python3 *.ipynb && \
		cp *.ipynb $(abspath $(NB_OUT))/ && rm -rf "$$scratch"
	@echo "notebooks executed -> $(NB_OUT)"
