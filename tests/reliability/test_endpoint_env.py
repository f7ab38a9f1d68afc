"""Every module and the lookup reach an endpoint named only by botocore's environment variables (no
module_defaults, no endpoint_url option), and a lookup without a region says how to give it one."""

import pytest
from support import ACCESS_KEY, play, run_playbook

NAME = "reliability_endpoint_env"
# A data endpoint belongs to one container: the plugins take it from DescribeContainer, so this variable
# (pointing at a closed port) must change nothing.
UNUSED_DATA_ENDPOINT = "http://127.0.0.1:9"


def every_plugin(tree):
    listing = "{{ query('elemental.mediastore.list_items', container='" + NAME + "', recursive=true) }}"
    return [
        {"register": "r_container", "elemental.mediastore.mediastore_container": {"name": NAME}},
        {"register": "r_info", "elemental.mediastore.mediastore_container_info": {"name": NAME}},
        {"register": "r_policy", "elemental.mediastore.mediastore_policy": {
            "container": NAME, "policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject",
                 "Resource": "{{ r_container.container.arn }}/*",
                 "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}}},
        {"register": "r_cors", "elemental.mediastore.mediastore_cors": {
            "container": NAME, "rules": [{"allowed_origins": ["*"], "allowed_methods": ["GET"]}]}},
        {"register": "r_object", "elemental.mediastore.mediastore_object": {
            "container": NAME, "path": "a/b.txt", "content": "hello"}},
        {"register": "r_sync", "elemental.mediastore.mediastore_sync": {"container": NAME, "src": str(tree)}},
        {"ansible.builtin.set_fact": {"listing": listing}},
    ]


@pytest.mark.parametrize("endpoint_variable, region_variable", [
    ("AWS_ENDPOINT_URL_MEDIASTORE", "AWS_REGION"),
    ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"),
])
def test_every_plugin_reaches_the_endpoint_from_the_environment(
        start_emulator, tmp_path, endpoint_variable, region_variable):
    emulator = start_emulator()
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "index.m3u8").write_text("#EXTM3U\n")
    env = {endpoint_variable: emulator.url, "AWS_ENDPOINT_URL_MEDIASTORE_DATA": UNUSED_DATA_ENDPOINT,
           region_variable: "us-east-1", "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": emulator.secret_key, "AWS_CONFIG_FILE": str(tmp_path / "no-config")}
    result = run_playbook(tmp_path, play({}, every_plugin(tree), keep=["listing"]), extra_env=env)
    assert result.rc == 0, result.explain()
    changing = ("r_container", "r_policy", "r_cors", "r_object", "r_sync")
    assert all(result.results[name]["changed"] for name in changing)
    assert result.results["r_info"]["containers"][0]["name"] == NAME
    assert sorted(item["path"] for item in result.results["listing"] if item["type"] == "object") == [
        "a/b.txt", "index.m3u8"]
    assert emulator.journal(), "the requests went somewhere else"


def test_a_lookup_without_a_region_says_what_to_set(start_emulator, tmp_path):
    emulator = start_emulator()
    env = {"AWS_ENDPOINT_URL_MEDIASTORE": emulator.url, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": emulator.secret_key, "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
           "AWS_REGION": "", "AWS_DEFAULT_REGION": ""}
    listing = "{{ query('elemental.mediastore.list_items', container='" + NAME + "') }}"
    result = run_playbook(tmp_path, play({}, [{"ansible.builtin.set_fact": {"listing": listing}}]), extra_env=env)
    assert result.rc == 2, result.explain()
    for advice in ("module_defaults", "region=", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_MEDIASTORE"):
        assert advice in result.output, f"{advice} missing: {result.explain()}"
    assert not emulator.journal(), "the lookup sent a request without a region"
