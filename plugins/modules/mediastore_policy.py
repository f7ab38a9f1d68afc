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
    type: json
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
  - Check mode reads the container and its policy and makes no change.
author:
  - Contributors to the elemental.mediastore collection (!UNKNOWN)
extends_documentation_fragment:
  - elemental.mediastore.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
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
          Resource: "arn:aws:mediastore:us-west-2:111122223333:container/live-origin/*"
          Condition:
            Bool:
              aws:SecureTransport: "true"

- name: Read access for a partner account, keeping full access for our own account
  elemental.mediastore.mediastore_policy:
    container: vod-masters
    policy: "{{ lookup('ansible.builtin.template', 'vod-masters-policy.json.j2') }}"

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
          Resource: "arn:aws:mediastore:us-west-2:111122223333:container/vod-masters/*"
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
          Resource: "arn:aws:mediastore:us-west-2:111122223333:container/vod-masters/*"
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
"""

import json

from ansible_collections.elemental.mediastore.plugins.module_utils._container import missing_container_problem
from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    container_arn_problems,
    default_policy,
    document_problems,
    is_default_policy,
    parse_policy,
    policies_differ,
    policy_json,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreError,
    MediaStoreModule,
    delete_policy,
    policy_or_none,
    settled_container,
)


def read_policy(control, name):
    """The container's policy as a dict, or None when it has none."""
    text = policy_or_none(control, "get_container_policy", name, "Policy")
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise MediaStoreError(f"The policy of container {name!r} is not valid JSON ({error}): {text[:200]!r}") from None


def put_policy(control, name, document):
    control.put_container_policy(ContainerName=name, Policy=policy_json(document), aws_retry=True)


def main():
    argument_spec = dict(
        container=dict(type="str", required=True),
        policy=dict(type="json"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = MediaStoreModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["policy"])],
        supports_check_mode=True,
    )
    name = module.params["container"]
    state = module.params["state"]

    problems = container_name_problems(name, "container")
    desired = None
    if state == "present":
        desired, problems_in_policy = parse_policy(module.params["policy"])
        problems.extend(problems_in_policy)
        if desired is not None and not problems:
            problems.extend(document_problems(desired, name))
    if problems:
        module.fail_json(msg=" ".join(problems))

    control = module.control_client()
    container = module.run(settled_container, control, name)
    missing = missing_container_problem(container, name)
    if missing:
        if state == "present":
            module.fail_json(msg=missing)
        module.exit_json(changed=False, policy={}, policy_is_default=False, diff=dict(before={}, after={}))
    arn = container["ARN"]
    if desired is not None:
        problems = container_arn_problems(desired, arn)
        if problems:
            module.fail_json(msg=" ".join(problems))

    current = module.run(read_policy, control, name)
    if state == "present":
        changed = policies_differ(current, desired)
        after = desired if changed else current
        if changed and not module.check_mode:
            module.run(put_policy, control, name, desired)
    else:
        changed = current is not None and not is_default_policy(current, arn)
        after = default_policy(arn) if changed else current
        if changed and not module.check_mode:
            module.run(delete_policy, control, "delete_container_policy", name)

    module.exit_json(
        changed=changed,
        policy=after or {},
        policy_is_default=is_default_policy(after, arn),
        container_arn=arn,
        diff=dict(before=current or {}, after=after or {}),
    )


if __name__ == "__main__":
    main()
