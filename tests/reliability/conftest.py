"""Fixtures of the reliability suite: local endpoints stopped at the end whatever happens, and work dirs."""

import pytest
from support import Emulator

from mediastore_emulator.launcher import Emulators


@pytest.fixture
def start_emulator():
    """Start endpoints for one test: start_emulator(*args, **options); all are stopped afterwards."""
    with Emulators(Emulator) as emulators:
        yield emulators.start


@pytest.fixture(scope="module")
def shared_emulator():
    """One endpoint for a test module whose tests use their own container names and no faults."""
    with Emulator() as emulator:
        yield emulator
