"""Control plane: all 21 operations over JSON 1.1 with boto3, their happy paths and every modelled error."""

import datetime
import json
import re
import time

import pytest
from botocore.exceptions import ClientError
from conformance import (
    ACCOUNT_ID,
    CORS_RULES,
    ENDPOINT_ID,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    NOT_ACTIVE_MESSAGE,
    container_arn,
    container_scoped_calls,
    create_active_container,
    expect_error,
    objects_arn,
    policy_document,
    public_read_statement,
    wait_until_active,
    wait_until_gone,
)

CONTAINER_SCOPED_OPERATIONS = sorted(container_scoped_calls("x"))


# --- container lifecycle -----------------------------------------------------------------------------


def test_create_is_creating_without_endpoint_then_active_with_endpoint(emulator, control, unique_name):
    emulator.set_config(create_delay=1)  # long enough to observe CREATING on a busy machine
    name = unique_name()
    before = datetime.datetime.now(datetime.UTC)
    created = control.create_container(ContainerName=name)["Container"]

    assert created["Status"] == "CREATING"
    assert "Endpoint" not in created
    assert created["Name"] == name
    assert created["ARN"] == f"arn:aws:mediastore:us-east-1:{ACCOUNT_ID}:container/{name}"
    assert created["AccessLoggingEnabled"] is False
    assert abs((created["CreationTime"] - before).total_seconds()) < 60
    creating = control.describe_container(ContainerName=name)["Container"]
    assert creating["Status"] == "CREATING" and "Endpoint" not in creating, creating

    active = wait_until_active(control, name)
    assert re.fullmatch(re.escape(emulator.base_url) + r"/data/[a-z0-9]{14}", active["Endpoint"]), active
    assert active["ARN"] == created["ARN"]
    assert active["CreationTime"] == created["CreationTime"]
    assert active["AccessLoggingEnabled"] is False
    # The endpoint is assigned once and never changes.
    assert control.describe_container(ContainerName=name)["Container"]["Endpoint"] == active["Endpoint"]


def test_creation_time_is_epoch_seconds_on_the_wire(control, unique_name):
    name = unique_name()
    control.create_container(ContainerName=name)
    raw_bodies = []
    control.meta.events.register(
        "before-parse.mediastore.DescribeContainer", lambda response_dict, **_: raw_bodies.append(response_dict["body"])
    )
    control.describe_container(ContainerName=name)
    creation_time = json.loads(raw_bodies[0])["Container"]["CreationTime"]
    assert isinstance(creation_time, (int, float)) and abs(creation_time - time.time()) < 60


def test_each_container_gets_its_own_endpoint(emulator, control, unique_name):
    endpoints = {create_active_container(control, unique_name(str(i)))["Endpoint"] for i in range(3)}
    assert len(endpoints) == 3
    assert all(ENDPOINT_ID.fullmatch(endpoint.rsplit("/", 1)[-1]) for endpoint in endpoints)


def test_delete_goes_through_deleting_then_not_found(emulator, control, unique_name):
    name = unique_name()
    create_active_container(control, name)
    emulator.set_config(delete_delay=1)  # long enough to observe DELETING on a busy machine
    control.delete_container(ContainerName=name)

    assert control.describe_container(ContainerName=name)["Container"]["Status"] == "DELETING"
    wait_until_gone(control, name)
    with expect_error("ContainerNotFoundException"):
        control.describe_container(ContainerName=name)
    assert name not in [c["Name"] for c in control.list_containers()["Containers"]]
    # The name is free again once the container is gone.
    create_active_container(control, name)


def test_duplicate_name_is_container_in_use_while_creating_and_active(emulator, control, unique_name):
    emulator.set_config(create_delay=1)
    name = unique_name()
    control.create_container(ContainerName=name)
    with expect_error("ContainerInUseException"):
        control.create_container(ContainerName=name)
    wait_until_active(control, name)
    with expect_error("ContainerInUseException"):
        control.create_container(ContainerName=name)


def test_delete_of_non_empty_container_is_container_in_use(control, container):
    container["data"].put_object(Path="a/b.ts", Body=b"x")
    with expect_error("ContainerInUseException"):
        control.delete_container(ContainerName=container["Name"])
    assert control.describe_container(ContainerName=container["Name"])["Container"]["Status"] == "ACTIVE"

    container["data"].delete_object(Path="a/b.ts")
    control.delete_container(ContainerName=container["Name"])
    wait_until_gone(control, container["Name"])


@pytest.mark.parametrize("operation", CONTAINER_SCOPED_OPERATIONS)
def test_every_operation_on_a_creating_container_is_refused(emulator, control, unique_name, operation):
    emulator.set_config(create_delay=60)
    name = unique_name()
    control.create_container(ContainerName=name)
    with expect_error("ContainerInUseException", message=NOT_ACTIVE_MESSAGE):
        container_scoped_calls(name)[operation](control)
    assert control.describe_container(ContainerName=name)["Container"]["Status"] == "CREATING"


@pytest.mark.parametrize("operation", [op for op in CONTAINER_SCOPED_OPERATIONS if op != "DeleteContainer"])
def test_every_operation_on_a_deleting_container_is_refused(emulator, control, unique_name, operation):
    name = unique_name()
    create_active_container(control, name)
    emulator.set_config(delete_delay=60)
    control.delete_container(ContainerName=name)
    with expect_error("ContainerInUseException", message=NOT_ACTIVE_MESSAGE):
        container_scoped_calls(name)[operation](control)
    assert control.describe_container(ContainerName=name)["Container"]["Status"] == "DELETING"


@pytest.mark.parametrize("operation", CONTAINER_SCOPED_OPERATIONS + ["DescribeContainer"])
def test_every_operation_on_a_missing_container_is_container_not_found(control, unique_name, operation):
    name = unique_name()
    calls = container_scoped_calls(name)
    calls["DescribeContainer"] = lambda c: c.describe_container(ContainerName=name)
    with expect_error("ContainerNotFoundException"):
        calls[operation](control)


def test_101st_container_is_limit_exceeded(control, unique_name):
    names = [f"limit_{i:03d}" for i in range(100)]
    for name in names:
        control.create_container(ContainerName=name)
    with expect_error("LimitExceededException"):
        control.create_container(ContainerName=unique_name())
    listed = control.list_containers()["Containers"]
    assert sorted(c["Name"] for c in listed) == names


@pytest.mark.parametrize("name", ["a", "A-b_9", "x" * 255])
def test_valid_container_names_are_accepted(control, name):
    assert control.create_container(ContainerName=name)["Container"]["Name"] == name


@pytest.mark.parametrize("name", ["has space", "x" * 256, "bang!", "dot.ted", "slash/ed"])
def test_invalid_container_names_are_validation_errors(control, name):
    with expect_error("ValidationException"):
        control.create_container(ContainerName=name)
    assert control.list_containers()["Containers"] == []


# --- ListContainers ----------------------------------------------------------------------------------


def test_list_containers_pages_with_max_results(control):
    names = sorted(f"page_{i}" for i in range(5))
    for name in names:
        control.create_container(ContainerName=name)

    everything = control.list_containers()
    assert "NextToken" not in everything
    assert sorted(c["Name"] for c in everything["Containers"]) == names

    seen, sizes, token = [], [], None
    for _page_number in range(10):
        page = control.list_containers(MaxResults=2, **({"NextToken": token} if token else {}))
        sizes.append(len(page["Containers"]))
        seen.extend(c["Name"] for c in page["Containers"])
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [2, 2, 1]
    assert sorted(seen) == names

    assert "NextToken" not in control.list_containers(MaxResults=5)
    paginated = control.get_paginator("list_containers").paginate(PaginationConfig={"PageSize": 3})
    assert sorted(c["Name"] for page in paginated for c in page["Containers"]) == names


def test_list_containers_shows_endpoint_only_once_active(emulator, control, unique_name):
    emulator.set_config(create_delay=1)
    name = unique_name()
    control.create_container(ContainerName=name)
    listed = {c["Name"]: c for c in control.list_containers()["Containers"]}
    assert listed[name]["Status"] == "CREATING" and "Endpoint" not in listed[name]
    active = wait_until_active(control, name)
    listed = {c["Name"]: c for c in control.list_containers()["Containers"]}
    assert listed[name] == active


@pytest.mark.parametrize("max_results", [0, 101, 1000])
def test_list_containers_max_results_out_of_range(emulator, max_results):
    unchecked = emulator.control(parameter_validation=False)
    with expect_error("ValidationException"):
        unchecked.list_containers(MaxResults=max_results)


# --- container policy --------------------------------------------------------------------------------


def test_default_container_policy_is_attached_and_reattached(control, container):
    name = container["Name"]
    default = control.get_container_policy(ContainerName=name)["Policy"]
    document = json.loads(default)
    assert document["Statement"], document
    assert ACCOUNT_ID in default
    assert all(s["Resource"].startswith(container_arn(name)) for s in document["Statement"]), document

    custom = policy_document(public_read_statement(name))
    control.put_container_policy(ContainerName=name, Policy=custom)
    assert control.get_container_policy(ContainerName=name)["Policy"] == custom

    control.delete_container_policy(ContainerName=name)
    assert json.loads(control.get_container_policy(ContainerName=name)["Policy"]) == document


def test_container_policy_round_trips_verbatim_and_put_replaces(control, container):
    name = container["Name"]
    first = json.dumps(json.loads(policy_document(public_read_statement(name))), indent=4)
    control.put_container_policy(ContainerName=name, Policy=first)
    assert control.get_container_policy(ContainerName=name)["Policy"] == first

    second = policy_document(public_read_statement(name, secure_transport=None, sid="Other"))
    control.put_container_policy(ContainerName=name, Policy=second)
    assert control.get_container_policy(ContainerName=name)["Policy"] == second


def _policy_with_padding(name, size):
    statement = public_read_statement(name, sid="S")
    base = len(policy_document(statement))
    statement["Sid"] = "S" * (size - base + 1)
    return policy_document(statement)


INVALID_CONTAINER_POLICIES = {
    "invalid_json": lambda name: '{"Version": "2012-10-17", "Statement": [',
    "non_ascii": lambda name: policy_document(public_read_statement(name, sid="Café")).replace("\\u00e9", "é"),
    "over_8192": lambda name: _policy_with_padding(name, 8193),
    "resource_star": lambda name: policy_document(dict(public_read_statement(name), Resource="*")),
    "other_container": lambda name: policy_document(dict(public_read_statement(name), Resource=objects_arn("other"))),
    "put_without_secure_transport": lambda name: policy_document(
        {
            "Sid": "Writers",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": ["mediastore:PutObject"],
            "Resource": objects_arn(name),
        }
    ),
    "put_with_secure_transport_false": lambda name: policy_document(
        {
            "Sid": "Writers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "mediastore:*",
            "Resource": objects_arn(name),
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID_CONTAINER_POLICIES))
def test_invalid_container_policies_are_validation_errors(control, container, case):
    name = container["Name"]
    before = control.get_container_policy(ContainerName=name)["Policy"]
    with expect_error("ValidationException"):
        control.put_container_policy(ContainerName=name, Policy=INVALID_CONTAINER_POLICIES[case](name))
    assert control.get_container_policy(ContainerName=name)["Policy"] == before


def test_container_policy_at_8192_chars_with_secure_put_is_accepted(control, container):
    name = container["Name"]
    exact = _policy_with_padding(name, 8192)
    assert len(exact) == 8192
    control.put_container_policy(ContainerName=name, Policy=exact)
    secure_put = policy_document(
        {
            "Sid": "Writers",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": ["mediastore:PutObject", "mediastore:GetObject"],
            "Resource": objects_arn(name),
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    control.put_container_policy(ContainerName=name, Policy=secure_put)
    assert control.get_container_policy(ContainerName=name)["Policy"] == secure_put


# --- CORS policy -------------------------------------------------------------------------------------


def test_cors_policy_put_get_replace_delete(control, container):
    name = container["Name"]
    with expect_error("CorsPolicyNotFoundException"):
        control.get_cors_policy(ContainerName=name)
    with expect_error("CorsPolicyNotFoundException"):
        control.delete_cors_policy(ContainerName=name)

    control.put_cors_policy(ContainerName=name, CorsPolicy=CORS_RULES)
    assert control.get_cors_policy(ContainerName=name)["CorsPolicy"] == CORS_RULES

    reordered = list(reversed(CORS_RULES))
    control.put_cors_policy(ContainerName=name, CorsPolicy=reordered)
    assert control.get_cors_policy(ContainerName=name)["CorsPolicy"] == reordered

    control.delete_cors_policy(ContainerName=name)
    with expect_error("CorsPolicyNotFoundException"):
        control.get_cors_policy(ContainerName=name)


def _cors_rule(**overrides):
    rule = {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}
    rule.update(overrides)
    return {k: v for k, v in rule.items() if v is not None}


INVALID_CORS_POLICIES = {
    "zero_rules": [],
    "101_rules": [_cors_rule() for _rule_number in range(101)],
    "no_origin_key": [_cors_rule(AllowedOrigins=None)],
    "empty_origins": [_cors_rule(AllowedOrigins=[])],
    "no_method_key": [_cors_rule(AllowedMethods=None)],
    "bad_method": [_cors_rule(AllowedMethods=["POST"])],
    "two_stars_in_origin": [_cors_rule(AllowedOrigins=["http://*.*.example.com"])],
    "two_stars_in_header": [_cors_rule(AllowedHeaders=["x-*-amz-*"])],
    "over_398000_chars": [_cors_rule(AllowedHeaders=["h" * 4100]) for _rule_number in range(100)],
}


@pytest.mark.parametrize("case", sorted(INVALID_CORS_POLICIES))
def test_invalid_cors_policies_are_validation_errors(emulator, container, case):
    unchecked = emulator.control(parameter_validation=False)
    with expect_error("ValidationException"):
        unchecked.put_cors_policy(ContainerName=container["Name"], CorsPolicy=INVALID_CORS_POLICIES[case])
    with expect_error("CorsPolicyNotFoundException"):
        unchecked.get_cors_policy(ContainerName=container["Name"])


def test_cors_policy_at_the_limits_is_accepted(control, container):
    limits = [_cors_rule(AllowedOrigins=["http://*.example.com"], AllowedHeaders=["x-amz-*"])] * 100
    control.put_cors_policy(ContainerName=container["Name"], CorsPolicy=limits)
    assert len(control.get_cors_policy(ContainerName=container["Name"])["CorsPolicy"]) == 100


# --- lifecycle policy --------------------------------------------------------------------------------


def test_lifecycle_policy_put_get_delete(control, container):
    name = container["Name"]
    with expect_error("PolicyNotFoundException"):
        control.get_lifecycle_policy(ContainerName=name)
    with expect_error("PolicyNotFoundException"):
        control.delete_lifecycle_policy(ContainerName=name)

    control.put_lifecycle_policy(ContainerName=name, LifecyclePolicy=LIFECYCLE_POLICY)
    assert control.get_lifecycle_policy(ContainerName=name)["LifecyclePolicy"] == LIFECYCLE_POLICY

    ten_rules = _lifecycle(*[_lifecycle_rule(path=[{"prefix": f"p{i}/"}]) for i in range(10)])
    control.put_lifecycle_policy(ContainerName=name, LifecyclePolicy=ten_rules)
    assert control.get_lifecycle_policy(ContainerName=name)["LifecyclePolicy"] == ten_rules

    control.delete_lifecycle_policy(ContainerName=name)
    with expect_error("PolicyNotFoundException"):
        control.get_lifecycle_policy(ContainerName=name)


def _lifecycle_rule(path=None, condition="days_since_create", numeric=(">", 5), action="EXPIRE"):
    return {
        "definition": {"path": path or [{"prefix": "a/"}], condition: [{"numeric": list(numeric)}]},
        "action": action,
    }


def _lifecycle(*rules):
    return json.dumps({"rules": list(rules)})


INVALID_LIFECYCLE_POLICIES = {
    "11_rules": _lifecycle(*[_lifecycle_rule(path=[{"prefix": f"p{i}/"}]) for i in range(11)]),
    "seconds_0": _lifecycle(_lifecycle_rule([{"wildcard": "*.ts"}], "seconds_since_create", (">", 0))),
    "seconds_301": _lifecycle(_lifecycle_rule([{"wildcard": "*.ts"}], "seconds_since_create", (">", 301))),
    "seconds_with_archive": _lifecycle(
        _lifecycle_rule([{"wildcard": "*.ts"}], "seconds_since_create", (">=", 30), "ARCHIVE")
    ),
    "seconds_with_prefix": _lifecycle(_lifecycle_rule([{"prefix": "live/"}], "seconds_since_create", (">", 20))),
    "days_0": _lifecycle(_lifecycle_rule(numeric=(">", 0))),
    "days_36501": _lifecycle(_lifecycle_rule(numeric=(">", 36501))),
    "archive_greater_than_30": _lifecycle(_lifecycle_rule(numeric=(">", 30), action="ARCHIVE")),
    "archive_31_days": _lifecycle(_lifecycle_rule(numeric=(">=", 31), action="ARCHIVE")),
    "mixed_prefix_and_wildcard": _lifecycle(_lifecycle_rule(path=[{"prefix": "a/"}, {"wildcard": "b/*"}])),
    "invalid_json": '{"rules": [',
    "unknown_action": _lifecycle(_lifecycle_rule(action="DELETE")),
}


@pytest.mark.parametrize("case", sorted(INVALID_LIFECYCLE_POLICIES))
def test_invalid_lifecycle_policies_are_validation_errors(control, container, case):
    with expect_error("ValidationException"):
        control.put_lifecycle_policy(ContainerName=container["Name"], LifecyclePolicy=INVALID_LIFECYCLE_POLICIES[case])
    with expect_error("PolicyNotFoundException"):
        control.get_lifecycle_policy(ContainerName=container["Name"])


@pytest.mark.parametrize(
    "rule",
    [
        _lifecycle_rule([{"wildcard": "*.ts"}], "seconds_since_create", (">", 1)),
        _lifecycle_rule([{"wildcard": "*.ts"}], "seconds_since_create", (">=", 300)),
        _lifecycle_rule(numeric=(">=", 1)),
        _lifecycle_rule(numeric=(">", 36500)),
        _lifecycle_rule(path=[{"prefix": ""}]),
        _lifecycle_rule(path=[{"wildcard": "Football/index*.m3u8"}], numeric=(">=", 30), action="ARCHIVE"),
    ],
    ids=["seconds_1", "seconds_300", "days_1", "days_36500", "whole_container", "archive_30"],
)
def test_lifecycle_rules_at_the_limits_are_accepted(control, container, rule):
    control.put_lifecycle_policy(ContainerName=container["Name"], LifecyclePolicy=_lifecycle(rule))


# --- metric policy -----------------------------------------------------------------------------------


def test_metric_policy_put_get_delete(control, container):
    name = container["Name"]
    with expect_error("PolicyNotFoundException"):
        control.get_metric_policy(ContainerName=name)
    with expect_error("PolicyNotFoundException"):
        control.delete_metric_policy(ContainerName=name)

    control.put_metric_policy(ContainerName=name, MetricPolicy=METRIC_POLICY)
    assert control.get_metric_policy(ContainerName=name)["MetricPolicy"] == METRIC_POLICY

    five = {
        "ContainerLevelMetrics": "DISABLED",
        "MetricPolicyRules": [{"ObjectGroup": f"g{i}/*", "ObjectGroupName": f"group{i}"} for i in range(5)],
    }
    control.put_metric_policy(ContainerName=name, MetricPolicy=five)
    assert control.get_metric_policy(ContainerName=name)["MetricPolicy"] == five
    control.put_metric_policy(ContainerName=name, MetricPolicy={"ContainerLevelMetrics": "ENABLED"})
    assert control.get_metric_policy(ContainerName=name)["MetricPolicy"] == {"ContainerLevelMetrics": "ENABLED"}

    control.delete_metric_policy(ContainerName=name)
    with expect_error("PolicyNotFoundException"):
        control.get_metric_policy(ContainerName=name)


INVALID_METRIC_POLICIES = {
    "6_rules": {
        "ContainerLevelMetrics": "ENABLED",
        "MetricPolicyRules": [{"ObjectGroup": f"g{i}", "ObjectGroupName": f"group{i}"} for i in range(6)],
    },
    "bad_group_name": {
        "ContainerLevelMetrics": "ENABLED",
        "MetricPolicyRules": [{"ObjectGroup": "a", "ObjectGroupName": "bad-name!"}],
    },
    "group_name_31_chars": {
        "ContainerLevelMetrics": "ENABLED",
        "MetricPolicyRules": [{"ObjectGroup": "a", "ObjectGroupName": "g" * 31}],
    },
    "bad_object_group": {
        "ContainerLevelMetrics": "ENABLED",
        "MetricPolicyRules": [{"ObjectGroup": "has space", "ObjectGroupName": "g"}],
    },
    "bad_enum": {"ContainerLevelMetrics": "maybe"},
}


@pytest.mark.parametrize("case", sorted(INVALID_METRIC_POLICIES))
def test_invalid_metric_policies_are_validation_errors(control, container, case):
    with expect_error("ValidationException"):
        control.put_metric_policy(ContainerName=container["Name"], MetricPolicy=INVALID_METRIC_POLICIES[case])
    with expect_error("PolicyNotFoundException"):
        control.get_metric_policy(ContainerName=container["Name"])


# --- access logging ----------------------------------------------------------------------------------


def test_access_logging_flag_follows_start_and_stop(control, container):
    name = container["Name"]
    control.start_access_logging(ContainerName=name)
    assert control.describe_container(ContainerName=name)["Container"]["AccessLoggingEnabled"] is True
    listed = {c["Name"]: c for c in control.list_containers()["Containers"]}
    assert listed[name]["AccessLoggingEnabled"] is True
    control.stop_access_logging(ContainerName=name)
    assert control.describe_container(ContainerName=name)["Container"]["AccessLoggingEnabled"] is False


# --- tags --------------------------------------------------------------------------------------------


def _tags(mapping):
    return [{"Key": k, "Value": v} for k, v in mapping.items()]


def _tag_map(control, name):
    return {t["Key"]: t.get("Value", "") for t in control.list_tags_for_resource(Resource=container_arn(name))["Tags"]}


def test_tags_at_create_then_merge_and_untag(control, unique_name):
    name = unique_name()
    create_active_container(control, name, Tags=_tags({"customer": "CompanyA", "priority": "High"}))
    assert _tag_map(control, name) == {"customer": "CompanyA", "priority": "High"}

    control.tag_resource(Resource=container_arn(name), Tags=_tags({"priority": "Medium", "type": "Contract"}))
    assert _tag_map(control, name) == {"customer": "CompanyA", "priority": "Medium", "type": "Contract"}

    control.untag_resource(Resource=container_arn(name), TagKeys=["customer", "type"])
    assert _tag_map(control, name) == {"priority": "Medium"}

    control.tag_resource(Resource=container_arn(name), Tags=[{"Key": "empty", "Value": ""}, {"Key": "Prio"}])
    assert _tag_map(control, name) == {"priority": "Medium", "empty": "", "Prio": ""}


def test_fifty_tags_fit(control, container):
    control.tag_resource(Resource=container["ARN"], Tags=_tags({f"k{i}": str(i) for i in range(50)}))
    assert len(_tag_map(control, container["Name"])) == 50


INVALID_TAGS = {
    "51_tags": _tags({f"k{i}": str(i) for i in range(51)}),
    "key_129_chars": _tags({"k" * 129: "v"}),
    "value_257_chars": _tags({"k": "v" * 257}),
    "aws_prefix": _tags({"aws:owner": "me"}),
    "bad_key_characters": _tags({"a#b": "v"}),
    "bad_value_characters": _tags({"k": "v*"}),
}


@pytest.mark.parametrize("case", sorted(INVALID_TAGS))
def test_invalid_tags_are_validation_errors(control, container, case):
    control.tag_resource(Resource=container["ARN"], Tags=_tags({"keep": "me"}))
    with expect_error("ValidationException"):
        control.tag_resource(Resource=container["ARN"], Tags=INVALID_TAGS[case])
    assert _tag_map(control, container["Name"]) == {"keep": "me"}


def test_fifty_tag_limit_counts_existing_tags(control, container):
    control.tag_resource(Resource=container["ARN"], Tags=_tags({f"old{i}": "v" for i in range(30)}))
    with expect_error("ValidationException"):
        control.tag_resource(Resource=container["ARN"], Tags=_tags({f"new{i}": "v" for i in range(21)}))
    assert len(_tag_map(control, container["Name"])) == 30
    # Overwriting existing keys does not add to the count.
    control.tag_resource(Resource=container["ARN"], Tags=_tags({f"old{i}": "w" for i in range(30)}))


def test_invalid_tags_at_create_create_nothing(control, unique_name):
    with expect_error("ValidationException"):
        control.create_container(ContainerName=unique_name(), Tags=_tags({"aws:reserved": "x"}))
    assert control.list_containers()["Containers"] == []


def test_tag_operations_take_the_arn_not_the_name(emulator, control, container):
    unchecked = emulator.control(parameter_validation=False)
    with pytest.raises(ClientError) as caught:
        unchecked.list_tags_for_resource(Resource=container["Name"])
    assert caught.value.response["Error"]["Code"] in ("ValidationException", "ContainerNotFoundException")
    with expect_error("ContainerNotFoundException"):
        control.list_tags_for_resource(Resource=container_arn("no_such_container"))
