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

.PHONY: run test test-clock tour setup frontend chromium faketime oidc lint format schema clean

setup:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen

# The web app: typed operations generated from schema.graphql, type-checked, built to frontend/dist.
frontend:
	$(NPM) ci --prefix frontend --silent
	$(NPM) run build --prefix frontend

chromium:
	@test -x $(CHROMIUM) || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium)

# Debian's libfaketime moves the machine's clock for a whole process tree (test-clock).
faketime:
	@command -v faketime >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends faketime)

# The OpenID provider the federation tests sign in with.
oidc:
	$(NPM) ci --prefix tests/oidc --silent

run: setup frontend
	$(KAMP) db upgrade
	$(KAMP) seed --demo
	$(KAMP) serve --host 127.0.0.1 --port 8000

# The suite is spread over both cores; then the date-sensitive part runs again under moved clocks.
PYTEST := $(UV) run --frozen pytest -n 2 --dist loadgroup
test: setup frontend chromium oidc faketime
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(UV) run --frozen mypy
	$(NPM) run lint --prefix frontend
	$(NPM) test --prefix frontend
	KAMP_CHROMIUM=$(CHROMIUM) $(PYTEST)
	$(MAKE) --no-print-directory test-clock

# No test may depend on the day it runs: the folders that deal with dates pass with the
# machine's clock (and every process the tests start) a year and a half ahead and half a year back
# (client registration, scopes and headers hold no dates).
CLOCK_TESTS := tests/meetings tests/actions tests/jobs tests/forecasts tests/notifications \
	tests/auth/test_bearer.py tests/auth/test_federation.py tests/auth/test_oauth.py \
	tests/auth/test_ratelimit.py tests/auth/test_sessions.py \
	tests/accounts/test_invitations.py tests/test_demo.py
CLOCK_SHIFTS := +550d -180d
test-clock: setup oidc faketime
	@for shift in $(CLOCK_SHIFTS); do \
		echo "== the clock moved $$shift: $$(faketime -f $$shift date -u)"; \
		faketime -f $$shift $(PYTEST) -q $(CLOCK_TESTS) || exit 1; \
	done

# The README's tour: screenshots of the last end-to-end run.
TOUR := 04-workspace-home-customer 05-plan-kam 07-conflict 09-meeting 10-action-board \
	12-relationship-map-kam 20-stock-board 22-proposal-review 23-order-kam 27-scorecards
tour:
	@for shot in $(TOUR); do cp tests/e2e/artifacts/$$shot.png docs/tour/; done

lint: setup
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(UV) run --frozen mypy
	@test -d frontend/node_modules || $(NPM) ci --prefix frontend --silent
	$(NPM) run lint --prefix frontend

format: setup
	$(UV) run --frozen ruff format . && $(UV) run --frozen ruff check --fix .

schema: setup
	$(KAMP) export-schema > schema.graphql

clean:
	rm -rf .venv var .pytest_cache .ruff_cache .mypy_cache frontend/node_modules frontend/dist tests/e2e/artifacts
