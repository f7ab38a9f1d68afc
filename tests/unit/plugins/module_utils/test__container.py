# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._container import (
    MANAGED_ASPECTS,
    container_diff_view,
    container_view,
)


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
    assert container_diff_view(view) == {aspect: aspect for aspect in MANAGED_ASPECTS}


@pytest.mark.parametrize("view", [{}, None])
def test_diff_view_of_no_container(view):
    assert container_diff_view(view) == {}
