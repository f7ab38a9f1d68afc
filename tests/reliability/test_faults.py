"""Faults: throttling and server errors on every operation, and dropped connections during uploads."""

import concurrent.futures
import hashlib
from pathlib import Path

from support import figures_of, make_hls_tree, objects, origin_play, play, record, run_playbook, sha256s, snapshot

# First matching rule wins, so the second rate is scaled to give 20 % of all requests overall.
SERVER_ERRORS_AND_THROTTLING = [
    {"operation": "*", "fault": "InternalServerError", "rate": 0.05},
    {"operation": "*", "fault": "ThrottlingException", "rate": 0.20 / 0.95},
]

# The journal operations that carry out each aspect the role reports as changed.
ASPECT_OPERATIONS = {
    # A new container gets its tags, access logging and policies in the same task, reported as "container".
    "container": {"CreateContainer", "TagResource", "StartAccessLogging", "PutLifecyclePolicy", "PutMetricPolicy"},
    "tags": {"TagResource", "UntagResource"},
    "access_logging": {"StartAccessLogging", "StopAccessLogging"},
    "access_policy": {"PutContainerPolicy", "DeleteContainerPolicy"},
    "cors": {"PutCorsPolicy", "DeleteCorsPolicy"},
    "lifecycle": {"PutLifecyclePolicy", "DeleteLifecyclePolicy"},
    "metric_policy": {"PutMetricPolicy", "DeleteMetricPolicy"},
    "content": {"PutObject", "DeleteObject"},
}


def full_origin(name, src):
    return {
        "name": name,
        "tags": {"team": "video-platform", "channel": "one"},
        "access_logging": True,
        "access": {"public_read": True, "read_cidrs": ["203.0.113.0/24"]},
        "cors": {"allowed_origins": ["https://player.example.com"]},
        "expire": [{"prefixes": ["1080p/"], "days": 7}, {"wildcards": ["lowlatency/*.ts"], "seconds": 120}],
        "metric_policy": {"container_level_metrics": "ENABLED",
                          "metric_policy_rules": [{"object_group": "1080p/*", "object_group_name": "hd"}]},
        "content": {"src": str(src), "delete": True},
    }


def successful_write_operations(entries):
    return {entry["operation"] for entry in entries if entry["write"] and entry["status"] == 200}


def assert_reported_changes_match_journal(result, entries):
    """Every aspect reported changed has a successful write behind it, and every successful write is reported."""
    done = successful_write_operations(entries)
    for aspect in result["changes"]:
        assert ASPECT_OPERATIONS[aspect] & done, f"{aspect} reported changed, but no successful write: {done}"
    reported = set().union(*(ASPECT_OPERATIONS[aspect] for aspect in result["changes"])) if result["changes"] else set()
    assert done <= reported, f"writes not reported: {done - reported}"


def test_origin_converges_under_throttling_and_server_errors(start_emulator, tmp_path):
    clean, faulty = start_emulator(), start_emulator()
    hashes = make_hls_tree(tmp_path / "hls", files=200)
    origin = full_origin("reliability_faults", tmp_path / "hls")
    faulty.faults(SERVER_ERRORS_AND_THROTTLING, seed=20)
    (tmp_path / "clean").mkdir()
    (tmp_path / "faulty").mkdir()

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        clean_run, faulty_run = pool.map(
            lambda args: run_playbook(args[0], origin_play(args[1], origin)),
            [(tmp_path / "clean", clean), (tmp_path / "faulty", faulty)])
    assert clean_run.rc == 0, clean_run.explain()
    assert faulty_run.rc == 0, faulty_run.explain()
    faulty_entries, clean_entries = faulty.journal(), clean.journal()
    faulty.faults([])
    expected = snapshot(clean, origin["name"])
    assert sha256s(expected["objects"]) == hashes
    assert snapshot(faulty, origin["name"]) == expected
    assert faulty_run.results["origin_result"]["changes"] == clean_run.results["origin_result"]["changes"]
    assert_reported_changes_match_journal(faulty_run.results["origin_result"], faulty_entries)
    put_ok = {entry["path"] for entry in faulty_entries if entry["operation"] == "PutObject" and entry["status"] == 200}
    assert put_ok == set(hashes)

    # Again under the same faults: nothing to do, nothing written, nothing reported.
    faulty.faults(SERVER_ERRORS_AND_THROTTLING, seed=21)
    mark = faulty.mark()
    rerun = run_playbook(tmp_path / "faulty", origin_play(faulty, origin))
    assert rerun.rc == 0, rerun.explain()
    rerun_entries = faulty.journal(mark)
    assert rerun.results["origin_result"]["changes"] == []
    assert [entry for entry in rerun_entries if entry["write"]] == []
    faulty.faults([])
    assert snapshot(faulty, origin["name"]) == expected

    record("faults_throttling_server_errors", clean_run_seconds=round(clean_run.elapsed, 1),
           faulty_run_seconds=round(faulty_run.elapsed, 1), rerun_seconds=round(rerun.elapsed, 1),
           clean=figures_of(clean_entries), faulty=figures_of(faulty_entries), rerun=figures_of(rerun_entries))


def sync_task(name, src, **options):
    return {"name": "Sync", "elemental.mediastore.mediastore_sync": dict(container=name, src=str(src), delete=True,
                                                                         **options),
            "register": "r_sync", "ignore_errors": True}


def test_dropped_uploads_converge_or_fail_listing_what_is_missing(start_emulator, tmp_path):
    emulator = start_emulator()
    name = "reliability_drops"
    hashes = make_hls_tree(tmp_path / "hls", files=200)
    prepare = run_playbook(tmp_path, play(emulator, [{"elemental.mediastore.mediastore_container": {"name": name},
                                                      "register": "r_container"}]))
    assert prepare.rc == 0, prepare.explain()
    endpoint = prepare.results["r_container"]["container"]["endpoint"]

    emulator.faults([{"operation": "PutObject", "fault": "drop", "rate": 0.3}], seed=5)
    mark = emulator.mark()
    first = run_playbook(tmp_path, play(emulator, [sync_task(name, tmp_path / "hls")]))
    entries = emulator.journal(mark)
    emulator.faults([])
    result = first.results["r_sync"]
    present = sha256s(objects(emulator, endpoint))
    missing = {path for path, sha in hashes.items() if present.get(path) != sha}
    uploaded = set(result["uploaded"])
    stored = {entry["path"] for entry in entries if entry["operation"] == "PutObject" and entry["status"] == 200}
    assert uploaded == stored, "uploads reported must be exactly the uploads the endpoint stored"
    assert not uploaded & missing
    if result.get("failed"):
        assert {failure["path"] for failure in result["failures"]} == missing, first.explain()
        assert result["counts"]["failed"] == len(missing)
    else:
        assert missing == set(), first.explain()

    second = run_playbook(tmp_path, play(emulator, [sync_task(name, tmp_path / "hls")]))
    assert not second.results["r_sync"].get("failed"), second.explain()
    assert set(second.results["r_sync"]["uploaded"]) == missing
    assert sha256s(objects(emulator, endpoint)) == hashes
    drops = sum(1 for entry in entries if entry["fault"] == "drop")
    record("faults_dropped_connections", first_run_failed=bool(result.get("failed")), drops_injected=drops,
           missing_after_first_run=len(missing), first_run_seconds=round(first.elapsed, 1),
           rerun_uploads=len(missing), first=figures_of(entries))


def test_sha256_helper_agrees_with_the_fixture(tmp_path):
    hashes = make_hls_tree(tmp_path / "hls", files=8)
    for path, sha in hashes.items():
        assert hashlib.sha256(Path(tmp_path / "hls" / path).read_bytes()).hexdigest() == sha
