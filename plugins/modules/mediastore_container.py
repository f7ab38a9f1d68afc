#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_container
version_added: 0.1.0
short_description: Manage AWS Elemental MediaStore containers, their tags, access logging, lifecycle and metric policies
description:
  - Create, update and delete an AWS Elemental MediaStore container, or a container of a MediaStore-compatible
    service such as the collection's local endpoint C(mediastore-emulator).
  - Manages the container's tags, access logging, object lifecycle policy and metric policy. The container
    (access) policy and the CORS policy have their own modules, M(elemental.mediastore.mediastore_policy) and
    M(elemental.mediastore.mediastore_cors).
  - An option that is not set leaves that aspect of the container as it is. An empty value (V({}) or the empty string)
    removes the lifecycle or metric policy.
  - Every option is checked before any request is made, so bad input fails without touching the service.
  - Policies are compared as parsed JSON, never as text, so whitespace and key order never count as a change.
  - In check mode the module only reads; C(changed) and the diff are those the real run would report.
notes:
  - AWS ended support for AWS Elemental MediaStore on 2025-11-13. The module keeps working against
    MediaStore-compatible services; set O(endpoint_url) to the service's control-plane URL (for the
    collection's local endpoint, the URL C(mediastore-emulator) prints when it starts).
  - MediaStore accepts policy, tag and access-logging changes only on an C(ACTIVE) container; the module waits for
    a new container to become C(ACTIVE) before applying them.
  - Only an empty container can be deleted; see O(force).
author:
  - elemental.mediastore contributors (@elemental-mediastore)
options:
  name:
    description:
      - The name of the container, 1 to 255 letters, digits, underscores and hyphens. Unique per account and region.
    type: str
    required: true
  state:
    description:
      - V(present) creates the container if needed and brings the other options about.
      - V(absent) deletes the container; it must be empty unless O(force=true).
    type: str
    choices: [present, absent]
    default: present
  access_logging:
    description:
      - Whether MediaStore sends access logs of the container to CloudWatch Logs (group C(/aws/mediastore/<name>)).
        AWS needs an IAM role named C(MediaStoreAccessLogs) in the account for this.
      - When not set, access logging is left as it is (a new container starts without it).
    type: bool
  lifecycle_policy:
    description:
      - The object lifecycle policy, as a dictionary or its JSON text, in the grammar of the MediaStore user guide
        (see the examples).
      - 'The policy is V({"rules": [...]}) with 1 to 10 rules. Each rule has C(definition) and C(action).'
      - 'C(definition.path) is a list of 1 to 10 V({"prefix": "folder/"}) or V({"wildcard": "folder/*.ts"}) entries,
        not both kinds in one rule.'
      - 'C(definition) has exactly one time condition, C(days_since_create) or C(seconds_since_create), written
        V([{"numeric": [">", n]}]) or with V(">=").'
      - C(days_since_create) takes n from 1 to 36500.
        C(seconds_since_create) (transient data) takes n from 1 to 300, wildcard paths only and the action C(EXPIRE).
      - 'C(action) is C(EXPIRE) or C(ARCHIVE); C(ARCHIVE) (move to infrequent access) needs exactly
        V("days_since_create": [{"numeric": [">=", 30]}]).'
      - The policy is sent as compact JSON, at most 8192 characters.
      - Rule order counts, as MediaStore keeps it; the same rules in another order are a change.
      - V({}) or the empty string removes the policy. When not set, the policy is left as it is.
    type: raw
  metric_policy:
    description:
      - The metric policy, as a dictionary or its JSON text. Keys may be snake_case (as below) or the API's
        PascalCase (C(ContainerLevelMetrics), C(MetricPolicyRules), C(ObjectGroup), C(ObjectGroupName)).
      - C(container_level_metrics) (required) is C(ENABLED) or C(DISABLED).
      - C(metric_policy_rules) (optional) is a list of 1 to 5 rules (MediaStore's default quota), each with
        C(object_group) and C(object_group_name).
      - 'C(object_group) is a path, folder or wildcard (C(*)) of at most 900 letters, digits and C(_ = : . - ~ / *).'
      - C(object_group_name) is 1 to 30 letters, digits and underscores, unique within the policy; it becomes the
        C(ObjectGroupName) dimension of the CloudWatch metrics.
      - Rule order does not count. An object that matches several rules yields one data point per rule, so the order
        has no meaning and the same rules in another order are not a change.
      - V({}) or the empty string removes the policy. When not set, the policy is left as it is.
    type: raw
  force:
    description:
      - With O(state=absent), delete every object of the container (in every folder) before deleting the container.
      - Without it, deleting a container that still holds objects fails and deletes nothing.
      - With O(state=present) it is refused, as are O(tags), O(access_logging), O(lifecycle_policy) and
        O(metric_policy) with O(state=absent).
    type: bool
    default: false
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.attributes
  - elemental.mediastore.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: An HLS origin container with tags, segments expiring after 7 days and per-rendition metrics
  elemental.mediastore.mediastore_container:
    name: live_origin
    tags:
      team: video-platform
      environment: production
    access_logging: true
    lifecycle_policy:
      rules:
        - definition:
            path:
              - wildcard: "live/*.ts"
            days_since_create:
              - numeric: [">", 7]
          action: EXPIRE
        - definition:
            path:
              - prefix: "archive/"
            days_since_create:
              - numeric: [">=", 30]
          action: ARCHIVE
    metric_policy:
      container_level_metrics: ENABLED
      metric_policy_rules:
        - object_group: "live/1080p/*"
          object_group_name: rendition_1080p
        - object_group: "live/720p/*"
          object_group_name: rendition_720p
  register: origin

- name: Point the packager at the new container's data endpoint
  ansible.builtin.debug:
    msg: "Push segments to {{ origin.container.endpoint }}"

- name: Low-latency ingest - segments vanish 2 minutes after upload (transient data)
  elemental.mediastore.mediastore_container:
    name: ll_ingest
    lifecycle_policy: '{"rules": [{"definition": {"path": [{"wildcard": "*"}],
      "seconds_since_create": [{"numeric": [">", 120]}]}, "action": "EXPIRE"}]}'

- name: Remove the metric policy, leave everything else as it is
  elemental.mediastore.mediastore_container:
    name: live_origin
    metric_policy: {}

- name: Add a tag and keep the tags already there
  elemental.mediastore.mediastore_container:
    name: live_origin
    tags:
      cost_center: "4711"
    purge_tags: false

- name: Report drift without changing anything (run with --check --diff)
  elemental.mediastore.mediastore_container:
    name: live_origin
    access_logging: true
  check_mode: true
  register: drift

- name: Delete a container and every object in it
  elemental.mediastore.mediastore_container:
    name: old_event_origin
    state: absent
    force: true

- name: Work against the local endpoint instead of AWS
  elemental.mediastore.mediastore_container:
    name: test_origin
    endpoint_url: http://127.0.0.1:4599
    access_key: AKIDLOCALMEDIASTORE
    secret_key: local-mediastore-secret
    region: us-east-1
"""

RETURN = r"""
container:
  description:
    - The container after the run (in check mode, as the run would leave it); V({}) when O(state=absent).
    - For a container that check mode would create, RV(container.arn), RV(container.endpoint),
      RV(container.status) and RV(container.creation_time) are V(null).
  returned: always
  type: dict
  contains:
    arn:
      description: The container's ARN.
      type: str
      returned: success
      sample: arn:aws:mediastore:us-east-1:111122223333:container/live_origin
    name:
      description: The container's name.
      type: str
      returned: success
      sample: live_origin
    endpoint:
      description:
        - The container's data endpoint, for object requests. V(null) while the container is C(CREATING),
          which is the case when O(wait=false).
      type: str
      returned: success
      sample: https://aaabbbcccdddee.data.mediastore.us-east-1.amazonaws.com
    status:
      description: C(ACTIVE), C(CREATING) or C(DELETING).
      type: str
      returned: success
      sample: ACTIVE
    creation_time:
      description: When the container was created, ISO 8601.
      type: str
      returned: success
      sample: "2026-11-21T19:30:41+00:00"
    access_logging_enabled:
      description: Whether access logging is on.
      type: bool
      returned: success
      sample: true
    tags:
      description: The container's tags.
      type: dict
      returned: success
      sample: {"team": "video-platform", "environment": "production"}
    lifecycle_policy:
      description: The object lifecycle policy, parsed; V(null) when the container has none.
      type: dict
      returned: success
      sample:
        rules:
          - definition:
              path: [{"wildcard": "live/*.ts"}]
              days_since_create: [{"numeric": [">", 7]}]
            action: EXPIRE
    metric_policy:
      description: The metric policy with snake_case keys; V(null) when the container has none.
      type: dict
      returned: success
      sample:
        container_level_metrics: ENABLED
        metric_policy_rules:
          - object_group: "live/1080p/*"
            object_group_name: rendition_1080p
deleted_objects:
  description: How many objects O(force=true) deleted before deleting the container.
  returned: when O(state=absent) and O(force=true), except in check mode
  type: int
  sample: 1284
diff:
  description:
    - The managed aspects (name, access_logging_enabled, tags, lifecycle_policy, metric_policy) before and after.
    - RV(diff.before) is V({}) for a container that did not exist, RV(diff.after) is V({}) for a deleted one.
  returned: always
  type: dict
  contains:
    before:
      description: The aspects before the run.
      type: dict
      returned: always
      sample: {}
    after:
      description: The aspects after the run.
      type: dict
      returned: always
      sample: {"name": "live_origin", "access_logging_enabled": false, "tags": {}, "lifecycle_policy": null,
               "metric_policy": null}
"""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.elemental.mediastore.plugins.module_utils._container import container_diff_view, container_view
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    plan_change,
    policy_views,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreModule,
    MediaStoreServiceError,
    apply_policy_change,
    container_is_empty,
    create_container,
    delete_container,
    delete_object,
    read_policies,
    read_tags,
    set_access_logging,
    settled_container,
    update_tags,
    wait_for_container,
    walk_items,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._tags import normalise_tags, tags_problems

# The policies this module manages, in the order they are read and applied.
MANAGED_POLICIES = (LIFECYCLE_POLICY, METRIC_POLICY)
# DeleteObject is limited to 100 requests a second per account; a few workers stay well below that.
DELETE_WORKERS = 8
# Objects uploaded while force empties the container are caught by another pass; after these many, give up.
EMPTYING_PASSES = 3
# What a container has; with state=absent there is no container left to have it.
ASPECT_OPTIONS = ("tags", "access_logging", "lifecycle_policy", "metric_policy")


def state_problems(params):
    """Options that make no sense with the task's state."""
    if params["state"] == "present":
        return ["force: applies to state=absent only (it deletes every object first)."] if params["force"] else []
    return [
        f"{option}: does not apply with state=absent, which deletes the container; remove {option} "
        "or set state=present."
        for option in ASPECT_OPTIONS
        if params[option] is not None
    ]


def desired_state(params):
    """``(desired, problems)``: the options in the form the comparisons use, and every problem in them."""
    problems = container_name_problems(params["name"], "name") + state_problems(params)
    if params["wait_timeout"] < 0:
        problems.append(f"wait_timeout: must be 0 or more seconds, not {params['wait_timeout']}.")
    tags = normalise_tags(params["tags"])
    if tags is not None:
        problems.extend(tags_problems(tags, "tags"))
    desired = {"tags": tags, "access_logging": params["access_logging"]}
    for aspect in MANAGED_POLICIES:
        desired[aspect.name], aspect_problems = aspect.parse(params[aspect.name], aspect.name)
        problems.extend(aspect_problems)
    return desired, problems


class Container:
    """One container: reads its state, compares it with the options, and makes the minimal calls."""

    def __init__(self, module, clients):
        self.module = module
        self.clients = clients
        self.name = module.params["name"]
        self.check_mode = module.check_mode
        self.wait = module.params["wait"]
        self.wait_timeout = module.params["wait_timeout"]
        self.changed = False

    def result(self, before, after, **extra):
        diff = {"before": container_diff_view(before), "after": container_diff_view(after)}
        return dict(changed=self.changed, container=after, diff=diff, **extra)

    # -- read -------------------------------------------------------------------------------------

    def read(self, container):
        """``(view, policies)``: the full view of an ACTIVE container, and its managed policies to compare."""
        view = container_view(container)
        view["tags"] = read_tags(self.clients, container)
        policies = read_policies(self.clients, self.name, MANAGED_POLICIES)
        view.update(policy_views(policies, MANAGED_POLICIES))
        return view, policies

    # -- state=present ----------------------------------------------------------------------------

    def present(self, desired):
        container = settled_container(self.clients, self.name, self.wait_timeout)
        if container and container["Status"] == "DELETING":
            if not self.check_mode:
                wait_for_container(self.clients, self.name, None, self.wait_timeout)
            container = None
        if container is None:
            return self.create(desired)
        before, policies = self.read(container)
        after = dict(before)
        self.update_tags(container, before["tags"], desired["tags"], after)
        self.update_access_logging(before["access_logging_enabled"], desired["access_logging"], after)
        for aspect in MANAGED_POLICIES:
            self.update_policy(aspect, plan_change(aspect, policies[aspect.name], desired[aspect.name]), after)
        return self.result(before, after)

    def create(self, desired):
        self.changed = True
        changes = [(aspect, plan_change(aspect, None, desired[aspect.name])) for aspect in MANAGED_POLICIES]
        after = {
            "arn": None,
            "name": self.name,
            "endpoint": None,
            "status": None,
            "creation_time": None,
            "access_logging_enabled": bool(desired["access_logging"]),
            "tags": desired["tags"] or {},
        }
        after.update({aspect.name: None for aspect in MANAGED_POLICIES})
        if not self.check_mode:
            container = create_container(self.clients, self.name, desired["tags"])
            # Logging and policies can only be set on an ACTIVE container, whatever wait says.
            if self.wait or desired["access_logging"] or any(change.action for _aspect, change in changes):
                container = wait_for_container(self.clients, self.name, "ACTIVE", self.wait_timeout)
            basics = container_view(container)
            del basics["access_logging_enabled"]  # set below, once the container can take it
            after.update(basics)
            if desired["access_logging"]:
                set_access_logging(self.clients, self.name, True)
        for aspect, change in changes:
            self.update_policy(aspect, change, after)
        return self.result({}, after)

    def update_tags(self, container, current, desired, after):
        if desired is None:
            return
        to_set, to_unset = compare_aws_tags(current, desired, self.module.params["purge_tags"])
        if not (to_set or to_unset):
            return
        self.changed = True
        after["tags"] = {key: value for key, value in current.items() if key not in to_unset}
        after["tags"].update(to_set)
        if not self.check_mode:
            update_tags(self.clients, container, to_set, to_unset)

    def update_access_logging(self, current, desired, after):
        if desired is None or desired == current:
            return
        self.changed = True
        after["access_logging_enabled"] = desired
        if not self.check_mode:
            set_access_logging(self.clients, self.name, desired)

    def update_policy(self, aspect, change, after):
        """Make a _policies.Change of ``aspect`` (unless check mode) and show its outcome in ``after``."""
        if change.action is None:
            return
        self.changed = True
        after[aspect.name] = aspect.view(change.after)
        if not self.check_mode:
            apply_policy_change(self.clients, aspect, self.name, change)

    # -- state=absent -----------------------------------------------------------------------------

    def absent(self, force):
        container = settled_container(self.clients, self.name, self.wait_timeout)
        if container is None:
            return self.result({}, {})
        if container["Status"] == "DELETING":
            # Someone else's delete is under way; wait for it, but it is not this task's change.
            if self.wait and not self.check_mode:
                wait_for_container(self.clients, self.name, None, self.wait_timeout)
            return self.result({}, {})
        before, _policies = self.read(container)
        data = self.clients.data_plane(container=self.name, endpoint=container["Endpoint"])
        if not force and not container_is_empty(data):
            raise MediaStoreServiceError(
                f"Container {self.name!r} still holds objects, and MediaStore deletes only empty containers. "
                "Set force: true to delete every object in it first."
            )
        self.changed = True
        if self.check_mode:
            return self.result(before, {})
        extra = {"deleted_objects": self.empty(data)} if force else {}
        delete_container(self.clients, self.name)
        if self.wait:
            wait_for_container(self.clients, self.name, None, self.wait_timeout)
        return self.result(before, {}, **extra)

    @staticmethod
    def empty(data):
        """Delete every object (folders vanish with their last object); returns how many were deleted."""
        deleted = 0
        for _pass in range(EMPTYING_PASSES):
            paths = [item["Path"] for item in walk_items(data) if item.get("Type") == "OBJECT"]
            if not paths:
                break
            with ThreadPoolExecutor(max_workers=DELETE_WORKERS) as pool:
                # An object that expired or was deleted by someone else meanwhile does not count.
                deleted += sum(pool.map(lambda path: delete_object(data, path), paths))
        return deleted


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        access_logging=dict(type="bool"),
        lifecycle_policy=dict(type="raw"),
        metric_policy=dict(type="raw"),
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MediaStoreModule(argument_spec=argument_spec, supports_check_mode=True)

    desired, problems = desired_state(module.params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    try:
        container = Container(module, module.clients())
        if module.params["state"] == "present":
            result = container.present(desired)
        else:
            result = container.absent(module.params["force"])
    except MediaStoreServiceError as error:
        module.fail_json_aws_error(error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
