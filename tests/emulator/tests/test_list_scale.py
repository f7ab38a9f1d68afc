"""ListItems at VOD-library scale: its cost follows the folder listed, not the container (the model, in-process).

Work is counted, not timed: the container's object table is swapped for one that counts every look at it.
"""

import json
import os
import random

import pytest

from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import DirectoryStore, MemoryStore

# Objects under "live/" expire 60 s after they are written: transient objects, which ListItems never shows.
TRANSIENT_LIVE = json.dumps(
    {
        "rules": [
            {
                "definition": {"path": [{"wildcard": "live/*"}], "seconds_since_create": [{"numeric": [">=", 60]}]},
                "action": "EXPIRE",
            }
        ]
    }
)


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


def _scan(method):
    """``method`` of dict, counting every entry of the table as read."""

    def scan(self):
        self.touched += len(self)
        return method(self)

    return scan


class CountingObjects(dict):
    """A container's object table that counts the entries read through it."""

    touched = 0
    __iter__, items, values, keys = (_scan(method) for method in (dict.__iter__, dict.items, dict.values, dict.keys))

    def __getitem__(self, key):
        self.touched += 1
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.touched += 1
        return super().get(key, default)


def open_service(store, clock):
    return MediaStore(store, create_delay=0, delete_delay=0, clock=clock)


def active_container(service, name="library"):
    service.create_container(name)
    return service.container_for_endpoint(service._containers[name].endpoint_id)


def test_listing_a_small_folder_reads_only_that_folder():
    service = open_service(MemoryStore(), Clock())
    container = active_container(service)
    for number in range(50_000):
        service.put_object(container, f"vod/title{number % 500:03d}/seg{number:05d}.ts", b"")
    for number in range(10):
        service.put_object(container, f"trailers/t{number}.mp4", b"")
    container.objects = CountingObjects(container.objects)

    listed = service.list_items(container, "trailers")

    assert [item["Name"] for item in listed["Items"]] == [f"t{number}.mp4" for number in range(10)]
    assert container.objects.touched <= 10


def expected_listing(visible, folder):
    """What ListItems shows of ``folder``, worked out from every visible path: (name, type) in name order."""
    prefix = folder + "/" if folder else ""
    children = {}
    for path in visible:
        if path.startswith(prefix):
            name, slash, _rest = path[len(prefix) :].partition("/")
            children[name] = "FOLDER" if slash else "OBJECT"
    return sorted(children.items())


def listing(service, container, folder, page_size):
    """Every page of ``folder``, followed through NextToken: (name, type) in the order given."""
    items, token = [], None
    while True:
        page = service.list_items(container, folder or None, page_size, token)
        items += [(item["Name"], item["Type"]) for item in page["Items"]]
        token = page.get("NextToken")
        if token is None:
            return items


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_listings_match_the_objects_through_writes_deletes_expiry_and_a_restart(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(os, "fsync", lambda _fd: None)  # durability is not what this test is about
    rng = random.Random(seed)
    clock = Clock()
    service = open_service(DirectoryStore(tmp_path), clock)
    container = active_container(service)
    service.put_lifecycle_policy("library", TRANSIENT_LIVE)
    visible, transient = set(), set()
    candidates = [
        "/".join(rng.choice(["a", "b", "live", "c.ts"]) for _level in range(rng.randint(1, 4))) + f"-{n}.ts"
        for n in range(40)
    ] + ["live/only-transient/x.ts", "a/b/deep.ts"]
    for _step in range(300):
        path = rng.choice(candidates)
        if path in visible or path in transient:
            service.delete_object(container, path)
            visible.discard(path)
            transient.discard(path)
        else:
            try:
                service.put_object(container, path, b"x")
            except Exception:  # a folder and an object of one name: refused, changes nothing
                continue
            (transient if path.startswith("live/") else visible).add(path)
        if rng.random() < 0.05:
            clock.now += 60  # every transient object written so far expires
            transient.clear()
    for current in (service, open_service(DirectoryStore(tmp_path), clock)):
        container = current.container_for_endpoint(container.endpoint_id)
        folders = {""} | {"/".join(p.split("/")[:depth]) for p in visible for depth in range(1, p.count("/") + 1)}
        for folder in sorted(folders | {"live", "live/only-transient", "no/such"}):
            for page_size in (1, 3, 1000):
                assert listing(current, container, folder, page_size) == expected_listing(visible, folder), folder
