# One entry point for every task. `make build` and `make test` set up their own environment
# from the committed uv.lock, installing uv with pip when it is missing.
SHELL := /bin/bash
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --locked --no-sync
export GX_ANALYTICS_ENABLED := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup build test test-all lint bench clean

$(UV):
	python3 -m pip install --user --quiet "uv>=0.5"

setup: $(UV)
	$(UV) sync --locked --python 3.11

build: setup
	$(RUN) japan-nato build

test: setup
	$(RUN) pytest

test-all: setup
	$(RUN) pytest -m ""

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

bench: setup
	$(RUN) python benchmarks/bench_load.py 100000
	$(RUN) python benchmarks/bench_gate.py 100000 1000000

clean:
	rm -rf build .venv .pytest_cache
