# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the container modules report about a container (pure; no SDK)."""

from ansible_collections.elemental.mediastore.plugins.module_utils._time import iso_time

# The aspects mediastore_container manages; a diff shows exactly these.
MANAGED_ASPECTS = ("name", "access_logging_enabled", "tags", "lifecycle_policy", "metric_policy")


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
    return f"{option}: container {name!r} {status}; create it first with elemental.mediastore.mediastore_container."


def container_diff_view(view):
    """The managed aspects of a container view; ``{}`` for a container that does not exist."""
    if not view:
        return {}
    return {aspect: view.get(aspect) for aspect in MANAGED_ASPECTS}
