"""Fill a container of the local endpoint with many small objects.

Two ways, both returning the object paths (``object_paths``):

    seed_objects(container_endpoint, 10_000, size=2048, folders=100, threads=16)
        PutObject over HTTP from a thread pool, into a running endpoint (about 400/s on a loaded 2-core machine)
    seed_state_dir(state_dir, {"library": (object_paths(100_000, folders=100), 2048, "video/MP2T")})
        through the endpoint's own model, in this process, into an empty state directory (100k: ~10 s); then
        start the endpoint on it: Emulator("--state-dir", state_dir, ready_timeout=120) serves the containers,
        ACTIVE, at once (loading 100k objects takes ~5 s)
    seed_service(service, "library", paths, size=2048, content_type="video/MP2T")
        the same into a MediaStore model object in this process

The bench scripts run from bench/, so ``seed`` imports as a top-level module there.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from emulator_load import client

from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import DirectoryStore


def object_paths(count, folders=None):
    """``count`` object paths, spread evenly over ``folders`` folders (``f000/`` ...), or all at the top."""
    if not folders:
        return [f"obj{number:06d}.bin" for number in range(count)]
    return [f"f{number % folders:03d}/obj{number:06d}.bin" for number in range(count)]


def seed_objects(endpoint, count, *, size=2048, folders=None, threads=16):
    """PUT ``count`` objects of ``size`` bytes into the container whose data endpoint is ``endpoint`` and return
    their paths; the first failed upload raises."""
    paths = object_paths(count, folders)
    body = b"x" * size
    local = threading.local()

    def put(path):
        if not hasattr(local, "data"):
            local.data = client("mediastore-data", endpoint, 1)
        local.data.put_object(Path=path, Body=body)

    with ThreadPoolExecutor(threads) as pool:
        for _done in pool.map(put, paths, chunksize=64):
            pass
    return paths


class _BulkStore(DirectoryStore):
    """The state directory's format, written the quick way: no fsync, and each container document once, by
    ``flush()``, instead of after every object. For seeding only: a crash leaves a directory to throw away."""

    def __init__(self, root):
        super().__init__(root)
        self._documents = {}

    def _atomic_write(self, final_path, data):
        with open(final_path, "wb") as handle:
            handle.write(data)

    def save_container(self, name, document):
        self._documents[name] = document

    def flush(self):
        for name, document in self._documents.items():
            super().save_container(name, document)


def seed_state_dir(state_dir, containers):
    """Fill the empty directory ``state_dir`` with ``containers``, {name: (object paths, object size, content
    type or None)}; the endpoint started with ``--state-dir state_dir`` serves them."""
    os.makedirs(state_dir, exist_ok=True)
    if os.listdir(state_dir):
        raise ValueError(f"{state_dir} is not empty: seed_state_dir fills a new state directory")
    store = _BulkStore(state_dir)
    service = MediaStore(store, create_delay=0)
    for name, (paths, size, content_type) in containers.items():
        seed_service(service, name, paths, size=size, content_type=content_type)
    store.flush()


def seed_service(service, container_name, paths, *, size=2048, content_type=None):
    """Create container ``container_name`` in ``service`` (a ``MediaStore`` with no create delay) holding an
    object of ``size`` bytes at each of ``paths``, each with a body of its own as after an upload; a sync compares
    ``content_type`` with the one it would store."""
    service.create_container(container_name)
    endpoint_id = service.describe_container(container_name)["Endpoint"].rsplit("/", 1)[1]
    container = service.container_for_endpoint(endpoint_id)
    for path in paths:
        service.put_object(container, path, bytearray(size), content_type=content_type)
