"""What the convergence-under-faults tests share: the fault mix of issue 12 and plays that retry quickly."""

from support import play

MODULES = ("mediastore_container", "mediastore_container_info", "mediastore_policy", "mediastore_cors",
           "mediastore_object", "mediastore_sync")
# 30 % ThrottlingException, 10 % InternalServerError and 5 % dropped connections (half before the request is
# carried out, half after it, in place of the answer) on every operation. The first matching rule wins, so each
# rate is scaled by what the rules before it leave.
MIXED_FAULTS = [
    {"operation": "*", "fault": "drop", "rate": 0.025},
    {"operation": "*", "fault": "drop_response", "rate": 0.025 / 0.975},
    {"operation": "*", "fault": "InternalServerError", "rate": 0.10 / 0.95},
    {"operation": "*", "fault": "ThrottlingException", "rate": 0.30 / 0.85},
]
# Short waits between attempts keep the suite quick; the retry logic is the one users run with.
RETRY_DELAY = 0.01


def quick_retry_play(emulator, tasks, **options):
    """A play whose modules retry after RETRY_DELAY (module_defaults per module, on top of the group's)."""
    defaults = emulator.module_defaults()
    defaults.update({f"elemental.mediastore.{module}": dict(retry_delay=RETRY_DELAY, **options)
                     for module in MODULES})
    return play(defaults, tasks)


def successful_writes(entries):
    return [entry for entry in entries if entry["write"] and entry["status"] == 200]
