# kopsgen: `make install` sets everything up, `make test` runs the default test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install test test-slow test-all bench fuzz clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The default run: everything but the slow suites (a few representative slow cases still run).
test: install
	$(BIN)/pytest -m "not slow" -q

# The slow suites: terraform apply/plan/destroy of every reference case against moto, and the like.
test-slow: install
	$(BIN)/pytest -m slow -q

test-all: install
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info outputs
