# Two commands: `make run` (set up, migrate, seed the demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
KAMP := $(UV) run --frozen kamp

NPM := npm --no-audit --no-fund
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The end-to-end tests drive Debian's chromium (Playwright downloads no browser).
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test setup frontend chromium lint format schema clean

setup:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen

# The web app: typed operations generated from schema.graphql, type-checked, built to frontend/dist.
frontend:
	$(NPM) ci --prefix frontend --silent
	$(NPM) run build --prefix frontend

chromium:
	@test -x $(CHROMIUM) || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium)

run: setup frontend
	$(KAMP) db upgrade
	$(KAMP) seed --demo
	$(KAMP) serve --host 127.0.0.1 --port 8000

test: setup frontend chromium
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(NPM) ci --prefix tests/oidc --silent
	$(NPM) test --prefix frontend
	KAMP_CHROMIUM=$(CHROMIUM) $(UV) run --frozen pytest

lint: setup
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

format: setup
	$(UV) run --frozen ruff format . && $(UV) run --frozen ruff check --fix .

schema: setup
	$(KAMP) export-schema > schema.graphql

clean:
	rm -rf .venv var .pytest_cache .ruff_cache frontend/node_modules frontend/dist tests/e2e/artifacts
