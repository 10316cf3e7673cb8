# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup demo test lint bench soak bench-extraction bench-enrich bench-stories validation-docs-screenshot lock

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

# A file per worker at a time, the longest files first (tests/conftest.py orders them). Three
# workers on CI's two cores: many tests wait on paced servers, batch timers and child processes,
# and a third worker fills those waits (clean-clone CI, pytest alone: 2:43 against 3:09 with two).
test: lint
	$(BIN)/python -m pytest -q -n 3 --dist loadfile --no-loadscope-reorder

# Style (ruff) and the layering (import-linter's contracts in pyproject.toml). grimp reads a
# package's own folder, and only the installed tree has the parts inside winnow/, so the
# contracts are checked on a throwaway install of the working tree.
LINT_TREE := build/installed
lint: $(INSTALLED)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	rm -rf $(LINT_TREE)
	$(BIN)/uv pip install -q --no-deps --no-build-isolation --target $(LINT_TREE) --python $(BIN)/python .
	cd $(LINT_TREE) && $(CURDIR)/$(BIN)/lint-imports --no-cache $(CURDIR)/pyproject.toml > lint-imports.txt \
		|| (cat lint-imports.txt; exit 1)
	grep -h "^Contracts:" $(LINT_TREE)/lint-imports.txt

bench: $(INSTALLED)
	$(BIN)/python bench/ingest.py

# 5,000 pages from a local site where 20% of responses are faulty; several minutes (bench/README.md).
soak: $(INSTALLED)
	$(BIN)/python bench/soak.py

# Needs the Scrapinghub benchmark data beside the repository (bench/README.md).
bench-extraction: $(INSTALLED)
	$(BIN)/python bench/extraction.py

# Uses the Scrapinghub bodies when present (bench/README.md), else the demo corpus.
bench-enrich: $(INSTALLED)
	$(BIN)/python bench/enrich.py

# The Scrapinghub pages served three times with small edits: one story per page, enriched once.
bench-stories: $(INSTALLED)
	$(BIN)/python bench/stories.py

# A picture of the validation Data Docs that `make demo` built (needs Debian's chromium package).
validation-docs-screenshot:
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=5000 \
		--window-size=1280,1000 --screenshot=data/validation-docs.png file://$(CURDIR)/data/validation-docs/index.html
	@echo "data/validation-docs.png"

# Re-pin after changing dependencies in pyproject.toml.
lock:
	$(BIN)/uv pip compile -q --python-version 3.11 --extra test pyproject.toml -o requirements.lock
