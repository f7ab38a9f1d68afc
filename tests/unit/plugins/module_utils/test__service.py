# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared service calls against botocore's Stubber (only queued calls are answered)."""

import hashlib
import io
import json
import re
import time

import botocore.exceptions
import botocore.parsers
import botocore.session
import pytest
import urllib3
from botocore.awsrequest import AWSResponse
from botocore.response import StreamingBody
from botocore.stub import ANY

from ansible_collections.elemental.mediastore.plugins.module_utils import _service
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    ACCESS_POLICY,
    CORS_POLICY,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    REMOVE,
    plan_change,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    LIST_ITEM_FIELDS,
    DataPlane,
    MediaStoreServiceError,
    RetryPolicy,
    apply_policy_change,
    create_container,
    delete_container,
    delete_object,
    describe_container,
    describe_object,
    list_containers,
    list_folder,
    parse_list_items_answer,
    put_object,
    read_policy,
    read_timestamp,
    refuse_truncated_answer,
    retry_option_problems,
    session_clients,
    settled_container,
    stream_object,
    update_tags,
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
    with pytest.raises(MediaStoreServiceError) as raised:
        describe_object(data_plane, "a.ts")
    assert re.fullmatch(
        r"endpoint: container at https://\S+ does not exist; create it first with "
        r"elemental\.mediastore\.mediastore_container\.",
        raised.value.message,
    )


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


def sent_bodies(data_plane):
    """The Body each PutObject of ``data_plane`` is given, as botocore receives it."""
    bodies = []

    def capture(params, **_kwargs):
        body = params["Body"]
        bodies.append(body if isinstance(body, bytes) else (type(body).__name__, body.read()))

    data_plane.client.client.meta.events.register("provide-client-params.mediastore-data.PutObject", capture)
    return bodies


def test_bytes_are_sent_as_they_are_and_again_on_a_retry(data, monkeypatch):
    data_plane, stubber = data
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    bodies = sent_bodies(data_plane)
    stubber.add_client_error("put_object", "InternalServerError", http_status_code=500)
    expect_put(stubber, SHA256)
    put_object(data_plane, "a.m3u8", CONTENT, SHA256, "application/vnd.apple.mpegurl")
    assert bodies == [CONTENT, CONTENT]


def test_bytes_for_a_streaming_upload_are_sent_chunked(data):
    data_plane, stubber = data
    bodies = sent_bodies(data_plane)
    expect_put(stubber, SHA256, UploadAvailability="STREAMING")
    put_object(data_plane, "a.m3u8", CONTENT, SHA256, "application/vnd.apple.mpegurl", upload_availability="streaming")
    [(kind, sent)] = bodies
    assert kind == "ChunkedBody" and sent == CONTENT


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


# ---------------------------------------------------------------------------------------------------- retries

URL = "http://127.0.0.1:4800"
TRANSPORT_FAULTS = [
    botocore.exceptions.ConnectionClosedError(endpoint_url=URL),
    botocore.exceptions.EndpointConnectionError(endpoint_url=URL),
    botocore.exceptions.ReadTimeoutError(endpoint_url=URL),
    botocore.exceptions.ConnectTimeoutError(endpoint_url=URL),
    botocore.exceptions.ResponseStreamingError(error="connection broken"),
    botocore.exceptions.IncompleteReadError(actual_bytes=1, expected_bytes=2),
    urllib3.exceptions.ProtocolError("Connection aborted."),
]
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self):
        self.now, self.slept = 0.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr("time.sleep", fake.sleep)
    return fake


def fail_first(stubber, operation, faults):
    """Make the next ``len(faults)`` calls of ``operation`` raise those faults before the Stubber answers them."""
    pending = list(faults)
    on_call(stubber, operation, lambda _params: pending and raise_(pending.pop(0)))


def raise_(error):
    raise error


def on_call(stubber, operation, handler):
    """Run ``handler(params)`` on every call of ``operation``, before the Stubber answers it."""

    def call_handler(model, params, **_kwargs):
        if model.name == operation:
            handler(params)

    stubber.client.meta.events.register_first("before-parameter-build", call_handler)


def policy(fake_time, budget=120, delay=1.0):
    return RetryPolicy(budget, delay, clock=fake_time.clock)


def data_plane_with(stubs, retry):
    return stubs.clients(transient_retry=retry).data_plane(endpoint=stubs.data.client.meta.endpoint_url)


@pytest.mark.parametrize("fault", TRANSPORT_FAULTS, ids=lambda fault: type(fault).__name__)
def test_six_transport_faults_in_a_row_on_a_tag_write_are_retried(stubs, fake_time, fault):
    retry = policy(fake_time)
    clients = stubs.clients(transient_retry=retry, busy_retry=retry.also_on(["ContainerInUseException"]))
    fail_first(stubs.control, "TagResource", [fault] * 6)
    stubs.control.add_response("tag_resource", {}, {"Resource": ARN, "Tags": [{"Key": "team", "Value": "video"}]})
    update_tags(clients, {"Name": NAME, "ARN": ARN}, {"team": "video"}, [])
    assert len(fake_time.slept) == 6


def test_six_dropped_uploads_in_a_row_resend_the_same_bytes_from_the_start(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time))
    sent = []
    on_call(stubs.data, "PutObject", lambda params: sent.append(params["Body"].read()))
    fail_first(stubs.data, "PutObject", [botocore.exceptions.ConnectionClosedError(endpoint_url=URL)] * 6)
    expect_put(stubs.data, SHA256)
    opened = put(data_plane)
    assert sent == [CONTENT] * 7
    assert len(opened) == 7 and all(body.closed for body in opened)


def test_waits_grow_with_jitter_and_stay_under_the_ceiling(fake_time):
    retry = policy(fake_time, delay=1.0)
    for attempt, ceiling in [(2, 1), (3, 2), (4, 4), (5, 8), (6, 16), (7, 20), (12, 20)]:
        waits = [retry.wait_before(attempt) for _draw in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits), (attempt, waits)
        assert len(set(waits)) > 1


class DroppingClient:
    """A data-plane client whose every PutObject connection is dropped."""

    def put_object(self, **_params):
        raise botocore.exceptions.ConnectionClosedError(endpoint_url=URL)


def test_when_the_budget_is_spent_the_error_names_operation_container_path_and_attempts(fake_time):
    data_plane = DataPlane(DroppingClient(), repr(NAME), policy(fake_time, budget=10))
    with pytest.raises(MediaStoreServiceError) as raised:
        put(data_plane)
    attempts = len(fake_time.slept) + 1
    assert 3 <= attempts < 10 and fake_time.now <= 10
    assert raised.value.message == (
        f"PutObject failed for container '{NAME}', path 'a.m3u8' after {attempts} attempts in "
        f"{fake_time.now:.1f} s (retry_budget 10 s spent)"
    )
    assert "Connection was closed" in str(raised.value)


def test_an_error_that_retrying_cannot_mend_fails_at_once(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time))
    stubs.data.add_client_error("delete_object", "ValidationException", http_status_code=400)
    with pytest.raises(MediaStoreServiceError) as raised:
        delete_object(data_plane, "a.ts")
    assert fake_time.slept == []
    assert raised.value.message == f"DeleteObject failed for container {data_plane.address}, path 'a.ts'"


@pytest.mark.parametrize(
    "code, status",
    [("ThrottlingException", 400), ("InternalServerError", 500), ("ServiceUnavailable", 503), ("SomethingNew", 502)],
)
def test_throttling_and_server_errors_are_retried(stubs, fake_time, code, status):
    data_plane = data_plane_with(stubs, policy(fake_time))
    stubs.data.add_client_error("delete_object", code, http_status_code=status)
    stubs.data.add_response("delete_object", {}, {"Path": "a.ts"})
    assert delete_object(data_plane, "a.ts") is True
    assert len(fake_time.slept) == 1


def test_a_budget_of_zero_makes_one_attempt(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time, budget=0))
    stubs.data.add_client_error("delete_object", "ThrottlingException", http_status_code=400)
    with pytest.raises(MediaStoreServiceError, match="^DeleteObject failed"):
        delete_object(data_plane, "a.ts")
    assert fake_time.slept == []


def test_a_delete_whose_answer_was_lost_and_then_not_found_was_this_tasks_delete(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time))
    fail_first(stubs.data, "DeleteObject", [botocore.exceptions.ConnectionClosedError(endpoint_url=URL)])
    stubs.data.add_client_error("delete_object", "ObjectNotFoundException", http_status_code=404)
    assert delete_object(data_plane, "a.ts") is True


def test_a_delete_that_never_left_and_then_not_found_was_already_gone(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time))
    fail_first(stubs.data, "DeleteObject", [botocore.exceptions.EndpointConnectionError(endpoint_url=URL)])
    stubs.data.add_client_error("delete_object", "ObjectNotFoundException", http_status_code=404)
    assert delete_object(data_plane, "a.ts") is False


@pytest.mark.parametrize(
    "operation, method, status, act",
    [
        ("CreateContainer", "create_container", "CREATING", create_container),
        ("DeleteContainer", "delete_container", "DELETING", delete_container),
    ],
)
def test_a_container_write_whose_answer_was_lost_then_in_use_is_the_tasks_own(
    stubs, fake_time, operation, method, status, act
):
    clients = stubs.clients(transient_retry=policy(fake_time))
    fail_first(stubs.control, operation, [botocore.exceptions.ReadTimeoutError(endpoint_url=URL)])
    stubs.control.add_client_error(method, "ContainerInUseException")
    described = {"Name": NAME, "ARN": ARN, "Status": status}
    stubs.control.add_response("describe_container", {"Container": described}, {"ContainerName": NAME})
    assert act(clients, NAME) in (described, None)  # the create returns the container, the delete nothing


def test_a_create_that_finds_the_container_without_a_lost_answer_fails(control):
    clients, stubber = control
    stubber.add_client_error("create_container", "ContainerInUseException")
    with pytest.raises(MediaStoreServiceError, match="exists already"):
        create_container(clients, NAME)


class BreaksOff(io.RawIOBase):
    """A response body that fails half way through, as a dropped connection does."""

    def __init__(self, content):
        self.left = content[: len(content) // 2]

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.left:
            raise urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead")
        size = min(len(buffer), len(self.left))
        buffer[:size], self.left = self.left[:size], self.left[size:]
        return size


def test_a_read_that_breaks_off_is_read_again_from_the_start(stubs, fake_time):
    data_plane = data_plane_with(stubs, policy(fake_time))
    broken = StreamingBody(BreaksOff(CONTENT), len(CONTENT))
    stubs.data.add_response("get_object", {"Body": broken, "StatusCode": 200}, {"Path": "a"})
    whole = StreamingBody(io.BytesIO(CONTENT), len(CONTENT))
    stubs.data.add_response("get_object", {"Body": whole, "StatusCode": 200}, {"Path": "a"})
    sink = io.BytesIO()
    assert stream_object(data_plane, "a", sink=sink) == (SHA256, len(CONTENT))
    assert sink.getvalue() == CONTENT


def test_botocore_makes_one_attempt_unless_aws_config_says_otherwise():
    connect = {"aws_access_key_id": "AKID", "aws_secret_access_key": "secret"}
    clients = session_clients("us-east-1", URL, connect)
    assert clients.control.client.meta.config.retries["total_max_attempts"] == 1
    configured = dict(connect, aws_config={"retries": {"total_max_attempts": 3}})
    clients = session_clients("us-east-1", URL, configured)
    assert clients.control.client.meta.config.retries["total_max_attempts"] == 3


@pytest.mark.parametrize(
    "options, problems",
    [
        ({"retry_budget": 120.0, "retry_delay": 0.5}, []),
        ({"retry_budget": 0.0, "retry_delay": 0.01}, []),
        (
            {"retry_budget": -1.0, "retry_delay": 0.5},
            ["retry_budget: must be 0 or more seconds (0: no retry), got -1.0."],
        ),
        (
            {"retry_budget": float("inf"), "retry_delay": 0.5},
            ["retry_budget: must be 0 or more seconds (0: no retry), got inf."],
        ),
        ({"retry_budget": 1.0, "retry_delay": 0.0}, ["retry_delay: must be more than 0 seconds, got 0.0."]),
    ],
)
def test_retry_options_are_checked(options, problems):
    assert retry_option_problems(options) == problems


def answer(content, announced):
    response = AWSResponse("http://127.0.0.1:4800/", 200, {"Content-Length": str(announced)}, None)
    response._content = content  # pylint: disable=protected-access  # as botocore's reader leaves it
    return response


def test_an_answer_shorter_than_its_content_length_is_a_transport_fault():
    model = botocore.session.get_session().get_service_model("mediastore-data").operation_model("ListItems")
    refuse_truncated_answer(answer(b'{"Items": []}', 13), model)
    with pytest.raises(botocore.exceptions.IncompleteReadError):
        refuse_truncated_answer(answer(b'{"Items": [{"Na', 44), model)
    head = botocore.session.get_session().get_service_model("mediastore-data").operation_model("DescribeObject")
    refuse_truncated_answer(answer(b"", 44), head)


@pytest.fixture
def controller_zone(monkeypatch):
    """The controller runs in a zone east of UTC, as many do."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_listed_times_are_read_as_utc_whatever_the_controller_zone(controller_zone):
    connect = {"aws_access_key_id": "AKID", "aws_secret_access_key": "secret"}
    data_plane = session_clients("us-east-1", URL, connect).data_plane(endpoint=URL)
    listing = b'{"Items": [{"Name": "a.ts", "Type": "OBJECT", "LastModified": 1763000000.5, "ContentLength": 1}]}'
    data_plane.client.client.meta.events.register("before-send", lambda **_kwargs: answer(listing, len(listing)))
    [item] = list_folder(data_plane, "")
    assert item["LastModified"].isoformat() == "2025-11-13T02:13:20.500000+00:00"


# ---------------------------------------------------------------------------------------------------- messages


def test_a_container_deleted_meanwhile_is_named_as_a_missing_one(control):
    clients, stubber = control
    stubber.add_client_error("get_cors_policy", "ContainerNotFoundException")
    with pytest.raises(MediaStoreServiceError) as raised:
        read_policy(clients, CORS_POLICY, NAME)
    assert raised.value.message == (
        f"container: container '{NAME}' does not exist; create it first with elemental.mediastore.mediastore_container."
    )


@pytest.mark.parametrize("code", ["UnrecognizedClientException", "InvalidClientTokenId"])
def test_an_unknown_access_key_says_where_credentials_are_set(control, code):
    clients, stubber = control
    stubber.add_client_error(
        "describe_container", code, "The security token included in the request is invalid.", http_status_code=403
    )
    with pytest.raises(MediaStoreServiceError) as raised:
        describe_container(clients, NAME)
    message = raised.value.message
    assert message.startswith(f"DescribeContainer failed for container '{NAME}': the access key is not known")
    for setting in ("access_key", "secret_key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        assert setting in message


def test_a_control_endpoint_given_as_endpoint_says_where_each_belongs(data):
    data_plane, stubber = data
    stubber.add_client_error("list_items", "UnknownOperationException", http_status_code=400)
    with pytest.raises(MediaStoreServiceError) as raised:
        list_folder(data_plane, "")
    message = raised.value.message
    assert message.startswith("endpoint: ListItems failed for container at https://")
    assert "container.endpoint" in message and "the control-plane endpoint belongs in endpoint_url" in message


def test_a_data_endpoint_given_as_endpoint_url_says_where_each_belongs(control):
    clients, stubber = control
    stubber.add_client_error("describe_container", "MethodNotAllowedException", http_status_code=405)
    with pytest.raises(MediaStoreServiceError) as raised:
        describe_container(clients, NAME)
    message = raised.value.message
    assert message.startswith(f"endpoint_url: DescribeContainer failed for container '{NAME}': the URL answers as a")
    assert "a container's data endpoint belongs in endpoint" in message


@pytest.mark.parametrize(
    "endpoint_url",
    ["http://127.0.0.1:4599/data/abcdefghijklmn", "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"],
)
def test_a_data_endpoint_as_endpoint_url_is_refused_before_any_request(endpoint_url):
    clients = session_clients("us-east-1", endpoint_url, {"aws_access_key_id": "AKID", "aws_secret_access_key": "s"})
    with pytest.raises(MediaStoreServiceError) as raised:
        assert clients.control is None  # building the client raises
    assert raised.value.message.startswith(f"endpoint_url: {endpoint_url!r} is a container's data endpoint;")


def test_a_data_endpoint_from_the_environment_is_named_as_such(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_MEDIASTORE", "http://127.0.0.1:4599/data/abcdefghijklmn")
    clients = session_clients("us-east-1", None, {"aws_access_key_id": "AKID", "aws_secret_access_key": "s"})
    with pytest.raises(MediaStoreServiceError) as raised:
        assert clients.control is None  # building the client raises
    assert raised.value.message.startswith("AWS_ENDPOINT_URL_MEDIASTORE (or AWS_ENDPOINT_URL): ")


LIST_ITEMS = botocore.session.get_session().get_service_model("mediastore-data").operation_model("ListItems")


def parsed(status, body, hook=None):
    """A ListItems answer as the collection's clients parse it, with or without the before-parse ``hook``."""
    response = {"status_code": status, "headers": {"x-amzn-requestid": "r1"}, "body": body, "context": {}}
    customized = {}
    if hook:
        hook(response_dict=response, customized_response_dict=customized)
    result = botocore.parsers.RestJSONParser(timestamp_parser=read_timestamp).parse(response, LIST_ITEMS.output_shape)
    result.update(customized)
    return result


def test_the_listing_fields_read_are_those_of_the_service_model():
    assert LIST_ITEM_FIELDS == tuple(LIST_ITEMS.output_shape.members["Items"].member.members)
    assert list(LIST_ITEMS.output_shape.members) == ["Items", "NextToken"]


ITEM = {
    "Name": "seg_1.ts", "Type": "OBJECT", "ETag": "e" * 64, "LastModified": 1764504000.25,
    "ContentType": "video/MP2T", "ContentLength": 2048,
}


@pytest.mark.parametrize(
    "status, answer",
    [
        (200, {"Items": [ITEM, {"Name": "hls", "Type": "FOLDER"}]}),
        (200, {"Items": [ITEM], "NextToken": "t2"}),
        (200, {"Items": []}),
        (200, {}),
        (200, {"Items": None, "NextToken": None}),
        (200, {"Items": [dict(ITEM, LastModified=1764504000)]}),  # whole seconds
        (200, {"Items": [dict(ITEM, LastModified="2025-11-30T12:00:00Z")]}),  # a text date, as some services send
        (200, {"Items": [dict(ITEM, ETag=None, ContentType=None)]}),  # null members are left out
        (200, {"Items": [dict(ITEM, Unknown="x")], "Other": 1}),  # members the model lacks are dropped
        (200, {"Items": [{}]}),
        (400, {"__type": "ContainerNotFoundException", "Message": "no container"}),
        (500, {"Message": "internal"}),
    ],
)
def test_the_listing_hook_reads_an_answer_exactly_as_botocore_does(status, answer):
    body = json.dumps(answer).encode()
    assert parsed(status, body, parse_list_items_answer) == parsed(status, body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"Items": [{"Na',  # cut short: refuse_truncated_answer then fails the call
        b"",
        b"not json",
        b"[1, 2]",
        b'{"Items": "text"}',
        b'{"Items": [1]}',
        b'{"Items": {"Name": "x"}}',
    ],
)
def test_an_answer_the_hook_does_not_expect_is_left_to_botocore(body):
    response = {"status_code": 200, "headers": {}, "body": body, "context": {}}
    customized = {}
    parse_list_items_answer(response_dict=response, customized_response_dict=customized)
    assert customized == {} and response["body"] == body


def test_the_clients_read_listings_with_the_collections_parser(monkeypatch):
    calls = []

    def spy(**kwargs):
        calls.append(kwargs["response_dict"]["status_code"])
        parse_list_items_answer(**kwargs)

    monkeypatch.setattr(_service, "parse_list_items_answer", spy)
    connect = {"aws_access_key_id": "AKID", "aws_secret_access_key": "secret"}
    data_plane = session_clients("us-east-1", URL, connect).data_plane(endpoint=URL)
    listing = json.dumps({"Items": [ITEM], "NextToken": None}).encode()
    data_plane.client.client.meta.events.register("before-send", lambda **_kwargs: answer(listing, len(listing)))
    [item] = list_folder(data_plane, "live")
    assert calls == [200]
    assert item == dict(ITEM, LastModified=read_timestamp(ITEM["LastModified"]), Path="live/seg_1.ts")
