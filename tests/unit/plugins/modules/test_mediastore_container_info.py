# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_container_info's reads against botocore's Stubber (only queued calls are answered)."""

import datetime
import json

import pytest

from ansible_collections.elemental.mediastore.plugins.modules.mediastore_container_info import describe_one, list_all

NAME = "live_origin"
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
CREATED = datetime.datetime(2026, 11, 21, 19, 30, tzinfo=datetime.timezone.utc)


def container(name=NAME, status="ACTIVE"):
    described = {
        "Name": name,
        "ARN": f"arn:aws:mediastore:us-east-1:111122223333:container/{name}",
        "Status": status,
        "CreationTime": CREATED,
        "AccessLoggingEnabled": False,
    }
    if status == "ACTIVE":
        described["Endpoint"] = f"http://127.0.0.1:4599/data/{name[:14]:0<14}"
    return described


def test_missing_container_is_an_empty_list(control):
    clients, stubber = control
    stubber.add_client_error("describe_container", "ContainerNotFoundException")
    assert describe_one(clients, NAME) == []


def test_one_container_in_full(control):
    clients, stubber = control
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow"}]}
    lifecycle = {"rules": [{"definition": {"path": [{"wildcard": "*"}]}, "action": "EXPIRE"}]}
    stubber.add_response("describe_container", {"Container": container()}, {"ContainerName": NAME})
    stubber.add_response("list_tags_for_resource", {"Tags": [{"Key": "team", "Value": "video"}]}, {"Resource": ARN})
    stubber.add_response("get_container_policy", {"Policy": json.dumps(policy)}, {"ContainerName": NAME})
    stubber.add_response(
        "get_cors_policy",
        {"CorsPolicy": [{"AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]},
        {"ContainerName": NAME},
    )
    stubber.add_response("get_lifecycle_policy", {"LifecyclePolicy": json.dumps(lifecycle)}, {"ContainerName": NAME})
    stubber.add_response(
        "get_metric_policy",
        {
            "MetricPolicy": {
                "ContainerLevelMetrics": "ENABLED",
                "MetricPolicyRules": [{"ObjectGroup": "a", "ObjectGroupName": "a"}],
            }
        },
        {"ContainerName": NAME},
    )
    [described] = describe_one(clients, NAME)
    assert described == {
        "arn": ARN,
        "name": NAME,
        "endpoint": container()["Endpoint"],
        "status": "ACTIVE",
        "creation_time": "2026-11-21T19:30:00+00:00",
        "access_logging_enabled": False,
        "tags": {"team": "video"},
        "policy": policy,
        # The same view of the rules as mediastore_cors returns: every key, unset ones empty or null.
        "cors_policy": [
            {
                "allowed_origins": ["*"],
                "allowed_methods": [],
                "allowed_headers": ["*"],
                "expose_headers": [],
                "max_age_seconds": 3000,
            }
        ],
        "lifecycle_policy": lifecycle,
        "metric_policy": {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [{"object_group": "a", "object_group_name": "a"}],
        },
    }


def test_absent_policies_are_none(control):
    clients, stubber = control
    stubber.add_response("describe_container", {"Container": container()}, {"ContainerName": NAME})
    stubber.add_response("list_tags_for_resource", {}, {"Resource": ARN})
    stubber.add_client_error("get_container_policy", "PolicyNotFoundException")
    stubber.add_client_error("get_cors_policy", "CorsPolicyNotFoundException")
    stubber.add_client_error("get_lifecycle_policy", "PolicyNotFoundException")
    stubber.add_client_error("get_metric_policy", "PolicyNotFoundException")
    [described] = describe_one(clients, NAME)
    assert described["tags"] == {}
    assert [described[key] for key in ("policy", "cors_policy", "lifecycle_policy", "metric_policy")] == [None] * 4


@pytest.mark.parametrize("status", ["CREATING", "DELETING"])
def test_a_container_that_is_not_active_is_described_without_policy_calls(control, status):
    clients, stubber = control
    stubber.add_response("describe_container", {"Container": container(status=status)}, {"ContainerName": NAME})
    [described] = describe_one(clients, NAME)
    assert described["status"] == status
    assert described["endpoint"] is None
    assert described["tags"] is None
    assert described["policy"] is None


def test_list_follows_next_token_to_the_end(control):
    clients, stubber = control
    first = [container(f"c{index:03d}") for index in range(100)]
    second = [container("last")]
    stubber.add_response("list_containers", {"Containers": first, "NextToken": "page2"}, {"MaxResults": 100})
    stubber.add_response("list_containers", {"Containers": second}, {"MaxResults": 100, "NextToken": "page2"})
    listed = list_all(clients)
    assert [item["name"] for item in listed] == [f"c{index:03d}" for index in range(100)] + ["last"]
    assert set(listed[0]) == {"arn", "name", "endpoint", "status", "creation_time", "access_logging_enabled"}


def test_list_of_no_containers(control):
    clients, stubber = control
    stubber.add_response("list_containers", {"Containers": []}, {"MaxResults": 100})
    assert list_all(clients) == []
