"""SigV4 verification against requests signed by botocore itself."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import boto3
import botocore.config
import botocore.session
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from mediastore_emulator import auth
from mediastore_emulator.auth import Authenticator
from mediastore_emulator.cli import build_app, build_parser
from mediastore_emulator.errors import ServiceError
from mediastore_emulator.server import make_server

KEY, SECRET = "AKIDLOCALMEDIASTORE", "local-mediastore-secret"
URL = "http://127.0.0.1:4599"
BODY = b'{"ContainerName": "movies"}'


def signed(
    method="POST",
    url=URL + "/",
    body=BODY,
    headers=None,
    key=KEY,
    secret=SECRET,
    service="mediastore",
    region="eu-west-1",
):
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    request.headers["Host"] = urlsplit(url).netloc
    SigV4Auth(Credentials(key, secret), service, region).add_auth(request)
    return request


def verify(request, authenticator=None, now=None, body=None):
    parts = urlsplit(request.url)
    authenticator = authenticator or Authenticator(KEY, SECRET)
    payload = request.body if body is None else body
    return authenticator.verify(
        request.method, parts.path, parts.query, list(request.headers.items()), lambda: payload or b"", now=now
    )


def refused(request, **kwargs):
    with pytest.raises(ServiceError) as info:
        verify(request, **kwargs)
    assert info.value.status == 403
    return info.value.code


def test_control_plane_request_verifies():
    assert verify(signed(headers={"X-Amz-Target": "MediaStore_20170901.ListContainers"})) == KEY


def test_any_region_is_accepted():
    for region in ("us-east-1", "ap-northeast-2", "anything"):
        assert verify(signed(region=region)) == KEY


def test_data_plane_paths_and_query_verify():
    request = signed("GET", URL + "/data/abcdefghijklmn/a%20b/c%3Dd.ts?Path=x%2Fy&MaxResults=5", body=b"")
    assert verify(request) == KEY


def test_unsigned_payload_put_does_not_need_the_body():
    request = signed(
        "PUT", URL + "/data/abcdefghijklmn/seg.ts", body=b"video", headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
    )
    parts = urlsplit(request.url)

    def no_body():
        raise AssertionError("the body was read")

    headers = list(request.headers.items())
    assert Authenticator(KEY, SECRET).verify("PUT", parts.path, parts.query, headers, no_body, operation="PutObject")


def test_unsigned_request_is_anonymous():
    assert Authenticator(KEY, SECRET).verify("GET", "/", "", [("Host", "x")], lambda: b"") is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: r.headers.__setitem__("X-Amz-Target", "MediaStore_20170901.DeleteContainer"),
        lambda r: setattr(r, "method", "PUT"),
        lambda r: setattr(r, "url", URL + "/other"),
    ],
)
def test_tampered_request_is_refused(tamper):
    request = signed(headers={"X-Amz-Target": "MediaStore_20170901.ListContainers"})
    tamper(request)
    assert refused(request) == "InvalidSignatureException"


def test_tampered_body_is_refused():
    assert refused(signed(), body=b'{"ContainerName": "other"}') == "InvalidSignatureException"


def test_wrong_secret_unknown_key_wrong_service():
    assert refused(signed(secret="nope")) == "InvalidSignatureException"
    assert refused(signed(key="AKIDSOMEONEELSE")) == "UnrecognizedClientException"
    assert refused(signed(service="s3")) == "InvalidSignatureException"


def test_malformed_authorization():
    request = signed()
    request.headers.replace_header("Authorization", "Basic dXNlcjpwYXNz")
    assert refused(request) == "IncompleteSignatureException"


@pytest.mark.parametrize("minutes, ok", [(14, True), (-14, True), (16, False), (-16, False)])
def test_clock_skew(minutes, ok):
    request = signed()
    now = datetime.now(UTC) + timedelta(minutes=minutes)
    if ok:
        assert verify(request, now=now) == KEY
    else:
        assert refused(request, now=now) == "InvalidSignatureException"


def presigned(expires=60):
    request = AWSRequest(method="GET", url=URL + "/data/abcdefghijklmn/a.ts", headers={})
    SigV4QueryAuth(Credentials(KEY, SECRET), "mediastore", "us-east-1", expires=expires).add_auth(request)
    request.headers["Host"] = urlsplit(request.url).netloc
    return request


def test_presigned_url():
    assert verify(presigned()) == KEY
    late = datetime.now(UTC) + timedelta(seconds=120)
    assert refused(presigned(), now=late) == "AccessDeniedException"
    request = presigned()
    request.url = request.url.replace("a.ts", "b.ts")
    assert refused(request) == "InvalidSignatureException"


def test_a_new_endpoint_answers_its_first_burst_of_uploads_without_loading_models_per_request(monkeypatch):
    """Which operations may leave their body unsigned is read from botocore's models when the endpoint starts, not
    by each of the first requests that needs it."""
    auth.unsigned_body_operations.cache_clear()
    app, service = build_app(build_parser().parse_args(["--port", "0", "--create-delay", "0"]))
    httpd = make_server("127.0.0.1", 0, app)
    service.endpoint_base = f"http://127.0.0.1:{httpd.bind_addr[1]}"
    threading.Thread(target=httpd.serve, daemon=True).start()
    try:
        credentials = {"aws_access_key_id": KEY, "aws_secret_access_key": SECRET, "region_name": "us-east-1"}
        control = boto3.client("mediastore", endpoint_url=service.endpoint_base, **credentials)
        endpoint = control.create_container(ContainerName="burst")["Container"]["Endpoint"]
        data = boto3.client(
            "mediastore-data",
            endpoint_url=endpoint,
            config=botocore.config.Config(max_pool_connections=32),
            **credentials,
        )
        sessions = []  # made from here on: the clients are built, so only the endpoint makes them
        real_get_session = botocore.session.get_session
        monkeypatch.setattr(botocore.session, "get_session", lambda: sessions.append(1) or real_get_session())
        with ThreadPoolExecutor(32) as pool:
            list(pool.map(lambda number: data.put_object(Path=f"live/{number}.ts", Body=b"ts"), range(32)))
        assert len(data.list_items(Path="live")["Items"]) == 32
    finally:
        httpd.stop()
    assert sessions == []
