# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared service calls against botocore's Stubber (only queued calls are answered)."""

import hashlib
import io

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    ACCESS_POLICY,
    CORS_POLICY,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    REMOVE,
    plan_change,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreServiceError,
    apply_policy_change,
    delete_object,
    describe_object,
    list_containers,
    put_object,
    read_policy,
    settled_container,
    stream_object,
)

NAME = "live_origin"
CONTENT = b"#EXTM3U\n"
SHA256 = hashlib.sha256(CONTENT).hexdigest()
ALL_ASPECTS = [
    (ACCESS_POLICY, "get_container_policy", "delete_container_policy"),
    (CORS_POLICY, "get_cors_policy", "delete_cors_policy"),
    (LIFECYCLE_POLICY, "get_lifecycle_policy", "delete_lifecycle_policy"),
    (METRIC_POLICY, "get_metric_policy", "delete_metric_policy"),
]


@pytest.mark.parametrize("aspect, get, _delete", ALL_ASPECTS)
def test_an_absent_policy_reads_as_none_and_other_errors_name_the_container(control, aspect, get, _delete):
    clients, stubber = control
    stubber.add_client_error(get, aspect.not_found, expected_params={"ContainerName": NAME})
    assert read_policy(clients, aspect, NAME) is None
    stubber.add_client_error(get, "ContainerInUseException", expected_params={"ContainerName": NAME})
    with pytest.raises(MediaStoreServiceError, match=f"failed for container '{NAME}'") as raised:
        read_policy(clients, aspect, NAME)
    assert "ContainerInUseException" in str(raised.value)


def test_a_present_policy_is_returned_parsed(control):
    clients, stubber = control
    stubber.add_response("get_container_policy", {"Policy": '{"Version": "2012-10-17"}'}, {"ContainerName": NAME})
    assert read_policy(clients, ACCESS_POLICY, NAME) == {"Version": "2012-10-17"}


@pytest.mark.parametrize("aspect, _get, delete", ALL_ASPECTS)
def test_deleting_an_absent_policy_is_no_failure(control, aspect, _get, delete):
    clients, stubber = control
    stubber.add_response(delete, {}, {"ContainerName": NAME})
    stubber.add_client_error(delete, aspect.not_found, expected_params={"ContainerName": NAME})
    removal = plan_change(aspect, {"any": "policy"}, REMOVE, "arn:aws:mediastore:us-east-1:1:container/x")
    apply_policy_change(clients, aspect, NAME, removal)
    apply_policy_change(clients, aspect, NAME, removal)


def test_a_put_sends_the_wire_form_of_the_aspect(control):
    clients, stubber = control
    lifecycle = {"rules": [{"action": "EXPIRE", "definition": {"path": [{"wildcard": "*"}]}}]}
    expected_text = '{"rules":[{"action":"EXPIRE","definition":{"path":[{"wildcard":"*"}]}}]}'
    stubber.add_response("put_lifecycle_policy", {}, {"ContainerName": NAME, "LifecyclePolicy": expected_text})
    apply_policy_change(clients, LIFECYCLE_POLICY, NAME, plan_change(LIFECYCLE_POLICY, None, lifecycle))


def test_list_containers_follows_next_token_through_the_paginator(control):
    clients, stubber = control
    first = {"Name": "a", "Status": "ACTIVE"}
    second = {"Name": "b", "Status": "ACTIVE"}
    stubber.add_response("list_containers", {"Containers": [first], "NextToken": "t"}, {"MaxResults": 100})
    stubber.add_response("list_containers", {"Containers": [second]}, {"MaxResults": 100, "NextToken": "t"})
    assert list_containers(clients) == [first, second]


def test_settled_container_waits_while_creating(control):
    clients, stubber = control
    creating = {"Name": NAME, "ARN": "arn:aws:mediastore:us-east-1:111122223333:container/x", "Status": "CREATING"}
    stubber.add_response("describe_container", {"Container": creating}, {"ContainerName": NAME})
    stubber.add_response("describe_container", {"Container": dict(creating, Status="ACTIVE")}, {"ContainerName": NAME})
    assert settled_container(clients, NAME)["Status"] == "ACTIVE"
    stubber.add_client_error("describe_container", "ContainerNotFoundException")
    assert settled_container(clients, NAME) is None


@pytest.mark.parametrize("code, status", [("ObjectNotFoundException", 404), ("404", 404), ("NotFound", 404)])
def test_a_missing_object_describes_as_none(data, code, status):
    data_plane, stubber = data
    stubber.add_client_error("describe_object", code, http_status_code=status, expected_params={"Path": "a.ts"})
    assert describe_object(data_plane, "a.ts") is None


def test_a_missing_container_is_not_a_missing_object(data):
    data_plane, stubber = data
    stubber.add_client_error("describe_object", "ContainerNotFoundException", http_status_code=404)
    with pytest.raises(MediaStoreServiceError, match="The container at https://\\S+ does not exist") as raised:
        describe_object(data_plane, "a.ts")
    assert "ContainerNotFoundException" in str(raised.value)


def test_delete_object_tells_whether_it_was_there(data):
    data_plane, stubber = data
    stubber.add_response("delete_object", {}, {"Path": "a.ts"})
    stubber.add_client_error("delete_object", "ObjectNotFoundException", http_status_code=404)
    assert delete_object(data_plane, "a.ts") is True
    assert delete_object(data_plane, "a.ts") is False


def test_stream_object_hashes_and_writes_the_content(data):
    data_plane, stubber = data
    stubber.add_response(
        "get_object", {"Body": StreamingBody(io.BytesIO(CONTENT), len(CONTENT)), "StatusCode": 200}, {"Path": "a"}
    )
    sink = io.BytesIO()
    assert stream_object(data_plane, "a", sink=sink) == (SHA256, len(CONTENT))
    assert sink.getvalue() == CONTENT


def expect_put(stubber, stored_sha256, **params):
    expected = {"Path": "a.m3u8", "Body": ANY, "ContentType": "application/vnd.apple.mpegurl", **params}
    response = {"ContentSHA256": stored_sha256} if stored_sha256 is not None else {}
    stubber.add_response("put_object", response, expected)


def put(data_plane, body=CONTENT, sha256=SHA256, **options):
    opened = []

    def open_body():
        opened.append(io.BytesIO(body))
        return opened[-1]

    put_object(data_plane, "a.m3u8", open_body, sha256, "application/vnd.apple.mpegurl", **options)
    return opened


def test_put_sends_only_the_options_given(data):
    data_plane, stubber = data
    expect_put(stubber, SHA256)
    expect_put(stubber, SHA256, CacheControl="max-age=2", StorageClass="TEMPORAL", UploadAvailability="STANDARD")
    put(data_plane)
    put(data_plane, cache_control="max-age=2", storage_class="TEMPORAL", upload_availability="standard")


def test_a_retried_put_reopens_the_body(data, monkeypatch):
    data_plane, stubber = data
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    stubber.add_client_error("put_object", "InternalServerError", http_status_code=500)
    expect_put(stubber, SHA256, UploadAvailability="STREAMING")
    opened = put(data_plane, upload_availability="streaming")
    assert len(opened) == 2 and all(body.closed for body in opened)


@pytest.mark.parametrize(
    "stored, require_sha256, fails",
    [
        (SHA256, False, False),
        (SHA256.upper(), True, False),
        ("0" * 64, False, True),
        (None, False, False),
        (None, True, True),
    ],
)
def test_the_stored_sha256_must_match(data, stored, require_sha256, fails):
    data_plane, stubber = data
    expect_put(stubber, stored)
    if not fails:
        put(data_plane, require_sha256=require_sha256)
        return
    with pytest.raises(MediaStoreServiceError) as raised:
        put(data_plane, require_sha256=require_sha256, source="src")
    assert f"with SHA-256 {stored or 'unknown'} but src has SHA-256 {SHA256}" in raised.value.message
