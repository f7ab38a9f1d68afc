# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules for container names, object/folder paths, endpoints and header values (pure; no SDK).

Validators return a list of problems, each naming the option and the rule; an empty list means valid.
"""

import re

CONTAINER_NAME_MAX = 255
# The API reference allows `[\w-]+`; `\w` is read as ASCII, the safe reading of an unverified rule.
CONTAINER_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")

PATH_MAX = 900
FOLDER_LEVELS_MAX = 10
PATH_SEGMENT_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-~=:]+")
# Allowed by the character rule, but a URL resolver would move to another folder: the request would not
# name the object the task names (and the service refuses them without saying why).
DOT_SEGMENTS = (".", "..")
# C0 controls and DEL: in an HTTP header, CR and LF would end the header and start another.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# URLs that can only be one plane: AWS's control host mediastore.<region>.amazonaws.com and data hosts
# <id>.data.mediastore.<region>.amazonaws.com; the local endpoint's data endpoints are <base>/data/<id>.
AWS_CONTROL_HOST = re.compile(r"mediastore\.[a-z0-9-]+\.amazonaws\.com(\.cn)?", re.IGNORECASE)
AWS_DATA_HOST = re.compile(r"[a-z0-9]+\.data\.mediastore\.[a-z0-9-]+\.amazonaws\.com(\.cn)?", re.IGNORECASE)
LOCAL_DATA_PATH = re.compile(r"/data/[a-z0-9]+/?")
# What to do when the endpoint of one plane is given for the other (a message ends with them, or with the SDK's
# own words after them).
ENDPOINT_IS_CONTROL_FIX = (
    "endpoint takes a container's data endpoint (container.endpoint in the result of "
    "elemental.mediastore.mediastore_container or mediastore_container_info), or give container instead; "
    "the control-plane endpoint belongs in endpoint_url"
)
ENDPOINT_URL_IS_DATA_FIX = (
    "endpoint_url is MediaStore's control-plane endpoint (the local endpoint's base URL, such as "
    "http://127.0.0.1:4599, or https://mediastore.<region>.amazonaws.com); a container's data endpoint belongs in "
    "endpoint (mediastore_object, mediastore_sync, the list_items lookup), or give container instead"
)


def container_name_problems(name, option="name"):
    if not name:
        return [f"{option}: a container name is required (1 to {CONTAINER_NAME_MAX} characters)."]
    problems = []
    if len(name) > CONTAINER_NAME_MAX:
        problems.append(
            f"{option}: a container name has at most {CONTAINER_NAME_MAX} characters, {name[:20]!r}... has {len(name)}."
        )
    if not CONTAINER_NAME_CHARACTERS.fullmatch(name):
        problems.append(
            f"{option}: {name!r} is not a valid container name; use only letters A-Z a-z, digits, '_' and '-'."
        )
    return problems


def normalise_path(path):
    """The path as the service stores it: no leading or trailing slash."""
    return (path or "").strip("/")


def object_path_problems(path, option="path"):
    """Problems of an object path (already normalised)."""
    if not path:
        return [f"{option}: an object path is required."]
    return _segments_problems(path, option, folders_only=False)


def folder_path_problems(path, option="path"):
    """Problems of a folder path (already normalised); "" is the container root and is valid."""
    if not path:
        return []
    return _segments_problems(path, option, folders_only=True)


def _segments_problems(path, option, folders_only):
    problems = []
    if len(path) > PATH_MAX:
        problems.append(f"{option}: a path has at most {PATH_MAX} characters, this one has {len(path)}.")
    segments = path.split("/")
    folder_levels = len(segments) if folders_only else len(segments) - 1
    if folder_levels > FOLDER_LEVELS_MAX:
        problems.append(
            f"{option}: at most {FOLDER_LEVELS_MAX} folder levels are allowed, {path[:60]!r} has {folder_levels}."
        )
    if any(segment == "" for segment in segments):
        problems.append(f"{option}: {path[:60]!r} has an empty folder name ('//').")
    dots = [dot for dot in DOT_SEGMENTS if dot in segments]
    if dots:
        problems.append(
            f"{option}: {path[:60]!r} has {_quoted(dots)} as a file or folder name; '.' and '..' are not allowed "
            "(name every folder of the path)."
        )
    bad = sorted({segment for segment in segments if segment and not PATH_SEGMENT_CHARACTERS.fullmatch(segment)})
    if bad:
        names = _quoted(name[:60] for name in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        rule = "is not a valid file or folder name" if len(bad) == 1 else "are not valid file or folder names"
        problems.append(f"{option}: {names} {rule}; use only letters, digits and the characters . - _ ~ = :")
    return problems


def _quoted(values):
    return ", ".join(repr(value) for value in values)


def header_value_problems(value, option):
    """Problems of text sent in an HTTP header: no control characters (CR, LF, NUL, other C0, DEL).

    A value that is not a string is left to the option's own type check.
    """
    if not isinstance(value, str):
        return []
    found = sorted(set(CONTROL_CHARACTERS.findall(value)))
    if found:
        return [
            f"{option}: {value[:60]!r} has control characters ({_quoted(found)[:60]}); "
            "a value sent in an HTTP header cannot contain line breaks, tabs or other control characters."
        ]
    return []


def endpoint_problems(endpoint, option="endpoint"):
    """Problems of a container's data-plane URL: http(s), a host, no spaces or control characters."""
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        return [f"{option}: {endpoint!r} must be an http:// or https:// URL."]
    if CONTROL_CHARACTERS.search(endpoint):
        return [f"{option}: {endpoint[:80]!r} has control characters; a URL cannot contain them."]
    if " " in endpoint:
        return [f"{option}: {endpoint[:80]!r} has spaces; a URL cannot contain them (write %20)."]
    host = _host_and_path(endpoint)[0]
    if not host:
        return [f"{option}: {endpoint[:80]!r} has no host."]
    if AWS_CONTROL_HOST.fullmatch(host):
        return [f"{option}: {endpoint[:80]!r} is MediaStore's control-plane endpoint; {ENDPOINT_IS_CONTROL_FIX}."]
    return []


def control_endpoint_problems(endpoint_url, option="endpoint_url"):
    """Problems of the control-plane URL (None: botocore's default): a container's data endpoint is not one.

    Only URLs that are data endpoints by their shape are refused; ``option`` names where the URL came from.
    """
    if not endpoint_url:
        return []
    host, path = _host_and_path(endpoint_url)
    if AWS_DATA_HOST.fullmatch(host) or LOCAL_DATA_PATH.fullmatch(path):
        return [f"{option}: {endpoint_url[:80]!r} is a container's data endpoint; {ENDPOINT_URL_IS_DATA_FIX}."]
    return []


def _host_and_path(url):
    """The host (without port or user) and the path of ``url``."""
    location, slash, path = url.split("://", 1)[-1].partition("/")
    return location.rpartition("@")[2].split(":")[0], slash + path
