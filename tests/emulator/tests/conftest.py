"""Fixtures: one emulator per test session (per xdist worker), reset before every test, plus boto3 clients.

Run from the repository root: `.venv/bin/pytest -q tests/emulator/tests` (after `.venv/bin/pip install -e
tests/emulator`, which provides the `mediastore-emulator` console script these tests start on a free port).
"""

import re
import signal
import uuid

import pytest
from conformance import EmulatorProcess, create_active_container


@pytest.fixture(scope="session")
def emulator():
    process = EmulatorProcess()
    yield process
    returncode = process.stop(signal.SIGTERM)
    assert returncode == 0, f"emulator exit code on SIGTERM: {returncode}; stderr: {process.stderr_text()}"
    process.remove_log()


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
    started = []

    def start(*extra_args, **delays):
        process = EmulatorProcess(*extra_args, **delays)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.remove_log()
