import json

import pytest

from mediastore_emulator import validation
from mediastore_emulator.errors import ServiceError

ARN = "arn:aws:mediastore:us-east-1:111122223333:container/movies"


def rejects(fn, *args, match=None):
    with pytest.raises(ServiceError) as info:
        fn(*args)
    assert info.value.code == "ValidationException"
    assert info.value.status == 400
    if match:
        assert match in info.value.message, info.value.message
    return info.value.message


# --- container names ---


@pytest.mark.parametrize("name", ["a", "movies", "Live_Events-2", "x" * 255, "_-_", "0"])
def test_container_name_accepted(name):
    assert validation.container_name(name) == name


@pytest.mark.parametrize(
    "name, rule",
    [
        ("", "required"),
        (None, "required"),
        (5, "required"),
        ("x" * 256, "at most 255"),
        ("bad name", "only letters"),
        ("dots.not.allowed", "only letters"),
        ("ünïcode", "only letters"),
        ("slash/no", "only letters"),
    ],
)
def test_container_name_rejected(name, rule):
    message = rejects(validation.container_name, name, match=rule)
    assert "ContainerName" in message


# --- MaxResults and ARNs ---


@pytest.mark.parametrize("value, low, high", [(1, 1, 100), (100, 1, 100), (1000, 1, 1000), (None, 1, 100)])
def test_max_results_accepted(value, low, high):
    assert validation.max_results(value, low, high) == value


@pytest.mark.parametrize("value, low, high", [(0, 1, 100), (101, 1, 100), (1001, 1, 1000), ("5", 1, 100), (True, 1, 5)])
def test_max_results_rejected(value, low, high):
    rejects(validation.max_results, value, low, high, match="MaxResults")


@pytest.mark.parametrize(
    "arn",
    [ARN, "arn:aws:mediastore:eu-west-1:000000000000:container/a-b_c"],
)
def test_arn_accepted(arn):
    assert validation.container_arn(arn) == arn.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "movies",
        "arn:aws-cn:mediastore:cn-north-1:111122223333:container/movies",
        "arn:aws:mediastore:us-east-1:1111:container/movies",
        "arn:aws:s3:::bucket",
        "arn:aws:mediastore:us-east-1:111122223333:container/bad name",
    ],
)
def test_arn_rejected(arn):
    rejects(validation.container_arn, arn, match="Resource")


# --- object and folder paths ---


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("a.ts", "a.ts"),
        ("/folder/README.md", "folder/README.md"),
        ("//folder/README.md", "folder/README.md"),
        ("f=1/g:2/h~3/i-4/j_5.ts", "f=1/g:2/h~3/i-4/j_5.ts"),
        ("/".join(["d"] * 10) + "/file", "/".join(["d"] * 10) + "/file"),
        ("x" * 900, "x" * 900),
    ],
)
def test_object_path_accepted(raw, normalised):
    assert validation.object_path(raw) == normalised


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("", "required"),
        ("/", "required"),
        ("a//b", "empty"),
        ("a/b/", "empty"),
        ("a b.ts", "may contain only"),
        ("a/b?.ts", "may contain only"),
        ("a/./b", "'.' or '..'"),
        ("a/../b", "'.' or '..'"),
        ("/".join(["d"] * 11) + "/file", "folder levels"),
        ("x" * 901, "at most 900"),
        ("dossier/é.ts", "may contain only"),
    ],
)
def test_object_path_rejected(raw, rule):
    rejects(validation.object_path, raw, match=rule)


@pytest.mark.parametrize(
    "raw, normalised",
    [(None, ""), ("", ""), ("/", ""), ("a", "a"), ("/a/", "a"), ("a/b", "a/b"), ("a/b/", "a/b")],
)
def test_folder_path_accepted(raw, normalised):
    assert validation.folder_path(raw) == normalised


@pytest.mark.parametrize("raw", ["a//b", "a b", "x" * 901, "/".join(["d"] * 12)])
def test_folder_path_rejected(raw):
    rejects(validation.folder_path, raw, match="Path")


@pytest.mark.parametrize("value, expected", [(None, "TEMPORAL"), ("TEMPORAL", "TEMPORAL")])
def test_storage_class(value, expected):
    assert validation.storage_class(value) == expected


@pytest.mark.parametrize("value", ["STANDARD", "temporal", ""])
def test_storage_class_rejected(value):
    rejects(validation.storage_class, value, match="StorageClass")


@pytest.mark.parametrize("value", ["STANDARD", "STREAMING"])
def test_upload_availability(value):
    assert validation.upload_availability(value) == value


@pytest.mark.parametrize("value", ["streaming", "FAST"])
def test_upload_availability_rejected(value):
    rejects(validation.upload_availability, value, match="UploadAvailability")


# --- tags ---


@pytest.mark.parametrize(
    "tags, expected",
    [
        ([{"Key": "env", "Value": "prod"}], {"env": "prod"}),
        ([{"Key": "a b:c/d=e+f-g@h_i.j", "Value": ""}], {"a b:c/d=e+f-g@h_i.j": ""}),
        ([{"Key": "ключ", "Value": "значение 42"}], {"ключ": "значение 42"}),
        ([{"Key": "k"}], {"k": ""}),
        ([{"Key": "k" * 128, "Value": "v" * 256}], {"k" * 128: "v" * 256}),
    ],
)
def test_tags_accepted(tags, expected):
    assert validation.tags(tags) == expected


@pytest.mark.parametrize(
    "tags, rule",
    [
        ([], "non-empty"),
        ([{"Value": "x"}], "Key"),
        ([{"Key": ""}], "1 to 128"),
        ([{"Key": "k" * 129}], "1 to 128"),
        ([{"Key": "k", "Value": "v" * 257}], "at most 256"),
        ([{"Key": "bad#key"}], "may contain only"),
        ([{"Key": "k", "Value": "semi;colon"}], "may contain only"),
        ([{"Key": "aws:reserved"}], "reserved"),
        ([{"Key": "AWS:reserved"}], "reserved"),
        ([{"Key": "k"}, {"Key": "k"}], "more than once"),
    ],
)
def test_tags_rejected(tags, rule):
    rejects(validation.tags, tags, match=rule)


def test_tag_count_limit():
    validation.tag_count({str(i): "" for i in range(50)})
    rejects(validation.tag_count, {str(i): "" for i in range(51)}, match="at most 50")


# --- container policy ---


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(**overrides):
    base = {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["mediastore:GetObject"],
        "Resource": ARN + "/*",
    }
    base.update(overrides)
    return base


SECURE = {"Bool": {"aws:SecureTransport": "true"}}


@pytest.mark.parametrize(
    "text",
    [
        policy(statement()),
        policy(statement(Resource=[ARN + "/public/*", ARN + "/x"])),
        policy(statement(Action="mediastore:PutObject", Condition=SECURE)),
        policy(statement(Action="mediastore:*", Condition=SECURE)),
        policy(statement(Effect="Deny", Action="mediastore:PutObject")),
        json.dumps({"Statement": statement()}),
    ],
)
def test_container_policy_accepted(text):
    assert isinstance(validation.container_policy(text, ARN), dict)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("", "required"),
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps({"Version": "2012-10-17"}), "Statement"),
        (policy(), "Statement"),
        (policy(statement(Resource="*")), "must be scoped to files inside " + ARN),
        (policy(statement(Resource=ARN)), "must be scoped"),
        (policy(statement(Resource=ARN.replace("movies", "other") + "/*")), "must be scoped"),
        (policy(statement(Effect="Maybe")), "Effect"),
        (policy({"Sid": "x", "Effect": "Allow", "Principal": "*", "Resource": ARN + "/*"}), "no Action"),
        (policy(statement(Action="mediastore:PutObject")), "aws:SecureTransport"),
        (policy(statement(Action="mediastore:Put*")), "aws:SecureTransport"),
        (policy(statement(Action="*")), "aws:SecureTransport"),
        (policy(statement(Action="mediastore:*", Condition={"Bool": {"aws:SecureTransport": "false"}})), "Secure"),
        (policy(statement(Sid="é")).replace("\\u00e9", "é"), "ASCII"),
        (policy(statement(Sid="x" * 8192)), "at most 8192"),
    ],
)
def test_container_policy_rejected(text, rule):
    rejects(validation.container_policy, text, ARN, match=rule)


# --- CORS ---


def cors_rule(**overrides):
    rule = {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}
    rule.update(overrides)
    return rule


@pytest.mark.parametrize(
    "rules",
    [
        [cors_rule()],
        [cors_rule(AllowedOrigins=["http://*.example.com"], AllowedMethods=["PUT", "GET", "DELETE", "HEAD"])],
        [cors_rule(AllowedHeaders=[], MaxAgeSeconds=0, ExposeHeaders=["ETag"])],
        [cors_rule(MaxAgeSeconds=2147483647)],
        [cors_rule() for _rule_number in range(100)],
    ],
)
def test_cors_accepted(rules):
    assert validation.cors_policy(rules) == rules


@pytest.mark.parametrize(
    "rules, rule",
    [
        ([], "1 to 100"),
        ([cors_rule() for _rule_number in range(101)], "1 to 100"),
        ([{"AllowedMethods": ["GET"], "AllowedHeaders": []}], "AllowedOrigins is required"),
        ([cors_rule(AllowedOrigins=[])], "AllowedOrigins must be a list of 1"),
        ([cors_rule(AllowedOrigins=["http://*.*.com"])], "more than one '*'"),
        ([cors_rule(AllowedMethods=[])], "AllowedMethods needs at least one"),
        ([{"AllowedOrigins": ["*"], "AllowedHeaders": []}], "AllowedMethods needs at least one"),
        ([cors_rule(AllowedMethods=["POST"])], "must be one of PUT, GET, DELETE, HEAD"),
        ([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}], "AllowedHeaders is required"),
        ([cors_rule(AllowedHeaders=["x-*-*"])], "more than one '*'"),
        ([cors_rule(MaxAgeSeconds=-1)], "MaxAgeSeconds"),
        ([cors_rule(MaxAgeSeconds=2147483648)], "MaxAgeSeconds"),
        ([cors_rule(Unknown=1)], "unknown field"),
        ([cors_rule(AllowedOrigins=["x" * 2049])], "1 to 2048"),
        ([cors_rule(AllowedHeaders=["h" * 8000] * 50)], "398000"),
        ([cors_rule(ExposeHeaders=["ETag\r\nSet-Cookie: a=b"])], "no control characters"),
        ([cors_rule(AllowedOrigins=["http://a.example\n"])], "no control characters"),
        ([cors_rule(AllowedHeaders=["x-a\tb"])], "no control characters"),
        ([cors_rule(AllowedHeaders=["x-\x7f"])], "no control characters"),
        ([cors_rule(ExposeHeaders=["x-\u0100"])], "printable Latin-1"),
    ],
)
def test_cors_rejected(rules, rule):
    rejects(validation.cors_policy, rules, match=rule)


# --- lifecycle ---


def lifecycle(*rules):
    return json.dumps({"rules": list(rules)})


def lc_rule(path, condition, action="EXPIRE"):
    return {"definition": {"path": path, **condition}, "action": action}


DAYS = {"days_since_create": [{"numeric": [">", 5]}]}
SECONDS = {"seconds_since_create": [{"numeric": [">", 15]}]}


@pytest.mark.parametrize(
    "text",
    [
        lifecycle(),
        lifecycle(lc_rule([{"prefix": "Football/"}], DAYS)),
        lifecycle(lc_rule([{"prefix": ""}], DAYS)),
        lifecycle(lc_rule([{"wildcard": "*.ts"}], SECONDS)),
        lifecycle(lc_rule([{"wildcard": "*"}], {"seconds_since_create": [{"numeric": [">=", 300]}]})),
        lifecycle(lc_rule([{"wildcard": "*"}], {"seconds_since_create": [{"numeric": [">=", 1]}]})),
        lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">=", 30]}]}, "ARCHIVE")),
        lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">", 36500]}]})),
        lifecycle(*[lc_rule([{"prefix": str(i)}], DAYS) for i in range(10)]),
        lifecycle(lc_rule([{"prefix": str(i)} for i in range(10)], DAYS)),
    ],
)
def test_lifecycle_accepted(text):
    validation.lifecycle_policy(text)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("", "required"),
        ("nope", "not valid JSON"),
        (json.dumps({"Rules": []}), '{"rules": [...]}'),
        (json.dumps([]), '{"rules": [...]}'),
        (lifecycle(*[lc_rule([{"prefix": str(i)}], DAYS) for i in range(11)]), "at most 10 rules"),
        (lifecycle({"definition": {"path": [{"prefix": "a"}], **DAYS}}), "exactly 'definition' and 'action'"),
        (lifecycle(lc_rule([{"prefix": "a"}], DAYS, "DELETE")), "EXPIRE or ARCHIVE"),
        (lifecycle(lc_rule([], DAYS)), "1 to 10"),
        (lifecycle(lc_rule([{"prefix": str(i)} for i in range(11)], DAYS)), "1 to 10"),
        (lifecycle(lc_rule([{"suffix": "a"}], DAYS)), "prefix"),
        (lifecycle(lc_rule([{"prefix": "a", "wildcard": "b"}], DAYS)), "prefix"),
        (lifecycle(lc_rule([{"prefix": "a"}, {"wildcard": "b"}], DAYS)), "cannot be mixed"),
        (lifecycle(lc_rule([{"prefix": "a"}], {})), "exactly one of"),
        (lifecycle(lc_rule([{"wildcard": "a"}], {**DAYS, **SECONDS})), "exactly one of"),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": ["<", 5]}]})), '">" or ">="'),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">", "5"]}]})), "integer"),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": {"numeric": [">", 5]}})), "numeric"),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">", 0]}]})), "1 to 36500"),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">", 36501]}]})), "1 to 36500"),
        (lifecycle(lc_rule([{"prefix": "a"}], SECONDS)), "wildcard paths only"),
        (lifecycle(lc_rule([{"wildcard": "*"}], {"seconds_since_create": [{"numeric": [">", 301]}]})), "1 to 300"),
        (lifecycle(lc_rule([{"wildcard": "*"}], {"seconds_since_create": [{"numeric": [">", 0]}]})), "1 to 300"),
        (lifecycle(lc_rule([{"wildcard": "*"}], SECONDS, "ARCHIVE")), "EXPIRE only"),
        (lifecycle(lc_rule([{"prefix": "a"}], DAYS, "ARCHIVE")), "ARCHIVE requires"),
        (lifecycle(lc_rule([{"prefix": "a"}], {"days_since_create": [{"numeric": [">", 30]}]}, "ARCHIVE")), "ARCHIVE"),
        (json.dumps({"rules": [], "pad": "x" * 8192}), "at most 8192"),
    ],
)
def test_lifecycle_rejected(text, rule):
    rejects(validation.lifecycle_policy, text, match=rule)


# --- metric policy ---


@pytest.mark.parametrize(
    "policy",
    [
        {"ContainerLevelMetrics": "ENABLED"},
        {"ContainerLevelMetrics": "DISABLED", "MetricPolicyRules": [{"ObjectGroup": "*", "ObjectGroupName": "all"}]},
        {
            "ContainerLevelMetrics": "ENABLED",
            "MetricPolicyRules": [
                {"ObjectGroup": f"/sport/{i}/*.ts", "ObjectGroupName": f"Group_{i}"} for i in range(5)
            ],
        },
        {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": [{"ObjectGroup": "a/", "ObjectGroupName": "x" * 30}]},
    ],
)
def test_metric_accepted(policy):
    assert validation.metric_policy(policy) == policy


def metric(rules):
    return {"ContainerLevelMetrics": "ENABLED", "MetricPolicyRules": rules}


@pytest.mark.parametrize(
    "policy, rule",
    [
        ({}, "ENABLED or DISABLED"),
        ({"ContainerLevelMetrics": "maybe"}, "ENABLED or DISABLED"),
        ({"ContainerLevelMetrics": "ENABLED", "Extra": 1}, "unknown field"),
        (metric([]), "1 to 5"),
        (metric([{"ObjectGroup": "a", "ObjectGroupName": f"n{i}"} for i in range(6)]), "1 to 5"),
        (metric([{"ObjectGroup": "a b", "ObjectGroupName": "n"}]), "ObjectGroup"),
        (metric([{"ObjectGroup": "", "ObjectGroupName": "n"}]), "ObjectGroup"),
        (metric([{"ObjectGroup": "x" * 901, "ObjectGroupName": "n"}]), "ObjectGroup"),
        (metric([{"ObjectGroup": "a", "ObjectGroupName": "bad-name"}]), "ObjectGroupName"),
        (metric([{"ObjectGroup": "a", "ObjectGroupName": "x" * 31}]), "ObjectGroupName"),
        (metric([{"ObjectGroup": "a", "ObjectGroupName": "n"}, {"ObjectGroup": "b", "ObjectGroupName": "n"}]), "more"),
        (metric([{"ObjectGroup": "a"}]), "exactly ObjectGroup and ObjectGroupName"),
    ],
)
def test_metric_rejected(policy, rule):
    rejects(validation.metric_policy, policy, match=rule)
