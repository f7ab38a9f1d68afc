"""The process: ready line, signals, and a --state-dir that survives a clean stop and a SIGKILL mid-upload."""

import hashlib
import queue
import re
import signal
import threading
import time

import pytest
from botocore.exceptions import BotoCoreError, ClientError
from conformance import (
    container_arn,
    create_active_container,
    expect_error,
    list_all_items,
    make_client,
    policy_document,
    public_read_statement,
    wait_until_active,
)

CORS = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 30}]
LIFECYCLE = '{"rules": [{"definition": {"path": [{"prefix": "old/"}], "days_since_create": [{"numeric": [">", 9]}]}, "action": "EXPIRE"}]}'  # noqa: E501
METRIC = {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [{"ObjectGroup": "a/*", "ObjectGroupName": "a"}]}


def _remaining_stdout(process):
    lines = []
    while True:
        try:
            line = process.stdout_lines.get(timeout=5)
        except queue.Empty:
            return lines + ["<no EOF>"]
        if line is None:
            return lines
        lines.append(line)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_ready_line_then_exit_zero_on_signal(start_emulator, sig):
    process = start_emulator()
    assert re.fullmatch(r"mediastore-emulator listening on http://127\.0\.0\.1:[1-9][0-9]*", process.ready_line)
    assert process.port != 0
    process.control().list_containers()
    assert process.stop(sig) == 0, process.stderr_text()
    assert _remaining_stdout(process) == [], "the ready line must be the only line on stdout"


def _fill(control, data, name):
    control.put_container_policy(ContainerName=name, Policy=policy_document(public_read_statement(name)))
    control.put_cors_policy(ContainerName=name, CorsPolicy=CORS)
    control.put_lifecycle_policy(ContainerName=name, LifecyclePolicy=LIFECYCLE)
    control.put_metric_policy(ContainerName=name, MetricPolicy=METRIC)
    control.start_access_logging(ContainerName=name)
    control.tag_resource(Resource=container_arn(name), Tags=[{"Key": "env", "Value": "test"}])
    objects = {
        "a/b/c.ts": (b"segment" * 100, "video/MP2T", "max-age=5"),
        "index.m3u8": (b"#EXTM3U\n", "application/x-mpegURL", None),
        "gone.ts": (b"deleted before stop", "video/MP2T", None),
    }
    for path, (body, content_type, cache_control) in objects.items():
        extra = {"CacheControl": cache_control} if cache_control else {}
        data.put_object(Path=path, Body=body, ContentType=content_type, **extra)
    data.delete_object(Path="gone.ts")
    del objects["gone.ts"]
    return objects


def _snapshot(process, name):
    control = process.control()
    container = control.describe_container(ContainerName=name)["Container"]
    data = process.data(container["Endpoint"])
    objects = {}
    for path in ("a/b/c.ts", "index.m3u8"):
        got = data.get_object(Path=path)
        objects[path] = {
            "body": got["Body"].read(),
            **{k: got.get(k) for k in ("ContentType", "CacheControl", "ETag", "LastModified", "ContentLength")},
        }
    return {
        "container": {k: v for k, v in container.items() if k != "Endpoint"},
        "endpoint_id": container["Endpoint"].rsplit("/", 1)[-1],
        "endpoint_base": container["Endpoint"].rsplit("/data/", 1)[0],
        "policy": control.get_container_policy(ContainerName=name)["Policy"],
        "cors": control.get_cors_policy(ContainerName=name)["CorsPolicy"],
        "lifecycle": control.get_lifecycle_policy(ContainerName=name)["LifecyclePolicy"],
        "metric": control.get_metric_policy(ContainerName=name)["MetricPolicy"],
        "tags": control.list_tags_for_resource(Resource=container_arn(name))["Tags"],
        "objects": objects,
        "root": sorted(i["Name"] for i in data.list_items()["Items"]),
        "health": process.health(),
    }


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_state_dir_survives_a_clean_stop(start_emulator, tmp_path, sig):
    state_dir = str(tmp_path / "state")
    first = start_emulator("--state-dir", state_dir)
    control = first.control()
    name = "persisted"
    described = create_active_container(control, name)
    objects = _fill(control, first.data(described["Endpoint"]), name)
    create_active_container(control, "empty_one")
    before = _snapshot(first, name)
    assert first.stop(sig) == 0, first.stderr_text()

    second = start_emulator("--state-dir", state_dir)
    after = _snapshot(second, name)

    assert after["endpoint_base"] == second.base_url
    assert {k: v for k, v in after.items() if k != "endpoint_base"} == {
        k: v for k, v in before.items() if k != "endpoint_base"
    }
    assert after["container"]["AccessLoggingEnabled"] is True
    assert {p: o["body"] for p, o in after["objects"].items()} == {p: o[0] for p, o in objects.items()}
    assert sorted(c["Name"] for c in second.control().list_containers()["Containers"]) == ["empty_one", name]
    assert after["root"] == ["a", "index.m3u8"]


def _version(worker, number):
    """A body whose size and bytes both identify one upload, so a torn or mixed write cannot pass as whole."""
    seed = hashlib.sha256(f"{worker}-{number}".encode()).digest()
    return seed * (1024 + (number * 37) % 4096)


def test_sigkill_during_uploads_leaves_only_whole_objects(start_emulator, tmp_path):
    state_dir = str(tmp_path / "state")
    first = start_emulator("--state-dir", state_dir)
    name = "crash"
    endpoint = create_active_container(first.control(), name)["Endpoint"]

    attempted, acknowledged, lock = {}, {}, threading.Lock()
    stop = threading.Event()

    def upload(worker):
        client = first.data(endpoint)
        for number in range(2000):
            if stop.is_set():
                return
            path = f"w{worker}/obj{number % 6}.bin"
            body = _version(worker, number)
            with lock:
                attempted.setdefault(path, set()).add(hashlib.sha256(body).hexdigest())
            try:
                client.put_object(Path=path, Body=body)
            except (BotoCoreError, ClientError, OSError):
                return
            with lock:
                acknowledged[path] = acknowledged.get(path, 0) + 1

    workers = [threading.Thread(target=upload, args=(w,)) for w in range(3)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 30
    while sum(acknowledged.values()) < 60 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.stop(signal.SIGKILL)
    stop.set()
    for worker in workers:
        worker.join(timeout=30)
    assert sum(acknowledged.values()) >= 60, "the uploads never got going"

    second = start_emulator("--state-dir", state_dir)
    data = second.data(second.control().describe_container(ContainerName=name)["Container"]["Endpoint"])
    stored = {}
    for folder in ("w0", "w1", "w2"):
        items, _pages = list_all_items(data, path=folder)
        for item in items:
            path = f"{folder}/{item['Name']}"
            body = data.get_object(Path=path)["Body"].read()
            assert item["ContentLength"] == len(body), path
            stored[path] = hashlib.sha256(body).hexdigest()

    assert set(acknowledged) <= set(stored), f"acknowledged uploads lost: {sorted(set(acknowledged) - set(stored))}"
    torn = {path: digest for path, digest in stored.items() if digest not in attempted.get(path, set())}
    assert not torn, f"objects that match no uploaded version: {torn}"


def test_command_line_identity_options(start_emulator, unique_name):
    process = start_emulator(
        "--account-id", "444455556666", "--region", "eu-west-1", "--access-key", "AKIDOTHERLOCALKEY000",
        "--secret-key", "other-secret", "--public-url", "http://media.example.test:8080",
    )  # fmt: skip
    with expect_error("UnrecognizedClientException", 403):
        process.control().list_containers()
    control = make_client("mediastore", process.base_url, access_key="AKIDOTHERLOCALKEY000", secret_key="other-secret")
    name = unique_name()
    created = control.create_container(ContainerName=name)["Container"]
    assert created["ARN"] == f"arn:aws:mediastore:eu-west-1:444455556666:container/{name}"
    endpoint = wait_until_active(control, name)["Endpoint"]
    assert re.fullmatch(r"http://media\.example\.test:8080/data/[a-z0-9]{14}", endpoint), endpoint
