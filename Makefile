# elemental.mediastore — set-up, demo and tests.  docs/development.md draws the whole harness.
#
#   make setup        .venv/ with ansible, boto3, test tools and the local endpoint (idempotent)
#   make demo         start the local endpoint, run playbooks/demo.yml, stop it
#   make test         everything CI runs, one step after the other (the list is the `test` target below)
#
# Parts: make lint | docs-lint | sanity | units | emulator-tests | bench-tests | integration [TARGETS="a b"] |
#        chromium | e2e | reliability | reliability-report | build | build-check | docs | bench | clean | distclean
# Tools come from .venv/bin.  ansible-test, ansible-lint and the demo work on a copy of the collection under
# $(BUILD_DIR)/collections; each integration shard on one of its own under $(BUILD_DIR)/integration-<port>.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
# Override (make BUILD_DIR=/tmp/x ...) to keep a second checkout's or a parallel run's trees apart.
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
CHROMIUM := /usr/bin/chromium

# The demo's endpoint, and the first integration shard's (shard i listens on MEDIASTORE_EMULATOR_PORT+i).
MEDIASTORE_EMULATOR_PORT ?= 4599
# Integration targets to run (all when empty), extra ansible-test options (e.g. "--continue-on-error -vvv"),
# and how many shards run all targets at once (most of a target's time is waiting, so 2 cores suffice).
TARGETS ?=
INTEGRATION_ARGS ?=
INTEGRATION_SHARDS ?= 2
PYTEST_ARGS ?=

# Evaluated when a recipe runs, i.e. after `setup` has created the venv.
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
VERSION = $(shell sed -n 's/^version: *//p' $(ROOT)/galaxy.yml)
TARBALL = $(DIST)/elemental-mediastore-$(VERSION).tar.gz

export PATH := $(BIN):$(PATH)
export ANSIBLE_NOCOLOR ?= 1
export NO_COLOR ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup docs-setup tree ansible-test-home demo test lint docs-lint sanity units emulator-tests bench-tests \
	integration chromium e2e reliability reliability-report build build-check docs bench clean distclean

help:
	@sed -n '2,/^$$/{/^#/s/^# \{0,1\}//p}' $(firstword $(MAKEFILE_LIST))

# ---------------------------------------------------------------------------------------------------- set-up

setup: $(STAMP)

$(STAMP): $(ROOT)/requirements.txt $(ROOT)/requirements-dev.txt $(ROOT)/tests/emulator/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		"make setup: $(PYTHON) is Python %d.%d; ansible-core 2.19 needs 3.11+ (make setup PYTHON=python3.11)" % sys.version_info[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(ROOT)/requirements-dev.txt
	$(BIN)/python -m pip install --quiet -e $(ROOT)/tests/emulator
	touch $@
	@echo "setup: .venv is ready (ansible-core $$($(BIN)/python -c 'import ansible.release; print(ansible.release.__version__)'))"

docs-setup: $(DOCS_STAMP)

$(DOCS_STAMP): $(ROOT)/requirements-docs.txt
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -r $(ROOT)/requirements-docs.txt
	touch $@

# The collection tree ansible-test, ansible-lint and the demo use (cheap: copies only what changed).
tree: setup
	@$(BIN)/python $(ROOT)/scripts/collection_tree.py $(ROOT) $(COLLECTIONS)

# What ansible-test would download (get-pip) or create racily (its SSH key) under ~/.ansible/test.
ansible-test-home: setup
	@$(BIN)/python $(ROOT)/scripts/ansible_test_home.py

# ---------------------------------------------------------------------------------------------------- demo

demo: tree
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
		ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(BIN)/python -m mediastore_emulator.launcher --port $(MEDIASTORE_EMULATOR_PORT) -- \
		$(BIN)/ansible-playbook $(ROOT)/playbooks/demo.yml

# ---------------------------------------------------------------------------------------------------- tests

TEST_STEPS := setup lint docs-lint sanity units emulator-tests bench-tests integration chromium e2e reliability build-check docs

test:
	@for step in $(TEST_STEPS); do \
		echo "==================== make $$step"; \
		$(MAKE) --no-print-directory $$step || { echo "make test: make $$step failed" >&2; exit 1; }; \
	done
	@echo "make test: all steps passed ($(TEST_STEPS))"

lint: tree
	cd $(ROOT) && $(BIN)/ruff check .
	cd $(ROOT) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --offline --profile production
	cd $(ROOT) && $(BIN)/antsibull-changelog lint

# The guides' references and extra-docs.yml, and every plugin's documentation as the docsite renders it.
docs-lint: tree docs-setup
	cd $(ROOT) && $(DOCS_ENV) antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

sanity: tree ansible-test-home
	$(ANSIBLE_TEST) sanity --python $(PYVER) --color no

units: tree ansible-test-home
	$(ANSIBLE_TEST) units --venv --python $(PYVER) --color no $(PYTEST_ARGS)

emulator-tests: setup
	cd $(ROOT) && $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS) tests/emulator/unit tests/emulator/tests

# The benchmark harness's own plumbing (bench/ is not a test: `make bench` runs it).
bench-tests: setup
	cd $(ROOT) && $(BIN)/python -m pytest $(PYTEST_ARGS) tests/bench

integration: setup
	$(BIN)/python $(ROOT)/scripts/integration.py $(BUILD) $(MEDIASTORE_EMULATOR_PORT) $(INTEGRATION_SHARDS) \
		$(TARGETS) -- $(INTEGRATION_ARGS)

# Installs Debian's chromium for the end-to-end tests (needs root or sudo); nothing to do when it is there.
chromium:
	@if [ -x $(CHROMIUM) ]; then echo "chromium: $(CHROMIUM) is installed"; exit 0; fi; \
	sudo=""; if [ "$$(id -u)" -ne 0 ]; then sudo=sudo; fi; \
	echo "chromium: installing Debian's chromium (apt-get update; apt-get install chromium)"; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

e2e: tree
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "e2e: $(CHROMIUM) is missing; run 'make chromium' first (it installs Debian's chromium)" >&2; exit 1; fi
	cd $(ROOT) && MEDIASTORE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/python -m pytest $(PYTEST_ARGS) tests/e2e

# The whole collection under faults, bad input, concurrency and restarts: each test starts its own endpoints.
reliability: tree
	cd $(ROOT) && MEDIASTORE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/python -m pytest -n 2 --dist loadfile \
		$(PYTEST_ARGS) tests/reliability

# Runs the reliability suite and writes its figures into docs/reliability.md.
reliability-report: tree
	cd $(ROOT) && MEDIASTORE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/python tests/reliability/report.py

build: setup
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) $(ROOT)

build-check: build
	$(ROOT)/scripts/build-check.sh $(TARBALL)

docs: tree docs-setup
	$(DOCS_ENV) $(ROOT)/scripts/build-docs.sh $(DOCSITE)

# ---------------------------------------------------------------------------------------------------- benchmarks

# The whole matrix at 0, 20 and 80 ms (about 30 minutes); BENCH_ARGS adds options of bench/run_all.py.
bench: setup
	cd $(ROOT) && $(BIN)/python bench/run_all.py $(BENCH_ARGS)

# ---------------------------------------------------------------------------------------------------- clean

clean:
	rm -rf $(BUILD) $(ROOT)/tests/output

distclean: clean
	rm -rf $(VENV)
