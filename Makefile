# kopsgen: `make install` sets everything up, `make test` runs the default test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install graphviz test test-slow test-all test-moto golden conformance bench bench-peer fuzz clean \
	checkov checkov-scan

# checkov (the policy scanner of tests/system/test_security_checkov.py) has a virtualenv of its own: it installs
# a fork of hcl2 that clashes with python-hcl2 in .venv. It runs offline (--skip-download, BC_SKIP_MAPPING).
CHECKOV_VENV    := .venv-checkov
CHECKOV_VERSION := 3.3.30

install: $(VENV)/.installed graphviz $(CHECKOV_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Graphviz's `dot` draws `kopsgen graph --format svg` (ten small Debian packages). Installed where apt-get
# works (as root, e.g. CI); elsewhere install it yourself: kopsgen says so, and the SVG tests are skipped.
graphviz:
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq --no-install-recommends graphviz >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends graphviz >/dev/null 2>&1; }; }; } || \
	  echo "note: Graphviz (dot) is not installed; kopsgen graph --format svg needs it"

# Regenerate every committed generated file (the golden files the tests compare with): docs/cli.md (from
# --help), docs/reference/*.md (from schemas/), docs/images/ (kopsgen graph) and examples/outputs/ (each
# example's Terraform and CloudFormation, JSON and YAML). After a deliberate change; review the diff.
golden: install
	$(BIN)/python tools/generate.py golden

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

# checkov over both targets of every reference case, the examples and `create cluster`'s defaults, against
# kops's own Terraform and security/checkov-skips.yaml: prints kops's and kopsgen's numbers per case.
checkov: install
	$(BIN)/pytest -q -s -m "slow or not slow" tests/system/test_security_checkov.py

# checkov over a folder you rendered, with kopsgen's skip list: make checkov-scan DIR=out/ [FRAMEWORK=cloudformation]
FRAMEWORK ?= terraform
checkov-scan: install
	$(BIN)/python -m tests.support.checkov $(DIR) --framework $(FRAMEWORK)

# The fuzz test at length: thousands more mutated specs through the real CLI (FUZZ_EXAMPLES to change).
fuzz: install
	KOPSGEN_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(BIN)/pytest -q -s -m "slow or not slow" tests/system/test_fuzz.py

# Test processes: the terraform-on-moto tests mostly wait on the provider's fixed delays, so more
# workers than cores pays (measured on 2 cores: the default run, 2,569 tests, 19.4 min with 4 workers).
TEST_WORKERS ?= 4
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist worksteal

# The default run: everything but the slow suites (a few representative slow cases still run).
test: install
	$(BIN)/pytest -m "not slow" -q $(PYTEST_PARALLEL)

# The slow suites: terraform apply/plan/destroy of every reference case against moto, and the like.
test-slow: install
	$(BIN)/pytest -m slow -q $(PYTEST_PARALLEL)

test-all: install
	$(BIN)/pytest -q $(PYTEST_PARALLEL)

# terraform apply/plan/destroy against a moto server only (default cases and, with SLOW=1, every case).
test-moto: install
	$(BIN)/pytest -m "moto$(if $(SLOW),, and not slow)" -q -s tests/render/terraform/test_moto.py

# How our Terraform lines up with kops's: prints the table, writes outputs/conformance.json.
conformance: install
	$(BIN)/pytest -q -s tests/system/test_conformance.py

# Render time and peak memory of every reference case and of a 1-1000 group scale sweep, both targets:
# prints the table, writes bench-results.json. BENCH_ARGS=--quick for a shorter run.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# kopsgen against AWS CDK: examples/ha-private-bastion.yaml rendered to CloudFormation, and the same cluster
# as a CDK app (bench/peer/app.py) synthesized, interleaved; prints both resource counts and the ratio,
# writes bench-peer-results.json. CDK (aws-cdk-lib, a large package; it runs on node) gets a throw-away
# virtualenv of its own. BENCH_PEER_ARGS=--runs 3 for a shorter run.
BENCH_PEER_VENV := .venv-bench-peer
AWS_CDK_LIB_VERSION := 2.275.0
CONSTRUCTS_VERSION  := 10.8.1

$(BENCH_PEER_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_PEER_VENV)
	$(BENCH_PEER_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_PEER_VENV)/bin/pip install --quiet 'aws-cdk-lib==$(AWS_CDK_LIB_VERSION)' 'constructs==$(CONSTRUCTS_VERSION)'
	touch $@

bench-peer: install $(BENCH_PEER_VENV)/.installed
	$(BIN)/python -m bench.peer.run --peer-python $(BENCH_PEER_VENV)/bin/python $(BENCH_PEER_ARGS)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(BENCH_PEER_VENV) .pytest_cache build *.egg-info outputs
