"""The main flows again with the AWS CLI as a subprocess: a second client nobody here wrote."""

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conformance import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    container_arn,
    public_read_statement,
    wait_until_active,
    wait_until_gone,
)


@pytest.fixture
def aws(emulator, tmp_path):
    executable = Path(sys.executable).parent / "aws"
    if not executable.exists():
        pytest.fail(f"the AWS CLI is not installed at {executable}: .venv/bin/pip install awscli")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }

    def run(*args, endpoint=None, expect_failure=False):
        command = [str(executable), *args, "--endpoint-url", endpoint or emulator.base_url, "--output", "json"]
        # check=False: failures are asserted below, with the CLI's stderr, or expected by the caller.
        result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
        if expect_failure:
            assert result.returncode != 0, result
            return result.stderr
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else {}

    return run


def in_parallel(*calls):
    """Run independent CLI invocations at once: each costs about a second of interpreter start-up."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def test_cli_container_and_policy_flow(aws, control, tmp_path, unique_name):
    name = unique_name()
    arn = container_arn(name)
    created = aws("mediastore", "create-container", "--container-name", name, "--tags", "Key=team,Value=video")
    assert created["Container"]["Status"] == "CREATING" and "Endpoint" not in created["Container"]
    wait_until_active(control, name)

    policy = {"Version": "2012-10-17", "Statement": [public_read_statement(name)]}
    cors = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 30}]
    lifecycle = {
        "rules": [
            {
                "definition": {"path": [{"prefix": "Football/"}], "days_since_create": [{"numeric": [">", 28]}]},
                "action": "EXPIRE",
            }
        ]
    }
    for file_name, document in (("policy.json", policy), ("cors.json", cors), ("lifecycle.json", lifecycle)):
        (tmp_path / file_name).write_text(json.dumps(document))
    in_parallel(
        lambda: aws("mediastore", "put-container-policy", "--container-name", name, "--policy", "file://policy.json"),
        lambda: aws("mediastore", "put-cors-policy", "--container-name", name, "--cors-policy", "file://cors.json"),
        lambda: aws(
            "mediastore",
            "put-lifecycle-policy",
            "--container-name",
            name,
            "--lifecycle-policy",
            "file://lifecycle.json",
        ),
        lambda: aws("mediastore", "tag-resource", "--resource", arn, "--tags", "Key=env,Value=dev"),
    )

    described, listed, got_policy, got_cors, got_lifecycle, tags = in_parallel(
        lambda: aws("mediastore", "describe-container", "--container-name", name),
        lambda: aws("mediastore", "list-containers"),
        lambda: aws("mediastore", "get-container-policy", "--container-name", name),
        lambda: aws("mediastore", "get-cors-policy", "--container-name", name),
        lambda: aws("mediastore", "get-lifecycle-policy", "--container-name", name),
        lambda: aws("mediastore", "list-tags-for-resource", "--resource", arn),
    )
    assert (described["Container"]["Status"], described["Container"]["ARN"]) == ("ACTIVE", arn)
    assert described["Container"]["Endpoint"].rsplit("/", 1)[0].endswith("/data")
    assert name in [c["Name"] for c in listed["Containers"]]
    assert json.loads(got_policy["Policy"]) == policy
    assert got_cors["CorsPolicy"] == cors
    assert json.loads(got_lifecycle["LifecyclePolicy"]) == lifecycle
    assert sorted((t["Key"], t["Value"]) for t in tags["Tags"]) == [("env", "dev"), ("team", "video")]

    aws("mediastore", "delete-container", "--container-name", name)
    wait_until_gone(control, name)


def test_cli_object_flow(aws, container, tmp_path):
    endpoint = container["Endpoint"]
    body = bytes(range(256)) * 40
    (tmp_path / "file.ts").write_bytes(body)
    path = "folder/file.ts"

    put = aws(
        "mediastore-data", "put-object", "--body", "file.ts", "--path", path, "--content-type", "video/MP2T",
        endpoint=endpoint,
    )  # fmt: skip
    assert put["ContentSHA256"] == hashlib.sha256(body).hexdigest()
    assert put["StorageClass"] == "TEMPORAL"

    described, got, ranged, root, folder = in_parallel(
        lambda: aws("mediastore-data", "describe-object", "--path", path, endpoint=endpoint),
        lambda: aws("mediastore-data", "get-object", "--path", path, "out.ts", endpoint=endpoint),
        lambda: aws("mediastore-data", "get-object", "--path", path, "--range", "bytes=0-99", "part.ts",
                    endpoint=endpoint),
        lambda: aws("mediastore-data", "list-items", endpoint=endpoint),
        lambda: aws("mediastore-data", "list-items", "--path", "folder", endpoint=endpoint),
    )  # fmt: skip
    assert (described["ContentType"], int(described["ContentLength"])) == ("video/MP2T", len(body))
    assert described["ETag"] == put["ETag"]
    assert got["StatusCode"] == 200 and (tmp_path / "out.ts").read_bytes() == body
    assert ranged["StatusCode"] == 206 and ranged["ContentRange"] == f"bytes 0-99/{len(body)}"
    assert (tmp_path / "part.ts").read_bytes() == body[:100]
    assert root["Items"] == [{"Name": "folder", "Type": "FOLDER"}]
    assert [(i["Name"], i["Type"], i["ContentLength"]) for i in folder["Items"]] == [("file.ts", "OBJECT", len(body))]

    aws("mediastore-data", "delete-object", "--path", path, endpoint=endpoint)
    missing, listed = in_parallel(
        lambda: aws("mediastore-data", "describe-object", "--path", path, endpoint=endpoint, expect_failure=True),
        lambda: aws("mediastore-data", "list-items", endpoint=endpoint),
    )
    assert "404" in missing or "ObjectNotFoundException" in missing
    assert listed.get("Items", []) == []


def test_cli_reports_service_errors(aws):
    missing, invalid = in_parallel(
        lambda: aws("mediastore", "describe-container", "--container-name", "missing_one", expect_failure=True),
        lambda: aws("mediastore", "create-container", "--container-name", "bad name", expect_failure=True),
    )
    assert "ContainerNotFoundException" in missing
    assert "ValidationException" in invalid
