"""Authentication (SigV4 via boto3, presigned URLs) and the container policy applied to anonymous requests."""

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError
from conformance import (
    container_arn,
    error_code_of,
    expect_error,
    objects_arn,
    policy_document,
    public_read_statement,
    raw_request,
    wait_until_active,
)

WRONG_SECRET = {"secret_key": "not-the-secret"}
UNKNOWN_KEY = {"access_key": "AKIDSOMEBODYELSE0000"}


# --- signatures --------------------------------------------------------------------------------------


def test_wrong_secret_on_the_control_plane_is_invalid_signature(emulator):
    with expect_error("InvalidSignatureException", 403):
        emulator.control(**WRONG_SECRET).list_containers()


def test_unknown_key_on_the_control_plane_is_unrecognized_client(emulator):
    with expect_error("UnrecognizedClientException", 403):
        emulator.control(**UNKNOWN_KEY).list_containers()


@pytest.mark.parametrize(
    "credentials, code", [(WRONG_SECRET, "InvalidSignatureException"), (UNKNOWN_KEY, "UnrecognizedClientException")]
)
def test_bad_credentials_on_the_data_plane(emulator, container, credentials, code):
    container["data"].put_object(Path="a.ts", Body=b"x")
    data = emulator.data(container["Endpoint"], **credentials)
    with expect_error(code, 403):
        data.get_object(Path="a.ts")
    with expect_error(code, 403):
        data.describe_object(Path="a.ts")
    with expect_error(code, 403):
        data.put_object(Path="a.ts", Body=b"overwritten")
    with expect_error(code, 403):
        data.list_items()
    assert container["data"].get_object(Path="a.ts")["Body"].read() == b"x"


def test_refused_signatures_change_nothing_and_are_journaled(emulator, unique_name):
    mark = emulator.journal_mark()
    name = unique_name()
    with expect_error("InvalidSignatureException", 403):
        emulator.control(**WRONG_SECRET).create_container(ContainerName=name)
    assert emulator.control().list_containers()["Containers"] == []
    (entry,) = [e for e in emulator.journal(mark) if e["operation"] == "CreateContainer"]
    assert (entry["status"], entry["error"], entry["plane"]) == (403, "InvalidSignatureException", "control")


def test_any_signing_region_is_accepted(emulator, unique_name):
    name = unique_name()
    eu = emulator.control(region="eu-west-1")
    assert eu.create_container(ContainerName=name)["Container"]["ARN"] == container_arn(name)
    endpoint = wait_until_active(eu, name)["Endpoint"]
    assert emulator.data(endpoint, region="ap-northeast-1").list_items()["Items"] == []


def test_unsigned_control_plane_calls_are_refused(emulator, unique_name):
    name = unique_name()
    status, headers, body = raw_request(
        "POST",
        emulator.base_url + "/",
        {"X-Amz-Target": "MediaStore_20170901.CreateContainer", "Content-Type": "application/x-amz-json-1.1"},
        json.dumps({"ContainerName": name}).encode(),
    )
    assert status in (400, 403), (status, body)
    assert error_code_of(headers, body)
    with pytest.raises(ClientError) as caught:
        emulator.control(signature_version=UNSIGNED).list_containers()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
    assert emulator.control().list_containers()["Containers"] == []


# --- presigned URLs ----------------------------------------------------------------------------------


def test_presigned_get_object_url_works_and_tampering_is_refused(container):
    data = container["data"]
    data.put_object(Path="vod/movie.mp4", Body=b"movie bytes", ContentType="video/mp4")
    url = data.generate_presigned_url("get_object", Params={"Path": "vod/movie.mp4"}, ExpiresIn=300)
    assert "X-Amz-Signature=" in url

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"movie bytes"
        assert response.headers["Content-Type"] == "video/mp4"

    signature = url.rsplit("X-Amz-Signature=", 1)[1][:64]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for tampered in (url.replace(signature, flipped), url.replace("vod/movie.mp4", "vod/other.mp4")):
        status, headers, body = raw_request("GET", tampered)
        assert status == 403, (tampered, status, body)
        assert error_code_of(headers, body) in ("InvalidSignatureException", "AccessDeniedException")
        assert b"movie bytes" not in body


def test_expired_presigned_url_is_refused(container):
    container["data"].put_object(Path="short.ts", Body=b"x")
    url = container["data"].generate_presigned_url("get_object", Params={"Path": "short.ts"}, ExpiresIn=1)
    time.sleep(2.1)
    status, _headers, body = raw_request("GET", url)
    assert status == 403, body


# --- container policy for anonymous requests ---------------------------------------------------------


def _anonymous(method, container, path, body=None):
    return raw_request(method, f"{container['Endpoint']}/{path}", body=body)


def _put_policy(control, container, *statements):
    control.put_container_policy(ContainerName=container["Name"], Policy=policy_document(*statements))


@pytest.fixture
def published(container):
    container["data"].put_object(Path="public/a.ts", Body=b"public bytes", ContentType="video/MP2T")
    container["data"].put_object(Path="private/b.ts", Body=b"private bytes")
    return container


def _assert_refused(response):
    status, headers, body = response
    assert status == 403, (status, body)
    assert error_code_of(headers, body) == "AccessDeniedException"


def test_anonymous_requests_are_refused_by_default(published):
    _assert_refused(_anonymous("GET", published, "public/a.ts"))
    assert _anonymous("HEAD", published, "public/a.ts")[0] == 403
    _assert_refused(_anonymous("PUT", published, "public/new.ts", b"x"))
    _assert_refused(_anonymous("DELETE", published, "public/a.ts"))
    _assert_refused(raw_request("GET", published["Endpoint"]))


@pytest.mark.parametrize("secure_transport", ["false", None], ids=["secure_transport_false", "no_condition"])
def test_public_read_policy_allows_anonymous_get_and_head_only(emulator, control, published, secure_transport):
    _put_policy(control, published, public_read_statement(published["Name"], secure_transport=secure_transport))

    mark = emulator.journal_mark()
    status, headers, body = _anonymous("GET", published, "public/a.ts")
    assert (status, body, headers["content-type"]) == (200, b"public bytes", "video/MP2T")
    status, headers, body = _anonymous("HEAD", published, "public/a.ts")
    assert (status, headers["content-length"], body) == (200, "12", b"")
    with urllib.request.urlopen(f"{published['Endpoint']}/public/a.ts", timeout=10) as response:
        assert response.read() == b"public bytes"
    entries = [e for e in emulator.journal(mark) if e["operation"] == "GetObject"]
    assert entries and all(e["anonymous"] is True and e["write"] is False for e in entries)

    _assert_refused(_anonymous("PUT", published, "public/a.ts", b"overwrite"))
    _assert_refused(_anonymous("DELETE", published, "public/a.ts"))
    assert published["data"].get_object(Path="public/a.ts")["Body"].read() == b"public bytes"
    assert _anonymous("GET", published, "public/missing.ts")[0] == 404


def test_deny_wins_over_allow(control, published):
    name = published["Name"]
    deny = {
        "Sid": "NoPrivate",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "mediastore:GetObject",
        "Resource": objects_arn(name, "private/*"),
    }
    _put_policy(control, published, public_read_statement(name, secure_transport=None), deny)
    assert _anonymous("GET", published, "public/a.ts")[0] == 200
    _assert_refused(_anonymous("GET", published, "private/b.ts"))


def test_allow_scoped_to_a_folder(control, published):
    _put_policy(control, published, public_read_statement(published["Name"], pattern="public/*"))
    assert _anonymous("GET", published, "public/a.ts")[0] == 200
    _assert_refused(_anonymous("GET", published, "private/b.ts"))


def test_secure_transport_true_refuses_plain_http(control, published):
    _put_policy(control, published, public_read_statement(published["Name"], secure_transport="true"))
    _assert_refused(_anonymous("GET", published, "public/a.ts"))


@pytest.mark.parametrize("cidr, allowed", [("127.0.0.0/8", True), ("10.0.0.0/8", False)])
def test_source_ip_condition(control, published, cidr, allowed):
    statement = public_read_statement(published["Name"], secure_transport=None)
    statement["Condition"] = {"IpAddress": {"aws:SourceIp": cidr}}
    _put_policy(control, published, statement)
    response = _anonymous("GET", published, "public/a.ts")
    if allowed:
        assert response[0] == 200 and response[2] == b"public bytes"
    else:
        _assert_refused(response)


def test_policy_for_another_principal_does_not_open_anonymous_access(control, published):
    statement = public_read_statement(published["Name"], secure_transport=None)
    statement["Principal"] = {"AWS": "arn:aws:iam::444455556666:root"}
    _put_policy(control, published, statement)
    _assert_refused(_anonymous("GET", published, "public/a.ts"))


def test_signed_requests_keep_working_under_the_default_policy(published):
    assert published["data"].get_object(Path="private/b.ts")["Body"].read() == b"private bytes"


def test_deleting_the_policy_closes_anonymous_access_again(control, published):
    _put_policy(control, published, public_read_statement(published["Name"]))
    assert _anonymous("GET", published, "public/a.ts")[0] == 200
    control.delete_container_policy(ContainerName=published["Name"])
    _assert_refused(_anonymous("GET", published, "public/a.ts"))


def test_urlopen_sees_403_for_refused_anonymous_get(published):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{published['Endpoint']}/public/a.ts", timeout=10)
    assert caught.value.code == 403
