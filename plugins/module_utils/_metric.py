# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Metric policies: key normalisation, checks and comparison (pure; no SDK).

Users may write the policy with the API's PascalCase keys or with snake_case keys; everything here
works on the API form ``{"ContainerLevelMetrics": ..., "MetricPolicyRules": [{"ObjectGroup", "ObjectGroupName"}]}``.
"""

import re

LEVELS = ("ENABLED", "DISABLED")
# The default service quota; AWS raised it on request (the API allows 300).
RULES_MAX = 5
OBJECT_GROUP_MAX = 900
OBJECT_GROUP_CHARACTERS = re.compile(r"[A-Za-z0-9_=:.\-~/*]+")
OBJECT_GROUP_NAME = re.compile(r"[a-zA-Z0-9_]{1,30}")

_POLICY_KEYS = {"container_level_metrics": "ContainerLevelMetrics", "metric_policy_rules": "MetricPolicyRules"}
_RULE_KEYS = {"object_group": "ObjectGroup", "object_group_name": "ObjectGroupName"}


def api_keys(mapping, key_map, where, problems):
    """``mapping`` with snake_case keys turned into API keys; unknown keys are reported."""
    known = set(key_map.values())
    result = {}
    for key, value in mapping.items():
        api_key = key_map.get(key, key)
        if api_key not in known:
            choices = ", ".join(sorted(key_map))
            api_names = ", ".join(sorted(known))
            problems.append(f"{where}: unknown key {key!r}; use {choices} (or their API names {api_names}).")
            continue
        if api_key in result:
            problems.append(f"{where}: {api_key} is given twice (in snake_case and PascalCase).")
        result[api_key] = value
    return result


def normalise_metric_policy(policy, option="metric_policy"):
    """``(api_policy, problems)``: the policy with API keys and every problem found in it."""
    if not isinstance(policy, dict):
        return None, [f"{option}: a metric policy is a dictionary, not {type(policy).__name__}."]
    problems = []
    api_policy = api_keys(policy, _POLICY_KEYS, option, problems)
    level = api_policy.get("ContainerLevelMetrics")
    if level not in LEVELS:
        problems.append(f"{option}.container_level_metrics: required, ENABLED or DISABLED, not {level!r}.")
    if "MetricPolicyRules" in api_policy:
        rules = api_policy["MetricPolicyRules"]
        if not isinstance(rules, list) or not 1 <= len(rules) <= RULES_MAX:
            count = len(rules) if isinstance(rules, list) else type(rules).__name__
            problems.append(
                f"{option}.metric_policy_rules: give 1 to {RULES_MAX} rules (MediaStore's default quota), "
                f"or leave the key out for none; got {count}."
            )
        if isinstance(rules, list):
            api_policy["MetricPolicyRules"] = [
                _normalise_rule(rule, f"{option}.metric_policy_rules[{index}]", problems)
                for index, rule in enumerate(rules)
            ]
            names = [rule.get("ObjectGroupName") for rule in api_policy["MetricPolicyRules"]]
            duplicates = sorted({name for name in names if isinstance(name, str) and names.count(name) > 1})
            if duplicates:
                problems.append(
                    f"{option}.metric_policy_rules: object_group_name must be unique, {', '.join(duplicates)} repeats."
                )
    return api_policy, problems


def _normalise_rule(rule, where, problems):
    if not isinstance(rule, dict):
        problems.append(f"{where}: a rule is a dictionary with object_group and object_group_name.")
        return {}
    api_rule = api_keys(rule, _RULE_KEYS, where, problems)
    group = api_rule.get("ObjectGroup")
    if not isinstance(group, str) or not OBJECT_GROUP_CHARACTERS.fullmatch(group) or len(group) > OBJECT_GROUP_MAX:
        problems.append(
            f"{where}.object_group: {_shortened(group)} is not valid; required, 1 to {OBJECT_GROUP_MAX} of "
            "letters, digits and _ = : . - ~ / * (a path, folder or wildcard)."
        )
    name = api_rule.get("ObjectGroupName")
    if not isinstance(name, str) or not OBJECT_GROUP_NAME.fullmatch(name):
        problems.append(
            f"{where}.object_group_name: {_shortened(name)} is not valid; required, 1 to 30 of letters, digits and _."
        )
    return api_rule


def _shortened(value, length=60):
    text = repr(value)
    return text if len(text) <= length else text[:length] + "..."


def canonical_metric_policy(policy):
    """A form of the API policy in which equal policies are equal.

    Rule order has no meaning for MediaStore: an object that matches several rules yields one data
    point per rule, so the rules are a set.  They are sorted so that a reordering is not a change.
    """
    if policy is None:
        return None
    rules = sorted(
        (rule.get("ObjectGroupName"), rule.get("ObjectGroup")) for rule in policy.get("MetricPolicyRules") or []
    )
    return {"ContainerLevelMetrics": policy.get("ContainerLevelMetrics"), "MetricPolicyRules": rules}


def metric_policies_differ(current, desired):
    return canonical_metric_policy(current) != canonical_metric_policy(desired)
