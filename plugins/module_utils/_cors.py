# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CORS policies: check the rules, convert between the module's snake_case and the API, compare (pure; no SDK).

Rule order matters (the first matching rule wins) and is compared as such; inside a rule the order of
origins, methods and headers does not matter.
"""

import json

from ansible.module_utils.common.validation import check_type_int, check_type_list

from ansible_collections.elemental.mediastore.plugins.module_utils._metric import api_keys
from ansible_collections.elemental.mediastore.plugins.module_utils._names import header_value_problems

CORS_METHODS = ("GET", "PUT", "DELETE", "HEAD")
RULES_MAX = 100
POLICY_MAX_CHARACTERS = 398000
LIST_MAX = 100
ORIGIN_MAX_LENGTH = 2048
HEADER_MAX_LENGTH = 8192
MAX_AGE_MAX = 2147483647
LIST_KEYS = ("allowed_origins", "allowed_methods", "allowed_headers", "expose_headers")
RULE_KEYS = LIST_KEYS + ("max_age_seconds",)
# A rule may be written with the API's keys too (as the metric policy may): AllowedOrigins is allowed_origins.
RULE_API_KEYS = {
    "allowed_origins": "AllowedOrigins",
    "allowed_methods": "AllowedMethods",
    "allowed_headers": "AllowedHeaders",
    "expose_headers": "ExposeHeaders",
    "max_age_seconds": "MaxAgeSeconds",
}
SNAKE_CASE_KEYS = {api_key: key for key, api_key in RULE_API_KEYS.items()}


def normalise_rules(rules, option="rules"):
    """``(rules, problems)``: the rules as written, read the way Ansible reads list and int options, with
    snake_case keys (API keys renamed); ``problems`` names unknown keys.  What cannot be read is kept.

    The module takes each rule as a plain dictionary, so that a rule that is not one is refused by
    rules_problems with a message naming the option (ansible-core's own suboption check does not name it).
    A comma-separated string becomes a list, a numeric string a number, unset optional keys get their
    defaults; anything else is left for rules_problems to report.
    """
    if not isinstance(rules, list):
        return rules, []
    problems = []
    normalised = [
        _normalise_rule(rule, f"{option}[{index}]", problems) if isinstance(rule, dict) else rule
        for index, rule in enumerate(rules)
    ]
    return normalised, problems


def _normalise_rule(rule, where, problems):
    api_rule = api_keys(rule, RULE_API_KEYS, where, problems)
    normalised = {SNAKE_CASE_KEYS[api_key]: value for api_key, value in api_rule.items()}
    for key in LIST_KEYS:
        if isinstance(normalised.get(key), str):
            normalised[key] = check_type_list(normalised[key])
    for key in ("allowed_headers", "expose_headers"):
        if normalised.get(key) is None:
            normalised[key] = []
    max_age = normalised.get("max_age_seconds")
    if isinstance(max_age, str):
        try:
            normalised["max_age_seconds"] = check_type_int(max_age)
        except TypeError:
            pass  # reported by rule_problems, with the value as written
    normalised.setdefault("max_age_seconds", None)
    return normalised


def _text_problems(values, where, max_length, star_limit):
    """Problems of origins or headers: length, characters (U+0020 to U+00FF, no control characters), wildcards."""
    if not isinstance(values, list):
        return [f"{where}: must be a list of strings, not {type(values).__name__}."]
    problems = []
    if len(values) > LIST_MAX:
        problems.append(f"{where}: at most {LIST_MAX} entries are allowed, got {len(values)}.")
    for value in values:
        if not isinstance(value, str) or not 1 <= len(value) <= max_length:
            problems.append(
                f"{where}: every entry is a string of 1 to {max_length} characters, {str(value)[:60]!r} is not."
            )
            continue
        control_problems = header_value_problems(value, where)
        problems.extend(control_problems)
        if not control_problems and any(ord(ch) > 0xFF for ch in value):
            problems.append(f"{where}: {value[:60]!r} has characters outside Latin-1 (U+0020 to U+00FF).")
        if star_limit is not None and value.count("*") > star_limit:
            problems.append(
                f"{where}: {value[:60]!r} has {value.count('*')} '*'; at most one wildcard is allowed per entry."
            )
    return problems


def rule_problems(rule, where):
    """Problems of one rule (module form); ``where`` is how messages name it, e.g. ``rules[0]``."""
    if not isinstance(rule, dict):
        return [f"{where}: a rule is a dictionary with allowed_origins, allowed_methods and optional headers."]
    problems = []
    origins = rule.get("allowed_origins") or []
    if not origins:
        problems.append(
            f"{where}.allowed_origins: at least one origin is required "
            "(for example 'https://player.example.com', or '*' for every origin)."
        )
    problems.extend(_text_problems(origins, f"{where}.allowed_origins", ORIGIN_MAX_LENGTH, star_limit=1))
    methods = rule.get("allowed_methods") or []
    if not methods:
        problems.append(f"{where}.allowed_methods: at least one method is required ({', '.join(CORS_METHODS)}).")
    if not isinstance(methods, list):
        problems.append(f"{where}.allowed_methods: must be a list of strings, not {type(methods).__name__}.")
        methods = []
    unknown = [m for m in methods if not isinstance(m, str) or m.upper() not in CORS_METHODS]
    if unknown:
        problems.append(
            f"{where}.allowed_methods: {unknown[0]!r} is not a CORS method MediaStore supports; "
            f"use {', '.join(CORS_METHODS)}."
        )
    problems.extend(
        _text_problems(rule.get("allowed_headers") or [], f"{where}.allowed_headers", HEADER_MAX_LENGTH, star_limit=1)
    )
    problems.extend(
        _text_problems(rule.get("expose_headers") or [], f"{where}.expose_headers", HEADER_MAX_LENGTH, star_limit=None)
    )
    max_age = rule.get("max_age_seconds")
    if max_age is not None and (
        isinstance(max_age, bool) or not isinstance(max_age, int) or not 0 <= max_age <= MAX_AGE_MAX
    ):
        problems.append(f"{where}.max_age_seconds: must be a whole number from 0 to {MAX_AGE_MAX}, got {max_age!r}.")
    return problems


def rules_problems(rules, option="rules"):
    """Problems of the whole ``rules`` option: 1 to 100 valid rules, at most 398,000 characters once sent."""
    if not rules:
        return [f"{option}: at least one rule is required with state=present (1 to {RULES_MAX} rules)."]
    if not isinstance(rules, list):
        return [f"{option}: must be a list of rules (dictionaries), 1 to {RULES_MAX}."]
    problems = []
    if len(rules) > RULES_MAX:
        problems.append(f"{option}: a CORS policy has at most {RULES_MAX} rules, got {len(rules)}.")
    for index, rule in enumerate(rules):
        problems.extend(rule_problems(rule, f"{option}[{index}]"))
    if not problems:
        size = len(json.dumps(to_api(rules)))
        if size > POLICY_MAX_CHARACTERS:
            problems.append(
                f"{option}: a CORS policy has at most {POLICY_MAX_CHARACTERS} characters of JSON, this one has {size}."
            )
    return problems


def _unique(values):
    return list(dict.fromkeys(values))


def to_api(rules):
    """The CorsPolicy to send: methods in upper case (each once), unset optional keys left out."""
    api_rules = []
    for rule in rules:
        api_rule = {
            "AllowedOrigins": list(rule["allowed_origins"]),
            "AllowedMethods": _unique(method.upper() for method in rule["allowed_methods"]),
            "AllowedHeaders": list(rule.get("allowed_headers") or []),
        }
        if rule.get("expose_headers"):
            api_rule["ExposeHeaders"] = list(rule["expose_headers"])
        if rule.get("max_age_seconds") is not None:
            api_rule["MaxAgeSeconds"] = rule["max_age_seconds"]
        api_rules.append(api_rule)
    return api_rules


def from_api(api_rules):
    """The rules in the module's snake_case, every key present (empty lists and None for unset ones)."""
    if api_rules is None:
        return None
    return [
        {
            "allowed_origins": list(rule.get("AllowedOrigins") or []),
            "allowed_methods": list(rule.get("AllowedMethods") or []),
            "allowed_headers": list(rule.get("AllowedHeaders") or []),
            "expose_headers": list(rule.get("ExposeHeaders") or []),
            "max_age_seconds": rule.get("MaxAgeSeconds"),
        }
        for rule in api_rules
    ]


def _canonical_rule(rule):
    return (
        tuple(sorted(set(rule.get("AllowedOrigins") or []))),
        tuple(sorted({method.upper() for method in rule.get("AllowedMethods") or []})),
        tuple(sorted(set(rule.get("AllowedHeaders") or []))),
        tuple(sorted(set(rule.get("ExposeHeaders") or []))),
        rule.get("MaxAgeSeconds"),
    )


def rules_differ(current, desired):
    """True when two API CorsPolicy lists behave differently (None is no policy).

    Rules are compared in order; the lists inside a rule are compared as sets of values.
    """
    if current is None or desired is None:
        return current is not desired
    return [_canonical_rule(rule) for rule in current] != [_canonical_rule(rule) for rule in desired]
