# The two commands a person needs are `make run` and `make test`; everything else is what they call.
# Each step installs only what it needs: `build` the site extra (Netlify runs it), `run` the site
# and the API, `test` everything.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
PIP    := $(BIN)/pip install -q --disable-pip-version-check

# The PostgreSQL and Redis the API tests talk to; set either to empty to skip those tests locally.
TRUSTCENTER_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TRUSTCENTER_TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15
export TRUSTCENTER_TEST_POSTGRES_URL TRUSTCENTER_TEST_REDIS_URL

say = @printf '\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: run build serve test lint format bench lighthouse brand browser clean

$(BIN)/python:
	$(call say,Creating the virtual environment in $(VENV)/)
	$(PYTHON) -m venv $(VENV)
	$(PIP) -U pip

$(VENV)/.installed-site: pyproject.toml | $(BIN)/python
	$(call say,Installing the site build (MkDocs Material; a minute on the first run))
	$(PIP) -e '.[site]'
	touch $@

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(call say,Installing the site build and the API (a minute or two on the first run))
	$(PIP) -e '.[site,api]'
	touch $@ $(VENV)/.installed-site

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(call say,Installing everything for the tests (a few minutes on the first run))
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.installed-run $(VENV)/.installed-site

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(call say,Installing the benchmarks' tools (Locust))
	$(PIP) -e '.[bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run $(VENV)/.installed-site

build: $(VENV)/.installed-site
	$(call say,Building the site into site/)
	$(BIN)/mkdocs build --strict --clean

# The site is built for the address it is served from: its hreflang alternates are absolute, and
# Material fetches a sitemap next to each (another origin would be refused by the CSP).
run: export TRUSTCENTER_SITE_URL ?= http://$(HOST):$(PORT)/
run: $(VENV)/.installed-run build
	$(call say,Starting the Trust Center: open http://$(HOST):$(PORT)/ (Ctrl-C stops it))
	$(BIN)/trustcenter serve --host $(HOST) --port $(PORT)

# For writers: the site at http://127.0.0.1:8001/, rebuilt on every change of docs/, data/ and
# the templates; its forms talk to the API of a `make run` on port 8000.
serve: $(VENV)/.installed-run
	$(call say,Serving the site for editing at http://127.0.0.1:8001/ (forms use the API on :$(PORT)))
	TRUSTCENTER_SERVE_API=http://$(HOST):$(PORT)/api $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

browser: $(VENV)/.installed-test
	@$(BIN)/python -m tests.support.ensure_browser

lint: $(VENV)/.installed-test
	$(call say,Linting: ruff, ruff format, mypy, import contracts)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api overrides tests bench
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(VENV)/.installed-test browser lint
	$(call say,Running the test suite)
	$(BIN)/pytest -n 2 --dist loadgroup

bench: build $(VENV)/.installed-bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Lighthouse (mobile) against the local server, median of 3 runs; installs Lighthouse with npm
# into bench/lighthouse/node_modules on first use (needs Node >= 18 and a Chromium).
lighthouse: $(VENV)/.installed-test
	$(BIN)/python bench/bench_lighthouse.py

# After a change of docs/assets/brand/icon.svg: render the touch icon from it.
brand: $(VENV)/.installed-test browser
	$(BIN)/python -m tests.support.brand

clean:
	rm -rf site var .pytest_cache .mypy_cache .ruff_cache
