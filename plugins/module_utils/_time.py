# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timestamps as the service gives them (datetimes from boto3, or epoch seconds) and as modules return them."""

import datetime


def iso_time(value):
    """A timestamp as ISO 8601 text: a datetime, or epoch seconds; None stays None and text passes through."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    return value.isoformat()


def epoch_seconds(value):
    """A timestamp (datetime from boto3, or a number) as seconds since the epoch; None stays None.

    A datetime without a time zone is read as UTC, as the service means it.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return float(value)
