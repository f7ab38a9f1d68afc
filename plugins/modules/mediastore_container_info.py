#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_container_info
version_added: 0.1.0
short_description: Describe AWS Elemental MediaStore containers and their policies
description:
  - With O(name), describe one container with its tags and every policy (access, CORS, lifecycle, metric).
  - Without O(name), list every container of the account and region with its basic fields.
  - Never changes anything.
notes:
  - AWS ended support for AWS Elemental MediaStore on 2025-11-13. The module keeps working against
    MediaStore-compatible services; set O(endpoint_url) to the service's control-plane URL (for the
    collection's local endpoint, the URL C(mediastore-emulator) prints when it starts).
  - MediaStore answers policy and tag requests only for an C(ACTIVE) container; for a container that is
    C(CREATING) or C(DELETING), the tags and policies are returned as V(null).
author:
  - elemental.mediastore contributors (@elemental-mediastore)
options:
  name:
    description:
      - The name of one container to describe in full.
      - When the container does not exist, RV(containers) is an empty list; this is not a failure.
      - When not set, every container is listed, without tags and policies.
    type: str
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: The module never changes anything.
"""

EXAMPLES = r"""
- name: Every container of the account and region
  elemental.mediastore.mediastore_container_info:
  register: all_containers

- name: The names of the containers that are ready for objects
  ansible.builtin.debug:
    msg: "{{ all_containers.containers | selectattr('status', 'equalto', 'ACTIVE') | map(attribute='name') | list }}"

- name: One container with its tags and policies
  elemental.mediastore.mediastore_container_info:
    name: live_origin
  register: origin

- name: Fail early when the origin has no CORS policy
  ansible.builtin.assert:
    that:
      - origin.containers | length == 1
      - origin.containers[0].cors_policy is not none
    fail_msg: "live_origin is missing or has no CORS policy"
"""

RETURN = r"""
containers:
  description:
    - The containers; one (or none, when it does not exist) with O(name), every container without it.
    - RV(containers[].tags), RV(containers[].policy), RV(containers[].cors_policy), RV(containers[].lifecycle_policy)
      and RV(containers[].metric_policy) are returned only with O(name).
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The container's ARN.
      type: str
      returned: always
      sample: arn:aws:mediastore:us-east-1:111122223333:container/live_origin
    name:
      description: The container's name.
      type: str
      returned: always
      sample: live_origin
    endpoint:
      description: The container's data endpoint; V(null) while the container is C(CREATING).
      type: str
      returned: always
      sample: https://aaabbbcccdddee.data.mediastore.us-east-1.amazonaws.com
    status:
      description: C(ACTIVE), C(CREATING) or C(DELETING).
      type: str
      returned: always
      sample: ACTIVE
    creation_time:
      description: When the container was created, ISO 8601.
      type: str
      returned: always
      sample: "2026-11-21T19:30:41+00:00"
    access_logging_enabled:
      description: Whether access logging is on.
      type: bool
      returned: always
      sample: false
    tags:
      description: The container's tags.
      type: dict
      returned: with O(name)
      sample: {"team": "video-platform"}
    policy:
      description: The container (access) policy, parsed; V(null) when there is none.
      type: dict
      returned: with O(name)
      sample:
        Version: "2012-10-17"
        Statement:
          - Sid: PublicRead
            Effect: Allow
            Principal: "*"
            Action: ["mediastore:GetObject", "mediastore:DescribeObject"]
            Resource: arn:aws:mediastore:us-east-1:111122223333:container/live_origin/*
            Condition: {"Bool": {"aws:SecureTransport": "true"}}
    cors_policy:
      description:
        - The CORS rules with snake_case keys, in order (the first matching rule wins), as
          M(elemental.mediastore.mediastore_cors) returns them.
        - V(null) when there are none.
      type: list
      elements: dict
      returned: with O(name)
      sample:
        - allowed_origins: ["*"]
          allowed_methods: ["GET", "HEAD"]
          allowed_headers: ["*"]
          expose_headers: []
          max_age_seconds: 3000
    lifecycle_policy:
      description: The object lifecycle policy, parsed; V(null) when there is none.
      type: dict
      returned: with O(name)
      sample:
        rules:
          - definition:
              path: [{"wildcard": "live/*.ts"}]
              days_since_create: [{"numeric": [">", 7]}]
            action: EXPIRE
    metric_policy:
      description: The metric policy with snake_case keys; V(null) when there is none.
      type: dict
      returned: with O(name)
      sample:
        container_level_metrics: ENABLED
        metric_policy_rules:
          - object_group: "live/1080p/*"
            object_group_name: rendition_1080p
"""

from ansible_collections.elemental.mediastore.plugins.module_utils._container import container_view
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import ASPECTS, policy_views
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreModule,
    MediaStoreServiceError,
    describe_container,
    list_containers,
    read_policies,
    read_tags,
)


def describe_one(clients, name):
    """``[view]`` of container ``name`` with its tags and every policy; ``[]`` when it does not exist."""
    container = describe_container(clients, name)
    if container is None:
        return []
    view = container_view(container)
    if container.get("Status") != "ACTIVE":
        # MediaStore answers tag and policy requests for ACTIVE containers only.
        view.update(dict.fromkeys(["tags"] + [aspect.name for aspect in ASPECTS]))
        return [view]
    view["tags"] = read_tags(clients, container)
    view.update(policy_views(read_policies(clients, name, ASPECTS), ASPECTS))
    return [view]


def list_all(clients):
    return [container_view(container) for container in list_containers(clients)]


def main():
    module = MediaStoreModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
    name = module.params["name"]
    if name is not None:
        problems = container_name_problems(name, "name")
        if problems:
            module.fail_json(msg=" ".join(problems))
    try:
        clients = module.clients()
        containers = list_all(clients) if name is None else describe_one(clients, name)
    except MediaStoreServiceError as error:
        module.fail_json_aws_error(error)
    module.exit_json(changed=False, containers=containers)


if __name__ == "__main__":
    main()
