# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
PORT ?= 8000
HOST ?= 127.0.0.1
OUTPUT := output
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test html publish clean check bench install ensure-chromium audit i18n drill fuzz lint \
	desk-screenshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Build the site with the development settings into output/.
html: $(STAMP)
	$(PY) scripts/build.py pelicanconf.py $(OUTPUT)

## Build the production site (SITEURL from the environment) into output/.
publish: $(STAMP)
	$(PY) scripts/build.py publishconf.py $(OUTPUT)

## Serve the site and the forms service on one port, rebuilding on changes.
run: $(STAMP)
	$(PY) -m devserver --host $(HOST) --port $(PORT)

ensure-chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| { echo "Could not install chromium with apt-get."; exit 1; }; \
	else \
		echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium'."; \
		[ "$$CI" != "true" ] || exit 1; \
	fi
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing a Java runtime for the HTML checker (vnu)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
		|| { echo "Could not install default-jre-headless with apt-get."; exit 1; }; \
	else \
		echo "The HTML validation test needs Java: run 'sudo apt-get install default-jre-headless'."; \
		[ "$$CI" != "true" ] || exit 1; \
	fi

## Lint the Python code with the project's own ruff configuration (pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Run the whole test suite, browser tests included.
test: $(STAMP) ensure-chromium
	$(PY) -m pytest $(PYTEST_ARGS)

## The property-based fuzz of the public endpoints with many more examples than `make test`.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/forms/test_fuzz.py $(PYTEST_ARGS)

## Benchmarks (speed and memory targets); not part of `make test`. They reuse the tests'
## helpers (tests/, tests/forms/), put on the import path here as pytest puts them.
TEST_HELPERS := PYTHONPATH=tests:tests/forms
bench: $(STAMP)
	@status=0; for script in bench/bench_*.py; do echo "== $$script"; $(TEST_HELPERS) $(PY) $$script || status=1; done; \
	[ $$status = 0 ] || echo "Some benchmark targets were missed (see above)."; exit $$status

## Fault drill of the forms service on loopback (restarts PostgreSQL; about 4 minutes);
## not part of `make test`. Smaller: DRILL_SIGNUPS=2000 DRILL_BOOKINGS=100 DRILL_SECONDS=60.
drill: $(STAMP)
	$(PY) -m scripts.drill

clean:
	rm -rf $(OUTPUT) $(dir $(OUTPUT)).$(notdir $(OUTPUT))-* cache .pytest_cache

## Extract theme strings and update every language's catalog (then fill in the msgstr lines).
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -o theme/translations/messages.pot --no-location --omit-header --width 100 .
	$(VENV)/bin/pybabel update -i theme/translations/messages.pot -d theme/translations -D messages --no-fuzzy-matching --ignore-obsolete --omit-header --width 100

## The README's pictures of the sales desk (docs/desk-*.png; needs chromium).
desk-screenshots: $(STAMP)
	$(TEST_HELPERS) $(PY) scripts/desk_screenshots.py

## Lighthouse scores of the production build (needs chromium and npm).
audit: $(STAMP)
	$(PY) scripts/audit.py
