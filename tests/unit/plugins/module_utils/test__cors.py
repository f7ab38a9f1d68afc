# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import json

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._cors import (
    MAX_AGE_MAX,
    POLICY_MAX_CHARACTERS,
    from_api,
    normalise_rules,
    rules_differ,
    rules_problems,
    to_api,
)


def rule(**overrides):
    """A rule as the module's argument spec delivers it: every key present."""
    base = {
        "allowed_origins": ["https://player.example.com"],
        "allowed_methods": ["GET", "HEAD"],
        "allowed_headers": ["*"],
        "expose_headers": ["Content-Length"],
        "max_age_seconds": 3000,
    }
    base.update(overrides)
    return base


# ---------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "rules",
    [
        [rule()],
        [rule(allowed_methods=["get", "Head", "PUT", "delete"])],
        [rule(allowed_origins=["*"])],
        [rule(allowed_origins=["https://*.example.com", "http://localhost:8080"])],
        [rule(allowed_headers=[], expose_headers=[], max_age_seconds=None)],
        [rule(allowed_headers=["x-amz-*", "Range"])],
        [rule(max_age_seconds=0)],
        [rule(max_age_seconds=MAX_AGE_MAX)],
        [rule(allowed_origins=[f"https://o{i}.example.com" for i in range(100)])],
        [rule(allowed_headers=[f"h{i}" for i in range(100)])],
        [rule()] * 100,
        [rule(allowed_origins=["https://caf\u00e9.example.com"])],  # Latin-1 is allowed
    ],
)
def test_valid_rules_have_no_problems(rules):
    assert rules_problems(rules) == []


@pytest.mark.parametrize(
    "rules, fragment",
    [
        (None, "rules: at least one rule is required"),
        ([], "rules: at least one rule is required"),
        ([rule()] * 101, "rules: a CORS policy has at most 100 rules, got 101"),
        ([rule(allowed_origins=[])], "rules[0].allowed_origins: at least one origin"),
        ([rule(allowed_origins=None)], "rules[0].allowed_origins: at least one origin"),
        ([rule(), rule(allowed_methods=[])], "rules[1].allowed_methods: at least one method"),
        ([rule(allowed_methods=["GET", "POST"])], "rules[0].allowed_methods: 'POST' is not a CORS method"),
        ([rule(allowed_methods=["OPTIONS"])], "'OPTIONS' is not a CORS method"),
        (
            [rule(allowed_origins=["https://*.*.example.com"])],
            "rules[0].allowed_origins: 'https://*.*.example.com' has 2 '*'",
        ),
        ([rule(allowed_origins=["**"])], "has 2 '*'"),
        ([rule(allowed_headers=["x-*-*"])], "rules[0].allowed_headers: 'x-*-*' has 2 '*'"),
        ([rule(allowed_origins=[""])], "rules[0].allowed_origins: every entry is a string of 1 to 2048"),
        ([rule(allowed_origins=["https://" + "a" * 2041])], "1 to 2048 characters"),
        ([rule(allowed_headers=["h" * 8193])], "rules[0].allowed_headers: every entry is a string of 1 to 8192"),
        ([rule(expose_headers=[""])], "rules[0].expose_headers: every entry"),
        ([rule(allowed_origins=["https://\u0444.example.com"])], "outside Latin-1"),
        ([rule(expose_headers=["X-\u2603"])], "outside Latin-1"),
        ([rule(allowed_origins=[f"https://o{i}.example.com" for i in range(101)])], "at most 100 entries"),
        ([rule(allowed_headers=[f"h{i}" for i in range(101)])], "rules[0].allowed_headers: at most 100 entries"),
        ([rule(expose_headers=[f"h{i}" for i in range(101)])], "rules[0].expose_headers: at most 100 entries"),
        ([rule(max_age_seconds=-1)], "rules[0].max_age_seconds: must be a whole number from 0 to 2147483647"),
        ([rule(max_age_seconds=MAX_AGE_MAX + 1)], "max_age_seconds: must be a whole number"),
        ([rule(max_age_seconds=True)], "max_age_seconds: must be a whole number"),
        (["not a rule"], "rules[0]: a rule is a dictionary"),
    ],
)
def test_rule_breaking_rules_are_rejected(rules, fragment):
    problems = rules_problems(rules)
    assert any(fragment in problem for problem in problems), problems
    assert all(problem.startswith("rules") for problem in problems)


@pytest.mark.parametrize("key", ["allowed_origins", "allowed_headers", "expose_headers"])
@pytest.mark.parametrize("control", ["\r\n", "\n", "\r", "\x00", "\t", "\x1f", "\x7f"])
def test_control_characters_are_refused_in_every_header_value(key, control):
    problems = rules_problems([rule(**{key: [f"https://a.example.com{control}X-Injected: 1"]})])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"rules[0].{key}: ")
    assert "control characters" in problems[0]


@pytest.mark.parametrize(
    "bad_rule, fragment",
    [
        (
            dict(rule(), allowed_origin=["x"]),
            "rules[0]: unknown key 'allowed_origin'; use allowed_headers, "
            "allowed_methods, allowed_origins, expose_headers, max_age_seconds (or their API names AllowedHeaders, "
            "AllowedMethods, AllowedOrigins, ExposeHeaders, MaxAgeSeconds)",
        ),
        (dict(rule(), Extra=1), "rules[0]: unknown key 'Extra'"),
        (dict(rule(), AllowedOrigins=["x"]), "rules[0]: AllowedOrigins is given twice (in snake_case and PascalCase)"),
        (rule(allowed_origins={"a": 1}), "rules[0].allowed_origins: must be a list of strings"),
        (rule(allowed_headers=7), "rules[0].allowed_headers: must be a list of strings"),
        (rule(expose_headers=[["Content-Length"]]), "rules[0].expose_headers: every entry is a string"),
        (rule(allowed_methods=[1]), "rules[0].allowed_methods: 1 is not a CORS method"),
        (rule(max_age_seconds="soon"), "rules[0].max_age_seconds: must be a whole number"),
        ("GET", "rules[0]: a rule is a dictionary"),
        (["GET"], "rules[0]: a rule is a dictionary"),
    ],
)
def test_rules_as_written_by_hand_are_checked_key_by_key(bad_rule, fragment):
    rules, problems = normalise_rules([bad_rule])
    problems += rules_problems(rules)
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize("rules", ["GET", {"allowed_origins": ["*"]}, 3])
def test_rules_must_be_a_list(rules):
    assert normalise_rules(rules) == (rules, [])
    assert rules_problems(rules) == ["rules: must be a list of rules (dictionaries), 1 to 100."]


def test_normalise_rules_converts_as_ansible_does_and_fills_defaults():
    written = [{"allowed_origins": "https://a.example.com", "allowed_methods": "GET,head", "max_age_seconds": "30"}]
    assert normalise_rules(written)[0] == [
        {
            "allowed_origins": ["https://a.example.com"],
            "allowed_methods": ["GET", "head"],
            "allowed_headers": [],
            "expose_headers": [],
            "max_age_seconds": 30,
        }
    ]
    assert rules_problems(normalise_rules(written)[0]) == []


def test_rules_with_the_api_keys_read_as_the_snake_case_ones():
    api_rules = [
        {
            "AllowedOrigins": ["https://a.example.com"],
            "AllowedMethods": "GET,HEAD",
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": "30",
        }
    ]
    snake_rules = [
        {
            "allowed_origins": ["https://a.example.com"],
            "allowed_methods": ["GET", "HEAD"],
            "allowed_headers": ["*"],
            "expose_headers": ["ETag"],
            "max_age_seconds": 30,
        }
    ]
    assert normalise_rules(api_rules) == (snake_rules, [])
    assert normalise_rules(api_rules) == normalise_rules(snake_rules)


def test_an_unknown_key_is_named_with_the_option():
    rules, problems = normalise_rules([rule(), dict(rule(), AllowedOrigin=["*"])], option="cors")
    assert rules[1] == rule()
    assert problems == [
        "cors[1]: unknown key 'AllowedOrigin'; use allowed_headers, allowed_methods, allowed_origins, "
        "expose_headers, max_age_seconds (or their API names AllowedHeaders, AllowedMethods, "
        "AllowedOrigins, ExposeHeaders, MaxAgeSeconds)."
    ]


def test_normalise_rules_keeps_what_it_cannot_read_for_the_checks():
    assert normalise_rules(None) == (None, [])
    assert normalise_rules([]) == ([], [])
    assert normalise_rules(["GET"]) == (["GET"], [])
    assert normalise_rules([rule(max_age_seconds="soon")])[0][0]["max_age_seconds"] == "soon"


def test_star_in_expose_headers_is_not_limited():
    # The one-wildcard rule is documented for origins and allowed headers only.
    assert rules_problems([rule(expose_headers=["x-**"])]) == []


def test_every_problem_is_reported_at_once():
    problems = rules_problems([rule(allowed_origins=[], allowed_methods=["POST"], max_age_seconds=-5)])
    assert len(problems) == 3


def test_size_limit_counts_the_json_that_is_sent():
    # 100 rules of 100 origins of 40 characters are about 410,000 characters.
    origins = [f"https://{f'o{i:03d}'.ljust(20, 'x')}.example.com" for i in range(100)]
    rules = [rule(allowed_origins=origins)] * 100
    size = len(json.dumps(to_api(rules)))
    assert size > POLICY_MAX_CHARACTERS
    problems = rules_problems(rules)
    assert problems == [
        f"rules: a CORS policy has at most {POLICY_MAX_CHARACTERS} characters of JSON, this one has {size}."
    ]
    fitting = rules[: len(rules) * POLICY_MAX_CHARACTERS // size - 1]
    assert rules_problems(fitting) == []


def test_option_name_is_used_in_messages():
    assert rules_problems([], option="cors_rules")[0].startswith("cors_rules: ")
    assert rules_problems([rule(allowed_origins=[])], option="cors_rules")[0].startswith("cors_rules[0].")


# ---------------------------------------------------------------------------------------------- conversion


def test_to_api_upper_cases_methods_once_and_leaves_unset_keys_out():
    api = to_api([rule(allowed_methods=["get", "GET", "Head"], expose_headers=[], max_age_seconds=None)])
    assert api == [
        {"AllowedOrigins": ["https://player.example.com"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"]}
    ]


def test_to_api_keeps_everything_set_in_order():
    api = to_api([rule(allowed_origins=["https://b", "https://a"], allowed_headers=None)])
    assert api == [
        {
            "AllowedOrigins": ["https://b", "https://a"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": [],
            "ExposeHeaders": ["Content-Length"],
            "MaxAgeSeconds": 3000,
        }
    ]


def test_from_api_gives_every_key_in_snake_case():
    assert from_api([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": []}]) == [
        {
            "allowed_origins": ["*"],
            "allowed_methods": ["GET"],
            "allowed_headers": [],
            "expose_headers": [],
            "max_age_seconds": None,
        }
    ]
    assert from_api(None) is None


def test_round_trip():
    rules = [rule(), rule(allowed_origins=["*"], allowed_methods=["PUT"], expose_headers=[], max_age_seconds=None)]
    assert from_api(to_api(rules)) == rules


# ---------------------------------------------------------------------------------------------- comparison

FIRST = rule(allowed_origins=["https://a.example.com"])
SECOND = rule(allowed_origins=["https://b.example.com"], allowed_methods=["GET"])


@pytest.mark.parametrize(
    "current, desired",
    [
        ([FIRST, SECOND], [FIRST, SECOND]),
        ([rule(allowed_origins=["https://a", "https://b"])], [rule(allowed_origins=["https://b", "https://a"])]),
        ([rule(allowed_methods=["GET", "HEAD"])], [rule(allowed_methods=["head", "get"])]),
        ([rule(allowed_headers=["a", "b"])], [rule(allowed_headers=["b", "a"])]),
        ([rule(expose_headers=["ETag", "Content-Length"])], [rule(expose_headers=["Content-Length", "ETag"])]),
        ([rule(expose_headers=[])], [rule(expose_headers=None)]),
        ([rule(allowed_origins=["https://a", "https://a"])], [rule(allowed_origins=["https://a"])]),
    ],
)
def test_equivalent_rules_do_not_differ(current, desired):
    assert rules_differ(to_api(current), to_api(desired)) is False


def test_service_shapes_without_optional_keys_compare_equal_to_empty_ones():
    served = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": [], "ExposeHeaders": []}]
    assert (
        rules_differ(
            served,
            to_api(
                [
                    rule(
                        allowed_origins=["*"],
                        allowed_methods=["GET"],
                        allowed_headers=[],
                        expose_headers=[],
                        max_age_seconds=None,
                    )
                ]
            ),
        )
        is False
    )


@pytest.mark.parametrize(
    "current, desired",
    [
        ([FIRST, SECOND], [SECOND, FIRST]),  # first match wins: order is behaviour
        ([FIRST], [FIRST, SECOND]),
        ([FIRST, SECOND], [FIRST]),
        ([rule()], [rule(allowed_origins=["https://other.example.com"])]),
        ([rule()], [rule(allowed_methods=["GET"])]),
        ([rule()], [rule(allowed_headers=[])]),
        ([rule()], [rule(expose_headers=["ETag"])]),
        ([rule()], [rule(max_age_seconds=None)]),
        ([rule()], [rule(max_age_seconds=0)]),
        ([rule(allowed_origins=["https://A.example.com"])], [rule(allowed_origins=["https://a.example.com"])]),
    ],
)
def test_different_rules_differ(current, desired):
    assert rules_differ(to_api(current), to_api(desired)) is True


@pytest.mark.parametrize("current, desired, expected", [(None, None, False), (None, [], True), ([], None, True)])
def test_no_policy_is_only_equal_to_no_policy(current, desired, expected):
    assert rules_differ(current, desired) is expected
