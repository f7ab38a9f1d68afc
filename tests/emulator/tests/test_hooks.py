"""The test hooks: health, reset, journal, faults and config (docs/development.md §"The local endpoint")."""

import http.client
import time

import pytest
import urllib3
from botocore.exceptions import BotoCoreError, ClientError
from conformance import (
    container_scoped_calls,
    create_active_container,
    expect_error,
    policy_document,
    public_read_statement,
    raw_request,
    wait_until_active,
)

JOURNAL_FIELDS = {
    "seq",
    "time",
    "plane",
    "operation",
    "container",
    "path",
    "status",
    "write",
    "error",
    "anonymous",
    "fault",
}
# The contract's list: Create/Delete container, Put*/Delete* policies, Start/StopAccessLogging, Tag/Untag,
# PutObject, DeleteObject.
WRITE_OPERATIONS = {
    "CreateContainer", "DeleteContainer", "PutContainerPolicy", "DeleteContainerPolicy", "PutCorsPolicy",
    "DeleteCorsPolicy", "PutLifecyclePolicy", "DeleteLifecyclePolicy", "PutMetricPolicy", "DeleteMetricPolicy",
    "StartAccessLogging", "StopAccessLogging", "TagResource", "UntagResource", "PutObject", "DeleteObject",
}  # fmt: skip
CONNECTION_FAILURES = (BotoCoreError, urllib3.exceptions.HTTPError, http.client.HTTPException, ConnectionError)


# --- health and reset --------------------------------------------------------------------------------


def test_health_counts_containers_and_objects(emulator, control, container):
    assert emulator.health() == {"status": "ok", "containers": 1, "objects": 0}
    for path in ("a.ts", "b/c.ts", "b/d/e.ts"):
        container["data"].put_object(Path=path, Body=b"x")
    control.create_container(ContainerName="second")
    assert emulator.health() == {"status": "ok", "containers": 2, "objects": 3}


def test_reset_forgets_everything_and_restores_the_command_line_config(emulator, control, container):
    container["data"].put_object(Path="a.ts", Body=b"x")
    emulator.set_faults([{"operation": "GetObject", "fault": "InternalServerError", "rate": 1, "count": None}])
    emulator.set_config(create_delay=7, delete_delay=9)

    emulator.reset()

    assert emulator.health() == {"status": "ok", "containers": 0, "objects": 0}
    assert emulator.journal() == []
    assert emulator.hook("GET", "faults")["rules"] == []
    assert emulator.hook("GET", "config") == {"create_delay": 0.2, "delete_delay": 0.2}
    assert control.list_containers()["Containers"] == []


def test_hooks_need_no_signature_and_are_never_journaled(emulator):
    mark = emulator.journal_mark()
    emulator.health()
    emulator.hook("GET", "faults")
    emulator.hook("GET", "config")
    emulator.set_faults([])
    emulator.journal()
    assert emulator.journal(mark) == []


# --- journal -----------------------------------------------------------------------------------------


def test_journal_entries_have_the_contract_fields(emulator, control, unique_name):
    mark = emulator.journal_mark()
    name = unique_name()
    before = time.time()
    endpoint = create_active_container(control, name)["Endpoint"]
    data = emulator.data(endpoint)
    data.put_object(Path="folder/a.ts", Body=b"x")
    data.get_object(Path="folder/a.ts")["Body"].read()

    entries = emulator.journal(mark)
    assert all(set(entry) == JOURNAL_FIELDS for entry in entries), entries
    seqs = [entry["seq"] for entry in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > mark
    assert all(before - 1 <= entry["time"] <= time.time() + 1 for entry in entries)

    create = entries[0]
    assert {k: create[k] for k in JOURNAL_FIELDS - {"seq", "time"}} == {
        "plane": "control",
        "operation": "CreateContainer",
        "container": name,
        "path": None,
        "status": 200,
        "write": True,
        "error": None,
        "anonymous": False,
        "fault": None,
    }
    describe = [e for e in entries if e["operation"] == "DescribeContainer"][-1]
    assert (describe["write"], describe["container"], describe["plane"]) == (False, name, "control")
    put = [e for e in entries if e["operation"] == "PutObject"][0]
    assert {k: put[k] for k in JOURNAL_FIELDS - {"seq", "time"}} == {
        "plane": "data",
        "operation": "PutObject",
        "container": name,
        "path": "folder/a.ts",
        "status": 200,
        "write": True,
        "error": None,
        "anonymous": False,
        "fault": None,
    }
    get = [e for e in entries if e["operation"] == "GetObject"][0]
    assert (get["write"], get["path"], get["status"]) == (False, "folder/a.ts", 200)


def test_journal_since_returns_only_later_entries(emulator, control, unique_name):
    control.list_containers()
    body = emulator.hook("GET", "journal")
    assert body["next"] == body["entries"][-1]["seq"]
    control.create_container(ContainerName=unique_name())
    later = emulator.hook("GET", "journal", query={"since": body["next"]})
    assert [e["operation"] for e in later["entries"]] == ["CreateContainer"]
    assert later["next"] == later["entries"][-1]["seq"]
    assert emulator.hook("GET", "journal", query={"since": later["next"]}) == {"entries": [], "next": later["next"]}


def test_journal_next_is_the_highest_sequence_number_even_when_since_is_past_it(emulator, control):
    control.list_containers()
    highest = emulator.hook("GET", "journal")["next"]
    assert emulator.hook("GET", "journal", query={"since": highest + 1000}) == {"entries": [], "next": highest}


def test_write_flag_of_every_operation(emulator, control, container):
    name, data = container["Name"], container["data"]
    scoped = container_scoped_calls(name)

    def get_object_body():
        return data.get_object(Path="w.ts")["Body"].read()

    calls = [
        ("DescribeContainer", lambda: control.describe_container(ContainerName=name)),
        ("ListContainers", control.list_containers),
        *[(operation, lambda call=call: call(control)) for operation, call in scoped.items()],
        ("PutObject", lambda: data.put_object(Path="w.ts", Body=b"x")),
        ("DescribeObject", lambda: data.describe_object(Path="w.ts")),
        ("GetObject", get_object_body),
        ("ListItems", data.list_items),
        ("DeleteObject", lambda: data.delete_object(Path="w.ts")),
    ]
    # DeleteContainer last: it needs the container empty.
    calls.append(calls.pop(next(i for i, (operation, _call) in enumerate(calls) if operation == "DeleteContainer")))
    for operation, call in calls:
        mark = emulator.journal_mark()
        call()
        entries = emulator.journal(mark)
        assert [(e["operation"], e["write"], e["status"]) for e in entries] == [
            (operation, operation in WRITE_OPERATIONS, 200)
        ], entries
    assert len(calls) == 25


def test_failed_writes_are_still_writes(emulator, control, container):
    mark = emulator.journal_mark()
    with expect_error("ContainerInUseException"):
        control.create_container(ContainerName=container["Name"])
    with expect_error("ValidationException"):
        container["data"].put_object(Path="bad path.ts", Body=b"x")
    with expect_error("ObjectNotFoundException", 404):
        container["data"].delete_object(Path="missing.ts")
    with expect_error("PolicyNotFoundException"):
        control.get_lifecycle_policy(ContainerName=container["Name"])
    entries = emulator.journal(mark)
    assert [(e["operation"], e["write"], e["status"], e["error"]) for e in entries] == [
        ("CreateContainer", True, 400, "ContainerInUseException"),
        ("PutObject", True, 400, "ValidationException"),
        ("DeleteObject", True, 404, "ObjectNotFoundException"),
        ("GetLifecyclePolicy", False, 400, "PolicyNotFoundException"),
    ]


# --- faults ------------------------------------------------------------------------------------------


def _rule(operation, fault, rate=1, count=None):
    return {"operation": operation, "fault": fault, "rate": rate, "count": count}


def test_faults_are_shown_and_cleared(emulator):
    rules = [_rule("PutObject", "ThrottlingException", 0.2), _rule("*", "InternalServerError", 0.1, 3)]
    emulator.set_faults(rules, seed=7)
    shown = emulator.hook("GET", "faults")["rules"]
    assert [{k: r[k] for k in ("operation", "fault", "rate")} for r in shown] == [
        {k: r[k] for k in ("operation", "fault", "rate")} for r in rules
    ]
    emulator.set_faults([])
    assert emulator.hook("GET", "faults")["rules"] == []


def test_throttling_is_seen_directly_without_retries(emulator, control, container):
    emulator.set_faults([_rule("DescribeContainer", "ThrottlingException")])
    mark = emulator.journal_mark()
    with expect_error("ThrottlingException", 400):
        control.describe_container(ContainerName=container["Name"])
    control.list_containers()  # other operations are untouched
    entries = emulator.journal(mark)
    assert [(e["operation"], e["fault"], e["error"]) for e in entries] == [
        ("DescribeContainer", "ThrottlingException", "ThrottlingException"),
        ("ListContainers", None, None),
    ]


def test_throttling_survives_botocore_retries(emulator, container):
    emulator.set_faults([_rule("DescribeContainer", "ThrottlingException")])
    retrying = emulator.control(retries={"total_max_attempts": 2, "mode": "standard"})
    mark = emulator.journal_mark()
    with expect_error("ThrottlingException", 400) as caught:
        retrying.describe_container(ContainerName=container["Name"])
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert [e["fault"] for e in emulator.journal(mark)] == ["ThrottlingException", "ThrottlingException"]


def test_internal_server_error_is_500_on_both_planes(emulator, control, container):
    container["data"].put_object(Path="a.ts", Body=b"x")
    emulator.set_faults([_rule("ListContainers", "InternalServerError"), _rule("GetObject", "InternalServerError")])
    with expect_error("InternalServerError", 500):
        control.list_containers()
    with expect_error("InternalServerError", 500):
        container["data"].get_object(Path="a.ts")
    container["data"].describe_object(Path="a.ts")


def test_fault_count_limits_how_often_it_fires(emulator, control, container):
    emulator.set_faults([_rule("DescribeContainer", "InternalServerError", count=2)])
    for _attempt in range(2):
        with expect_error("InternalServerError", 500):
            control.describe_container(ContainerName=container["Name"])
    for _attempt in range(3):
        assert control.describe_container(ContainerName=container["Name"])["Container"]["Status"] == "ACTIVE"


def test_star_fault_hits_every_operation(emulator, control, container):
    emulator.set_faults([_rule("*", "ThrottlingException")])
    with expect_error("ThrottlingException"):
        control.list_containers()
    with expect_error("ThrottlingException"):
        container["data"].list_items()
    with expect_error("ThrottlingException"):
        container["data"].put_object(Path="a.ts", Body=b"x")


def test_a_partial_rate_fails_some_requests(emulator, control):
    emulator.set_faults([_rule("ListContainers", "ThrottlingException", rate=0.5)], seed=3)
    failures = 0
    for _attempt in range(40):
        try:
            control.list_containers()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            failures += 1
    assert 0 < failures < 40


def test_drop_on_put_object_breaks_the_connection(emulator, container):
    emulator.set_faults([_rule("PutObject", "drop")])
    body = b"d" * (512 * 1024)
    with pytest.raises(CONNECTION_FAILURES) as caught:
        container["data"].put_object(Path="dropped.ts", Body=body)
    assert not isinstance(caught.value, ClientError)
    emulator.set_faults([])
    with expect_error("ObjectNotFoundException", 404):
        container["data"].describe_object(Path="dropped.ts")
    assert [e["fault"] for e in emulator.journal() if e["operation"] == "PutObject"] == ["drop"]
    container["data"].put_object(Path="dropped.ts", Body=body)


def test_drop_on_get_object_breaks_the_connection(emulator, container):
    body = bytes(range(256)) * 1024
    container["data"].put_object(Path="big.bin", Body=body)
    emulator.set_faults([_rule("GetObject", "drop")])
    received = None
    with pytest.raises(CONNECTION_FAILURES) as caught:
        received = container["data"].get_object(Path="big.bin")["Body"].read()
    assert received is None and not isinstance(caught.value, ClientError)
    emulator.set_faults([])
    assert container["data"].get_object(Path="big.bin")["Body"].read() == body


def test_drop_with_a_raw_client_sees_headers_then_a_short_body(emulator, control, container):
    body = b"r" * 100_000
    container["data"].put_object(Path="raw.bin", Body=body)
    control.put_container_policy(
        ContainerName=container["Name"], Policy=policy_document(public_read_statement(container["Name"]))
    )
    emulator.set_faults([_rule("GetObject", "drop")])
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        raw_request("GET", f"{container['Endpoint']}/raw.bin")


@pytest.mark.parametrize("operation", ["PutObject", "TagResource"])
def test_drop_response_applies_the_write_then_breaks_the_connection(emulator, control, container, operation):
    body, tag = b"k" * (256 * 1024), [{"Key": "kept", "Value": "yes"}]
    write, written = {
        "PutObject": (
            lambda: container["data"].put_object(Path="kept.ts", Body=body),
            lambda: container["data"].get_object(Path="kept.ts")["Body"].read() == body,
        ),
        "TagResource": (
            lambda: control.tag_resource(Resource=container["ARN"], Tags=tag),
            lambda: control.list_tags_for_resource(Resource=container["ARN"])["Tags"] == tag,
        ),
    }[operation]
    emulator.set_faults([_rule(operation, "drop_response")])
    with pytest.raises(CONNECTION_FAILURES) as caught:
        write()
    assert not isinstance(caught.value, ClientError)
    emulator.set_faults([])
    assert written()
    entries = [entry for entry in emulator.journal() if entry["operation"] == operation]
    assert [(e["status"], e["error"], e["write"], e["fault"]) for e in entries] == [(None, None, True, "drop_response")]


def test_drop_response_of_a_refused_request_journals_its_error(emulator, container):
    emulator.set_faults([_rule("DeleteObject", "drop_response")])
    with pytest.raises(CONNECTION_FAILURES):
        container["data"].delete_object(Path="never-there.ts")
    entries = [entry for entry in emulator.journal() if entry["operation"] == "DeleteObject"]
    assert [(e["status"], e["error"], e["fault"]) for e in entries] == [
        (None, "ObjectNotFoundException", "drop_response")
    ]


# --- config ------------------------------------------------------------------------------------------


def test_config_changes_the_create_delay_at_run_time(emulator, control, unique_name):
    assert emulator.hook("GET", "config") == {"create_delay": 0.2, "delete_delay": 0.2}
    emulator.set_config(create_delay=5)
    assert emulator.hook("GET", "config")["create_delay"] == 5
    slow = unique_name("slow")
    control.create_container(ContainerName=slow)
    time.sleep(0.6)  # three times the command-line delay
    assert control.describe_container(ContainerName=slow)["Container"]["Status"] == "CREATING"

    emulator.set_config(create_delay=0)
    fast = unique_name("fast")
    control.create_container(ContainerName=fast)
    wait_until_active(control, fast)
