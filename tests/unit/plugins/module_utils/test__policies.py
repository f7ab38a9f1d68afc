# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy aspect model: reading options, the comparison form, the wire form, views, and plan_change."""

import json

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import default_policy
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    ACCESS_POLICY,
    ASPECTS,
    CORS_POLICY,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    REMOVE,
    Change,
    desired_policy,
    plan_change,
    policy_views,
    read_json_object,
)

NAME = "live"
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
ACCESS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["mediastore:GetObject"],
            "Resource": f"{ARN}/*",
        }
    ],
}
LIFECYCLE = {
    "rules": [
        {
            "definition": {"path": [{"prefix": "live/"}], "days_since_create": [{"numeric": [">", 7]}]},
            "action": "EXPIRE",
        }
    ]
}
METRIC_API = {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [{"ObjectGroup": "a/*", "ObjectGroupName": "a"}]}
METRIC_SNAKE = {
    "container_level_metrics": "ENABLED",
    "metric_policy_rules": [{"object_group": "a/*", "object_group_name": "a"}],
}
CORS_RULES = [{"allowed_origins": ["*"], "allowed_methods": ["get"]}]
CORS_API = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": []}]


# ---------------------------------------------------------------------------------------------- reading options


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),  # unset: leave the policy alone
        ("", {}),  # empty: remove
        ("   ", {}),
        ("{}", {}),
        ({}, {}),
        ('{"rules": []}', {"rules": []}),
        (' {"a": 1}\n', {"a": 1}),
        ({"a": 1}, {"a": 1}),
    ],
)
def test_read_json_object(value, expected):
    assert read_json_object(value, "lifecycle_policy") == (expected, [])


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("{rules: []}", "lifecycle_policy: not valid JSON"),
        ('{"a": 1,}', "lifecycle_policy: not valid JSON"),
        ("rules:\n  - action: EXPIRE\n", "as a YAML mapping (drop the '|' after 'lifecycle_policy:') or as JSON"),
        ("[1, 2]", "lifecycle_policy: must be a JSON object (a dictionary), not list"),
        ('"text"', "must be a JSON object (a dictionary), not str"),
        ("7", "not int"),
        ("null", "not NoneType"),
        ([1], "not list"),  # type raw: YAML gives lists as they are
    ],
)
def test_read_json_object_problems(value, fragment):
    document, problems = read_json_object(value, "lifecycle_policy")
    assert document is None
    assert len(problems) == 1
    assert fragment in problems[0]


@pytest.mark.parametrize("aspect", [LIFECYCLE_POLICY, METRIC_POLICY])
@pytest.mark.parametrize("value", ["", " ", "{}", {}])
def test_an_empty_option_means_remove(aspect, value):
    assert aspect.parse(value, aspect.name) == (REMOVE, [])


@pytest.mark.parametrize("aspect", [LIFECYCLE_POLICY, METRIC_POLICY])
def test_an_unset_option_leaves_the_policy_alone(aspect):
    assert aspect.parse(None, aspect.name) == (None, [])


@pytest.mark.parametrize("aspect, option", [(ACCESS_POLICY, "policy"), (CORS_POLICY, "rules")])
def test_the_policy_modules_need_a_value(aspect, option):
    desired, problems = aspect.parse(None, option, container=NAME)
    assert desired is None
    assert "required" in problems[0]


@pytest.mark.parametrize("value", [json.dumps(ACCESS), json.dumps(ACCESS, indent=4), ACCESS])
def test_the_access_policy_takes_a_dict_or_json_text(value):
    assert ACCESS_POLICY.parse(value, "policy", container=NAME) == (ACCESS, [])


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("{not json", "policy: not valid JSON"),
        ("[1, 2]", "policy: a policy must be a JSON object with Version and Statement, not list"),
        ('"a string"', "JSON object"),
        ("42", "JSON object"),
        ("", "policy: a policy document (a JSON object with Version and Statement) is required."),
        ("   ", "is required"),
        ({}, "is required"),
        (dict(ACCESS, Statement=[]), "policy: Statement must be"),
    ],
)
def test_the_access_policy_is_never_empty_and_is_checked(value, fragment):
    desired, problems = ACCESS_POLICY.parse(value, "policy", container=NAME)
    assert desired is None or problems
    assert len(problems) == 1
    assert fragment in problems[0]


def test_the_option_is_named_as_given():
    assert ACCESS_POLICY.parse("{", "container_policy")[1][0].startswith("container_policy: ")


def test_a_metric_policy_is_read_into_api_keys():
    assert METRIC_POLICY.parse(json.dumps(METRIC_SNAKE), "metric_policy") == (METRIC_API, [])
    assert METRIC_POLICY.parse({"container_level_metrics": "ON"}, "metric_policy")[1][0].startswith(
        "metric_policy.container_level_metrics"
    )


def test_a_lifecycle_policy_is_checked():
    assert LIFECYCLE_POLICY.parse(LIFECYCLE, "lifecycle_policy") == (LIFECYCLE, [])
    problems = LIFECYCLE_POLICY.parse({"rules": [{"action": "EXPIRE"}]}, "lifecycle_policy")[1]
    assert "lifecycle_policy: rules[0].definition" in problems[0]


def test_cors_rules_are_checked_and_sent_in_api_form():
    assert CORS_POLICY.parse(CORS_RULES, "rules") == (CORS_API, [])
    assert CORS_POLICY.parse([], "rules")[1][0].startswith("rules: at least one rule is required")


# ---------------------------------------------------------------------------------------------- wire and views


def test_text_policies_are_parsed_from_the_api_and_kept_when_not_json():
    assert ACCESS_POLICY.from_api(json.dumps(ACCESS)) == ACCESS
    assert LIFECYCLE_POLICY.from_api("not json") == "not json"
    assert LIFECYCLE_POLICY.from_api(None) is None


def test_wire_forms():
    assert ACCESS_POLICY.to_api({"b": 1, "a": 2}) == '{"b":1,"a":2}'  # compact, key order kept
    assert LIFECYCLE_POLICY.to_api({"b": 1, "a": 2}) == '{"a":2,"b":1}'  # compact, sorted
    assert METRIC_POLICY.to_api(METRIC_API) == METRIC_API
    assert CORS_POLICY.to_api(CORS_API) == CORS_API


def test_views():
    policies = {"policy": ACCESS, "cors_policy": CORS_API, "lifecycle_policy": LIFECYCLE, "metric_policy": METRIC_API}
    assert policy_views(policies, ASPECTS) == {
        "policy": ACCESS,
        "cors_policy": [
            {
                "allowed_origins": ["*"],
                "allowed_methods": ["GET"],
                "allowed_headers": [],
                "expose_headers": [],
                "max_age_seconds": None,
            }
        ],
        "lifecycle_policy": LIFECYCLE,
        "metric_policy": METRIC_SNAKE,
    }
    assert policy_views(dict.fromkeys(policies), ASPECTS) == dict.fromkeys(policies)


# ---------------------------------------------------------------------------------------------- plan_change


@pytest.mark.parametrize("aspect", ASPECTS)
def test_unset_is_no_change(aspect):
    assert plan_change(aspect, "whatever", None, ARN) == Change(None, "whatever")


@pytest.mark.parametrize(
    "aspect, current, desired",
    [
        # other key order, and a string for a one-element list
        (
            ACCESS_POLICY,
            ACCESS,
            {"Statement": [dict(ACCESS["Statement"][0], Action="mediastore:GetObject")], "Version": "2012-10-17"},
        ),
        (CORS_POLICY, [dict(CORS_API[0], AllowedMethods=["GET", "get"])], CORS_API),
        (LIFECYCLE_POLICY, LIFECYCLE, json.loads(json.dumps(LIFECYCLE, sort_keys=True))),
        (METRIC_POLICY, METRIC_API, METRIC_API),
    ],
)
def test_an_equivalent_policy_is_no_change(aspect, current, desired):
    assert plan_change(aspect, current, desired, ARN) == Change(None, current)


@pytest.mark.parametrize(
    "aspect, desired",
    [(ACCESS_POLICY, ACCESS), (CORS_POLICY, CORS_API), (LIFECYCLE_POLICY, LIFECYCLE), (METRIC_POLICY, METRIC_API)],
)
def test_a_new_or_different_policy_is_put(aspect, desired):
    assert plan_change(aspect, None, desired, ARN) == Change("put", desired)


def test_text_that_is_not_json_differs_from_any_policy():
    assert plan_change(ACCESS_POLICY, "not json", ACCESS, ARN) == Change("put", ACCESS)


@pytest.mark.parametrize("aspect", [CORS_POLICY, LIFECYCLE_POLICY, METRIC_POLICY])
def test_removal(aspect):
    assert plan_change(aspect, None, REMOVE, ARN) == Change(None, None)
    assert plan_change(aspect, {"x": 1}, REMOVE, ARN) == Change("delete", None)


def test_removing_the_access_policy_brings_the_default_one_back():
    assert plan_change(ACCESS_POLICY, ACCESS, REMOVE, ARN) == Change("delete", default_policy(ARN))
    assert plan_change(ACCESS_POLICY, default_policy(ARN), REMOVE, ARN) == Change(None, default_policy(ARN))
    assert plan_change(ACCESS_POLICY, None, REMOVE, ARN) == Change(None, None)


# ---------------------------------------------------------------------------------------------- desired_policy


@pytest.mark.parametrize(
    "aspect, option, value", [(ACCESS_POLICY, "policy", ACCESS), (CORS_POLICY, "rules", CORS_RULES)]
)
def test_a_present_task_gets_the_checked_policy(aspect, option, value):
    desired, problems = desired_policy(aspect, {"container": NAME, "state": "present", option: value}, option)
    assert problems == []
    assert desired == aspect.parse(value, option, container=NAME)[0]


@pytest.mark.parametrize("aspect, option", [(ACCESS_POLICY, "policy"), (CORS_POLICY, "rules")])
def test_an_absent_task_removes_and_needs_no_value(aspect, option):
    assert desired_policy(aspect, {"container": NAME, "state": "absent", option: None}, option) == (REMOVE, [])


@pytest.mark.parametrize(
    "aspect, option, value",
    [
        (ACCESS_POLICY, "policy", ACCESS),
        (CORS_POLICY, "rules", CORS_RULES),
        (CORS_POLICY, "rules", []),
        (ACCESS_POLICY, "policy", {}),
    ],
)
def test_a_value_with_state_absent_is_refused(aspect, option, value):
    _desired, problems = desired_policy(aspect, {"container": NAME, "state": "absent", option: value}, option)
    assert problems == [
        f"{option}: does not apply with state=absent, which removes the policy; remove {option} or set state=present."
    ]


def test_every_problem_of_a_task_is_reported():
    params = {"container": "bad name", "state": "absent", "rules": CORS_RULES}
    problems = desired_policy(CORS_POLICY, params, "rules")[1]
    assert [problem.split(":", maxsplit=1)[0] for problem in problems] == ["container", "rules"]


def test_cors_rules_written_as_plain_dictionaries_are_read_as_the_module_documents_them():
    written = [{"allowed_origins": "*", "allowed_methods": "GET,HEAD", "max_age_seconds": "60"}]
    desired, problems = CORS_POLICY.parse(written, "rules")
    assert problems == []
    assert desired == [
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": [], "MaxAgeSeconds": 60}
    ]
    assert CORS_POLICY.parse(["GET"], "rules")[1] == [
        "rules[0]: a rule is a dictionary with allowed_origins, allowed_methods and optional headers."
    ]
