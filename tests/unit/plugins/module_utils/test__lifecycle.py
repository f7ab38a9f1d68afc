# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import copy
import json

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._lifecycle import (
    POLICY_TEXT_MAX,
    lifecycle_policies_differ,
    lifecycle_policy_problems,
    lifecycle_policy_text,
)


def days_rule(path=None, operator=">", days=7, action="EXPIRE"):
    return {
        "definition": {
            "path": [{"prefix": "live/"}] if path is None else path,
            "days_since_create": [{"numeric": [operator, days]}],
        },
        "action": action,
    }


def seconds_rule(path=None, operator=">", seconds=120, action="EXPIRE"):
    return {
        "definition": {
            "path": [{"wildcard": "*"}] if path is None else path,
            "seconds_since_create": [{"numeric": [operator, seconds]}],
        },
        "action": action,
    }


def policy(*rules):
    return {"rules": list(rules)}


# ---------------------------------------------------------------------------------------------- valid policies

VALID = {
    "expire after 7 days": policy(days_rule()),
    "whole container": policy(days_rule(path=[{"prefix": ""}])),
    "prefix without slash": policy(days_rule(path=[{"prefix": "April"}])),
    "wildcard days": policy(days_rule(path=[{"wildcard": "Football/index*.m3u8"}])),
    "ten prefixes": policy(days_rule(path=[{"prefix": f"p{index}/"} for index in range(10)])),
    "ten wildcards": policy(days_rule(path=[{"wildcard": f"w{index}/*"} for index in range(10)])),
    ">= days": policy(days_rule(operator=">=")),
    "1 day": policy(days_rule(days=1)),
    "36500 days": policy(days_rule(days=36500)),
    "archive after 30 days": policy(days_rule(operator=">=", days=30, action="ARCHIVE")),
    "archive wildcard": policy(days_rule(path=[{"wildcard": "vod/*.mp4"}], operator=">=", days=30, action="ARCHIVE")),
    "transient 1 s": policy(seconds_rule(seconds=1)),
    "transient 300 s": policy(seconds_rule(seconds=300)),
    "transient >=": policy(seconds_rule(operator=">=")),
    "transient several wildcards": policy(seconds_rule(path=[{"wildcard": "a/*.ts"}, {"wildcard": "b/*.ts"}])),
    "ten rules": policy(*[days_rule(path=[{"prefix": f"r{index}/"}]) for index in range(10)]),
    "mixed kinds across rules": policy(
        days_rule(), seconds_rule(), days_rule(operator=">=", days=30, action="ARCHIVE")
    ),
    "path characters": policy(days_rule(path=[{"prefix": "a.b-c_d~e=f:g/"}])),
}


@pytest.mark.parametrize("value", VALID.values(), ids=VALID.keys())
def test_valid_policies(value):
    assert lifecycle_policy_problems(value) == []


# ---------------------------------------------------------------------------------------------- invalid policies

INVALID = {
    # (policy, expected fragment of the single problem)
    "not an object": (["rules"], "a lifecycle policy is a JSON object"),
    "string": ("rules", "a lifecycle policy is a JSON object"),
    "unknown top-level key": (dict(policy(days_rule()), version=1), "unknown key(s) version"),
    "rules not a list": ({"rules": {"a": 1}}, '"rules" must be a list of 1 to 10 rules'),
    "empty rules": ({"rules": []}, "to remove the policy, set lifecycle_policy to {}"),
    "eleven rules": (policy(*[days_rule()] * 11), "at most 10 rules, this one has 11"),
    "rule not an object": (policy("EXPIRE"), "rules[0]: a rule is an object"),
    "unknown rule key": (policy(dict(days_rule(), id="x")), 'rules[0]: unknown key(s) id; a rule has "definition"'),
    "bad action": (policy(days_rule(action="DELETE")), "rules[0].action: must be EXPIRE or ARCHIVE, not 'DELETE'"),
    "lower-case action": (policy(days_rule(action="expire")), "rules[0].action: must be EXPIRE or ARCHIVE"),
    "missing action": (policy({"definition": days_rule()["definition"]}), "rules[0].action: must be EXPIRE or ARCHIVE"),
    "missing definition": (policy({"action": "EXPIRE"}), "rules[0].definition: required"),
    "unknown definition key": (
        policy({"definition": dict(days_rule()["definition"], size=1), "action": "EXPIRE"}),
        "rules[0].definition: unknown key(s) size",
    ),
    "no path": (
        policy({"definition": {"days_since_create": [{"numeric": [">", 7]}]}, "action": "EXPIRE"}),
        "rules[0].definition.path: required",
    ),
    "empty path": (policy(days_rule(path=[])), "rules[0].definition.path: required"),
    "eleven path entries": (
        policy(days_rule(path=[{"prefix": f"p{index}"} for index in range(11)])),
        "at most 10 entries per rule, this one has 11",
    ),
    "path entry not an object": (policy(days_rule(path=["live/"])), "definition.path[0]: each entry is"),
    "path entry unknown kind": (policy(days_rule(path=[{"suffix": ".ts"}])), "definition.path[0]: each entry is"),
    "path entry two kinds": (
        policy(days_rule(path=[{"prefix": "a", "wildcard": "*"}])),
        "definition.path[0]: each entry is",
    ),
    "mixed prefix and wildcard": (
        policy(days_rule(path=[{"prefix": "a/"}, {"wildcard": "b/*"}])),
        "one rule cannot mix prefix and wildcard",
    ),
    "prefix with star": (policy(days_rule(path=[{"prefix": "a/*"}])), "definition.path[0].prefix: 'a/*' is not valid"),
    "prefix with space": (policy(days_rule(path=[{"prefix": "a b"}])), "definition.path[0].prefix: 'a b' is not valid"),
    "prefix not text": (policy(days_rule(path=[{"prefix": 7}])), "definition.path[0].prefix: 7 is not valid"),
    "empty wildcard": (policy(days_rule(path=[{"wildcard": ""}])), "definition.path[0].wildcard: '' is not valid"),
    "wildcard with question mark": (
        policy(days_rule(path=[{"wildcard": "a?.ts"}])),
        "definition.path[0].wildcard: 'a?.ts' is not valid",
    ),
    "prefix too long": (policy(days_rule(path=[{"prefix": "a" * 901}])), "definition.path[0].prefix"),
    "no time condition": (
        policy({"definition": {"path": [{"prefix": "a"}]}, "action": "EXPIRE"}),
        "needs exactly one of days_since_create or seconds_since_create, found 0",
    ),
    "two time conditions": (
        policy(
            {
                "definition": {
                    "path": [{"wildcard": "*"}],
                    "days_since_create": [{"numeric": [">", 7]}],
                    "seconds_since_create": [{"numeric": [">", 7]}],
                },
                "action": "EXPIRE",
            }
        ),
        "found 2",
    ),
    "condition not a list": (
        policy(
            {"definition": {"path": [{"prefix": "a"}], "days_since_create": {"numeric": [">", 7]}}, "action": "EXPIRE"}
        ),
        'days_since_create: must be [{"numeric": [">" or ">=", number]}]',
    ),
    "condition with two entries": (
        policy(
            {
                "definition": {"path": [{"prefix": "a"}], "days_since_create": [{"numeric": [">", 7]}] * 2},
                "action": "EXPIRE",
            }
        ),
        "days_since_create: must be [",
    ),
    "condition without numeric": (
        policy(
            {"definition": {"path": [{"prefix": "a"}], "days_since_create": [{"number": [">", 7]}]}, "action": "EXPIRE"}
        ),
        "days_since_create: must be [",
    ),
    "numeric not a pair": (
        policy(
            {"definition": {"path": [{"prefix": "a"}], "days_since_create": [{"numeric": [">"]}]}, "action": "EXPIRE"}
        ),
        "days_since_create: must be [",
    ),
    "operator <": (policy(days_rule(operator="<")), 'the operator must be ">" or ">=", not \'<\''),
    "operator ==": (policy(days_rule(operator="==")), "the operator must be"),
    "days as text": (policy(days_rule(days="7")), "the number must be a whole number, not '7'"),
    "days as float": (policy(days_rule(days=7.5)), "the number must be a whole number, not 7.5"),
    "days as bool": (policy(days_rule(days=True)), "the number must be a whole number, not True"),
    "0 days": (policy(days_rule(days=0)), "days_since_create: must be 1 to 36500 days, not 0"),
    "36501 days": (policy(days_rule(days=36501)), "must be 1 to 36500 days, not 36501"),
    "negative days": (policy(days_rule(days=-1)), "must be 1 to 36500 days, not -1"),
    "archive after 31 days": (
        policy(days_rule(operator=">=", days=31, action="ARCHIVE")),
        "an ARCHIVE rule needs days_since_create exactly",
    ),
    "archive with >": (policy(days_rule(operator=">", days=30, action="ARCHIVE")), "an ARCHIVE rule needs"),
    "archive after 29 days": (policy(days_rule(operator=">=", days=29, action="ARCHIVE")), "an ARCHIVE rule needs"),
    "0 seconds": (policy(seconds_rule(seconds=0)), "seconds_since_create: must be 1 to 300 seconds, not 0"),
    "301 seconds": (policy(seconds_rule(seconds=301)), "must be 1 to 300 seconds, not 301"),
    "seconds with prefix": (
        policy(seconds_rule(path=[{"prefix": "live/"}])),
        "a seconds_since_create (transient data) rule takes wildcard paths only",
    ),
    "seconds with archive": (
        policy(seconds_rule(action="ARCHIVE")),
        "a seconds_since_create (transient data) rule can only EXPIRE",
    ),
}


@pytest.mark.parametrize("value, fragment", INVALID.values(), ids=INVALID.keys())
def test_each_invalid_rule_gives_one_problem_naming_option_and_rule(value, fragment):
    problems = lifecycle_policy_problems(value)
    assert len(problems) == 1, problems
    assert problems[0].startswith("lifecycle_policy: ")
    assert fragment in problems[0]


def test_misspelt_rules_key_is_named_and_rules_are_asked_for():
    problems = lifecycle_policy_problems({"Rules": [days_rule()]})
    assert problems == [
        'lifecycle_policy: unknown key(s) Rules; a lifecycle policy has only "rules".',
        'lifecycle_policy: "rules" must be a list of 1 to 10 rules (to remove the policy, set lifecycle_policy to {}).',
    ]


def test_problems_name_the_rule_index():
    problems = lifecycle_policy_problems(policy(days_rule(), days_rule(), days_rule(days=0)))
    assert len(problems) == 1
    assert problems[0].startswith("lifecycle_policy: rules[2].definition.days_since_create:")


def test_every_problem_of_every_rule_is_reported():
    problems = lifecycle_policy_problems(
        policy(days_rule(action="DELETE", days=0), seconds_rule(path=[{"prefix": "a b"}], seconds=999))
    )
    joined = "\n".join(problems)
    assert "rules[0].action" in joined
    assert "rules[0].definition.days_since_create" in joined
    assert "rules[1].definition.path[0].prefix" in joined
    assert "rules[1].definition.seconds_since_create" in joined
    assert "rules[1].definition.path: a seconds_since_create" in joined


def test_option_name_is_used():
    assert lifecycle_policy_problems({"rules": []}, "origin.lifecycle")[0].startswith("origin.lifecycle: ")


def test_policy_longer_than_8192_characters_as_sent_is_refused():
    long_prefixes = [{"prefix": "p" * 800 + str(index)} for index in range(10)]
    too_long = policy(days_rule(path=long_prefixes), days_rule(path=long_prefixes))
    assert len(lifecycle_policy_text(too_long)) > POLICY_TEXT_MAX
    problems = lifecycle_policy_problems(too_long)
    assert len(problems) == 1
    assert f"MediaStore accepts at most {POLICY_TEXT_MAX}" in problems[0]


def test_length_counts_the_compact_text_not_the_users_whitespace():
    prefixes = [{"prefix": "p" * 700 + str(index)} for index in range(10)]
    fits = policy(days_rule(path=prefixes))
    assert len(json.dumps(fits, indent=80)) > POLICY_TEXT_MAX  # as the user might have written it
    assert len(lifecycle_policy_text(fits)) <= POLICY_TEXT_MAX
    assert lifecycle_policy_problems(fits) == []


# ------------------------------------------------------------------------------------- wire text and comparison


def test_text_is_compact_stable_json():
    value = policy(days_rule())
    text = lifecycle_policy_text(value)
    assert json.loads(text) == value
    assert " " not in text
    reordered = {"rules": [{"action": "EXPIRE", "definition": dict(reversed(list(days_rule()["definition"].items())))}]}
    assert lifecycle_policy_text(reordered) == text


def test_equal_policies_do_not_differ_whatever_the_key_order_or_spacing():
    current = json.loads(json.dumps(policy(days_rule(), seconds_rule()), indent=4))
    desired = json.loads(lifecycle_policy_text(policy(days_rule(), seconds_rule())))
    assert not lifecycle_policies_differ(current, desired)


def test_rule_order_counts():
    assert lifecycle_policies_differ(policy(days_rule(), seconds_rule()), policy(seconds_rule(), days_rule()))


def test_path_entry_order_counts():
    two = [{"prefix": "a/"}, {"prefix": "b/"}]
    assert lifecycle_policies_differ(policy(days_rule(path=two)), policy(days_rule(path=list(reversed(two)))))


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["rules"][0].update(action="ARCHIVE"),
        lambda p: p["rules"][0]["definition"]["days_since_create"][0]["numeric"].__setitem__(1, 8),
        lambda p: p["rules"][0]["definition"]["days_since_create"][0]["numeric"].__setitem__(0, ">="),
        lambda p: p["rules"][0]["definition"]["path"].append({"prefix": "more/"}),
        lambda p: p["rules"].append(seconds_rule()),
    ],
)
def test_any_change_differs(change):
    current = policy(days_rule())
    desired = copy.deepcopy(current)
    change(desired)
    assert lifecycle_policies_differ(current, desired)


def test_no_policy_differs_from_a_policy():
    assert lifecycle_policies_differ(None, policy(days_rule()))


def test_whole_and_fractional_numbers_compare_equal():
    # A stored policy read back through another JSON encoder may carry 7.0; that is not a change.
    assert not lifecycle_policies_differ(policy(days_rule(days=7.0)), policy(days_rule(days=7)))
