# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_cors's whole run (main) against botocore's Stubber.

The Stubber answers only the calls queued for it, in order; any other call fails the test, so a test
that queues no Put/Delete proves the module made no write.
"""

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.elemental.mediastore.plugins.modules import mediastore_cors

NAME = "live_origin"
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
ACTIVE = {"Name": NAME, "ARN": ARN, "Endpoint": "http://127.0.0.1:4599/data/abcdefghijklmn", "Status": "ACTIVE"}
PLAYER = {
    "allowed_origins": ["https://player.example.com"],
    "allowed_methods": ["get", "Head"],
    "allowed_headers": ["*"],
    "expose_headers": ["Content-Length"],
    "max_age_seconds": 3000,
}
EVERYONE = {"allowed_origins": ["*"], "allowed_methods": ["GET"]}
PLAYER_API = {
    "AllowedOrigins": ["https://player.example.com"],
    "AllowedMethods": ["GET", "HEAD"],
    "AllowedHeaders": ["*"],
    "ExposeHeaders": ["Content-Length"],
    "MaxAgeSeconds": 3000,
}
EVERYONE_API = {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": []}
PUT_PLAYER_THEN_EVERYONE = {"ContainerName": NAME, "CorsPolicy": [PLAYER_API, EVERYONE_API]}


def run(capsys, check_mode=False, **args):
    args.setdefault("container", NAME)
    args.update(_ansible_check_mode=check_mode, _ansible_diff=True)
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        mediastore_cors.main()
    result = json.loads(capsys.readouterr().out)
    result["rc"] = exit_info.value.code
    return result


def queue_reads(stubber, cors):
    stubber.add_response("describe_container", {"Container": ACTIVE}, {"ContainerName": NAME})
    if cors is None:
        stubber.add_client_error(
            "get_cors_policy", "CorsPolicyNotFoundException", expected_params={"ContainerName": NAME}
        )
    else:
        stubber.add_response("get_cors_policy", {"CorsPolicy": cors}, {"ContainerName": NAME})


def test_first_rules_are_put_with_methods_in_upper_case(module_control, capsys):
    queue_reads(module_control, None)
    module_control.add_response("put_cors_policy", {}, PUT_PLAYER_THEN_EVERYONE)
    result = run(capsys, rules=[PLAYER, EVERYONE])
    assert result["rc"] == 0
    assert result["changed"] is True
    assert result["rules"][0]["allowed_methods"] == ["GET", "HEAD"]
    assert result["rules"][1] == {
        "allowed_origins": ["*"],
        "allowed_methods": ["GET"],
        "allowed_headers": [],
        "expose_headers": [],
        "max_age_seconds": None,
    }
    assert result["diff"] == {"before": {}, "after": {"rules": result["rules"]}}


def test_check_mode_reports_the_same_and_writes_nothing(module_control, capsys):
    queue_reads(module_control, None)
    result = run(capsys, check_mode=True, rules=[PLAYER, EVERYONE])
    assert result["changed"] is True
    assert result["diff"]["after"]["rules"][0]["allowed_origins"] == ["https://player.example.com"]


def test_check_mode_on_a_missing_container_predicts_the_rules_against_an_empty_one(module_control, capsys):
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    result = run(capsys, check_mode=True, rules=[{"allowed_origins": ["*"], "allowed_methods": ["get"]}])
    assert result["rc"] == 0
    assert result["changed"] is True
    assert result["container_pending"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["rules"][0]["allowed_methods"] == ["GET"]


def test_a_missing_container_outside_check_mode_says_to_create_it(module_control, capsys):
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    result = run(capsys, rules=[{"allowed_origins": ["*"], "allowed_methods": ["GET"]}])
    assert result["rc"] == 1
    assert "create it first with elemental.mediastore.mediastore_container" in result["msg"]


def test_reordered_lists_inside_a_rule_are_not_a_change(module_control, capsys):
    queue_reads(module_control, [dict(PLAYER_API, AllowedMethods=["HEAD", "GET"]), EVERYONE_API])
    result = run(capsys, rules=[PLAYER, EVERYONE])
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_reordered_rules_are_a_change(module_control, capsys):
    queue_reads(module_control, [EVERYONE_API, PLAYER_API])
    module_control.add_response("put_cors_policy", {}, PUT_PLAYER_THEN_EVERYONE)
    assert run(capsys, rules=[PLAYER, EVERYONE])["changed"] is True


def test_removal_deletes_and_a_second_removal_does_nothing(module_control, capsys):
    queue_reads(module_control, [PLAYER_API])
    module_control.add_response("delete_cors_policy", {}, {"ContainerName": NAME})
    removed = run(capsys, state="absent")
    assert removed["changed"] is True
    assert removed["rules"] == []
    assert removed["diff"]["after"] == {}
    queue_reads(module_control, None)
    assert run(capsys, state="absent")["changed"] is False


def test_removal_in_check_mode_writes_nothing(module_control, capsys):
    queue_reads(module_control, [PLAYER_API])
    assert run(capsys, check_mode=True, state="absent")["changed"] is True


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"rules": []}, "rules: at least one rule is required"),
        (
            {"rules": [dict(EVERYONE, allowed_methods=["POST"])]},
            "rules[0].allowed_methods: 'POST' is not a CORS method",
        ),
        ({"rules": [EVERYONE, dict(EVERYONE, allowed_origins=[])]}, "rules[1].allowed_origins: at least one origin"),
        ({"rules": [dict(EVERYONE, allowed_origins=["https://*.*.example"])]}, "has 2 '*'"),
        ({"rules": [dict(EVERYONE, max_age_seconds=-1)]}, "rules[0].max_age_seconds: must be a whole number"),
        ({"rules": [EVERYONE] * 101}, "rules: a CORS policy has at most 100 rules"),
        ({"rules": [{"allowed_methods": ["GET"]}]}, "rules[0].allowed_origins: at least one origin is required"),
        ({"rules": [dict(EVERYONE, allowed_origin=["*"])]}, "rules[0]: unknown key 'allowed_origin'; use allowed_"),
        (
            {"rules": [{"AllowedOrigin": ["*"], "AllowedMethods": ["GET"]}]},
            "rules[0]: unknown key 'AllowedOrigin'; use allowed_headers, allowed_methods, allowed_origins",
        ),
        ({"rules": ["GET"]}, "option 'rules' is of type str and we were unable to convert to dict"),
        ({"rules": [dict(EVERYONE, allowed_origins=["https://a.example\r\nX: 1"])]},
         "rules[0].allowed_origins: 'https://a.example\\r\\nX: 1' has control characters"),
        ({"rules": [dict(EVERYONE, allowed_headers=["Range\n"])]}, "rules[0].allowed_headers:"),
        ({"rules": [dict(EVERYONE, expose_headers=["ETag\x00"])]}, "rules[0].expose_headers:"),
        ({"rules": [EVERYONE], "state": "absent"}, "rules: does not apply with state=absent"),
        ({}, "state is present but all of the following are missing: rules"),
        ({"container": "", "state": "absent"}, "container: a container name is required"),
    ],
)
def test_invalid_input_fails_before_any_client_exists(no_client, capsys, args, fragment):
    result = run(capsys, **args)
    assert result["rc"] == 1
    assert fragment in result["msg"]
