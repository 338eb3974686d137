# Two commands: `make run` (set up, migrate, seed the demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
KAMP := $(UV) run --frozen kamp

.PHONY: run test setup lint format schema clean

setup:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen

run: setup
	$(KAMP) db upgrade
	$(KAMP) seed --demo
	$(KAMP) serve --host 127.0.0.1 --port 8000

test: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	npm ci --prefix tests/oidc --no-audit --no-fund --silent
	$(UV) run --frozen pytest

lint: setup
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

format: setup
	$(UV) run --frozen ruff format . && $(UV) run --frozen ruff check --fix .

schema: setup
	$(KAMP) export-schema > schema.graphql

clean:
	rm -rf .venv var .pytest_cache .ruff_cache
