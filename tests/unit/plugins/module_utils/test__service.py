# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared service calls against botocore's Stubber (only queued calls are answered)."""

import hashlib
import io

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreError,
    delete_object,
    delete_policy,
    describe_object,
    policy_or_none,
    put_object,
    settled_container,
    stream_object,
)

NAME = "live_origin"
CONTENT = b"#EXTM3U\n"
SHA256 = hashlib.sha256(CONTENT).hexdigest()


def stubbed(service, **options):
    client = boto3.client(
        service, region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="secret", **options
    )
    return RetryingBotoClientWrapper(client, lambda function: function), Stubber(client)


@pytest.fixture
def control():
    client, stubber = stubbed("mediastore")
    with stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def data():
    client, stubber = stubbed("mediastore-data", endpoint_url="https://abcdefghijklmn.data.mediastore.example")
    with stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "operation, key, not_found",
    [
        ("get_container_policy", "Policy", "PolicyNotFoundException"),
        ("get_lifecycle_policy", "LifecyclePolicy", "PolicyNotFoundException"),
        ("get_metric_policy", "MetricPolicy", "PolicyNotFoundException"),
        ("get_cors_policy", "CorsPolicy", "CorsPolicyNotFoundException"),
    ],
)
def test_an_absent_policy_reads_as_none_and_other_errors_pass(control, operation, key, not_found):
    client, stubber = control
    stubber.add_client_error(operation, not_found, expected_params={"ContainerName": NAME})
    assert policy_or_none(client, operation, NAME, key, not_found) is None
    stubber.add_client_error(operation, "ContainerInUseException", expected_params={"ContainerName": NAME})
    with pytest.raises(ClientError, match="ContainerInUseException"):
        policy_or_none(client, operation, NAME, key, not_found)


def test_a_present_policy_is_returned(control):
    client, stubber = control
    stubber.add_response("get_container_policy", {"Policy": '{"Version": "2012-10-17"}'}, {"ContainerName": NAME})
    assert policy_or_none(client, "get_container_policy", NAME, "Policy") == '{"Version": "2012-10-17"}'


@pytest.mark.parametrize(
    "operation, not_found",
    [
        ("delete_container_policy", "PolicyNotFoundException"),
        ("delete_lifecycle_policy", "PolicyNotFoundException"),
        ("delete_metric_policy", "PolicyNotFoundException"),
        ("delete_cors_policy", "CorsPolicyNotFoundException"),
    ],
)
def test_deleting_an_absent_policy_is_no_failure(control, operation, not_found):
    client, stubber = control
    stubber.add_response(operation, {}, {"ContainerName": NAME})
    stubber.add_client_error(operation, not_found, expected_params={"ContainerName": NAME})
    delete_policy(client, operation, NAME, not_found)
    delete_policy(client, operation, NAME, not_found)


def test_settled_container_waits_while_creating(control):
    client, stubber = control
    creating = {"Name": NAME, "ARN": "arn:aws:mediastore:us-east-1:111122223333:container/x", "Status": "CREATING"}
    stubber.add_response("describe_container", {"Container": creating}, {"ContainerName": NAME})
    stubber.add_response("describe_container", {"Container": dict(creating, Status="ACTIVE")}, {"ContainerName": NAME})
    assert settled_container(client, NAME)["Status"] == "ACTIVE"
    stubber.add_client_error("describe_container", "ContainerNotFoundException")
    assert settled_container(client, NAME) is None


@pytest.mark.parametrize("code, status", [("ObjectNotFoundException", 404), ("404", 404), ("NotFound", 404)])
def test_a_missing_object_describes_as_none(data, code, status):
    client, stubber = data
    stubber.add_client_error("describe_object", code, http_status_code=status, expected_params={"Path": "a.ts"})
    assert describe_object(client, "a.ts") is None


def test_a_missing_container_is_not_a_missing_object(data):
    client, stubber = data
    stubber.add_client_error("describe_object", "ContainerNotFoundException", http_status_code=404)
    with pytest.raises(ClientError, match="ContainerNotFoundException"):
        describe_object(client, "a.ts")


def test_delete_object_tells_whether_it_was_there(data):
    client, stubber = data
    stubber.add_response("delete_object", {}, {"Path": "a.ts"})
    stubber.add_client_error("delete_object", "ObjectNotFoundException", http_status_code=404)
    assert delete_object(client, "a.ts") is True
    assert delete_object(client, "a.ts") is False


def test_stream_object_hashes_and_writes_the_content(data):
    client, stubber = data
    stubber.add_response(
        "get_object", {"Body": StreamingBody(io.BytesIO(CONTENT), len(CONTENT)), "StatusCode": 200}, {"Path": "a"}
    )
    sink = io.BytesIO()
    assert stream_object(client, "a", sink=sink) == (SHA256, len(CONTENT))
    assert sink.getvalue() == CONTENT


def expect_put(stubber, stored_sha256, **params):
    expected = {"Path": "a.m3u8", "Body": ANY, "ContentType": "application/vnd.apple.mpegurl", **params}
    response = {"ContentSHA256": stored_sha256} if stored_sha256 is not None else {}
    stubber.add_response("put_object", response, expected)


def put(client, body=CONTENT, sha256=SHA256, **options):
    opened = []

    def open_body():
        opened.append(io.BytesIO(body))
        return opened[-1]

    put_object(client, "a.m3u8", open_body, sha256, "application/vnd.apple.mpegurl", **options)
    return opened


def test_put_sends_only_the_options_given(data):
    client, stubber = data
    expect_put(stubber, SHA256)
    expect_put(stubber, SHA256, CacheControl="max-age=2", StorageClass="TEMPORAL", UploadAvailability="STANDARD")
    put(client)
    put(client, cache_control="max-age=2", storage_class="TEMPORAL", upload_availability="standard")


def test_a_retried_put_reopens_the_body(data, monkeypatch):
    client, stubber = data
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    stubber.add_client_error("put_object", "InternalServerError", http_status_code=500)
    expect_put(stubber, SHA256, UploadAvailability="STREAMING")
    opened = put(client, upload_availability="streaming")
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
    client, stubber = data
    expect_put(stubber, stored)
    if not fails:
        put(client, require_sha256=require_sha256)
        return
    with pytest.raises(MediaStoreError) as raised:
        put(client, require_sha256=require_sha256, source="src")
    assert f"with SHA-256 {stored or 'unknown'} but src has SHA-256 {SHA256}" in raised.value.message
