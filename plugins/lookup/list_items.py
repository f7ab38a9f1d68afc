# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: list_items
version_added: 0.1.0
short_description: List the objects and folders of an AWS Elemental MediaStore container
description:
  - Lists the items (objects and folders) in one or more folders of a MediaStore container, following
    C(NextToken) to the end.
  - With O(recursive=true) sub-folders are listed too, ten of them at a time.
  - Returns one list of items for all terms, sorted by path, each path once.
  - A folder that does not exist lists as empty; a container that does not exist is an error, except under
    C(ansible-playbook --check), where it lists as empty (the new, empty container an earlier task would create).
author:
  - elemental.mediastore contributors (@elemental-mediastore)
options:
  _terms:
    description:
      - Folder paths to list, for example V(hls/live). A leading or trailing V(/) is ignored.
      - No term lists the root of the container.
    type: list
    elements: str
    required: false
  recursive:
    description: List the sub-folders too, to any depth.
    type: bool
    default: false
  item_type:
    description:
      - Which items to return, V(all), V(object) or V(folder). Folders are listed (for O(recursive=true))
        whatever this says.
      - The values are checked by the lookup itself rather than declared as choices, so that a wrong one fails
        with a message that names the allowed values.
    type: str
    default: all
  max_items:
    description:
      - Return at most this many items, at least 1.
      - Listing stops once they have been found (at the end of the folder being listed). Which items are found
        first follows the order the service lists them in, so with O(recursive=true) the selection is not
        defined. The result is sorted by path either way.
    type: int
  page_size:
    description:
      - How many items to ask for in one C(ListItems) call (C(MaxResults)), from 1 to 1000.
    type: int
    default: 1000
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.data_plane
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
- name: Everything under hls/live, at any depth
  ansible.builtin.debug:
    msg: "{{ query('elemental.mediastore.list_items', 'hls/live', container='origin', recursive=true) }}"

# Lookups do not read module_defaults. For a local endpoint, export AWS_ENDPOINT_URL_MEDIASTORE=http://127.0.0.1:4599,
# AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY before ansible-playbook, or give the options in the call:
- name: Everything in a container of the local endpoint (mediastore-emulator)
  ansible.builtin.debug:
    msg: >-
      {{ query('elemental.mediastore.list_items', container='origin', recursive=true,
               endpoint_url='http://127.0.0.1:4599', region='us-east-1',
               access_key='AKIDLOCALMEDIASTORE', secret_key='local-mediastore-secret') }}

- name: Paths of the playlists at the root of a container
  ansible.builtin.debug:
    msg: >-
      {{ query('elemental.mediastore.list_items', container='origin', item_type='object')
         | selectattr('content_type', 'equalto', 'application/vnd.apple.mpegurl')
         | map(attribute='path') | list }}

- name: The folders of two sub-trees, from a MediaStore-compatible service that has only a data plane
  ansible.builtin.set_fact:
    folders: >-
      {{ query('elemental.mediastore.list_items', 'hls', 'dash', endpoint='https://media.example.com/data/origin',
               recursive=true, item_type='folder') }}

- name: Total size of the objects of a container, with credentials from variables
  ansible.builtin.set_fact:
    origin_bytes: >-
      {{ query('elemental.mediastore.list_items', container='origin', recursive=true, item_type='object',
               region='us-west-2', access_key=aws_access_key, secret_key=aws_secret_key)
         | map(attribute='content_length') | sum }}
"""

RETURN = r"""
_raw:
  description:
    - The items, sorted by path. Each is a dictionary.
    - C(path) is the full path from the root of the container, C(name) the last part of it, C(type) is
      V(object) or V(folder).
    - Objects also have C(etag), C(content_length) (bytes), C(content_type) and C(last_modified) (ISO 8601).
  type: list
  elements: dict
  sample:
    - path: hls/live
      name: live
      type: folder
    - path: hls/live/index.m3u8
      name: index.m3u8
      type: object
      etag: 2c4ec8b5d8b6c84b36a3a1e0ab2d4a0a9a5e5c5bd3ef7a9c8d9e0f1a2b3c4d5e
      content_length: 812
      content_type: application/vnd.apple.mpegurl
      last_modified: "2025-06-01T12:00:00+00:00"
"""

import functools

from ansible.errors import AnsibleLookupError

from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase
from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    container_name_problems,
    endpoint_problems,
    folder_path_problems,
    normalise_path,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    item_type_problems,
    item_view,
    max_items_problems,
    page_size_problems,
    select_items,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    RETRY_ARGUMENT_SPEC,
    MediaStoreServiceError,
    MissingContainerError,
    list_folder,
    retry_option_problems,
    retry_policy,
    session_clients,
    walk_items,
)

# Lookups run on the controller and never see module_defaults, so the region a play sets there is not theirs.
NO_REGION = (
    "list_items needs a region and found none: lookups do not read module_defaults. Pass region= (and "
    "endpoint_url=, access_key=, secret_key= as needed) to the lookup, or set AWS_REGION or AWS_DEFAULT_REGION "
    "(and AWS_ENDPOINT_URL_MEDIASTORE for a MediaStore-compatible endpoint, AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY or AWS_PROFILE) in the environment of ansible-playbook."
)


def listing_problems(terms, options):
    """Every problem of the terms and options, before any call is made."""
    problems = []
    for term in terms:
        if not isinstance(term, str):
            problems.append(f"_terms: folder paths are strings, got {term!r}.")
        else:
            problems += folder_path_problems(normalise_path(term), "_terms")
    container, endpoint = options.get("container"), options.get("endpoint")
    if (container is None) == (endpoint is None):
        problems.append("container, endpoint: exactly one of them is required.")
    elif container is not None:
        problems += container_name_problems(container, "container")
    else:
        problems += endpoint_problems(endpoint)
    problems += item_type_problems(options.get("item_type"))
    problems += max_items_problems(options.get("max_items"))
    problems += page_size_problems(options.get("page_size"))
    problems += retry_option_problems(options)
    return problems


def list_folders(data, folders, options):
    """The items of ``folders`` the options select, sorted by path, each path once."""
    item_type, max_items = options["item_type"], options["max_items"]
    list_one = functools.partial(list_folder, page_size=options["page_size"])
    found = {}
    for folder in folders:
        for item in walk_items(data, folder, recursive=options["recursive"], list_one=list_one):
            view = item_view(item)
            if item_type in ("all", view["type"]):
                found[view["path"]] = view
            if max_items is not None and len(found) >= max_items:
                return select_items(found.values(), item_type, max_items)
    return select_items(found.values(), item_type, max_items)


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        super().run(terms, variables, **kwargs)
        names = ("container", "endpoint", "recursive", "item_type", "max_items", "page_size", *RETRY_ARGUMENT_SPEC)
        options = {name: self.get_option(name) for name in names}
        problems = listing_problems(terms, options)
        if problems:
            raise AnsibleLookupError(" ".join(problems))

        folders = [normalise_path(term) for term in terms] or [""]
        try:
            data = self.clients().data_plane(container=options["container"], endpoint=options["endpoint"])
            return list_folders(data, folders, options)
        except MissingContainerError as error:
            # ansible-playbook --check: an earlier task would create the container, empty.
            if (variables or {}).get("ansible_check_mode"):
                return []
            raise AnsibleLookupError(str(error)) from error
        except MediaStoreServiceError as error:
            raise AnsibleLookupError(str(error)) from error

    def clients(self):
        retry = retry_policy({name: self.get_option(name) for name in RETRY_ARGUMENT_SPEC})
        region, endpoint_url, connect_params = get_aws_connection_info(self)
        if not region:
            raise AnsibleLookupError(NO_REGION)
        return session_clients(region, endpoint_url, connect_params, retry=retry)
