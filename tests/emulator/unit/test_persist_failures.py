"""A write the state directory refuses (disk full, permission denied) changes nothing, in memory or on disk.

Every operation that changes state is tried once against a store that raises OSError: it must fail with a 500
InternalServerError, the service must look exactly as before, a restart must show exactly that too, and the
same call must succeed once the disk works again.
"""

import errno
import json

import pytest

from mediastore_emulator.errors import ServiceError
from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import DirectoryStore

CORS = [{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}]
OTHER_CORS = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["Range"]}]
METRIC = {"ContainerLevelMetrics": "ENABLED"}
OTHER_METRIC = {"ContainerLevelMetrics": "DISABLED"}


def lifecycle(seconds):
    rule = {
        "definition": {"path": [{"wildcard": "live/*.ts"}], "seconds_since_create": [{"numeric": [">", seconds]}]},
        "action": "EXPIRE",
    }
    return json.dumps({"rules": [rule]})


def container_policy(service, name, sid):
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "mediastore:GetObject",
        "Resource": f"{service.arn_for(name)}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class FailingStore(DirectoryStore):
    """A state directory whose writes all fail with ``error`` (an errno) while it is set, as a full disk would."""

    def __init__(self, root):
        super().__init__(root)
        self.error = None

    def _atomic_write(self, final_path, data):
        if self.error is not None:
            raise OSError(self.error, f"simulated: {errno.errorcode[self.error]}", final_path)
        super()._atomic_write(final_path, data)


def open_service(root, store_class=DirectoryStore):
    return MediaStore(store_class(root), create_delay=0, delete_delay=0)


def seeded_service(root):
    """A service over a FailingStore with "movies" (every policy, tags, logging, two objects) and "empty"."""
    service = open_service(root, FailingStore)
    service.create_container("movies", [{"Key": "team", "Value": "live"}])
    service.create_container("empty")
    service.put_container_policy("movies", container_policy(service, "movies", "First"))
    service.put_cors_policy("movies", CORS)
    service.put_lifecycle_policy("movies", lifecycle(60))
    service.put_metric_policy("movies", METRIC)
    service.set_access_logging("movies", True)
    movies = container_of(service, "movies")
    service.put_object(movies, "a/b.ts", b"first body", "video/MP2T")
    service.put_object(movies, "c.ts", b"second body")
    return service


def container_of(service, name):
    endpoint_id = service.describe_container(name)["Endpoint"].rsplit("/", 1)[1]
    return service.container_for_endpoint(endpoint_id)


def answer_of(call, *args):
    """What a client would be told: the result, or the error code."""
    try:
        return call(*args)
    except ServiceError as error:
        return error.code


def observed(service):
    """Everything a client can read back, through the service's public methods only."""
    view = {}
    for listed in service.list_containers()["Containers"]:
        name = listed["Name"]
        view[name] = {
            "describe": listed,
            "tags": service.list_tags(service.arn_for(name)),
            "policies": [
                answer_of(getter, name)
                for getter in (
                    service.get_container_policy,
                    service.get_cors_policy,
                    service.get_lifecycle_policy,
                    service.get_metric_policy,
                )
            ],
        }
        if listed["Status"] == "ACTIVE":
            container = service.container_for_endpoint(listed["Endpoint"].rsplit("/", 1)[1])
            view[name]["objects"] = {
                path: (meta["etag"], meta["content_type"], body)
                for path in ("a/b.ts", "c.ts", "new.ts")
                if not isinstance(found := answer_of(service.get_object, container, path), str)
                for meta, body in [found]
            }
    return view


# Every write, as a call that changes the seeded state.
WRITES = {
    "CreateContainer": lambda s: s.create_container("newcomer"),
    "DeleteContainer": lambda s: s.delete_container("empty"),
    "PutContainerPolicy": lambda s: s.put_container_policy("movies", container_policy(s, "movies", "Second")),
    "DeleteContainerPolicy": lambda s: s.delete_container_policy("movies"),
    "PutCorsPolicy": lambda s: s.put_cors_policy("movies", OTHER_CORS),
    "DeleteCorsPolicy": lambda s: s.delete_cors_policy("movies"),
    "PutLifecyclePolicy": lambda s: s.put_lifecycle_policy("movies", lifecycle(120)),
    "DeleteLifecyclePolicy": lambda s: s.delete_lifecycle_policy("movies"),
    "PutMetricPolicy": lambda s: s.put_metric_policy("movies", OTHER_METRIC),
    "DeleteMetricPolicy": lambda s: s.delete_metric_policy("movies"),
    "StartAccessLogging": lambda s: s.set_access_logging("empty", True),
    "StopAccessLogging": lambda s: s.set_access_logging("movies", False),
    "TagResource": lambda s: s.tag_resource(s.arn_for("movies"), [{"Key": "tier", "Value": "gold"}]),
    "UntagResource": lambda s: s.untag_resource(s.arn_for("movies"), ["team"]),
    "PutObject (new)": lambda s: s.put_object(container_of(s, "movies"), "new.ts", b"new body"),
    "PutObject (replace)": lambda s: s.put_object(container_of(s, "movies"), "a/b.ts", b"replaced body"),
    "DeleteObject": lambda s: s.delete_object(container_of(s, "movies"), "a/b.ts"),
}


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES], ids=["disk-full", "permission-denied"])
@pytest.mark.parametrize("operation", list(WRITES))
def test_a_write_the_disk_refuses_changes_nothing(tmp_path, operation, error):
    root = str(tmp_path)
    service = seeded_service(root)
    before = observed(service)

    service.store.error = error
    with pytest.raises(ServiceError) as refused:
        WRITES[operation](service)

    assert (refused.value.code, refused.value.status) == ("InternalServerError", 500)
    assert observed(service) == before, "memory changed although nothing was saved"
    assert observed(open_service(root)) == before, "after a restart the state is not what was acknowledged"

    service.store.error = None
    WRITES[operation](service)  # a retry is not told "already exists" or "not found"
    after = observed(service)
    assert after != before
    assert observed(open_service(root)) == after


def test_every_write_operation_is_covered():
    # The journal's list of writing operations (docs/local-endpoint.md); PutObject is tried twice above.
    written = {name.split(" ")[0] for name in WRITES}
    assert written == {
        "CreateContainer", "DeleteContainer", "PutContainerPolicy", "DeleteContainerPolicy", "PutCorsPolicy",
        "DeleteCorsPolicy", "PutLifecyclePolicy", "DeleteLifecyclePolicy", "PutMetricPolicy", "DeleteMetricPolicy",
        "StartAccessLogging", "StopAccessLogging", "TagResource", "UntagResource", "PutObject", "DeleteObject",
    }  # fmt: skip


def test_a_failed_object_write_leaves_no_body_behind(tmp_path):
    root = str(tmp_path)
    service = seeded_service(root)
    blobs = sorted((tmp_path / "blobs").iterdir())

    # The body file is written; only the container document that would point at it fails.
    service.store.save_container = failing_save
    with pytest.raises(ServiceError):
        service.put_object(container_of(service, "movies"), "new.ts", b"never acknowledged")

    assert sorted((tmp_path / "blobs").iterdir()) == blobs


def failing_save(name, document):
    raise OSError(errno.ENOSPC, "simulated: ENOSPC")


def test_reads_keep_working_while_the_disk_refuses_writes(tmp_path):
    service = seeded_service(str(tmp_path))
    before = observed(service)
    service.store.error = errno.EROFS
    assert observed(service) == before
