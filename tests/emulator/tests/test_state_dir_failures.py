"""A state directory that stops taking writes (issue 11, point 7), seen by a client: the write is a 500
InternalServerError in the service's shape and is journaled, nothing changes, and after a restart the endpoint
shows exactly what it had acknowledged. tests/emulator/unit/test_persist_failures.py covers every operation.
"""

import os

from conformance import CORS_RULES, create_active_container, expect_error, policy_document, public_read_statement
from hardening import assert_still_serving


def break_directory(path):
    """Put a plain file where the directory ``path`` was (writes into it then fail, even for root); returns
    a function that puts the directory back."""
    os.rename(path, path + ".away")
    with open(path, "w") as blocker:
        blocker.write("not a directory")

    def repair():
        os.unlink(path)
        os.rename(path + ".away", path)

    return repair


def test_writes_the_state_dir_refuses_change_nothing_and_restart_shows_what_was_acknowledged(
    start_emulator, tmp_path, unique_name
):
    state_dir = str(tmp_path / "state")
    first = start_emulator("--state-dir", state_dir)
    control = first.control()
    name = unique_name()
    described = create_active_container(control, name)
    data = first.data(described["Endpoint"])
    policy = policy_document(public_read_statement(name))
    control.put_container_policy(ContainerName=name, Policy=policy)
    data.put_object(Path="kept.ts", Body=b"kept")
    mark = first.journal_mark()

    repair_documents = break_directory(os.path.join(state_dir, "containers"))
    with expect_error("InternalServerError", 500):
        control.put_cors_policy(ContainerName=name, CorsPolicy=CORS_RULES)
    with expect_error("InternalServerError", 500):
        control.create_container(ContainerName=unique_name("refused"))
    repair_documents()
    repair_blobs = break_directory(os.path.join(state_dir, "blobs"))
    with expect_error("InternalServerError", 500):
        data.put_object(Path="refused.ts", Body=b"never stored")
    repair_blobs()

    failed = [(e["operation"], e["status"], e["error"]) for e in first.journal(since=mark)]
    assert failed == [(op, 500, "InternalServerError") for op in ("PutCorsPolicy", "CreateContainer", "PutObject")]
    assert_still_serving(first)

    def acknowledged(emulator):
        control = emulator.control()
        data = emulator.data(control.describe_container(ContainerName=name)["Container"]["Endpoint"])
        return (
            [c["Name"] for c in control.list_containers()["Containers"]],
            control.get_container_policy(ContainerName=name)["Policy"],
            [item["Name"] for item in data.list_items()["Items"]],
        )

    expected = ([name], policy, ["kept.ts"])
    assert acknowledged(first) == expected
    with expect_error("CorsPolicyNotFoundException"):
        control.get_cors_policy(ContainerName=name)
    assert first.stop() == 0

    second = start_emulator("--state-dir", state_dir)
    assert acknowledged(second) == expected
    with expect_error("CorsPolicyNotFoundException"):
        second.control().get_cors_policy(ContainerName=name)
