# Zhongjian: `make run` serves the demo county, `make test` runs lint and every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# PostgreSQL used by `make test` when it answers (trust auth on this address by default).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint format bench vendor clean

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

run: $(VENV)/.installed
	$(BIN)/zhongjian migrate --noinput -v0
	$(BIN)/zhongjian demo --if-empty
	@echo "演示账号（var/demo-logins.txt：角色 用户名 密码）："
	@cat var/demo-logins.txt 2>/dev/null || echo "  （未找到：数据库不是由 make run 生成的）"
	@echo "打开 http://127.0.0.1:$(PORT)/"
	@$(BIN)/zhongjian run_huey --quiet & consumer=$$!; trap "kill $$consumer 2>/dev/null" EXIT INT TERM; \
		$(BIN)/zhongjian runserver --noreload 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(BIN)/python -m pytest
	@url="$${DATABASE_URL:-$(PG_TEST_URL)}"; \
	if [[ "$$url" == postgres* ]] && $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== tests on PostgreSQL ($${url%%@*}@…)"; \
		DATABASE_URL="$$url" $(BIN)/python -m pytest && echo "Databases tested: SQLite, PostgreSQL"; \
	else \
		echo "PostgreSQL did not answer at $${url##*@}: tests ran on SQLite only"; \
	fi

bench: $(VENV)/.installed
	$(BIN)/python -m bench

vendor:
	npm ci --no-audit --no-fund
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE zhongjian/static/vendor/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE zhongjian/static/vendor/htmx/

clean:
	rm -rf $(VENV) var node_modules
