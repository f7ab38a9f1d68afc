"""Every operation once over real HTTP with boto3, against an in-process server on a free port.

The exhaustive wire-level suite lives in tests/emulator/tests/; this is the implementation's own smoke run.
"""

import hashlib
import io
import json
import threading
import urllib.error
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config

from mediastore_emulator.cli import build_app, build_parser
from mediastore_emulator.server import make_server

KEY, SECRET = "AKIDLOCALMEDIASTORE", "local-mediastore-secret"


@pytest.fixture(scope="module")
def server():
    args = build_parser().parse_args(["--port", "0", "--create-delay", "0", "--delete-delay", "0"])
    app, service = build_app(args)
    httpd = make_server("127.0.0.1", 0, app)
    base = f"http://127.0.0.1:{httpd.bind_addr[1]}"
    service.endpoint_base = base
    thread = threading.Thread(target=httpd.serve, daemon=True)
    thread.start()
    yield base
    httpd.stop()


def hook(base, name, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}/_emulator/{name}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture
def base(server):
    hook(server, "reset", {})
    return server


def client(service, endpoint, **overrides):
    settings = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": KEY,
        "aws_secret_access_key": SECRET,
        "config": Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    }
    settings.update(overrides)
    return boto3.client(service, **settings)


def code_of(call, *args, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]["Code"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def container(base):
    control = client("mediastore", base)
    control.create_container(ContainerName="smoke", Tags=[{"Key": "team", "Value": "live"}])
    return control.describe_container(ContainerName="smoke")["Container"]


def test_every_control_operation(base, container):
    control = client("mediastore", base)
    name, arn = "smoke", container["ARN"]
    assert container["Status"] == "ACTIVE" and container["Endpoint"].startswith(base + "/data/")
    assert [c["Name"] for c in control.list_containers(MaxResults=1)["Containers"]] == ["smoke"]
    assert (
        json.loads(control.get_container_policy(ContainerName=name)["Policy"])["Statement"][0]["Sid"]
        == "MediaStoreFullAccess"
    )
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject", "Resource": arn + "/*"}
            ],
        }
    )
    control.put_container_policy(ContainerName=name, Policy=policy)
    assert control.get_container_policy(ContainerName=name)["Policy"] == policy
    control.delete_container_policy(ContainerName=name)
    cors = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 30}]
    control.put_cors_policy(ContainerName=name, CorsPolicy=cors)
    assert control.get_cors_policy(ContainerName=name)["CorsPolicy"] == cors
    control.delete_cors_policy(ContainerName=name)
    assert code_of(control.get_cors_policy, ContainerName=name) == ("CorsPolicyNotFoundException", 400)
    lifecycle = '{"rules": [{"definition": {"path": [{"wildcard": "*"}], "seconds_since_create": [{"numeric": [">", 30]}]}, "action": "EXPIRE"}]}'  # noqa: E501
    control.put_lifecycle_policy(ContainerName=name, LifecyclePolicy=lifecycle)
    assert control.get_lifecycle_policy(ContainerName=name)["LifecyclePolicy"] == lifecycle
    control.delete_lifecycle_policy(ContainerName=name)
    metric = {
        "ContainerLevelMetrics": "DISABLED",
        "MetricPolicyRules": [{"ObjectGroup": "a/*", "ObjectGroupName": "a"}],
    }
    control.put_metric_policy(ContainerName=name, MetricPolicy=metric)
    assert control.get_metric_policy(ContainerName=name)["MetricPolicy"] == metric
    control.delete_metric_policy(ContainerName=name)
    assert code_of(control.get_metric_policy, ContainerName=name) == ("PolicyNotFoundException", 400)
    control.start_access_logging(ContainerName=name)
    assert control.describe_container(ContainerName=name)["Container"]["AccessLoggingEnabled"] is True
    control.stop_access_logging(ContainerName=name)
    control.tag_resource(Resource=arn, Tags=[{"Key": "env", "Value": "dev"}])
    control.untag_resource(Resource=arn, TagKeys=["team"])
    assert control.list_tags_for_resource(Resource=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    control.delete_container(ContainerName=name)
    assert code_of(control.describe_container, ContainerName=name) == ("ContainerNotFoundException", 400)
    assert code_of(control.create_container, ContainerName="x" * 256) == ("ValidationException", 400)


def test_every_data_operation(base, container):
    data = client("mediastore-data", container["Endpoint"])
    put = data.put_object(
        Path="/live/seg=1:a.ts", Body=b"0123456789", ContentType="video/MP2T", CacheControl="no-cache"
    )
    assert put["ContentSHA256"] == hashlib.sha256(b"0123456789").hexdigest() != put["ETag"]
    got = data.get_object(Path="live/seg=1:a.ts")
    assert got["Body"].read() == b"0123456789"
    assert (got["ETag"], got["ContentType"], got["CacheControl"], got["StatusCode"]) == (
        put["ETag"],
        "video/MP2T",
        "no-cache",
        200,
    )
    ranged = data.get_object(Path="live/seg=1:a.ts", Range="bytes=-3")
    assert (ranged["StatusCode"], ranged["ContentRange"], ranged["Body"].read()) == (206, "bytes 7-9/10", b"789")
    assert code_of(data.get_object, Path="live/seg=1:a.ts", Range="bytes=10-") == (
        "RequestedRangeNotSatisfiableException",
        416,
    )
    described = data.describe_object(Path="live/seg=1:a.ts")
    assert described["ContentLength"] == 10 and "CacheControl" in described
    assert data.list_items()["Items"] == [{"Name": "live", "Type": "FOLDER"}]
    assert [i["Name"] for i in data.list_items(Path="live/")["Items"]] == ["seg=1:a.ts"]
    data.delete_object(Path="live/seg=1:a.ts")
    assert data.list_items()["Items"] == []
    assert code_of(data.describe_object, Path="live/seg=1:a.ts") == ("ObjectNotFoundException", 404)
    assert code_of(data.delete_object, Path="nothing") == ("ObjectNotFoundException", 404)
    assert code_of(data.put_object, Path="bad path", Body=b"") == ("ValidationException", 400)
    assert code_of(data.put_object, Path="a", Body=b"", StorageClass="STANDARD") == ("ValidationException", 400)
    ghost = client("mediastore-data", base + "/data/zzzzzzzzzzzzzz")
    assert code_of(ghost.list_items) == ("ContainerNotFoundException", 404)


def test_chunked_and_oversized_uploads(base, container):
    data = client("mediastore-data", container["Endpoint"])

    class Unsized(io.RawIOBase):
        def __init__(self, chunks):
            self.chunks = list(chunks)

        def readable(self):
            return True

        def read(self, size=-1):
            return self.chunks.pop(0) if self.chunks else b""

    data.put_object(Path="stream.ts", Body=Unsized([b"ab", b"cd", b"ef"]), UploadAvailability="STREAMING")
    assert data.get_object(Path="stream.ts")["Body"].read() == b"abcdef"
    assert code_of(data.put_object, Path="big.ts", Body=b"\0" * (25 * 1024 * 1024 + 1)) == ("ValidationException", 400)
    streaming = b"\0" * (10 * 1024 * 1024 + 1)
    assert code_of(data.put_object, Path="big.ts", Body=streaming, UploadAvailability="STREAMING")[0] == (
        "ValidationException"
    )


def test_signatures(base, container):
    assert code_of(client("mediastore", base, aws_secret_access_key="wrong").list_containers) == (
        "InvalidSignatureException",
        403,
    )
    assert code_of(client("mediastore", base, aws_access_key_id="AKIDUNKNOWN").list_containers) == (
        "UnrecognizedClientException",
        403,
    )
    unsigned = Config(signature_version=botocore.UNSIGNED, retries={"total_max_attempts": 1})
    assert code_of(client("mediastore", base, config=unsigned).list_containers) == (
        "MissingAuthenticationTokenException",
        403,
    )
    data = client("mediastore-data", container["Endpoint"])
    data.put_object(Path="a.ts", Body=b"x")
    assert code_of(client("mediastore-data", container["Endpoint"], aws_secret_access_key="no").list_items) == (
        "InvalidSignatureException",
        403,
    )
    url = data.generate_presigned_url("get_object", Params={"Path": "a.ts"})
    assert urllib.request.urlopen(url).read() == b"x"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=f"))
    assert info.value.code == 403


def test_anonymous_requests_follow_the_container_policy(base, container):
    control = client("mediastore", base)
    data = client("mediastore-data", container["Endpoint"])
    data.put_object(Path="public/a.ts", Body=b"pub")
    data.put_object(Path="private/b.ts", Body=b"priv")
    anonymous = client("mediastore-data", container["Endpoint"], config=Config(signature_version=botocore.UNSIGNED))
    assert code_of(anonymous.get_object, Path="public/a.ts") == ("AccessDeniedException", 403)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
                "Resource": container["ARN"] + "/public/*",
            }
        ],
    }
    control.put_container_policy(ContainerName="smoke", Policy=json.dumps(policy))
    assert anonymous.get_object(Path="public/a.ts")["Body"].read() == b"pub"
    assert code_of(anonymous.get_object, Path="private/b.ts") == ("AccessDeniedException", 403)
    # botocore signs PutObject whatever the client config says (its auth type is v4-unsigned-body), so plain HTTP.
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(urllib.request.Request(container["Endpoint"] + "/public/c.ts", b"x", method="PUT"))
    assert (info.value.code, info.value.headers["x-amzn-ErrorType"]) == (403, "AccessDeniedException")
    entries = hook(base, "journal")["entries"]
    assert [e["anonymous"] for e in entries if e["plane"] == "data"][-3:] == [True, True, True]


def test_cors(base, container):
    control = client("mediastore", base)
    rules = [
        {
            "AllowedOrigins": ["https://*.example.com"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["range", "x-amz-*"],
            "MaxAgeSeconds": 600,
            "ExposeHeaders": ["ETag"],
        }
    ]
    control.put_cors_policy(ContainerName="smoke", CorsPolicy=rules)

    def preflight(origin, method, headers=""):
        request = urllib.request.Request(
            container["Endpoint"] + "/any/deep/path.ts",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": headers,
            },
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    status, headers = preflight("https://cdn.example.com", "GET", "Range, X-Amz-Date")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://cdn.example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert headers["Access-Control-Allow-Headers"] == "range, x-amz-date"
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Vary"] == "Origin"
    assert preflight("https://cdn.example.com", "PUT")[0] == 403
    assert preflight("http://cdn.example.com", "GET")[0] == 403
    assert preflight("https://cdn.example.com", "GET", "authorization")[0] == 403
    # An actual request gets the headers, even when it fails.
    request = urllib.request.Request(container["Endpoint"] + "/missing.ts", headers={"Origin": "https://a.example.com"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 403
    assert info.value.headers["Access-Control-Allow-Origin"] == "https://a.example.com"
    assert info.value.headers["Access-Control-Expose-Headers"] == "ETag"


def test_faults_and_journal(base, container):
    control = client("mediastore", base)
    data = client("mediastore-data", container["Endpoint"])
    mark = hook(base, "journal")["next"]
    hook(base, "faults", {"rules": [{"operation": "ListItems", "fault": "ThrottlingException", "rate": 1, "count": 1}]})
    assert code_of(data.list_items) == ("ThrottlingException", 400)
    assert data.list_items()["Items"] == []
    hook(base, "faults", {"rules": [{"operation": "*", "fault": "InternalServerError", "rate": 1.0, "count": 1}]})
    assert code_of(control.list_containers) == ("InternalServerError", 500)
    assert hook(base, "faults")["rules"][0]["count"] == 0
    hook(base, "faults", {"rules": [{"operation": "PutObject", "fault": "drop", "rate": 1}], "seed": 7})
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        data.put_object(Path="dropped.ts", Body=b"z" * 100_000)
    hook(base, "faults", {"rules": [{"operation": "GetObject", "fault": "drop", "rate": 1}]})
    hook(base, "faults", {"rules": []})
    data.put_object(Path="kept.ts", Body=b"k" * 1000)
    hook(base, "faults", {"rules": [{"operation": "GetObject", "fault": "drop", "rate": 1}]})
    with pytest.raises(botocore.exceptions.ResponseStreamingError):
        data.get_object(Path="kept.ts")["Body"].read()
    hook(base, "faults", {"rules": []})
    assert data.list_items()["Items"][0]["Name"] == "kept.ts"  # the dropped PUT changed nothing

    entries = hook(base, "journal")["entries"]
    since = [e for e in entries if e["seq"] > mark]
    assert [(e["operation"], e["status"], e["fault"]) for e in since[:3]] == [
        ("ListItems", 400, "ThrottlingException"),
        ("ListItems", 200, None),
        ("ListContainers", 500, "InternalServerError"),
    ]
    dropped_put = next(e for e in since if e["operation"] == "PutObject" and e["fault"] == "drop")
    assert dropped_put["write"] is True and dropped_put["container"] == "smoke" and dropped_put["path"] == "dropped.ts"
    assert set(since[0]) == set("seq time plane operation container path status write error anonymous fault".split())
    assert hook(base, f"journal?since={since[-1]['seq']}")["entries"] == []


def test_hooks(base):
    assert hook(base, "health") == {"status": "ok", "containers": 0, "objects": 0}
    assert hook(base, "config", {"create_delay": 5}) == {"create_delay": 5.0, "delete_delay": 0.0}
    control = client("mediastore", base)
    assert control.create_container(ContainerName="slow")["Container"]["Status"] == "CREATING"
    assert code_of(control.get_container_policy, ContainerName="slow")[0] == "ContainerInUseException"
    assert hook(base, "health")["containers"] == 1
    hook(base, "reset", {})
    assert hook(base, "config") == {"create_delay": 0.0, "delete_delay": 0.0}
    assert hook(base, "health")["containers"] == 0
    assert hook(base, "journal")["entries"] == []
    with pytest.raises(urllib.error.HTTPError) as info:
        hook(base, "faults", {"rules": [{"operation": "*", "fault": "explode"}]})
    assert info.value.code == 400
