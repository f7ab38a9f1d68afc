# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Only the service layer (module_utils/_service.py) talks to MediaStore.

Every operation of the ``mediastore`` and ``mediastore-data`` models, as the snake_case method name boto3
gives it, must not appear as an attribute anywhere else in plugins/; neither may a paginator be asked
for or a client method be looked up by name.
"""

import ast
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
SERVICE_LAYER = PLUGINS / "module_utils" / "_service.py"


def client_method_names():
    session = botocore.session.get_session()
    names = set()
    for service in ("mediastore", "mediastore-data"):
        names.update(xform_name(operation) for operation in session.get_service_model(service).operation_names)
    return names


CLIENT_METHODS = client_method_names()
OTHER_FILES = sorted(path for path in PLUGINS.rglob("*.py") if path != SERVICE_LAYER)


def test_the_models_are_read():
    assert {"get_cors_policy", "delete_lifecycle_policy", "list_items", "put_object"} <= CLIENT_METHODS


def attributes_of(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def test_the_service_layer_names_every_policy_operation():
    policy_operations = {
        f"{verb}_{aspect}_policy"
        for verb in ("get", "put", "delete")
        for aspect in ("container", "cors", "lifecycle", "metric")
    }
    assert policy_operations <= attributes_of(SERVICE_LAYER)


@pytest.mark.parametrize("path", sorted(PLUGINS.rglob("*.py")), ids=lambda path: str(path.relative_to(PLUGINS)))
def test_no_attribute_name_is_built_from_a_string(path):
    built = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
        and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant)
    ]
    assert built == [], f"getattr with a computed name at lines {built}"


@pytest.mark.parametrize("path", OTHER_FILES, ids=lambda path: str(path.relative_to(PLUGINS)))
def test_no_client_is_used_outside_the_service_layer(path):
    used = sorted(attributes_of(path) & (CLIENT_METHODS | {"get_paginator"}))
    assert used == [], f"{path.name} calls MediaStore outside _service.py"


@pytest.mark.parametrize("path", OTHER_FILES, ids=lambda path: str(path.relative_to(PLUGINS)))
def test_no_method_is_looked_up_by_name_outside_the_service_layer(path):
    text = path.read_text(encoding="utf-8")
    assert "getattr(client" not in text and "get_paginator" not in text
