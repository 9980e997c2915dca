# One entry point per task; every target builds the virtualenv it needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-anyday lint format bench clean

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

# The suite on another day: libfaketime moves the wall clock (and every process the tests
# start) to ANYDAY, by default years ahead, 30 s before midnight of a February with no 29th.
# Monotonic time stays real, as asyncio's and threads' timeouts need; libfaketime's monotonic
# "fix" is off: with a real monotonic clock it turns each thread switch into a long wait.
ANYDAY ?= 2029-02-28 23:59:30
test-anyday: $(STAMP)
	@command -v faketime >/dev/null 2>&1 || { echo "need faketime (apt-get install faketime)"; exit 1; }
	FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 \
		faketime '$(ANYDAY)' $(BIN)/pytest -q

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
