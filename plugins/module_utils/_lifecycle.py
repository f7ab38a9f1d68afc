# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Object lifecycle policies: grammar check, wire text and comparison (pure; no SDK).

The grammar is the one of the MediaStore user guide::

    {"rules": [{"definition": {"path": [{"prefix": "p"} | {"wildcard": "g"}, ...],
                               "days_since_create" | "seconds_since_create": [{"numeric": [op, n]}]},
                "action": "EXPIRE" | "ARCHIVE"}, ...]}

Validators return a list of problems, each naming the option and the rule; an empty list means valid.
"""

import json
import re

POLICY_TEXT_MAX = 8192
RULES_MAX = 10
PATH_ENTRIES_MAX = 10
PATH_ENTRY_MAX = 900
OPERATORS = (">", ">=")
ACTIONS = ("EXPIRE", "ARCHIVE")
DAYS_MIN, DAYS_MAX = 1, 36500
SECONDS_MIN, SECONDS_MAX = 1, 300
# Transition to infrequent access is only offered after exactly 30 days.
ARCHIVE_CONDITION = [">=", 30]
# Path characters, plus "/" between folders; wildcards may also use "*".
PREFIX_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-~=:/]*")
WILDCARD_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-~=:/*]+")


def lifecycle_policy_text(policy):
    """The JSON text sent to PutLifecyclePolicy: compact and stable, so its length is predictable."""
    return json.dumps(policy, separators=(",", ":"), sort_keys=True)


def lifecycle_policy_problems(policy, option="lifecycle_policy"):
    """Problems of a parsed lifecycle policy (a dict with one key, ``rules``)."""
    if not isinstance(policy, dict):
        return [f"{option}: a lifecycle policy is a JSON object {{\"rules\": [...]}}, not {type(policy).__name__}."]
    problems = []
    unknown = sorted(set(policy) - {"rules"})
    if unknown:
        problems.append(f"{option}: unknown key(s) {', '.join(unknown)}; a lifecycle policy has only \"rules\".")
    rules = policy.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append(
            f"{option}: \"rules\" must be a list of 1 to {RULES_MAX} rules "
            f"(to remove the policy, set {option} to {{}})."
        )
        return problems
    if len(rules) > RULES_MAX:
        problems.append(f"{option}: a lifecycle policy has at most {RULES_MAX} rules, this one has {len(rules)}.")
    for index, rule in enumerate(rules):
        problems.extend(_rule_problems(rule, f"{option}: rules[{index}]"))
    if not problems:
        length = len(lifecycle_policy_text(policy))
        if length > POLICY_TEXT_MAX:
            problems.append(
                f"{option}: the policy is {length} characters as compact JSON; "
                f"MediaStore accepts at most {POLICY_TEXT_MAX}."
            )
    return problems


def _rule_problems(rule, where):
    if not isinstance(rule, dict):
        return [f"{where}: a rule is an object with \"definition\" and \"action\"."]
    problems = []
    unknown = sorted(set(rule) - {"definition", "action"})
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; a rule has \"definition\" and \"action\".")
    action = rule.get("action")
    if action not in ACTIONS:
        problems.append(f"{where}.action: must be EXPIRE or ARCHIVE, not {action!r}.")
    definition = rule.get("definition")
    if not isinstance(definition, dict):
        problems.append(f"{where}.definition: required; an object with \"path\" and one time condition.")
        return problems
    unknown = sorted(set(definition) - {"path", "days_since_create", "seconds_since_create"})
    if unknown:
        problems.append(
            f"{where}.definition: unknown key(s) {', '.join(unknown)}; "
            "use \"path\" and one of \"days_since_create\" or \"seconds_since_create\"."
        )
    path_kinds = _path_problems(definition.get("path"), f"{where}.definition.path", problems)
    conditions = [key for key in ("days_since_create", "seconds_since_create") if key in definition]
    if len(conditions) != 1:
        problems.append(
            f"{where}.definition: needs exactly one of days_since_create or seconds_since_create, "
            f"found {len(conditions)}."
        )
        return problems
    condition = conditions[0]
    operator_and_number = _numeric_condition(definition[condition], f"{where}.definition.{condition}", problems)
    if operator_and_number is None:
        return problems
    operator, number = operator_and_number
    if condition == "seconds_since_create":
        if not SECONDS_MIN <= number <= SECONDS_MAX:
            problems.append(
                f"{where}.definition.seconds_since_create: must be {SECONDS_MIN} to {SECONDS_MAX} seconds, "
                f"not {number}."
            )
        if path_kinds and path_kinds != {"wildcard"}:
            problems.append(
                f"{where}.definition.path: a seconds_since_create (transient data) rule takes wildcard paths only."
            )
        if action == "ARCHIVE":
            problems.append(f"{where}.action: a seconds_since_create (transient data) rule can only EXPIRE.")
    else:
        if not DAYS_MIN <= number <= DAYS_MAX:
            problems.append(
                f"{where}.definition.days_since_create: must be {DAYS_MIN} to {DAYS_MAX} days, not {number}."
            )
        if action == "ARCHIVE" and [operator, number] != ARCHIVE_CONDITION:
            problems.append(
                f"{where}: an ARCHIVE rule needs days_since_create exactly [{{\"numeric\": [\">=\", 30]}}], "
                f"not [{operator!r}, {number}]."
            )
    return problems


def _path_problems(path, where, problems):
    """Appends the problems of a rule's path list; returns the set of entry kinds seen ("prefix"/"wildcard")."""
    if not isinstance(path, list) or not path:
        problems.append(
            f"{where}: required; a list of 1 to {PATH_ENTRIES_MAX} {{\"prefix\": ...}} or {{\"wildcard\": ...}}."
        )
        return set()
    if len(path) > PATH_ENTRIES_MAX:
        problems.append(f"{where}: at most {PATH_ENTRIES_MAX} entries per rule, this one has {len(path)}.")
    kinds = set()
    for index, entry in enumerate(path):
        entry_where = f"{where}[{index}]"
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("prefix", "wildcard"):
            problems.append(f"{entry_where}: each entry is {{\"prefix\": \"folder/\"}} or {{\"wildcard\": \"*.ts\"}}.")
            continue
        kind, value = next(iter(entry.items()))
        kinds.add(kind)
        pattern = PREFIX_CHARACTERS if kind == "prefix" else WILDCARD_CHARACTERS
        if not isinstance(value, str) or not pattern.fullmatch(value) or len(value) > PATH_ENTRY_MAX:
            allowed = "letters, digits, / and . - _ ~ = :" + (" *" if kind == "wildcard" else "")
            problems.append(
                f"{entry_where}.{kind}: {repr(value)[:60]} is not valid; use at most {PATH_ENTRY_MAX} of {allowed}"
                + ("" if kind == "prefix" else " (not empty)")
                + "."
            )
    if len(kinds) > 1:
        problems.append(f"{where}: one rule cannot mix prefix and wildcard entries; split it into two rules.")
    return kinds


def _numeric_condition(condition, where, problems):
    """The (operator, number) of ``[{"numeric": [op, n]}]``, or None after appending the problem."""
    shape = f"{where}: must be [{{\"numeric\": [\">\" or \">=\", number]}}]"
    if not (isinstance(condition, list) and len(condition) == 1 and isinstance(condition[0], dict)):
        problems.append(f"{shape}.")
        return None
    if set(condition[0]) != {"numeric"}:
        problems.append(f"{shape}.")
        return None
    numeric = condition[0]["numeric"]
    if not (isinstance(numeric, list) and len(numeric) == 2):
        problems.append(f"{shape}.")
        return None
    operator, number = numeric
    if operator not in OPERATORS:
        problems.append(f"{where}: the operator must be \">\" or \">=\", not {operator!r}.")
        return None
    if isinstance(number, bool) or not isinstance(number, int):
        problems.append(f"{where}: the number must be a whole number, not {number!r}.")
        return None
    return operator, number


def lifecycle_policies_differ(current, desired):
    """True when the parsed policies differ (so spacing and key order never count).

    Rule order does count: MediaStore keeps the policy as the text it was given and returns the rules in
    that order, so treating a reordering as no change would leave a stored policy that differs from the
    task's and a diff that hides it.
    """
    return current != desired
