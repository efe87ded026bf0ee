# Dudao — the two commands of docs/ARCHITECTURE.md, and a few more.
#
#   make demo    install, migrate, load the demo county, serve on 127.0.0.1:${PORT:-8000}
#   make test    system packages (as root), install, the whole suite on SQLite and on PostgreSQL
#   make setup   .venv with the pinned requirements, compiled catalogues, var/
#   make system  Debian packages for the suite (chromium, CJK fonts, poppler, gettext, postgresql, LibreOffice, nginx)
#   make lint    ruff and import-linter
#
# Python 3.11 as `python3` (override with PYTHON=...). `make test` takes TEST_WORKERS (pytest-xdist
# workers, default 2; 0 runs in one process) and PYTEST_ARGS (extra pytest arguments).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
INSTALLED := $(VENV)/.dudao-installed
TEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: help setup system demo test lint messages

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

setup: $(INSTALLED) messages
	@mkdir -p var/static

$(INSTALLED): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Dudao needs Python 3.11 or newer as $(PYTHON), found " + sys.version.split()[0])'
	@if [ ! -x $(BIN)/python ]; then \
	  echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "python3 -m venv failed: on Debian's python3 install python3-venv (make system does)" >&2; exit 1; }; \
	fi
	@echo "Installing requirements-dev.txt into $(VENV)"
	@$(PIP) install --quiet -r requirements-dev.txt
	@$(PIP) install --quiet --no-deps -e .
	@touch $@

# Catalogues: Django's compilemessages (GNU msgfmt) when gettext is installed, scripts/msgfmt.py
# otherwise, so that `make demo` needs no system package. Up-to-date .mo files are left alone.
messages: $(INSTALLED)
	@if [ ! -d dudao/locale ]; then \
	  echo "No dudao/locale: no catalogues to compile"; \
	elif command -v msgfmt >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0; \
	else \
	  echo "msgfmt not found (Debian package gettext): compiling with scripts/msgfmt.py"; \
	  $(BIN)/python scripts/msgfmt.py dudao/locale; \
	fi

system:
	@bash scripts/setup-system.sh

demo: setup
	$(BIN)/dudao migrate --noinput
	$(BIN)/dudao demo
	@bash scripts/serve-demo.sh

test: system setup
	@TEST_WORKERS="$(TEST_WORKERS)" bash scripts/run-tests.sh $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
