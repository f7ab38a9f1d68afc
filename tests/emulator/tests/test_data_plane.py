"""Data plane: the five REST operations against a container endpoint with boto3's mediastore-data client."""

import datetime
import hashlib
import json
import time
import urllib.parse

import pytest
from conformance import (
    HEX64,
    NonSeekableBody,
    expect_error,
    list_all_items,
    wait_until_gone,
)

MB = 1024 * 1024


def _names(items):
    return sorted(item["Name"] for item in items)


# --- PutObject ---------------------------------------------------------------------------------------


def test_put_object_reports_sha256_etag_and_storage_class(container):
    body = b"#EXTM3U\n#EXT-X-VERSION:3\n" * 40
    put = container["data"].put_object(Path="live/index.m3u8", Body=body)
    assert put["ContentSHA256"] == hashlib.sha256(body).hexdigest()
    assert HEX64.fullmatch(put["ETag"]), put
    assert put["ETag"] != put["ContentSHA256"]
    assert put["StorageClass"] == "TEMPORAL"

    described = container["data"].describe_object(Path="live/index.m3u8")
    assert described["ETag"] == put["ETag"]
    assert described["ContentLength"] == len(body)


def test_overwrite_replaces_the_object_and_changes_the_etag(container):
    data = container["data"]
    first = data.put_object(Path="a.ts", Body=b"one")
    second = data.put_object(Path="a.ts", Body=b"two!")
    assert second["ETag"] != first["ETag"]
    assert data.get_object(Path="a.ts")["Body"].read() == b"two!"
    assert data.describe_object(Path="a.ts")["ETag"] == second["ETag"]


def test_content_type_and_cache_control_are_stored(container):
    data = container["data"]
    data.put_object(Path="v/seg1.ts", Body=b"ts", ContentType="video/MP2T", CacheControl="max-age=60")
    described = data.describe_object(Path="v/seg1.ts")
    assert described["ContentType"] == "video/MP2T"
    assert described["CacheControl"] == "max-age=60"
    assert isinstance(described["LastModified"], datetime.datetime)
    got = data.get_object(Path="v/seg1.ts")
    assert (got["ContentType"], got["CacheControl"]) == ("video/MP2T", "max-age=60")


def test_cache_control_is_absent_when_not_set(container):
    container["data"].put_object(Path="plain.bin", Body=b"x")
    assert "CacheControl" not in container["data"].get_object(Path="plain.bin")
    assert "CacheControl" not in container["data"].describe_object(Path="plain.bin")


def test_explicit_storage_class_and_upload_availability_are_accepted(container):
    put = container["data"].put_object(Path="s.ts", Body=b"abc", StorageClass="TEMPORAL", UploadAvailability="STANDARD")
    assert put["StorageClass"] == "TEMPORAL"


def _record_framing(data):
    framing = []

    def record(request, **_):
        framing.append((request.headers.get("Transfer-Encoding"), request.headers.get("Content-Length")))

    data.meta.events.register("before-send.mediastore-data.PutObject", record)
    return framing


def test_chunked_body_is_stored_whole(container):
    body = bytes(range(256)) * 2000
    framing = _record_framing(container["data"])
    put = container["data"].put_object(Path="chunked/body.bin", Body=NonSeekableBody(body))
    assert framing == [("chunked", None)]
    assert put["ContentSHA256"] == hashlib.sha256(body).hexdigest()
    assert container["data"].get_object(Path="chunked/body.bin")["Body"].read() == body


def test_chunked_streaming_upload_is_stored_whole(container):
    body = b"s" * 300_000
    framing = _record_framing(container["data"])
    container["data"].put_object(Path="stream/a.ts", Body=NonSeekableBody(body), UploadAvailability="STREAMING")
    assert framing == [("chunked", None)]
    assert container["data"].get_object(Path="stream/a.ts")["Body"].read() == body


def test_size_limits(container):
    data = container["data"]
    data.put_object(Path="big/ok.bin", Body=b"\0" * (25 * MB))
    with expect_error("ValidationException"):
        data.put_object(Path="big/too.bin", Body=b"\0" * (25 * MB + 1))
    with expect_error("ValidationException"):
        data.put_object(
            Path="big/stream.bin", Body=NonSeekableBody(b"\0" * (10 * MB + 1), 1 * MB), UploadAvailability="STREAMING"
        )
    assert _names(data.list_items(Path="big")["Items"]) == ["ok.bin"]


def test_streaming_upload_of_exactly_10_mb_is_accepted(container):
    container["data"].put_object(
        Path="stream10.bin", Body=NonSeekableBody(b"\1" * (10 * MB), 1 * MB), UploadAvailability="STREAMING"
    )
    assert container["data"].describe_object(Path="stream10.bin")["ContentLength"] == 10 * MB


def test_leading_slash_is_tolerated(container):
    data = container["data"]
    data.put_object(Path="/folder_name/README.md", Body=b"readme")
    assert data.get_object(Path="folder_name/README.md")["Body"].read() == b"readme"
    assert data.describe_object(Path="/folder_name/README.md")["ContentLength"] == 6
    data.delete_object(Path="/folder_name/README.md")
    assert data.list_items()["Items"] == []


def test_reserved_characters_are_percent_decoded(container):
    data = container["data"]
    data.put_object(Path="k=v/a:b~c.ts", Body=b"odd")
    assert data.get_object(Path="k=v/a:b~c.ts")["Body"].read() == b"odd"
    assert [(i["Name"], i["Type"]) for i in data.list_items()["Items"]] == [("k=v", "FOLDER")]
    assert _names(data.list_items(Path="k=v")["Items"]) == ["a:b~c.ts"]


def test_path_limits_are_accepted(container):
    data = container["data"]
    ten_folders = "/".join(f"d{i}" for i in range(10)) + "/leaf.ts"
    data.put_object(Path=ten_folders, Body=b"deep")
    long_path = "p/" + "x" * 898
    assert len(long_path) == 900
    data.put_object(Path=long_path, Body=b"long")
    assert data.get_object(Path=ten_folders)["Body"].read() == b"deep"
    assert data.get_object(Path=long_path)["Body"].read() == b"long"


@pytest.mark.parametrize(
    "path",
    ["has space.ts", "a//b.ts", "/".join(f"d{i}" for i in range(11)) + "/leaf.ts", "x" * 901, "bad!.ts", "a/b/"],
    ids=["space", "empty_segment", "11_folder_levels", "901_chars", "bang", "trailing_slash"],
)
def test_bad_paths_are_rejected(container, path):
    with expect_error("ValidationException"):
        container["data"].put_object(Path=path, Body=b"x")
    assert container["data"].list_items()["Items"] == []


@pytest.mark.parametrize(
    "extra", [{"StorageClass": "STANDARD"}, {"UploadAvailability": "FAST"}], ids=["storage_class", "availability"]
)
def test_bad_enum_headers_are_rejected(container, extra):
    # botocore does not check enums (mediastore-api.md §1.7), so the server must.
    with expect_error("ValidationException"):
        container["data"].put_object(Path="e.ts", Body=b"x", **extra)
    assert container["data"].list_items()["Items"] == []


def test_list_items_with_a_bad_path_is_a_validation_error(container):
    with expect_error("ValidationException"):
        container["data"].list_items(Path="has space")


def test_unknown_container_endpoint_is_container_not_found(emulator):
    data = emulator.data(f"{emulator.base_url}/data/zzzzzzzzzzzzzz")
    with expect_error("ContainerNotFoundException", 404):
        data.put_object(Path="a.ts", Body=b"x")
    with expect_error("ContainerNotFoundException", 404):
        data.get_object(Path="a.ts")
    with expect_error("ContainerNotFoundException", 404):
        data.delete_object(Path="a.ts")
    with expect_error("ContainerNotFoundException", 404):
        data.list_items()
    with expect_error("ContainerNotFoundException", 404):
        data.describe_object(Path="a.ts")


def test_endpoint_of_a_deleted_container_is_container_not_found(control, container):
    control.delete_container(ContainerName=container["Name"])
    wait_until_gone(control, container["Name"])
    with expect_error("ContainerNotFoundException", 404):
        container["data"].list_items()


# --- GetObject ---------------------------------------------------------------------------------------

BODY = bytes(range(100)) * 3  # 300 bytes


@pytest.fixture
def stored(container):
    container["data"].put_object(Path="r/obj.bin", Body=BODY, ContentType="application/octet-stream")
    return container["data"]


def test_get_object_full(stored):
    got = stored.get_object(Path="r/obj.bin")
    assert got["StatusCode"] == 200
    assert got["ContentLength"] == len(BODY)
    assert "ContentRange" not in got
    assert got["Body"].read() == BODY
    assert HEX64.fullmatch(got["ETag"])


@pytest.mark.parametrize(
    "range_header, start, end",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=10-19", 10, 19),
        ("bytes=250-", 250, 299),
        ("bytes=-7", 293, 299),
        ("bytes=290-1000", 290, 299),
        ("bytes=0-0", 0, 0),
    ],
)
def test_get_object_range(stored, range_header, start, end):
    got = stored.get_object(Path="r/obj.bin", Range=range_header)
    assert got["StatusCode"] == 206
    assert got["ContentRange"] == f"bytes {start}-{end}/{len(BODY)}"
    assert got["ContentLength"] == end - start + 1
    assert got["Body"].read() == BODY[start : end + 1]


@pytest.mark.parametrize("range_header", ["bytes=300-", "bytes=1000-2000"])
def test_unsatisfiable_range_is_416(stored, range_header):
    with expect_error("RequestedRangeNotSatisfiableException", 416):
        stored.get_object(Path="r/obj.bin", Range=range_header)


def test_conditional_headers_are_ignored(stored):
    etag = stored.describe_object(Path="r/obj.bin")["ETag"]

    def add_condition(request, **_):
        request.headers["If-None-Match"] = etag
        request.headers["If-Modified-Since"] = "Sat, 01 Jan 2050 00:00:00 GMT"

    stored.meta.events.register("before-send.mediastore-data.GetObject", add_condition)
    got = stored.get_object(Path="r/obj.bin")
    assert got["StatusCode"] == 200 and got["Body"].read() == BODY


def test_get_missing_object_is_object_not_found(container):
    with expect_error("ObjectNotFoundException", 404):
        container["data"].get_object(Path="nope.ts")


# --- DescribeObject ----------------------------------------------------------------------------------


def test_describe_object_headers(stored):
    described = stored.describe_object(Path="r/obj.bin")
    assert described["ContentLength"] == len(BODY)
    assert described["ContentType"] == "application/octet-stream"
    assert HEX64.fullmatch(described["ETag"])
    assert isinstance(described["LastModified"], datetime.datetime)
    assert "Body" not in described


def test_describe_missing_object_maps_to_object_not_found(container):
    # HEAD has no body, so only x-amzn-ErrorType lets boto3 name the error.
    with expect_error("ObjectNotFoundException", 404):
        container["data"].describe_object(Path="missing/x.ts")


# --- DeleteObject ------------------------------------------------------------------------------------


def test_delete_object_then_missing(container):
    data = container["data"]
    data.put_object(Path="d.ts", Body=b"x")
    data.delete_object(Path="d.ts")
    with expect_error("ObjectNotFoundException", 404):
        data.describe_object(Path="d.ts")
    with expect_error("ObjectNotFoundException", 404):
        data.delete_object(Path="d.ts")


def test_folders_vanish_with_their_last_object_recursively(container):
    data = container["data"]
    data.put_object(Path="a/b/c/x.ts", Body=b"x")
    data.put_object(Path="a/y.ts", Body=b"y")
    assert {i["Name"]: i["Type"] for i in data.list_items(Path="a")["Items"]} == {"b": "FOLDER", "y.ts": "OBJECT"}

    data.delete_object(Path="a/b/c/x.ts")
    assert [(i["Name"], i["Type"]) for i in data.list_items(Path="a")["Items"]] == [("y.ts", "OBJECT")]
    assert data.list_items(Path="a/b")["Items"] == []

    data.delete_object(Path="a/y.ts")
    assert data.list_items()["Items"] == []


def test_deleting_a_folder_path_is_object_not_found(container):
    container["data"].put_object(Path="f/g.ts", Body=b"x")
    with expect_error("ObjectNotFoundException", 404):
        container["data"].delete_object(Path="f")
    assert _names(container["data"].list_items(Path="f")["Items"]) == ["g.ts"]


# --- ListItems ---------------------------------------------------------------------------------------


def test_list_items_one_level_with_folder_and_object_fields(container):
    data = container["data"]
    data.put_object(Path="top.m3u8", Body=b"12345", ContentType="application/x-mpegURL")
    data.put_object(Path="seg/1.ts", Body=b"x")
    data.put_object(Path="seg/deeper/2.ts", Body=b"x")

    items = {item["Name"]: item for item in data.list_items()["Items"]}
    assert sorted(items) == ["seg", "top.m3u8"]
    assert items["seg"] == {"Name": "seg", "Type": "FOLDER"}

    obj = items["top.m3u8"]
    assert obj["Type"] == "OBJECT"
    assert obj["ContentLength"] == 5
    assert obj["ContentType"] == "application/x-mpegURL"
    assert obj["ETag"] == data.describe_object(Path="top.m3u8")["ETag"]
    assert isinstance(obj["LastModified"], datetime.datetime)

    assert _names(data.list_items(Path="seg")["Items"]) == ["1.ts", "deeper"]
    assert _names(data.list_items(Path="seg/")["Items"]) == ["1.ts", "deeper"]
    assert _names(data.list_items(Path="/seg/deeper/")["Items"]) == ["2.ts"]


def test_list_items_last_modified_is_epoch_seconds_in_the_body(container):
    data = container["data"]
    data.put_object(Path="t.ts", Body=b"x")
    raw_bodies = []
    data.meta.events.register(
        "before-parse.mediastore-data.ListItems", lambda response_dict, **_: raw_bodies.append(response_dict["body"])
    )
    data.list_items()
    (item,) = json.loads(raw_bodies[0])["Items"]
    assert isinstance(item["LastModified"], (int, float))


def test_get_on_the_endpoint_with_and_without_slash_is_list_items(container):
    data = container["data"]
    data.put_object(Path="x.ts", Body=b"x")
    assert [i["Name"] for i in data.list_items()["Items"]] == ["x.ts"]  # botocore sends GET <endpoint>?...

    def add_trailing_slash(request, **_):
        parsed = urllib.parse.urlsplit(request.url)
        request.url = urllib.parse.urlunsplit(parsed._replace(path=parsed.path.rstrip("/") + "/"))

    data.meta.events.register("before-sign.mediastore-data.ListItems", add_trailing_slash)
    assert [i["Name"] for i in data.list_items()["Items"]] == ["x.ts"]


def test_list_items_of_a_missing_folder_is_empty(container):
    assert container["data"].list_items(Path="no/such/folder")["Items"] == []


@pytest.mark.parametrize("page_size", [1, 7, 1000])
def test_list_items_pages_are_complete_and_disjoint(container, page_size):
    data = container["data"]
    expected = [f"obj{i:02d}.ts" for i in range(20)] + [f"dir{i}" for i in range(3)]
    for name in expected:
        data.put_object(Path=name if name.endswith(".ts") else f"{name}/inner.ts", Body=b"x")

    items, pages = list_all_items(data, page_size=page_size)
    assert sorted(item["Name"] for item in items) == sorted(expected)
    assert all(len(page) <= page_size for page in pages)
    assert len(pages) == -(-len(expected) // page_size)


def test_list_items_default_page_is_1000(container):
    data = container["data"]
    for i in range(25):
        data.put_object(Path=f"f/{i}.ts", Body=b"x")
    page = data.list_items(Path="f")
    assert len(page["Items"]) == 25 and "NextToken" not in page
    paginator = data.get_paginator("list_items").paginate(Path="f", PaginationConfig={"PageSize": 4})
    assert sorted(i["Name"] for p in paginator for i in p["Items"]) == sorted(f"{i}.ts" for i in range(25))


def test_list_items_pages_stay_correct_when_objects_change_between_pages(container):
    data = container["data"]
    original = [f"n{i:02d}.ts" for i in range(30)]
    for name in original:
        data.put_object(Path=name, Body=b"x")
    listed, removed, added = [], set(), set()
    token = None
    for page_index in range(100):
        page = data.list_items(MaxResults=4, **({"NextToken": token} if token else {}))
        listed.extend(item["Name"] for item in page["Items"])
        token = page.get("NextToken")
        if not token:
            break
        # Between pages: delete one object not listed yet, add one before and one after the cursor.
        unseen = [n for n in original if n not in listed and n not in removed]
        if unseen:
            victim = unseen[len(unseen) // 2]
            data.delete_object(Path=victim)
            removed.add(victim)
        for name in (f"a{page_index:02d}.ts", f"z{page_index:02d}.ts"):
            data.put_object(Path=name, Body=b"new")
            added.add(name)

    assert len(listed) == len(set(listed)), f"duplicates across pages: {listed}"
    assert removed and not (removed & set(listed)), "an object deleted before its page was reached was listed"
    untouched = set(original) - removed
    assert untouched <= set(listed), f"missing: {sorted(untouched - set(listed))}"
    assert set(listed) <= set(original) | added


@pytest.mark.parametrize("max_results", [0, 1001])
def test_list_items_max_results_out_of_range(emulator, container, max_results):
    unchecked = emulator.data(container["Endpoint"], parameter_validation=False)
    with expect_error("ValidationException"):
        unchecked.list_items(MaxResults=max_results)


def test_transient_lifecycle_rule_hides_objects_from_list_items(control, container):
    policy = {
        "rules": [
            {
                "definition": {"path": [{"wildcard": "*.ts"}], "seconds_since_create": [{"numeric": [">", 120]}]},
                "action": "EXPIRE",
            }
        ]
    }
    control.put_lifecycle_policy(ContainerName=container["Name"], LifecyclePolicy=json.dumps(policy))
    data = container["data"]
    data.put_object(Path="seg1.ts", Body=b"transient")
    data.put_object(Path="index.m3u8", Body=b"playlist")

    assert _names(data.list_items()["Items"]) == ["index.m3u8"]
    # Hidden from listings, still there to read until it expires.
    assert data.get_object(Path="seg1.ts")["Body"].read() == b"transient"


def test_transient_objects_expire_after_their_seconds(control, container):
    rule = {"definition": {"path": [{"wildcard": "live/*"}], "seconds_since_create": [{"numeric": [">", 1]}]}}
    policy = {"rules": [dict(rule, action="EXPIRE")]}
    control.put_lifecycle_policy(ContainerName=container["Name"], LifecyclePolicy=json.dumps(policy))
    data = container["data"]
    data.put_object(Path="live/seg.ts", Body=b"x")
    data.put_object(Path="kept.ts", Body=b"y")
    assert _names(data.list_items()["Items"]) == ["kept.ts"]  # a folder of hidden objects is hidden too
    time.sleep(2.5)  # "> 1" second: gone from 2 s on
    with expect_error("ObjectNotFoundException", 404):
        data.get_object(Path="live/seg.ts")
    assert _names(data.list_items()["Items"]) == ["kept.ts"]
