"""What every plane shares on the wire: the raw request target, the request body, JSON and error responses.

Only WSGI and werkzeug's request/response wrappers are used here, never anything of a particular server, so the
server that runs the app can change without touching the planes.
"""

import json
import re
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.wrappers import Response

from mediastore_emulator.errors import ServiceError, validation_error

JSON_1_1 = "application/x-amz-json-1.1"  # control plane (awsJson 1.1)
REST_JSON = "application/json"  # data plane (restJson1)
MIB = 1024 * 1024
READ_CHUNK = MIB  # the most a body is read (or a chunked body decoded) at a time

# The most a request body may carry, and what the refusal calls it. Control-plane and hook bodies are small: the
# largest legitimate one is a PutCorsPolicy of 100 rules of long origins (~400 KB of JSON); container policies
# stay under 20 KB.
BodyLimit = namedtuple("BodyLimit", "size subject")
SMALL_BODY = BodyLimit(1 * MIB, "Request body")

# The WSGI environ key under which a server that refused a request while reading its request line or headers
# (malformed, too large, an unsupported transfer coding...) puts (HTTP status, reason) and still calls the app,
# so that the refusal has the service's error shape and a journal entry like any other answer.
FRAMING_REFUSAL = "mediastore_emulator.framing_refusal"
FRAMING_ERROR_CODES = {
    408: "RequestTimeoutException",
    411: "MissingContentLength",
    414: "RequestURITooLong",
    431: "RequestHeaderSectionTooLarge",
    501: "NotImplemented",
    505: "HttpVersionNotSupported",
}
# The WSGI environ key under which a server offers a callable that closes the connection after this answer: a
# request refused for its framing leaves the rest of the connection's input meaningless.
CLOSE_AFTER_ANSWER = "mediastore_emulator.close_after_answer"
CONTENT_LENGTH_RE = re.compile(r"[0-9]{1,18}")  # only ASCII digits: int() would also take "+5", " 5" and "1_0"


class FramingError(ServiceError):
    """A request whose body cannot be delimited or read: missing or malformed length, broken chunked framing,
    fewer bytes than announced, or refused by the server while reading its headers."""


def raw_path_and_query(environ):
    """The request target as the client sent it (still percent-encoded), which the signature covers."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path, _separator, query = raw.partition("?")
    return path, query


def is_unsigned(request):
    return "Authorization" not in request.headers and "X-Amz-Signature" not in request.args


def _malformed(message):
    return FramingError("ValidationException", message, 400)


def _too_large(limit, size, exact=True):
    return validation_error(
        f"{limit.subject} of {size}{'' if exact else ' or more'} bytes exceeds the {limit.size // MIB} MB limit"
    )


def framing_refusal(request, length_required=False):
    """Why the request's body cannot be read, judged from its headers alone (a ServiceError), or None.

    The server decodes chunked framing (and says so with ``wsgi.input_terminated``); otherwise the body is
    exactly Content-Length bytes. ``length_required``: a missing length is an error (411), not an empty
    body."""
    environ = request.environ
    if FRAMING_REFUSAL in environ:
        status, reason = environ[FRAMING_REFUSAL]
        return FramingError(FRAMING_ERROR_CODES.get(status, "ValidationException"), reason, status)
    declared = environ.get("CONTENT_LENGTH") or None  # some servers put "" for no header
    if "Transfer-Encoding" in request.headers:
        if declared is not None:
            return _malformed("A request must not carry both Content-Length and Transfer-Encoding")
        if not environ.get("wsgi.input_terminated"):  # a coding the server did not decode, e.g. chunked in HTTP/1.0
            return _malformed("Transfer-Encoding is only accepted as chunked, in HTTP/1.1")
        return None
    if declared is None:
        if length_required:
            return FramingError("MissingContentLength", "A body needs a Content-Length header or chunked framing", 411)
        return None
    if not CONTENT_LENGTH_RE.fullmatch(declared):
        return _malformed(f"Content-Length must be one non-negative integer, got {declared[:40]!r}")
    return None


def body_refusal(request, limit=SMALL_BODY, length_required=False):
    """``framing_refusal``, or a declared length beyond ``limit``: whatever refuses the body before reading it."""
    refusal = framing_refusal(request, length_required)
    declared = request.environ.get("CONTENT_LENGTH")
    if refusal is None and declared and int(declared) > limit.size:
        return _too_large(limit, int(declared))
    return refusal


def _read_piece(stream, size):
    try:
        return stream.read(size)
    except (ValueError, OSError) as exc:  # how servers report broken chunked framing, or a client that went away
        raise FramingError("IncompleteBody", f"The request body could not be read: {exc}", 400) from None


def read_body(request, limit=SMALL_BODY, length_required=False):
    """The whole request body, or ServiceError: refused from its headers (``body_refusal``), beyond ``limit``
    (refused as soon as that many bytes have come, so memory stays bounded), or ending early or malformed.

    Every body the emulator reads comes through here."""
    refusal = body_refusal(request, limit, length_required)
    if refusal is not None:
        raise refusal
    declared = request.environ.get("CONTENT_LENGTH")
    chunked = "Transfer-Encoding" in request.headers  # framing_refusal let it through: the server decodes it
    if not declared and not chunked:
        return b""  # neither header: there is no body (RFC 9112 §6.3), whatever the server would let us read
    stream = request.environ["wsgi.input"]
    remaining = None if chunked else int(declared)  # None: the server ends a chunked body
    chunks, total = [], 0
    while remaining is None or total < remaining:
        want = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining - total)
        chunk = _read_piece(stream, want)
        if not chunk:
            break
        total += len(chunk)
        if total > limit.size:
            raise _too_large(limit, total, exact=False)
        chunks.append(chunk)
    if remaining is not None and total < remaining:
        raise FramingError("IncompleteBody", f"The body ended after {total} of its {remaining} bytes", 400)
    return b"".join(chunks)


def skip_body_part(request, size):
    """Consume ``size`` bytes of the body (fewer if it ends, or breaks, first) without keeping them."""
    if framing_refusal(request) is not None:
        return  # where the body ends is unknown: reading any of it could swallow the next request
    stream = request.environ["wsgi.input"]
    try:
        while size > 0 and (chunk := stream.read(min(size, READ_CHUNK))):
            size -= len(chunk)
    except (ValueError, OSError):
        pass  # a broken body, and the connection is about to be cut anyway


class LazyBody:
    """The request body, read (through ``read_body``) the first time someone needs it, then remembered, as is
    the reason it could not be read."""

    def __init__(self, request, limit=SMALL_BODY, length_required=False):
        self._request = request
        self._limit = limit
        self._length_required = length_required
        self._data = None
        self._error = None

    def __call__(self):
        if self._error is not None:
            raise self._error
        if self._data is None:
            try:
                self._data = read_body(self._request, self._limit, self._length_required)
            except ServiceError as error:
                self._error = error
                raise
        return self._data

    def refusal(self):
        """Why the body is refused, known without reading it (or from a read that failed); None if it is not."""
        return self._error or body_refusal(self._request, self._limit, self._length_required)


def json_response(payload, status=200, content_type=JSON_1_1):
    return Response(json.dumps(payload), status=status, content_type=content_type)


def error_response(error, request_id, head=False, content_type=JSON_1_1):
    """A ``ServiceError`` in the service's wire shape (mediastore-api.md §1.5); HEAD answers carry no body."""
    body = b"" if head else json.dumps({"__type": error.code, "Message": error.message}).encode("utf-8")
    response = Response(body, status=error.status, content_type=content_type)
    response.headers["x-amzn-ErrorType"] = error.code
    response.headers["x-amzn-RequestId"] = request_id
    return response


def _unchanged(response):
    return response


@dataclass
class Call:
    """A request a plane has identified, handed to the app, which screens it (faults, signature) and journals it.

    ``answer(anonymous)`` makes the response or raises ``ServiceError``; ``decorate`` adds headers to every
    response, errors included (CORS)."""

    journal: dict  # plane, operation, container, path, write, anonymous
    answer: Callable
    error_content_type: str
    body: LazyBody  # refuses the request when its framing is bad, before anything else; the signature covers it
    head: bool = False
    decorate: Callable = _unchanged
    screened: bool = True  # whether faults and the signature check apply (not to CORS preflights)
    drop_after_headers: bool = False  # a dropped request that sends its headers and half its body first
