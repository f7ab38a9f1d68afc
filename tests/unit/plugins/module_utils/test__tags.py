# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._tags import (
    TAGS_MAX,
    normalise_tags,
    tags_problems,
)


@pytest.mark.parametrize(
    "tags, expected",
    [
        (None, None),
        ({}, {}),
        ({"a": "b"}, {"a": "b"}),
        ({"count": 3, "on": True}, {"count": "3", "on": "True"}),
        ({"empty": None}, {"empty": ""}),
        ({1: "x"}, {"1": "x"}),
    ],
)
def test_normalise_tags(tags, expected):
    assert normalise_tags(tags) == expected


@pytest.mark.parametrize(
    "tags",
    [
        {},
        {"team": "video-platform"},
        {"Name": ""},
        {"a b": "c d"},
        {"k_.:/=+-@": "v_.:/=+-@"},
        {"x" * 128: "y" * 256},
        {"équipe": "vidéo", "チーム": "映像", "n1": "٣"},  # Unicode letters and numbers are allowed
        {f"k{index}": "v" for index in range(TAGS_MAX)},
        {"awsome": "not the reserved prefix"},
    ],
)
def test_valid_tags(tags):
    assert tags_problems(tags) == []


@pytest.mark.parametrize(
    "tags, fragment",
    [
        ({f"k{index}": "v" for index in range(TAGS_MAX + 1)}, f"at most {TAGS_MAX} tags, {TAGS_MAX + 1} were given"),
        ({"": "v"}, "tag key '' is not valid; use 1 to 128"),
        ({"x" * 129: "v"}, "is not valid; use 1 to 128"),
        ({"a*b": "v"}, "tag key 'a*b' is not valid"),
        ({"a#b": "v"}, "tag key 'a#b' is not valid"),
        ({"a\tb": "v"}, "is not valid"),
        ({"aws:createdBy": "v"}, "uses the prefix 'aws:', which AWS reserves"),
        ({"AWS:x": "v"}, "uses the prefix 'aws:'"),
        ({"k": "y" * 257}, "the value of tag 'k' is not valid; use 0 to 256"),
        ({"k": "a;b"}, "the value of tag 'k' is not valid"),
        ({"k": "line\nbreak"}, "the value of tag 'k' is not valid"),
    ],
)
def test_invalid_tags(tags, fragment):
    problems = tags_problems(tags)
    assert len(problems) == 1, problems
    assert problems[0].startswith("tags: ")
    assert fragment in problems[0]


def test_every_bad_tag_is_reported_and_the_option_named():
    problems = tags_problems({"a*": "ok", "aws:x": "ok", "k": "bad;"}, "resource_tags")
    assert len(problems) == 3
    assert all(problem.startswith("resource_tags: ") for problem in problems)


def test_rule_is_stated():
    problem = tags_problems({"a*": ""})[0]
    assert "letters, digits, spaces and _ . : / = + - @" in problem
