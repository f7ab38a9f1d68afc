#!/usr/bin/env python
"""A threaded HTTP reverse proxy that waits N milliseconds before forwarding each request.

    .venv/bin/python bench/latency_proxy.py --upstream http://127.0.0.1:4762 --latency-ms 80 [--port 4763]

It models a network distance in front of a local server (moto's S3 server for the peers, or a mediastore-emulator
reached by the raw boto3 side of a comparison), so that every request pays the same delay as the local
endpoint's own ``--latency-ms``. Prints ``latency-proxy listening on URL`` once it serves.

Both sides keep their connections alive (one upstream connection per client connection), request and response
bodies are streamed in pieces rather than held whole, and every client connection gets its own thread, so 64
concurrent requests are 64 threads each waiting its delay at the same time. The Host header is forwarded as the
client sent it: SigV4 signs it, and the servers behind accept any.
"""

import argparse
import http.client
import socket
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PIECE = 64 * 1024
# Bodies up to this size are read whole, so that a request can be sent again when an idle upstream connection
# turns out to have been closed; larger ones are streamed and not retried.
RETRYABLE_BODY = 1024 * 1024
# A server may close an idle keep-alive connection; one idle this long is replaced rather than reused.
UPSTREAM_IDLE_SECONDS = 5
# Headers about one connection, not the message (RFC 9110 §7.6.1); Expect is answered by this proxy itself.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
}


class LatencyProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, upstream, latency_ms):
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host, self.upstream_port = parsed.hostname, parsed.port or 80
        self.latency = latency_ms / 1000
        super().__init__(address, ProxyHandler)


class UpstreamConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        # Headers and body go out in separate writes: without this, Nagle's algorithm holds the second one until
        # the peer's delayed ACK (40 ms), a latency this proxy would add on top of the one it means to.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.upstream = None
        self.upstream_used = 0.0

    def finish(self):
        self._drop_upstream()
        super().finish()

    def log_message(self, format, *args):  # noqa: A002 (the base class names it so)
        pass  # one line per request would cost more than the requests themselves

    def do_GET(self):
        self.forward()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    # --- upstream -----------------------------------------------------------------------------------
    def _connection(self):
        if self.upstream is not None and time.monotonic() - self.upstream_used > UPSTREAM_IDLE_SECONDS:
            self._drop_upstream()
        if self.upstream is None:
            self.upstream = UpstreamConnection(self.server.upstream_host, self.server.upstream_port)
        return self.upstream

    def _drop_upstream(self):
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None

    def forward(self):
        time.sleep(self.server.latency)
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = None if chunked or length > RETRYABLE_BODY else self.rfile.read(length)
        try:
            response = self._send_upstream(body, chunked, length)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self._drop_upstream()
            if body is None:
                raise
            response = self._send_upstream(body, chunked, length)
        self._relay(response)
        self.upstream_used = time.monotonic()

    def _send_upstream(self, body, chunked, length):
        connection = self._connection()
        connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                connection.putheader(name, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        if body is not None:
            if body:
                connection.send(body)
        elif chunked:
            self._copy_chunked_request(connection)
        else:
            remaining = length
            while remaining:
                piece = self.rfile.read(min(PIECE, remaining))
                if not piece:
                    raise ConnectionResetError("the client closed its connection in the middle of a body")
                connection.send(piece)
                remaining -= len(piece)
        return connection.getresponse()

    def _copy_chunked_request(self, connection):
        """Pass a chunked body on chunk by chunk, trailers included, framing unchanged."""
        while True:
            size_line = self.rfile.readline(1024)
            connection.send(size_line)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailer fields, then the empty line that ends the body
                    line = self.rfile.readline(8192)
                    connection.send(line)
                    if line in (b"\r\n", b"\n", b""):
                        return
            connection.send(self.rfile.read(size + 2))  # the data and its CRLF

    # --- downstream ---------------------------------------------------------------------------------
    def _relay(self, response):
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        has_body = self.command != "HEAD" and response.status not in (204, 304) and response.status >= 200
        known_length = response.getheader("Content-Length") is not None
        rechunk = has_body and not known_length
        if rechunk:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        while has_body:
            piece = response.read(PIECE)
            if not piece:
                break
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if rechunk else piece)
        if rechunk:
            self.wfile.write(b"0\r\n\r\n")
        response.close()
        if response.will_close:
            self._drop_upstream()
        self.wfile.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--upstream", required=True, help="base URL of the server behind, e.g. http://127.0.0.1:4762")
    parser.add_argument("--latency-ms", type=float, default=0, help="milliseconds added to every request")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one")
    args = parser.parse_args()
    server = LatencyProxyServer((args.host, args.port), args.upstream, args.latency_ms)
    host, port = server.server_address[:2]
    print(f"latency-proxy listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
