# One entry point per task; every target builds the virtualenv it needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/geodigest run

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m benchmarks.quality
	$(BIN)/python -m benchmarks.speed
	$(BIN)/python -m benchmarks.telegram_fanout
	$(BIN)/python -m benchmarks.webhook_memory
	$(BIN)/python -m benchmarks.stories_quality
	$(BIN)/python -m benchmarks.stories_speed 10000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
