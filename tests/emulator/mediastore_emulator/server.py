"""The HTTP/1.1 server: cheroot, with the emulator's body handling. The only code that knows the server.

docs/local-endpoint.md §"HTTP server" says why cheroot, and the limits. The app gets each request after its
headers, with a body stream that never holds more than the app asked for; requests the server itself refuses
(malformed request line or headers, headers too large) still go through the app, which answers them in the
service's error shape and journals them.
"""

import io
import re
import socket
import time

from cheroot import server as cheroot_server
from cheroot import wsgi as cheroot_wsgi

from mediastore_emulator.faults import CUT_CONNECTION, DropConnection
from mediastore_emulator.wire import CLOSE_AFTER_ANSWER, FRAMING_REFUSAL, READ_CHUNK

MAX_HEADER_BYTES = 64 * 1024  # request line and headers together
# What the app left unread of a body (it refused the request from its headers) is read and discarded after the
# answer, up to this much, so that a client still sending it reads the answer rather than a connection reset and
# the connection can serve its next request; beyond, or with broken framing, the connection is closed.
MAX_DRAIN = 64 * 1024 * 1024
# A connection that closes with part of its request unread first waits this long for the client to stop sending
# (a lingering close): closing with unread data resets the connection, and the client loses the answer.
LINGER_SECONDS = 2
# One thread per request being answered; requests waiting out --latency-ms hold theirs (a sleeping thread costs
# little), so this bounds how many clients a latency run can serve at once without queueing.
SERVER_THREADS = 160
KEEP_ALIVE_CONNECTIONS = 256
# The listen backlog: with cheroot's 5, a burst of new connections (a thread pool of clients starting) overflows
# it, and the kernel makes the extra clients retry their handshake after seconds.
LISTEN_BACKLOG = 256
CHUNK_SIZE_RE = re.compile(rb"[0-9A-Fa-f]{1,16}")
MAX_CHUNK_LINE = 4096  # a chunk-size line with its extensions, or one trailer line
MAX_TRAILER_LINES = 100


class LengthBody:
    """``wsgi.input`` for a body of a known length: end of input after ``left`` more bytes.

    cheroot's own reader keeps that count in ``remaining``, which cheroot then reads, in one piece of that size,
    before answering: this one leaves the unread rest to ``EmulatorRequest``."""

    def __init__(self, rfile, length):
        self._rfile = rfile
        self.left = length

    def read(self, size=-1):
        want = self.left if size is None or size < 0 else min(size, self.left)
        data = self._rfile.read(want) if want else b""
        self.left -= len(data)
        return data

    @property
    def finished(self):
        return self.left == 0


class ChunkedBody:
    """``wsgi.input`` for a chunked request body, decoded in pieces no larger than the reader asks for.

    cheroot's own decoder reads each chunk whole and a chunk-size line without a length limit, so one announced
    64 GB chunk is one 64 GB allocation. Broken framing raises ValueError, which the app answers as a 400."""

    def __init__(self, rfile):
        self._rfile = rfile
        self._left_in_chunk = 0
        self.finished = False

    def _line(self, what):
        line = self._rfile.readline(MAX_CHUNK_LINE + 1)
        if not line.endswith(b"\r\n"):
            problem = "is too long" if len(line) > MAX_CHUNK_LINE else "does not end with CRLF"
            raise ValueError(f"chunked body: {what} {problem}" if line else f"chunked body: ended before {what}")
        return line[:-2]

    def _start_chunk(self):
        size = self._line("the chunk-size line").split(b";", 1)[0].strip()
        if not CHUNK_SIZE_RE.fullmatch(size):
            raise ValueError(f"chunked body: bad chunk size {size[:20]!r}")
        self._left_in_chunk = int(size, 16)
        if self._left_in_chunk == 0:
            for _line in range(MAX_TRAILER_LINES):
                if not self._line("a trailer line"):
                    self.finished = True
                    return
            raise ValueError("chunked body: too many trailer lines")

    def read(self, size=-1):
        if size == 0:
            return b""
        if self._left_in_chunk == 0 and not self.finished:
            self._start_chunk()
        if self.finished:
            return b""
        want = self._left_in_chunk if size is None or size < 0 else min(size, self._left_in_chunk)
        data = self._rfile.read(min(want, READ_CHUNK))
        if not data:
            raise ValueError("chunked body: ended inside a chunk")
        self._left_in_chunk -= len(data)
        if self._left_in_chunk == 0 and self._rfile.read(2) != b"\r\n":
            raise ValueError("chunked body: a chunk does not end with CRLF")
        return data


class RequestHeaders(dict):
    """Request headers as cheroot collects them, except that differing repeated Content-Length values are all
    kept (comma-joined, which is refused as malformed) instead of the last one silently winning."""

    def __setitem__(self, name, value):
        if name == b"Content-Length" and self.get(name, value) != value:
            value = self[name] + b", " + value
        super().__setitem__(name, value)


class EmulatorRequest(cheroot_server.HTTPRequest):
    """cheroot's request with the emulator's body handling: bounded chunked decoding, a bounded drain of what
    the app left unread, and server-side refusals answered by the app."""

    def __init__(self, server, conn, **options):
        super().__init__(server, conn, **options)
        # What a refusal before the request line is understood shows the app.
        self.method = self.uri = self.path = self.qs = b""
        self.request_protocol = b"HTTP/1.1"
        self.inheaders = RequestHeaders()
        self.app_called = False
        self.end_of_body_unknown = False

    def respond(self):
        self.app_called = True
        if self.chunked_read:
            self.rfile = ChunkedBody(self.conn.rfile)
            # A length beside chunked framing is how requests are smuggled past proxies: never reuse the connection.
            self.close_connection = self.close_connection or b"Content-Length" in self.inheaders
        else:
            length = int(self.inheaders.get(b"Content-Length", 0))
            self.close_connection = self.close_connection or length < 0
            self.rfile = LengthBody(self.conn.rfile, max(length, 0))
        try:
            self.server.gateway(self).respond()
        except DropConnection:
            self.close_connection = True
            return
        if self.ready:
            self.ensure_headers_sent()
        if self.chunked_write:
            self.conn.wfile.write(b"0\r\n\r\n")
        if not self.close_connection and not self._discard_unread_body():
            self.close_connection = True
        if self.close_connection and (self.end_of_body_unknown or not self.rfile.finished):
            self._linger()

    def send_headers(self):
        # Known now to be too much to discard: the answer says the connection closes.
        if getattr(self.rfile, "left", 0) > MAX_DRAIN:
            self.close_connection = True
        super().send_headers()

    def _discard_unread_body(self):
        """Read and discard what the app left of the body; False when that is not possible (the connection must
        then close, as nothing says where the next request starts)."""
        drained = 0
        try:
            while drained <= MAX_DRAIN and (piece := self.rfile.read(READ_CHUNK)):
                drained += len(piece)
        except (ValueError, OSError):
            return False
        return drained <= MAX_DRAIN

    def _linger(self):
        """Stop sending, then read and discard what the client still sends, for LINGER_SECONDS at most."""
        deadline = time.monotonic() + LINGER_SECONDS
        drained = 0
        try:
            self.conn.socket.shutdown(socket.SHUT_WR)
            while drained <= MAX_DRAIN and (left := deadline - time.monotonic()) > 0:
                self.conn.socket.settimeout(left)
                piece = self.conn.rfile.read1(READ_CHUNK)
                if not piece:
                    return
                drained += len(piece)
        except OSError:
            pass  # the client is gone, or still sending after the deadline: the close resets the connection

    def simple_response(self, status, msg=""):
        code = int(str(status)[:3])
        if self.app_called or self.sent_headers or not (400 <= code < 500 or code in (501, 505)):
            super().simple_response(status, msg)
            return
        # The request is refused while its line or headers are read: the app answers and journals it. With body
        # limits left to the app, a 413 from cheroot can only be about the header section.
        self.app_called = True
        self.close_connection = True
        self.rfile = io.BytesIO()
        gateway = self.server.gateway(self)
        gateway.env[FRAMING_REFUSAL] = (431 if code == 413 else code, msg or str(status)[4:])
        gateway.respond()
        self._linger()


class EmulatorConnection(cheroot_server.HTTPConnection):
    RequestHandlerClass = EmulatorRequest


class EmulatorGateway(cheroot_wsgi.Gateway_10):
    """WSGI 1.0 with callables that cut the client's connection at once (the ``drop`` fault) or close it after
    the answer (a request whose framing is refused)."""

    def get_environ(self):
        environ = super().get_environ()
        environ[CUT_CONNECTION] = self.cut_connection
        environ[CLOSE_AFTER_ANSWER] = self.close_after_answer
        return environ

    def close_after_answer(self):
        self.req.close_connection = True
        self.req.end_of_body_unknown = True

    def cut_connection(self):
        self.req.close_connection = True
        try:
            self.req.conn.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class EmulatorServer(cheroot_wsgi.Server):
    ConnectionClass = EmulatorConnection
    max_request_header_size = MAX_HEADER_BYTES
    max_request_body_size = 0  # the app bounds bodies, per plane, and answers in the service's error shape
    keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS

    def __init__(self, bind_addr, app):
        super().__init__(bind_addr, app, numthreads=SERVER_THREADS, request_queue_size=LISTEN_BACKLOG)
        self.gateway = EmulatorGateway

    def error_log(self, msg="", level=20, traceback=False):
        # Messages about malformed requests can quote a chunk of object data: keep them short.
        super().error_log(str(msg)[:200], level, traceback)


def make_server(host, port, app):
    """The emulator's HTTP server for ``app``, bound and listening (``port`` 0: a free one, see ``bind_addr``);
    ``serve()`` runs it until ``stop()``."""
    server = EmulatorServer((host, port), app)
    server.prepare()
    return server
