# The README's two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := leerplatform

.PHONY: run test lint format install install-test translations extract-messages \
        update-messages vendor migrate demo worker clean bench drills wrk

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Compile the translation catalogues (the .mo files are built, never committed).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d leerplatform/translations

## Find new strings in the code and templates and add them to the catalogues.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o leerplatform/translations/messages.pot --no-location --sort-output --omit-header --ignore-dirs='.* node_modules instance' .
update-messages: extract-messages
	$(BIN)/pybabel update -i leerplatform/translations/messages.pot -d leerplatform/translations --no-fuzzy-matching --ignore-obsolete

migrate: translations
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo load

## Set everything up on SQLite and serve http://127.0.0.1:5000 with the demo content;
## the outbox worker writes mails into instance/mail and prints them here.
run: demo
	@echo "Leerplatform draait op http://127.0.0.1:5000 (stoppen: Ctrl+C)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/flask outbox deliver --poll 1 & \
	  $(BIN)/flask run --host 127.0.0.1 --port 5000

worker: $(VENV)/.installed
	$(BIN)/flask outbox deliver

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Lint, then the whole suite (on PostgreSQL too when TEST_DATABASE_URL is set).
test: lint translations
	$(BIN)/pytest -n 2 -q

## The benchmark: seed PostgreSQL (BENCH_SERVER, by default the local server), serve the app with
## gunicorn, load it with wrk and write BENCHMARKS.md. Smaller sizes: make bench BENCH_ARGS='--threads 5000'.
BENCH_ARGS ?=
bench: install-test translations wrk
	$(BIN)/python tools/bench/run.py $(BENCH_ARGS)

wrk:
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk))

## The drills on PostgreSQL: 8 concurrent writers, a database restart (on a throwaway cluster
## of their own) and a mail server that is down. DRILL_DATABASE_URL picks the server for the
## writers and the mail drill.
DRILL_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
drills: install-test translations
	LEERPLATFORM_DRILLS=1 TEST_DATABASE_URL=$(DRILL_DATABASE_URL) $(BIN)/pytest -q -p no:cacheprovider tests/drills

## Fetch the NL Design System CSS and the font from npm into static/vendor.
vendor:
	tools/vendor-assets.sh

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
