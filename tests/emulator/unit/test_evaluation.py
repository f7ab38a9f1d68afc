import pytest

from mediastore_emulator import evaluation

ARN = "arn:aws:mediastore:us-east-1:111122223333:container/movies"
HTTP = {"secure_transport": False, "source_ip": "192.0.2.10"}


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**overrides):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject", "Resource": ARN + "/*"}
    statement.update(overrides)
    return statement


def deny(**overrides):
    return allow(Effect="Deny", **overrides)


def decide(document, action="mediastore:GetObject", path="a/b.ts", context=None):
    return evaluation.anonymous_allowed(document, action, f"{ARN}/{path}", HTTP if context is None else context)


# --- container policy ---


@pytest.mark.parametrize(
    "document, action, path, expected",
    [
        (doc(), "mediastore:GetObject", "a", False),
        (doc(allow()), "mediastore:GetObject", "a/b.ts", True),
        (doc(allow()), "mediastore:PutObject", "a/b.ts", False),
        (doc(allow(Principal={"AWS": "*"})), "mediastore:GetObject", "a", True),
        (doc(allow(Principal={"AWS": ["*"]})), "mediastore:GetObject", "a", True),
        (doc(allow(Principal={"AWS": "arn:aws:iam::111122223333:root"})), "mediastore:GetObject", "a", False),
        (doc(allow(Action="mediastore:Get*")), "mediastore:GetObject", "a", True),
        (doc(allow(Action="mediastore:Get*")), "mediastore:DescribeObject", "a", False),
        (doc(allow(Action="mediastore:*")), "mediastore:ListItems", "", True),
        (doc(allow(Action="MEDIASTORE:getobject")), "mediastore:GetObject", "a", True),
        (doc(allow(Action=["mediastore:DescribeObject", "mediastore:GetObject"])), "mediastore:GetObject", "a", True),
        (doc(allow(Action="mediastore:Get?bject")), "mediastore:GetObject", "a", True),
        (doc(allow(Resource=ARN + "/public/*")), "mediastore:GetObject", "public/x.ts", True),
        (doc(allow(Resource=ARN + "/public/*")), "mediastore:GetObject", "private/x.ts", False),
        (doc(allow(Resource=[ARN + "/x.ts", ARN + "/y/*"])), "mediastore:GetObject", "y/z", True),
        (doc(allow(Resource=ARN + "/*.m3u8")), "mediastore:GetObject", "live/index.m3u8", True),
        (doc(allow(), deny()), "mediastore:GetObject", "a", False),
        (doc(deny(), allow()), "mediastore:GetObject", "a", False),
        (
            doc(allow(Action="mediastore:*"), deny(Action="mediastore:DeleteObject")),
            "mediastore:DeleteObject",
            "a",
            False,
        ),
        (doc(allow(Action="mediastore:*"), deny(Action="mediastore:DeleteObject")), "mediastore:GetObject", "a", True),
        (doc(allow(NotAction="mediastore:PutObject")), "mediastore:GetObject", "a", False),
        ({"Statement": allow()}, "mediastore:GetObject", "a", True),
        (None, "mediastore:GetObject", "a", False),
    ],
)
def test_anonymous_decision(document, action, path, expected):
    assert decide(document, action, path) is expected


SECURE_TRUE = {"Bool": {"aws:SecureTransport": "true"}}
SECURE_FALSE = {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize(
    "condition, context, expected",
    [
        (SECURE_TRUE, HTTP, False),
        (SECURE_FALSE, HTTP, True),
        ({"Bool": {"aws:SecureTransport": ["true", "false"]}}, HTTP, True),
        (SECURE_TRUE, {"secure_transport": True, "source_ip": "192.0.2.10"}, True),
        ({"Bool": {"aws:SecureTransport": False}}, HTTP, True),
        ({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, HTTP, True),
        ({"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "192.0.2.10/32"]}}, HTTP, True),
        ({"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, HTTP, False),
        ({"IpAddress": {"aws:SourceIp": "192.0.2.10"}}, HTTP, True),
        ({"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, HTTP, True),
        ({"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, HTTP, False),
        ({"IpAddress": {"aws:SourceIp": "::1/128"}}, {"secure_transport": False, "source_ip": "::1"}, True),
        ({"IpAddress": {"aws:SourceIp": "not-a-cidr"}}, HTTP, False),
        ({**SECURE_FALSE, "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, HTTP, True),
        ({**SECURE_TRUE, "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, HTTP, False),
        # Unsupported operators or keys: the statement does not apply at all.
        ({"StringLike": {"aws:Referer": "*"}}, HTTP, False),
        ({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, HTTP, False),
        ({"IpAddress": {"aws:VpcSourceIp": "0.0.0.0/0"}}, HTTP, False),
    ],
)
def test_allow_conditions(condition, context, expected):
    assert decide(doc(allow(Condition=condition)), context=context) is expected


@pytest.mark.parametrize(
    "overrides",
    [
        {"Condition": {"StringLike": {"aws:UserAgent": "*curl*"}}},
        {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
        {"Condition": {"IpAddress": ["10.0.0.0/8"]}},
        {"Condition": ["not", "a", "mapping"]},
        {"NotResource": ARN + "/private/*"},
        {"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}},
    ],
)
def test_deny_that_cannot_be_evaluated_denies(overrides):
    assert decide(doc(allow(), deny(**overrides))) is False


@pytest.mark.parametrize(
    "overrides",
    [
        {"Condition": {"StringLike": {"aws:UserAgent": "*curl*"}}},
        {"NotResource": ARN + "/private/*"},
        {"Condition": "aws:SecureTransport"},
    ],
)
def test_allow_that_cannot_be_evaluated_does_not_allow(overrides):
    assert decide(doc(allow(**overrides))) is False


@pytest.mark.parametrize(
    "replaced, by",
    [
        ("Action", {"NotAction": "mediastore:PutObject"}),
        ("Principal", {"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}}),
        ("Resource", {"NotResource": ARN + "/private/*"}),
    ],
)
def test_deny_with_a_not_element_denies(replaced, by):
    statement = {key: value for key, value in deny().items() if key != replaced}
    assert decide(doc(allow(), {**statement, **by})) is False


def test_deny_for_another_action_or_resource_does_not_deny():
    document = doc(
        allow(),
        deny(Action="mediastore:PutObject", Condition={"StringLike": {"aws:UserAgent": "*"}}),
        deny(Resource=ARN + "/private/*", Condition={"StringLike": {"aws:UserAgent": "*"}}),
    )
    assert decide(document) is True


def test_deny_with_matching_condition_wins():
    document = doc(allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert decide(document) is False


# --- CORS ---


@pytest.mark.parametrize(
    "allowed, origin, expected",
    [
        ("*", "http://anything.example", True),
        ("http://www.example.com", "http://www.example.com", True),
        ("http://www.example.com", "https://www.example.com", False),
        ("http://www.example.com", "http://www.example.com:80", False),
        ("http://www.example.com", "http://www.example.com.evil", False),
        ("http://*.example.com", "http://cdn.example.com", True),
        ("http://*.example.com", "http://a.b.example.com", True),
        ("http://*.example.com", "http://example.com", False),
        ("http://*.example.com", "https://cdn.example.com", False),
        ("https://app.example.com:*", "https://app.example.com:8443", True),
        ("*.example.com", "https://x.example.com", True),
    ],
)
def test_origin_matches(allowed, origin, expected):
    assert evaluation.origin_matches(allowed, origin) is expected


RULES = [
    {"AllowedOrigins": ["https://studio.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["content-*"]},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000},
]


@pytest.mark.parametrize(
    "origin, method, headers, expected_index",
    [
        ("https://studio.example.com", "PUT", ["content-type"], 0),
        ("https://studio.example.com", "PUT", ["content-type", "x-amz-date"], None),
        ("https://studio.example.com", "GET", ["x-anything"], 1),
        ("https://other.example.com", "PUT", [], None),
        ("https://other.example.com", "GET", [], 1),
        ("https://other.example.com", "DELETE", [], None),
        ("", "GET", [], None),
        (None, "GET", [], None),
    ],
)
def test_match_cors_rule(origin, method, headers, expected_index):
    rule = evaluation.match_cors_rule(RULES, origin, method, headers)
    assert rule is (None if expected_index is None else RULES[expected_index])


def test_first_matching_rule_wins():
    rules = [
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": [], "MaxAgeSeconds": 1},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": [], "MaxAgeSeconds": 2},
    ]
    assert evaluation.match_cors_rule(rules, "http://a", "GET")["MaxAgeSeconds"] == 1


def test_no_rules_no_match():
    assert evaluation.match_cors_rule(None, "http://a", "GET") is None
    assert evaluation.match_cors_rule([], "http://a", "GET") is None


def test_cors_headers_for_lone_star_rule():
    headers = evaluation.cors_headers(RULES[1], "https://x.example", ["range"], preflight=True)
    assert headers == {
        "Vary": "Origin",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD",
        "Access-Control-Allow-Headers": "range",
        "Access-Control-Max-Age": "3000",
    }


def test_cors_headers_echo_specific_origin_and_expose():
    rule = {
        "AllowedOrigins": ["*", "https://studio.example.com"],
        "AllowedMethods": ["PUT"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag", "Content-Range"],
    }
    headers = evaluation.cors_headers(rule, "https://studio.example.com")
    assert headers["Access-Control-Allow-Origin"] == "https://studio.example.com"
    assert headers["Access-Control-Expose-Headers"] == "ETag, Content-Range"
    assert "Access-Control-Allow-Headers" not in headers
    assert "Access-Control-Max-Age" not in headers


@pytest.mark.parametrize(
    "value, expected",
    [(None, []), ("", []), ("Content-Type", ["content-type"]), (" a , B,,c ", ["a", "b", "c"])],
)
def test_parse_request_headers(value, expected):
    assert evaluation.parse_request_headers(value) == expected


# --- lifecycle ---


def rule(kind, operator, number, path_kind, patterns, action="EXPIRE"):
    return {
        "kind": kind,
        "operator": operator,
        "number": number,
        "action": action,
        "path_kind": path_kind,
        "patterns": patterns,
    }


@pytest.mark.parametrize(
    "rules, path, expected",
    [
        ([], "a.ts", None),
        ([rule("seconds_since_create", ">", 15, "wildcard", ["*"])], "a.ts", 16),
        ([rule("seconds_since_create", ">=", 15, "wildcard", ["*"])], "a.ts", 15),
        ([rule("seconds_since_create", ">", 5, "wildcard", ["live/*.ts"])], "live/seg1.ts", 6),
        ([rule("seconds_since_create", ">", 5, "wildcard", ["live/*.ts"])], "live/index.m3u8", None),
        ([rule("days_since_create", ">", 5, "prefix", [""])], "a.ts", None),
        (
            [
                rule("seconds_since_create", ">", 5, "wildcard", ["x/*"]),
                rule("seconds_since_create", ">", 9, "wildcard", ["*"]),
            ],
            "y/z",
            10,
        ),
    ],
)
def test_transient_lifetime(rules, path, expected):
    assert evaluation.transient_lifetime(rules, path) == expected


@pytest.mark.parametrize(
    "path_kind, patterns, path, expected",
    [
        ("prefix", [""], "anything", True),
        ("prefix", ["Football/"], "Football/a.ts", True),
        ("prefix", ["Football/"], "Tennis/a.ts", False),
        ("wildcard", ["Football/index*.m3u8"], "Football/index_1.m3u8", True),
        ("wildcard", ["Football/index*.m3u8"], "Football/seg.ts", False),
    ],
)
def test_lifecycle_rule_matches(path_kind, patterns, path, expected):
    assert evaluation.lifecycle_rule_matches(rule("days_since_create", ">", 1, path_kind, patterns), path) is expected
