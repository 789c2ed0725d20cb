# The two commands of the README: `make run` and `make test`. Each sets up
# what it needs on a fresh machine: a virtualenv in .venv with the package
# (`make run`: what running needs, nothing more; `make test`: the test extras
# too) and, for the browser tests, Debian's Chromium.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test screenshots bench chromium postgresql clean

$(VENV)/bin/pip:
	$(PYTHON) -m venv $(VENV)

# Running needs the package and its install_requires only: no Playwright,
# RelStorage or psycopg2 before the first page.
$(RUN_STAMP): setup.cfg pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

# The tests install everything (the package again, with its test extras).
$(TEST_STAMP): setup.cfg pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP) $(RUN_STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads one.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The RelStorage tests start a PostgreSQL server of their own from Debian's
# binaries (initdb and postgres in /usr/lib/postgresql/VERSION/bin).
postgresql:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the RelStorage tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

run: $(RUN_STAMP)
	mkdir -p var
	$(BIN)/pserve development.ini

test: $(TEST_STAMP) chromium postgresql
	$(BIN)/pytest

# The README's pictures: the browser tests save them while they run.
screenshots: $(TEST_STAMP) chromium
	ORDERFLOW_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser -q

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/*.fs* test-output
