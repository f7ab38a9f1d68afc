# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    CONTAINER_NAME_MAX,
    FOLDER_LEVELS_MAX,
    PATH_MAX,
    container_name_problems,
    control_endpoint_problems,
    endpoint_problems,
    folder_path_problems,
    header_value_problems,
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


def test_every_bad_segment_is_named_once_in_sorted_order():
    problems = object_path_problems("z z/a a/z z/ok.ts")
    assert len(problems) == 1
    assert "'a a', 'z z' are not valid file or folder names" in problems[0]


@pytest.mark.parametrize(
    "path, named",
    [
        ("o/../c.txt", "'..'"),
        ("o/./c.txt", "'.'"),
        ("../x", "'..'"),
        ("./x", "'.'"),
        ("o/..", "'..'"),
        ("..", "'..'"),
        (".", "'.'"),
        ("a/./b/../c", "'.', '..'"),
    ],
)
def test_dot_segments_are_refused_in_object_and_folder_paths(path, named):
    for problems in (object_path_problems(path), folder_path_problems(path, "prefix")):
        assert len(problems) == 1, problems
        assert named in problems[0]
        assert "'.' and '..' are not allowed" in problems[0]
    assert folder_path_problems(path, "prefix")[0].startswith("prefix: ")


def test_dot_and_character_problems_are_both_reported():
    problems = object_path_problems("a b/../c d.ts")
    assert len(problems) == 2
    assert "'a b', 'c d.ts' are not valid" in problems[0] or "'a b', 'c d.ts' are not valid" in problems[1]
    assert any("'..'" in problem for problem in problems)


@pytest.mark.parametrize("path", ["..a", "a..", "...", ".hidden", "a.b", "x/.well-known/y"])
def test_names_that_only_contain_dots_are_valid(path):
    assert object_path_problems(path) == []


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


# ---------------------------------------------------------------------------------------------- header values


@pytest.mark.parametrize(
    "value",
    ["max-age=2", "", "https://player.example.com", "x" * 5000, "Latin-1 é", "*"],
)
def test_header_values_without_control_characters(value):
    assert header_value_problems(value, "cache_control") == []


@pytest.mark.parametrize(
    "value, shown",
    [
        ("https://a.example.com\r\nSet-Cookie: x=1", "\\r"),
        ("line\nbreak", "\\n"),
        ("nul\x00", "\\x00"),
        ("bell\x07", "\\x07"),
        ("escape\x1b[0m", "\\x1b"),
        ("delete\x7f", "\\x7f"),
        ("\r", "\\r"),
        ("tab\tinside", "\\t"),
    ],
)
def test_control_characters_are_refused_in_header_values(value, shown):
    problems = header_value_problems(value, "rules[0].allowed_origins")
    assert len(problems) == 1
    assert problems[0].startswith("rules[0].allowed_origins: ")
    assert "control characters" in problems[0]
    assert shown in problems[0]


def test_header_value_that_is_not_text_is_left_to_the_type_check():
    assert header_value_problems(None, "x") == []
    assert header_value_problems(3, "x") == []


# ---------------------------------------------------------------------------------------------- endpoints


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:4599/data/abc", "https://aaabbbcccdddee.data.mediastore.us-west-2.amazonaws.com"],
)
def test_valid_endpoints(endpoint):
    assert endpoint_problems(endpoint) == []


@pytest.mark.parametrize(
    "endpoint, fragment",
    [
        ("ftp://example.com/x", "must be an http:// or https:// URL"),
        ("example.com", "must be an http:// or https:// URL"),
        ("", "must be an http:// or https:// URL"),
        ("https://example.com/\r\nX-Evil: 1", "control characters"),
        ("https://exa mple.com", "spaces"),
        ("https://", "has no host"),
        ("https://mediastore.us-east-1.amazonaws.com", "is MediaStore's control-plane endpoint"),
        ("https://MediaStore.eu-west-1.amazonaws.com/", "is MediaStore's control-plane endpoint"),
    ],
)
def test_invalid_endpoints(endpoint, fragment):
    problems = endpoint_problems(endpoint)
    assert len(problems) == 1, problems
    assert problems[0].startswith("endpoint: ")
    assert fragment in problems[0]


def test_the_control_endpoint_as_endpoint_says_where_each_belongs():
    (problem,) = endpoint_problems("https://mediastore.us-east-1.amazonaws.com")
    assert "container.endpoint" in problem and "mediastore_container_info" in problem
    assert "belongs in endpoint_url" in problem


@pytest.mark.parametrize(
    "endpoint_url",
    [
        None,
        "http://127.0.0.1:4599",
        "http://127.0.0.1:4599/",
        "https://mediastore.us-east-1.amazonaws.com",
        "https://proxy.example.com/database/x",
        "https://mediastore-fips.us-east-1.amazonaws.com",
    ],
)
def test_control_endpoints(endpoint_url):
    assert control_endpoint_problems(endpoint_url) == []


@pytest.mark.parametrize(
    "endpoint_url",
    [
        "http://127.0.0.1:4599/data/ab12cd34ef56gh",
        "http://127.0.0.1:4599/data/ab12cd34ef56gh/",
        "https://aaabbbcccdddee.data.mediastore.us-west-2.amazonaws.com",
        "https://AAABBBCCCDDDEE.data.mediastore.us-west-2.amazonaws.com/",
    ],
)
def test_a_data_endpoint_as_endpoint_url_says_where_each_belongs(endpoint_url):
    (problem,) = control_endpoint_problems(endpoint_url)
    assert problem.startswith(f"endpoint_url: {endpoint_url!r} is a container's data endpoint")
    assert "endpoint_url is MediaStore's control-plane endpoint" in problem
    assert "belongs in endpoint" in problem


def test_control_endpoint_problems_name_the_setting_given():
    (problem,) = control_endpoint_problems("http://h/data/x", "AWS_ENDPOINT_URL_MEDIASTORE")
    assert problem.startswith("AWS_ENDPOINT_URL_MEDIASTORE: ")
