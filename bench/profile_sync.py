#!/usr/bin/env python
"""Where mediastore_sync and the list_items lookup spend their time, in-process, against a launched endpoint.

    .venv/bin/python bench/profile_sync.py [--files 1000] [--folders 10] [--file-size 2048] [--port 0]
        [--emulator-arg=--latency-ms --emulator-arg=80] [--concurrency 8] [--repeats 1] [--profile] CASE [CASE...]

Cases (each prints one line per measurement; nothing is written to docs/):

  sync         a first sync and a no-op re-sync of the module's main(), in this process: wall and CPU time,
               boto3 sessions and endpoint-data loads, result size, peak RSS
  parser       no-op syncs of --files files with the module's own ListItems parser and with botocore's,
               alternated (at least 5 rounds): median wall and CPU time of each
  uploads      --files uploads through the module's upload() against a plain boto3 put_object loop, same
               client configuration and threads: process CPU time per upload of each
  concurrency  a first sync of --files files at max_concurrency 8, 16, 32, 40, 48 and 64 (wall time)
  list         the list_items lookup's listing (recursive) over the synced tree
  memory       a no-op sync planned over --files remote objects served by a stand-in listing (no endpoint
               needed for the remote side; the local files are real): peak RSS of the module's structures

--profile prints the cProfile top 25 (cumulative) of each no-op sync and listing.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import botocore.loaders
from botocore.config import Config

from mediastore_emulator.launcher import Emulator

REPO = Path(__file__).resolve().parent.parent
CREDENTIALS = {"aws_access_key_id": "AKIDLOCALMEDIASTORE", "aws_secret_access_key": "local-mediastore-secret"}
REGION = "us-east-1"
CONTAINER = "profile_sync"


def import_collection():
    """Make ``ansible_collections.elemental.mediastore`` this checkout (amazon.aws comes from the venv).

    Returns the temporary folder holding the link, to remove at the end.
    """
    root = Path(tempfile.mkdtemp(prefix="profile-sync-"))
    (root / "ansible_collections" / "elemental").mkdir(parents=True)
    (root / "ansible_collections" / "elemental" / "mediastore").symlink_to(REPO)
    sys.path.insert(0, str(root))
    import ansible_collections  # a namespace package: add our root next to the venv's

    ansible_collections.__path__.append(str(root / "ansible_collections"))
    return root


class Counters:
    """How many boto3 sessions were made and how often botocore loaded its endpoint data."""

    def __init__(self):
        self.sessions = self.endpoint_loads = 0
        session_init, load_data = boto3.session.Session.__init__, botocore.loaders.Loader.load_data_with_path
        counters = self

        def counting_init(self, *args, **kwargs):
            counters.sessions += 1
            session_init(self, *args, **kwargs)

        def counting_load(self, name, *args, **kwargs):
            if name == "endpoints":
                counters.endpoint_loads += 1
            return load_data(self, name, *args, **kwargs)

        boto3.session.Session.__init__ = counting_init
        botocore.loaders.Loader.load_data_with_path = counting_load

    def reset(self):
        self.sessions = self.endpoint_loads = 0


def write_tree(root, count, folders, size):
    paths = []
    for number in range(count):
        relative = f"f{number % folders:03d}/seg_{number:06d}.ts"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(os.urandom(size))
        paths.append(relative)
    return paths


def data_endpoint(emulator_url):
    control = boto3.client("mediastore", endpoint_url=emulator_url, region_name=REGION, **CREDENTIALS)
    with contextlib.suppress(control.exceptions.ContainerInUseException):
        control.create_container(ContainerName=CONTAINER)
    while True:
        container = control.describe_container(ContainerName=CONTAINER)["Container"]
        if container.get("Endpoint"):
            return container["Endpoint"]
        time.sleep(0.1)


def run_module(main, args, profile=False):
    """main() of a module with ``args`` in this process: (result, wall s, cpu s, profiler stats or None)."""
    from ansible.module_utils.testing import patch_module_args

    output, profiler = io.StringIO(), cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    with patch_module_args(args), contextlib.redirect_stdout(output), contextlib.suppress(SystemExit):
        if profiler:
            profiler.runcall(main)
        else:
            main()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return json.loads(output.getvalue()), wall, cpu, profiler


def sync_args(src, endpoint, **options):
    return dict(
        src=str(src),
        endpoint=endpoint,
        region=REGION,
        access_key=CREDENTIALS["aws_access_key_id"],
        secret_key=CREDENTIALS["aws_secret_access_key"],
        **options,
    )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_profile(profiler):
    if profiler:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def report(case, result, wall, cpu, counters):
    size = len(json.dumps(result))
    counts = result.get("counts")
    print(
        f"{case}: wall {wall:.3f} s, cpu {cpu:.3f} s, sessions {counters.sessions}, endpoint-data loads "
        f"{counters.endpoint_loads}, result {size / 1024:.0f} KiB, counts {counts}, peak RSS {peak_rss_mb():.0f} MB"
        + (f", FAILED: {result.get('msg')}" if result.get("failed") else ""),
        flush=True,
    )


def case_sync(options, endpoint, src, counters):
    from ansible_collections.elemental.mediastore.plugins.modules import mediastore_sync

    args = sync_args(src, endpoint, prefix="sync", max_concurrency=options.concurrency)
    for case in ("first",) + ("no-op",) * options.repeats:
        counters.reset()
        result, wall, cpu, profiler = run_module(mediastore_sync.main, args, options.profile and case == "no-op")
        report(f"sync {case} ({options.files} files)", result, wall, cpu, counters)
        print_profile(profiler)


def case_parser(options, endpoint, src):
    """No-op syncs with the module's ListItems parser and with botocore's, alternated: medians of wall and CPU."""
    from ansible_collections.elemental.mediastore.plugins.module_utils import _service
    from ansible_collections.elemental.mediastore.plugins.modules import mediastore_sync

    args = sync_args(src, endpoint, prefix="parser", max_concurrency=options.concurrency)
    run_module(mediastore_sync.main, args)  # the first sync
    own_parser, timings = _service.parse_list_items_answer, {"own parser": [], "botocore's parser": []}
    try:
        for _round in range(max(options.repeats, 5)):
            for name in timings:
                # The hook is registered by name when a client is built, so this swap reaches the next run.
                _service.parse_list_items_answer = own_parser if name == "own parser" else lambda **_kwargs: None
                _result, wall, cpu, _profiler = run_module(mediastore_sync.main, args)
                timings[name].append((wall, cpu))
    finally:
        _service.parse_list_items_answer = own_parser
    for name, runs in timings.items():
        wall, cpu = (statistics.median(run[index] for run in runs) for index in (0, 1))
        print(f"no-op with {name} ({options.files} files, {len(runs)} runs): wall {wall:.3f} s, cpu {cpu:.3f} s")


def case_concurrency(options, endpoint, src, counters):
    from ansible_collections.elemental.mediastore.plugins.modules import mediastore_sync

    for concurrency in (8, 16, 32, 40, 48, 64):
        args = sync_args(src, endpoint, prefix=f"concurrency{concurrency}", max_concurrency=concurrency)
        counters.reset()
        result, wall, cpu, _profiler = run_module(mediastore_sync.main, args)
        report(f"sync first, max_concurrency {concurrency}", result, wall, cpu, counters)


def case_uploads(options, endpoint, src, paths):
    """Process CPU of the module's upload() against plain put_object, alternated three times."""
    from ansible_collections.elemental.mediastore.plugins.module_utils._service import session_clients
    from ansible_collections.elemental.mediastore.plugins.module_utils._sync import (
        UPLOAD_BYTES_IN_FLIGHT,
        ByteBudget,
        LocalFile,
        RateLimiter,
        Upload,
    )
    from ansible_collections.elemental.mediastore.plugins.modules.mediastore_sync import upload

    concurrency = options.concurrency
    config = {"max_pool_connections": concurrency}
    clients = session_clients(REGION, None, dict(CREDENTIALS))
    data = clients.data_plane(endpoint=endpoint, config=config)
    # Plain boto3 with the same botocore configuration: pool size, one attempt per call (the module retries itself).
    plain = boto3.session.Session().client(
        "mediastore-data",
        endpoint_url=endpoint,
        region_name=REGION,
        config=Config(max_pool_connections=concurrency, retries={"total_max_attempts": 1}),
        **CREDENTIALS,
    )
    params = {"upload_availability": "standard", "storage_class": None}
    limiter = RateLimiter(None)
    budget = ByteBudget(UPLOAD_BYTES_IN_FLIGHT)
    items = [
        Upload(
            LocalFile(relative, str(src / relative), options.file_size, 0),
            f"uploads/{relative}",
            "new",
            "video/MP2T",
            None,
        )
        for relative in paths
    ]

    def module_put(item):
        upload(data, item, params, limiter, budget)

    def plain_put(item):
        with open(item.local.full_path, "rb") as handle:
            plain.put_object(Path=item.path, Body=handle.read(), ContentType=item.content_type)

    for function in (plain_put, module_put) * options.repeats:
        with ThreadPoolExecutor(concurrency) as pool:
            started, cpu_started = time.perf_counter(), time.process_time()
            list(pool.map(function, items))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"uploads {function.__name__}: {len(items)} in {wall:.2f} s, cpu {cpu:.2f} s "
            f"({cpu / len(items) * 1e3:.3f} ms each)",
            flush=True,
        )


def case_list(options, endpoint, counters):
    from ansible_collections.elemental.mediastore.plugins.lookup.list_items import list_folders
    from ansible_collections.elemental.mediastore.plugins.module_utils._service import session_clients

    counters.reset()
    profiler = cProfile.Profile() if options.profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    data = session_clients(REGION, None, dict(CREDENTIALS)).data_plane(endpoint=endpoint)
    items = list_folders(data, [""], dict(item_type="all", max_items=None, page_size=1000, recursive=True))
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"list_items recursive: {len(items)} items, wall {wall:.3f} s, cpu {cpu:.3f} s, sessions {counters.sessions}",
        flush=True,
    )
    print_profile(profiler)


def case_memory(options, src, paths):
    """A no-op sync over len(paths) objects; the listing answers from memory as botocore would have parsed it."""
    import datetime

    from ansible_collections.elemental.mediastore.plugins.module_utils import _service
    from ansible_collections.elemental.mediastore.plugins.modules import mediastore_sync

    modified = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    folders = sorted({path.rsplit("/", 1)[0] for path in paths})
    by_folder = {folder: [] for folder in folders}
    for path in paths:
        folder, name = path.rsplit("/", 1)
        by_folder[folder].append((name, os.path.getsize(src / path)))

    def list_folder(_data, path, page_size=1000):
        if path == "memory":
            return [{"Name": folder, "Type": "FOLDER", "Path": f"memory/{folder}"} for folder in folders]
        return [
            {
                "Name": name,
                "Type": "OBJECT",
                "Path": f"{path}/{name}",
                "ETag": "e" * 64,
                "ContentType": "video/MP2T",
                "ContentLength": size,
                "LastModified": modified,
            }
            for name, size in by_folder[path.split("/", 1)[1]]
        ]

    _service.list_folder = mediastore_sync.list_folder = list_folder
    before = peak_rss_mb()
    args = sync_args(src, "http://127.0.0.1:9", prefix="memory", max_concurrency=options.concurrency)
    result, wall, cpu, profiler = run_module(mediastore_sync.main, args, options.profile)
    print(
        f"memory no-op over {len(paths)} objects: wall {wall:.2f} s, cpu {cpu:.2f} s, counts {result.get('counts')}, "
        f"peak RSS {peak_rss_mb():.0f} MB (before the run {before:.0f} MB)"
        + (f", FAILED: {result.get('msg')}" if result.get("failed") else ""),
        flush=True,
    )
    print_profile(profiler)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="+", choices=["sync", "parser", "uploads", "concurrency", "list", "memory"])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--folders", type=int, default=10)
    parser.add_argument("--file-size", type=int, default=2048)
    parser.add_argument("--concurrency", type=int, default=8, help="max_concurrency of sync and the upload threads")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--emulator-arg", action="append", default=[], help="extra mediastore-emulator argument")
    parser.add_argument("--repeats", type=int, default=1, help="no-op syncs after the first")
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    link_root = import_collection()
    counters = Counters()
    work = Path(tempfile.mkdtemp(prefix="profile-sync-tree-"))
    try:
        paths = write_tree(work, options.files, options.folders, options.file_size)
        if options.cases == ["memory"]:
            case_memory(options, work, paths)
            return
        with Emulator(*options.emulator_arg, port=options.port, create_delay=0) as emulator:
            endpoint = data_endpoint(emulator.url)
            for case in options.cases:
                if case == "sync":
                    case_sync(options, endpoint, work, counters)
                elif case == "parser":
                    case_parser(options, endpoint, work)
                elif case == "uploads":
                    case_uploads(options, endpoint, work, paths)
                elif case == "concurrency":
                    case_concurrency(options, endpoint, work, counters)
                elif case == "list":
                    case_list(options, endpoint, counters)
                else:
                    case_memory(options, work, paths)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(link_root, ignore_errors=True)


if __name__ == "__main__":
    main()
