# Marquee: `make dev` runs the local stack, `make test` runs the checks and the suite.
# Both install what they need first (Python venv, npm packages, the local OpenSearch node's
# launcher from Maven Central), from pinned files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAGE  ?= dev
PYTEST_ARGS ?=
BENCH_ARGS ?=
# Extra CDK context, e.g. CDK_ARGS="-c alarmEmail=oncall@your-domain -c emailSender=no-reply@your-domain"
CDK_ARGS ?=
OPENSEARCH := local/opensearch

.PHONY: dev test lint typecheck pytest fuzz install web synth deploy reindex bench clean

install: $(VENV)/.installed node_modules/.installed web/node_modules/.installed $(OPENSEARCH)/target/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v java >/dev/null || { echo "error: Java 17+ is required for DynamoDB Local and OpenSearch (Debian: apt-get install openjdk-17-jdk-headless)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import chalice, pynamodb, moto, localstripe" 
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The web client: its API types generated from the app's OpenAPI document (so a schema
# change is a type error here), type-checked, then bundled by Vite into web/dist.
web: install
	cd web && npm run build

# The OpenSearch 2.19.6 node of the local stack: Maven resolves the server and its modules
# into target/lib (~50 MB, once; ~/.m2 caches them) and compiles the launcher.
$(OPENSEARCH)/target/.installed: $(OPENSEARCH)/pom.xml $(shell find $(OPENSEARCH)/src -name '*.java')
	@command -v mvn >/dev/null || { echo "error: Maven is required to build the local OpenSearch node (Debian: apt-get install maven)"; exit 1; }
	mvn -q -B -Dstyle.color=never -f $(OPENSEARCH)/pom.xml clean compile dependency:copy-dependencies
	touch $@

dev: install web
	$(BIN)/python -m local

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install web
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck web pytest

# Conformance fuzzing with many more examples per operation than make test's run
# (tests/api/test_fuzz.py: every schemathesis check; FUZZ_EXAMPLES=N to change).
FUZZ_EXAMPLES ?= 50
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/python -m pytest tests/api/test_fuzz.py -q

synth: install web
	cd infrastructure && ../node_modules/.bin/cdk synth --quiet -c stage=$(STAGE) $(CDK_ARGS)

deploy: install web
	cd infrastructure && ../node_modules/.bin/cdk deploy --all -c stage=$(STAGE) $(CDK_ARGS)

# Performance figures of the README (ratios, one run; not part of `make test`).
bench: install web
	$(BIN)/python -m bench $(BENCH_ARGS)

reindex: install
	$(BIN)/python -m local.reindex

clean:
	rm -rf $(VENV) node_modules web/node_modules web/dist $(OPENSEARCH)/target .local .artifacts .mypy_cache .ruff_cache infrastructure/cdk.out
