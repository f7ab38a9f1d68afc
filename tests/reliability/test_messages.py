"""Messages that tell the user what to do: each mistake a newcomer makes (issue 14) fails with a message naming the
option and the fix, without a write; API-style (PascalCase) CORS keys are accepted as the snake_case ones."""

import re

import pytest
from support import ACCESS_KEY, REGION, assert_no_traceback, create_container, play, start_playbook, writes

C = "messages"
MISSING = "messages_missing"
UNKNOWN_ACCESS_KEY = "AKIDMESSAGESUNKNOWN7"
UNKNOWN_SECRET = "Messages-Secret-Key-5e81d0"
AWS_DATA_ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"
AWS_CONTROL_ENDPOINT = "https://mediastore.us-east-1.amazonaws.com"
# A policy written with `policy: |`: YAML text, not JSON.
YAML_POLICY = "Version: '2012-10-17'\nStatement:\n  - Sid: Read\n    Effect: Allow\n"
YAML_LIFECYCLE = "rules:\n  - definition:\n      path:\n        - prefix: live/\n    action: EXPIRE\n"
YAML_METRIC = "container_level_metrics: ENABLED\n"
CREATE_IT_FIRST = "create it first with elemental.mediastore.mediastore_container."
# A lookup's message comes after Ansible's own "The lookup plugin ... failed: " (here and in ENDPOINT_FIX).
MISSING_CONTAINER = rf"(^|failed: )container: container '{MISSING}' does not exist; {re.escape(CREATE_IT_FIRST)}$"
READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "mediastore:GetObject",
            "Resource": f"arn:aws:mediastore:us-east-1:111122223333:container/{MISSING}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    ],
}
NO_RETRY = {"retry_budget": 0}  # a case that reached a network it should not have fails at once

CREDENTIAL_FIX = [
    r"access key is not known",
    r"access_key",
    r"secret_key",
    r"AWS_ACCESS_KEY_ID",
    r"AWS_SECRET_ACCESS_KEY",
    r"profile",
]
YAML_TEXT_FIX = [r"not valid JSON", r"text is read as JSON", r"YAML mapping", r"\|", r"JSON text"]
ENDPOINT_URL_FIX = [r"endpoint_url", r"control-plane endpoint", r"data endpoint", r"\bendpoint\b.*container"]
ENDPOINT_FIX = [
    r"(^|failed: )endpoint: ",
    r"data endpoint",
    r"container\.endpoint",
    r"mediastore_container_info",
    r"endpoint_url",
]


def lookup(emulator, access_key=ACCESS_KEY, secret_key=None, endpoint_url=None, **options):
    arguments = dict(
        options,
        endpoint_url=endpoint_url or emulator.url,
        access_key=access_key,
        secret_key=secret_key or emulator.secret_key,
        region=REGION,
        **NO_RETRY,
    )
    call = ", ".join(["'elemental.mediastore.list_items'"] + [f"{key}={value!r}" for key, value in arguments.items()])
    return {"ansible.builtin.set_fact": {"listing": "{{ lookup(" + call + ") }}"}}


def module(plugin, **options):
    return {f"elemental.mediastore.{plugin}": dict(options, **NO_RETRY)}


def cases(emulator, endpoint):
    """``{group: [(case id, task, patterns the message must match)]}``; the first group must send no request."""
    unknown_key = {"access_key": UNKNOWN_ACCESS_KEY, "secret_key": UNKNOWN_SECRET}
    missing_endpoint = f"{emulator.url}/data/zzzzzzzzzzzzzz"
    src = "{{ playbook_dir }}"
    return {
        "before any request": [
            (
                "policy as YAML text",
                module("mediastore_policy", container=C, policy=YAML_POLICY),
                [r"^policy: "] + YAML_TEXT_FIX,
            ),
            (
                "lifecycle policy as YAML text",
                module("mediastore_container", name=C, lifecycle_policy=YAML_LIFECYCLE),
                [r"^lifecycle_policy: "] + YAML_TEXT_FIX,
            ),
            (
                "metric policy as YAML text",
                module("mediastore_container", name=C, metric_policy=YAML_METRIC),
                [r"^metric_policy: "] + YAML_TEXT_FIX,
            ),
            (
                "unknown CORS key",
                module("mediastore_cors", container=C, rules=[{"AllowedOrigin": ["*"], "AllowedMethods": ["GET"]}]),
                [r"rules\[0\]: unknown key 'AllowedOrigin'", r"allowed_origins", r"AllowedOrigins"],
            ),
            (
                "endpoint_url a local data endpoint",
                module("mediastore_container_info", name=C, endpoint_url=endpoint),
                ENDPOINT_URL_FIX,
            ),
            (
                "endpoint_url an AWS data endpoint",
                module("mediastore_policy", container=C, state="absent", endpoint_url=AWS_DATA_ENDPOINT),
                ENDPOINT_URL_FIX,
            ),
            (
                "lookup endpoint_url a data endpoint",
                lookup(emulator, container=C, endpoint_url=endpoint),
                ENDPOINT_URL_FIX,
            ),
            (
                "endpoint the AWS control endpoint",
                module("mediastore_object", endpoint=AWS_CONTROL_ENDPOINT, path="a.txt", content="x"),
                ENDPOINT_FIX,
            ),
            (
                "sync cache control rule a string",
                module("mediastore_sync", container=C, src=src, cache_control_rules=["*.m3u8"]),
                [r"^cache_control_rules\[0\]: ", r"dictionary", r"pattern", r"cache_control\b"],
            ),
            (
                "sync content type rule a string",
                module("mediastore_sync", container=C, src=src, content_type_rules=["*.m3u8"]),
                [r"^content_type_rules\[0\]: ", r"dictionary", r"pattern", r"content_type\b"],
            ),
            (
                "sync rule with an unknown key",
                module(
                    "mediastore_sync",
                    container=C,
                    src=src,
                    cache_control_rules=[{"pattern": "*.ts", "cache_control": "x", "Pattern": "*.m3u8"}],
                ),
                [r"cache_control_rules\[0\]: unknown key 'Pattern'", r"pattern, cache_control"],
            ),
            (
                "path with two bad names",
                module("mediastore_object", container=C, path="a b/c d.ts", content="x"),
                [r"^path: 'a b', 'c d\.ts' are not valid", r"use only letters"],
            ),
        ],
        "answered by the endpoint": [
            ("unknown access key", module("mediastore_container_info", name=C, **unknown_key), CREDENTIAL_FIX),
            (
                "unknown access key on the data plane",
                module("mediastore_object", endpoint=endpoint, path="a.txt", state="absent", **unknown_key),
                CREDENTIAL_FIX,
            ),
            (
                "lookup with an unknown access key",
                lookup(emulator, UNKNOWN_ACCESS_KEY, UNKNOWN_SECRET, container=C),
                CREDENTIAL_FIX,
            ),
            (
                "object endpoint the control endpoint",
                module("mediastore_object", endpoint=emulator.url, path="a.txt", content="x"),
                ENDPOINT_FIX,
            ),
            (
                "sync endpoint the control endpoint",
                module("mediastore_sync", endpoint=emulator.url, src=src),
                ENDPOINT_FIX,
            ),
            ("lookup endpoint the control endpoint", lookup(emulator, endpoint=emulator.url), ENDPOINT_FIX),
            (
                "object in a missing container",
                module("mediastore_object", container=MISSING, path="a.txt", content="x"),
                [MISSING_CONTAINER],
            ),
            ("sync to a missing container", module("mediastore_sync", container=MISSING, src=src), [MISSING_CONTAINER]),
            (
                "policy of a missing container",
                module("mediastore_policy", container=MISSING, policy=READ_POLICY),
                [MISSING_CONTAINER],
            ),
            (
                "CORS of a missing container",
                module(
                    "mediastore_cors", container=MISSING, rules=[{"allowed_origins": ["*"], "allowed_methods": ["GET"]}]
                ),
                [MISSING_CONTAINER],
            ),
            ("lookup in a missing container", lookup(emulator, container=MISSING), [MISSING_CONTAINER]),
            (
                "object at the endpoint of a missing container",
                module("mediastore_object", endpoint=missing_endpoint, path="a.txt", content="x"),
                [
                    rf"^endpoint: container at {re.escape(missing_endpoint)} does not exist; "
                    + re.escape(CREATE_IT_FIRST)
                    + "$"
                ],
            ),
        ],
    }


@pytest.fixture(scope="module")
def outcomes(shared_emulator, tmp_path_factory):
    """Every case run once, one playbook per group (in parallel), with the journal of each group."""
    emulator = shared_emulator
    endpoint = create_container(emulator, C)["Endpoint"]
    groups = cases(emulator, endpoint)
    runs, journals = {}, {}
    for group, group_cases in groups.items():
        tasks = [
            dict(task, register=f"r_{index}", ignore_errors=True)
            for index, (_name, task, _patterns) in enumerate(group_cases)
        ]
        mark = emulator.mark()
        # One group at a time, so that each group's journal is its own.
        runs[group] = start_playbook(tmp_path_factory.mktemp("messages"), play(emulator, tasks)).wait()
        journals[group] = emulator.journal(mark)
    return {"groups": groups, "runs": runs, "journals": journals}


def all_cases():
    groups = cases(type("Stand-in", (), {"url": "http://127.0.0.1:1", "secret_key": "x"})(), "http://e/data/x")
    return [
        pytest.param(group, index, id=f"{group}: {case[0]}")
        for group, group_cases in groups.items()
        for index, case in enumerate(group_cases)
    ]


@pytest.mark.parametrize("group, index", all_cases())
def test_message_names_the_option_and_the_fix(outcomes, group, index):
    patterns = outcomes["groups"][group][index][2]
    run = outcomes["runs"][group]
    result = run.results.get(f"r_{index}")
    assert result and result.get("failed"), run.explain()
    message = result.get("msg", "")
    for pattern in patterns:
        assert re.search(pattern, message, re.MULTILINE), f"{pattern!r} not in {message!r}"
    assert UNKNOWN_ACCESS_KEY not in message and UNKNOWN_SECRET not in message


def test_mistakes_write_nothing_and_print_no_key(outcomes):
    for run in outcomes["runs"].values():
        assert_no_traceback(run)
        for secret in (UNKNOWN_ACCESS_KEY, UNKNOWN_SECRET):
            assert secret not in run.output
    assert outcomes["journals"]["before any request"] == []
    assert writes(outcomes["journals"]["answered by the endpoint"]) == []


def test_cors_rules_with_api_keys_converge_like_snake_case(shared_emulator, tmp_path):
    emulator = shared_emulator
    name = "messages_cors_keys"
    create_container(emulator, name)
    api_rules = [
        {
            "AllowedOrigins": ["https://player.example.com"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000,
        }
    ]
    snake_rules = [
        {
            "allowed_origins": ["https://player.example.com"],
            "allowed_methods": ["GET", "HEAD"],
            "allowed_headers": ["*"],
            "expose_headers": ["ETag"],
            "max_age_seconds": 3000,
        }
    ]
    tasks = [
        {"register": register, "elemental.mediastore.mediastore_cors": {"container": name, "rules": rules}}
        for register, rules in (("first", api_rules), ("again", api_rules), ("snake", snake_rules))
    ]
    run = start_playbook(tmp_path, play(emulator, tasks)).wait()
    assert run.rc == 0, run.explain()
    assert [run.results[register]["changed"] for register in ("first", "again", "snake")] == [True, False, False]
    assert run.results["first"]["rules"] == snake_rules
    assert emulator.control().get_cors_policy(ContainerName=name)["CorsPolicy"] == api_rules
