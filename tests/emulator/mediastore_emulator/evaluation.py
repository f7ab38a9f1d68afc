"""Pure decisions: container policy for anonymous requests, CORS rule matching, lifecycle path matching."""

import ipaddress
import re

from mediastore_emulator.validation import action_matches


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _glob_match(pattern, text, case_insensitive=False):
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = re.DOTALL | (re.IGNORECASE if case_insensitive else 0)
    return re.fullmatch(regex, text, flags) is not None


# --- container policy -----------------------------------------------------------------------------------


def _principal_is_anyone(principal):
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(value == "*" or (isinstance(value, list) and "*" in value) for value in principal.values())
    return False


def _bool_condition(key, values, context):
    if key != "aws:SecureTransport":
        return None
    actual = "true" if context.get("secure_transport") else "false"
    return any(str(v).lower() == actual for v in _as_list(values))


def _ip_in(values, source_ip):
    try:
        address = ipaddress.ip_address(source_ip)
    except ValueError:
        return False
    for cidr in _as_list(values):
        try:
            if address in ipaddress.ip_network(str(cidr), strict=False):
                return True
        except ValueError:
            continue
    return False


def _conditions_hold(condition, context):
    """True when every condition holds, False when one does not, None when one cannot be evaluated here."""
    if not condition:
        return True
    if not isinstance(condition, dict):
        return None
    for operator, block in condition.items():
        if not isinstance(block, dict):
            return None
        for key, values in block.items():
            if operator == "Bool":
                result = _bool_condition(key, values, context)
            elif operator in ("IpAddress", "NotIpAddress") and key == "aws:SourceIp":
                inside = _ip_in(values, context.get("source_ip", ""))
                result = inside if operator == "IpAddress" else not inside
            else:
                result = None
            if result is None:
                return None
            if not result:
                return False
    return True


def statement_applies(statement, action, resource, context):
    """True, False, or None when the statement matches the request but cannot be fully evaluated here.

    None comes from a condition operator or key this endpoint does not evaluate, or from ``NotAction``,
    ``NotResource`` or ``NotPrincipal``; the caller fails closed on it.
    """
    if not isinstance(statement, dict):
        return False
    if "Principal" in statement and not _principal_is_anyone(statement["Principal"]):
        return False
    if "Action" in statement and not any(
        isinstance(a, str) and action_matches(a, action) for a in _as_list(statement["Action"])
    ):
        return False
    if "Resource" in statement and not any(
        isinstance(r, str) and _glob_match(r, resource) for r in _as_list(statement["Resource"])
    ):
        return False
    if any(k in statement for k in ("NotAction", "NotResource", "NotPrincipal")):
        return None
    if not all(k in statement for k in ("Principal", "Action", "Resource")):
        return False
    return _conditions_hold(statement.get("Condition"), context)


def anonymous_allowed(policy_document, action, resource, context):
    """Decide an unsigned request: an explicit Deny wins, then any Allow; nothing matching means refused.

    Fails closed: a Deny that may apply (its condition cannot be evaluated) denies, and an Allow that
    cannot be evaluated does not allow.  ``context`` holds ``secure_transport`` (bool) and ``source_ip`` (str).
    """
    if not isinstance(policy_document, dict):
        return False
    allowed = False
    for statement in _as_list(policy_document.get("Statement", [])):
        applies = statement_applies(statement, action, resource, context)
        if applies is False:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow" and applies:
            allowed = True
    return allowed


# --- CORS -----------------------------------------------------------------------------------------------


def origin_matches(allowed, origin):
    """Exact on scheme, host and port; one ``*`` may stand for any run of characters; a lone ``*`` is anything."""
    if allowed == "*":
        return True
    if "*" in allowed:
        head, tail = allowed.split("*", 1)
        return len(origin) >= len(head) + len(tail) and origin.startswith(head) and origin.endswith(tail)
    return allowed == origin


def _header_allowed(allowed_headers, header):
    return any(_glob_match(pattern, header, case_insensitive=True) for pattern in allowed_headers)


def match_cors_rule(rules, origin, method, request_headers=()):
    """The first rule allowing this origin, method and (for a preflight) every requested header, or None."""
    if not origin or not rules:
        return None
    for rule in rules:
        if not any(origin_matches(allowed, origin) for allowed in rule.get("AllowedOrigins", [])):
            continue
        if method not in rule.get("AllowedMethods", []):
            continue
        if not all(_header_allowed(rule.get("AllowedHeaders", []), h) for h in request_headers):
            continue
        return rule
    return None


def cors_headers(rule, origin, request_headers=(), preflight=False):
    """Response headers for a matched rule."""
    headers = {"Vary": "Origin"}
    lone_star = "*" in rule.get("AllowedOrigins", []) and not any(
        a != "*" and origin_matches(a, origin) for a in rule.get("AllowedOrigins", [])
    )
    headers["Access-Control-Allow-Origin"] = "*" if lone_star else origin
    headers["Access-Control-Allow-Methods"] = ", ".join(rule.get("AllowedMethods", []))
    if preflight and request_headers:
        headers["Access-Control-Allow-Headers"] = ", ".join(request_headers)
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    return headers


def parse_request_headers(value):
    return [h.strip().lower() for h in (value or "").split(",") if h.strip()]


# --- lifecycle ------------------------------------------------------------------------------------------


def lifecycle_rule_matches(rule, path):
    if rule["path_kind"] == "prefix":
        return any(path.startswith(prefix) for prefix in rule["patterns"])
    return any(_glob_match(pattern, path) for pattern in rule["patterns"])


def transient_lifetime(rules, path):
    """Seconds an object put now at ``path`` lives under the first matching seconds_since_create rule, or None."""
    for rule in rules or ():
        if rule["kind"] == "seconds_since_create" and rule["action"] == "EXPIRE" and lifecycle_rule_matches(rule, path):
            # "> 15" deletes at 16 s (documented example); ">= 15" at 15 s.
            return rule["number"] + (1 if rule["operator"] == ">" else 0)
    return None
