#!/usr/bin/env python
"""Which HTTP server should run the local endpoint? The same WSGI app under each candidate, side by side.

Every candidate serves the emulator's WSGI app (``mediastore_emulator.cli.build_app``) in a process of its
own on a free loopback port. A load of C client processes × T threads then runs for D seconds per case:

- ``get``: an anonymous GetObject of a 2 KB object (public-read container policy);
- ``put``: a signed PutObject of a 2 KB object (the request is signed once and re-sent, so the client's cost
  stays flat and the server does the whole SigV4 check every time);

each with keep-alive (one persistent connection per thread) and without (a new connection per request,
``Connection: close``). Reported: requests/s, p50 and p99 latency, errors. The candidates run one after the
other in one invocation, on the same machine, with the same client.

    .venv/bin/python bench/http_servers.py [--seconds 5] [--clients 2] [--threads 4] [--servers werkzeug,waitress]
"""

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY, SECRET_KEY = "AKIDLOCALMEDIASTORE", "local-mediastore-secret"
REGION = "us-east-1"
CANDIDATES = ("werkzeug", "waitress", "cheroot", "granian")
BODY = os.urandom(2048)


# ------------------------------------------------------------------------------------------- the servers


def build_app():
    from mediastore_emulator.cli import build_app as emulator_app
    from mediastore_emulator.cli import build_parser

    app, service = emulator_app(build_parser().parse_args(["--create-delay", "0", "--delete-delay", "0"]))
    return app, service


def serve(name, port, threads):
    app, service = build_app()
    service.endpoint_base = f"http://127.0.0.1:{port}"
    if name == "werkzeug":
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):
                pass

        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=Quiet)
        server.serve_forever()
    elif name == "waitress":
        import waitress

        waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True, connection_limit=1000)
    elif name == "cheroot":
        # As `mediastore-emulator` serves: cheroot with the emulator's body handling and limits (cli.py).
        from mediastore_emulator.server import make_server

        make_server("127.0.0.1", port, app).serve()
    elif name == "granian":
        # Granian imports its target by name in a worker process: hand the app over through this module.
        from granian import Granian

        Granian(
            "http_servers:granian_app",
            address="127.0.0.1",
            port=port,
            interface="wsgi",
            workers=1,
            blocking_threads=threads,
            factory=True,
            log_enabled=False,
        ).serve()
    else:
        raise SystemExit(f"unknown server {name!r}; one of {', '.join(CANDIDATES)}")


def granian_app():
    app, service = build_app()
    service.endpoint_base = f"http://127.0.0.1:{os.environ['BENCH_PORT']}"
    return app


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(name, threads):
    port = free_port()
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, BENCH_PORT=str(port), PYTHONPATH=bench_dir + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "serve", name, str(port), str(threads)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/health", timeout=1):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode} before it served") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{name} did not answer within 30 s")


# ------------------------------------------------------------------------------------------- the load


def prepare(port):
    """A public-read container with one object; returns (data endpoint path prefix, signed PUT headers)."""
    url = f"http://127.0.0.1:{port}"
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)
    control = session.client("mediastore", endpoint_url=url)
    endpoint = control.create_container(ContainerName="bench")["Container"]
    while endpoint.get("Status") != "ACTIVE":
        time.sleep(0.05)
        endpoint = control.describe_container(ContainerName="bench")["Container"]
    arn = endpoint["ARN"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "mediastore:GetObject",
                "Resource": f"{arn}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
    control.put_container_policy(ContainerName="bench", Policy=json.dumps(policy))
    data = session.client("mediastore-data", endpoint_url=endpoint["Endpoint"])
    data.put_object(Path="seg/get.ts", Body=BODY, ContentType="video/MP2T")
    prefix = endpoint["Endpoint"].split(str(port), 1)[1]
    put_url = f"{endpoint['Endpoint']}/seg/put.ts"
    request = AWSRequest(method="PUT", url=put_url, data=BODY, headers={"Content-Type": "video/MP2T"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "mediastore", REGION).add_auth(request)
    return prefix, dict(request.headers.items())


def client_worker(port, prefix, put_headers, case, keep_alive, threads, seconds, results):
    import threading

    latencies, errors, lock = [], collections.Counter(), threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        mine, failed = [], collections.Counter()
        connection = None
        while time.monotonic() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            start = time.perf_counter()
            try:
                if case == "get":
                    headers = {} if keep_alive else {"Connection": "close"}
                    connection.request("GET", f"{prefix}/seg/get.ts", headers=headers)
                else:
                    headers = dict(put_headers, **({} if keep_alive else {"Connection": "close"}))
                    connection.request("PUT", f"{prefix}/seg/put.ts", body=BODY, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                failed[type(error).__name__] += 1
                response = None
            mine.append(time.perf_counter() - start)
            if not keep_alive or response is None:
                connection.close()
                connection = None
        with lock:
            latencies.extend(mine)
            errors.update(failed)

    workers = [threading.Thread(target=run) for _thread in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((latencies, dict(errors)))


def measure(port, prefix, put_headers, case, keep_alive, clients, threads, seconds):
    results = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(
            target=client_worker, args=(port, prefix, put_headers, case, keep_alive, threads, seconds, results)
        )
        for _client in range(clients)
    ]
    for process in processes:
        process.start()
    latencies, errors = [], collections.Counter()
    for _worker in processes:
        mine, failed = results.get(timeout=seconds + 60)
        latencies.extend(mine)
        errors.update(failed)
    for process in processes:
        process.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": dict(errors),
        "rps": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
    }


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per client process")
    parser.add_argument("--server-threads", type=int, default=16, help="worker threads of a threaded server")
    parser.add_argument("--servers", default=",".join(CANDIDATES))
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    rows = []
    for name in args.servers.split(","):
        process, port = start_server(name, args.server_threads)
        try:
            prefix, put_headers = prepare(port)
            for case in ("get", "put"):
                for keep_alive in (True, False):
                    row = measure(port, prefix, put_headers, case, keep_alive, args.clients, args.threads, args.seconds)
                    row.update(server=name, case=case, keep_alive=keep_alive)
                    rows.append(row)
                    print(
                        f"{name:9} {case:4} keep-alive={'on ' if keep_alive else 'off'} "
                        f"{row['rps']:8.0f} req/s  p50 {row['p50_ms']:6.2f} ms  p99 {row['p99_ms']:6.2f} ms  "
                        f"errors {sum(row['errors'].values())} {row['errors'] or ''}",
                        flush=True,
                    )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
