# The two commands a fresh machine needs: `make run` and `make test`.
# Both go through `make install`, which does nothing once .venv is up to date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install run test lint quality speed clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The main job on the embedded default: claims from the sample corpus, then the register
# they reconcile into (SQLite file armsledger.db here), then the entrapment analysis.
run: install
	$(BIN)/armsledger extract examples/ --format table
	$(BIN)/armsledger build examples/
	$(BIN)/armsledger register
	$(BIN)/armsledger analyze entrapment

test: install
	sh scripts/ensure-chromium.sh
	sh scripts/ensure-postgres.sh
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest -q

quality: install
	$(BIN)/python benchmarks/quality.py

speed: install
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
