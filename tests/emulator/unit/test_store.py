import json
import os

import pytest

from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import DirectoryStore, MemoryStore, open_store


class Crash(Exception):
    pass


class CrashingStore(DirectoryStore):
    """Stops (like a SIGKILL would) after the N-th step of a write once armed."""

    def __init__(self, root):
        super().__init__(root)
        self.crash_at = None
        self.steps = []

    def _after_step(self, step):
        if self.crash_at is None:
            return
        self.steps.append(step)
        if len(self.steps) == self.crash_at:
            raise Crash(step)


def reopen(root):
    """A fresh service over the state directory, as after a restart."""
    return MediaStore(DirectoryStore(root), create_delay=0, delete_delay=0)


def crashing_service(root):
    """(store, service, container): a service over a CrashingStore with one ACTIVE container, "movies"."""
    store = CrashingStore(root)
    service = MediaStore(store, create_delay=0, delete_delay=0)
    service.create_container("movies")
    return store, service, service.container_for_endpoint(service._containers["movies"].endpoint_id)


def listing(root):
    return {d: sorted(os.listdir(os.path.join(root, d))) for d in ("blobs", "containers", "tmp")}


def test_open_store_kinds(tmp_path):
    assert isinstance(open_store(None), MemoryStore)
    assert isinstance(open_store(str(tmp_path)), DirectoryStore)


def test_everything_survives_restart(tmp_path):
    root = str(tmp_path)
    service = MediaStore(DirectoryStore(root), create_delay=0, delete_delay=0)
    service.create_container("movies", [{"Key": "team", "Value": "live"}])
    arn = service.arn_for("movies")
    container = service.container_for_endpoint(service._containers["movies"].endpoint_id)
    put = service.put_object(container, "a/b.ts", b"segment", "video/MP2T", "max-age=3")
    cors = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}]
    service.put_cors_policy("movies", cors)
    lifecycle = json.dumps(
        {
            "rules": [
                {
                    "definition": {"path": [{"prefix": "a"}], "days_since_create": [{"numeric": [">", 2]}]},
                    "action": "EXPIRE",
                }
            ]
        }
    )
    service.put_lifecycle_policy("movies", lifecycle)
    service.put_metric_policy("movies", {"ContainerLevelMetrics": "ENABLED"})
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject", "Resource": arn + "/*"}
            ],
        }
    )
    service.put_container_policy("movies", policy)
    service.set_access_logging("movies", True)
    service.create_delay = 1000
    service.create_container("still_creating")
    before = service.list_containers()

    again = reopen(root)
    assert again.list_containers() == before
    container = again.container_for_endpoint(again._containers["movies"].endpoint_id)
    meta, data = again.get_object(container, "a/b.ts")
    assert data == b"segment"
    assert (meta["etag"], meta["content_type"], meta["cache_control"]) == (put["ETag"], "video/MP2T", "max-age=3")
    assert again.list_items(container)["Items"] == [{"Name": "a", "Type": "FOLDER"}]
    assert again.get_cors_policy("movies") == cors
    assert again.get_lifecycle_policy("movies") == lifecycle
    assert again.get_metric_policy("movies") == {"ContainerLevelMetrics": "ENABLED"}
    assert again.get_container_policy("movies") == policy
    assert again.list_tags(arn) == [{"Key": "team", "Value": "live"}]
    assert again.describe_container("still_creating")["Status"] == "CREATING"
    # New containers after a restart keep the creation order.
    again.create_container("newer")
    assert [c["Name"] for c in again.list_containers()["Containers"]] == ["movies", "still_creating", "newer"]


@pytest.mark.parametrize(
    "crash_at, expected",
    [(1, b"old version"), (2, b"old version"), (3, b"old version"), (4, b"new version")],
)
def test_overwrite_is_never_torn(tmp_path, crash_at, expected):
    root = str(tmp_path)
    store, service, container = crashing_service(root)
    service.put_object(container, "seg.ts", b"old version")
    store.crash_at = crash_at
    with pytest.raises(Crash):
        service.put_object(container, "seg.ts", b"new version")

    again = reopen(root)
    container = again.container_for_endpoint(again._containers["movies"].endpoint_id)
    meta, data = again.get_object(container, "seg.ts")
    assert data == expected
    assert meta["size"] == len(expected)
    state = listing(root)
    assert state["tmp"] == []
    assert state["blobs"] == [meta["blob"]]  # orphans from the interrupted write are gone


@pytest.mark.parametrize("crash_at", [1, 2, 3])
def test_first_write_interrupted_leaves_no_object(tmp_path, crash_at):
    root = str(tmp_path)
    store, service, container = crashing_service(root)
    store.crash_at = crash_at
    with pytest.raises(Crash):
        service.put_object(container, "a/seg.ts", b"data")
    again = reopen(root)
    container = again.container_for_endpoint(again._containers["movies"].endpoint_id)
    assert again.list_items(container) == {"Items": []}
    assert listing(root)["blobs"] == [] and listing(root)["tmp"] == []


def test_delete_interrupted_before_document_keeps_object(tmp_path):
    root = str(tmp_path)
    store, service, container = crashing_service(root)
    service.put_object(container, "seg.ts", b"keep")
    store.crash_at = 1  # the container document's temp file is written, not renamed
    with pytest.raises(Crash):
        service.delete_object(container, "seg.ts")
    again = reopen(root)
    container = again.container_for_endpoint(again._containers["movies"].endpoint_id)
    assert again.get_object(container, "seg.ts")[1] == b"keep"


def test_half_written_temp_file_is_ignored(tmp_path):
    root = str(tmp_path)
    service = reopen(root)
    service.create_container("movies")
    with open(os.path.join(root, "tmp", "partial"), "wb") as handle:
        handle.write(b'{"name": "movi')
    with open(os.path.join(root, "blobs", "f" * 64), "wb") as handle:
        handle.write(b"orphan")
    again = reopen(root)
    assert [c["Name"] for c in again.list_containers()["Containers"]] == ["movies"]
    assert listing(root) == {"blobs": [], "containers": ["movies.json"], "tmp": []}


def test_deleted_container_and_reset_leave_disk_clean(tmp_path):
    root = str(tmp_path)
    service = reopen(root)
    service.create_container("gone")
    service.delete_container("gone")
    service.list_containers()  # looking sweeps containers whose DELETING time is over
    assert listing(root)["containers"] == []
    service.create_container("movies")
    container = service.container_for_endpoint(service._containers["movies"].endpoint_id)
    service.put_object(container, "a", b"1")
    service.reset()
    assert listing(root) == {"blobs": [], "containers": [], "tmp": []}
    assert reopen(root).list_containers() == {"Containers": []}


def test_memory_store_blob_lifecycle():
    store = MemoryStore()
    store.write_blob("b", bytearray(b"x"))
    assert store.read_blob("b") == b"x"
    store.delete_blob("b")
    store.delete_blob("b")
    with pytest.raises(KeyError):
        store.read_blob("b")
