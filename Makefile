# sanhak — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run setup test lint bench bench-web bench-labs bench-itc2019 bench-schedule bench-learning bench-demand bench-map-needs deps migrate static demo browser-deps messages

run: setup
	@$(PY) manage.py demo_banner --port $(PORT)
	$(PY) manage.py scheduling_worker & worker=$$!; $(PY) manage.py completions_decide --every 3600 -v 0 & daily=$$!; trap 'kill $$worker $$daily 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

setup: deps migrate static demo

$(VENV)/.installed: requirements/base.in requirements/dev.in requirements/lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.in -c requirements/lock.txt
	@touch $@

deps: $(VENV)/.installed

migrate: deps
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0

static: deps
	$(PY) manage.py collectstatic --noinput -v 0

demo: migrate
	$(PY) manage.py seed_demo --scale small --if-empty

browser-deps:
	@bash scripts/browser_deps.sh

test: deps browser-deps
	@bash scripts/test.sh

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy sanhak config

bench: bench-web bench-labs bench-itc2019 bench-schedule bench-learning bench-demand bench-map-needs

bench-web: deps
	$(PY) bench/run.py

bench-labs: deps
	$(PY) bench/labs.py

bench-itc2019: deps
	$(PY) bench/itc2019.py --time-limit 300 --workers 2 --limit tg-fal17=600

bench-schedule: deps
	$(PY) bench/schedule_term.py

bench-learning: deps
	$(PY) bench/learning.py

bench-demand: deps
	$(PY) bench/demand.py

bench-map-needs: deps
	$(PY) bench/map_needs.py

messages: deps
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages -l en -l ko --ignore=.venv
