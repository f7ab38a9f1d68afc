# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_policy's whole run (main) against botocore's Stubber.

The Stubber answers only the calls queued for it, in order; any other call fails the test, so a test
that queues no Put/Delete proves the module made no write.
"""

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.elemental.mediastore.plugins.module_utils._container_policy import (
    canonical_policy,
    default_policy,
)
from ansible_collections.elemental.mediastore.plugins.modules import mediastore_policy

NAME = "live_origin"
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
ACTIVE = {"Name": NAME, "ARN": ARN, "Endpoint": "http://127.0.0.1:4599/data/abcdefghijklmn", "Status": "ACTIVE"}
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
            "Resource": f"{ARN}/*",
        }
    ],
}
# The service's own rendering of the default policy: pretty-printed, lists, its own key order.
SERVED_DEFAULT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MediaStoreFullAccess",
                "Action": ["mediastore:*"],
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Effect": "Allow",
                "Resource": f"{ARN}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            }
        ],
    },
    indent=2,
)


def run(capsys, check_mode=False, diff=True, **args):
    args.setdefault("container", NAME)
    args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        mediastore_policy.main()
    result = json.loads(capsys.readouterr().out)
    result["rc"] = exit_info.value.code
    return result


def queue_container(stubber, container=None):
    stubber.add_response("describe_container", {"Container": container or ACTIVE}, {"ContainerName": NAME})


def queue_policy(stubber, text):
    if text is None:
        stubber.add_client_error(
            "get_container_policy", "PolicyNotFoundException", expected_params={"ContainerName": NAME}
        )
    else:
        stubber.add_response("get_container_policy", {"Policy": text}, {"ContainerName": NAME})


def test_setting_a_policy_over_the_default_one_puts_compact_json(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, SERVED_DEFAULT)
    module_control.add_response(
        "put_container_policy", {}, {"ContainerName": NAME, "Policy": json.dumps(PUBLIC_READ, separators=(",", ":"))}
    )
    result = run(capsys, policy=json.dumps(PUBLIC_READ, indent=4))
    assert result["rc"] == 0
    assert result["changed"] is True
    assert result["policy"] == PUBLIC_READ
    assert result["policy_is_default"] is False
    assert result["diff"]["before"] == canonical_policy(json.loads(SERVED_DEFAULT))
    assert result["diff"]["after"] == canonical_policy(PUBLIC_READ)


def test_check_mode_reports_the_same_and_writes_nothing(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, SERVED_DEFAULT)
    result = run(capsys, check_mode=True, policy=json.dumps(PUBLIC_READ))
    assert result["changed"] is True
    assert result["diff"] == {"before": canonical_policy(json.loads(SERVED_DEFAULT)),
                              "after": canonical_policy(PUBLIC_READ)}


@pytest.mark.parametrize(
    "stored",
    [
        json.dumps(PUBLIC_READ),
        # reordered keys, a one-element list for a string, the anonymous principal spelled out
        json.dumps(
            {
                "Statement": [
                    {
                        "Resource": [f"{ARN}/*"],
                        "Principal": {"AWS": "*"},
                        "Action": ["mediastore:DescribeObject", "mediastore:GetObject"],
                        "Effect": "Allow",
                        "Sid": "PublicRead",
                    }
                ],
                "Version": "2012-10-17",
            }
        ),
    ],
)
def test_an_equivalent_policy_is_left_alone(module_control, capsys, stored):
    queue_container(module_control)
    queue_policy(module_control, stored)
    result = run(capsys, policy=json.dumps(PUBLIC_READ))
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_removing_when_only_the_default_policy_is_there_changes_nothing(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, SERVED_DEFAULT)
    result = run(capsys, state="absent")
    assert result["changed"] is False
    assert result["policy_is_default"] is True


def test_removing_a_policy_expects_the_default_one_back(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, json.dumps(PUBLIC_READ))
    module_control.add_response("delete_container_policy", {}, {"ContainerName": NAME})
    result = run(capsys, state="absent")
    assert result["changed"] is True
    assert result["policy"] == default_policy(ARN)
    assert result["policy_is_default"] is True
    assert result["diff"] == {"before": canonical_policy(PUBLIC_READ), "after": canonical_policy(default_policy(ARN))}


def test_removing_in_check_mode_writes_nothing(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, json.dumps(PUBLIC_READ))
    result = run(capsys, check_mode=True, state="absent")
    assert result["changed"] is True


def test_no_policy_at_all_is_absent_too(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, None)
    result = run(capsys, state="absent")
    assert result["changed"] is False
    assert result["policy"] == {}


def test_a_creating_container_is_waited_for(module_control, capsys):
    creating = {key: value for key, value in ACTIVE.items() if key != "Endpoint"}
    queue_container(module_control, dict(creating, Status="CREATING"))
    queue_container(module_control)  # wait_for_container's first poll
    queue_policy(module_control, SERVED_DEFAULT)
    module_control.add_response(
        "put_container_policy", {}, {"ContainerName": NAME, "Policy": json.dumps(PUBLIC_READ, separators=(",", ":"))}
    )
    assert run(capsys, policy=json.dumps(PUBLIC_READ))["changed"] is True


def test_a_missing_container_fails_for_present_and_is_fine_for_absent(module_control, capsys):
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    failed = run(capsys, policy=json.dumps(PUBLIC_READ))
    assert failed["rc"] == 1
    assert "container: container 'live_origin' does not exist" in failed["msg"]
    assert "create it first with elemental.mediastore.mediastore_container" in failed["msg"]
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    absent = run(capsys, state="absent")
    assert absent["rc"] == 0
    assert absent["changed"] is False


def test_check_mode_on_a_missing_container_predicts_the_put_against_an_empty_one(module_control, capsys):
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    result = run(capsys, check_mode=True, policy=json.dumps(PUBLIC_READ))
    assert result["rc"] == 0
    assert result["changed"] is True
    assert result["container_pending"] is True
    assert result["diff"] == {"before": {}, "after": canonical_policy(PUBLIC_READ)}
    assert "container_arn" not in result


def test_the_diff_shows_equal_statements_identically_within_a_real_change(module_control, capsys):
    queue_container(module_control)
    queue_policy(module_control, SERVED_DEFAULT)  # Action ["mediastore:*"], Principal as the root ARN
    owner = dict(json.loads(SERVED_DEFAULT)["Statement"][0], Action="mediastore:*",
                 Principal={"AWS": "111122223333"})
    wanted = {"Version": "2012-10-17", "Statement": [PUBLIC_READ["Statement"][0], owner]}
    result = run(capsys, check_mode=True, policy=wanted)
    assert result["changed"] is True
    before, after = result["diff"]["before"]["Statement"], result["diff"]["after"]["Statement"]
    assert before[0] in after  # the owner's statement, unchanged, is shown the same on both sides
    assert len(after) == 2


def test_a_resource_of_another_account_fails_after_describe_and_before_any_read_of_the_policy(module_control, capsys):
    queue_container(module_control)
    other = json.loads(json.dumps(PUBLIC_READ).replace("111122223333", "444455556666"))
    result = run(capsys, policy=json.dumps(other))
    assert result["rc"] == 1
    assert f"must be scoped to files inside {ARN}" in result["msg"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"policy": "{nope"}, "policy: not valid JSON"),
        ({"policy": json.dumps(dict(PUBLIC_READ, Padding="x" * 8192))}, "policy: a container policy has at most 8192"),
        (
            {"policy": json.dumps(PUBLIC_READ).replace("PublicRead", "Caf\u00e9")},
            "policy: a container policy must be ASCII",
        ),
        ({"policy": json.dumps(PUBLIC_READ).replace(f"{ARN}/*", "*")}, "must be scoped to files inside container"),
        (
            {"policy": json.dumps(PUBLIC_READ).replace("mediastore:DescribeObject", "mediastore:PutObject")},
            "allows mediastore:PutObject",
        ),
        ({"container": "bad name", "state": "absent"}, "container: 'bad name' is not a valid container name"),
        ({}, "state is present but all of the following are missing: policy"),
        ({"policy": PUBLIC_READ, "state": "absent"}, "policy: does not apply with state=absent"),
        (
            {"policy": json.dumps(PUBLIC_READ).replace('"Resource"', '"Condition": [{"Bool": {}}], "Resource"')},
            "policy: Condition in statement 'PublicRead' must be a mapping of condition operator",
        ),
        (
            {"policy": json.dumps(PUBLIC_READ).replace('"Principal": "*"', '"Principal": ["*"]')},
            "policy: Principal in statement 'PublicRead' must be",
        ),
    ],
)
def test_invalid_input_fails_before_any_client_exists(no_client, capsys, args, fragment):
    result = run(capsys, **args)
    assert result["rc"] == 1
    assert fragment in result["msg"]
