"""mediastore_sync under faults: it converges exactly within its retry budget, or fails naming every missing path."""

from fault_plays import MIXED_FAULTS, quick_retry_play
from support import create_container, figures_of, make_hls_tree, objects, record, run_playbook, sha256s

RUNS = 10


def sync_task(src, names, **options):
    return {"name": "Sync", "elemental.mediastore.mediastore_sync": dict(container="{{ item }}", src=str(src),
                                                                         delete=True, **options),
            "loop": names, "register": "r_sync", "ignore_errors": True}


def sync_under_faults(emulator, tmp_path, names, seed):
    """The sync of tmp_path/hls into each of ``names`` under MIXED_FAULTS: (run, journal entries)."""
    emulator.faults(MIXED_FAULTS, seed=seed)
    mark = emulator.mark()
    run = run_playbook(tmp_path, quick_retry_play(emulator, [sync_task(tmp_path / "hls", names)]))
    entries = emulator.journal(mark)
    emulator.faults([])
    return run, entries


def test_ten_syncs_of_200_files_converge_exactly_under_mixed_faults(start_emulator, tmp_path):
    emulator = start_emulator()
    hashes = make_hls_tree(tmp_path / "hls", files=200)
    names = [f"reliability_sync_{run}" for run in range(RUNS)]
    endpoints = {name: create_container(emulator, name)["Endpoint"] for name in names}

    first, entries = sync_under_faults(emulator, tmp_path, names, seed=12)
    assert first.rc == 0, first.explain()
    for name, result in zip(names, first.results["r_sync"]["results"], strict=True):
        assert not result.get("failed"), (name, result.get("msg"))
        assert result["changed"] is True and result["counts"]["uploaded"] == len(hashes)
        assert sha256s(objects(emulator, endpoints[name])) == hashes, name

    second, rerun_entries = sync_under_faults(emulator, tmp_path, names, seed=13)
    assert second.rc == 0, second.explain()
    assert [result["changed"] for result in second.results["r_sync"]["results"]] == [False] * RUNS
    assert [entry for entry in rerun_entries if entry["write"]] == []

    record("faults_mixed_sync", runs=RUNS, files=len(hashes), first_run_seconds=round(first.elapsed, 1),
           rerun_seconds=round(second.elapsed, 1), first=figures_of(entries), rerun=figures_of(rerun_entries))


def test_a_sync_out_of_budget_fails_naming_every_missing_path_and_holds_back_manifests(start_emulator, tmp_path):
    emulator = start_emulator()
    hashes = make_hls_tree(tmp_path / "hls", files=40)
    endpoint = create_container(emulator, "reliability_sync_budget")["Endpoint"]
    emulator.faults([{"operation": "PutObject", "fault": "drop", "rate": 0.1},
                     {"operation": "PutObject", "fault": "drop_response", "rate": 0.1}], seed=3)
    run = run_playbook(tmp_path, quick_retry_play(
        emulator, [sync_task(tmp_path / "hls", ["reliability_sync_budget"], retry_budget=0)]))
    emulator.faults([])
    result = run.results["r_sync"]["results"][0]
    stored = sha256s(objects(emulator, endpoint))
    missing = {path for path, sha in hashes.items() if stored.get(path) != sha}

    assert result["failed"] and missing, run.explain()
    failed = {failure["path"] for failure in result["failures"]}
    assert missing <= failed
    assert {path for path in stored if path.endswith(".m3u8")} == set(), "a manifest went up with segments missing"
    uploaded = set(result["uploaded"])
    assert uploaded <= set(stored) and not uploaded & failed
    assert result["changed"] is bool(uploaded)
    shown = [path for path in sorted(failed) if f"{path}: " in result["msg"]]
    assert len(shown) == min(len(failed), 10), result["msg"]
