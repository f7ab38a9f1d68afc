# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures the module tests share: every module's clients come from the stubs (see ../conftest.py)."""

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreModule


@pytest.fixture
def module_control(stubs, monkeypatch):
    """The stubbed clients as every module's ``clients()``; gives the control plane's Stubber."""
    monkeypatch.setattr(MediaStoreModule, "clients", lambda self: stubs.clients())
    return stubs.control


@pytest.fixture
def module_data(stubs, monkeypatch):
    """The stubbed clients as every module's ``clients()``; gives the data plane's Stubber.

    Data-plane calls retry as the modules' own do.  ``stubs.created`` lists every client asked for.
    """
    monkeypatch.setattr(MediaStoreModule, "clients", lambda self: stubs.clients())
    return stubs.data


@pytest.fixture
def no_client(monkeypatch):
    """Fails the test if a module asks for its clients (bad input must fail before that)."""

    def refuse(self):
        raise AssertionError("clients were created although the input is invalid")

    monkeypatch.setattr(MediaStoreModule, "clients", refuse)
