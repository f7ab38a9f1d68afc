import hashlib
import json

import pytest

from mediastore_emulator.errors import ServiceError
from mediastore_emulator.model import MediaStore, default_container_policy
from mediastore_emulator.store import MemoryStore

ACCOUNT = "111122223333"


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def service(clock):
    return MediaStore(
        MemoryStore(), account_id=ACCOUNT, region="us-east-1", create_delay=2, delete_delay=3, clock=clock
    )


def error_of(fn, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    return info.value


def active(service, clock, name="movies", tags=None):
    service.create_container(name, tags)
    clock.advance(service.create_delay)
    return service.container_for_endpoint(service._containers[name].endpoint_id)


# --- container lifecycle ---


def test_create_is_creating_without_endpoint_then_active(service, clock):
    created = service.create_container("movies")
    assert created["Status"] == "CREATING"
    assert "Endpoint" not in created
    assert created["ARN"] == f"arn:aws:mediastore:us-east-1:{ACCOUNT}:container/movies"
    assert created["AccessLoggingEnabled"] is False
    assert created["CreationTime"] == pytest.approx(clock.now)
    clock.advance(1.9)
    assert service.describe_container("movies")["Status"] == "CREATING"
    clock.advance(0.1)
    described = service.describe_container("movies")
    assert described["Status"] == "ACTIVE"
    endpoint = described["Endpoint"]
    prefix = "http://127.0.0.1/data/"
    assert endpoint.startswith(prefix)
    endpoint_id = endpoint[len(prefix) :]
    assert len(endpoint_id) == 14 and endpoint_id.isalnum() and endpoint_id == endpoint_id.lower()


def test_create_delay_zero_is_active_at_once(service):
    service.create_delay = 0
    assert service.create_container("now")["Status"] == "ACTIVE"


OPS_NEEDING_ACTIVE = [
    ("put_container_policy", ("x",)),
    ("get_container_policy", ()),
    ("delete_container_policy", ()),
    ("put_cors_policy", ([],)),
    ("get_cors_policy", ()),
    ("delete_cors_policy", ()),
    ("put_lifecycle_policy", ("{}",)),
    ("get_lifecycle_policy", ()),
    ("delete_lifecycle_policy", ()),
    ("put_metric_policy", ({},)),
    ("get_metric_policy", ()),
    ("delete_metric_policy", ()),
    ("set_access_logging", (True,)),
    ("delete_container", ()),
]


@pytest.mark.parametrize("method, args", OPS_NEEDING_ACTIVE)
def test_creating_container_refuses_operations(service, method, args):
    service.create_container("movies")
    error = error_of(getattr(service, method), "movies", *args)
    assert (error.code, error.message) == (
        "ContainerInUseException",
        "Container must be ACTIVE in order to perform this operation",
    )


@pytest.mark.parametrize("method, args", OPS_NEEDING_ACTIVE)
def test_deleting_container_refuses_operations(service, clock, method, args):
    active(service, clock)
    service.delete_container("movies")
    assert service.describe_container("movies")["Status"] == "DELETING"
    assert error_of(getattr(service, method), "movies", *args).code == "ContainerInUseException"


@pytest.mark.parametrize("method", ["tag_resource", "untag_resource", "list_tags"])
def test_tag_operations_need_active(service, method):
    service.create_container("movies")
    args = {"tag_resource": ([{"Key": "k"}],), "untag_resource": (["k"],), "list_tags": ()}[method]
    error = error_of(getattr(service, method), service.arn_for("movies"), *args)
    assert error.code == "ContainerInUseException"


@pytest.mark.parametrize("method, args", OPS_NEEDING_ACTIVE + [("describe_container", ())])
def test_missing_container(service, method, args):
    error = error_of(getattr(service, method), "ghost", *args)
    assert (error.code, error.status) == ("ContainerNotFoundException", 400)


def test_delete_goes_through_deleting_then_gone(service, clock):
    active(service, clock)
    service.delete_container("movies")
    described = service.describe_container("movies")
    assert described["Status"] == "DELETING"
    assert "Endpoint" in described
    clock.advance(2.9)
    assert service.describe_container("movies")["Status"] == "DELETING"
    clock.advance(0.1)
    assert error_of(service.describe_container, "movies").code == "ContainerNotFoundException"
    assert service.list_containers()["Containers"] == []
    service.create_container("movies")  # the name is free again


def test_duplicate_name_even_while_deleting(service, clock):
    active(service, clock)
    error = error_of(service.create_container, "movies")
    assert error.code == "ContainerInUseException" and "already exists" in error.message
    service.delete_container("movies")
    assert error_of(service.create_container, "movies").code == "ContainerInUseException"


def test_container_limit(service):
    for i in range(100):
        service.create_container(f"c{i}")
    error = error_of(service.create_container, "one_too_many")
    assert error.code == "LimitExceededException"


def test_delete_non_empty_container_refused(service, clock):
    container = active(service, clock)
    service.put_object(container, "a/b.ts", b"x")
    error = error_of(service.delete_container, "movies")
    assert error.code == "ContainerInUseException" and "not empty" in error.message
    service.delete_object(container, "a/b.ts")
    service.delete_container("movies")


def test_create_validates_name_and_tags(service):
    assert error_of(service.create_container, "bad name").code == "ValidationException"
    tags = [{"Key": f"k{i}"} for i in range(51)]
    assert error_of(service.create_container, "many_tags", tags).code == "ValidationException"
    assert service.list_containers()["Containers"] == []


# --- ListContainers ---


def test_list_containers_paging_in_creation_order(service):
    names = [f"c{i:02d}" for i in range(7)]
    for name in reversed(names):
        service.create_container(name)
    everything = service.list_containers()
    assert "NextToken" not in everything
    assert [c["Name"] for c in everything["Containers"]] == list(reversed(names))
    seen, token = [], None
    while True:
        page = service.list_containers(3, token)
        seen += [c["Name"] for c in page["Containers"]]
        token = page.get("NextToken")
        if not token:
            break
        assert len(page["Containers"]) == 3
    assert seen == list(reversed(names))


def test_list_containers_exact_page_has_no_token(service):
    for i in range(3):
        service.create_container(f"c{i}")
    assert "NextToken" not in service.list_containers(3)


@pytest.mark.parametrize("max_results", [0, 101, "10"])
def test_list_containers_max_results_range(service, max_results):
    assert error_of(service.list_containers, max_results).code == "ValidationException"


@pytest.mark.parametrize("token", ["!!!", "bm90LWEtbnVtYmVy", ""])
def test_list_containers_bad_token(service, token):
    assert error_of(service.list_containers, 10, token).code == "ValidationException"


# --- policies ---


def test_default_container_policy_and_its_deletion(service, clock):
    active(service, clock)
    arn = service.arn_for("movies")
    default = service.get_container_policy("movies")
    assert default == default_container_policy(arn, ACCOUNT)
    parsed = json.loads(default)
    assert parsed["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert parsed["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "true"}}
    assert error_of(service.delete_container_policy, "movies").code == "PolicyNotFoundException"
    custom = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "R",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "mediastore:GetObject",
                    "Resource": f"{arn}/*",
                }
            ],
        },
        indent=4,
    )
    service.put_container_policy("movies", custom)
    assert service.get_container_policy("movies") == custom  # verbatim
    service.delete_container_policy("movies")
    assert service.get_container_policy("movies") == default


def test_bad_container_policy_is_refused_and_nothing_changes(service, clock):
    active(service, clock)
    before = service.get_container_policy("movies")
    error = error_of(service.put_container_policy, "movies", '{"Statement": [{"Effect": "Allow"}]}')
    assert error.code == "ValidationException"
    assert service.get_container_policy("movies") == before


POLICY_ROUND_TRIPS = {
    "cors": (
        MediaStore.put_cors_policy,
        MediaStore.get_cors_policy,
        MediaStore.delete_cors_policy,
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}],
        "CorsPolicyNotFoundException",
    ),
    "lifecycle_verbatim": (
        MediaStore.put_lifecycle_policy,
        MediaStore.get_lifecycle_policy,
        MediaStore.delete_lifecycle_policy,
        '{ "rules": [ { "definition": { "path": [ {"prefix": "a/"} ], "days_since_create": [ {"numeric": [">", 3]} ] }, "action": "EXPIRE" } ] }',  # noqa: E501
        "PolicyNotFoundException",
    ),
    "metric": (
        MediaStore.put_metric_policy,
        MediaStore.get_metric_policy,
        MediaStore.delete_metric_policy,
        {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [{"ObjectGroup": "*", "ObjectGroupName": "a"}]},
        "PolicyNotFoundException",
    ),
}


@pytest.mark.parametrize("aspect", sorted(POLICY_ROUND_TRIPS))
def test_policy_round_trip(service, clock, aspect):
    put, get, delete, policy, absent = POLICY_ROUND_TRIPS[aspect]
    active(service, clock)
    assert error_of(get, service, "movies").code == absent
    assert error_of(delete, service, "movies").code == absent
    put(service, "movies", policy)
    assert get(service, "movies") == policy
    delete(service, "movies")
    assert error_of(get, service, "movies").code == absent
    assert error_of(delete, service, "movies").code == absent


def test_cors_policy_is_stored_as_a_copy(service, clock):
    active(service, clock)
    rules = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]
    service.put_cors_policy("movies", rules)
    rules[0]["MaxAgeSeconds"] = 1  # the stored copy is not the caller's object
    assert service.get_cors_policy("movies")[0]["MaxAgeSeconds"] == 3000


def test_access_logging_flag(service, clock):
    active(service, clock)
    service.set_access_logging("movies", True)
    assert service.describe_container("movies")["AccessLoggingEnabled"] is True
    service.set_access_logging("movies", False)
    assert service.describe_container("movies")["AccessLoggingEnabled"] is False


# --- tags ---


def test_tags_merge_untag_and_limit(service, clock):
    active(service, clock, tags=[{"Key": "customer", "Value": "a"}, {"Key": "priority", "Value": "High"}])
    arn = service.arn_for("movies")
    service.tag_resource(arn, [{"Key": "priority", "Value": "Medium"}, {"Key": "type", "Value": "Contract"}])
    assert service.list_tags(arn) == [
        {"Key": "customer", "Value": "a"},
        {"Key": "priority", "Value": "Medium"},
        {"Key": "type", "Value": "Contract"},
    ]
    service.untag_resource(arn, ["customer", "not-there"])
    assert [t["Key"] for t in service.list_tags(arn)] == ["priority", "type"]
    service.tag_resource(arn, [{"Key": f"k{i}"} for i in range(48)])
    error = error_of(service.tag_resource, arn, [{"Key": "one_more"}])
    assert error.code == "ValidationException" and "at most 50" in error.message
    assert len(service.list_tags(arn)) == 50


@pytest.mark.parametrize(
    "arn, code",
    [
        ("arn:aws:mediastore:us-east-1:111122223333:container/ghost", "ContainerNotFoundException"),
        ("arn:aws:mediastore:eu-west-1:111122223333:container/movies", "ContainerNotFoundException"),
        ("movies", "ValidationException"),
    ],
)
def test_tag_operations_need_the_exact_arn(service, clock, arn, code):
    active(service, clock)
    assert error_of(service.list_tags, arn).code == code


def test_untag_validates_keys(service, clock):
    active(service, clock)
    assert error_of(service.untag_resource, service.arn_for("movies"), ["aws:x"]).code == "ValidationException"
    assert error_of(service.untag_resource, service.arn_for("movies"), "k").code == "ValidationException"


# --- objects and folders ---


def test_put_get_describe(service, clock):
    container = active(service, clock)
    result = service.put_object(container, "//live/seg1.ts", b"payload", "video/MP2T", "max-age=10")
    assert result["ContentSHA256"] == hashlib.sha256(b"payload").hexdigest()
    assert result["StorageClass"] == "TEMPORAL"
    assert len(result["ETag"]) == 64 and int(result["ETag"], 16) >= 0
    assert result["ETag"] != result["ContentSHA256"]
    meta, data = service.get_object(container, "live/seg1.ts")
    assert data == b"payload"
    assert meta["content_type"] == "video/MP2T" and meta["cache_control"] == "max-age=10"
    assert meta["etag"] == result["ETag"] and meta["last_modified"] == clock.now
    assert service.describe_object(container, "/live/seg1.ts")["size"] == 7


def test_overwrite_changes_etag_not_sha(service, clock):
    container = active(service, clock)
    first = service.put_object(container, "a.ts", b"same")
    second = service.put_object(container, "a.ts", b"same")
    assert first["ContentSHA256"] == second["ContentSHA256"]
    assert first["ETag"] != second["ETag"]
    assert len(service.list_items(container)["Items"]) == 1


def test_default_content_type(service, clock):
    container = active(service, clock)
    service.put_object(container, "a", b"")
    assert service.describe_object(container, "a")["content_type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "size, availability, ok",
    [
        (25 * 1024 * 1024, "STANDARD", True),
        (25 * 1024 * 1024 + 1, "STANDARD", False),
        (10 * 1024 * 1024, "STREAMING", True),
        (10 * 1024 * 1024 + 1, "STREAMING", False),
    ],
)
def test_size_limits(service, clock, size, availability, ok):
    container = active(service, clock)
    body = b"\0" * size
    if ok:
        service.put_object(container, "big", body, upload_availability=availability)
    else:
        error = error_of(service.put_object, container, "big", body, upload_availability=availability)
        assert (error.code, error.status) == ("ValidationException", 400)
        assert "limit" in error.message
        assert service.list_items(container)["Items"] == []


@pytest.mark.parametrize("storage_class, availability", [("STANDARD", None), (None, "FAST"), ("temporal", None)])
def test_put_header_enums(service, clock, storage_class, availability):
    container = active(service, clock)
    error = error_of(service.put_object, container, "a", b"x", None, None, storage_class, availability)
    assert error.code == "ValidationException"


def test_missing_object(service, clock):
    container = active(service, clock)
    for fn in (service.get_object, service.describe_object, service.delete_object):
        error = error_of(fn, container, "nope.ts")
        assert (error.code, error.status) == ("ObjectNotFoundException", 404)


def test_folders_appear_and_vanish_recursively(service, clock):
    container = active(service, clock)
    service.put_object(container, "a/b/c/d.ts", b"1")
    service.put_object(container, "a/x.ts", b"2")
    assert service.list_items(container)["Items"] == [{"Name": "a", "Type": "FOLDER"}]
    assert [i["Name"] for i in service.list_items(container, "a")["Items"]] == ["b", "x.ts"]
    assert service.list_items(container, "/a/b/")["Items"] == [{"Name": "c", "Type": "FOLDER"}]
    service.delete_object(container, "a/b/c/d.ts")
    assert [i["Name"] for i in service.list_items(container, "a")["Items"]] == ["x.ts"]
    assert service.list_items(container, "a/b")["Items"] == []
    service.delete_object(container, "a/x.ts")
    assert service.list_items(container)["Items"] == []
    assert container.folders == {}


@pytest.mark.parametrize(
    "existing, new",
    [("a", "a/b.ts"), ("a/b", "a/b/c/d"), ("a/b.ts", "a/b.ts/c"), ("a/b/c", "a/b")],
)
def test_object_and_folder_cannot_share_a_name(service, clock, existing, new):
    container = active(service, clock)
    service.put_object(container, existing, b"x")
    error = error_of(service.put_object, container, new, b"y")
    assert error.code == "ValidationException"
    assert service.describe_object(container, existing)["size"] == 1


def test_list_items_object_fields(service, clock):
    container = active(service, clock)
    put = service.put_object(container, "f.ts", b"12345", "video/MP2T")
    assert service.list_items(container)["Items"] == [
        {
            "Name": "f.ts",
            "Type": "OBJECT",
            "ETag": put["ETag"],
            "LastModified": round(clock.now, 3),
            "ContentType": "video/MP2T",
            "ContentLength": 5,
        }
    ]


def test_list_items_missing_folder_is_empty(service, clock):
    container = active(service, clock)
    assert service.list_items(container, "no/such/folder") == {"Items": []}


def test_list_items_paging_survives_changes(service, clock):
    container = active(service, clock)
    for i in range(10):
        service.put_object(container, f"n{i}", b"x")
    first = service.list_items(container, None, 4)
    assert [i["Name"] for i in first["Items"]] == ["n0", "n1", "n2", "n3"]
    service.delete_object(container, "n3")  # the last returned one
    service.delete_object(container, "n4")  # one not yet returned
    service.put_object(container, "n0a", b"x")  # sorts before the token: not returned
    service.put_object(container, "n9a", b"x")  # sorts after: returned
    second = service.list_items(container, None, 4, first["NextToken"])
    assert [i["Name"] for i in second["Items"]] == ["n5", "n6", "n7", "n8"]
    third = service.list_items(container, None, 4, second["NextToken"])
    assert [i["Name"] for i in third["Items"]] == ["n9", "n9a"]
    assert "NextToken" not in third


def test_list_items_default_page_is_1000(service, clock):
    container = active(service, clock)
    for i in range(1001):
        service.put_object(container, f"o{i:04d}", b"")
    page = service.list_items(container)
    assert len(page["Items"]) == 1000 and "NextToken" in page


@pytest.mark.parametrize("max_results", [0, 1001])
def test_list_items_max_results(service, clock, max_results):
    container = active(service, clock)
    assert error_of(service.list_items, container, None, max_results).code == "ValidationException"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "e30=",  # {}
        "WzFd",  # [1]
        "eyJwYXRoIjogIm90aGVyIiwgImFmdGVyIjogIngifQ==",  # another folder
        "eyJwYXRoIjogIiIsICJhZnRlciI6IDV9",  # a number as position
    ],
)
def test_list_items_bad_token(service, clock, token):
    container = active(service, clock)
    assert error_of(service.list_items, container, None, 10, token).code == "ValidationException"


def test_transient_objects_hidden_and_expire(service, clock):
    container = active(service, clock)
    service.put_object(container, "before.ts", b"old")  # added before the policy: never expires
    policy = {
        "rules": [
            {
                "definition": {"path": [{"wildcard": "live/*.ts"}], "seconds_since_create": [{"numeric": [">", 15]}]},
                "action": "EXPIRE",
            },
            {
                "definition": {"path": [{"prefix": ""}], "days_since_create": [{"numeric": [">", 1]}]},
                "action": "EXPIRE",
            },
        ]
    }
    service.put_lifecycle_policy("movies", json.dumps(policy))
    service.put_object(container, "live/seg.ts", b"t")
    service.put_object(container, "live/index.m3u8", b"m")
    service.put_object(container, "live/hidden/seg.ts", b"t")
    assert [i["Name"] for i in service.list_items(container, "live")["Items"]] == ["index.m3u8"]
    clock.advance(15.9)
    assert service.get_object(container, "live/seg.ts")[1] == b"t"
    clock.advance(0.1)
    assert error_of(service.get_object, container, "live/seg.ts").code == "ObjectNotFoundException"
    clock.advance(3 * 86400)  # days rules are stored, not enforced
    assert service.get_object(container, "before.ts")[1] == b"old"
    assert service.get_object(container, "live/index.m3u8")[1] == b"m"


def test_expired_objects_do_not_block_container_delete(service, clock):
    container = active(service, clock)
    policy = {
        "rules": [
            {
                "definition": {"path": [{"wildcard": "*"}], "seconds_since_create": [{"numeric": [">=", 1]}]},
                "action": "EXPIRE",
            }
        ]
    }
    service.put_lifecycle_policy("movies", json.dumps(policy))
    service.put_object(container, "x/y", b"1")
    clock.advance(1)
    service.delete_container("movies")


def test_endpoint_lookup(service, clock):
    service.create_container("movies")
    endpoint_id = service._containers["movies"].endpoint_id
    assert error_of(service.container_for_endpoint, endpoint_id).status == 404  # still CREATING
    clock.advance(2)
    assert service.container_for_endpoint(endpoint_id).name == "movies"
    error = error_of(service.container_for_endpoint, "zzzzzzzzzzzzzz")
    assert (error.code, error.status) == ("ContainerNotFoundException", 404)


def test_counts_and_reset(service, clock):
    container = active(service, clock)
    service.put_object(container, "a", b"1")
    service.create_container("other")
    assert service.counts() == {"containers": 2, "objects": 1}
    service.reset()
    assert service.counts() == {"containers": 0, "objects": 0}
