# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the container modules report, and how they read their policy options (pure; no SDK)."""

import datetime
import json

# The aspects mediastore_container manages; a diff shows exactly these.
MANAGED_ASPECTS = ("name", "access_logging_enabled", "tags", "lifecycle_policy", "metric_policy")


def parse_policy_option(value, option):
    """``(policy, problems)`` for a policy option of type json.

    None means the option is unset (leave the policy alone); ``{}`` means remove the policy, and is
    what both ``{}`` and the empty string give.  Anything else is the parsed JSON, checked elsewhere.
    """
    if value is None:
        return None, []
    if isinstance(value, dict):
        return value, []
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        return {}, []
    try:
        parsed = json.loads(text)
    except (TypeError, ValueError) as error:
        return None, [f"{option}: not valid JSON ({error})."]
    if not isinstance(parsed, dict):
        return None, [f"{option}: must be a JSON object (a dictionary), not {type(parsed).__name__}."]
    return parsed, []


def parse_policy_text(text):
    """A policy MediaStore returned as JSON text, parsed; text that is not JSON comes back unchanged."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def iso_time(value):
    """A timestamp (datetime, or epoch seconds) as ISO 8601 text; None stays None."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    return value.isoformat()


def container_view(container):
    """The basic fields of a DescribeContainer/ListContainers entry, snake_case."""
    return {
        "arn": container.get("ARN"),
        "name": container.get("Name"),
        "endpoint": container.get("Endpoint"),
        "status": container.get("Status"),
        "creation_time": iso_time(container.get("CreationTime")),
        "access_logging_enabled": bool(container.get("AccessLoggingEnabled", False)),
    }


def missing_container_problem(container, name, option="container"):
    """Why the policies of container ``name`` cannot be set, or None when they can.

    ``container`` is DescribeContainer's answer: None when there is no such container.
    """
    if container is None:
        status = "does not exist"
    elif container.get("Status") == "DELETING":
        status = "is being deleted"
    else:
        return None
    return f"{option}: container {name!r} {status}; create it first (mediastore_container)."


def diff_view(view):
    """The managed aspects of a container view; ``{}`` for a container that does not exist."""
    if not view:
        return {}
    return {aspect: view.get(aspect) for aspect in MANAGED_ASPECTS}
