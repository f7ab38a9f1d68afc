"""What every issue-11 hardening test checks after a hostile or careless request: the endpoint still serves,
its memory stayed bounded, and a refusal came in the service's error shape."""

import json

# An idle emulator holds about 40 MiB and a few hundred requests add little: well over this means a request
# made it buffer something it should have refused.
MAX_RSS_MIB = 150


def rss_mib(pid):
    """Resident memory of process ``pid`` (VmRSS in /proc/<pid>/status), in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def assert_still_serving(emulator):
    """The process answers its next request and its memory is under MAX_RSS_MIB."""
    assert emulator.health()["status"] == "ok"
    assert rss_mib(emulator.process.pid) < MAX_RSS_MIB


def service_error(status, headers, body):
    """The error code of a MediaStore error answer, checked to be in the service's shape: the same code in the
    x-amzn-ErrorType header and the JSON body's ``__type``, and a 4xx status."""
    assert 400 <= status < 500, (status, body)
    code = headers.get("x-amzn-errortype")
    assert code and json.loads(body)["__type"] == code, (headers, body)
    return code
