"""Durability of the local endpoint with --state-dir: SIGKILL during a 200-file sync tears no object, and a
re-run after the restart converges."""

import re
import time

from support import (
    create_container,
    make_hls_tree,
    objects,
    play,
    record,
    run_playbook,
    sha256s,
    start_playbook,
    writes,
)

NAME = "reliability_durable"

# The reason in a line of the sync diff: "<path>: upload (new), ..." or "<path>: upload (changed: size), ...".
UPLOAD_REASON = re.compile(r": upload \((?:changed: )?([^)]+)\)")


def sync(emulator, src, **options):
    return play(emulator, [{"register": "r_sync", "ignore_errors": True, "elemental.mediastore.mediastore_sync": dict(
        container=NAME, src=str(src), delete=True, **options)}])


def test_sigkill_during_a_sync_tears_no_object(start_emulator, tmp_path):
    state_dir = tmp_path / "state"
    first = start_emulator("--state-dir", str(state_dir))
    versions = [make_hls_tree(tmp_path / f"v{v}", files=200, version=v) for v in (1, 2)]
    create_container(first, NAME)
    initial = run_playbook(tmp_path, sync(first, tmp_path / "v1"))
    assert initial.rc == 0 and not initial.results["r_sync"].get("failed"), initial.explain()

    # The second version, slowed down so that the endpoint dies in the middle of it; a small retry budget, so that
    # the sync gives up on the dead endpoint within seconds rather than the default two minutes.
    mark = first.mark()
    running = start_playbook(tmp_path, sync(first, tmp_path / "v2", file_change_strategy="force",
                                            max_concurrency=4, max_requests_per_second=40, retry_budget=3))
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline:
        stored = sum(1 for entry in first.journal(mark) if entry["operation"] == "PutObject" and entry["status"] == 200)
        if stored >= 60:
            break
        time.sleep(0.05)
    first.kill()
    interrupted = running.wait()
    assert 60 <= stored < 200, f"the kill did not land mid-sync ({stored} uploads done)"
    assert interrupted.results["r_sync"].get("failed"), "a sync whose endpoint died must fail"

    second = start_emulator("--state-dir", str(state_dir))
    endpoint = second.control().describe_container(ContainerName=NAME)["Container"]["Endpoint"]
    found = objects(second, endpoint)
    assert set(found) == set(versions[0])
    torn = [path for path, sha in sha256s(found).items() if sha not in (versions[0][path], versions[1][path])]
    assert torn == []
    new = sum(1 for path, sha in sha256s(found).items() if sha == versions[1][path])

    rerun = run_playbook(tmp_path, sync(second, tmp_path / "v2", file_change_strategy="checksum"))
    assert rerun.rc == 0 and not rerun.results["r_sync"].get("failed"), rerun.explain()
    assert sha256s(objects(second, endpoint)) == versions[1]
    mark = second.mark()
    final = run_playbook(tmp_path, sync(second, tmp_path / "v2", file_change_strategy="checksum"))
    assert final.results["r_sync"]["changed"] is False and writes(second.journal(mark)) == []
    record(
        "durability",
        uploads_before_kill=stored,
        objects_at_new_version_after_restart=new,
        rerun_uploads=rerun.results["r_sync"]["counts"]["uploaded"],
        torn_objects=len(torn),
        rerun_reasons=sorted(set(UPLOAD_REASON.findall(rerun.results["r_sync"]["diff"]["after"]))),
    )
