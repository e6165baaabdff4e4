# The two commands a person needs are `make run` and `make test`; everything else is what they call.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1

# The PostgreSQL and Redis the API tests talk to; set either to empty to skip those tests locally.
TRUSTCENTER_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TRUSTCENTER_TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15
export TRUSTCENTER_TEST_POSTGRES_URL TRUSTCENTER_TEST_REDIS_URL

.PHONY: run build test lint format bench browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

build: $(VENV)/.installed-run
	$(BIN)/mkdocs build --strict --clean

run: build
	$(BIN)/trustcenter serve --host $(HOST) --port $(PORT)

browser: $(VENV)/.installed-test
	@$(BIN)/python -m tests.support.ensure_browser

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api overrides tests bench

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(VENV)/.installed-test browser lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: build $(VENV)/.installed-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf site var .pytest_cache .mypy_cache .ruff_cache
