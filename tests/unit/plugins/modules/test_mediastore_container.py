# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_container's read/compare/apply paths against botocore's Stubber.

The Stubber answers only the calls queued for it, in order; any other call fails the test. So a test
that queues no write response proves the module made no write.
"""

import datetime
import json

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreServiceError
from ansible_collections.elemental.mediastore.plugins.modules import mediastore_container
from ansible_collections.elemental.mediastore.plugins.modules.mediastore_container import Container, desired_state

NAME = "live_origin"
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"  # conftest.DATA_ENDPOINT
CREATED = datetime.datetime(2026, 11, 21, 19, 30, tzinfo=datetime.timezone.utc)
ACTIVE = {
    "Name": NAME,
    "ARN": ARN,
    "Endpoint": ENDPOINT,
    "Status": "ACTIVE",
    "CreationTime": CREATED,
    "AccessLoggingEnabled": False,
}
LIFECYCLE = {
    "rules": [
        {
            "definition": {"path": [{"prefix": "live/"}], "days_since_create": [{"numeric": [">", 7]}]},
            "action": "EXPIRE",
        }
    ]
}
METRIC_RULES = [{"ObjectGroup": "a/*", "ObjectGroupName": "a"}, {"ObjectGroup": "b/*", "ObjectGroupName": "b"}]


def params(**overrides):
    base = {
        "name": NAME,
        "state": "present",
        "tags": None,
        "purge_tags": True,
        "access_logging": None,
        "lifecycle_policy": None,
        "metric_policy": None,
        "force": False,
        "wait": True,
        "wait_timeout": 300,
    }
    base.update(overrides)
    return base


class FakeModule:
    """What Container uses of MediaStoreModule: params and check_mode."""

    def __init__(self, check_mode=False, **overrides):
        self.params = params(**overrides)
        self.check_mode = check_mode


def container_desired(module):
    desired, problems = desired_state(module.params)
    assert problems == []
    return desired


def queue_missing(stubber):
    stubber.add_client_error(
        "describe_container", "ContainerNotFoundException", expected_params={"ContainerName": NAME}
    )


def queue_reads(stubber, container=None, tags=(), lifecycle=None, metric=None):
    stubber.add_response("describe_container", {"Container": container or ACTIVE}, {"ContainerName": NAME})
    # The model's TagList has at least one entry: a container without tags answers without the key.
    stubber.add_response("list_tags_for_resource", {"Tags": list(tags)} if tags else {}, {"Resource": ARN})
    if lifecycle is None:
        stubber.add_client_error("get_lifecycle_policy", "PolicyNotFoundException")
    else:
        stubber.add_response("get_lifecycle_policy", {"LifecyclePolicy": lifecycle}, {"ContainerName": NAME})
    if metric is None:
        stubber.add_client_error("get_metric_policy", "PolicyNotFoundException")
    else:
        stubber.add_response("get_metric_policy", {"MetricPolicy": metric}, {"ContainerName": NAME})


# ---------------------------------------------------------------------------------------------- check mode


def test_check_mode_on_a_missing_container_creates_nothing_and_reports_the_would_be_state(control):
    clients, stubber = control
    queue_missing(stubber)  # the only response queued: any write would fail the test
    module = FakeModule(
        check_mode=True,
        tags={"team": "video"},
        access_logging=True,
        lifecycle_policy=json.dumps(LIFECYCLE),
        metric_policy=json.dumps({"container_level_metrics": "ENABLED"}),
    )
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "name": NAME,
        "access_logging_enabled": True,
        "tags": {"team": "video"},
        "lifecycle_policy": LIFECYCLE,
        "metric_policy": {"container_level_metrics": "ENABLED"},
    }
    assert result["container"]["arn"] is None
    assert result["container"]["endpoint"] is None


def test_check_mode_reports_drift_with_reads_only(control):
    clients, stubber = control
    queue_reads(
        stubber,
        tags=[{"Key": "team", "Value": "video"}, {"Key": "stale", "Value": "x"}],
        lifecycle=json.dumps(LIFECYCLE),
        metric={"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": METRIC_RULES},
    )
    module = FakeModule(
        check_mode=True,
        tags={"team": "video"},
        access_logging=True,
        lifecycle_policy="",
        metric_policy=json.dumps({"container_level_metrics": "DISABLED"}),
    )
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is True
    assert result["diff"]["before"] == {
        "name": NAME,
        "access_logging_enabled": False,
        "tags": {"team": "video", "stale": "x"},
        "lifecycle_policy": LIFECYCLE,
        "metric_policy": {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [
                {"object_group": "a/*", "object_group_name": "a"},
                {"object_group": "b/*", "object_group_name": "b"},
            ],
        },
    }
    assert result["diff"]["after"] == {
        "name": NAME,
        "access_logging_enabled": True,
        "tags": {"team": "video"},
        "lifecycle_policy": None,
        "metric_policy": {"container_level_metrics": "DISABLED"},
    }
    assert result["container"]["endpoint"] == ENDPOINT
    assert result["container"]["creation_time"] == "2026-11-21T19:30:00+00:00"


def test_check_mode_absent_reads_emptiness_but_deletes_nothing(control, data):
    clients, stubber = control
    _data_plane, data_stubber = data
    queue_reads(stubber)
    data_stubber.add_response("list_items", {"Items": []}, {"MaxResults": 1})
    module = FakeModule(check_mode=True, state="absent")
    result = Container(module, clients).absent(force=False)
    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["name"] == NAME
    assert result["container"] == {}


# ---------------------------------------------------------------------------------------------- idempotence


def test_matching_state_makes_no_write(control):
    clients, stubber = control
    queue_reads(
        stubber,
        container=dict(ACTIVE, AccessLoggingEnabled=True),
        tags=[{"Key": "team", "Value": "video"}],
        lifecycle=json.dumps(LIFECYCLE, indent=4),  # other spacing and key order: not a change
        metric={"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": METRIC_RULES},
    )
    module = FakeModule(
        tags={"team": "video"},
        access_logging=True,
        lifecycle_policy=json.dumps(LIFECYCLE, sort_keys=True),
        # the same rules in the other order, in snake_case
        metric_policy=json.dumps(
            {
                "container_level_metrics": "ENABLED",
                "metric_policy_rules": [
                    {"object_group": "b/*", "object_group_name": "b"},
                    {"object_group": "a/*", "object_group_name": "a"},
                ],
            }
        ),
    )
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_unset_options_leave_everything_alone(control):
    clients, stubber = control
    queue_reads(stubber, tags=[{"Key": "team", "Value": "video"}], lifecycle=json.dumps(LIFECYCLE))
    module = FakeModule()
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is False
    assert result["container"]["tags"] == {"team": "video"}
    assert result["container"]["lifecycle_policy"] == LIFECYCLE


def test_removing_an_absent_policy_is_not_a_change(control):
    clients, stubber = control
    queue_reads(stubber)
    module = FakeModule(lifecycle_policy="{}", metric_policy="")
    assert Container(module, clients).present(container_desired(module))["changed"] is False


# ---------------------------------------------------------------------------------------------- applying


def test_tags_are_untagged_then_merged(control):
    clients, stubber = control
    queue_reads(stubber, tags=[{"Key": "team", "Value": "video"}, {"Key": "stale", "Value": "x"}])
    stubber.add_response("untag_resource", {}, {"Resource": ARN, "TagKeys": ["stale"]})
    stubber.add_response("tag_resource", {}, {"Resource": ARN, "Tags": [{"Key": "team", "Value": "audio"}]})
    module = FakeModule(tags={"team": "audio"})
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is True
    assert result["container"]["tags"] == {"team": "audio"}


def test_purge_tags_false_only_adds(control):
    clients, stubber = control
    queue_reads(stubber, tags=[{"Key": "stale", "Value": "x"}])
    stubber.add_response("tag_resource", {}, {"Resource": ARN, "Tags": [{"Key": "n", "Value": "1"}]})
    module = FakeModule(tags={"n": 1}, purge_tags=False)
    result = Container(module, clients).present(container_desired(module))
    assert result["container"]["tags"] == {"stale": "x", "n": "1"}


def test_policies_and_logging_are_applied_with_minimal_calls(control):
    clients, stubber = control
    queue_reads(stubber, lifecycle=json.dumps(LIFECYCLE), metric={"ContainerLevelMetrics": "ENABLED"})
    stubber.add_response("start_access_logging", {}, {"ContainerName": NAME})
    stubber.add_response("delete_lifecycle_policy", {}, {"ContainerName": NAME})
    stubber.add_response(
        "put_metric_policy",
        {},
        {
            "ContainerName": NAME,
            "MetricPolicy": {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": METRIC_RULES},
        },
    )
    module = FakeModule(
        access_logging=True,
        lifecycle_policy="",
        metric_policy=json.dumps({"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": METRIC_RULES}),
    )
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is True
    assert result["container"]["access_logging_enabled"] is True
    assert result["container"]["lifecycle_policy"] is None


def test_lifecycle_policy_is_sent_as_compact_json(control):
    clients, stubber = control
    queue_reads(stubber)
    stubber.add_response(
        "put_lifecycle_policy",
        {},
        {"ContainerName": NAME, "LifecyclePolicy": json.dumps(LIFECYCLE, separators=(",", ":"), sort_keys=True)},
    )
    module = FakeModule(lifecycle_policy=json.dumps(LIFECYCLE, indent=2))
    assert Container(module, clients).present(container_desired(module))["changed"] is True


def test_create_without_wait_passes_tags_and_does_not_poll(control):
    clients, stubber = control
    queue_missing(stubber)
    creating = {"Name": NAME, "ARN": ARN, "Status": "CREATING", "CreationTime": CREATED, "AccessLoggingEnabled": False}
    stubber.add_response(
        "create_container",
        {"Container": creating},
        {"ContainerName": NAME, "Tags": [{"Key": "team", "Value": "video"}]},
    )
    module = FakeModule(tags={"team": "video"}, wait=False)
    result = Container(module, clients).present(container_desired(module))
    assert result["changed"] is True
    assert result["container"]["status"] == "CREATING"
    assert result["container"]["endpoint"] is None
    assert result["container"]["tags"] == {"team": "video"}
    assert result["diff"]["before"] == {}


# ---------------------------------------------------------------------------------------------- state=absent


def test_absent_on_a_missing_container_is_unchanged_without_writes(control):
    clients, stubber = control
    queue_missing(stubber)
    result = Container(FakeModule(state="absent"), clients).absent(force=False)
    assert result == {"changed": False, "container": {}, "diff": {"before": {}, "after": {}}}


def test_absent_on_a_container_with_objects_fails_naming_force(control, data):
    clients, stubber = control
    _data_plane, data_stubber = data
    queue_reads(stubber)
    data_stubber.add_response("list_items", {"Items": [{"Name": "live", "Type": "FOLDER"}]}, {"MaxResults": 1})
    with pytest.raises(MediaStoreServiceError, match="force: true"):
        Container(FakeModule(state="absent"), clients).absent(force=False)


def test_delete_refused_as_in_use_names_force(control, data):
    clients, stubber = control
    _data_plane, data_stubber = data
    queue_reads(stubber)
    data_stubber.add_response("list_items", {"Items": []}, {"MaxResults": 1})
    stubber.add_client_error("delete_container", "ContainerInUseException", expected_params={"ContainerName": NAME})
    with pytest.raises(MediaStoreServiceError, match="not empty.*force: true"):
        Container(FakeModule(state="absent", wait=False), clients).absent(force=False)


def test_force_deletes_every_object_then_the_container(control, data):
    clients, stubber = control
    _data_plane, data_stubber = data
    queue_reads(stubber)
    data_stubber.add_response("list_items", {"Items": [{"Name": "a.ts", "Type": "OBJECT"}]}, {"MaxResults": 1000})
    data_stubber.add_response("delete_object", {}, {"Path": "a.ts"})
    data_stubber.add_response("list_items", {"Items": []}, {"MaxResults": 1000})
    stubber.add_response("delete_container", {}, {"ContainerName": NAME})
    result = Container(FakeModule(state="absent", wait=False), clients).absent(force=True)
    assert result["changed"] is True
    assert result["deleted_objects"] == 1


# ---------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"name": "live origin"}, "name: 'live origin' is not a valid container name"),
        ({"name": "x" * 256}, "name: a container name has at most 255 characters"),
        ({"tags": {f"k{index}": "v" for index in range(51)}}, "tags: a container has at most 50 tags"),
        ({"tags": {"aws:x": "v"}}, "tags: tag key 'aws:x' uses the prefix 'aws:'"),
        ({"lifecycle_policy": "{not json"}, "lifecycle_policy: not valid JSON"),
        ({"lifecycle_policy": "[]"}, "lifecycle_policy: must be a JSON object"),
        ({"lifecycle_policy": json.dumps({"rules": [{"action": "EXPIRE"}]})}, "lifecycle_policy: rules[0].definition"),
        ({"metric_policy": json.dumps({"container_level_metrics": "ON"})}, "metric_policy.container_level_metrics"),
        ({"wait_timeout": -1}, "wait_timeout: must be 0 or more seconds"),
        ({"tags": {"team\r\nx": "v"}}, "tags: tag key"),
        ({"tags": {"team": "a\nb"}}, "tags: the value of tag 'team' is not valid"),
        ({"tags": {"team": "a\x7f"}}, "tags: the value of tag 'team' is not valid"),
        ({"state": "absent", "tags": {"team": "x"}}, "tags: does not apply with state=absent"),
        ({"state": "absent", "access_logging": False}, "access_logging: does not apply with state=absent"),
        ({"state": "absent", "lifecycle_policy": {}}, "lifecycle_policy: does not apply with state=absent"),
        ({"state": "absent", "metric_policy": "{}"}, "metric_policy: does not apply with state=absent"),
        ({"force": True}, "force: applies to state=absent only"),
    ],
)
def test_bad_input_is_reported_naming_the_option(overrides, fragment):
    problems = desired_state(params(**overrides))[1]
    assert len(problems) == 1, problems
    assert fragment in problems[0]


def test_state_absent_with_force_and_the_defaults_is_accepted():
    assert desired_state(params(state="absent", force=True))[1] == []


def test_main_fails_on_bad_input_before_creating_a_client(monkeypatch):
    class Stop(Exception):
        pass

    class Module:
        def __init__(self, **kwargs):
            self.params = params(name="bad name", tags={"aws:x": "y"})

        def fail_json(self, msg):
            raise Stop(msg)

        def clients(self):
            raise AssertionError("a client was created")

    monkeypatch.setattr(mediastore_container, "MediaStoreModule", Module)
    with pytest.raises(Stop) as failure:
        mediastore_container.main()
    assert "name: 'bad name'" in str(failure.value)
    assert "tags: tag key 'aws:x'" in str(failure.value)
