# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind the origin role: check its whole variables block, turn its shorthands into MediaStore policy
documents, and its task results into a per-aspect change report.

No SDK; the only I/O is origin_problems reading the local content directory. Every document built here is
checked with the same validators the modules use, so a shorthand can never produce a policy the module would
refuse. Documentation: the ``<filter name>.yml`` files next to this one.
"""

import ipaddress
import json
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    CONTAINER_ARN,
    document_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._cors import rules_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._lifecycle import lifecycle_policy_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import MANIFEST_PATTERNS
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    ACCESS_POLICY,
    CORS_POLICY,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._sync import (
    local_file_problems,
    option_problems,
    scan_tree,
    src_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._tags import normalise_tags, tags_problems

READ_ACTIONS = ["mediastore:GetObject", "mediastore:DescribeObject"]
SECURE_TRANSPORT = {"aws:SecureTransport": "true"}
ACCOUNT_ID = re.compile(r"\d{12}")
IAM_PRINCIPAL_ARN = re.compile(r"arn:[a-z-]+:iam::\d{12}:(root|user/.+|role/.+)")

SEGMENT_PATTERNS = ["*.ts", "*.m4s", "*.mp4", "*.aac", "*.vtt"]

# The aspects of an origin, in the order the role applies them; origin_changes reports them in this order.
ASPECTS = ("container", "tags", "access_logging", "access_policy", "cors", "lifecycle", "metric_policy", "content")
# How the container module's diff keys map onto aspects.
CONTAINER_DIFF_ASPECTS = {
    "tags": "tags",
    "access_logging_enabled": "access_logging",
    "lifecycle_policy": "lifecycle",
    "metric_policy": "metric_policy",
}


def _fail(problems):
    raise AnsibleFilterError(" ".join(problems))


def _string_list(value, option, problems):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
        problems.append(f"{option}: must be a list of non-empty strings.")
        return []
    return list(value)


def _principal_arn(entry, partition):
    """An account ID becomes the account's root principal; an IAM ARN is kept as it is."""
    return f"arn:{partition}:iam::{entry}:root" if ACCOUNT_ID.fullmatch(entry) else entry


def origin_access_policy(access, container_arn, option="origin.access"):
    """The container policy for the access shorthand of the origin role.

    ``access`` keys: ``owner_full_access`` (default true), ``public_read``, ``read_accounts``, ``read_cidrs``,
    ``https_only`` (default true; public read is HTTPS-only whatever it says).
    """
    if not isinstance(access, dict):
        _fail([f"{option}: must be a dictionary, not {type(access).__name__}."])
    match = CONTAINER_ARN.fullmatch(container_arn) if isinstance(container_arn, str) else None
    if not match:
        _fail(
            [
                f"{option}: the container ARN {container_arn!r} is not arn:<partition>:mediastore:<region>:"
                "<account>:container/<name>; the container must exist before its policy is built."
            ]
        )
    problems = []
    unknown = sorted(set(access) - {"owner_full_access", "public_read", "read_accounts", "read_cidrs", "https_only"})
    if unknown:
        problems.append(f"{option}: unknown key(s) {', '.join(unknown)}.")
    partition, account = match.group("partition"), match.group("account")
    resource = f"{container_arn}/*"
    https_only = access.get("https_only", True) is not False
    accounts = _string_list(access.get("read_accounts"), f"{option}.read_accounts", problems)
    for entry in accounts:
        if not (ACCOUNT_ID.fullmatch(entry) or IAM_PRINCIPAL_ARN.fullmatch(entry)):
            problems.append(
                f"{option}.read_accounts: {entry!r} is neither a 12-digit account ID nor an IAM ARN "
                "(arn:aws:iam::<account>:root, :user/..., :role/...)."
            )
    cidrs = _string_list(access.get("read_cidrs"), f"{option}.read_cidrs", problems)
    for entry in cidrs:
        try:
            ipaddress.ip_network(entry, strict=True)
        except ValueError as error:
            problems.append(f"{option}.read_cidrs: {entry!r} is not a CIDR range ({error}).")
    if problems:
        _fail(problems)

    statements = []
    if access.get("owner_full_access", True):
        # Replacing the default policy would otherwise take the owner account's own access away.
        statements.append(
            _statement(
                "MediaStoreFullAccess",
                {"AWS": f"arn:{partition}:iam::{account}:root"},
                "mediastore:*",
                resource,
                {"Bool": dict(SECURE_TRANSPORT)},
            )
        )
    if access.get("public_read"):
        statements.append(
            _statement("PublicReadOverHttps", "*", READ_ACTIONS, resource, {"Bool": dict(SECURE_TRANSPORT)})
        )
    read_condition = {"Bool": dict(SECURE_TRANSPORT)} if https_only else None
    if accounts:
        principals = [_principal_arn(entry, partition) for entry in accounts]
        statements.append(_statement("ReadForAccounts", {"AWS": principals}, READ_ACTIONS, resource, read_condition))
    if cidrs:
        condition = dict(read_condition or {})
        condition["IpAddress"] = {"aws:SourceIp": cidrs}
        statements.append(_statement("ReadFromCidrs", "*", READ_ACTIONS, resource, condition))
    if not statements:
        _fail(
            [
                f"{option}: grants nothing; set public_read, read_accounts, read_cidrs or owner_full_access, "
                "or use origin.policy: {} for MediaStore's default policy."
            ]
        )
    document = {"Version": "2012-10-17", "Statement": statements}
    problems = document_problems(document, match.group("name"), option)
    if problems:
        _fail(problems)
    return document


def _statement(sid, principal, action, resource, condition):
    statement = {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def origin_cors_rules(cors, option="origin.cors"):
    """The CORS rules (mediastore_cors's ``rules``) for the CORS shorthand: one rule for ``allowed_origins``."""
    if not isinstance(cors, dict):
        _fail([f"{option}: must be a dictionary, not {type(cors).__name__}."])
    unknown = sorted(
        set(cors) - {"allowed_origins", "allowed_methods", "allowed_headers", "expose_headers", "max_age_seconds"}
    )
    if unknown:
        _fail([f"{option}: unknown key(s) {', '.join(unknown)}."])
    rule = {
        "allowed_origins": cors.get("allowed_origins") or [],
        "allowed_methods": cors.get("allowed_methods") or ["GET", "HEAD"],
        "allowed_headers": cors.get("allowed_headers") if cors.get("allowed_headers") is not None else ["*"],
        "expose_headers": cors.get("expose_headers") or [],
        "max_age_seconds": cors.get("max_age_seconds", 3000),
    }
    problems = rules_problems([rule], option)
    if problems:
        _fail([problem.replace(f"{option}[0]", option) for problem in problems])
    return [rule]


def _prefix_as_wildcard(prefix):
    """``live/`` or ``live`` becomes ``live/*``; the empty prefix (whole container) becomes ``*``."""
    folder = prefix.strip("/")
    return f"{folder}/*" if folder else "*"


def origin_lifecycle_policy(expire, option="origin.expire"):
    """The lifecycle policy for the expiry shorthand: a list of ``{prefixes|wildcards, days|seconds}``.

    ``days`` rules keep prefixes as prefixes. ``seconds`` (transient data) rules accept only wildcards in
    MediaStore's grammar, so a prefix ``p/`` becomes the wildcard ``p/*``.
    """
    if not isinstance(expire, (list, tuple)) or not expire:
        _fail(
            [
                f"{option}: must be a non-empty list of rules (to remove the lifecycle policy, "
                "use origin.lifecycle_policy: {})."
            ]
        )
    problems = []
    rules = []
    for index, entry in enumerate(expire):
        where = f"{option}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a dictionary with prefixes or wildcards, and days or seconds.")
            continue
        unknown = sorted(set(entry) - {"prefixes", "wildcards", "days", "seconds"})
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}.")
        prefixes = entry.get("prefixes")
        wildcards = entry.get("wildcards")
        if (prefixes is None) == (wildcards is None):
            problems.append(f"{where}: give exactly one of prefixes and wildcards.")
            continue
        if ("days" in entry) == ("seconds" in entry):
            problems.append(f"{where}: give exactly one of days and seconds.")
            continue
        kind = "prefixes" if prefixes is not None else "wildcards"
        paths = _string_list(entry[kind], f"{where}.{kind}", problems) if kind == "wildcards" else None
        if kind == "prefixes":
            # The empty prefix is valid (the whole container), so it cannot go through _string_list.
            if not isinstance(prefixes, (list, tuple)) or not all(isinstance(p, str) for p in prefixes):
                problems.append(f"{where}.prefixes: must be a list of strings.")
                continue
            paths = list(prefixes)
        if "seconds" in entry:
            wildcards = [_prefix_as_wildcard(p) for p in paths] if kind == "prefixes" else paths
            path = [{"wildcard": w} for w in wildcards]
            condition = {"seconds_since_create": [{"numeric": [">", entry["seconds"]]}]}
        else:
            key = "prefix" if kind == "prefixes" else "wildcard"
            path = [{key: p} for p in paths]
            condition = {"days_since_create": [{"numeric": [">", entry["days"]]}]}
        rules.append({"definition": dict(path=path, **condition), "action": "EXPIRE"})
    if problems:
        _fail(problems)
    policy = {"rules": rules}
    problems = lifecycle_policy_problems(policy, option)
    if problems:
        _fail(problems)
    return policy


def origin_cache_control_rules(content, option="origin.content"):
    """mediastore_sync ``cache_control_rules``: short max-age for manifests, long for segments."""
    if not isinstance(content, dict):
        _fail([f"{option}: must be a dictionary, not {type(content).__name__}."])
    problems = []
    ages = {}
    for key, default in (("manifest_max_age", 2), ("segment_max_age", 86400)):
        value = content.get(key, default)
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{option}.{key}: must be a whole number of seconds, 0 or more, not {value!r}.")
        ages[key] = value
    if problems:
        _fail(problems)
    manifest = f"max-age={ages['manifest_max_age']}"
    segment = f"max-age={ages['segment_max_age']}"
    return [{"pattern": p, "cache_control": manifest} for p in MANIFEST_PATTERNS] + [
        {"pattern": p, "cache_control": segment} for p in SEGMENT_PATTERNS
    ]


def _raised_problems(build, *args):
    """The problems a shorthand filter fails with, as a list; its result is not needed to check it."""
    try:
        build(*args)
    except AnsibleFilterError as error:
        return [error.message]
    return []


def _within(problems, parent):
    """Problems of a module option, named as the role's variable (``src: ...`` becomes ``origin.content.src: ...``)."""
    return [f"{parent}.{problem}" for problem in problems]


def _content_problems(content, option="origin.content"):
    """Problems of the content block, including the local directory and every file mediastore_sync would send."""
    if not isinstance(content, dict):
        return [f"{option}: must be a dictionary, not {type(content).__name__}."]
    problems = _raised_problems(origin_cache_control_rules, content, option)
    params = {key: content.get(key) for key in ("prefix", "include", "exclude", "max_concurrency")}
    params["prefix"] = params["prefix"] or ""
    problems += _within(option_problems(params), option)
    missing = src_problems(content.get("src"))
    problems += _within(missing, option)
    if not problems:
        files, unreadable = scan_tree(content["src"], params["include"], params["exclude"])
        problems += _within(unreadable + local_file_problems(files, params["prefix"]), option)
    return problems


def _policy_problems(origin, container_arn):
    """Problems of the access policy, CORS, lifecycle and metric aspects, full forms and shorthands alike."""
    name = origin.get("name")
    problems = []
    if origin.get("policy"):
        problems += ACCESS_POLICY.parse(origin["policy"], "origin.policy", container=name)[1]
    if origin.get("access") is not None:
        problems += _raised_problems(origin_access_policy, origin["access"], container_arn)
    if origin.get("cors") is not None:
        problems += _raised_problems(origin_cors_rules, origin["cors"])
    if origin.get("cors_rules"):
        problems += CORS_POLICY.parse(origin["cors_rules"], "origin.cors_rules")[1]
    if origin.get("expire") is not None:
        problems += _raised_problems(origin_lifecycle_policy, origin["expire"])
    for aspect in (LIFECYCLE_POLICY, METRIC_POLICY):
        problems += aspect.parse(origin.get(aspect.name), f"origin.{aspect.name}")[1]
    return problems


def origin_problems(origin, container_arn):
    """Every problem of the origin role's variables block, found before the role makes any request.

    ``container_arn`` stands in for the ARN of a container that may not exist yet (the access shorthand and
    a full policy are built with it).  A teardown (``state: absent``) uses only the name and the wait time.
    """
    if not isinstance(origin, dict):
        return [f"origin: must be a dictionary, not {type(origin).__name__}."]
    problems = container_name_problems(origin.get("name"), "origin.name")
    wait_timeout = origin.get("wait_timeout")
    if isinstance(wait_timeout, int) and wait_timeout < 0:
        problems.append(f"origin.wait_timeout: must be 0 or more seconds, not {wait_timeout}.")
    if origin.get("state", "present") == "absent":
        return problems
    if isinstance(origin.get("tags"), dict):
        problems += tags_problems(normalise_tags(origin["tags"]), "origin.tags")
    problems += _policy_problems(origin, container_arn)
    if origin.get("content") is not None:
        problems += _content_problems(origin["content"])
    return problems


def _has_diff(result):
    diff = result.get("diff") if isinstance(result, dict) else None
    return isinstance(diff, dict) and diff.get("before") != diff.get("after")


def origin_changes(results, pending=None):
    """The aspects of an origin a role run changed (or, in check mode, would change), with their diffs.

    ``results`` maps a task name (``container``, ``access_policy``, ``cors``, ``content``) to its registered
    result; skipped or missing results count as unchanged. ``pending`` maps aspects that could not be
    checked (their container does not exist yet, in check mode) to the value they would get.
    Returns ``{"changes": [aspect, ...], "diffs": {aspect: {"before": ..., "after": ...}}, "summary": [line, ...]}``,
    one summary line per changed aspect.
    """
    if not isinstance(results, dict):
        _fail([f"origin_changes: results must be a dictionary of registered results, not {type(results).__name__}."])
    diffs = {}
    container = results.get("container") or {}
    if container.get("changed") and isinstance(container.get("diff"), dict):
        before, after = container["diff"].get("before") or {}, container["diff"].get("after") or {}
        if not before or not after:
            diffs["container"] = {"before": before, "after": after}
        else:
            for key, aspect in CONTAINER_DIFF_ASPECTS.items():
                if before.get(key) != after.get(key):
                    diffs[aspect] = {"before": before.get(key), "after": after.get(key)}
    for aspect in ("access_policy", "cors", "content"):
        result = results.get(aspect) or {}
        if result.get("changed") and not result.get("skipped"):
            diff = result.get("diff") if _has_diff(result) else {"before": None, "after": None}
            diffs[aspect] = {"before": diff.get("before"), "after": diff.get("after")}
    for aspect, value in (pending or {}).items():
        diffs[aspect] = {"before": None, "after": value}
    changes = [aspect for aspect in ASPECTS if aspect in diffs]
    summary = [
        f"{aspect}: before {_compact(diffs[aspect]['before'])} after {_compact(diffs[aspect]['after'])}"
        for aspect in changes
    ]
    return {"changes": changes, "diffs": {aspect: diffs[aspect] for aspect in changes}, "summary": summary}


def _compact(value, limit=500):
    """One line of JSON for a summary, shortened: a lifecycle policy or a sync plan can be long."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FilterModule:
    def filters(self):
        return {
            "origin_access_policy": origin_access_policy,
            "origin_cors_rules": origin_cors_rules,
            "origin_lifecycle_policy": origin_lifecycle_policy,
            "origin_cache_control_rules": origin_cache_control_rules,
            "origin_changes": origin_changes,
            "origin_problems": origin_problems,
        }
