# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures the module tests share: clients answered by botocore's Stubber.

A Stubber answers only the calls queued for it, in order; any other call fails the test, and an answer
still queued when the test ends fails it too.  So a test that queues no write proves that none was made.
"""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreModule, transient_retry

DATA_ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"


def no_retry(function):
    return function


@pytest.fixture
def stubbed():
    """``stubbed(service, **client_options)`` gives ``(client, stubber)``; the client retries nothing."""
    stubbers = []

    def make(service, **options):
        client = boto3.client(
            service, region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="secret", **options
        )
        stubber = Stubber(client)
        stubber.activate()
        stubbers.append(stubber)
        return RetryingBotoClientWrapper(client, no_retry), stubber

    yield make
    for stubber in stubbers:
        stubber.deactivate()
    for stubber in stubbers:
        stubber.assert_no_pending_responses()


@pytest.fixture
def control(stubbed):
    """A stubbed control-plane client and its Stubber."""
    return stubbed("mediastore")


@pytest.fixture
def module_control(control, monkeypatch):
    """The stubbed control-plane client as every module's ``control_client()``; gives its Stubber."""
    client, stubber = control
    monkeypatch.setattr(MediaStoreModule, "control_client", lambda self: client)
    return stubber


@pytest.fixture
def module_data(stubbed, monkeypatch):
    """A stubbed data-plane client for DATA_ENDPOINT as every module's data client; gives its Stubber.

    The client retries as the modules' own does.  ``stubber.created`` holds the options of every client
    asked for, so ``[]`` proves that no client was created.
    """
    _client, stubber = stubbed("mediastore-data", endpoint_url=DATA_ENDPOINT)
    stubber.created = []

    def make_client(module, service, retry_decorator=None, **options):
        assert service == "mediastore-data", "only the data plane is stubbed"
        assert options["endpoint"] == DATA_ENDPOINT
        stubber.created.append(options)
        return RetryingBotoClientWrapper(stubber.client, retry_decorator or transient_retry())

    monkeypatch.setattr(MediaStoreModule, "client", make_client)
    return stubber


@pytest.fixture
def no_client(monkeypatch):
    """Fails the test if a module creates a control-plane client (bad input must fail before that)."""

    def refuse(self):
        raise AssertionError("a client was created although the input is invalid")

    monkeypatch.setattr(MediaStoreModule, "control_client", refuse)
