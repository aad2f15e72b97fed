# Two commands for a fresh machine (Python 3.11+):
#   make serve   set up, build the graph and serve it on http://127.0.0.1:5000/
#   make test    set up and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test build setup browser clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

setup: $(BIN)/kg

build: setup
	$(BIN)/kg build

serve: setup
	$(BIN)/kg serve

browser:
	bash scripts/install-chromium

test: setup browser
	$(BIN)/python -m pytest

clean:
	rm -rf build build.rejected .build.* $(VENV)
