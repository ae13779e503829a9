# make demo   – set up (system packages, .venv) and build the shipped campaign into out/
# make test   – set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup system-deps catalogs messages clean bench bench-large bench-incremental bench-peers

demo: setup
	$(BIN)/wir-letters check
	$(BIN)/wir-letters build

test: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/run.py --sizes 33,330

bench-large: setup
	$(BIN)/python bench/run.py --sizes 33,330,3300

bench-incremental: setup
	$(BIN)/python bench/incremental.py

# wir-letters against Carbone 3 (Node, installed into bench/work/carbone by the script); `make bench` needs no Node
bench-peers: setup
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then echo "node, npm: present"; else \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y \
		--no-install-recommends nodejs npm; fi
	$(BIN)/python bench/peers.py --sizes 33,330

setup: system-deps $(VENV)/.installed catalogs

# The German message catalog, compiled from wir_letters/locale/de/LC_MESSAGES/wir_letters.po (the .mo is not committed)
catalogs: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d wir_letters/locale -D wir_letters

# After changing messages in the code: extract them and update the catalog, then translate the new entries
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output -o wir_letters/locale/wir_letters.pot .
	$(BIN)/pybabel -q update -i wir_letters/locale/wir_letters.pot -d wir_letters/locale -D wir_letters --no-fuzzy-matching

# LibreOffice, fonts, poppler, Chromium, jemalloc; on Debian 12 LibreOffice from bookworm-backports
# (LIBREOFFICE_BACKPORTS=0: the distribution's own)
system-deps:
	@sh tools/system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf out .pytest_cache
