#!/usr/bin/env python
"""Load benchmark of the local endpoint: concurrent PutObject + GetObject with boto3.

Starts `mediastore-emulator --port 0`, creates one container, then N threads each run M iterations of
PutObject and GetObject of an object of SIZE bytes (every GetObject body is checked against what was put).
Prints requests/second and latency percentiles, fails if any request failed, and records the run in the
"Local endpoint throughput" section of docs/performance.md.

    .venv/bin/python bench/emulator_load.py [--threads 8] [--iterations 200] [--size 102400] [--no-docs]
"""

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import boto3
from botocore.config import Config

from mediastore_emulator.launcher import Emulator

REPO = Path(__file__).resolve().parent.parent
PERFORMANCE_DOC = REPO / "docs" / "performance.md"
SECTION = "## Local endpoint throughput"
COMMAND = ".venv/bin/python bench/emulator_load.py"
CREDENTIALS = {"aws_access_key_id": "AKIDLOCALMEDIASTORE", "aws_secret_access_key": "local-mediastore-secret"}
TABLE_HEADER = (
    "| date (UTC) | machine | threads × iterations | object | requests | errors | elapsed | req/s | p50 | p95 | p99 |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def client(service, endpoint_url, pool):
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=pool),
        **CREDENTIALS,
    )


def create_container(base_url):
    control = client("mediastore", base_url, 1)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    control.create_container(ContainerName=name)
    for _attempt in range(200):
        container = control.describe_container(ContainerName=name)["Container"]
        if container["Status"] == "ACTIVE":
            return container["Endpoint"]
        time.sleep(0.05)
    sys.exit(f"container {name} never became ACTIVE")


def worker(index, endpoint, iterations, size, latencies, errors, start_barrier):
    data = client("mediastore-data", endpoint, 2)
    body = os.urandom(size)
    start_barrier.wait()
    for iteration in range(iterations):
        path = f"load/t{index}/obj{iteration % 20}.bin"
        for operation in ("PutObject", "GetObject"):
            started = time.perf_counter()
            try:
                if operation == "PutObject":
                    data.put_object(Path=path, Body=body, ContentType="application/octet-stream")
                elif data.get_object(Path=path)["Body"].read() != body:
                    raise AssertionError(f"GetObject {path} returned other bytes")
            except Exception as error:  # noqa: BLE001 - every failure counts, whatever its kind
                errors.append(f"{operation} {path}: {error!r}")
            latencies.append((operation, time.perf_counter() - started))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def machine_description():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def update_doc(row):
    intro = (
        f"{SECTION}\n\n"
        "Concurrent PutObject + GetObject of 100 KB objects with boto3 against `mediastore-emulator` on the same\n"
        "machine (8 threads × 200 iterations, one client per thread, every GetObject body compared with what was\n"
        "put, no retries). The client threads and the endpoint share the same cores, so the figure is what one\n"
        "machine running both sustains. Latencies are per request. Reproduce with:\n\n"
        f"```\n{COMMAND}\n```\n\n"
        "Each run appends one row.\n\n"
    )
    text = (
        PERFORMANCE_DOC.read_text()
        if PERFORMANCE_DOC.exists()
        else (
            "# Performance\n\nMeasured figures for this collection and its local endpoint. Each section says how to\n"
            "reproduce its numbers.\n\n"
        )
    )
    match = re.search(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if match:
        rows = re.findall(r"^\| \d{4}-\d\d-\d\d.*\|$", match.group(0), flags=re.M)
        section = intro + TABLE_HEADER + "".join(r + "\n" for r in rows + [row]) + "\n"
        text = text[: match.start()] + section + text[match.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + intro + TABLE_HEADER + row + "\n"
    PERFORMANCE_DOC.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--size", type=int, default=100 * 1024, help="object size in bytes")
    parser.add_argument("--no-docs", action="store_true", help="do not record the run in docs/performance.md")
    args = parser.parse_args()

    with Emulator(create_delay=0, delete_delay=0) as emulator:
        endpoint = create_container(emulator.url)
        latencies, errors = [], []
        barrier = threading.Barrier(args.threads + 1)
        threads = [
            threading.Thread(target=worker, args=(i, endpoint, args.iterations, args.size, latencies, errors, barrier))
            for i in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

    requests = len(latencies)
    all_ms = [seconds * 1000 for _operation, seconds in latencies]
    print(
        f"mediastore-emulator load: {args.threads} threads x {args.iterations} iterations of PutObject+GetObject, "
        f"{args.size} bytes, {machine_description()}"
    )
    print(f"requests {requests}  errors {len(errors)}  elapsed {elapsed:.2f} s  {requests / elapsed:.1f} req/s")
    for operation in ("PutObject", "GetObject"):
        ms = [seconds * 1000 for op, seconds in latencies if op == operation]
        print(
            f"  {operation:9}  p50 {percentile(ms, 0.5):7.1f} ms  p95 {percentile(ms, 0.95):7.1f} ms  "
            f"p99 {percentile(ms, 0.99):7.1f} ms  mean {statistics.fmean(ms):7.1f} ms"
        )
    print(
        f"  all        p50 {percentile(all_ms, 0.5):7.1f} ms  p95 {percentile(all_ms, 0.95):7.1f} ms  "
        f"p99 {percentile(all_ms, 0.99):7.1f} ms"
    )
    for error in errors[:10]:
        print("  error:", error)

    if errors:
        sys.exit(f"{len(errors)} of {requests} requests failed")
    if not args.no_docs:
        today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
        size = f"{args.size // 1024} KB" if args.size % 1024 == 0 else f"{args.size} B"
        row = (
            f"| {today} | {machine_description()} | {args.threads} × {args.iterations} | {size} | {requests} | "
            f"{len(errors)} | {elapsed:.1f} s | {requests / elapsed:.0f} | {percentile(all_ms, 0.5):.1f} ms | "
            f"{percentile(all_ms, 0.95):.1f} ms | {percentile(all_ms, 0.99):.1f} ms |"
        )
        update_doc(row)
        print(f"recorded in {PERFORMANCE_DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
