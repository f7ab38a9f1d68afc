"""CORS over raw HTTP, the way a browser asks: Origin on simple requests, OPTIONS preflights."""

import pytest
from conformance import policy_document, public_read_statement, raw_request

RULES = [
    {
        "AllowedOrigins": ["http://www.example.com"],
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedHeaders": ["Range", "X-Custom-*"],
        "MaxAgeSeconds": 3000,
        "ExposeHeaders": ["ETag", "Content-Length"],
    },
    {
        "AllowedOrigins": ["http://*.example.com"],
        "AllowedMethods": ["GET"],
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 60,
    },
    {"AllowedOrigins": ["https://app.example.net:8443"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]},
]


def _cors_headers(headers):
    return {k: v for k, v in headers.items() if k.startswith("access-control-")}


def _split(value):
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


@pytest.fixture
def site(control, container):
    """A public-read container with one object and the CORS rules above."""
    control.put_container_policy(
        ContainerName=container["Name"], Policy=policy_document(public_read_statement(container["Name"]))
    )
    container["data"].put_object(Path="hls/index.m3u8", Body=b"#EXTM3U\n", ContentType="application/x-mpegURL")
    control.put_cors_policy(ContainerName=container["Name"], CorsPolicy=RULES)
    container["url"] = f"{container['Endpoint']}/hls/index.m3u8"
    return container


def _get(site, origin=None, method="GET"):
    headers = {"Origin": origin} if origin else {}
    return raw_request(method, site["url"], headers)


def _preflight(site, origin, method, request_headers=None):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    return raw_request("OPTIONS", site["url"], headers)


def test_no_origin_means_no_cors_headers(site):
    status, headers, body = _get(site)
    assert (status, body) == (200, b"#EXTM3U\n")
    assert _cors_headers(headers) == {}


def test_matching_origin_gets_allow_origin_vary_and_expose_headers(site):
    status, headers, body = _get(site, "http://www.example.com")
    assert (status, body) == (200, b"#EXTM3U\n")
    assert headers["access-control-allow-origin"] == "http://www.example.com"
    assert "origin" in _split(headers.get("vary"))
    assert _split(headers.get("access-control-expose-headers")) == {"etag", "content-length"}


def test_head_with_matching_origin(site):
    status, headers, _body = _get(site, "http://www.example.com", "HEAD")
    assert status == 200
    assert headers["access-control-allow-origin"] == "http://www.example.com"


@pytest.mark.parametrize(
    "origin",
    ["https://www.example.com", "http://www.example.com:80", "http://example.org", "http://www.example.com.evil.org"],
)
def test_non_matching_origin_gets_no_cors_headers(site, origin):
    status, headers, body = _get(site, origin)
    assert (status, body) == (200, b"#EXTM3U\n")  # CORS never blocks the response itself
    assert _cors_headers(headers) == {}


def test_method_must_be_allowed_by_the_matching_rule(site):
    # The only rule for this origin allows PUT, so a GET gets no CORS headers.
    _status, headers, _body = _get(site, "https://app.example.net:8443")
    assert _cors_headers(headers) == {}


@pytest.mark.parametrize("origin", ["http://cdn.example.com", "http://a.b.example.com"])
def test_wildcard_origin(site, origin):
    _status, headers, _body = _get(site, origin)
    assert headers["access-control-allow-origin"] == origin


def test_preflight_is_answered_from_the_matching_rule(site):
    status, headers, body = _preflight(site, "http://www.example.com", "GET", "range")
    assert status == 200, body
    assert headers["access-control-allow-origin"] == "http://www.example.com"
    assert "get" in _split(headers.get("access-control-allow-methods"))
    assert _split(headers.get("access-control-allow-headers")) == {"range"}
    assert headers.get("access-control-max-age") == "3000"
    assert "origin" in _split(headers.get("vary"))


def test_preflight_first_matching_rule_wins(control, site):
    # Rule 1 allows X-Custom-* and is first; a header only rule 2 allows falls through to rule 2.
    _status, headers, _body = _preflight(site, "http://www.example.com", "GET", "x-custom-token")
    assert headers.get("access-control-max-age") == "3000"
    _status, headers, _body = _preflight(site, "http://www.example.com", "GET", "x-other")
    assert headers.get("access-control-max-age") == "60"
    assert _split(headers.get("access-control-allow-headers")) == {"x-other"}

    control.put_cors_policy(ContainerName=site["Name"], CorsPolicy=[RULES[1], RULES[0], RULES[2]])
    _status, headers, _body = _preflight(site, "http://www.example.com", "GET", "x-custom-token")
    assert headers.get("access-control-max-age") == "60"


def test_preflight_for_another_method_and_origin(site):
    status, headers, _body = _preflight(site, "https://app.example.net:8443", "PUT", "content-type")
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.net:8443"
    assert "put" in _split(headers.get("access-control-allow-methods"))


@pytest.mark.parametrize(
    "origin, method, request_headers",
    [
        ("http://www.example.com", "PUT", None),
        ("http://www.example.com", "DELETE", "range"),
        ("http://example.org", "GET", None),
        ("https://www.example.com", "GET", "range"),
    ],
)
def test_preflight_without_a_matching_rule_gets_no_allow_origin(site, origin, method, request_headers):
    _status, headers, _body = _preflight(site, origin, method, request_headers)
    assert "access-control-allow-origin" not in headers


def test_star_origin_allows_any_origin(control, site):
    control.put_cors_policy(
        ContainerName=site["Name"],
        CorsPolicy=[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}],
    )
    _status, headers, _body = _get(site, "https://anything.test:1234")
    assert headers["access-control-allow-origin"] in ("*", "https://anything.test:1234")


def test_without_a_cors_policy_there_are_no_cors_headers(control, site):
    control.delete_cors_policy(ContainerName=site["Name"])
    _status, headers, _body = _get(site, "http://www.example.com")
    assert _cors_headers(headers) == {}
    _status, headers, _body = _preflight(site, "http://www.example.com", "GET")
    assert "access-control-allow-origin" not in headers
