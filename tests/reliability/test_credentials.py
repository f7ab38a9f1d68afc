"""Credentials: secrets never appear in any output, even with -vvv and botocore endpoint logs; a wrong secret key
fails every module and the lookup with a clear authentication error, not a traceback."""

import json
import re
from pathlib import Path

from support import ACCESS_KEY, REGION, assert_no_traceback, create_container, play, record, run_playbook

SECRET = "Reliability-Secret-Key-7f3a9c2e"
TOKEN = "Reliability-Session-Token-91b2d4"
NAME = "reliability_creds"


def every_module(emulator, tree, secret_key):
    arn = f"arn:aws:mediastore:us-east-1:111122223333:container/{NAME}"
    lookup = ("{{ lookup('elemental.mediastore.list_items', container='" + NAME + "', recursive=true, "
              "endpoint_url='" + emulator.url + "', access_key='" + ACCESS_KEY + "', secret_key='" + secret_key
              + "', session_token='" + TOKEN + "', region='" + REGION + "') }}")
    return [
        {"register": "r_container", "elemental.mediastore.mediastore_container": {"name": NAME, "tags": {"a": "b"}}},
        {"register": "r_info", "elemental.mediastore.mediastore_container_info": {"name": NAME}},
        {"register": "r_policy", "elemental.mediastore.mediastore_policy": {
            "container": NAME, "policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject",
                 "Resource": f"{arn}/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}}},
        {"register": "r_cors", "elemental.mediastore.mediastore_cors": {
            "container": NAME, "rules": [{"allowed_origins": ["*"], "allowed_methods": ["GET"]}]}},
        {"register": "r_object", "elemental.mediastore.mediastore_object": {
            "container": NAME, "path": "a/b.txt", "content": "hello"}},
        {"register": "r_sync", "elemental.mediastore.mediastore_sync": {"container": NAME, "src": str(tree)}},
        {"register": "r_lookup", "ansible.builtin.set_fact": {"listing": lookup}},
    ]


def small_tree(tmp_path):
    tree = Path(tmp_path) / "tree"
    (tree / "hls").mkdir(parents=True)
    for number in range(3):
        (tree / "hls" / f"segment_{number}.ts").write_bytes(b"x" * 100)
    return tree


def test_no_secret_in_any_output_with_vvv_and_botocore_logs(start_emulator, tmp_path):
    emulator = start_emulator(secret_key=SECRET)
    defaults = emulator.module_defaults(session_token=TOKEN, debug_botocore_endpoint_logs=True)
    tasks = every_module(emulator, small_tree(tmp_path), SECRET)
    result = run_playbook(tmp_path, play(defaults, tasks, keep=["listing"]), "-vvv", "--diff")
    assert result.rc == 0, result.explain()
    assert result.results["r_container"]["changed"] and result.results["listing"]
    assert "resource_actions" in result.results["r_container"], "botocore endpoint logs were on"
    dumped = json.dumps(result.results)
    for secret in (SECRET, TOKEN):
        for where, text in (("stdout", result.stdout), ("stderr", result.stderr), ("results", dumped)):
            assert secret not in text, f"{secret} appears in {where}"
    record("secrets", output_characters_searched=len(result.output) + len(dumped), run_seconds=round(result.elapsed, 1))


def test_wrong_secret_key_is_a_clear_authentication_error(start_emulator, tmp_path):
    emulator = start_emulator()
    create_container(emulator, NAME)
    tasks = [dict(task, ignore_errors=True) for task in every_module(emulator, small_tree(tmp_path), "wrong-secret")]
    result = run_playbook(tmp_path, play(emulator, tasks, secret_key="wrong-secret", keep=["listing"]))
    assert_no_traceback(result)
    messages = {}
    for task in tasks:
        outcome = result.results[task["register"]]
        assert outcome and outcome.get("failed"), f"{task['register']} did not fail: {outcome}"
        message = outcome.get("msg", "")
        messages[task["register"]] = message
        assert re.search(r"InvalidSignatureException|signature", message), f"{task['register']}: {message}"
        assert "module_stderr" not in outcome, outcome
    assert "wrong-secret" not in result.output
    record("wrong_secret", messages=messages)
