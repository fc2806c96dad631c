# pytalos: `make demo` runs the main job (a local cluster, shown healthy), `make test` runs every check CI runs.
.PHONY: setup test lint typecheck unit node cluster demo bench proto

VENV := .venv/bin

setup:
	@scripts/setup

lint: setup
	$(VENV)/ruff check src tests bench
	$(VENV)/ruff format --check src tests bench

typecheck: setup
	$(VENV)/mypy

test: setup lint typecheck
	$(VENV)/pytest -m "unit or node or cluster" -q

unit: setup
	$(VENV)/pytest -m unit -q

demo: setup
	@scripts/demo

bench: setup
	$(VENV)/python -m bench

# Regenerate src/pytalos/api/gen from src/pytalos/api/proto (generated code is committed).
proto: setup
	$(VENV)/python scripts/gen-proto
