# Allies: `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast bench install install-test messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate, load the demo data into SQLite (var/allies.sqlite3) and serve on http://127.0.0.1:8000
run: install
	$(BIN)/allies migrate
	$(BIN)/allies demo
	$(BIN)/allies serve --host $(HOST) --port $(PORT)

## test: the whole suite (domain, database, API, CLI, browser) on SQLite
test: install-test
	$(BIN)/python -m pytest

## bench: the benchmarks, each figure beside a baseline measured in the same run
bench: install-test
	$(BIN)/python benchmarks/run.py

## messages: refresh the translation catalogs after changing user-visible text
messages: install-test
	cd src/allies && ../../$(BIN)/django-admin makemessages -l en --no-obsolete --settings=allies.config.settings --pythonpath=.. -i "migrations/*"
	cd src/allies && ../../$(BIN)/django-admin compilemessages --settings=allies.config.settings --pythonpath=..

clean:
	rm -rf $(VENV) var
