#!/usr/bin/env python
"""Peak memory of the local endpoint holding many small objects (issue 15: 100,000 × 2 KB under 1 GB RSS).

    .venv/bin/python bench/emulator_memory.py [--objects 100000] [--size 2048] [--folders 100] [--how HOW]

HOW is where the bodies are and how the objects get there (seed.py):
  http       `mediastore-emulator` with bodies in memory, filled by PutObject over HTTP (slow: ~400/s here)
  state-dir  a state directory filled in-process, then `mediastore-emulator --state-dir` started on it
  model      the endpoint's model with bodies in memory, filled in-process: what `http` holds, in seconds
Prints the peak RSS (VmHWM, Linux) of the process holding the objects.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from emulator_load import create_container
from seed import object_paths, seed_objects, seed_service, seed_state_dir

from mediastore_emulator.launcher import Emulator
from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import MemoryStore


def peak_rss_mb(pid="self"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/<pid>/status (Linux only)")


def cpu_seconds(pid):
    """User plus system CPU time the process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def over_http(args):
    with Emulator(create_delay=0) as emulator:
        endpoint = create_container(emulator.url)
        seed_objects(endpoint, args.objects, size=args.size, folders=args.folders, threads=args.threads)
        return emulator.health()["objects"], peak_rss_mb(emulator.process.pid)


def from_state_dir(args):
    with tempfile.TemporaryDirectory(prefix="emulator-memory-") as state_dir:
        seed_state_dir(state_dir, {"library": (object_paths(args.objects, args.folders), args.size, None)})
        with Emulator("--state-dir", state_dir, ready_timeout=120) as emulator:
            return emulator.health()["objects"], peak_rss_mb(emulator.process.pid)


def in_model(args):
    service = MediaStore(MemoryStore(), create_delay=0)
    seed_service(service, "library", object_paths(args.objects, args.folders), size=args.size)
    return service.counts()["objects"], peak_rss_mb()


HOWS = {"http": over_http, "state-dir": from_state_dir, "model": in_model}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=2048, help="bytes per object")
    parser.add_argument("--folders", type=int, default=100, help="folders the objects are spread over (0: none)")
    parser.add_argument("--threads", type=int, default=16, help="uploading threads (--how http)")
    parser.add_argument("--how", choices=HOWS, default="model")
    args = parser.parse_args()
    started = time.monotonic()
    objects, peak_mb = HOWS[args.how](args)
    print(
        f"{objects} objects of {args.size} B in {args.folders} folders ({args.how}, "
        f"{time.monotonic() - started:.1f} s): peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
