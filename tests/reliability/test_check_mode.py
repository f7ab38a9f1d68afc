"""Check mode: over containers with drift, every module, the lookup and the role write nothing and report
exactly what the real run then changes; after it, check mode reports nothing."""

import json

from support import ACCESS_KEY, REGION, create_container, figures_of, make_hls_tree, play, record, run_playbook, writes

MODULES = "reliability_check"
ROLE = "reliability_check_role"


def make_drift(emulator, tree):
    """Containers that differ from the playbook in every aspect the tasks manage."""
    hashes = make_hls_tree(tree, files=40)
    for name in (MODULES, ROLE):
        container = create_container(emulator, name)
        control = emulator.control()
        control.tag_resource(Resource=container["ARN"], Tags=[{"Key": "team", "Value": "old"},
                                                              {"Key": "stale", "Value": "x"}])
        control.put_cors_policy(ContainerName=name, CorsPolicy=[{"AllowedOrigins": ["https://old.example.com"],
                                                                 "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}])
        data = emulator.data(container["Endpoint"])
        data.put_object(Path="single/poster.jpg", Body=b"old poster", ContentType="image/jpeg")
        prefix = "hls/" if name == MODULES else ""
        for number, path in enumerate(sorted(hashes)):
            if number % 4 == 0:
                continue  # missing
            body = (tree / path).read_bytes()
            data.put_object(Path=prefix + path, Body=body if number % 4 != 1 else body + b"changed",
                            ContentType="video/MP2T" if path.endswith(".ts") else "application/vnd.apple.mpegurl")
        data.put_object(Path=prefix + "1080p/segment_99999.ts", Body=b"orphan", ContentType="video/MP2T")
    return hashes


def tasks(emulator, tree):
    arn = f"arn:aws:mediastore:us-east-1:111122223333:container/{MODULES}"
    return [
        {"name": "container", "register": "r_container", "elemental.mediastore.mediastore_container": {
            "name": MODULES, "tags": {"team": "video"}, "access_logging": True,
            "lifecycle_policy": {"rules": [{
                "definition": {"path": [{"prefix": "hls/"}], "days_since_create": [{"numeric": [">", 7]}]},
                "action": "EXPIRE"}]},
            "metric_policy": {"container_level_metrics": "ENABLED"}}},
        {"name": "info", "register": "r_info", "elemental.mediastore.mediastore_container_info": {"name": MODULES}},
        {"name": "policy", "register": "r_policy", "elemental.mediastore.mediastore_policy": {
            "container": MODULES, "policy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["mediastore:GetObject"],
                 "Resource": f"{arn}/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}}},
        {"name": "cors", "register": "r_cors", "elemental.mediastore.mediastore_cors": {
            "container": MODULES, "rules": [{
                "allowed_origins": ["https://player.example.com"], "allowed_methods": ["GET", "HEAD"],
                "allowed_headers": ["*"]}]}},
        {"name": "object", "register": "r_object", "elemental.mediastore.mediastore_object": {
            "container": MODULES, "path": "single/poster.jpg", "content": "new poster"}},
        {"name": "sync", "register": "r_sync", "elemental.mediastore.mediastore_sync": {
            "container": MODULES, "src": str(tree), "prefix": "hls", "delete": True,
            "file_change_strategy": "checksum"}},
        {"name": "lookup", "register": "r_lookup", "ansible.builtin.set_fact": {
            "listing": "{{ lookup('elemental.mediastore.list_items', 'hls', container='" + MODULES + "', "
                       "recursive=true, endpoint_url=endpoint_url, access_key=access_key, secret_key=secret_key, "
                       "region=region) }}"}},
        {"name": "role", "ansible.builtin.include_role": {"name": "elemental.mediastore.origin"}, "vars": {"origin": {
            "name": ROLE, "tags": {"team": "video"}, "access": {"public_read": True},
            "cors": {"allowed_origins": ["https://player.example.com"]},
            "expire": [{"prefixes": ["1080p/"], "days": 3}],
            "content": {"src": str(tree), "delete": True, "file_change_strategy": "checksum"}}}},
    ]


def run(emulator, workdir, tree, *options):
    mark = emulator.mark()
    result = run_playbook(workdir, play(emulator, tasks(emulator, tree), keep=["origin_result", "listing"],
                                        vars={"endpoint_url": emulator.url, "access_key": ACCESS_KEY,
                                              "secret_key": emulator.secret_key, "region": REGION}), *options)
    assert result.rc == 0, result.explain()
    return result, emulator.journal(mark)


def reported(results):
    """What each task says it changes: changed, and the diff (sync: the paths; role: the aspects)."""
    out = {}
    for name in ("r_container", "r_policy", "r_cors", "r_object"):
        out[name] = (results[name]["changed"], json.dumps(results[name].get("diff"), sort_keys=True))
    sync = results["r_sync"]
    out["r_sync"] = (sync["changed"], sync["uploaded"], sync["deleted"], sync["diff"]["after"])
    role = results["origin_result"]
    out["role"] = (role["changed"], sorted(role["changes"]), json.dumps(role["diffs"], sort_keys=True))
    out["r_info"] = results["r_info"]["changed"]
    return out


def test_check_mode_writes_nothing_and_reports_what_the_real_run_fixes(start_emulator, tmp_path):
    emulator = start_emulator()
    tree = tmp_path / "hls"
    make_drift(emulator, tree)

    check, check_entries = run(emulator, tmp_path, tree, "--check", "--diff")
    assert writes(check_entries) == [], writes(check_entries)
    check_report = reported(check.results)
    assert check.results["listing"], "the lookup lists in check mode too"

    real, real_entries = run(emulator, tmp_path, tree, "--diff")
    assert reported(real.results) == check_report
    assert all(v[0] for k, v in check_report.items() if k != "r_info"), check_report
    assert check_report["r_info"] is False
    assert sorted(check_report["role"][1]) == ["access_policy", "content", "cors", "lifecycle", "tags"]

    again, again_entries = run(emulator, tmp_path, tree, "--check", "--diff")
    assert writes(again_entries) == []
    after = reported(again.results)
    assert not any(v[0] for k, v in after.items() if k != "r_info"), after
    record("check_mode", check_run_seconds=round(check.elapsed, 1), real_run_seconds=round(real.elapsed, 1),
           check=figures_of(check_entries), real=figures_of(real_entries), recheck=figures_of(again_entries))
