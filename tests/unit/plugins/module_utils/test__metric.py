# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._metric import (
    RULES_MAX,
    canonical_metric_policy,
    metric_policies_differ,
    normalise_metric_policy,
)


def snake_rule(group="live/*", name="live"):
    return {"object_group": group, "object_group_name": name}


def api_rule(group="live/*", name="live"):
    return {"ObjectGroup": group, "ObjectGroupName": name}


# ---------------------------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"container_level_metrics": "ENABLED"}, {"ContainerLevelMetrics": "ENABLED"}),
        ({"ContainerLevelMetrics": "DISABLED"}, {"ContainerLevelMetrics": "DISABLED"}),
        (
            {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule()]},
            {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [api_rule()]},
        ),
        (
            {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [api_rule()]},
            {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [api_rule()]},
        ),
        (  # the two styles mixed, as a user converting a playbook might write it
            {
                "container_level_metrics": "DISABLED",
                "MetricPolicyRules": [snake_rule(), {"ObjectGroup": "a", "object_group_name": "a"}],
            },
            {"ContainerLevelMetrics": "DISABLED", "MetricPolicyRules": [api_rule(), api_rule("a", "a")]},
        ),
    ],
)
def test_normalise_to_api_keys(given, expected):
    assert normalise_metric_policy(given) == (expected, [])


def test_rule_order_is_kept_when_sending():
    rules = [snake_rule("b/*", "b"), snake_rule("a/*", "a")]
    policy, problems = normalise_metric_policy({"container_level_metrics": "ENABLED", "metric_policy_rules": rules})
    assert problems == []
    assert [rule["ObjectGroupName"] for rule in policy["MetricPolicyRules"]] == ["b", "a"]


def test_input_is_not_modified():
    given = {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule()]}
    normalise_metric_policy(given)
    assert given == {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule()]}


# ---------------------------------------------------------------------------------------------- valid values


@pytest.mark.parametrize(
    "group",
    [
        "*",
        "live",
        "live/",
        "/live/",
        "live/1080p/*.ts",
        "a=b:c.d-e~f_g",
        "x" * 900,
    ],
)
def test_valid_object_groups(group):
    assert (
        normalise_metric_policy(
            {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(group=group)]}
        )[1]
        == []
    )


@pytest.mark.parametrize("name", ["a", "A_1", "x" * 30, "rendition_1080p", "_"])
def test_valid_object_group_names(name):
    assert (
        normalise_metric_policy({"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(name=name)]})[
            1
        ]
        == []
    )


def test_up_to_the_default_quota_of_rules():
    rules = [snake_rule(f"g{index}/*", f"g{index}") for index in range(RULES_MAX)]
    assert normalise_metric_policy({"container_level_metrics": "ENABLED", "metric_policy_rules": rules})[1] == []


# ---------------------------------------------------------------------------------------------- invalid values

INVALID = {
    "not a dict": (["ENABLED"], "metric_policy: a metric policy is a dictionary, not list"),
    "text": ("ENABLED", "metric_policy: a metric policy is a dictionary, not str"),
    "no level": (
        {"metric_policy_rules": [snake_rule()]},
        "metric_policy.container_level_metrics: required, ENABLED or DISABLED, not None",
    ),
    "bad level": (
        {"container_level_metrics": "ON"},
        "container_level_metrics: required, ENABLED or DISABLED, not 'ON'",
    ),
    "lower-case level": ({"container_level_metrics": "enabled"}, "ENABLED or DISABLED, not 'enabled'"),
    "bool level": ({"container_level_metrics": True}, "ENABLED or DISABLED, not True"),
    "unknown key": ({"container_level_metrics": "ENABLED", "rules": []}, "metric_policy: unknown key 'rules'"),
    "key twice": (
        {"container_level_metrics": "ENABLED", "ContainerLevelMetrics": "ENABLED"},
        "ContainerLevelMetrics is given twice",
    ),
    "empty rules": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": []},
        f"metric_policy.metric_policy_rules: give 1 to {RULES_MAX} rules (MediaStore's default quota), "
        "or leave the key out for none; got 0",
    ),
    "rules not a list": ({"container_level_metrics": "ENABLED", "metric_policy_rules": snake_rule()}, "got dict"),
    "too many rules": (
        {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [snake_rule(f"g{index}", f"g{index}") for index in range(RULES_MAX + 1)],
        },
        f"got {RULES_MAX + 1}",
    ),
    "rule not a dict": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": ["live/*"]},
        "metric_policy.metric_policy_rules[0]: a rule is a dictionary",
    ),
    "unknown rule key": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [dict(snake_rule(), dimension="x")]},
        "metric_policy.metric_policy_rules[0]: unknown key 'dimension'",
    ),
    "missing object group": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [{"object_group_name": "a"}]},
        "metric_policy_rules[0].object_group: None is not valid",
    ),
    "empty object group": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(group="")]},
        "metric_policy_rules[0].object_group: '' is not valid",
    ),
    "object group with space": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(group="live /*")]},
        "object_group: 'live /*' is not valid",
    ),
    "object group with question mark": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(group="a?")]},
        "object_group: 'a?' is not valid",
    ),
    "object group too long": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(group="x" * 901)]},
        "object_group: '" + "x" * 59 + "... is not valid; required, 1 to 900",
    ),
    "missing object group name": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [{"object_group": "a"}]},
        "metric_policy_rules[0].object_group_name: None is not valid",
    ),
    "object group name with hyphen": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(name="live-hd")]},
        "object_group_name: 'live-hd' is not valid; required, 1 to 30 of letters, digits and _",
    ),
    "object group name too long": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(name="x" * 31)]},
        "object_group_name: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is not valid",
    ),
    "empty object group name": (
        {"container_level_metrics": "ENABLED", "metric_policy_rules": [snake_rule(name="")]},
        "object_group_name: '' is not valid",
    ),
    "duplicate object group names": (
        {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [snake_rule("a/*", "same"), snake_rule("b/*", "same")],
        },
        "metric_policy.metric_policy_rules: object_group_name must be unique, same repeats",
    ),
}


@pytest.mark.parametrize("value, fragment", INVALID.values(), ids=INVALID.keys())
def test_each_invalid_value_gives_one_problem_naming_option_and_rule(value, fragment):
    problems = normalise_metric_policy(value)[1]
    assert len(problems) == 1, problems
    assert problems[0].startswith("metric_policy")
    assert fragment in problems[0]


def test_problems_name_the_rule_index():
    rules = [snake_rule("a", "a"), snake_rule("b", "b"), snake_rule("c c", "c")]
    problems = normalise_metric_policy({"container_level_metrics": "ENABLED", "metric_policy_rules": rules})[1]
    assert len(problems) == 1
    assert problems[0].startswith("metric_policy.metric_policy_rules[2].object_group:")


def test_every_problem_is_reported():
    rules = [{"object_group": "a b", "object_group_name": "a-b"}] * 2
    problems = normalise_metric_policy({"container_level_metrics": "maybe", "metric_policy_rules": rules}, "policy")[1]
    # the level; the object group and its name in each of the two rules; the repeated name
    assert len(problems) == 6
    assert all(problem.startswith("policy") for problem in problems)


# ---------------------------------------------------------------------------------------------- comparison


def api_policy(*rules, level="ENABLED"):
    policy = {"ContainerLevelMetrics": level}
    if rules:
        policy["MetricPolicyRules"] = list(rules)
    return policy


def test_rule_order_does_not_count():
    # Each rule yields its own data points, so the rules are a set: a reordering is not a change.
    first, second = api_rule("a/*", "a"), api_rule("b/*", "b")
    assert not metric_policies_differ(api_policy(first, second), api_policy(second, first))


def test_no_rules_and_absent_rules_are_the_same():
    assert not metric_policies_differ({"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": []}, api_policy())


@pytest.mark.parametrize(
    "current, desired",
    [
        (api_policy(level="ENABLED"), api_policy(level="DISABLED")),
        (api_policy(api_rule("a/*", "a")), api_policy()),
        (api_policy(), api_policy(api_rule("a/*", "a"))),
        (api_policy(api_rule("a/*", "a")), api_policy(api_rule("a/*", "b"))),
        (api_policy(api_rule("a/*", "a")), api_policy(api_rule("b/*", "a"))),
        (api_policy(api_rule("a/*", "a")), api_policy(api_rule("a/*", "a"), api_rule("b/*", "b"))),
        (None, api_policy()),
    ],
)
def test_real_changes_differ(current, desired):
    assert metric_policies_differ(current, desired)


def test_canonical_form():
    assert canonical_metric_policy(None) is None
    assert canonical_metric_policy(api_policy(api_rule("b", "b"), api_rule("a", "a"))) == {
        "ContainerLevelMetrics": "ENABLED",
        "MetricPolicyRules": [("a", "a"), ("b", "b")],
    }
