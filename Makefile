# kopsgen: `make install` sets everything up, `make test` runs the default test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install test test-slow test-all test-moto golden-cloudformation conformance bench fuzz clean

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

# terraform apply/plan/destroy against a moto server only (default cases and, with SLOW=1, every case).
test-moto: install
	$(BIN)/pytest -m "moto$(if $(SLOW),, and not slow)" -q -s tests/test_terraform_moto.py

# Rewrite the CloudFormation golden files of the examples (tests/golden/cloudformation/); review the diff.
golden-cloudformation: install
	KOPSGEN_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_cloudformation_golden.py

# How our Terraform lines up with kops's: prints the table, writes outputs/conformance.json.
conformance: install
	$(BIN)/pytest -q -s tests/test_conformance.py

# Render time and peak memory of every reference case and of a 1-1000 group scale sweep, both targets:
# prints the table, writes bench-results.json. BENCH_ARGS=--quick for a shorter run.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info outputs
