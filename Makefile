# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup demo test bench bench-extraction bench-enrich lock

setup: $(INSTALLED)

# uv installs the locked set in seconds (pip takes minutes); the lock pins every transitive version.
$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.8
	$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

demo: $(INSTALLED)
	$(BIN)/winnow demo

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

bench: $(INSTALLED)
	$(BIN)/python bench/ingest.py

# Needs the Scrapinghub benchmark data beside the repository (bench/README.md).
bench-extraction: $(INSTALLED)
	$(BIN)/python bench/extraction.py

# Uses the Scrapinghub bodies when present (bench/README.md), else the demo corpus.
bench-enrich: $(INSTALLED)
	$(BIN)/python bench/enrich.py

# Re-pin after changing dependencies in pyproject.toml.
lock:
	$(BIN)/uv pip compile -q --python-version 3.11 --extra test pyproject.toml -o requirements.lock
