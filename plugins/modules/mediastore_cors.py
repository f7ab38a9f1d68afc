#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_cors
version_added: 0.1.0
short_description: Manage the CORS policy of a MediaStore container
description:
  - Sets or removes the cross-origin resource sharing (CORS) policy of an AWS Elemental MediaStore container, or of a
    MediaStore-compatible service, so that web pages on other origins (a browser-based player, for example) can read
    its objects.
  - MediaStore applies the first rule that matches a request, so the order of O(rules) matters and a reordering is
    a change. Inside a rule the order of origins, methods and headers does not matter.
  - The container policy still decides who may read; see M(elemental.mediastore.mediastore_policy).
options:
  container:
    description:
      - Name of the container.
      - A container that is still C(CREATING) is waited for (up to 300 seconds).
    type: str
    required: true
  rules:
    description:
      - The CORS rules, 1 to 100, in the order MediaStore tries them. Required with O(state=present).
      - The whole policy, as JSON, has at most 398,000 characters.
    type: list
    elements: dict
    suboptions:
      allowed_origins:
        description:
          - Origins allowed to make cross-origin requests, matched exactly on scheme, host and port,
            for example V(https://player.example.com).
          - Each origin may contain one C(*) wildcard (V(https://*.example.com)); V(*) alone allows every origin.
          - At least one, at most 100.
        type: list
        elements: str
        required: true
      allowed_methods:
        description:
          - The HTTP methods allowed, among V(GET), V(PUT), V(DELETE) and V(HEAD).
          - Any case is accepted; they are sent in upper case.
          - At least one.
        type: list
        elements: str
        required: true
      allowed_headers:
        description:
          - Headers a preflight C(OPTIONS) request may ask for in C(Access-Control-Request-Headers).
          - Each header may contain one C(*) wildcard; V(*) alone allows every header. At most 100.
        type: list
        elements: str
        default: []
      expose_headers:
        description:
          - Response headers the browser lets the page read, for example V(Content-Length) or V(ETag). At most 100.
        type: list
        elements: str
        default: []
      max_age_seconds:
        description:
          - How long, in seconds, a browser may cache the answer to a preflight request (0 to 2147483647).
          - Not set when omitted.
        type: int
  state:
    description:
      - V(present) sets O(rules) unless equivalent rules are already in place.
      - V(absent) removes the CORS policy; cross-origin requests are then refused by browsers.
    type: str
    choices: [present, absent]
    default: present
notes:
  - MediaStore has no default CORS policy; a container without one answers cross-origin requests without CORS headers.
  - Check mode reads the container and its CORS policy and makes no change. In check mode a container that does
    not exist yet counts as the new, empty container an earlier task would create (RV(container_pending)); outside
    check mode a missing container fails.
author:
  - elemental.mediastore contributors (@elemental-mediastore)
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the web player on https://player.example.com read segments and their sizes
  elemental.mediastore.mediastore_cors:
    container: live-origin
    rules:
      - allowed_origins:
          - https://player.example.com
        allowed_methods: [GET, HEAD]
        allowed_headers: ["*"]
        expose_headers: [Content-Length]
        max_age_seconds: 3000

- name: A staging player first, then every other example.com site read-only
  elemental.mediastore.mediastore_cors:
    container: live-origin
    rules:
      - allowed_origins: [https://staging-player.example.com]
        allowed_methods: [GET, HEAD, PUT]
        allowed_headers: ["*"]
      - allowed_origins: ["https://*.example.com"]
        allowed_methods: [GET, HEAD]

- name: Remove the CORS policy
  elemental.mediastore.mediastore_cors:
    container: live-origin
    state: absent
"""

RETURN = r"""
rules:
  description:
    - The container's CORS rules after the task, in order; empty when it has no CORS policy.
  returned: always
  type: list
  elements: dict
  contains:
    allowed_origins:
      description: Origins the rule allows.
      returned: always
      type: list
      elements: str
      sample: ["https://player.example.com"]
    allowed_methods:
      description: Methods the rule allows, in upper case.
      returned: always
      type: list
      elements: str
      sample: ["GET", "HEAD"]
    allowed_headers:
      description: Request headers a preflight may ask for.
      returned: always
      type: list
      elements: str
      sample: ["*"]
    expose_headers:
      description: Response headers a page may read.
      returned: always
      type: list
      elements: str
      sample: ["Content-Length"]
    max_age_seconds:
      description: How long a browser may cache a preflight answer; null when not set.
      returned: always
      type: int
      sample: 3000
container_pending:
  description:
    - The container does not exist yet (check mode, before the task that creates it has really run); the result
      is what the task would do to the new, empty container.
  returned: in check mode, when the container does not exist
  type: bool
  sample: true
"""

from ansible_collections.elemental.mediastore.plugins.module_utils._policies import CORS_POLICY
from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreModule


def rules_diff_view(api_rules):
    return {"rules": CORS_POLICY.view(api_rules)} if api_rules is not None else {}


def main():
    # The rules' keys are checked by _cors (as documented), not by ansible-core: its suboption check fails a
    # rule that is not a dictionary with a message that does not name the option.
    module = MediaStoreModule.for_policy(CORS_POLICY, "rules", dict(type="list", elements="dict"))
    container, current, change = module.run_policy_task(rules=[])
    # No container: check mode predicting the run after an earlier task creates it.
    pending = {} if container else dict(container_pending=True)
    module.exit_json(
        changed=change.action is not None,
        rules=CORS_POLICY.view(change.after) or [],
        diff=dict(before=rules_diff_view(current), after=rules_diff_view(change.after)),
        **pending,
    )


if __name__ == "__main__":
    main()
