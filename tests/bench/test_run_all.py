"""bench/run_all.py's own plumbing: a peer stopped at its cap leaves nothing running behind it."""

import os
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run_all  # noqa: E402  (bench/ is not a package)

# A parent that starts a child in a session of its own, as ansible-playbook's workers do (os.setsid), and
# waits; the child writes its pid, then keeps running as a stopped peer's module would.
PLAYBOOK_LIKE = textwrap.dedent(
    """
    import os, sys, time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            with open(sys.argv[1], "w") as handle:
                handle.write(str(os.getpid()))
            while True:
                time.sleep(0.1)
        while True:
            time.sleep(0.1)
    while True:
        time.sleep(0.1)
    """
)


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_run_stopped_at_its_cap_leaves_no_process_of_its_own_sessions_running(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    started = time.monotonic()
    assert run_all.run_capped([sys.executable, "-c", PLAYBOOK_LIKE, str(pid_file)], cap=2) is None
    assert time.monotonic() - started < 15
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild), "the stopped run's grandchild, in a session of its own, is still running"


def test_a_run_within_its_cap_gives_its_output():
    assert run_all.run_capped([sys.executable, "-c", "print('done')"], cap=30) == "done\n"


def test_the_process_tree_holds_descendants_only(tmp_path):
    assert os.getpid() in run_all.process_tree(os.getpid())
    assert os.getppid() not in run_all.process_tree(os.getpid())
