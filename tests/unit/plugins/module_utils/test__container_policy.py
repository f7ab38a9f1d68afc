# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import copy
import json

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    POLICY_MAX_LENGTH,
    action_matches,
    allows_put_object,
    canonical_policy,
    container_arn_problems,
    default_policy,
    document_problems,
    is_default_policy,
    policies_differ,
    policy_json,
    requires_secure_transport,
)

ARN = "arn:aws:mediastore:us-east-1:111122223333:container/movies"
SECURE = {"Bool": {"aws:SecureTransport": "true"}}


def public_read(resource=ARN + "/*"):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
                "Resource": resource,
            }
        ],
    }


def two_statements():
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Owner",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "mediastore:*",
                "Resource": ARN + "/*",
                "Condition": SECURE,
            },
            {
                "Sid": "PartnerRead",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
                "Resource": [ARN + "/*"],
                "Condition": SECURE,
            },
        ],
    }


# ---------------------------------------------------------------------------------------------- parsing


def test_policy_json_is_compact_and_keeps_key_order():
    assert policy_json({"b": 1, "a": [1, 2]}) == '{"b":1,"a":[1,2]}'


# ---------------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    "document",
    [
        public_read(),
        public_read(resource=[ARN + "/*", ARN + "/live/*"]),
        public_read(resource="arn:aws:mediastore:*:*:container/movies/*"),
        two_statements(),
        default_policy(ARN),
        # a single statement written as an object
        {"Version": "2012-10-17", "Statement": public_read()["Statement"][0]},
        # PutObject allowed over HTTPS only
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "mediastore:PutObject",
                    "Resource": ARN + "/uploads/*",
                    "Condition": {"Bool": {"aws:SecureTransport": True}},
                }
            ],
        },
        # a Deny statement may name PutObject without the condition
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "mediastore:PutObject", "Resource": ARN + "/*"}
            ],
        },
    ],
)
def test_valid_policies_have_no_problems(document):
    assert document_problems(document, "movies") == []
    assert container_arn_problems(document, ARN) == [] or "*:*" in json.dumps(document)


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d.pop("Statement"), "Statement must be"),
        (lambda d: d.update(Statement=[]), "Statement must be"),
        (lambda d: d.update(Statement="text"), "Statement must be"),
        (lambda d: d["Statement"].append("not an object"), "must be a JSON object"),
        (
            lambda d: d["Statement"][0].update(Effect="allow"),
            "Effect in statement 'PublicRead' must be 'Allow' or 'Deny'",
        ),
        (lambda d: d["Statement"][0].pop("Effect"), "Effect in statement"),
        (lambda d: d["Statement"][0].pop("Principal"), "has no Principal"),
        (lambda d: d["Statement"][0].pop("Action"), "has no Action"),
        (lambda d: d["Statement"][0].pop("Resource"), "has no Resource"),
        (lambda d: d["Statement"][0].update(Action=[]), "Action in statement"),
        (lambda d: d["Statement"][0].update(Action=[7]), "Action in statement"),
        (lambda d: d["Statement"][0].update(Resource=[]), "at least one resource"),
        (lambda d: d["Statement"][0].update(Resource="*"), "must be scoped to files inside container 'movies'"),
        (lambda d: d["Statement"][0].update(Resource=ARN), "must be scoped to files inside"),
        (lambda d: d["Statement"][0].update(Resource=ARN + "/"), "must be scoped to files inside"),
        (
            lambda d: d["Statement"][0].update(Resource="arn:aws:mediastore:us-east-1:111122223333:container/other/*"),
            "must be scoped to files inside",
        ),
        (
            lambda d: d["Statement"][0].update(
                Resource="arn:aws:mediastore:us-east-1:111122223333:container/movies2/*"
            ),
            "must be scoped to files inside",
        ),
        (lambda d: d["Statement"][0].update(Resource="arn:aws:s3:::movies/*"), "must be scoped to files inside"),
        (lambda d: d["Statement"][0].update(Action="mediastore:PutObject"), "allows mediastore:PutObject"),
        (lambda d: d["Statement"][0].update(Action="mediastore:*"), "allows mediastore:PutObject"),
        (lambda d: d["Statement"][0].update(Action="*"), "allows mediastore:PutObject"),
        (lambda d: d["Statement"][0].update(Action="MediaStore:put*"), "allows mediastore:PutObject"),
        (lambda d: d["Statement"][0].update(Action="mediastore:Put?bject"), "allows mediastore:PutObject"),
        (
            lambda d: d["Statement"][0].update(
                Action="mediastore:PutObject", Condition={"Bool": {"aws:SecureTransport": "false"}}
            ),
            "allows mediastore:PutObject",
        ),
        (
            lambda d: d["Statement"][0].update(
                Action="mediastore:PutObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
            ),
            "allows mediastore:PutObject",
        ),
        (
            lambda d: (d["Statement"][0].pop("Action"), d["Statement"][0].update(NotAction="mediastore:DeleteObject")),
            "allows mediastore:PutObject",
        ),
        (lambda d: d["Statement"][0].update(Sid="Caf\u00e9"), "ASCII only"),
        (lambda d: d["Statement"][0].update(Sid="x" * POLICY_MAX_LENGTH), "at most 8192 characters"),
    ],
)
def test_rule_breaking_policies_are_rejected(mutate, fragment):
    document = public_read()
    mutate(document)
    problems = document_problems(document, "movies")
    assert any(fragment in problem for problem in problems), problems
    assert all(problem.startswith("policy: ") for problem in problems)


def statement_with(**changes):
    document = public_read()
    document["Statement"][0].update(changes)
    return document


@pytest.mark.parametrize(
    "document",
    [
        statement_with(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}),
        statement_with(Condition={"Bool": {"aws:SecureTransport": True}}),
        statement_with(Condition={"NumericLessThan": {"aws:EpochTime": 1700000000}}),
        statement_with(Condition={"StringLike": {"aws:Referer": ["https://*.example.com/*"]}, "Bool": {"a:b": "x"}}),
        statement_with(Condition={"Null": {"aws:SourceIp": "false"}}),
        statement_with(Principal={"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]}),
        statement_with(Principal={"AWS": "*"}),
        statement_with(Principal={"Service": "cloudfront.amazonaws.com"}),
        statement_with(
            Principal={"AWS": "arn:aws:iam::111122223333:root", "Federated": "cognito-identity.amazonaws.com"}
        ),
        dict(public_read(), Id="policy-1"),
        dict(public_read(), Version="2008-10-17"),
    ],
)
def test_the_policy_grammar_accepts_every_documented_shape(document):
    assert document_problems(document, "movies") == []


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (
            {"Condition": [{"Bool": {"aws:SecureTransport": "true"}}]},
            "Condition in statement 'PublicRead' must be a mapping of condition operator to a mapping of "
            "condition key to a value or a list of values",
        ),
        ({"Condition": "aws:SecureTransport"}, "Condition in statement 'PublicRead' must be a mapping"),
        ({"Condition": {}}, "Condition in statement 'PublicRead' must be a mapping"),
        ({"Condition": {"Bool": "aws:SecureTransport"}}, "Condition operator 'Bool' in statement 'PublicRead'"),
        ({"Condition": {"Bool": ["aws:SecureTransport"]}}, "Condition operator 'Bool'"),
        ({"Condition": {"Bool": {}}}, "Condition operator 'Bool'"),
        ({"Condition": {"IpAddress": {"aws:SourceIp": {"cidr": "10/8"}}}}, "Condition key 'aws:SourceIp'"),
        ({"Condition": {"IpAddress": {"aws:SourceIp": [["10.0.0.0/8"]]}}}, "Condition key 'aws:SourceIp'"),
        ({"Condition": {"IpAddress": {"aws:SourceIp": []}}}, "Condition key 'aws:SourceIp'"),
        ({"Condition": {"IpAddress": {"aws:SourceIp": None}}}, "Condition key 'aws:SourceIp'"),
        ({"Effect": ["Allow"]}, "Effect in statement 'PublicRead' must be 'Allow' or 'Deny'"),
        ({"Action": {"a": 1}}, "Action in statement 'PublicRead' must be a string or a list of strings"),
        ({"Action": ""}, "Action in statement 'PublicRead' must be a string or a list of strings"),
        ({"Resource": [7]}, "Resource in statement 'PublicRead' must be a string or a list of strings"),
        ({"Resource": {"a": 1}}, "Resource in statement 'PublicRead' must be a string or a list of strings"),
        ({"Principal": "someone"}, "Principal in statement 'PublicRead' must be \"*\" or a mapping"),
        ({"Principal": ["*"]}, "Principal in statement 'PublicRead'"),
        ({"Principal": {}}, "Principal in statement 'PublicRead'"),
        ({"Principal": {"User": "arn:aws:iam::111122223333:root"}}, "Principal in statement 'PublicRead'"),
        ({"Principal": {"AWS": []}}, "Principal in statement 'PublicRead'"),
        ({"Principal": {"AWS": [7]}}, "Principal in statement 'PublicRead'"),
        ({"Principal": {"AWS": {"a": "b"}}}, "Principal in statement 'PublicRead'"),
        ({"Sid": 7}, "Sid in statement 1 must be a string"),
        ({"Actions": "mediastore:GetObject"}, "statement 'PublicRead' has unknown key(s) Actions"),
    ],
)
def test_statements_that_break_the_policy_grammar_are_refused(changes, fragment):
    problems = document_problems(statement_with(**changes), "movies")
    assert any(fragment in problem for problem in problems), problems
    assert all(problem.startswith("policy: ") for problem in problems)


@pytest.mark.parametrize(
    "changes, fragment",
    [
        ({"Version": "2020-01-01"}, "policy: Version must be '2012-10-17' or '2008-10-17'"),
        ({"Version": 2012}, "policy: Version must be"),
        ({"Statements": []}, "policy: unknown key(s) Statements"),
        ({"Id": 7}, "policy: Id must be a string"),
    ],
)
def test_documents_that_break_the_policy_grammar_are_refused(changes, fragment):
    document = public_read()
    document.update(changes)
    problems = document_problems(document, "movies")
    assert any(fragment in problem for problem in problems), problems


def test_a_policy_without_version_is_accepted_as_iam_reads_it():
    document = public_read()
    del document["Version"]
    assert document_problems(document, "movies") == []


def test_size_limit_counts_the_compact_json_that_is_sent():
    document = public_read()
    document["Statement"][0]["Sid"] = ""
    padding = POLICY_MAX_LENGTH - len(policy_json(document))
    document["Statement"][0]["Sid"] = "x" * padding
    assert len(policy_json(document)) == POLICY_MAX_LENGTH
    assert document_problems(document, "movies") == []
    # pretty-printed it is far longer, but that is not what is sent
    assert len(json.dumps(document, indent=4)) > POLICY_MAX_LENGTH
    document["Statement"][0]["Sid"] += "x"
    assert any("8192" in problem for problem in document_problems(document, "movies"))


def test_every_problem_is_reported_at_once():
    document = public_read(resource="*")
    document["Statement"][0]["Action"] = "mediastore:PutObject"
    document["Statement"][0]["Effect"] = "Maybe"
    problems = document_problems(document, "movies")
    assert len(problems) == 2  # PutObject is only checked for Allow statements
    document["Statement"][0]["Effect"] = "Allow"
    assert len(document_problems(document, "movies")) == 2


def test_statement_without_sid_is_named_by_position():
    document = two_statements()
    del document["Statement"][1]["Sid"]
    document["Statement"][1]["Resource"] = "*"
    assert "statement 2" in document_problems(document, "movies")[0]


@pytest.mark.parametrize(
    "partition, ok",
    [
        ("aws", True),
        ("aws-cn", True),
        ("aws-us-gov", True),
        ("aws-iso-b", True),
        ("", False),
        ("AWS", False),
        ("s3", False),
        ("aws-", False),
    ],
)
def test_resources_may_be_in_any_partition(partition, ok):
    resource = f"arn:{partition}:mediastore:cn-north-1:111122223333:container/movies/*"
    problems = document_problems(public_read(resource=resource), "movies")
    assert (problems == []) is ok
    if not ok:
        assert "must be scoped to files inside container 'movies'" in problems[0]
        assert "arn:<partition>:mediastore:" in problems[0]


@pytest.mark.parametrize(
    "partition",
    ["aws-cn", "aws-us-gov"],
)
def test_container_arn_in_another_partition_is_accepted(partition):
    arn = f"arn:{partition}:mediastore:us-gov-west-1:111122223333:container/movies"
    document = public_read(resource=arn + "/*")
    assert document_problems(document, "movies") == []
    assert container_arn_problems(document, arn) == []
    assert is_default_policy(default_policy(arn), arn)


@pytest.mark.parametrize(
    "resource, ok",
    [
        (ARN + "/*", True),
        (ARN + "/live/index.m3u8", True),
        ("arn:aws:mediastore:*:*:container/movies/*", False),
        ("arn:aws:mediastore:eu-west-1:111122223333:container/movies/*", False),
        ("arn:aws:mediastore:us-east-1:444455556666:container/movies/*", False),
    ],
)
def test_container_arn_pins_region_and_account(resource, ok):
    problems = container_arn_problems(public_read(resource=resource), ARN)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("policy: ") and ARN in problems[0]


@pytest.mark.parametrize(
    "pattern, action, expected",
    [
        ("mediastore:PutObject", "mediastore:PutObject", True),
        ("MEDIASTORE:putobject", "mediastore:PutObject", True),
        ("mediastore:*", "mediastore:PutObject", True),
        ("*", "mediastore:PutObject", True),
        ("mediastore:Put*", "mediastore:PutObject", True),
        ("mediastore:Put?bject", "mediastore:PutObject", True),
        ("mediastore:Get*", "mediastore:PutObject", False),
        ("mediastore:PutObjectX", "mediastore:PutObject", False),
        ("mediastore:Put.bject", "mediastore:PutObject", False),
    ],
)
def test_action_matches(pattern, action, expected):
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    "statement, expected",
    [
        ({"Effect": "Allow", "Action": "mediastore:PutObject"}, True),
        ({"Effect": "Allow", "Action": ["mediastore:GetObject", "mediastore:*"]}, True),
        ({"Effect": "Allow", "Action": "mediastore:GetObject"}, False),
        ({"Effect": "Deny", "Action": "mediastore:PutObject"}, False),
        ({"Effect": "Allow", "NotAction": "mediastore:GetObject"}, True),
        ({"Effect": "Allow", "NotAction": "mediastore:Put*"}, False),
        ({"Effect": "Allow"}, False),
    ],
)
def test_allows_put_object(statement, expected):
    assert allows_put_object(statement) is expected


@pytest.mark.parametrize(
    "condition, expected",
    [
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        ({"Bool": {"aws:SecureTransport": True}}, True),
        ({"Bool": {"aws:SecureTransport": ["true"]}}, True),
        ({"Bool": {"AWS:SecureTransport": "TRUE"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"Bool": {"aws:SecureTransport": ["true", "false"]}}, False),
        ({"Bool": {"aws:SecureTransport": []}}, False),
        ({"Bool": {}}, False),
        ({"Bool": "aws:SecureTransport"}, False),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
        ("true", False),
        (None, False),
    ],
)
def test_requires_secure_transport(condition, expected):
    statement = {} if condition is None else {"Condition": condition}
    assert requires_secure_transport(statement) is expected


# ---------------------------------------------------------------------------------------------- default policy


def test_default_policy_is_the_documented_one():
    assert default_policy(ARN) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MediaStoreFullAccess",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "mediastore:*",
                "Resource": ARN + "/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            }
        ],
    }


def reformatted_default():
    """The default policy as the service might store it: lists, other key order, account id principal."""
    return {
        "Statement": [
            {
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                "Resource": [ARN + "/*"],
                "Action": ["mediastore:*"],
                "Principal": {"AWS": "111122223333"},
                "Effect": "Allow",
                "Sid": "MediaStoreFullAccess",
            }
        ],
        "Version": "2012-10-17",
    }


@pytest.mark.parametrize(
    "document, expected",
    [
        (default_policy(ARN), True),
        (reformatted_default(), True),
        (json.loads(json.dumps(default_policy(ARN)).replace('"true"', "true")), True),
        (None, False),
        (public_read(), False),
        (default_policy("arn:aws:mediastore:us-east-1:111122223333:container/other"), False),
        (default_policy("arn:aws:mediastore:us-east-1:444455556666:container/movies"), False),
        (two_statements(), False),
    ],
)
def test_default_policy_detection(document, expected):
    assert is_default_policy(document, ARN) is expected


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(Sid="Other"),
        lambda s: s.pop("Condition"),
        lambda s: s.update(Action="mediastore:GetObject"),
        lambda s: s.update(Principal="*"),
    ],
)
def test_any_change_to_the_default_policy_makes_it_a_custom_one(change):
    document = default_policy(ARN)
    change(document["Statement"][0])
    assert not is_default_policy(document, ARN)


# ---------------------------------------------------------------------------------------------- comparison


def reordered(document):
    document = copy.deepcopy(document)
    document["Statement"].reverse()
    return {key: document[key] for key in reversed(list(document))}


@pytest.mark.parametrize(
    "current, desired",
    [
        (two_statements(), two_statements()),
        (two_statements(), reordered(two_statements())),
        (public_read(), public_read(resource=[ARN + "/*"])),
        (
            public_read(),
            {
                "Statement": [
                    {
                        "Resource": ARN + "/*",
                        "Action": ["mediastore:DescribeObject", "mediastore:GetObject"],
                        "Principal": {"AWS": "*"},
                        "Effect": "Allow",
                        "Sid": "PublicRead",
                    }
                ],
                "Version": "2012-10-17",
            },
        ),
        (None, None),
    ],
)
def test_equivalent_policies_do_not_differ(current, desired):
    assert policies_differ(current, desired) is False


@pytest.mark.parametrize(
    "current, desired",
    [
        (public_read(), two_statements()),
        (public_read(), public_read(resource=ARN + "/live/*")),
        (None, public_read()),
        (public_read(), None),
        (default_policy(ARN), public_read()),
    ],
)
def test_different_policies_differ(current, desired):
    assert policies_differ(current, desired) is True


LIVE_ARN = "arn:aws:mediastore:us-east-1:111122223333:container/live"
WRITTEN_TWO_WAYS = [
    (
        {"Version": "2012-10-17", "Statement": [
            {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "mediastore:*",
             "Resource": f"{LIVE_ARN}/*", "Condition": {"Bool": {"aws:SecureTransport": True}}},
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["*"]},
             "Action": ["mediastore:GetObject", "mediastore:DescribeObject"], "Resource": [f"{LIVE_ARN}/*"]},
        ]},
        {"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": "*",
             "Action": ["mediastore:DescribeObject", "mediastore:GetObject"], "Resource": f"{LIVE_ARN}/*"},
            {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": ["mediastore:*"], "Resource": [f"{LIVE_ARN}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}},
        ]},
    ),
]


@pytest.mark.parametrize("first, second", WRITTEN_TWO_WAYS)
def test_policies_that_compare_equal_look_the_same_in_canonical_form(first, second):
    assert not policies_differ(first, second)
    assert canonical_policy(first) == canonical_policy(second)


def test_canonical_form_is_readable_and_keeps_a_real_difference():
    first, _second = WRITTEN_TWO_WAYS[0]
    canonical = canonical_policy(first)
    assert [statement["Sid"] for statement in canonical["Statement"]] == ["A", "B"]
    assert canonical["Statement"][0]["Principal"] == "*"
    assert canonical["Statement"][1]["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert canonical["Statement"][1]["Action"] == ["mediastore:*"]
    assert canonical["Statement"][1]["Condition"] == {"Bool": {"aws:SecureTransport": ["true"]}}
    other = copy.deepcopy(first)
    other["Statement"][0]["Action"] = "mediastore:GetObject"
    assert canonical_policy(other) != canonical


@pytest.mark.parametrize("value", [None, "not json", {}])
def test_canonical_form_leaves_what_is_not_a_policy_alone(value):
    assert canonical_policy(value) == value
