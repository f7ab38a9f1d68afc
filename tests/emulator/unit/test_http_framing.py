"""Body framing without a server: cli.py's decoders and wire.py's judgement of a request's headers."""

import io

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mediastore_emulator.server import ChunkedBody, LengthBody, RequestHeaders
from mediastore_emulator.wire import (
    FRAMING_REFUSAL,
    SMALL_BODY,
    FramingError,
    body_refusal,
    read_body,
)


def read_all(body, piece=3):
    data = b""
    while chunk := body.read(piece):
        data += chunk
    return data


def test_chunked_body_is_decoded_in_pieces_no_larger_than_asked():
    body = ChunkedBody(io.BytesIO(b"5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT"))
    assert body.read(0) == b""
    assert read_all(body) == b"hello0123456789"
    assert body.finished


def test_a_huge_announced_chunk_is_read_only_as_far_as_asked():
    body = ChunkedBody(io.BytesIO(b"FFFFFFFFFFFFFFFF\r\n" + b"x" * 100))
    assert body.read(10) == b"x" * 10
    with pytest.raises(ValueError, match="ended inside a chunk"):
        read_all(body, 1000)


@pytest.mark.parametrize(
    ("framed", "problem"),
    [
        (b"ZZ\r\nhello\r\n0\r\n\r\n", "bad chunk size"),
        (b"1FFFFFFFFFFFFFFFF\r\n", "bad chunk size"),
        (b"5\r\nhelloXX", "does not end with CRLF"),
        (b"1" * 5000 + b"\r\n", "is too long"),
        (b"5\r\nhel", "ended inside a chunk"),
        (b"", "ended before the chunk-size line"),
        (b"0\r\n" + b"X: y\r\n" * 101 + b"\r\n", "too many trailer lines"),
    ],
)
def test_broken_chunked_framing_is_a_value_error(framed, problem):
    with pytest.raises(ValueError, match=problem):
        read_all(ChunkedBody(io.BytesIO(framed)))


def test_length_body_ends_at_its_length():
    body = LengthBody(io.BytesIO(b"hello, next request"), 5)
    assert (read_all(body), body.finished) == (b"hello", True)


def test_repeated_content_length_values_that_differ_are_all_kept():
    headers = RequestHeaders()
    headers[b"Content-Length"] = b"5"
    headers[b"Content-Length"] = b"5"
    assert headers[b"Content-Length"] == b"5"
    headers[b"Content-Length"] = b"6"
    assert headers[b"Content-Length"] == b"5, 6"


def request(headers=None, body=b"", **environ):
    built = EnvironBuilder(method="PUT", path="/", headers=headers or {}, data=body).get_environ()
    built.update(environ)
    return Request(built)


@pytest.mark.parametrize(
    ("environ", "length_required", "code", "status", "closes"),
    [
        ({"CONTENT_LENGTH": "-5"}, False, "ValidationException", 400, True),
        ({"CONTENT_LENGTH": "5, 6"}, False, "ValidationException", 400, True),
        ({"CONTENT_LENGTH": ""}, True, "MissingContentLength", 411, True),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "chunked"}, False, "ValidationException", 400, True),
        ({"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": ""}, False, "ValidationException", 400, True),
        ({FRAMING_REFUSAL: (431, "too large")}, False, "RequestHeaderSectionTooLarge", 431, True),
        # Too large but well framed: the rest of the body can be skipped and the connection reused.
        ({"CONTENT_LENGTH": "2000000"}, False, "ValidationException", 400, False),
    ],
)
def test_body_refusals_from_the_headers(environ, length_required, code, status, closes):
    refusal = body_refusal(request(**environ), SMALL_BODY, length_required)
    assert (refusal.code, refusal.status, isinstance(refusal, FramingError)) == (code, status, closes)


def test_a_chunked_body_the_server_decoded_is_accepted():
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": "", "wsgi.input_terminated": True}
    assert body_refusal(request(**chunked), SMALL_BODY, length_required=True) is None


def test_a_body_shorter_than_its_length_is_incomplete():
    short = request(body=b"hello", CONTENT_LENGTH="10")
    with pytest.raises(FramingError) as caught:
        read_body(short, SMALL_BODY)
    assert (caught.value.code, caught.value.status) == ("IncompleteBody", 400)
