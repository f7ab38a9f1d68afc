# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._container import (
    MANAGED_ASPECTS,
    container_view,
    diff_view,
    iso_time,
    parse_policy_option,
    parse_policy_text,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),  # unset: leave the policy alone
        ("", {}),  # empty: remove
        ("   ", {}),
        ("{}", {}),
        ({}, {}),
        ('{"rules": []}', {"rules": []}),
        (' {"a": 1} ', {"a": 1}),
        ({"a": 1}, {"a": 1}),
    ],
)
def test_parse_policy_option(value, expected):
    assert parse_policy_option(value, "lifecycle_policy") == (expected, [])


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("{rules: []}", "lifecycle_policy: not valid JSON"),
        ("[1, 2]", "lifecycle_policy: must be a JSON object (a dictionary), not list"),
        ('"text"', "must be a JSON object (a dictionary), not str"),
        ("7", "not int"),
        ("null", "not NoneType"),
    ],
)
def test_parse_policy_option_problems(value, fragment):
    policy, problems = parse_policy_option(value, "lifecycle_policy")
    assert policy is None
    assert len(problems) == 1
    assert fragment in problems[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, None),
        ('{"Version": "2012-10-17"}', {"Version": "2012-10-17"}),
        ("not json", "not json"),
    ],
)
def test_parse_policy_text(text, expected):
    assert parse_policy_text(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        (datetime.datetime(2026, 11, 21, 19, 30, 41, tzinfo=datetime.timezone.utc), "2026-11-21T19:30:41+00:00"),
        (1563557265, "2019-07-19T17:27:45+00:00"),
        (1563557265.5, "2019-07-19T17:27:45.500000+00:00"),
    ],
)
def test_iso_time(value, expected):
    assert iso_time(value) == expected


def test_container_view():
    described = {
        "ARN": "arn:aws:mediastore:us-east-1:111122223333:container/live",
        "Name": "live",
        "Endpoint": "http://127.0.0.1:4599/data/abcdefghijklmn",
        "Status": "ACTIVE",
        "CreationTime": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "AccessLoggingEnabled": True,
    }
    assert container_view(described) == {
        "arn": "arn:aws:mediastore:us-east-1:111122223333:container/live",
        "name": "live",
        "endpoint": "http://127.0.0.1:4599/data/abcdefghijklmn",
        "status": "ACTIVE",
        "creation_time": "2026-01-02T03:04:05+00:00",
        "access_logging_enabled": True,
    }


def test_container_view_of_a_creating_container():
    view = container_view({"Name": "live", "Status": "CREATING", "ARN": "arn"})
    assert view["endpoint"] is None
    assert view["creation_time"] is None
    assert view["access_logging_enabled"] is False


def test_diff_view_keeps_only_managed_aspects():
    view = {aspect: aspect for aspect in MANAGED_ASPECTS}
    view.update(arn="arn", endpoint="url", status="ACTIVE", creation_time="now")
    assert diff_view(view) == {aspect: aspect for aspect in MANAGED_ASPECTS}


@pytest.mark.parametrize("view", [{}, None])
def test_diff_view_of_no_container(view):
    assert diff_view(view) == {}
