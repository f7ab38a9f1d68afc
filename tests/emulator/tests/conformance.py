"""Support code for the conformance suite: a real mediastore-emulator process, clients nobody here wrote
(boto3, the AWS CLI, plain http.client) and the test hooks of docs/development.md §"The local endpoint"."""

import contextlib
import http.client
import json
import re
import time
import urllib.parse

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mediastore_emulator.launcher import Emulator

ACCESS_KEY = "AKIDLOCALMEDIASTORE"
SECRET_KEY = "local-mediastore-secret"
ACCOUNT_ID = "111122223333"
REGION = "us-east-1"
NOT_ACTIVE_MESSAGE = "Container must be ACTIVE in order to perform this operation"
ENDPOINT_ID = re.compile(r"[a-z0-9]{14}")
HEX64 = re.compile(r"[0-9a-f]{64}")

# One botocore session for the whole run: its loader caches the service models, so clients are cheap.
_SESSION = boto3.session.Session()


class EmulatorProcess(Emulator):
    """The launcher's emulator with this suite's defaults (short delays) and its strict clients."""

    def __init__(self, *extra_args, create_delay=0.2, delete_delay=0.2):
        super().__init__(*extra_args, create_delay=create_delay, delete_delay=delete_delay)

    @property
    def base_url(self):
        return self.url

    def control(self, **kwargs):
        return make_client("mediastore", self.url, **kwargs)

    def data(self, endpoint, **kwargs):
        return make_client("mediastore-data", endpoint, **kwargs)


def make_client(
    service, endpoint_url, *, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, retries=None, **config
):
    """A boto3 client that shows the server's answer as it is: no retries unless asked for."""
    return _SESSION.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(
            retries=retries or {"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            **config,
        ),
    )


def raw_request(method, url, headers=None, body=None, timeout=30):
    """A plain HTTP exchange with no signature: (status, headers with lower-case names, body bytes)."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        target = parsed.path or "/"
        if parsed.query:
            target += "?" + parsed.query
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        connection.close()


def error_code_of(headers, body):
    """The error code the way botocore finds it for a REST-JSON reply: x-amzn-ErrorType first, then the body."""
    if headers.get("x-amzn-errortype"):
        return headers["x-amzn-errortype"].split(":")[0]
    try:
        document = json.loads(body)
    except ValueError:
        return None
    code = document.get("code") or document.get("Code") or document.get("__type")
    return code.split("#")[-1] if code else None


@contextlib.contextmanager
def expect_error(code, status=400, message=None):
    """Assert the block raises a botocore ClientError with this code, HTTP status and (optionally) message."""
    with pytest.raises(ClientError) as caught:
        yield caught
    error = caught.value.response["Error"]
    actual_status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert (error.get("Code"), actual_status) == (code, status), caught.value.response
    if message is not None:
        assert error.get("Message") == message, caught.value.response


def wait_until_active(control, name, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        container = control.describe_container(ContainerName=name)["Container"]
        if container["Status"] == "ACTIVE":
            return container
        assert container["Status"] == "CREATING", container
        assert time.monotonic() < deadline, f"{name} still {container['Status']} after {timeout}s"
        time.sleep(0.05)


def wait_until_gone(control, name, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        try:
            container = control.describe_container(ContainerName=name)["Container"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ContainerNotFoundException":
                return
            raise
        assert container["Status"] == "DELETING", container
        assert time.monotonic() < deadline, f"{name} still {container['Status']} after {timeout}s"
        time.sleep(0.05)


def create_active_container(control, name, **kwargs):
    control.create_container(ContainerName=name, **kwargs)
    return wait_until_active(control, name)


def container_arn(name):
    return f"arn:aws:mediastore:{REGION}:{ACCOUNT_ID}:container/{name}"


def objects_arn(name, pattern="*"):
    return f"{container_arn(name)}/{pattern}"


def policy_document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def public_read_statement(name, secure_transport="false", sid="PublicRead", pattern="*", **extra):
    statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
        "Resource": objects_arn(name, pattern),
    }
    if secure_transport is not None:
        statement["Condition"] = {"Bool": {"aws:SecureTransport": secure_transport}}
    statement.update(extra)
    return statement


def list_all_items(data, path=None, page_size=None, between_pages=None):
    """Follow NextToken to the end; returns (items, pages). between_pages(page_index) runs after each page."""
    items, pages, token = [], [], None
    for page_index in range(10000):
        kwargs = {}
        if path is not None:
            kwargs["Path"] = path
        if page_size is not None:
            kwargs["MaxResults"] = page_size
        if token:
            kwargs["NextToken"] = token
        page = data.list_items(**kwargs)
        pages.append(page["Items"])
        items.extend(page["Items"])
        token = page.get("NextToken")
        if not token:
            return items, pages
        if between_pages:
            between_pages(page_index)
    raise AssertionError("ListItems never stopped returning a NextToken")


class NonSeekableBody:
    """A body with read() only, so botocore cannot know its length and sends Transfer-Encoding: chunked."""

    def __init__(self, data, chunk=64 * 1024):
        self._data = data
        self._offset = 0
        self._chunk = chunk

    def read(self, size=-1):
        if size is None or size < 0:
            size = len(self._data) - self._offset
        size = min(size, self._chunk)
        piece = self._data[self._offset : self._offset + size]
        self._offset += len(piece)
        return piece


# --- sample policies and one valid call per container-scoped operation -----------------------------

CORS_RULES = [
    {
        "AllowedOrigins": ["https://www.example.com"],
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3000,
        "ExposeHeaders": ["ETag"],
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["Authorization"]},
]
LIFECYCLE_POLICY = json.dumps(
    {
        "rules": [
            {
                "definition": {"path": [{"prefix": "Football/"}], "days_since_create": [{"numeric": [">", 28]}]},
                "action": "EXPIRE",
            },
            {
                "definition": {"path": [{"wildcard": "live/*.ts"}], "seconds_since_create": [{"numeric": [">", 120]}]},
                "action": "EXPIRE",
            },
            {
                "definition": {"path": [{"prefix": "vod/"}], "days_since_create": [{"numeric": [">=", 30]}]},
                "action": "ARCHIVE",
            },
        ]
    },
    indent=2,
)
METRIC_POLICY = {
    "ContainerLevelMetrics": "ENABLED",
    "MetricPolicyRules": [
        {"ObjectGroup": "baseball/saturday", "ObjectGroupName": "baseballGroup"},
        {"ObjectGroup": "football/*", "ObjectGroupName": "football_2"},
    ],
}


def container_scoped_calls(name):
    """One valid call of every operation that addresses an existing container (all but Create/Describe/List),
    in an order that works when run one after the other on an ACTIVE container."""
    arn = container_arn(name)
    return {
        "PutContainerPolicy": lambda c: c.put_container_policy(
            ContainerName=name, Policy=policy_document(public_read_statement(name))
        ),
        "GetContainerPolicy": lambda c: c.get_container_policy(ContainerName=name),
        "DeleteContainerPolicy": lambda c: c.delete_container_policy(ContainerName=name),
        "PutCorsPolicy": lambda c: c.put_cors_policy(ContainerName=name, CorsPolicy=CORS_RULES),
        "GetCorsPolicy": lambda c: c.get_cors_policy(ContainerName=name),
        "DeleteCorsPolicy": lambda c: c.delete_cors_policy(ContainerName=name),
        "PutLifecyclePolicy": lambda c: c.put_lifecycle_policy(ContainerName=name, LifecyclePolicy=LIFECYCLE_POLICY),
        "GetLifecyclePolicy": lambda c: c.get_lifecycle_policy(ContainerName=name),
        "DeleteLifecyclePolicy": lambda c: c.delete_lifecycle_policy(ContainerName=name),
        "PutMetricPolicy": lambda c: c.put_metric_policy(ContainerName=name, MetricPolicy=METRIC_POLICY),
        "GetMetricPolicy": lambda c: c.get_metric_policy(ContainerName=name),
        "DeleteMetricPolicy": lambda c: c.delete_metric_policy(ContainerName=name),
        "StartAccessLogging": lambda c: c.start_access_logging(ContainerName=name),
        "StopAccessLogging": lambda c: c.stop_access_logging(ContainerName=name),
        "TagResource": lambda c: c.tag_resource(Resource=arn, Tags=[{"Key": "team", "Value": "video"}]),
        "UntagResource": lambda c: c.untag_resource(Resource=arn, TagKeys=["team"]),
        "ListTagsForResource": lambda c: c.list_tags_for_resource(Resource=arn),
        "DeleteContainer": lambda c: c.delete_container(ContainerName=name),
    }
