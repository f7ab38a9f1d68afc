"""Server-side input checks: botocore does not enforce max/pattern/enum, so the service has to.

Every function raises ``ServiceError("ValidationException", ...)`` with a message naming the field and the
rule, and returns the normalised value where there is one.
"""

import json
import re
import unicodedata

from mediastore_emulator.errors import validation_error

CONTAINER_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
CONTAINER_ARN_RE = re.compile(r"arn:aws:mediastore:[a-z]+-[a-z]+-\d:\d{12}:container/([A-Za-z0-9_-]{1,255})")
PATH_SEGMENT_RE = re.compile(r"[A-Za-z0-9_.\-~=:]+")
OBJECT_GROUP_RE = re.compile(r"/?(?:[A-Za-z0-9_=:.\-~*]+/){0,10}(?:[A-Za-z0-9_=:.\-~*]+)?/?")
OBJECT_GROUP_NAME_RE = re.compile(r"[a-zA-Z0-9_]{1,30}")
LIST_CONTAINERS_TOKEN_RE = re.compile(r"[0-9A-Za-z=/+]{1,1024}")

MAX_PATH_LENGTH = 900
MAX_FOLDER_LEVELS = 10
MAX_TAGS_PER_CONTAINER = 50
MAX_CONTAINER_POLICY = 8192
MAX_LIFECYCLE_POLICY = 8192
MAX_CORS_POLICY_CHARS = 398_000
MAX_CORS_RULES = 100
MAX_LIFECYCLE_RULES = 10
MAX_METRIC_RULES = 5
CORS_METHODS = ("PUT", "GET", "DELETE", "HEAD")
STORAGE_CLASSES = ("TEMPORAL",)
UPLOAD_AVAILABILITIES = ("STANDARD", "STREAMING")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def parse_json(raw):
    """The JSON value of ``raw``; ValueError for anything that is not JSON, nested too deep included."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def container_name(name, field="ContainerName"):
    if not isinstance(name, str) or not name:
        raise validation_error(f"{field} is required and must be a non-empty string")
    if len(name) > 255:
        raise validation_error(f"{field} must be at most 255 characters long, got {len(name)}")
    if not CONTAINER_NAME_RE.fullmatch(name):
        raise validation_error(f"{field} {name!r} must contain only letters A-Z a-z, digits 0-9, underscore and hyphen")
    return name


def max_results(value, low, high, field="MaxResults"):
    if value is None:
        return None
    if not _is_int(value) or not low <= value <= high:
        raise validation_error(f"{field} must be an integer from {low} to {high}, got {value!r}")
    return value


def container_arn(resource, field="Resource"):
    """The container name inside a well-formed container ARN."""
    if not isinstance(resource, str) or not resource:
        raise validation_error(f"{field} is required and must be a container ARN")
    if len(resource) > 1024:
        raise validation_error(f"{field} must be at most 1024 characters long")
    match = CONTAINER_ARN_RE.fullmatch(resource)
    if not match:
        raise validation_error(
            f"{field} {resource!r} must match arn:aws:mediastore:<region>:<12-digit account>:container/<name>"
        )
    return match.group(1)


# --- object paths ---------------------------------------------------------------------------------------


def _segments(path, field):
    segments = path.split("/")
    for segment in segments:
        if not segment:
            raise validation_error(
                f"{field} {path!r} must not contain an empty folder or file name ('//' or '/' at the end)"
            )
        if segment in (".", ".."):
            raise validation_error(f"{field} {path!r} must not contain '.' or '..' as a folder or file name")
        if not PATH_SEGMENT_RE.fullmatch(segment):
            raise validation_error(
                f"{field} {path!r}: name {segment!r} may contain only letters, digits and _ . - ~ = :"
            )
    return segments


def object_path(path, field="Path"):
    """A percent-decoded object path with leading slashes stripped (the documented CLI examples send one)."""
    stripped = (path or "").lstrip("/")
    if not stripped:
        raise validation_error(f"{field} is required and must name an object")
    if len(stripped) > MAX_PATH_LENGTH:
        raise validation_error(f"{field} must be at most {MAX_PATH_LENGTH} characters long, got {len(stripped)}")
    segments = _segments(stripped, field)
    if len(segments) - 1 > MAX_FOLDER_LEVELS:
        raise validation_error(
            f"{field} {stripped!r} has {len(segments) - 1} folder levels; at most {MAX_FOLDER_LEVELS} are allowed"
        )
    return stripped


def folder_path(path, field="Path"):
    """A ListItems folder: empty for the root; one optional leading and trailing slash."""
    stripped = (path or "").lstrip("/")
    if stripped.endswith("/"):
        stripped = stripped[:-1]
    if len(stripped) > MAX_PATH_LENGTH:
        raise validation_error(f"{field} must be at most {MAX_PATH_LENGTH} characters long, got {len(stripped)}")
    if not stripped:
        return ""
    segments = _segments(stripped, field)
    if len(segments) > MAX_FOLDER_LEVELS + 1:
        raise validation_error(f"{field} {stripped!r} is deeper than {MAX_FOLDER_LEVELS} folder levels")
    return stripped


def storage_class(value):
    if value is None:
        return "TEMPORAL"
    if value not in STORAGE_CLASSES:
        raise validation_error(f"StorageClass must be one of {', '.join(STORAGE_CLASSES)}, got {value!r}")
    return value


def upload_availability(value):
    if value is None:
        return "STANDARD"
    if value not in UPLOAD_AVAILABILITIES:
        raise validation_error(f"UploadAvailability must be one of {', '.join(UPLOAD_AVAILABILITIES)}, got {value!r}")
    return value


# --- tags -----------------------------------------------------------------------------------------------

_TAG_PUNCTUATION = set("_.:/=+-@")


def _tag_text_ok(text):
    # The model pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]*; unicodedata categories give the same classes.
    return all(ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LZN" for ch in text)


def tag_key(key, field="TagKeys"):
    if not isinstance(key, str) or not 1 <= len(key) <= 128:
        raise validation_error(f"{field}: a tag key must be a string of 1 to 128 characters, got {key!r}")
    if not _tag_text_ok(key):
        raise validation_error(f"{field}: tag key {key!r} may contain only letters, digits, spaces and _ . : / = + - @")
    if key.lower().startswith("aws:"):
        raise validation_error(f"{field}: tag key {key!r} uses the reserved prefix 'aws:'")
    return key


def tags(tag_list, field="Tags"):
    """A list of {"Key", "Value"} → ordered dict; rejects bad keys/values and duplicate keys."""
    if not isinstance(tag_list, list) or not tag_list:
        raise validation_error(f"{field} must be a non-empty list of {{Key, Value}}")
    if len(tag_list) > 200:
        raise validation_error(f"{field} may hold at most 200 tags per request, got {len(tag_list)}")
    result = {}
    for tag in tag_list:
        if not isinstance(tag, dict) or "Key" not in tag:
            raise validation_error(f"{field}: every tag needs a Key")
        key = tag_key(tag["Key"], field)
        value = tag.get("Value", "")
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value) > 256:
            raise validation_error(f"{field}: the value of tag {key!r} must be a string of at most 256 characters")
        if not _tag_text_ok(value):
            raise validation_error(
                f"{field}: the value of tag {key!r} may contain only letters, digits, spaces and _ . : / = + - @"
            )
        if key in result:
            raise validation_error(f"{field}: tag key {key!r} appears more than once")
        result[key] = value
    return result


def tag_count(merged):
    if len(merged) > MAX_TAGS_PER_CONTAINER:
        raise validation_error(
            f"Tags: a container may have at most {MAX_TAGS_PER_CONTAINER} tags; this request would make {len(merged)}"
        )


# --- container policy -----------------------------------------------------------------------------------


def _as_list(value):
    return value if isinstance(value, list) else [value]


def action_matches(pattern, action):
    """IAM action match: case-insensitive, ``*`` any run of characters, ``?`` one character."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, action, re.IGNORECASE | re.DOTALL) is not None


def _secure_transport_required(statement):
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    bool_block = condition.get("Bool")
    if not isinstance(bool_block, dict):
        return False
    values = _as_list(bool_block.get("aws:SecureTransport"))
    return bool(values) and all(str(v).lower() == "true" for v in values)


def container_policy(policy, arn):
    """Check a container policy string (kept verbatim); returns the parsed document."""
    if not isinstance(policy, str) or not policy:
        raise validation_error("Policy is required and must be a non-empty JSON string")
    if len(policy) > MAX_CONTAINER_POLICY:
        raise validation_error(f"Policy must be at most {MAX_CONTAINER_POLICY} characters long, got {len(policy)}")
    if not policy.isascii():
        raise validation_error("Policy must contain only ASCII characters")
    try:
        document = parse_json(policy)
    except ValueError as exc:
        raise validation_error(f"Invalid Container Policy: not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise validation_error("Invalid Container Policy: the policy must be a JSON object")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise validation_error("Invalid Container Policy: Statement must be a non-empty list of statements")
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            raise validation_error(f"Invalid Container Policy: statement {index} must be a JSON object")
        sid = statement.get("Sid", str(index))
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise validation_error(f"Invalid Container Policy: Effect in statement '{sid}' must be Allow or Deny")
        for required in ("Principal", "Action", "Resource"):
            if required not in statement:
                raise validation_error(f"Invalid Container Policy: statement '{sid}' has no {required}")
        actions = _as_list(statement["Action"])
        if not actions or not all(isinstance(a, str) and a for a in actions):
            raise validation_error(f"Invalid Container Policy: Action in statement '{sid}' must be strings")
        resources = _as_list(statement["Resource"])
        for resource in resources:
            if not isinstance(resource, str) or not resource.startswith(arn + "/"):
                raise validation_error(
                    f"Invalid Container Policy: Resource in statement '{sid}' must be scoped to files inside {arn}"
                )
        if "Condition" in statement and not isinstance(statement["Condition"], dict):
            raise validation_error(f"Invalid Container Policy: Condition in statement '{sid}' must be a JSON object")
        allows_put = statement["Effect"] == "Allow" and any(action_matches(a, "mediastore:PutObject") for a in actions)
        if allows_put and not _secure_transport_required(statement):
            raise validation_error(
                f"Invalid Container Policy: statement '{sid}' allows mediastore:PutObject and must have the "
                'condition {"Bool": {"aws:SecureTransport": "true"}}'
            )
    return document


# --- CORS -----------------------------------------------------------------------------------------------


def _string_list(rule, key, index, low, high, max_len, required):
    if key not in rule or rule[key] is None:
        if required:
            raise validation_error(f"CorsPolicy rule {index}: {key} is required")
        return []
    value = rule[key]
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise validation_error(f"CorsPolicy rule {index}: {key} must be a list of {low} to {high} strings")
    for item in value:
        if not isinstance(item, str) or not 1 <= len(item) <= max_len:
            raise validation_error(
                f"CorsPolicy rule {index}: every {key} entry must be a string of 1 to {max_len} characters"
            )
        # The values become response headers: a CR or LF would split them, so no control character passes.
        if any(not 0x20 <= ord(ch) <= 0xFF or ord(ch) == 0x7F for ch in item):
            raise validation_error(
                f"CorsPolicy rule {index}: {key} entry {item!r} must be printable Latin-1 (no control characters)"
            )
    return value


def cors_policy(rules):
    if not isinstance(rules, list) or not 1 <= len(rules) <= MAX_CORS_RULES:
        raise validation_error(f"CorsPolicy must be a list of 1 to {MAX_CORS_RULES} rules")
    if len(json.dumps(rules)) > MAX_CORS_POLICY_CHARS:
        raise validation_error(f"CorsPolicy must be at most {MAX_CORS_POLICY_CHARS} characters long")
    known = {"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "MaxAgeSeconds", "ExposeHeaders"}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise validation_error(f"CorsPolicy rule {index} must be an object")
        unknown = set(rule) - known
        if unknown:
            raise validation_error(f"CorsPolicy rule {index}: unknown field(s) {', '.join(sorted(unknown))}")
        origins = _string_list(rule, "AllowedOrigins", index, 1, 100, 2048, required=True)
        for origin in origins:
            if origin.count("*") > 1:
                raise validation_error(
                    f"CorsPolicy rule {index}: AllowedOrigins entry {origin!r} has more than one '*'"
                )
        if not rule.get("AllowedMethods"):
            raise validation_error(f"CorsPolicy rule {index}: AllowedMethods needs at least one method")
        methods = _string_list(rule, "AllowedMethods", index, 1, 4, 16, required=True)
        for method in methods:
            if method not in CORS_METHODS:
                raise validation_error(
                    f"CorsPolicy rule {index}: AllowedMethods entry {method!r} must be one of {', '.join(CORS_METHODS)}"
                )
        headers = _string_list(rule, "AllowedHeaders", index, 0, 100, 8192, required=True)
        for header in headers:
            if header.count("*") > 1:
                raise validation_error(
                    f"CorsPolicy rule {index}: AllowedHeaders entry {header!r} has more than one '*'"
                )
        _string_list(rule, "ExposeHeaders", index, 0, 100, 8192, required=False)
        if "MaxAgeSeconds" in rule and rule["MaxAgeSeconds"] is not None:
            max_age = rule["MaxAgeSeconds"]
            if not _is_int(max_age) or not 0 <= max_age <= 2147483647:
                raise validation_error(
                    f"CorsPolicy rule {index}: MaxAgeSeconds must be an integer from 0 to 2147483647"
                )
    return rules


# --- lifecycle ------------------------------------------------------------------------------------------


def _lifecycle_condition(definition, where):
    kinds = [k for k in ("days_since_create", "seconds_since_create") if k in definition]
    if len(kinds) != 1:
        raise validation_error(f"{where}: definition needs exactly one of days_since_create or seconds_since_create")
    kind = kinds[0]
    condition = definition[kind]
    if (
        not isinstance(condition, list)
        or len(condition) != 1
        or not isinstance(condition[0], dict)
        or set(condition[0]) != {"numeric"}
    ):
        raise validation_error(f'{where}: {kind} must be [{{"numeric": [">" or ">=", n]}}]')
    numeric = condition[0]["numeric"]
    if not isinstance(numeric, list) or len(numeric) != 2 or numeric[0] not in (">", ">=") or not _is_int(numeric[1]):
        raise validation_error(f'{where}: {kind} numeric must be [">" or ">=", integer]')
    return kind, numeric[0], numeric[1]


def lifecycle_policy(policy):
    """Check a lifecycle policy string; returns the parsed rules as dicts for the model."""
    if not isinstance(policy, str) or not policy:
        raise validation_error("LifecyclePolicy is required and must be a JSON string")
    if len(policy) > MAX_LIFECYCLE_POLICY:
        raise validation_error(f"LifecyclePolicy must be at most {MAX_LIFECYCLE_POLICY} characters long")
    if any(ch not in "\t\n\r" and not 0x20 <= ord(ch) <= 0xFF for ch in policy):
        raise validation_error("LifecyclePolicy has characters outside tab, newline and Latin-1")
    try:
        document = parse_json(policy)
    except ValueError as exc:
        raise validation_error(f"LifecyclePolicy is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or set(document) != {"rules"} or not isinstance(document["rules"], list):
        raise validation_error('LifecyclePolicy must be a JSON object {"rules": [...]}')
    rules = document["rules"]
    if len(rules) > MAX_LIFECYCLE_RULES:
        raise validation_error(f"LifecyclePolicy may have at most {MAX_LIFECYCLE_RULES} rules, got {len(rules)}")
    parsed = []
    for index, rule in enumerate(rules):
        where = f"LifecyclePolicy rule {index}"
        if not isinstance(rule, dict) or set(rule) != {"definition", "action"}:
            raise validation_error(f"{where} must be an object with exactly 'definition' and 'action'")
        action = rule["action"]
        if action not in ("EXPIRE", "ARCHIVE"):
            raise validation_error(f"{where}: action must be EXPIRE or ARCHIVE, got {action!r}")
        definition = rule["definition"]
        if not isinstance(definition, dict) or "path" not in definition:
            raise validation_error(f"{where}: definition must be an object with a path list")
        unknown = set(definition) - {"path", "days_since_create", "seconds_since_create"}
        if unknown:
            raise validation_error(f"{where}: unknown definition field(s) {', '.join(sorted(unknown))}")
        paths = definition["path"]
        if not isinstance(paths, list) or not 1 <= len(paths) <= 10:
            raise validation_error(f"{where}: path must be a list of 1 to 10 prefix or wildcard entries")
        path_kinds = set()
        for entry in paths:
            if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("prefix", "wildcard"):
                raise validation_error(f'{where}: each path entry must be {{"prefix": "..."}} or {{"wildcard": "..."}}')
            kind, value = next(iter(entry.items()))
            if not isinstance(value, str):
                raise validation_error(f"{where}: {kind} must be a string")
            path_kinds.add(kind)
        if len(path_kinds) > 1:
            raise validation_error(f"{where}: prefix and wildcard entries cannot be mixed in one rule")
        kind, operator, number = _lifecycle_condition(definition, where)
        if kind == "seconds_since_create":
            if path_kinds != {"wildcard"}:
                raise validation_error(f"{where}: seconds_since_create rules (transient data) take wildcard paths only")
            if not 1 <= number <= 300:
                raise validation_error(f"{where}: seconds_since_create must be from 1 to 300, got {number}")
            if action != "EXPIRE":
                raise validation_error(f"{where}: seconds_since_create rules take action EXPIRE only")
        else:
            if not 1 <= number <= 36500:
                raise validation_error(f"{where}: days_since_create must be from 1 to 36500, got {number}")
            if action == "ARCHIVE" and (operator, number) != (">=", 30):
                raise validation_error(f'{where}: ARCHIVE requires days_since_create exactly [">=", 30]')
        parsed.append(
            {
                "kind": kind,
                "operator": operator,
                "number": number,
                "action": action,
                "path_kind": path_kinds.pop(),
                "patterns": [next(iter(entry.values())) for entry in paths],
            }
        )
    return parsed


# --- metric policy --------------------------------------------------------------------------------------


def metric_policy(policy):
    if not isinstance(policy, dict):
        raise validation_error("MetricPolicy must be an object")
    unknown = set(policy) - {"ContainerLevelMetrics", "MetricPolicyRules"}
    if unknown:
        raise validation_error(f"MetricPolicy: unknown field(s) {', '.join(sorted(unknown))}")
    level = policy.get("ContainerLevelMetrics")
    if level not in ("ENABLED", "DISABLED"):
        raise validation_error(f"MetricPolicy.ContainerLevelMetrics must be ENABLED or DISABLED, got {level!r}")
    if "MetricPolicyRules" in policy:
        rules = policy["MetricPolicyRules"]
        if not isinstance(rules, list) or not 1 <= len(rules) <= MAX_METRIC_RULES:
            raise validation_error(f"MetricPolicy.MetricPolicyRules must be a list of 1 to {MAX_METRIC_RULES} rules")
        names = set()
        for index, rule in enumerate(rules):
            where = f"MetricPolicy.MetricPolicyRules[{index}]"
            if not isinstance(rule, dict) or set(rule) != {"ObjectGroup", "ObjectGroupName"}:
                raise validation_error(f"{where} must have exactly ObjectGroup and ObjectGroupName")
            group, name = rule["ObjectGroup"], rule["ObjectGroupName"]
            if not isinstance(group, str) or not 1 <= len(group) <= 900 or not OBJECT_GROUP_RE.fullmatch(group):
                raise validation_error(
                    f"{where}.ObjectGroup {group!r} must be 1-900 characters of letters, digits and _ = : . - ~ / *, "
                    "at most 10 folder levels"
                )
            if not isinstance(name, str) or not OBJECT_GROUP_NAME_RE.fullmatch(name):
                raise validation_error(f"{where}.ObjectGroupName {name!r} must be 1-30 letters, digits or underscores")
            if name in names:
                raise validation_error(f"{where}.ObjectGroupName {name!r} is used by more than one rule")
            names.add(name)
    return policy
