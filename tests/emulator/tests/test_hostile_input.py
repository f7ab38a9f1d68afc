"""Requests a careless client or an attacker sends, over raw sockets (client libraries refuse to send most of them).

Each test checks what a user of the endpoint would notice: the server survives (the next request is answered),
its memory stays bounded (the process grows by less than MEMORY_BOUND_MIB while it handles the request), the
answer is a 4xx in the service's error shape (x-amzn-ErrorType header and JSON ``__type``), the journal has the
request, and the state is unchanged (no object stored, no policy changed).
"""

import base64
import json
import socket
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from conformance import ACCESS_KEY, CORS_RULES, REGION, SECRET_KEY, expect_error

MEMORY_BOUND_MIB = 64
MIB = 1024 * 1024
CONTROL_TARGET = "MediaStore_20170901."


# --- raw HTTP ------------------------------------------------------------------------------------------------


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def error_code(self):
        """The error code, after checking that header and body agree on it (the service's error shape)."""
        code = self.headers.get("x-amzn-errortype")
        assert code and json.loads(self.body)["__type"] == code, (self.status, self.headers, self.body[:300])
        return code


def read_reply(stream):
    """One response from a socket's file (the endpoint always sends Content-Length)."""
    status = int(stream.readline().split()[1])
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _colon, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, stream.read(int(headers.get("content-length", 0))))


def exchange(emulator, head, body=b"", close_sending=False):
    """Send ``head`` (request line and headers, without the blank line) and ``body`` as they are; with
    ``close_sending`` the client then stops sending (a client that gives up half-way). Returns the Reply."""
    with socket.create_connection((emulator.host, emulator.port), timeout=30) as sock:
        try:
            sock.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
            if close_sending:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before taking the whole request: read that answer
        return read_reply(sock.makefile("rb"))


def sign(method, url, body=b"", headers=None):
    """The headers of a correctly signed request (SigV4 over ``body``)."""
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "mediastore", REGION).add_auth(request)
    return dict(request.headers.items())


def head_lines(request_line, headers):
    return "\r\n".join([request_line, *(f"{name}: {value}" for name, value in headers.items())])


def control_head(emulator, operation, body, framing, signed=True):
    """Request line and headers of a control-plane call whose body travels with ``framing`` headers."""
    headers = {"Host": f"{emulator.host}:{emulator.port}", "X-Amz-Target": CONTROL_TARGET + operation}
    headers["Content-Type"] = "application/x-amz-json-1.1"
    if signed:
        headers = sign("POST", emulator.url + "/", body, headers)
        headers.pop("Content-Length", None)
    return head_lines("POST / HTTP/1.1", {**headers, **framing})


def data_head(container, method, path, framing, body=b"", extra=None):
    """Request line and headers of a signed data-plane request for ``path``, with ``framing`` headers."""
    url = f"{container['Endpoint']}/{path}"
    target = url.split(":", 2)[2].split("/", 1)[1]
    headers = sign(method, url, body, {"Host": url.split("/")[2], **(extra or {})})
    headers.pop("Content-Length", None)
    return head_lines(f"{method} /{target} HTTP/1.1", {**headers, **framing})


def chunked(*pieces):
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def rss_mib(emulator):
    for line in Path(f"/proc/{emulator.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def watched(emulator):
    """The journal mark and memory before the test's request; afterwards, that the server still answers and grew
    by less than MEMORY_BOUND_MIB."""
    emulator.health()
    before = rss_mib(emulator)
    yield emulator.journal_mark()
    assert emulator.health()["status"] == "ok"
    assert rss_mib(emulator) - before < MEMORY_BOUND_MIB


def journaled(emulator, mark, status, code):
    """The one journal entry since ``mark`` (checked: it has this status and error code)."""
    (entry,) = emulator.journal(mark)
    assert (entry["status"], entry["error"]) == (status, code), entry
    return entry


@pytest.fixture
def cors_container(control, container):
    control.put_cors_policy(ContainerName=container["Name"], CorsPolicy=CORS_RULES)
    return container


def assert_cors_unchanged(control, container):
    assert control.get_cors_policy(ContainerName=container["Name"])["CorsPolicy"] == CORS_RULES


def assert_not_stored(container, path):
    with expect_error("ObjectNotFoundException", 404):
        container["data"].describe_object(Path=path)


def cors_body(container):
    return json.dumps({"ContainerName": container["Name"], "CorsPolicy": [{"AllowedOrigins": ["*"]}]}).encode()


# --- 1. chunked framing ------------------------------------------------------------------------------------


def test_a_huge_chunk_cut_short_on_the_control_plane_is_refused_in_bounded_memory(
    emulator, control, cors_container, watched
):
    head = control_head(emulator, "PutCorsPolicy", b"", {"Transfer-Encoding": "chunked"}, signed=False)
    reply = exchange(emulator, head, b"FFFFFFFFF\r\n" + b"{" * MIB, close_sending=True)
    assert (reply.status, reply.error_code()) == (400, "IncompleteBody")
    assert journaled(emulator, watched, 400, "IncompleteBody")["operation"] == "PutCorsPolicy"
    assert_cors_unchanged(control, cors_container)


def test_a_huge_chunk_cut_short_in_a_signed_put_is_refused_in_bounded_memory(emulator, container, watched):
    head = data_head(container, "PUT", "huge.ts", {"Transfer-Encoding": "chunked"}, body=b"x")
    reply = exchange(emulator, head, b"FFFFFFFFF\r\n" + b"x" * MIB, close_sending=True)
    assert 400 <= reply.status < 500 and reply.error_code()
    entry = journaled(emulator, watched, reply.status, reply.error_code())
    assert (entry["operation"], entry["path"]) == ("PutObject", "huge.ts")
    assert_not_stored(container, "huge.ts")


@pytest.mark.parametrize(
    "framed",
    [
        pytest.param(b"ZZ\r\nhello\r\n0\r\n\r\n", id="bad-hex"),
        pytest.param(b"5\r\nhelloXX0\r\n\r\n", id="no-crlf-after-data"),
        pytest.param(b"5hello\r\n0\r\n\r\n", id="no-crlf-after-size"),
        pytest.param(b"1" * 10000 + b"\r\n", id="endless-size-line"),
        pytest.param(b"FFFFFFFFFFFFFFFFFFFFFFFF\r\nhello", id="size-beyond-64-bits"),
    ],
)
def test_broken_chunked_framing_is_refused(emulator, control, cors_container, watched, framed):
    head = control_head(emulator, "PutCorsPolicy", b"", {"Transfer-Encoding": "chunked"})
    reply = exchange(emulator, head, framed, close_sending=True)
    assert (reply.status, reply.error_code()) == (400, "IncompleteBody")
    journaled(emulator, watched, 400, "IncompleteBody")
    assert_cors_unchanged(control, cors_container)


def test_a_chunked_body_is_refused_once_it_passes_the_control_plane_limit(emulator, control, cors_container, watched):
    body = b"[" + b" " * (2 * MIB) + b"]"
    head = control_head(emulator, "PutCorsPolicy", body, {"Transfer-Encoding": "chunked"})
    reply = exchange(emulator, head, chunked(*(body[i : i + 65536] for i in range(0, len(body), 65536))))
    assert (reply.status, reply.error_code()) == (400, "ValidationException")
    assert b"exceeds the 1 MB limit" in reply.body
    journaled(emulator, watched, 400, "ValidationException")
    assert_cors_unchanged(control, cors_container)


# --- 2. bounded input, refused from the headers ---------------------------------------------------------------


def test_an_object_over_25_mb_is_refused_from_its_content_length_alone(emulator, container, watched):
    # The body is never sent: the answer comes from the header, before any of it is read.
    head = data_head(container, "PUT", "big.ts", {"Content-Length": str(10**12)})
    reply = exchange(emulator, head)
    assert (reply.status, reply.error_code()) == (400, "ValidationException")
    assert reply.headers.get("connection") == "close"
    journaled(emulator, watched, 400, "ValidationException")
    assert_not_stored(container, "big.ts")


def test_a_control_body_over_1_mib_is_refused_from_its_content_length_alone(emulator, control, cors_container, watched):
    head = control_head(emulator, "PutCorsPolicy", b"{}", {"Content-Length": str(10**12)})
    reply = exchange(emulator, head)
    assert (reply.status, reply.error_code()) == (400, "ValidationException")
    assert journaled(emulator, watched, 400, "ValidationException")["operation"] == "PutCorsPolicy"
    assert_cors_unchanged(control, cors_container)


def test_a_put_without_length_or_chunked_framing_gets_411(emulator, container, watched):
    head = data_head(container, "PUT", "unframed.ts", {}, body=b"")
    reply = exchange(emulator, head, b"data the server cannot delimit", close_sending=True)
    assert (reply.status, reply.error_code()) == (411, "MissingContentLength")
    journaled(emulator, watched, 411, "MissingContentLength")
    assert_not_stored(container, "unframed.ts")


@pytest.mark.parametrize(
    "framing",
    [
        pytest.param("Content-Length: -5", id="negative"),
        pytest.param("Content-Length: five", id="non-numeric"),
        pytest.param("Content-Length: +5", id="signed"),
        pytest.param("Content-Length: 5_0", id="underscore"),
        pytest.param("Content-Length: 5\r\nContent-Length: 6", id="duplicates-that-disagree"),
        pytest.param("Content-Length: 5\r\nTransfer-Encoding: chunked", id="length-and-chunked"),
        pytest.param("Content-Length: " + "9" * 5000, id="thousands-of-digits"),
    ],
)
def test_a_bad_content_length_is_refused(emulator, container, watched, framing):
    head = data_head(container, "PUT", "bad-length.ts", {}, body=b"hello") + "\r\n" + framing
    reply = exchange(emulator, head, b"hello", close_sending=True)
    assert (reply.status, reply.error_code()) == (400, "ValidationException")
    journaled(emulator, watched, 400, "ValidationException")
    assert_not_stored(container, "bad-length.ts")


def test_a_body_shorter_than_its_content_length_stores_nothing(emulator, container, watched):
    body = b"s" * 100_000
    head = data_head(container, "PUT", "short.ts", {"Content-Length": str(len(body))}, body=body)
    reply = exchange(emulator, head, body[:40_000], close_sending=True)
    assert (reply.status, reply.error_code()) == (400, "IncompleteBody")
    journaled(emulator, watched, 400, "IncompleteBody")
    assert_not_stored(container, "short.ts")


def test_a_body_longer_than_its_content_length_stores_nothing(emulator, container, watched):
    # The client means the whole body (its signature covers all of it); only its first 5 bytes are framed.
    body = b"hello, and more the length does not cover"
    head = data_head(container, "PUT", "long.ts", {"Content-Length": "5"}, body=body)
    reply = exchange(emulator, head, body, close_sending=True)
    assert 400 <= reply.status < 500 and reply.error_code()
    entries = emulator.journal(watched)
    assert [(e["operation"], e["status"]) for e in entries][:1] == [("PutObject", reply.status)]
    assert_not_stored(container, "long.ts")


def test_an_unsupported_transfer_coding_is_refused(emulator, container, watched):
    head = data_head(container, "PUT", "gzip.ts", {"Transfer-Encoding": "gzip, chunked"}, body=b"")
    reply = exchange(emulator, head, chunked(b"hello"))
    # 501 is what RFC 9112 asks for a transfer coding the server does not implement (S3 answers the same).
    assert (reply.status, reply.error_code()) == (501, "NotImplemented")
    journaled(emulator, watched, 501, "NotImplemented")
    assert_not_stored(container, "gzip.ts")


def test_chunked_framing_in_http_1_0_is_refused(emulator, container, watched):
    head = data_head(container, "PUT", "old.ts", {"Transfer-Encoding": "chunked"}, body=b"hello")
    reply = exchange(emulator, head.replace("HTTP/1.1", "HTTP/1.0", 1), chunked(b"hello"))
    assert (reply.status, reply.error_code()) == (400, "ValidationException")
    journaled(emulator, watched, 400, "ValidationException")
    assert_not_stored(container, "old.ts")


# --- 3. no 500 from client input -------------------------------------------------------------------------


def deep_json(depth):
    return "[" * depth + "]" * depth


def test_deeply_nested_json_on_the_control_plane_is_a_400(emulator, watched):
    body = ('{"ContainerName": ' + deep_json(50_000) + "}").encode()
    head = control_head(emulator, "DescribeContainer", body, {"Content-Length": str(len(body))})
    reply = exchange(emulator, head, body)
    assert (reply.status, reply.error_code()) == (400, "SerializationException")
    journaled(emulator, watched, 400, "SerializationException")


def test_a_deeply_nested_policy_string_is_a_400(emulator, control, container):
    before = control.get_container_policy(ContainerName=container["Name"])["Policy"]
    mark = emulator.journal_mark()
    with expect_error("ValidationException", 400):  # 4,000 characters: within the policy's length limit
        control.put_container_policy(ContainerName=container["Name"], Policy=deep_json(2_000))
    journaled(emulator, mark, 400, "ValidationException")
    assert control.get_container_policy(ContainerName=container["Name"])["Policy"] == before


def test_a_deeply_nested_next_token_is_a_400(emulator, container, watched):
    token = base64.urlsafe_b64encode(deep_json(5_000).encode()).decode()
    with expect_error("ValidationException", 400):
        container["data"].list_items(NextToken=token)
    journaled(emulator, watched, 400, "ValidationException")


def test_deeply_nested_json_to_the_faults_hook_is_a_400_and_changes_no_rule(emulator, watched):
    body = ('{"rules": ' + deep_json(50_000) + "}").encode()
    head = head_lines(
        "POST /_emulator/faults HTTP/1.1",
        {"Host": f"{emulator.host}:{emulator.port}", "Content-Type": "application/json", "Content-Length": len(body)},
    )
    reply = exchange(emulator, head, body)
    assert reply.status == 400
    assert emulator.hook("GET", "faults")["rules"] == []


@pytest.mark.parametrize(
    ("range_header", "status"),
    [
        pytest.param("bytes=0-" + "9" * 5000, 206, id="last-with-thousands-of-digits"),
        pytest.param("bytes=-" + "9" * 5000, 206, id="suffix-with-thousands-of-digits"),
        pytest.param("bytes=" + "9" * 5000 + "-", 416, id="first-with-thousands-of-digits"),
        pytest.param("bytes=" + "0" * 5000 + "1-2", 206, id="thousands-of-leading-zeros"),
    ],
)
def test_a_range_with_thousands_of_digits_is_answered(emulator, container, watched, range_header, status):
    container["data"].put_object(Path="range.bin", Body=b"0123456789")
    mark = emulator.journal_mark()
    head = data_head(container, "GET", "range.bin", {"Range": range_header})
    reply = exchange(emulator, head)
    assert reply.status == status
    if status == 416:
        assert reply.error_code() == "RequestedRangeNotSatisfiableException"
    else:
        assert reply.body in (b"0123456789", b"12")
    assert [e["status"] for e in emulator.journal(mark)] == [status]


@pytest.mark.parametrize(
    ("raw_head", "status", "code"),
    [
        pytest.param("GARBAGE", 400, "ValidationException", id="no-request-line"),
        pytest.param("get / HTTP/1.1\r\nHost: x", 400, "ValidationException", id="lower-case-method"),
        pytest.param("POST / HTTP/1.1\r\nNo colon here", 400, "ValidationException", id="header-without-colon"),
        pytest.param("POST http://elsewhere/ HTTP/1.1\r\nHost: x", 400, "ValidationException", id="absolute-uri"),
        pytest.param(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Padding: " + "p" * 70_000,
            431,
            "RequestHeaderSectionTooLarge",
            id="headers-over-64-kib",
        ),
        pytest.param("GET /" + "a" * 70_000 + " HTTP/1.1", 414, "RequestURITooLong", id="request-line-over-64-kib"),
    ],
)
def test_a_malformed_request_is_a_4xx_in_the_journal(emulator, watched, raw_head, status, code):
    reply = exchange(emulator, raw_head)
    assert (reply.status, reply.error_code()) == (status, code)
    journaled(emulator, watched, status, code)


def test_an_unknown_operation_is_in_the_journal(emulator, watched):
    body = b"{}"
    head = control_head(emulator, "NoSuchOperation", body, {"Content-Length": "2"})
    reply = exchange(emulator, head, body)
    assert (reply.status, reply.error_code()) == (400, "UnknownOperationException")
    assert journaled(emulator, watched, 400, "UnknownOperationException")["operation"] is None


def test_the_connection_serves_the_next_request_after_a_refused_body(emulator, control, container):
    """A refused body is read and discarded (up to 64 MiB), so a keep-alive connection stays usable."""
    body = b"x" * (2 * MIB)
    head = control_head(emulator, "PutCorsPolicy", body, {"Content-Length": str(len(body))})
    health = head_lines("GET /_emulator/health HTTP/1.1", {"Host": f"{emulator.host}:{emulator.port}"})
    with socket.create_connection((emulator.host, emulator.port), timeout=30) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body + health.encode() + b"\r\n\r\n")
        stream = sock.makefile("rb")
        first, second = read_reply(stream), read_reply(stream)
    assert (first.status, second.status, json.loads(second.body)["status"]) == (400, 200, "ok")
