"""Containers under faults: every option converges under the mixed fault load, and six dropped connections in a
row on any write (before or after the service carried it out) are retried to the requested state."""

import concurrent.futures
import json

from fault_plays import MIXED_FAULTS, quick_retry_play, successful_writes
from support import figures_of, record, run_playbook, snapshot

RUNS = 10
ARN = "arn:aws:mediastore:us-east-1:111122223333:container/{}"
LIFECYCLE = {"rules": [{"definition": {"path": [{"prefix": "hls/"}], "days_since_create": [{"numeric": [">", 7]}]},
                        "action": "EXPIRE"}]}
METRIC = {"container_level_metrics": "ENABLED",
          "metric_policy_rules": [{"object_group": "hls/*", "object_group_name": "hls"}]}
CORS = [{"allowed_origins": ["https://player.example.com"], "allowed_methods": ["GET", "HEAD"],
         "allowed_headers": ["*"], "max_age_seconds": 300}]


def public_read(name):
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["mediastore:GetObject"],
         "Resource": ARN.format(name) + "/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}


def every_option_tasks(names):
    return [
        {"name": "Container", "register": "r_container", "loop": names,
         "elemental.mediastore.mediastore_container": {
             "name": "{{ item }}", "tags": {"team": "video", "channel": "one"}, "access_logging": True,
             "lifecycle_policy": LIFECYCLE, "metric_policy": METRIC}},
        {"name": "Policy", "register": "r_policy", "loop": names,
         "elemental.mediastore.mediastore_policy": {
             "container": "{{ item }}",
             "policy": "{{ policy_template | replace('NAME', item) | from_json }}"}},
        {"name": "CORS", "register": "r_cors", "loop": names,
         "elemental.mediastore.mediastore_cors": {"container": "{{ item }}", "rules": CORS}},
    ]


def with_policy_template(plays, **variables):
    """The plays, with the public-read policy as a template (NAME: the container) and ``variables``."""
    plays[0]["vars"] = dict(variables, policy_template=json.dumps(public_read("NAME")))
    return plays


def changes(run):
    return {task: [result["changed"] for result in run.results[task]["results"]]
            for task in ("r_container", "r_policy", "r_cors")}


def test_ten_containers_with_every_option_converge_under_mixed_faults(start_emulator, tmp_path):
    clean, faulty = start_emulator(), start_emulator()
    names = [f"reliability_every_{run}" for run in range(RUNS)]
    faulty.faults(MIXED_FAULTS, seed=12)
    (tmp_path / "clean").mkdir()
    (tmp_path / "faulty").mkdir()

    def converge(workdir, emulator):
        return run_playbook(workdir, with_policy_template(quick_retry_play(emulator, every_option_tasks(names))))

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        clean_run, faulty_run = pool.map(converge, [tmp_path / "clean", tmp_path / "faulty"], [clean, faulty])
    faulty_entries = faulty.journal()
    faulty.faults([])
    assert clean_run.rc == 0, clean_run.explain()
    assert faulty_run.rc == 0, faulty_run.explain()
    assert changes(faulty_run) == {task: [True] * RUNS for task in ("r_container", "r_policy", "r_cors")}
    for name in names:
        assert snapshot(faulty, name) == snapshot(clean, name), name

    faulty.faults(MIXED_FAULTS, seed=13)
    mark = faulty.mark()
    rerun = converge(tmp_path / "faulty", faulty)
    rerun_entries = faulty.journal(mark)
    faulty.faults([])
    assert rerun.rc == 0, rerun.explain()
    assert changes(rerun) == {task: [False] * RUNS for task in ("r_container", "r_policy", "r_cors")}
    assert [entry for entry in rerun_entries if entry["write"]] == []

    record("faults_mixed_containers", runs=RUNS, first_run_seconds=round(faulty_run.elapsed, 1),
           clean_run_seconds=round(clean_run.elapsed, 1), rerun_seconds=round(rerun.elapsed, 1),
           first=figures_of(faulty_entries), rerun=figures_of(rerun_entries))


# The write operations each task makes, in order, on one container.
WRITES = [
    (["CreateContainer", "StartAccessLogging", "PutLifecyclePolicy", "PutMetricPolicy"],
     {"elemental.mediastore.mediastore_container": {"name": "{{ name }}", "tags": {"a": "1", "b": "2"},
                                                    "access_logging": True, "lifecycle_policy": LIFECYCLE,
                                                    "metric_policy": METRIC}}),
    (["PutContainerPolicy"], {"elemental.mediastore.mediastore_policy": {
        "container": "{{ name }}", "policy": "{{ policy_template | replace('NAME', name) | from_json }}"}}),
    (["PutCorsPolicy"], {"elemental.mediastore.mediastore_cors": {"container": "{{ name }}", "rules": CORS}}),
    (["PutObject"], {"elemental.mediastore.mediastore_object": {"container": "{{ name }}", "path": "a/b.txt",
                                                                "content": "six drops"}}),
    (["DeleteObject"], {"elemental.mediastore.mediastore_object": {"container": "{{ name }}", "path": "a/b.txt",
                                                                   "state": "absent"}}),
    (["UntagResource", "TagResource", "StopAccessLogging", "DeleteLifecyclePolicy", "DeleteMetricPolicy"],
     {"elemental.mediastore.mediastore_container": {"name": "{{ name }}", "tags": {"b": "3"}, "access_logging": False,
                                                    "lifecycle_policy": "", "metric_policy": ""}}),
    (["DeleteContainerPolicy"], {"elemental.mediastore.mediastore_policy": {"container": "{{ name }}",
                                                                            "state": "absent"}}),
    (["DeleteCorsPolicy"], {"elemental.mediastore.mediastore_cors": {"container": "{{ name }}", "state": "absent"}}),
    (["DeleteContainer"], {"elemental.mediastore.mediastore_container": {"name": "{{ name }}", "state": "absent"}}),
]


def six_drops(operation):
    """Three connections dropped before the request is carried out, then three after (the answer lost)."""
    return [{"operation": operation, "fault": "drop", "count": 3},
            {"operation": operation, "fault": "drop_response", "count": 3}]


def test_six_dropped_connections_in_a_row_on_each_write_converge(start_emulator, tmp_path):
    emulator = start_emulator()
    emulator.faults([rule for operations, _task in WRITES for operation in operations
                     for rule in six_drops(operation)], seed=1)
    tasks = [dict(task, name=", ".join(operations), register=f"r_{index}")
             for index, (operations, task) in enumerate(WRITES)]
    name = "reliability_six"
    run = run_playbook(tmp_path, with_policy_template(quick_retry_play(emulator, tasks[:-1]), name=name))
    emulator.faults([])
    assert run.rc == 0, run.explain()
    state = snapshot(emulator, name)
    assert (state["tags"], state["access_logging"], state["objects"]) == ([("b", "3")], False, {})
    assert (state["cors"], state["lifecycle"], state["metric"]) == (None, None, None)
    assert [statement["Sid"] for statement in state["policy"]["Statement"]] == ["MediaStoreFullAccess"]  # the default
    emulator.faults(six_drops("DeleteContainer"))
    deletion = run_playbook(tmp_path, with_policy_template(quick_retry_play(emulator, tasks[-1:]), name=name))
    assert deletion.rc == 0, deletion.explain()
    run.results.update(deletion.results)
    entries = emulator.journal()
    emulator.faults([])
    for index, (operations, _task) in enumerate(WRITES):
        assert run.results[f"r_{index}"]["changed"] is True, operations
        for operation in operations:
            tries = [entry["fault"] for entry in entries if entry["operation"] == operation]
            assert tries[:6] == ["drop"] * 3 + ["drop_response"] * 3, (operation, tries)
    assert {entry["operation"] for entry in successful_writes(entries)} >= {"PutObject", "UntagResource"}
    assert emulator.health()["containers"] == 0
    record("faults_six_drops_each_write", operations=sum(len(operations) for operations, _task in WRITES),
           run_seconds=round(run.elapsed, 1), run=figures_of(entries))
