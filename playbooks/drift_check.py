#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run drift.yml with exit codes a CI job can tell apart, as ``terraform plan -detailed-exitcode`` has them:

  0  the origin matches its variables file
  1  the check could not be made (endpoint unreachable, no credentials, a bad variables file, ...)
  2  the origin drifted

  playbooks/drift_check.py -e @playbooks/vars/live_origin.yml [-e drift_report=DIR] [ansible-playbook options]

ansible-playbook alone exits 2 for any failed task, drift or not; drift.yml writes a small outcome file once
the comparison is complete, and this script judges by it. Its arguments go to ansible-playbook, which runs
drift.yml with --check --diff.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PLAYBOOK = Path(__file__).resolve().with_name("drift.yml")
NO_DRIFT, ERROR, DRIFT = 0, 1, 2
ANSIBLE_FAILED_TASK = 2


def ansible_playbook():
    """The ansible-playbook of the Python running this script (a virtual environment), else the one on PATH."""
    beside = Path(sys.executable).with_name("ansible-playbook")
    return str(beside) if beside.exists() else shutil.which("ansible-playbook")


def exit_code(status, outcome):
    """The detailed exit code for ansible-playbook's ``status`` and drift.yml's outcome (None when missing)."""
    if outcome is not None and status == 0 and not outcome["drifted"]:
        return NO_DRIFT
    if outcome is not None and status == ANSIBLE_FAILED_TASK and outcome["drifted"]:
        return DRIFT
    return ERROR


def main(arguments):
    command = ansible_playbook()
    if command is None:
        print("drift_check: ansible-playbook was found neither beside this Python nor on PATH.", file=sys.stderr)
        return ERROR
    with tempfile.TemporaryDirectory(prefix="drift-check-") as scratch:
        outcome_file = Path(scratch) / "outcome.json"
        extra_vars = json.dumps({"drift_outcome_file": str(outcome_file)})
        status = subprocess.run(
            [command, "--check", "--diff", str(PLAYBOOK), *arguments, "-e", extra_vars], check=False
        ).returncode
        outcome = json.loads(outcome_file.read_text()) if outcome_file.exists() else None
    code = exit_code(status, outcome)
    if code == ERROR:
        print(
            f"drift_check: the drift check could not be made (ansible-playbook exited {status}); "
            "its output above says why.",
            file=sys.stderr,
        )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
