"""The test hooks answer no web page (issue 11, point 8): a foreign Origin or Host is 403, a hook POST without
a JSON content type is 415, and ``--no-hooks`` removes them.

What a page in a browser can send without asking is exactly what is tried here: a form-like cross-site POST
(``text/plain``), and any request under a DNS name it controls that resolves to 127.0.0.1 (DNS rebinding).
After each refusal the state, the journal and the injected faults are still there.
"""

import json
import subprocess

import pytest
from conformance import create_active_container, raw_request
from hardening import assert_still_serving

from mediastore_emulator.launcher import READY_PREFIX, emulator_command


@pytest.fixture
def populated(emulator, control, unique_name):
    """The endpoint with a container, an object, journal entries and a fault: what a stray reset would wipe."""
    described = create_active_container(control, unique_name())
    emulator.data(described["Endpoint"]).put_object(Path="kept.ts", Body=b"kept")
    emulator.set_faults([{"operation": "ListTagsForResource", "fault": "ThrottlingException", "rate": 1}])

    def snapshot():
        return emulator.health(), emulator.journal(), emulator.hook("GET", "faults")

    before = snapshot()
    yield before
    assert snapshot() == before, "a refused hook request changed the endpoint"
    assert_still_serving(emulator)


def hook_request(emulator, method, name, headers, body=None):
    """(status, JSON answer) of a raw hook request with exactly ``headers`` (plus Content-Length)."""
    status, _headers, payload = raw_request(method, f"{emulator.url}/_emulator/{name}", headers=headers, body=body)
    return status, json.loads(payload)


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://attacker.example", "Content-Type": "text/plain"},
        {"Origin": "https://attacker.example", **JSON},
        {"Origin": "null", **JSON},
        {"Origin": "http://127.0.0.1:1", **JSON},
    ],
    ids=["cross-site-text-plain", "cross-site-json", "opaque-origin", "other-local-port"],
)
def test_reset_from_a_foreign_origin_is_refused(emulator, populated, headers):
    status, answer = hook_request(emulator, "POST", "reset", headers, body=b"{}")
    assert status == 403
    assert "Origin" in answer["error"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_hook_posts_without_a_json_content_type_are_refused(emulator, populated, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    for hook in ("reset", "faults", "config"):
        status, answer = hook_request(emulator, "POST", hook, headers, body=b'{"rules": []}')
        assert status == 415, (hook, answer)


@pytest.mark.parametrize("host", ["rebind.attacker.example:{port}", "rebind.attacker.example", "127.0.0.1:1"])
@pytest.mark.parametrize("method, hook", [("POST", "reset"), ("GET", "journal"), ("GET", "health")])
def test_a_foreign_host_is_refused(emulator, populated, host, method, hook):
    headers = {"Host": host.format(port=emulator.port), **JSON}
    status, answer = hook_request(emulator, method, hook, headers, body=b"{}" if method == "POST" else None)
    assert status == 403
    assert "Host" in answer["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_endpoints_own_names_are_answered(emulator, host):
    own = host.format(port=emulator.port)
    headers = {"Host": own, "Origin": f"http://{own}", **JSON}
    assert hook_request(emulator, "POST", "config", headers, body=b"{}") == (200, emulator.hook("GET", "config"))
    assert hook_request(emulator, "GET", "health", {"Host": own})[0] == 200


def test_allowed_host_and_public_url_name_more_hosts(start_emulator):
    emulator = start_emulator(
        "--allowed-host", "media.internal", "--allowed-host", "proxy.internal:8443",
        "--public-url", "http://cdn.example.test:8080",
    )  # fmt: skip
    for host in ("media.internal", "media.internal:9999", "proxy.internal:8443", "cdn.example.test:8080"):
        assert hook_request(emulator, "GET", "health", {"Host": host})[0] == 200, host
        assert hook_request(emulator, "GET", "health", {"Origin": f"https://{host}"})[0] == 200, host
    for host in ("proxy.internal", "proxy.internal:80", "cdn.example.test", "other.internal"):
        assert hook_request(emulator, "GET", "health", {"Host": host})[0] == 403, host


def test_no_hooks_makes_the_hook_paths_unknown():
    process = subprocess.Popen(
        [*emulator_command(), "--port", "0", "--no-hooks"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        url = process.stdout.readline().strip().removeprefix(READY_PREFIX)
        unknown = raw_request("GET", f"{url}/_not_a_hook/health")
        for method, hook, body in (("GET", "health", None), ("POST", "reset", b"{}"), ("GET", "journal", None)):
            status, headers, _payload = raw_request(method, f"{url}/_emulator/{hook}", headers=JSON, body=body)
            assert (status, headers["x-amzn-errortype"]) == (unknown[0], unknown[1]["x-amzn-errortype"])
            assert 400 <= status < 500
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
