# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four container policy aspects (access policy, CORS, lifecycle, metric) as one model (pure; no SDK).

Every aspect says how its option is read and checked, the form in which two policies are compared, how
that form travels to and from the API, and how modules show it.  ``plan_change`` then decides, for every
aspect and every module alike, what a task does and what the aspect is afterwards.

Values in the comparison form: the access and lifecycle policies are parsed documents (the API carries them
as JSON text), CORS is the API's list of rules, the metric policy the API's dictionary.  ``None`` is "no
policy"; a desired ``None`` is "option not set, leave the policy alone"; ``REMOVE`` is "remove the policy".
"""

import json
from collections import namedtuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    container_arn_problems,
    default_policy,
    document_problems,
    is_default_policy,
    policies_differ,
    policy_json,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._cors import (
    from_api,
    normalise_rules,
    rules_differ,
    rules_problems,
    to_api,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._lifecycle import (
    lifecycle_policy_problems,
    lifecycle_policy_text,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._metric import (
    metric_policies_differ,
    normalise_metric_policy,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems


class _Removal:
    """The desired state "no policy": an empty option, or state=absent."""

    def __repr__(self):
        return "REMOVE"


REMOVE = _Removal()

# What a task does to one aspect: ``action`` is None, "put" or "delete"; ``after`` is the aspect afterwards.
Change = namedtuple("Change", ["action", "after"])


def read_json_object(value, option, object_rule="must be a JSON object (a dictionary)"):
    """``(document, problems)`` of an option that takes a dictionary or its JSON text.

    None (unset) stays None; an empty value (``""``, ``{}``, ``"{}"``) gives ``{}``.  ``object_rule`` is what
    the message says about a value that is not an object.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return {}, []
        try:
            value = json.loads(text)
        except ValueError as error:
            # Most often `option: |` followed by YAML: the block makes the YAML one string.
            return None, [
                f"{option}: not valid JSON ({error}), and text is read as JSON; write it as a YAML mapping (drop "
                f"the '|' after '{option}:') or as JSON text."
            ]
    elif value is None:
        return None, []
    if not isinstance(value, dict):
        return None, [f"{option}: {object_rule}, not {type(value).__name__}."]
    return value, []


def _parsed_text(text):
    """A policy the API carries as JSON text, parsed; text that is not JSON is kept, so it shows as it is."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class PolicyAspect:
    """One policy of a container.  Subclasses fill in what differs; see the module docstring for the forms."""

    # Its key in a container's view (mediastore_container_info, mediastore_container).
    name = None
    # The API member that carries it, in the Get*Policy answer and the Put*Policy request alike.
    member = None
    # The error code of Get*/Delete*Policy when the container has no such policy.
    not_found = "PolicyNotFoundException"

    def parse(self, value, option, container=None):
        """``(desired, problems)`` from the option's value: None (unset), REMOVE (empty), or the comparison form.

        ``container`` is the container's name, for rules that depend on it.
        """
        document, problems = read_json_object(value, option)
        if problems or document is None:
            return None, problems
        if document == {}:
            return REMOVE, []
        return self.checked(document, option, container)

    def checked(self, document, option, container):
        """``(desired, problems)`` of a parsed, non-empty document."""
        raise NotImplementedError

    def from_api(self, value):
        return value

    def to_api(self, value):
        return value

    def view(self, value):
        """How modules show the aspect (None when there is no policy)."""
        return value

    def differs(self, current, desired):
        return current != desired

    def is_removed(self, current, container_arn):
        return current is None

    def after_removal(self, container_arn):
        return None

    def container_problems(self, desired, container_arn):
        """Problems of a desired policy that only the container's ARN reveals."""
        return []


class AccessPolicy(PolicyAspect):
    """The container (access) policy: a JSON document; MediaStore puts its default policy back when it is removed."""

    name = "policy"
    member = "Policy"

    def parse(self, value, option, container=None):
        document, problems = read_json_object(
            value, option, object_rule="a policy must be a JSON object with Version and Statement"
        )
        if problems:
            return None, problems
        if not document:
            return None, [f"{option}: a policy document (a JSON object with Version and Statement) is required."]
        return self.checked(document, option, container)

    def checked(self, document, option, container):
        return document, document_problems(document, container, option)

    def from_api(self, value):
        return _parsed_text(value)

    def to_api(self, value):
        return policy_json(value)

    def differs(self, current, desired):
        return not isinstance(current, dict) or policies_differ(current, desired)

    def is_removed(self, current, container_arn):
        return current is None or is_default_policy(current, container_arn)

    def after_removal(self, container_arn):
        return default_policy(container_arn)

    def container_problems(self, desired, container_arn):
        # Every Resource must be in the container's own region and account.
        return [] if desired is REMOVE else container_arn_problems(desired, container_arn)


class CorsPolicy(PolicyAspect):
    """The CORS policy: the module's snake_case rules, sent as the API's list; rule order counts."""

    name = "cors_policy"
    member = "CorsPolicy"
    not_found = "CorsPolicyNotFoundException"

    def parse(self, value, option, container=None):
        """``value`` is the list of rules, each rule as written (see _cors.normalise_rules)."""
        rules, problems = normalise_rules(value, option)
        problems += rules_problems(rules, option)
        return (None, problems) if problems else (to_api(rules), [])

    def view(self, value):
        return from_api(value)

    def differs(self, current, desired):
        return rules_differ(current, desired)


class LifecyclePolicy(PolicyAspect):
    """The object lifecycle policy: a JSON document, sent as compact text; rule order counts."""

    name = "lifecycle_policy"
    member = "LifecyclePolicy"

    def checked(self, document, option, container):
        return document, lifecycle_policy_problems(document, option)

    def from_api(self, value):
        return _parsed_text(value)

    def to_api(self, value):
        return lifecycle_policy_text(value)


class MetricPolicy(PolicyAspect):
    """The metric policy: snake_case or API keys in the option, API keys on the wire, snake_case when shown."""

    name = "metric_policy"
    member = "MetricPolicy"

    def checked(self, document, option, container):
        return normalise_metric_policy(document, option)

    def view(self, value):
        return camel_dict_to_snake_dict(value) if value else None

    def differs(self, current, desired):
        return metric_policies_differ(current, desired)


ACCESS_POLICY = AccessPolicy()
CORS_POLICY = CorsPolicy()
LIFECYCLE_POLICY = LifecyclePolicy()
METRIC_POLICY = MetricPolicy()
# In the order mediastore_container_info reads them.
ASPECTS = (ACCESS_POLICY, CORS_POLICY, LIFECYCLE_POLICY, METRIC_POLICY)


def desired_policy(aspect, params, option):
    """``(desired, problems)`` of a task of mediastore_policy or mediastore_cors (options container, state, ``option``).

    ``desired`` is REMOVE for state=absent, else the comparison form of ``option``.
    """
    problems = container_name_problems(params["container"], "container")
    if params["state"] == "absent":
        if params[option] is not None:
            problems.append(
                f"{option}: does not apply with state=absent, which removes the policy; remove {option} "
                "or set state=present."
            )
        return REMOVE, problems
    desired, option_problems = aspect.parse(params[option], option, container=params["container"])
    return desired, problems + option_problems


def plan_change(aspect, current, desired, container_arn=None):
    """The Change that brings ``aspect`` from ``current`` to ``desired`` (both in the comparison form)."""
    if desired is None:
        return Change(None, current)
    if desired is REMOVE:
        if aspect.is_removed(current, container_arn):
            return Change(None, current)
        return Change("delete", aspect.after_removal(container_arn))
    if not aspect.differs(current, desired):
        return Change(None, current)
    return Change("put", desired)


def policy_views(policies, aspects):
    """``{aspect.name: view}`` of policies keyed by aspect name (as _service.read_policies gives them)."""
    return {aspect.name: aspect.view(policies[aspect.name]) for aspect in aspects}
