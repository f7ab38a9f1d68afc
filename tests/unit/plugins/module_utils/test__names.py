# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    CONTAINER_NAME_MAX,
    FOLDER_LEVELS_MAX,
    PATH_MAX,
    container_name_problems,
    folder_path_problems,
    normalise_path,
    object_path_problems,
)

# ---------------------------------------------------------------------------------------------- container names


@pytest.mark.parametrize(
    "name",
    [
        "a",
        "Z",
        "0",
        "_",
        "-",
        "live_origin",
        "live-origin",
        "LiveOrigin2026",
        "a" * CONTAINER_NAME_MAX,
        "A-Z_a-z_0-9",
    ],
)
def test_valid_container_names(name):
    assert container_name_problems(name) == []


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("live origin", "not a valid container name"),
        ("live.origin", "not a valid container name"),
        ("live/origin", "not a valid container name"),
        ("live:origin", "not a valid container name"),
        ("live@origin", "not a valid container name"),
        ("café", "not a valid container name"),  # \w read as ASCII
        ("名前", "not a valid container name"),
        ("tab\tname", "not a valid container name"),
        ("trailing\n", "not a valid container name"),
        ("a" * (CONTAINER_NAME_MAX + 1), f"at most {CONTAINER_NAME_MAX} characters"),
    ],
)
def test_invalid_container_names(name, fragment):
    problems = container_name_problems(name)
    assert len(problems) == 1
    assert problems[0].startswith("name: ")
    assert fragment in problems[0]


@pytest.mark.parametrize("name", ["", None])
def test_missing_container_name(name):
    assert container_name_problems(name) == [
        f"name: a container name is required (1 to {CONTAINER_NAME_MAX} characters)."
    ]


def test_too_long_and_bad_characters_are_both_reported():
    problems = container_name_problems("a b" * 100)
    assert len(problems) == 2
    assert f"at most {CONTAINER_NAME_MAX}" in problems[0]
    assert "has 300" in problems[0]
    assert "not a valid container name" in problems[1]


def test_long_name_is_shortened_in_the_message():
    problems = container_name_problems("x" * 1000)
    assert "x" * 21 not in problems[0]


@pytest.mark.parametrize("option", ["name", "container", "containers[2].name"])
def test_container_name_problems_name_the_option(option):
    for problems in (container_name_problems("bad name", option), container_name_problems("", option)):
        assert problems and all(problem.startswith(f"{option}: ") for problem in problems)


# ---------------------------------------------------------------------------------------------- normalise_path


@pytest.mark.parametrize(
    "path, expected",
    [
        ("a/b.ts", "a/b.ts"),
        ("/a/b.ts", "a/b.ts"),
        ("//a/b.ts", "a/b.ts"),
        ("a/b/", "a/b"),
        ("/a/", "a"),
        ("/", ""),
        ("", ""),
        (None, ""),
        ("a//b", "a//b"),  # inner empty segments are kept, for the validator to report
    ],
)
def test_normalise_path(path, expected):
    assert normalise_path(path) == expected


# ---------------------------------------------------------------------------------------------- object paths


def nested(levels, leaf="f.ts"):
    return "/".join([f"d{index}" for index in range(levels)] + [leaf])


@pytest.mark.parametrize(
    "path",
    [
        "index.m3u8",
        "live/1080p/segment_00001.ts",
        "a.b-c_d~e=f:g",
        "UPPER/lower/0123",
        nested(FOLDER_LEVELS_MAX),
        "a" * PATH_MAX,
        "...",
        "~",
    ],
)
def test_valid_object_paths(path):
    assert object_path_problems(path) == []


@pytest.mark.parametrize(
    "path, fragment",
    [
        ("a b.ts", "'a b.ts' is not a valid file or folder name"),
        ("live/seg ment.ts", "'seg ment.ts' is not a valid file or folder name"),
        ("a*b", "not a valid file or folder name"),
        ("a?b", "not a valid file or folder name"),
        ("a#b", "not a valid file or folder name"),
        ("a%20b", "not a valid file or folder name"),
        ("é.ts", "not a valid file or folder name"),
        ("a\\b", "not a valid file or folder name"),
        ("a//b.ts", "has an empty folder name ('//')"),
        (nested(FOLDER_LEVELS_MAX + 1), f"at most {FOLDER_LEVELS_MAX} folder levels"),
        ("a" * (PATH_MAX + 1), f"at most {PATH_MAX} characters"),
    ],
)
def test_invalid_object_paths(path, fragment):
    problems = object_path_problems(path)
    assert len(problems) == 1
    assert problems[0].startswith("path: ")
    assert fragment in problems[0]


def test_object_path_is_required():
    assert object_path_problems("") == ["path: an object path is required."]


def test_several_object_path_problems_are_all_reported():
    path = "/".join(["bad name"] * (FOLDER_LEVELS_MAX + 2)) + "//x"
    problems = object_path_problems(path)
    assert len(problems) == 3
    assert any("folder levels" in problem for problem in problems)
    assert any("'//'" in problem for problem in problems)
    assert any("'bad name' is not a valid" in problem for problem in problems)


def test_bad_segments_are_reported_once_in_sorted_order():
    problems = object_path_problems("z z/a a/z z.ts")
    assert len(problems) == 1
    assert "'a a'" in problems[0]


@pytest.mark.parametrize("option", ["path", "dest", "objects[0].path"])
def test_path_problems_name_the_option(option):
    assert object_path_problems("", option)[0].startswith(f"{option}: ")
    assert object_path_problems("a b", option)[0].startswith(f"{option}: ")
    assert folder_path_problems("a b", option)[0].startswith(f"{option}: ")


# ---------------------------------------------------------------------------------------------- folder paths


@pytest.mark.parametrize(
    "path",
    [
        "",  # the container root
        "live",
        "live/1080p",
        "/".join(f"d{index}" for index in range(FOLDER_LEVELS_MAX)),
        "a=b:c~d.e-f_g",
    ],
)
def test_valid_folder_paths(path):
    assert folder_path_problems(path) == []


@pytest.mark.parametrize(
    "path, fragment",
    [
        ("/".join(f"d{index}" for index in range(FOLDER_LEVELS_MAX + 1)), f"at most {FOLDER_LEVELS_MAX} folder levels"),
        ("a//b", "empty folder name"),
        ("a b", "not a valid file or folder name"),
        ("a*", "not a valid file or folder name"),
        ("a" * (PATH_MAX + 1), f"at most {PATH_MAX} characters"),
    ],
)
def test_invalid_folder_paths(path, fragment):
    problems = folder_path_problems(path)
    assert len(problems) == 1
    assert fragment in problems[0]


def test_folder_levels_count_every_segment_but_object_paths_do_not_count_the_file():
    ten = "/".join(f"d{index}" for index in range(FOLDER_LEVELS_MAX))
    eleven = ten + "/x"
    assert folder_path_problems(ten) == []
    assert folder_path_problems(eleven) != []
    assert object_path_problems(eleven) == []
