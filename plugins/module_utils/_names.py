# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules for container names and object/folder paths (pure; no SDK).

Validators return a list of problems, each naming the option and the rule; an empty list means valid.
"""

import re

CONTAINER_NAME_MAX = 255
# The API reference allows `[\w-]+`; `\w` is read as ASCII, the safe reading of an unverified rule.
CONTAINER_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")

PATH_MAX = 900
FOLDER_LEVELS_MAX = 10
PATH_SEGMENT_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-~=:]+")


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
    bad = sorted({segment for segment in segments if segment and not PATH_SEGMENT_CHARACTERS.fullmatch(segment)})
    if bad:
        problems.append(
            f"{option}: {bad[0][:60]!r} is not a valid file or folder name; "
            "use only letters, digits and the characters . - _ ~ = :"
        )
    return problems
