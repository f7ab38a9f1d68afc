# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container (access) policies: check the service's rules, recognise the default policy (pure; no SDK).

Validators return a list of problems, each naming the option and the rule; an empty list means valid.
Comparison is amazon.aws's ``compare_policies``: statement order, key order and a single string versus a
one-element list are not differences.
"""

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

POLICY_MAX_LENGTH = 8192
# The IAM policy grammar, as far as a container policy uses it.
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
DOCUMENT_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
DEFAULT_POLICY_SID = "MediaStoreFullAccess"
SECURE_TRANSPORT_CONDITION = '{"Bool": {"aws:SecureTransport": "true"}}'
# AWS partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...
PARTITION_PATTERN = r"aws(?:-[a-z]+)*"
# arn:<partition>:mediastore:<region>:<account>:container/<name>
CONTAINER_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):mediastore:(?P<region>[^:]*):(?P<account>[^:]*):container/(?P<name>.+)"
)


def policy_json(document):
    """The text sent to PutContainerPolicy: compact, key order as written (the size limit counts this text)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def statements(document):
    """The statements of a document as a list (a single statement may be written as an object)."""
    found = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(found, dict):
        return [found]
    return found if isinstance(found, list) else []


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _statement_label(statement, index):
    sid = statement.get("Sid") if isinstance(statement, dict) else None
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {index + 1}"


def action_matches(pattern, action):
    """IAM action matching: case-insensitive; ``*`` is any run of characters, ``?`` one character."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, action, re.IGNORECASE | re.DOTALL) is not None


def requires_secure_transport(statement):
    """True when the statement's Condition has Bool aws:SecureTransport "true" (and only true)."""
    condition = statement.get("Condition")
    bool_block = condition.get("Bool") if isinstance(condition, dict) else None
    if not isinstance(bool_block, dict):
        return False
    values = [value for key, value in bool_block.items() if key.lower() == "aws:securetransport"]
    values = [item for value in values for item in _as_list(value)]
    return bool(values) and all(str(value).lower() == "true" for value in values)


def allows_put_object(statement):
    """True when an Allow statement grants mediastore:PutObject (through Action, or through NotAction)."""
    if statement.get("Effect") != "Allow":
        return False
    if "Action" in statement:
        patterns = [a for a in _as_list(statement["Action"]) if isinstance(a, str)]
        return any(action_matches(pattern, "mediastore:PutObject") for pattern in patterns)
    if "NotAction" in statement:
        patterns = [a for a in _as_list(statement["NotAction"]) if isinstance(a, str)]
        return not any(action_matches(pattern, "mediastore:PutObject") for pattern in patterns)
    return False


def document_problems(document, container, option="policy"):
    """Problems of a parsed policy that can be found without the container's ARN.

    The service's documented rules: every statement has an Effect (Allow or Deny), a Principal, an Action
    and a Resource; each Resource is inside container ``container``
    (``arn:<partition>:mediastore:<region>:<account>:container/<name>/...``); a statement that allows
    mediastore:PutObject carries the condition {"Bool": {"aws:SecureTransport": "true"}}.  The text sent is
    ASCII and at most 8192 characters.
    """
    problems = []
    text = policy_json(document)
    if len(text) > POLICY_MAX_LENGTH:
        problems.append(
            f"{option}: a container policy has at most {POLICY_MAX_LENGTH} characters (compact JSON), "
            f"this one has {len(text)}."
        )
    if not text.isascii():
        odd = sorted({ch for ch in text if not ch.isascii()})
        problems.append(f"{option}: a container policy must be ASCII only; it contains {''.join(odd[:5])!r}.")
    problems.extend(_document_grammar_problems(document, option))
    found = document.get("Statement")
    if not isinstance(found, (dict, list)) or not found:
        problems.append(f"{option}: Statement must be a statement object or a non-empty list of statements.")
        return problems
    resource_prefix = re.compile(
        f"arn:{PARTITION_PATTERN}:mediastore:[^:/]*:[^:/]*:container/" + re.escape(container) + "/.+"
    )
    for index, statement in enumerate(statements(document)):
        label = _statement_label(statement, index)
        if not isinstance(statement, dict):
            problems.append(f"{option}: {label} must be a JSON object.")
            continue
        problems.extend(_statement_grammar_problems(statement, label, option))
        for required in ("Principal", "Action", "Resource"):
            if required not in statement:
                problems.append(
                    f"{option}: {label} has no {required}; every statement needs Principal, Action and Resource."
                )
        resources = _as_list(statement.get("Resource", []))
        outside = [r for r in resources if isinstance(r, str) and r and not resource_prefix.fullmatch(r)]
        if outside:
            problems.append(
                f"{option}: Resource {outside[0]!r} in {label} must be scoped to files inside container {container!r} "
                f"(arn:<partition>:mediastore:<region>:<account>:container/{container}/...)."
            )
        if allows_put_object(statement) and not requires_secure_transport(statement):
            problems.append(
                f"{option}: {label} allows mediastore:PutObject, so it must have the condition "
                f"{SECURE_TRANSPORT_CONDITION}."
            )
    return problems


def _document_grammar_problems(document, option):
    problems = []
    unknown = sorted(str(key) for key in set(document) - set(DOCUMENT_KEYS))
    if unknown:
        problems.append(f"{option}: unknown key(s) {', '.join(unknown)}; a policy has {', '.join(DOCUMENT_KEYS)}.")
    if "Version" in document and document["Version"] not in POLICY_VERSIONS:
        problems.append(f"{option}: Version must be '2012-10-17' or '2008-10-17', not {document['Version']!r}.")
    if "Id" in document and not isinstance(document["Id"], str):
        problems.append(f"{option}: Id must be a string, not {document['Id']!r}.")
    return problems


def _is_string_or_strings(value):
    values = _as_list(value)
    return bool(values) and all(isinstance(item, str) and item for item in values)


def _is_condition_value(value):
    values = _as_list(value)
    return bool(values) and all(isinstance(item, (str, int, float)) for item in values)


def _principal_problem(principal):
    if principal == "*":
        return False
    return (
        not isinstance(principal, dict)
        or not principal
        or any(kind not in PRINCIPAL_TYPES or not _is_string_or_strings(ids) for kind, ids in principal.items())
    )


def _condition_problems(condition, label, option):
    if not isinstance(condition, dict) or not condition:
        return [
            f"{option}: Condition in {label} must be a mapping of condition operator to a mapping of condition key "
            'to a value or a list of values, for example {"Bool": {"aws:SecureTransport": "true"}}.'
        ]
    problems = []
    for operator, keys in condition.items():
        if not isinstance(keys, dict) or not keys:
            problems.append(
                f"{option}: Condition operator {operator!r} in {label} must map condition keys to values, "
                f'for example {{"{operator}": {{"aws:SourceIp": ["192.0.2.0/24"]}}}}.'
            )
            continue
        for key, value in keys.items():
            if not _is_condition_value(value):
                problems.append(
                    f"{option}: Condition key {key!r} under {operator!r} in {label} must have a value or a non-empty "
                    f"list of values (strings, numbers or booleans), not {value!r}."
                )
    return problems


def _statement_grammar_problems(statement, label, option):
    """Problems of one statement's shape: keys, Sid, Effect, principals, actions, resources, Condition."""
    problems = []
    unknown = sorted(str(key) for key in set(statement) - set(STATEMENT_KEYS))
    if unknown:
        problems.append(f"{option}: {label} has unknown key(s) {', '.join(unknown)}; use {', '.join(STATEMENT_KEYS)}.")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        problems.append(f"{option}: Sid in {label} must be a string, not {statement['Sid']!r}.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"{option}: Effect in {label} must be 'Allow' or 'Deny'.")
    for key in ("Principal", "NotPrincipal"):
        if key in statement and _principal_problem(statement[key]):
            problems.append(
                f'{option}: {key} in {label} must be "*" or a mapping of {", ".join(PRINCIPAL_TYPES)} to a string '
                'or a list of strings, for example {"AWS": "arn:aws:iam::111122223333:root"}.'
            )
    for key, noun in (
        ("Action", "action"),
        ("NotAction", "action"),
        ("Resource", "resource"),
        ("NotResource", "resource"),
    ):
        if key not in statement:
            continue
        if statement[key] == []:
            problems.append(f"{option}: {key} in {label} must name at least one {noun}.")
        elif not _is_string_or_strings(statement[key]):
            problems.append(f"{option}: {key} in {label} must be a string or a list of strings.")
    if "Condition" in statement:
        problems.extend(_condition_problems(statement["Condition"], label, option))
    return problems


def container_arn_problems(document, container_arn, option="policy"):
    """Problems only the container's ARN can reveal: every Resource starts with ``<container ARN>/``."""
    problems = []
    for index, statement in enumerate(statements(document)):
        if not isinstance(statement, dict):
            continue
        for resource in _as_list(statement.get("Resource", [])):
            if isinstance(resource, str) and not resource.startswith(container_arn + "/"):
                problems.append(
                    f"{option}: Resource {resource!r} in {_statement_label(statement, index)} must be scoped to files "
                    f"inside {container_arn} (region and account of the container)."
                )
    return problems


def default_policy(container_arn):
    """The policy MediaStore attaches to a new container (and again after DeleteContainerPolicy).

    Full access for the owner account, over HTTPS only, as documented in the MediaStore user guide.
    """
    match = CONTAINER_ARN.fullmatch(container_arn)
    partition = match.group("partition") if match else "aws"
    account = match.group("account") if match else ""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": DEFAULT_POLICY_SID,
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "mediastore:*",
                "Resource": f"{container_arn}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            }
        ],
    }


def policies_differ(current, desired):
    """True when two policy documents mean different things (None is no policy)."""
    if current is None or desired is None:
        return current is not desired
    return compare_policies(current, desired)


def is_default_policy(document, container_arn):
    """True when ``document`` is the container's built-in default policy (however it is formatted)."""
    return isinstance(document, dict) and not policies_differ(document, default_policy(container_arn))


# What compare_policies (amazon.aws) takes for equal without it being written the same: its version when none is
# given, one string or a list of them, True or "true", an account ID or its root ARN, "*" or {"AWS": "*"}.
COMPARISON_DEFAULT_VERSION = "2008-10-17"
LIST_MEMBERS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_MEMBERS = ("Principal", "NotPrincipal")


def _strings(value):
    """One value or a list of them as a sorted list of strings, booleans as "true"/"false"."""
    values = value if isinstance(value, list) else [value]
    return sorted(str(item).lower() if isinstance(item, bool) else str(item) for item in values)


def _canonical_principal(principal):
    anyone = isinstance(principal, dict) and list(principal) == ["AWS"] and _strings(principal["AWS"]) == ["*"]
    if principal == "*" or anyone:
        return "*"
    if not isinstance(principal, dict):
        return principal
    canonical = {}
    for kind, value in principal.items():
        accounts = [f"arn:aws:iam::{item}:root" if re.fullmatch(r"\d{12}", item) else item for item in _strings(value)]
        canonical[kind] = sorted(accounts)
    return canonical


def _canonical_statement(statement):
    if not isinstance(statement, dict):
        return statement
    canonical = dict(statement)
    for member in LIST_MEMBERS:
        if member in canonical:
            canonical[member] = _strings(canonical[member])
    for member in PRINCIPAL_MEMBERS:
        if member in canonical:
            canonical[member] = _canonical_principal(canonical[member])
    condition = canonical.get("Condition")
    if isinstance(condition, dict):
        canonical["Condition"] = {
            operator: {key: _strings(value) for key, value in tests.items()} if isinstance(tests, dict) else tests
            for operator, tests in condition.items()
        }
    return canonical


def canonical_policy(document):
    """``document`` written the one way that makes policies compare_policies takes for equal look equal.

    For diffs: statements sorted (their order means nothing), Action/Resource and condition values as sorted
    lists of strings, account principals as root ARNs, an anonymous principal as "*".  Anything that is not a
    policy document (None, text that is not JSON, ``{}``) is returned as it is.
    """
    if not isinstance(document, dict) or not document:
        return document
    found = document.get("Statement")
    canonical = dict(document, Statement=sorted(
        (_canonical_statement(statement) for statement in (found if isinstance(found, list) else [found])),
        key=lambda statement: (str(statement.get("Sid", "")) if isinstance(statement, dict) else "",
                               json.dumps(statement, sort_keys=True)),
    ))
    canonical.setdefault("Version", COMPARISON_DEFAULT_VERSION)
    return canonical
