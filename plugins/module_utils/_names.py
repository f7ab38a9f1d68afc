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
    if not endpoint.split("://", 1)[1].split("/", 1)[0]:
        return [f"{option}: {endpoint[:80]!r} has no host."]
    return []
