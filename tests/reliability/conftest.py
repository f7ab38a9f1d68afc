"""Fixtures of the reliability suite: local endpoints stopped at the end whatever happens, and work dirs."""

import pytest
from support import Emulator


@pytest.fixture
def start_emulator():
    """Start endpoints for one test: start_emulator(*args, **options); all are stopped afterwards."""
    started = []

    def start(*args, **options):
        emulator = Emulator(*args, **options)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.kill()


@pytest.fixture(scope="module")
def shared_emulator():
    """One endpoint for a test module whose tests use their own container names and no faults."""
    emulator = Emulator()
    yield emulator
    emulator.kill()
