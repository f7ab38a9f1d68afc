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
  - Contributors to the elemental.mediastore collection (!UNKNOWN)
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
    type: json
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
    type: json
  force:
    description:
      - With O(state=absent), delete every object of the container (in every folder) before deleting the container.
      - Without it, deleting a container that still holds objects fails and deletes nothing.
    type: bool
    default: false
extends_documentation_fragment:
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

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._container import (
    container_view,
    diff_view,
    parse_policy_option,
    parse_policy_text,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._lifecycle import (
    lifecycle_policies_differ,
    lifecycle_policy_problems,
    lifecycle_policy_text,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._metric import (
    metric_policies_differ,
    normalise_metric_policy,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreError,
    MediaStoreModule,
    call_with_transient_retry,
    delete_object,
    delete_policy,
    policy_or_none,
    settled_container,
    wait_for_container,
    walk_items,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._tags import normalise_tags, tags_problems

# DeleteObject is limited to 100 requests a second per account; a few workers stay well below that.
DELETE_WORKERS = 8
# Objects uploaded while force empties the container are caught by another pass; after these many, give up.
EMPTYING_PASSES = 3


def desired_state(params):
    """``(desired, problems)``: the options in the form the comparisons use, and every problem in them."""
    problems = container_name_problems(params["name"], "name")
    if params["wait_timeout"] < 0:
        problems.append(f"wait_timeout: must be 0 or more seconds, not {params['wait_timeout']}.")
    tags = normalise_tags(params["tags"])
    if tags is not None:
        problems.extend(tags_problems(tags, "tags"))
    lifecycle, lifecycle_problems = parse_policy_option(params["lifecycle_policy"], "lifecycle_policy")
    problems.extend(lifecycle_problems)
    if lifecycle:
        problems.extend(lifecycle_policy_problems(lifecycle, "lifecycle_policy"))
    metric, metric_problems = parse_policy_option(params["metric_policy"], "metric_policy")
    problems.extend(metric_problems)
    if metric:
        metric, metric_problems = normalise_metric_policy(metric, "metric_policy")
        problems.extend(metric_problems)
    desired = {
        "tags": tags,
        "access_logging": params["access_logging"],
        "lifecycle_policy": lifecycle,
        "metric_policy": metric,
    }
    return desired, problems


def snake_metric_policy(policy):
    return camel_dict_to_snake_dict(policy) if policy else None


class Container:
    """One container: reads its state, compares it with the options, and makes the minimal calls."""

    def __init__(self, module, control):
        self.module = module
        self.control = control
        self.name = module.params["name"]
        self.check_mode = module.check_mode
        self.wait = module.params["wait"]
        self.wait_timeout = module.params["wait_timeout"]
        self.changed = False

    def call(self, action, operation, **params):
        """A control-plane call with the busy/transient retries; a failure says what was being done."""
        try:
            return getattr(self.control, operation)(aws_retry=True, **params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise MediaStoreError(f"Could not {action} of container {self.name!r}.", exception=error) from error

    def result(self, before, after, **extra):
        diff = {"before": diff_view(before), "after": diff_view(after)}
        return dict(changed=self.changed, container=after, diff=diff, **extra)

    # -- read -------------------------------------------------------------------------------------

    def read(self, container):
        """``(view, metric_policy)``: the full view of an ACTIVE container, and its metric policy in API form."""
        view = container_view(container)
        tag_list = self.call("list the tags", "list_tags_for_resource", Resource=container["ARN"]).get("Tags", [])
        view["tags"] = boto3_tag_list_to_ansible_dict(tag_list)
        lifecycle_text = policy_or_none(self.control, "get_lifecycle_policy", self.name, "LifecyclePolicy")
        view["lifecycle_policy"] = parse_policy_text(lifecycle_text)
        metric_policy = policy_or_none(self.control, "get_metric_policy", self.name, "MetricPolicy")
        view["metric_policy"] = snake_metric_policy(metric_policy)
        return view, metric_policy

    # -- state=present ----------------------------------------------------------------------------

    def present(self, desired):
        container = settled_container(self.control, self.name, self.wait_timeout)
        if container and container["Status"] == "DELETING":
            if not self.check_mode:
                wait_for_container(self.control, self.name, None, self.wait_timeout)
            container = None
        if container is None:
            return self.create(desired)
        before, current_metric_policy = self.read(container)
        after = dict(before)
        self.update_tags(container["ARN"], before["tags"], desired["tags"], after)
        self.update_access_logging(before["access_logging_enabled"], desired["access_logging"], after)
        self.update_policy(
            "lifecycle_policy", before["lifecycle_policy"], desired["lifecycle_policy"], after,
            differs=lifecycle_policies_differ, view=lambda policy: policy, put=self.put_lifecycle_policy,
        )
        self.update_policy(
            "metric_policy", current_metric_policy, desired["metric_policy"], after,
            differs=lambda current, wanted: current is None or metric_policies_differ(current, wanted),
            view=snake_metric_policy, put=self.put_metric_policy,
        )
        return self.result(before, after)

    def create(self, desired):
        self.changed = True
        after = {
            "arn": None,
            "name": self.name,
            "endpoint": None,
            "status": None,
            "creation_time": None,
            "access_logging_enabled": bool(desired["access_logging"]),
            "tags": desired["tags"] or {},
            "lifecycle_policy": desired["lifecycle_policy"] or None,
            "metric_policy": snake_metric_policy(desired["metric_policy"]),
        }
        if self.check_mode:
            return self.result({}, after)
        params = {"ContainerName": self.name}
        if desired["tags"]:
            params["Tags"] = ansible_dict_to_boto3_tag_list(desired["tags"])
        try:
            container = call_with_transient_retry(self.control, "create_container", **params)["Container"]
        except is_boto3_error_code("ContainerInUseException") as error:
            raise MediaStoreError(
                f"Could not create container {self.name!r}: MediaStore says it exists already "
                "(created by someone else while this task ran?).",
                exception=error,
            ) from error
        except is_boto3_error_code("LimitExceededException") as error:  # pylint: disable=duplicate-except
            raise MediaStoreError(
                f"Could not create container {self.name!r}: the account has reached its container quota "
                "(100 per region).",
                exception=error,
            ) from error
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:  # pylint: disable=duplicate-except
            raise MediaStoreError(f"Could not create container {self.name!r}.", exception=error) from error
        needs_active = desired["access_logging"] or desired["lifecycle_policy"] or desired["metric_policy"]
        if self.wait or needs_active:
            container = wait_for_container(self.control, self.name, "ACTIVE", self.wait_timeout)
        basics = container_view(container)
        del basics["access_logging_enabled"]  # set below, once the container can take it
        after.update(basics)
        if desired["access_logging"]:
            self.call("start access logging", "start_access_logging", ContainerName=self.name)
        if desired["lifecycle_policy"]:
            self.put_lifecycle_policy(desired["lifecycle_policy"])
        if desired["metric_policy"]:
            self.put_metric_policy(desired["metric_policy"])
        return self.result({}, after)

    def update_tags(self, arn, current, desired, after):
        if desired is None:
            return
        to_set, to_unset = compare_aws_tags(current, desired, self.module.params["purge_tags"])
        if not (to_set or to_unset):
            return
        self.changed = True
        after["tags"] = {key: value for key, value in current.items() if key not in to_unset}
        after["tags"].update(to_set)
        if self.check_mode:
            return
        if to_unset:
            self.call("remove tags", "untag_resource", Resource=arn, TagKeys=to_unset)
        if to_set:
            self.call("set tags", "tag_resource", Resource=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))

    def update_access_logging(self, current, desired, after):
        if desired is None or desired == current:
            return
        self.changed = True
        after["access_logging_enabled"] = desired
        if self.check_mode:
            return
        if desired:
            self.call("start access logging", "start_access_logging", ContainerName=self.name)
        else:
            self.call("stop access logging", "stop_access_logging", ContainerName=self.name)

    def update_policy(self, aspect, current, desired, after, differs, view, put):
        """Put the lifecycle or metric policy (``aspect``) when ``differs``, or delete it for ``{}``.

        ``view`` turns the desired policy into its form in the returned container; ``put`` sends it.
        """
        if desired is None:
            return
        if desired == {}:
            if current is None:
                return
            self.changed = True
            after[aspect] = None
            if not self.check_mode:
                self.delete_policy(f"delete_{aspect}", f"the {aspect.replace('_', ' ')}")
            return
        if not differs(current, desired):
            return
        self.changed = True
        after[aspect] = view(desired)
        if not self.check_mode:
            put(desired)

    def put_lifecycle_policy(self, policy):
        text = lifecycle_policy_text(policy)
        self.call("put the lifecycle policy", "put_lifecycle_policy", ContainerName=self.name, LifecyclePolicy=text)

    def put_metric_policy(self, policy):
        self.call("put the metric policy", "put_metric_policy", ContainerName=self.name, MetricPolicy=policy)

    def delete_policy(self, operation, what):
        try:
            # A policy removed by someone else since it was read is no failure: the outcome is the same.
            delete_policy(self.control, operation, self.name)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise MediaStoreError(f"Could not delete {what} of container {self.name!r}.", exception=error) from error

    # -- state=absent -----------------------------------------------------------------------------

    def absent(self, force):
        container = settled_container(self.control, self.name, self.wait_timeout)
        if container is None:
            return self.result({}, {})
        if container["Status"] == "DELETING":
            # Someone else's delete is under way; wait for it, but it is not this task's change.
            if self.wait and not self.check_mode:
                wait_for_container(self.control, self.name, None, self.wait_timeout)
            return self.result({}, {})
        before, _metric_policy = self.read(container)
        data = self.module.data_client(container["Endpoint"])
        if not force and not self.is_empty(data):
            raise MediaStoreError(
                f"Container {self.name!r} still holds objects, and MediaStore deletes only empty containers. "
                "Set force: true to delete every object in it first."
            )
        self.changed = True
        if self.check_mode:
            return self.result(before, {})
        extra = {"deleted_objects": self.empty(data)} if force else {}
        self.delete()
        if self.wait:
            wait_for_container(self.control, self.name, None, self.wait_timeout)
        return self.result(before, {}, **extra)

    def is_empty(self, data):
        return not data.list_items(MaxResults=1, aws_retry=True).get("Items")

    def empty(self, data):
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

    def delete(self):
        try:
            call_with_transient_retry(self.control, "delete_container", ContainerName=self.name)
        except is_boto3_error_code("ContainerNotFoundException"):
            pass  # deleted by someone else meanwhile
        except is_boto3_error_code("ContainerInUseException") as error:  # pylint: disable=duplicate-except
            raise MediaStoreError(
                f"MediaStore refused to delete container {self.name!r}: it is not empty (objects were added "
                "while this task ran?) or is busy. Set force: true to delete every object in it first.",
                exception=error,
            ) from error
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:  # pylint: disable=duplicate-except
            raise MediaStoreError(f"Could not delete container {self.name!r}.", exception=error) from error


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        access_logging=dict(type="bool"),
        lifecycle_policy=dict(type="json"),
        metric_policy=dict(type="json"),
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = MediaStoreModule(argument_spec=argument_spec, supports_check_mode=True)

    desired, problems = desired_state(module.params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    container = Container(module, module.control_client())
    if module.params["state"] == "present":
        result = module.run(container.present, desired)
    else:
        result = module.run(container.absent, module.params["force"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
