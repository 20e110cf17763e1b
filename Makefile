# jiceng — run `make help` for the targets. Needs only Python ≥ 3.11, git and make:
# the first target installs uv (pinned) into .tools/ and the locked dependencies into .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
BIN := .venv/bin
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.DEFAULT_GOAL := help
.PHONY: help setup demo test lint fmt typecheck check-migrations schema bench-generate bench-dedupe bench-indicators bench-worklists clean

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

setup: .venv/.installed ## Install the locked dependencies into .venv

demo: setup ## Run the platform: SQLite, a generated demo county, demo logins, on 127.0.0.1:8000
	$(BIN)/jiceng demo

test: setup ## Run the whole test suite: lint, types, migrations, API schema, pytest (+ Chromium if present)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/check_scope.py
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: setup ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/check_scope.py

fmt: setup ## Format the code and apply safe lint fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: setup ## Type-check with mypy (strict) and django-stubs
	$(BIN)/mypy .

schema: setup ## Export the OpenAPI schema to docs/openapi.json (commit it)
	$(BIN)/python manage.py export_openapi_schema --api jiceng.api.api --indent 2 --sorted --output docs/openapi.json

bench-generate: setup ## Time `generate --size county` (500,000 residents) and print the figures
	$(BIN)/python bench/generate_county.py

bench-dedupe: setup ## Deduplicate 500,000 synthetic residents with our matcher and with Splink; compare
	$(UV) sync --frozen --group bench
	$(BIN)/python bench/dedupe.py

bench-indicators: setup ## Time the programme indicators of a 500,000-resident county against hand-written SQL
	$(BIN)/python bench/indicators.py

bench-worklists: setup ## Time every work list of a 500,000-resident county and a village doctor's page; compare with SQL
	$(BIN)/python bench/worklists.py

clean: ## Remove the virtual environments and the local database
	rm -rf .venv .tools var
