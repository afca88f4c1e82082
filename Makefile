# The two commands: `make demo` and `make test`. Both set everything up on a fresh
# Debian 12 machine (Postgres 15 + pg_cron + pgTAP + plpgsql_check, .venv, the
# Supabase CLI from npm), start the local stack and apply the migrations.

VENV := .venv
BIN := $(VENV)/bin
SK := $(BIN)/sessionkit

.PHONY: setup system demo test bench lint build stop clean

setup: system $(VENV)/.installed node_modules/.installed

system:
	@bash scripts/ensure-system.sh

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(SK) db start
	$(SK) db reset
	$(SK) demo

# `test --calendar`: the pgTAP suites also run on a second cluster holding other tenants' data,
# now and with its clock on each of the next seven days and on calendar edges (one pytest run,
# one summary line).
test: setup
	$(SK) build --check
	$(SK) db start
	$(SK) db reset
	$(SK) lint
	$(SK) test --calendar

# Every benchmark scenario at its default scale (docs/performance.md); pass options through
# BENCH, e.g. `make bench BENCH="recurring-dispatch --scale 10000 --json"`.
bench: setup
	$(SK) db start
	$(SK) db reset
	$(SK) bench $(BENCH)

lint: setup
	$(SK) lint

build: setup
	$(SK) build

stop:
	$(SK) db stop

clean: stop
	rm -rf .sessionkit
