# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of drift.yml (loaded because they sit next to it): the origin role's check-mode result as a drift
report, in JSON for programs and in JUnit XML for CI systems, which show each drifted aspect as a failed test.

Pure functions, no I/O: drift.yml writes what they return.
"""

import difflib
import json
from xml.etree import ElementTree

from ansible.errors import AnsibleFilterError

from ansible_collections.elemental.mediastore.plugins.filter.origin_policies import ASPECTS, CONTAINER_DIFF_ASPECTS

# The keys of the origin role's variables block that put each aspect under management.
ASPECT_KEYS = {
    "tags": ("tags",),
    "access_logging": ("access_logging",),
    "access_policy": ("policy", "access"),
    "cors": ("cors", "cors_rules"),
    "lifecycle": ("lifecycle_policy", "expire"),
    "metric_policy": ("metric_policy",),
    "content": ("content",),
}
CONTAINER_ASPECT_KEYS = {aspect: key for key, aspect in CONTAINER_DIFF_ASPECTS.items()}


def checked_aspects(origin):
    """The aspects the variables block manages, in the order the role applies them; the container always."""
    return [
        aspect
        for aspect in ASPECTS
        if aspect == "container" or any(key in origin for key in ASPECT_KEYS[aspect])
    ]


def _live_and_expected(aspect, origin, task_diffs):
    """The aspect on the service and as the variables block wants it, from the role's task diffs."""
    container_diff = task_diffs.get("container") or {}
    if aspect == "container":
        return ("present" if container_diff.get("before") else "absent"), origin.get("state", "present")
    if aspect in CONTAINER_ASPECT_KEYS:
        key = CONTAINER_ASPECT_KEYS[aspect]
        return (container_diff.get("before") or {}).get(key), (container_diff.get("after") or {}).get(key)
    diff = task_diffs.get(aspect) or {}
    return diff.get("before"), diff.get("after")


def _text_diff(live, expected):
    def lines(value):
        return json.dumps(value, indent=2, sort_keys=True, default=str).splitlines()

    return "\n".join(difflib.unified_diff(lines(live), lines(expected), "live", "expected", lineterm=""))


def drift_report(origin_result, origin):
    """One container's entry of the drift report: every managed aspect with its ``expected`` and ``live``
    state, whether it ``drifted``, and a unified ``diff`` (live → expected, empty when it did not drift).

    An aspect the role reported as changed has drifted, with the before and after the role reported; an
    aspect it did not report shows its task's own before and after.
    """
    if not isinstance(origin_result, dict) or not isinstance(origin, dict):
        raise AnsibleFilterError("drift_report: expects origin_result (set by the origin role) and the origin.")
    reported = origin_result.get("diffs") or {}
    task_diffs = origin_result.get("task_diffs") or {}
    aspects = []
    for aspect in checked_aspects(origin):
        if aspect in reported:
            live, expected = reported[aspect]["before"], reported[aspect]["after"]
        else:
            live, expected = _live_and_expected(aspect, origin, task_diffs)
        drifted = aspect in reported or live != expected
        aspects.append(
            {
                "aspect": aspect,
                "drifted": drifted,
                "expected": expected,
                "live": live,
                "diff": _text_diff(live, expected) if drifted else "",
            }
        )
    return {
        "name": origin_result.get("name"),
        "drifted": any(entry["drifted"] for entry in aspects),
        "notes": list(origin_result.get("notes") or []),
        "aspects": aspects,
    }


def drift_junit(containers):
    """JUnit XML for the entries of drift_report: a test suite per container, a test case per aspect, and a
    failure (with the diff) per drifted aspect."""
    if not isinstance(containers, list):
        raise AnsibleFilterError("drift_junit: expects the list of drift_report entries.")
    root = ElementTree.Element("testsuites", name="MediaStore origin drift")
    for container in containers:
        failures = [entry for entry in container["aspects"] if entry["drifted"]]
        suite = ElementTree.SubElement(
            root, "testsuite", name=str(container["name"]), tests=str(len(container["aspects"])),
            failures=str(len(failures)), errors="0",
        )
        for entry in container["aspects"]:
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"drift.{container['name']}", name=entry["aspect"]
            )
            if entry["drifted"]:
                failure = ElementTree.SubElement(
                    case, "failure", type="drift", message=f"{entry['aspect']} of {container['name']} drifted"
                )
                failure.text = entry["diff"]
        if container["notes"]:
            ElementTree.SubElement(suite, "system-out").text = "\n".join(container["notes"])
    root.set("tests", str(sum(int(suite.get("tests")) for suite in root)))
    root.set("failures", str(sum(int(suite.get("failures")) for suite in root)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


class FilterModule:
    def filters(self):
        return {"drift_report": drift_report, "drift_junit": drift_junit}
