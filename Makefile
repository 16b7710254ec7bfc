# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13: python3.13 on PATH, or pyenv's through .python-version.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || (command -v pyenv >/dev/null 2>&1 && pyenv which python3.13 2>/dev/null))
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: help run test lint e2e bench worker install install-dev check-python clean

help:
	@echo "make run     serve the site on http://127.0.0.1:8000 (SQLite, local files, console email)"
	@echo "make test    lint and run the whole test suite"
	@echo "make e2e     browser journeys in Chromium"
	@echo "make worker  a Celery worker with beat (needs REDIS_URL)"
	@echo "make bench   load benchmark on PostgreSQL + Redis, writes bench/RESULTS.md"

check-python:
	@if [ ! -x "$(PY)" ] && [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.13 is needed and was not found."; \
	  echo "Install it (Debian/Ubuntu: apt-get install python3.13 python3.13-venv; macOS: brew install python@3.13;"; \
	  echo "or pyenv install 3.13), then run make again."; exit 1; fi

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty --activity --renditions
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest -m "not e2e"

# Journeys share one Chromium per session; the player's own browser test runs in a second session.
e2e: install-dev
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest tests/e2e -m e2e
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest tests/lessons/test_player_browser.py -m e2e

worker: install
	$(VENV)/bin/celery -A bds worker --beat --loglevel=INFO

bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
