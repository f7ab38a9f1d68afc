# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MediaStoreClients whose botocore clients are answered by botocore's Stubber.

A Stubber answers only the calls queued for it, in order; any other call fails the test, and an answer
still queued when the test ends fails it too.  So a test that queues no write proves that none was made.
"""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreClients

DATA_ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"


def no_retry(function):
    return function


class StubbedClients:
    """Real botocore clients (one per service) behind Stubbers, handed out as MediaStoreClients asks for them.

    ``created`` lists ``(service, endpoint, config)`` of every client asked for, so a test can prove that
    none was (``[]``), or which.
    """

    def __init__(self):
        session = boto3.session.Session(
            aws_access_key_id="AKID", aws_secret_access_key="secret", region_name="us-east-1"
        )
        self.control = Stubber(session.client("mediastore"))
        self.data = Stubber(session.client("mediastore-data", endpoint_url=DATA_ENDPOINT))
        self.created = []
        for stubber in (self.control, self.data):
            stubber.activate()

    def new_client(self, service, endpoint=None, config=None):
        self.created.append((service, endpoint, config))
        if service == "mediastore":
            return self.control.client
        assert endpoint == DATA_ENDPOINT, f"only {DATA_ENDPOINT} is stubbed, not {endpoint}"
        return self.data.client

    def clients(self, **retries):
        """MediaStoreClients on these stubs; control calls are not retried unless ``busy_retry`` says so."""
        retries.setdefault("busy_retry", no_retry)
        return MediaStoreClients(self.new_client, **retries)

    def close(self):
        for stubber in (self.control, self.data):
            stubber.deactivate()
        for stubber in (self.control, self.data):
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubs():
    stubbed = StubbedClients()
    yield stubbed
    stubbed.close()


@pytest.fixture
def control(stubs):
    """``(clients, stubber)``: MediaStoreClients on the stubs, and the control plane's Stubber."""
    return stubs.clients(), stubs.control


@pytest.fixture
def data(stubs):
    """``(data_plane, stubber)``: the DataPlane of DATA_ENDPOINT, and its Stubber."""
    return stubs.clients().data_plane(endpoint=DATA_ENDPOINT), stubs.data
