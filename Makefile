# Two commands on a fresh machine: `make run` and `make test`. The rest are their parts.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The development server runs with DEBUG on, on the SQLite file in ./var, unless told.
DEV    := DEBUG=true

.PHONY: run test fuzz install static messages messages-update migrate data demo serve lint check-i18n format bench package clean

run: install static messages migrate data demo serve

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Front-end libraries from npm (package-lock.json), copied into gnlc/static_vendor.
gnlc/static_vendor/.built: package.json package-lock.json scripts/vendor_static.py
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_static.py
	touch $@

static: install gnlc/static_vendor/.built

# Translations: compiled with Babel (pure Python), so no GNU gettext is needed to run.
messages: install
	$(BIN)/pybabel compile --statistics -d locale -D django

migrate: install
	$(DEV) $(BIN)/gnlc migrate --no-input -v0

data: migrate
	$(DEV) $(BIN)/gnlc import-members --if-empty

demo: migrate
	$(DEV) $(BIN)/gnlc demo

serve:
	@echo "gnlc is serving on http://$(HOST):$(PORT)/"
	$(DEV) $(BIN)/gnlc runserver $(HOST):$(PORT)

test: install static messages
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The API fuzzed from its OpenAPI document (schemathesis, every check, a fixed seed) with
# more examples than the suite's 200 per operation and mode; FUZZ_EXAMPLES to change.
FUZZ_EXAMPLES ?= 1000
fuzz: install
	GNLC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n auto gnlc/api/tests/test_fuzz.py

# After adding or changing marked strings: extract them into the catalogues, then
# translate the new entries (make check-i18n lists what is missing).
messages-update: install
	$(DEV) $(BIN)/gnlc makemessages --no-obsolete --add-location file -l fr -l es -l ar \
		--ignore ".venv/*" --ignore "node_modules/*" --ignore "bench/*"

check-i18n: install
	$(BIN)/python scripts/check_i18n.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The release: sdist and wheel in dist/, checked by installing the wheel outside the
# checkout and serving it with DEBUG off (docs/deploy.md).
package: install
	$(BIN)/python scripts/check_package.py --dist dist

bench: install
	$(BIN)/python bench/members.py

clean:
	rm -rf $(VENV) node_modules gnlc/static_vendor var dist build
