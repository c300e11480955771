# Marquee: `make dev` runs the local stack, `make test` runs the checks and the suite.
# Both install what they need first (Python venv + npm packages), from pinned files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAGE  ?= dev
PYTEST_ARGS ?=

.PHONY: dev test lint typecheck pytest install synth deploy reindex clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v java >/dev/null || { echo "error: Java 17+ is required for DynamoDB Local (Debian: apt-get install openjdk-17-jre-headless)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import chalice, pynamodb, moto, localstripe" 
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

dev: install
	$(BIN)/python -m local

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

synth: install
	cd infrastructure && ../node_modules/.bin/cdk synth --quiet -c stage=$(STAGE)

deploy: install
	cd infrastructure && ../node_modules/.bin/cdk deploy --all -c stage=$(STAGE)

reindex: install
	$(BIN)/python -m chalicelib.search.reindex --local-stack

clean:
	rm -rf $(VENV) node_modules .local .mypy_cache .ruff_cache infrastructure/cdk.out
