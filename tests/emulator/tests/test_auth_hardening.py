"""SigV4 covers the body (issue 11, point 4): the payload hash must be the body's, UNSIGNED-PAYLOAD only for
data-plane PutObject, and presigned URLs live at most 7 days from a date that is not in the future.

Requests are signed with botocore's signer and sent with http.client, so that the body sent can differ from
the body signed (no client library would do that). Each refusal is checked for its error code in the service's
shape, its journal entry, an unchanged state and an endpoint that still serves within its memory bound.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from conformance import ACCESS_KEY, REGION, SECRET_KEY, raw_request
from hardening import assert_still_serving, service_error

CREDENTIALS = Credentials(ACCESS_KEY, SECRET_KEY)
CONTROL_HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "MediaStore_20170901.CreateContainer"}
MISMATCH = "XAmzContentSHA256Mismatch"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def signed_headers(method, url, body, headers=None, content_sha256=None, add_after_signing=None):
    """The headers of ``method url`` signed over ``body``; ``content_sha256`` becomes a signed
    X-Amz-Content-SHA256 header, ``add_after_signing`` one added afterwards, outside the signature."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if content_sha256 is not None:
        request.headers["X-Amz-Content-SHA256"] = content_sha256
    SigV4Auth(CREDENTIALS, "mediastore", REGION).add_auth(request)
    if add_after_signing is not None:
        request.headers["X-Amz-Content-SHA256"] = add_after_signing
    return dict(request.headers.items())


def send(method, url, headers, body):
    return raw_request(method, url, headers=headers, body=body)


def container_names(control):
    return [container["Name"] for container in control.list_containers()["Containers"]]


def only_entry(emulator, mark):
    entries = emulator.journal(since=mark)
    assert len(entries) == 1, entries
    return entries[0]


# The two ways a hash of the signed body can travel with another body: inside the signature, or added to a
# request signed over its body (the signature then covers the header's hash, not the body).
HASH_CLAIMS = {
    "signed-header": lambda body: {"content_sha256": sha256(body)},
    "added-unsigned": lambda body: {"add_after_signing": sha256(body)},
}


@pytest.mark.parametrize("claim", list(HASH_CLAIMS))
def test_control_plane_body_that_is_not_the_signed_one_is_refused(emulator, control, unique_name, claim):
    url = emulator.url + "/"
    genuine = json.dumps({"ContainerName": unique_name("signed")}).encode()
    forged = json.dumps({"ContainerName": unique_name("forged")}).encode()
    headers = signed_headers("POST", url, genuine, CONTROL_HEADERS, **HASH_CLAIMS[claim](genuine))
    assert send("POST", url, headers, genuine)[0] == 200  # the same headers with the body they describe
    before = container_names(control)
    mark = emulator.journal_mark()

    status, response_headers, body = send("POST", url, headers, forged)

    assert service_error(status, response_headers, body) == MISMATCH
    assert status == 400
    entry = only_entry(emulator, mark)
    assert (entry["operation"], entry["status"], entry["error"]) == ("CreateContainer", 400, MISMATCH)
    assert container_names(control) == before  # names: the genuine one may turn ACTIVE meanwhile
    assert_still_serving(emulator)


@pytest.mark.parametrize("claim", list(HASH_CLAIMS))
def test_data_plane_body_that_is_not_the_signed_one_is_refused(emulator, container, claim):
    url = container["Endpoint"] + "/clip.ts"
    headers = signed_headers("PUT", url, b"genuine", **HASH_CLAIMS[claim](b"genuine"))
    assert send("PUT", url, headers, b"genuine")[0] == 200
    mark = emulator.journal_mark()

    status, response_headers, body = send("PUT", url, headers, b"forged!")

    assert service_error(status, response_headers, body) == MISMATCH
    entry = only_entry(emulator, mark)
    assert (entry["operation"], entry["path"], entry["status"]) == ("PutObject", "clip.ts", 400)
    assert entry["error"] == MISMATCH
    assert container["data"].get_object(Path="clip.ts")["Body"].read() == b"genuine"
    assert_still_serving(emulator)


def test_a_false_hash_is_refused_without_a_signature_too(emulator, container):
    url = container["Endpoint"] + "/anonymous.ts"
    mark = emulator.journal_mark()

    status, headers, body = send("PUT", url, {"X-Amz-Content-SHA256": sha256(b"something else")}, b"data")

    assert service_error(status, headers, body) == MISMATCH
    entry = only_entry(emulator, mark)
    assert (entry["operation"], entry["anonymous"], entry["status"]) == ("PutObject", True, 400)
    assert container["data"].list_items()["Items"] == []
    assert_still_serving(emulator)


def test_unsigned_payload_is_accepted_for_put_object(emulator, container):
    # botocore's model marks mediastore-data PutObject "v4-unsigned-body": the body may stay out of the signature.
    url = container["Endpoint"] + "/live/segment.ts"
    headers = signed_headers("PUT", url, b"", content_sha256="UNSIGNED-PAYLOAD")

    status, _headers, body = send("PUT", url, headers, b"segment bytes")

    assert status == 200, body
    assert json.loads(body)["ContentSHA256"] == sha256(b"segment bytes")
    assert container["data"].get_object(Path="live/segment.ts")["Body"].read() == b"segment bytes"


def test_unsigned_payload_is_refused_on_the_control_plane(emulator, control, unique_name):
    url = emulator.url + "/"
    body = json.dumps({"ContainerName": unique_name()}).encode()
    headers = signed_headers("POST", url, body, CONTROL_HEADERS, content_sha256="UNSIGNED-PAYLOAD")
    mark = emulator.journal_mark()

    status, response_headers, payload = send("POST", url, headers, body)

    assert service_error(status, response_headers, payload) == MISMATCH
    assert only_entry(emulator, mark)["error"] == MISMATCH
    assert container_names(control) == []
    assert_still_serving(emulator)


def test_unsigned_payload_is_refused_for_data_plane_operations_other_than_put(emulator, container):
    container["data"].put_object(Path="keep.ts", Body=b"kept")
    url = container["Endpoint"] + "/keep.ts"
    headers = signed_headers("DELETE", url, b"", content_sha256="UNSIGNED-PAYLOAD")
    mark = emulator.journal_mark()

    status, response_headers, body = send("DELETE", url, headers, None)

    assert service_error(status, response_headers, body) == MISMATCH
    assert only_entry(emulator, mark)["operation"] == "DeleteObject"
    assert container["data"].get_object(Path="keep.ts")["Body"].read() == b"kept"
    assert_still_serving(emulator)


# --- presigned URLs ----------------------------------------------------------------------------------


def presigned_url(url, expires, signed_at=None, monkeypatch=None):
    """``url`` presigned by botocore for ``expires`` (sent as given), as if signed at ``signed_at`` (UTC)."""
    if signed_at is not None:
        monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: signed_at.replace(tzinfo=None))
    request = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(CREDENTIALS, "mediastore", REGION, expires=expires).add_auth(request)
    return request.url


def refused_presigned(emulator, url):
    mark = emulator.journal_mark()
    status, headers, body = raw_request("GET", url)
    code = service_error(status, headers, body)
    assert status == 403
    entry = only_entry(emulator, mark)
    assert (entry["operation"], entry["status"], entry["error"]) == ("GetObject", 403, code)
    assert_still_serving(emulator)
    return code


@pytest.fixture
def object_url(container):
    container["data"].put_object(Path="movie.mp4", Body=b"movie")
    return container["Endpoint"] + "/movie.mp4"


def test_presigned_url_may_live_seven_days(object_url):
    status, _headers, body = raw_request("GET", presigned_url(object_url, 604800))
    assert (status, body) == (200, b"movie")


@pytest.mark.parametrize("expires", [604801, 10**9, 0, "-1", "+60", " 60", "1_000", "60.0", "abc"])
def test_presigned_expiry_outside_one_second_to_seven_days_is_refused(emulator, object_url, expires):
    assert refused_presigned(emulator, presigned_url(object_url, expires)) == "IncompleteSignatureException"


def test_presigned_url_dated_in_the_future_is_refused(emulator, object_url, monkeypatch):
    a_year_ahead = datetime.now(UTC) + timedelta(days=365)
    url = presigned_url(object_url, 3600, signed_at=a_year_ahead, monkeypatch=monkeypatch)
    assert refused_presigned(emulator, url) == "AccessDeniedException"


def test_presigned_url_a_little_ahead_is_within_the_clock_skew(object_url, monkeypatch):
    ten_minutes_ahead = datetime.now(UTC) + timedelta(minutes=10)
    url = presigned_url(object_url, 60, signed_at=ten_minutes_ahead, monkeypatch=monkeypatch)
    assert raw_request("GET", url)[0] == 200


def test_presigned_url_past_its_expiry_is_refused(emulator, object_url, monkeypatch):
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    url = presigned_url(object_url, 3600, signed_at=two_hours_ago, monkeypatch=monkeypatch)
    assert refused_presigned(emulator, url) == "AccessDeniedException"
