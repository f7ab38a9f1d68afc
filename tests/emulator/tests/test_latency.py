"""Latency: every MediaStore request holds its answer for --latency-ms, or for the faults hook's ``latency_ms``.

No test here measures time: a request is seen waiting through the faults hook's ``requests_waiting`` while its
latency is long, then released by lowering the latency (a change applies to requests already waiting).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conformance import make_client, raw_request

from mediastore_emulator import cli
from mediastore_emulator.faults import Faults
from mediastore_emulator.launcher import Emulator, EmulatorError

HELD = 600_000  # long enough that a held request is never answered before the test releases it
CONTROL_HEADERS = {"X-Amz-Target": "MediaStore_20170901.ListContainers", "Content-Type": "application/x-amz-json-1.1"}


def wait_for_waiting(emulator, count, timeout=60):
    """Poll until exactly ``count`` requests are holding their answer (the hooks themselves are never held)."""
    deadline = time.monotonic() + timeout
    while (waiting := emulator.hook("GET", "faults")["requests_waiting"]) != count:
        assert time.monotonic() < deadline, f"{waiting} requests waiting, expected {count}"
        time.sleep(0.02)


def in_background(function, *args):
    """Run ``function`` in a thread; the returned callable joins it and gives its result (or raises its error)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except Exception as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result():
        thread.join(timeout=60)
        assert not thread.is_alive(), "the request was never answered"
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return result


def test_a_negative_latency_is_refused_naming_the_option(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["--latency-ms", "-1"])
    assert exited.value.code == 2
    assert "argument --latency-ms: must be a number from 0 to" in capsys.readouterr().err


def test_command_line_latency_holds_answers_but_not_hooks():
    # The launcher's health check went through while the command-line latency was in force: hooks are not held.
    with Emulator(latency_ms=HELD) as emulator:
        assert emulator.hook("GET", "faults")["latency_ms"] == {"*": HELD}
        answer = in_background(make_client("mediastore", emulator.url).list_containers)

        wait_for_waiting(emulator, 1)
        assert [e["operation"] for e in emulator.journal()] == ["ListContainers"]
        emulator.set_faults([], latency_ms={"*": 0})

        assert answer()["Containers"] == []
        assert emulator.hook("GET", "faults")["latency_ms"] == {"*": 0}
        emulator.set_faults([])
        assert emulator.hook("GET", "faults")["latency_ms"] == {"*": HELD}
        emulator.set_faults([], latency_ms={"*": 0})
        emulator.reset()
        assert emulator.hook("GET", "faults")["latency_ms"] == {"*": HELD}


def test_latency_per_operation(emulator, container):
    data = container["data"]
    data.put_object(Path="there.ts", Body=b"x")
    emulator.set_faults([], latency_ms={"PutObject": HELD})
    assert emulator.hook("GET", "faults")["latency_ms"] == {"*": 0, "PutObject": HELD}
    upload = in_background(lambda: data.put_object(Path="held.ts", Body=b"y"))
    wait_for_waiting(emulator, 1)

    assert data.describe_object(Path="there.ts")["ContentLength"] == 1  # other operations are answered at once
    emulator.set_faults([])  # back to the command line's latency, 0, for the held upload too

    assert upload()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert emulator.hook("GET", "faults")["requests_waiting"] == 0


def test_waiting_requests_do_not_hold_each_other_up(emulator):
    # 64 requests all waiting at the same time, and the hooks still answered: the wait takes no shared resource.
    clients = 64
    emulator.set_faults([], latency_ms={"*": HELD})
    with ThreadPoolExecutor(clients) as pool:
        answers = [
            pool.submit(raw_request, "POST", emulator.url + "/", CONTROL_HEADERS, b"{}", 120) for _request in range(64)
        ]
        try:
            wait_for_waiting(emulator, clients)
        finally:
            emulator.set_faults([])
        statuses = {future.result()[0] for future in answers}
    assert statuses == {403}  # unsigned: refused, after the same wait as any other answer


@pytest.mark.parametrize(
    ("latency_ms", "message"),
    [
        ([20], "latency_ms must be an object"),
        ({"*": -1}, "latency_ms.* must be a number from 0 to"),
        ({"PutObject": True}, "latency_ms.PutObject must be a number from 0 to"),
        ({"PutObject": "80"}, "latency_ms.PutObject must be a number from 0 to"),
        ({"": 5}, "latency_ms keys must be operation names"),
    ],
)
def test_bad_latency_is_refused_and_changes_nothing(emulator, latency_ms, message):
    emulator.set_faults([], latency_ms={"*": 5})
    with pytest.raises(EmulatorError) as refused:
        emulator.set_faults([], latency_ms=latency_ms)
    assert "400" in str(refused.value)
    assert message in str(refused.value)
    assert emulator.hook("GET", "faults")["latency_ms"] == {"*": 5}


def test_latency_lowered_while_waiting_releases_at_once():
    faults = Faults(latency_ms=HELD)
    released = in_background(faults.hold_answer, "GetObject")
    while faults.describe()["requests_waiting"] != 1:
        time.sleep(0.01)
    faults.configure({"rules": [], "latency_ms": {"GetObject": 0}})
    released()
    assert faults.describe()["requests_waiting"] == 0
