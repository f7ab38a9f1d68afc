#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_policy
version_added: 0.1.0
short_description: Manage the access policy of a MediaStore container
description:
  - Sets or removes the container (access) policy of an AWS Elemental MediaStore container, or of a
    MediaStore-compatible service.
  - The policy in place is compared with O(policy) the way M(amazon.aws.iam_policy) does it, so statement order,
    key order and a single string written instead of a one-element list are not changes.
  - The policy is checked against the rules MediaStore enforces before anything is sent; see O(policy).
options:
  container:
    description:
      - Name of the container.
      - A container that is still C(CREATING) is waited for (up to 300 seconds).
    type: str
    required: true
  policy:
    description:
      - The policy document, as a dictionary or as a JSON string. Required with O(state=present).
      - It must be a JSON object with C(Version) and C(Statement); every statement needs C(Effect), C(Principal),
        C(Action) and C(Resource).
      - Every C(Resource) must be scoped to files inside the container,
        C(arn:<partition>:mediastore:<region>:<account>:container/<container>/...), for example C(<container ARN>/*).
      - >-
        A statement that allows C(mediastore:PutObject) must have the condition
        C({"Bool": {"aws:SecureTransport": "true"}}).
      - It is sent as compact JSON, which must be ASCII only and at most 8192 characters.
    type: raw
  state:
    description:
      - V(present) sets O(policy) unless an equivalent policy is already in place.
      - V(absent) removes the container's own policy; MediaStore then puts its default policy back.
    type: str
    choices: [present, absent]
    default: present
notes:
  - >-
    MediaStore attaches a default policy to every new container, and attaches it again after the container's policy
    is deleted. It gives the owner account full access over HTTPS (C(Sid) V(MediaStoreFullAccess),
    C(Principal) C({"AWS": "arn:aws:iam::<account>:root"}), C(Action) V(mediastore:*), C(Resource)
    C(<container ARN>/*), C(Condition) C({"Bool": {"aws:SecureTransport": "true"}})). This module treats that
    default policy as no policy, so O(state=absent) on a container that has only the default policy reports no
    change, and RV(policy) after a removal is that default policy.
  - A new policy can take up to five minutes to take effect on AWS.
  - Check mode reads the container and its policy and makes no change. In check mode a container that does not
    exist yet counts as the new, empty container an earlier task would create (RV(container_pending)); outside
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
- name: The container the policies below apply to (its ARN names the resources)
  elemental.mediastore.mediastore_container:
    name: live-origin
  register: live_origin

- name: Public read over HTTPS, for a CloudFront distribution in front of the container
  elemental.mediastore.mediastore_policy:
    container: live-origin
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: PublicReadOverHttps
          Effect: Allow
          Principal: "*"
          Action:
            - mediastore:GetObject
            - mediastore:DescribeObject
          Resource: "{{ live_origin.container.arn }}/*"
          Condition:
            Bool:
              aws:SecureTransport: "true"

- name: Read access for a partner account, keeping full access for our own account
  elemental.mediastore.mediastore_policy:
    container: vod-masters
    policy: "{{ lookup('ansible.builtin.template', 'vod-masters-policy.json.j2') }}"

- name: The vod-masters container, for its ARN
  elemental.mediastore.mediastore_container_info:
    name: vod-masters
  register: vod_masters

- name: The same, written inline as a dictionary
  elemental.mediastore.mediastore_policy:
    container: vod-masters
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: OwnerFullAccess
          Effect: Allow
          Principal:
            AWS: "arn:aws:iam::111122223333:root"
          Action: mediastore:*
          Resource: "{{ vod_masters.containers[0].arn }}/*"
          Condition:
            Bool:
              aws:SecureTransport: "true"
        - Sid: PartnerRead
          Effect: Allow
          Principal:
            AWS: "arn:aws:iam::444455556666:root"
          Action:
            - mediastore:GetObject
            - mediastore:DescribeObject
            - mediastore:ListItems
          Resource: "{{ vod_masters.containers[0].arn }}/*"
          Condition:
            Bool:
              aws:SecureTransport: "true"

- name: Go back to MediaStore's default policy (owner account only, HTTPS only)
  elemental.mediastore.mediastore_policy:
    container: live-origin
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The container's policy after the task, as a dictionary.
    - After O(state=absent) it is MediaStore's default policy; it is empty when the container has no policy at all
      (or does not exist).
  returned: always
  type: dict
  sample:
    Version: "2012-10-17"
    Statement:
      - Sid: PublicReadOverHttps
        Effect: Allow
        Principal: "*"
        Action: ["mediastore:GetObject", "mediastore:DescribeObject"]
        Resource: "arn:aws:mediastore:us-west-2:111122223333:container/live-origin/*"
        Condition:
          Bool:
            aws:SecureTransport: "true"
policy_is_default:
  description: Whether RV(policy) is MediaStore's default policy for the container.
  returned: always
  type: bool
  sample: false
container_arn:
  description: ARN of the container.
  returned: when the container exists
  type: str
  sample: "arn:aws:mediastore:us-west-2:111122223333:container/live-origin"
container_pending:
  description:
    - The container does not exist yet (check mode, before the task that creates it has really run); the result
      is what the task would do to the new, empty container.
  returned: in check mode, when the container does not exist
  type: bool
  sample: true
"""

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    canonical_policy,
    is_default_policy,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import ACCESS_POLICY
from ansible_collections.elemental.mediastore.plugins.module_utils._service import MediaStoreModule


def main():
    module = MediaStoreModule.for_policy(ACCESS_POLICY, "policy", dict(type="raw"))
    container, current, change = module.run_policy_task(policy={}, policy_is_default=False)
    # No container: check mode predicting the run after an earlier task creates it.
    about_container = dict(container_arn=container["ARN"]) if container else dict(container_pending=True)
    module.exit_json(
        changed=change.action is not None,
        policy=change.after or {},
        policy_is_default=bool(container) and is_default_policy(change.after, container["ARN"]),
        diff=dict(before=canonical_policy(current) or {}, after=canonical_policy(change.after) or {}),
        **about_container,
    )


if __name__ == "__main__":
    main()
