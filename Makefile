# CME Ledger: `make run` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT

.PHONY: lock run test test-fast test-slow test-browser test-postgres lint typecheck bench bench-load eval-capture demo clean

# Every dependency, direct and transitive, comes from requirements.lock with its hashes
# (pip, setuptools and wheel too); the project itself is then installed without deps.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Refresh requirements.lock after changing a pin in pyproject.toml (docs/operations.md).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

data/secret_key:
	mkdir -p data
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > data/secret_key

run: $(STAMP) data/secret_key
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger migrate --no-input
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger catalog sync
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger collectstatic --no-input --verbosity 0
	@if [ -n "$(DEMO)" ]; then SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger demo; fi
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check cmeledger bench tests

# mypy with django-stubs over the domain apps listed in pyproject.toml ([tool.mypy]);
# the plugin loads the settings, which refuse to start without a key.
typecheck: $(STAMP)
	SECRET_KEY=typecheck-only-secret-key $(BIN)/mypy

# The suite runs on SQLite unless DATABASE_URL points elsewhere (.ci/run sets it for PostgreSQL),
# in one process per core (pytest-xdist). `--dist load` hands each worker tests in collection
# order, so pytest-django's order holds on every worker: transactional tests, which empty the
# tables, run after the tests that read the data migrations seed. Tests marked slow (crash,
# fault, fuzz) run in CI and with test-slow.
PYTEST := SECRET_KEY=test-only-secret-key $(BIN)/pytest -q -n auto --dist load
test: $(STAMP) lint typecheck
	$(PYTEST) -m "not browser and not slow"

# The edit loop: no lint, stop at the first failure.
test-fast: $(STAMP)
	$(PYTEST) -m "not browser and not slow" -x

test-slow: $(STAMP)
	$(PYTEST) -m "slow"

# Everything but the browser journeys, slow tests included.
test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PYTEST) -m "not browser"

AXE_STAMP := tests/browser/node_modules/.installed

$(AXE_STAMP): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $(AXE_STAMP)

test-browser: $(STAMP) $(AXE_STAMP)
	SECRET_KEY=test-only-secret-key $(BIN)/pytest -q -m browser -o addopts="-p no:cacheprovider"

bench: $(STAMP)
	SECRET_KEY=bench-only-secret-key $(BIN)/python -m bench

bench-load: $(STAMP)
	SECRET_KEY=bench-only-secret-key $(BIN)/python -m bench.load

eval-capture: $(STAMP)
	SECRET_KEY=eval-only-secret-key $(BIN)/python -m cmeledger.capture.evaluation

demo: $(STAMP) data/secret_key
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger migrate --no-input
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger catalog sync
	SECRET_KEY="$$(cat data/secret_key)" $(BIN)/cmeledger demo

clean:
	rm -rf $(VENV) staticfiles
