# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._time import epoch_seconds, iso_time


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("2025", "2025"),
        (datetime.datetime(2026, 11, 21, 19, 30, 41, tzinfo=datetime.timezone.utc), "2026-11-21T19:30:41+00:00"),
        (1563557265, "2019-07-19T17:27:45+00:00"),
        (1563557265.5, "2019-07-19T17:27:45.500000+00:00"),
    ],
)
def test_iso_time(value, expected):
    assert iso_time(value) == expected


@pytest.mark.parametrize(
    "value, seconds",
    [
        (None, None),
        (12, 12.0),
        (datetime.datetime(1970, 1, 1, 0, 0, 10, tzinfo=datetime.timezone.utc), 10.0),
        (datetime.datetime(1970, 1, 1, 0, 0, 10), 10.0),  # naive means UTC
    ],
)
def test_epoch_seconds(value, seconds):
    assert epoch_seconds(value) == seconds


def test_they_are_inverse():
    assert iso_time(epoch_seconds(datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc))) == (
        "2026-01-02T00:00:00+00:00"
    )
