# elemental.mediastore — set-up, demo and tests.
#
#   make setup        .venv/ with ansible, boto3, test tools and the local endpoint (idempotent)
#   make demo         start the local endpoint, run playbooks/demo.yml, stop it
#   make test         everything CI runs: lint, docs-lint, sanity, units, emulator-tests, integration, e2e,
#                     reliability, build-check, docs
#
# Parts: make lint | docs-lint | sanity | units | emulator-tests | integration [TARGETS="a b"] | e2e |
#        reliability | build | build-check | docs (HTML site in .build/docsite/build/html) |
#        bench (benchmarks against the peers)
# Tools always come from .venv/bin.  ansible-test works on a copy of the collection under
# .build/collections/ansible_collections/elemental/mediastore (it refuses a symlinked checkout).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
# Override (make BUILD_DIR=/tmp/x ...) to keep a second checkout's or a parallel run's tree apart.
BUILD_DIR ?= $(ROOT)/.build
BUILD := $(abspath $(BUILD_DIR))
COLLECTIONS := $(BUILD)/collections
TREE := $(COLLECTIONS)/ansible_collections/elemental/mediastore
DIST := $(BUILD)/dist
# antsibull-docs and Sphinx get a venv of their own: they need a newer docutils than awscli in .venv allows.
DOCS_VENV := $(BUILD)/docs-venv
DOCS_STAMP := $(DOCS_VENV)/.setup-done
DOCSITE := $(BUILD)/docsite
# antsibull-docs copies a collection that lies in a git work tree with `git ls-files`; amazon.aws in .venv/ lies
# (ignored) in this repository's and would be copied empty, so git's search for a repository stops at .venv/.
DOCS_ENV := PATH=$(DOCS_VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) GIT_CEILING_DIRECTORIES=$(VENV)
# ansible-test looks for version control from the collection root upwards and would find this repository's
# .git, where .build/ is ignored, and see no files; naming the content root stops that walk.
ANSIBLE_TEST := cd $(TREE) && ANSIBLE_TEST_CONTENT_ROOT=$(TREE) $(BIN)/ansible-test

MEDIASTORE_EMULATOR_PORT ?= 4599
TARGETS ?=
# Extra ansible-test integration options, e.g. INTEGRATION_ARGS="--continue-on-error -vvv"
INTEGRATION_ARGS ?=
# All targets run in this many parallel shards, each with its own endpoint on MEDIASTORE_EMULATOR_PORT+i
# (most of a target's time is waiting on the endpoint and on ansible-playbook start-up, so 2 cores suffice).
INTEGRATION_SHARDS ?= 2
PYTEST_ARGS ?=
# Set by `make test`: a main suite (units, emulator tests, integration) with no tests is a failure there,
# while running one part alone before its tests exist only says so.
REQUIRE_SUITES ?=

# Evaluated when a recipe runs, i.e. after `setup` has created the venv.
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VERSION = $(shell sed -n 's/^version: *//p' $(ROOT)/galaxy.yml)
TARBALL = $(DIST)/elemental-mediastore-$(VERSION).tar.gz

export PATH := $(BIN):$(PATH)
export MEDIASTORE_EMULATOR_PORT
export ANSIBLE_NOCOLOR ?= 1
export NO_COLOR ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

EMULATOR_PYPROJECT := $(wildcard $(ROOT)/tests/emulator/pyproject.toml)
UNIT_TESTS = $(shell find $(ROOT)/tests/unit -name 'test_*.py' 2>/dev/null)
EMULATOR_TEST_DIRS = $(wildcard $(ROOT)/tests/emulator/unit $(ROOT)/tests/emulator/tests)
INTEGRATION_TARGETS = $(shell for d in $(ROOT)/tests/integration/targets/*/; do \
	[ -d "$$d" ] && ! grep -qsxE 'hidden|disabled|unsupported' "$$d/aliases" && basename "$$d"; done; true)

.PHONY: help setup docs-setup tree get-pip demo test lint docs-lint sanity units emulator-tests integration e2e reliability reliability-report \
	chromium build build-check docs bench clean distclean

help:
	@sed -n '2,/^$$/{/^#/s/^# \{0,1\}//p}' $(firstword $(MAKEFILE_LIST))

# ---------------------------------------------------------------------------------------------------- set-up

setup: $(STAMP)

$(STAMP): $(ROOT)/requirements.txt $(ROOT)/requirements-dev.txt $(EMULATOR_PYPROJECT)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		"make setup: $(PYTHON) is Python %d.%d; ansible-core 2.19 needs 3.11+ (make setup PYTHON=python3.11)" % sys.version_info[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(ROOT)/requirements-dev.txt
	@if [ -f $(ROOT)/tests/emulator/pyproject.toml ]; then \
		echo "$(BIN)/python -m pip install --quiet -e tests/emulator"; \
		$(BIN)/python -m pip install --quiet -e $(ROOT)/tests/emulator; \
	else echo "setup: tests/emulator/pyproject.toml not there yet; the local endpoint is not installed"; fi
	touch $@
	@echo "setup: .venv is ready ($$($(BIN)/ansible --version | head -1))"

docs-setup: $(DOCS_STAMP)

$(DOCS_STAMP): $(ROOT)/requirements-docs.txt
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -r $(ROOT)/requirements-docs.txt
	touch $@

# The collection tree ansible-test, ansible-lint and the demo use (cheap: copies only what changed).
tree: setup
	@$(BIN)/python $(ROOT)/scripts/collection-tree.py $(ROOT) $(COLLECTIONS)

# ansible-test's venvs bootstrap pip from a cached get-pip script that cannot be downloaded here.
get-pip: setup
	@$(BIN)/python $(ROOT)/scripts/ensure-get-pip.py

# ---------------------------------------------------------------------------------------------------- demo

demo: tree
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
		ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(ROOT)/scripts/with-emulator.sh $(BIN)/ansible-playbook $(ROOT)/playbooks/demo.yml

# ---------------------------------------------------------------------------------------------------- tests

test:
	$(MAKE) --no-print-directory setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory docs-lint
	$(MAKE) --no-print-directory sanity
	$(MAKE) --no-print-directory units REQUIRE_SUITES=1
	$(MAKE) --no-print-directory emulator-tests REQUIRE_SUITES=1
	$(MAKE) --no-print-directory integration REQUIRE_SUITES=1
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory reliability
	$(MAKE) --no-print-directory build-check
	$(MAKE) --no-print-directory docs
	@echo "make test: all suites passed"

lint: tree
	cd $(ROOT) && $(BIN)/ruff check .
	cd $(ROOT) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --offline --profile production
	cd $(ROOT) && $(BIN)/antsibull-changelog lint

# The guides' references and extra-docs.yml, and every plugin's documentation as the docsite renders it.
docs-lint: tree docs-setup
	cd $(ROOT) && $(DOCS_ENV) antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

sanity: tree get-pip
	$(ANSIBLE_TEST) sanity --python $(PYVER) --color no

units: tree get-pip
	@if [ -z "$(UNIT_TESTS)" ]; then \
		if [ -n "$(REQUIRE_SUITES)" ]; then echo "units: no tests/unit/**/test_*.py found" >&2; exit 1; fi; \
		echo "units: no unit tests under tests/unit yet, nothing to run"; exit 0; fi; \
	$(ANSIBLE_TEST) units --venv --python $(PYVER) --color no $(PYTEST_ARGS)

emulator-tests: setup
	@if [ -z "$(EMULATOR_TEST_DIRS)" ]; then \
		if [ -n "$(REQUIRE_SUITES)" ]; then echo "emulator-tests: tests/emulator/{unit,tests} not found" >&2; exit 1; fi; \
		echo "emulator-tests: tests/emulator/unit and tests/emulator/tests do not exist yet, nothing to run"; exit 0; fi; \
	cd $(ROOT) && $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS) $(EMULATOR_TEST_DIRS)

# A tree per port, so that integration runs on different ports (MEDIASTORE_EMULATOR_PORT) in one checkout
# never read each other's integration_config.yml.
INTEGRATION_COLLECTIONS = $(BUILD)/integration-$(MEDIASTORE_EMULATOR_PORT)/collections
INTEGRATION_TREE = $(INTEGRATION_COLLECTIONS)/ansible_collections/elemental/mediastore

integration: setup
	@if [ -z "$(TARGETS)$(INTEGRATION_TARGETS)" ]; then \
		if [ -n "$(REQUIRE_SUITES)" ]; then echo "integration: no targets under tests/integration/targets" >&2; exit 1; fi; \
		echo "integration: no targets under tests/integration/targets yet, nothing to run"; exit 0; fi; \
	if [ -z "$(TARGETS)" ] && [ "$(INTEGRATION_SHARDS)" -gt 1 ]; then \
		exec $(ROOT)/scripts/integration-parallel.sh $(ROOT) $(BUILD) $(PYVER) $(INTEGRATION_SHARDS) \
			$(MEDIASTORE_EMULATOR_PORT) $(INTEGRATION_ARGS); fi; \
	$(BIN)/python $(ROOT)/scripts/collection-tree.py $(ROOT) $(INTEGRATION_COLLECTIONS); \
	$(ROOT)/scripts/with-emulator.sh \
		$(ROOT)/scripts/integration.sh $(ROOT) $(INTEGRATION_TREE) $(PYVER) $(INTEGRATION_ARGS) $(TARGETS)

# Optional suite: runs when tests/e2e exists; pytest's "no tests collected" (5) is not a failure here.
e2e: setup
	@if [ ! -d $(ROOT)/tests/e2e ]; then echo "e2e: tests/e2e does not exist yet, nothing to run"; exit 0; fi; \
	$(MAKE) --no-print-directory chromium; \
	cd $(ROOT) && status=0 && $(BIN)/python -m pytest $(PYTEST_ARGS) tests/e2e || status=$$?; \
	if [ $$status -eq 5 ]; then echo "e2e: no end-to-end tests collected yet"; exit 0; fi; exit $$status

# The whole collection under faults, bad input, concurrency and restarts (tests/reliability): each
# test starts its own endpoints on free ports and drives ansible-playbook against the tree.
reliability: tree
	cd $(ROOT) && MEDIASTORE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS) tests/reliability

# Runs the reliability suite and writes its figures into docs/reliability.md.
reliability-report: tree
	cd $(ROOT) && MEDIASTORE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/python tests/reliability/report.py

chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	sudo=""; if [ "$$(id -u)" -ne 0 ]; then sudo=sudo; fi; \
	echo "chromium: installing Debian's chromium for the end-to-end tests"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

build: setup
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) $(ROOT)

build-check: build
	$(ROOT)/scripts/build-check.sh $(TARBALL)

docs: tree docs-setup
	$(DOCS_ENV) $(ROOT)/scripts/build-docs.sh $(DOCSITE)

# ---------------------------------------------------------------------------------------------------- benchmarks

bench: setup
	cd $(ROOT) && $(BIN)/python bench/run_all.py

# ---------------------------------------------------------------------------------------------------- clean

clean:
	rm -rf $(BUILD) $(ROOT)/tests/output $(ROOT)/tests/integration/integration_config.yml

distclean: clean
	rm -rf $(VENV)
