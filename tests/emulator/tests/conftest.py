"""Fixtures: one emulator per test session (per xdist worker), reset before every test, plus boto3 clients.

Run from the repository root: `.venv/bin/pytest -q tests/emulator/tests` (after `.venv/bin/pip install -e
tests/emulator`); the emulators start on free ports through mediastore_emulator.launcher.
"""

import re
import uuid

import pytest
from conformance import EmulatorProcess, create_active_container

from mediastore_emulator.launcher import Emulators


@pytest.fixture(scope="session")
def emulator():
    # Leaving the block stops it with SIGTERM and fails unless it exits 0.
    with EmulatorProcess() as process:
        yield process


@pytest.fixture(autouse=True)
def _fresh_emulator(request):
    # Every test starts from an empty endpoint with the command-line configuration and no faults.
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").reset()


@pytest.fixture
def control(emulator):
    return emulator.control()


@pytest.fixture
def unique_name(request):
    """Container names derived from the test name, unique per call: unique_name('suffix')."""
    stem = re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:60]

    def make(suffix=""):
        return f"{stem}_{suffix}_{uuid.uuid4().hex[:6]}" if suffix else f"{stem}_{uuid.uuid4().hex[:6]}"

    return make


@pytest.fixture
def container(emulator, control, unique_name):
    """An ACTIVE container: its Describe output plus a data client bound to its endpoint."""
    name = unique_name()
    described = create_active_container(control, name)
    return dict(described, data=emulator.data(described["Endpoint"]))


@pytest.fixture
def start_emulator():
    """Extra emulator processes (state dir, signals); whatever is still running at the end is killed."""
    with Emulators(EmulatorProcess) as emulators:
        yield emulators.start
