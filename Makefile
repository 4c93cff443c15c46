# The platform's commands. Each installs what it needs first (see scripts/platformctl.py).
PYTHON ?= python3
PLATFORM := $(PYTHON) scripts/platformctl.py

.PHONY: up down restart status test lint install lock eval-moderation demo bench

up:        ## create envs, databases and migrations, start every service (API + workers)
	$(PLATFORM) up

down:      ## stop everything `make up` started
	$(PLATFORM) down

restart:   ## stop, reinstall if needed, migrate and start again
	$(PLATFORM) restart

status:    ## which services answer /readyz
	$(PLATFORM) status

test:      ## install dev deps, then run chassis, service and repository tests (SERVICE=post: one suite)
	$(PLATFORM) test $(if $(SERVICE),--only $(SERVICE))

lint:      ## ruff (lint + format check) and mypy for the chassis and every service
	$(PLATFORM) lint

install:   ## only create the virtualenvs and install pinned dependencies
	$(PLATFORM) install

lock:      ## re-pin requirements*.txt from requirements*.in (pip freeze in a throwaway venv)
	$(PYTHON) scripts/lock.py

eval-moderation:  ## confusion matrix and per-class precision/recall/F1 of the moderation analyser
	$(PLATFORM) install
	cd moderation-service && .venv/bin/python -m moderation_service.eval

demo:      ## walk the seed's functional flow against the platform from `make up`
	$(PYTHON) scripts/demo.py

bench:     ## seed the running platform and measure it against a bare baseline (see bench/README.md)
	test -x bench/.venv/bin/python || $(PYTHON) -m venv bench/.venv
	bench/.venv/bin/python -m pip install --quiet -r bench/requirements.txt
	bench/.venv/bin/python bench/seed.py --users 200 --connections 20 --posts 10000
	bench/.venv/bin/python bench/run.py
