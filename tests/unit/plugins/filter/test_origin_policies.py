# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The origin role's filters: shorthands become documents the modules accept; results become a change report."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.elemental.mediastore.plugins.filter.origin_policies import (
    FilterModule,
    origin_access_policy,
    origin_cache_control_rules,
    origin_changes,
    origin_cors_rules,
    origin_lifecycle_policy,
    origin_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    allows_put_object,
    container_arn_problems,
    document_problems,
    is_default_policy,
    requires_secure_transport,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._cors import rules_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._lifecycle import lifecycle_policy_problems

ARN = "arn:aws:mediastore:us-west-2:111122223333:container/live_origin"
READ = ["mediastore:GetObject", "mediastore:DescribeObject"]
HTTPS = {"Bool": {"aws:SecureTransport": "true"}}


def by_sid(document):
    return {statement["Sid"]: statement for statement in document["Statement"]}


# ------------------------------------------------------------------------------------------- access policy


def test_public_read_is_https_only_get_and_describe_for_anyone():
    statements = by_sid(origin_access_policy({"public_read": True}, ARN))
    assert statements["PublicReadOverHttps"] == {
        "Sid": "PublicReadOverHttps",
        "Effect": "Allow",
        "Principal": "*",
        "Action": READ,
        "Resource": f"{ARN}/*",
        "Condition": HTTPS,
    }


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_access_policy_in_another_partition(partition):
    arn = f"arn:{partition}:mediastore:cn-north-1:111122223333:container/live_origin"
    document = origin_access_policy({"public_read": True, "read_accounts": ["444455556666"]}, arn)
    statements = by_sid(document)
    assert statements["MediaStoreFullAccess"]["Principal"] == {"AWS": f"arn:{partition}:iam::111122223333:root"}
    assert statements["ReadForAccounts"]["Principal"] == {"AWS": [f"arn:{partition}:iam::444455556666:root"]}
    assert {statement["Resource"] for statement in statements.values()} == {f"{arn}/*"}
    assert document_problems(document, "live_origin") == []
    assert container_arn_problems(document, arn) == []


def test_public_read_stays_https_only_even_with_https_only_false():
    statements = by_sid(origin_access_policy({"public_read": True, "https_only": False}, ARN))
    assert statements["PublicReadOverHttps"]["Condition"] == HTTPS


def test_owner_full_access_is_kept_by_default_and_equals_the_default_policy():
    document = origin_access_policy({}, ARN)
    assert is_default_policy(document, ARN)


def test_owner_full_access_can_be_left_out():
    document = origin_access_policy({"owner_full_access": False, "public_read": True}, ARN)
    assert list(by_sid(document)) == ["PublicReadOverHttps"]


@pytest.mark.parametrize(
    "entry, principal",
    [
        ("444455556666", "arn:aws:iam::444455556666:root"),
        ("arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:root"),
        ("arn:aws:iam::444455556666:role/cdn-reader", "arn:aws:iam::444455556666:role/cdn-reader"),
        ("arn:aws:iam::444455556666:user/alice", "arn:aws:iam::444455556666:user/alice"),
    ],
)
def test_read_accounts_become_principals(entry, principal):
    statement = by_sid(origin_access_policy({"read_accounts": [entry]}, ARN))["ReadForAccounts"]
    assert statement["Principal"] == {"AWS": [principal]}
    assert statement["Action"] == READ
    assert statement["Condition"] == HTTPS


@pytest.mark.parametrize("https_only, condition", [(True, {**HTTPS}), (False, {})])
def test_read_cidrs_use_source_ip_and_optionally_https(https_only, condition):
    cidrs = ["203.0.113.0/24", "2001:db8::/32"]
    statement = by_sid(origin_access_policy({"read_cidrs": cidrs, "https_only": https_only}, ARN))["ReadFromCidrs"]
    assert statement["Principal"] == "*"
    assert statement["Condition"] == {**condition, "IpAddress": {"aws:SourceIp": cidrs}}


def test_accounts_without_https_only_have_no_condition():
    statement = by_sid(origin_access_policy({"read_accounts": ["444455556666"], "https_only": False}, ARN))
    assert "Condition" not in statement["ReadForAccounts"]


@pytest.mark.parametrize(
    "access",
    [
        {},
        {"public_read": True},
        {"public_read": True, "read_accounts": ["444455556666"], "read_cidrs": ["10.0.0.0/8"]},
        {"owner_full_access": False, "read_cidrs": ["10.0.0.0/8"], "https_only": False},
    ],
)
def test_every_shorthand_satisfies_the_service_rules(access):
    document = origin_access_policy(access, ARN)
    assert document["Version"] == "2012-10-17"
    assert document_problems(document, "live_origin") == []
    assert container_arn_problems(document, ARN) == []
    for statement in document["Statement"]:
        assert statement["Resource"] == f"{ARN}/*"
        if allows_put_object(statement):
            assert statement["Sid"] == "MediaStoreFullAccess"
            assert requires_secure_transport(statement)


@pytest.mark.parametrize(
    "access, message",
    [
        ({"owner_full_access": False}, "origin.access: grants nothing"),
        ({"read_accounts": ["1234"]}, "origin.access.read_accounts: '1234' is neither a 12-digit account ID"),
        ({"read_accounts": ["arn:aws:s3:::bucket"]}, "origin.access.read_accounts: 'arn:aws:s3:::bucket'"),
        ({"read_accounts": "444455556666"}, "origin.access.read_accounts: must be a list of non-empty strings"),
        ({"read_accounts": [""]}, "origin.access.read_accounts: must be a list of non-empty strings"),
        ({"read_cidrs": ["10.0.0.1/8"]}, "origin.access.read_cidrs: '10.0.0.1/8' is not a CIDR range"),
        ({"read_cidrs": ["example.com"]}, "origin.access.read_cidrs: 'example.com' is not a CIDR range"),
        ({"public_reed": True}, "origin.access: unknown key(s) public_reed"),
    ],
)
def test_bad_access_shorthand_names_the_key_and_rule(access, message):
    with pytest.raises(AnsibleFilterError, match=None) as caught:
        origin_access_policy(access, ARN)
    assert message in str(caught.value)


@pytest.mark.parametrize("arn", [None, "", "live_origin", "arn:aws:s3:::bucket"])
def test_access_policy_needs_a_container_arn(arn):
    with pytest.raises(AnsibleFilterError, match="the container must exist"):
        origin_access_policy({"public_read": True}, arn)


def test_access_shorthand_must_be_a_dict():
    with pytest.raises(AnsibleFilterError, match="origin.access: must be a dictionary, not list"):
        origin_access_policy([], ARN)


# ------------------------------------------------------------------------------------------- CORS


def test_cors_shorthand_defaults_to_read_only_for_the_players():
    rules = origin_cors_rules({"allowed_origins": ["https://player.example.com"]})
    assert rules == [
        {
            "allowed_origins": ["https://player.example.com"],
            "allowed_methods": ["GET", "HEAD"],
            "allowed_headers": ["*"],
            "expose_headers": [],
            "max_age_seconds": 3000,
        }
    ]
    assert rules_problems(rules) == []


def test_cors_shorthand_keeps_explicit_values():
    rules = origin_cors_rules(
        {
            "allowed_origins": ["https://*.example.com"],
            "allowed_methods": ["GET"],
            "allowed_headers": [],
            "expose_headers": ["Content-Length"],
            "max_age_seconds": 0,
        }
    )
    assert rules[0]["allowed_methods"] == ["GET"]
    assert rules[0]["allowed_headers"] == []
    assert rules[0]["expose_headers"] == ["Content-Length"]
    assert rules[0]["max_age_seconds"] == 0


@pytest.mark.parametrize(
    "cors, message",
    [
        ({}, "origin.cors.allowed_origins: at least one origin"),
        ({"allowed_origins": []}, "origin.cors.allowed_origins: at least one origin"),
        ({"allowed_origins": ["https://*.*.example.com"]}, "origin.cors.allowed_origins: 'https://*.*.example.com'"),
        ({"allowed_origins": ["*"], "allowed_methods": ["POST"]}, "origin.cors.allowed_methods: 'POST'"),
        ({"allowed_origins": ["*"], "max_age_seconds": -1}, "origin.cors.max_age_seconds"),
        ({"allowed_origins": ["*"], "origins": ["x"]}, "origin.cors: unknown key(s) origins"),
        ("https://player.example.com", "origin.cors: must be a dictionary"),
    ],
)
def test_bad_cors_shorthand_names_the_key_and_rule(cors, message):
    with pytest.raises(AnsibleFilterError) as caught:
        origin_cors_rules(cors)
    assert message in str(caught.value)


# ------------------------------------------------------------------------------------------- lifecycle


def days(*paths, kind="prefix", n=7):
    return {
        "definition": {"path": [{kind: p} for p in paths], "days_since_create": [{"numeric": [">", n]}]},
        "action": "EXPIRE",
    }


def seconds(*wildcards, n=60):
    return {
        "definition": {"path": [{"wildcard": w} for w in wildcards], "seconds_since_create": [{"numeric": [">", n]}]},
        "action": "EXPIRE",
    }


@pytest.mark.parametrize(
    "expire, rules",
    [
        ([{"prefixes": ["live/"], "days": 7}], [days("live/")]),
        ([{"prefixes": ["a/", "b"], "days": 30}], [days("a/", "b", n=30)]),
        ([{"prefixes": [""], "days": 1}], [days("", n=1)]),
        ([{"wildcards": ["live/*.ts"], "days": 7}], [days("live/*.ts", kind="wildcard")]),
        ([{"prefixes": ["ll/"], "seconds": 60}], [seconds("ll/*")]),
        ([{"prefixes": ["ll"], "seconds": 60}], [seconds("ll/*")]),
        ([{"prefixes": ["/ll/x/"], "seconds": 60}], [seconds("ll/x/*")]),
        ([{"prefixes": [""], "seconds": 300}], [seconds("*", n=300)]),
        ([{"wildcards": ["ll/*.m4s"], "seconds": 1}], [seconds("ll/*.m4s", n=1)]),
        (
            [{"prefixes": ["live/"], "days": 7}, {"prefixes": ["ll/"], "seconds": 120}],
            [days("live/"), seconds("ll/*", n=120)],
        ),
    ],
)
def test_expiry_shorthand_becomes_the_service_grammar(expire, rules):
    policy = origin_lifecycle_policy(expire)
    assert policy == {"rules": rules}
    assert lifecycle_policy_problems(policy) == []


def test_seconds_rules_never_use_prefixes():
    policy = origin_lifecycle_policy([{"prefixes": ["a/", "b/"], "seconds": 10}])
    assert all("wildcard" in path for path in policy["rules"][0]["definition"]["path"])


@pytest.mark.parametrize(
    "expire, message",
    [
        ([], "origin.expire: must be a non-empty list"),
        (None, "origin.expire: must be a non-empty list"),
        ([{"days": 7}], "origin.expire[0]: give exactly one of prefixes and wildcards"),
        ([{"prefixes": ["a/"], "wildcards": ["b/*"], "days": 7}], "origin.expire[0]: give exactly one of prefixes"),
        ([{"prefixes": ["a/"]}], "origin.expire[0]: give exactly one of days and seconds"),
        ([{"prefixes": ["a/"], "days": 7, "seconds": 7}], "origin.expire[0]: give exactly one of days and seconds"),
        ([{"prefixes": "a/", "days": 7}], "origin.expire[0].prefixes: must be a list of strings"),
        ([{"wildcards": [""], "days": 7}], "origin.expire[0].wildcards: must be a list of non-empty strings"),
        ([{"prefixes": ["a/"], "days": 7, "weeks": 1}], "origin.expire[0]: unknown key(s) weeks"),
        (["a/"], "origin.expire[0]: must be a dictionary"),
        ([{"prefixes": ["a/"], "days": 0}], "days_since_create: must be 1 to 36500 days, not 0"),
        ([{"prefixes": ["a/"], "days": 36501}], "days_since_create: must be 1 to 36500 days"),
        ([{"prefixes": ["a/"], "seconds": 301}], "seconds_since_create: must be 1 to 300 seconds, not 301"),
        ([{"prefixes": ["a/"], "seconds": 0}], "seconds_since_create: must be 1 to 300 seconds"),
        ([{"prefixes": ["a b/"], "days": 7}], "prefix: 'a b/' is not valid"),
        ([{"prefixes": ["a/"], "days": 7}] * 11, "at most 10 rules"),
        ([{"prefixes": [f"p{i}/" for i in range(11)], "days": 7}], "path"),
    ],
)
def test_bad_expiry_shorthand_names_the_key_and_rule(expire, message):
    with pytest.raises(AnsibleFilterError) as caught:
        origin_lifecycle_policy(expire)
    assert message in str(caught.value)
    assert str(caught.value).startswith("origin.expire")


# ------------------------------------------------------------------------------------------- cache rules


def test_cache_rules_default_to_short_manifests_and_long_segments():
    rules = origin_cache_control_rules({"src": "/srv/hls"})
    assert {rule["pattern"]: rule["cache_control"] for rule in rules} == {
        "*.m3u8": "max-age=2",
        "*.mpd": "max-age=2",
        "*.ts": "max-age=86400",
        "*.m4s": "max-age=86400",
        "*.mp4": "max-age=86400",
        "*.aac": "max-age=86400",
        "*.vtt": "max-age=86400",
    }
    assert [rule["pattern"] for rule in rules][:2] == ["*.m3u8", "*.mpd"]


def test_cache_rules_take_the_given_ages():
    rules = origin_cache_control_rules({"manifest_max_age": 0, "segment_max_age": None})
    assert rules[0]["cache_control"] == "max-age=0"
    assert rules[-1]["cache_control"] == "max-age=86400"


@pytest.mark.parametrize(
    "key, value", [("manifest_max_age", -1), ("segment_max_age", "1d"), ("manifest_max_age", True)]
)
def test_bad_cache_ages_name_the_key(key, value):
    with pytest.raises(AnsibleFilterError, match=f"origin.content.{key}: must be a whole number"):
        origin_cache_control_rules({key: value})


# ------------------------------------------------------------------------------------------- change report

ACTIVE = {
    "name": "live_origin",
    "access_logging_enabled": False,
    "tags": {"team": "video"},
    "lifecycle_policy": None,
    "metric_policy": None,
}


def container_result(before, after, changed=True):
    return {"changed": changed, "diff": {"before": before, "after": after}, "container": {}}


def test_nothing_changed_reports_nothing():
    report = origin_changes(
        {
            "container": container_result(ACTIVE, ACTIVE, changed=False),
            "access_policy": {"changed": False, "diff": {"before": {"a": 1}, "after": {"a": 1}}},
            "cors": {"skipped": True, "changed": False},
            "content": None,
        }
    )
    assert report == {"changes": [], "diffs": {}, "summary": []}


def test_a_new_container_is_one_aspect():
    report = origin_changes({"container": container_result({}, ACTIVE)})
    assert report["changes"] == ["container"]
    assert report["diffs"]["container"] == {"before": {}, "after": ACTIVE}


def test_a_deleted_container_is_one_aspect():
    report = origin_changes({"container": container_result(ACTIVE, {})})
    assert report["changes"] == ["container"]
    assert report["diffs"]["container"]["after"] == {}


@pytest.mark.parametrize(
    "key, value, aspect",
    [
        ("tags", {"team": "other"}, "tags"),
        ("access_logging_enabled", True, "access_logging"),
        ("lifecycle_policy", {"rules": []}, "lifecycle"),
        ("metric_policy", {"container_level_metrics": "ENABLED"}, "metric_policy"),
    ],
)
def test_container_aspects_are_reported_one_by_one(key, value, aspect):
    report = origin_changes({"container": container_result(ACTIVE, {**ACTIVE, key: value})})
    assert report["changes"] == [aspect]
    assert report["diffs"][aspect] == {"before": ACTIVE[key], "after": value}


def test_other_aspects_come_from_their_results_in_role_order():
    report = origin_changes(
        {
            "content": {"changed": True, "diff": {"before": {}, "after": {"a.ts": {"reason": "new"}}}},
            "cors": {"changed": True, "diff": {"before": {"rules": [1]}, "after": {}}},
            "access_policy": {"changed": True, "diff": {"before": {}, "after": {"Version": "2012-10-17"}}},
            "container": container_result(ACTIVE, {**ACTIVE, "tags": {}}),
        }
    )
    assert report["changes"] == ["tags", "access_policy", "cors", "content"]
    assert report["diffs"]["cors"] == {"before": {"rules": [1]}, "after": {}}
    assert report["summary"][0] == 'tags: before {"team":"video"} after {}'


def test_pending_aspects_are_changes_with_no_before():
    report = origin_changes(
        {"container": container_result({}, ACTIVE), "cors": {"skipped": True, "changed": False}},
        {"cors": {"rules": ["r"]}, "access_policy": {"access": {"public_read": True}}},
    )
    assert report["changes"] == ["container", "access_policy", "cors"]
    assert report["diffs"]["cors"] == {"before": None, "after": {"rules": ["r"]}}


def test_summary_lines_are_shortened():
    big = {"path": "x" * 2000}
    report = origin_changes({"content": {"changed": True, "diff": {"before": {}, "after": big}}})
    assert len(report["summary"][0]) < 600
    assert report["summary"][0].endswith("...")


def test_results_must_be_a_dict():
    with pytest.raises(AnsibleFilterError, match="results must be a dictionary"):
        origin_changes([])


def test_every_filter_is_registered():
    assert sorted(FilterModule().filters()) == [
        "origin_access_policy",
        "origin_cache_control_rules",
        "origin_changes",
        "origin_cors_rules",
        "origin_lifecycle_policy",
        "origin_problems",
    ]


# ---------------------------------------------------------------------------------------------- origin_problems

STAND_IN = "arn:aws:mediastore:us-east-1:000000000000:container/live_origin"


def full_origin(tmp_path):
    (tmp_path / "hls").mkdir()
    (tmp_path / "hls" / "index.m3u8").write_text("#EXTM3U\n")
    return {
        "name": "live_origin",
        "state": "present",
        "tags": {"team": "video"},
        "access": {"public_read": True},
        "cors": {"allowed_origins": ["https://player.example.com"]},
        "expire": [{"prefixes": ["live/"], "days": 7}],
        "metric_policy": {"container_level_metrics": "ENABLED"},
        "content": {
            "src": str(tmp_path / "hls"),
            "prefix": "live/channel1",
            "manifest_max_age": 2,
            "segment_max_age": 60,
            "max_concurrency": 8,
        },
        "wait_timeout": 300,
    }


def test_a_valid_origin_has_no_problems(tmp_path):
    assert origin_problems(full_origin(tmp_path), STAND_IN) == []


def test_full_forms_are_checked_as_the_modules_check_them(tmp_path):
    origin = full_origin(tmp_path)
    for shorthand in ("access", "cors", "expire"):
        del origin[shorthand]
    origin.update(
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": READ, "Resource": f"{STAND_IN}/*", "Condition": HTTPS}
            ],
        },
        cors_rules=[{"allowed_origins": ["*"], "allowed_methods": ["GET"]}],
        lifecycle_policy={
            "rules": [
                {
                    "definition": {"path": [{"prefix": "a/"}], "days_since_create": [{"numeric": [">", 3]}]},
                    "action": "EXPIRE",
                }
            ]
        },
    )
    assert origin_problems(origin, STAND_IN) == []
    # the empty full forms remove an aspect
    origin.update(policy={}, cors_rules=[], lifecycle_policy={}, metric_policy={})
    assert origin_problems(origin, STAND_IN) == []


@pytest.mark.parametrize(
    "changes, fragment",
    [
        ({"name": "live origin"}, "origin.name: 'live origin' is not a valid container name"),
        ({"tags": {"aws:x": "y"}}, "origin.tags: tag key 'aws:x'"),
        ({"access": {"read_cidrs": ["10.0.0.1/8"]}}, "origin.access.read_cidrs: '10.0.0.1/8' is not a CIDR range"),
        ({"cors": {"allowed_origins": ["https://a.example\r\n"]}}, "origin.cors.allowed_origins:"),
        ({"expire": [{"wildcards": ["ll/*"], "seconds": 600}]}, "seconds_since_create: must be 1 to 300"),
        ({"metric_policy": {"container_level_metrics": "ON"}}, "origin.metric_policy.container_level_metrics"),
        ({"content": {"src": "/nonexistent/hls"}}, "origin.content.src: '/nonexistent/hls' does not exist"),
        ({"content": {"src": "/etc/hostname"}}, "origin.content.src: '/etc/hostname' is not a directory"),
        ({"content": {"src": None}}, "origin.content.src: a local directory is required"),
        ({"content": {"src": "{src}", "prefix": "../x"}}, "origin.content.prefix: '../x' has '..'"),
        ({"content": {"src": "{src}", "max_concurrency": 0}}, "origin.content.max_concurrency: must be between"),
        ({"content": {"src": "{src}", "segment_max_age": -1}}, "origin.content.segment_max_age: must be a whole"),
        ({"wait_timeout": -1}, "origin.wait_timeout: must be 0 or more seconds"),
    ],
)
def test_every_variable_is_checked_naming_it(tmp_path, changes, fragment):
    origin = full_origin(tmp_path)
    if "content" in changes and changes["content"].get("src") == "{src}":
        changes["content"]["src"] = origin["content"]["src"]
    origin.update(changes)
    problems = origin_problems(origin, STAND_IN)
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (
            {
                "policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": READ,
                            "Resource": f"{STAND_IN}/*",
                            "Condition": [HTTPS],
                        }
                    ],
                }
            },
            "origin.policy: Condition in statement 1 must be a mapping",
        ),
        ({"cors_rules": ["GET"]}, "origin.cors_rules[0]: a rule is a dictionary"),
        ({"lifecycle_policy": {"rules": []}}, 'origin.lifecycle_policy: "rules" must be a list'),
    ],
)
def test_full_forms_name_the_variable(tmp_path, changes, fragment):
    origin = full_origin(tmp_path)
    for shorthand in ("access", "cors", "expire"):
        del origin[shorthand]
    origin.update(changes)
    problems = origin_problems(origin, STAND_IN)
    assert any(fragment in problem for problem in problems), problems


def test_a_bad_file_in_the_content_is_named(tmp_path):
    origin = full_origin(tmp_path)
    (tmp_path / "hls" / "bad name.ts").write_bytes(b"x")
    assert any("origin.content.src file 'bad name.ts'" in problem for problem in origin_problems(origin, STAND_IN))


def test_every_problem_is_reported_at_once(tmp_path):
    origin = dict(full_origin(tmp_path), name="a b", tags={"aws:x": "y"}, content={"src": "/nonexistent"})
    problems = origin_problems(origin, STAND_IN)
    assert [problem.split(":", maxsplit=1)[0] for problem in problems] == [
        "origin.name",
        "origin.tags",
        "origin.content.src",
    ]


def test_a_teardown_checks_only_the_name(tmp_path):
    origin = {"name": "live_origin", "state": "absent", "content": {"src": "/nonexistent"}}
    assert origin_problems(origin, STAND_IN) == []
    assert origin_problems(dict(origin, name="a b"), STAND_IN)[0].startswith("origin.name: ")
