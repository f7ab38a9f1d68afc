"""Run the reliability suite once and write its figures to docs/reliability.md.

    MEDIASTORE_COLLECTIONS_PATH=.build/collections .venv/bin/python tests/reliability/report.py

The tests assert behaviour, never timings; the counts and run times below are what one run measured.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"

INTRO = """# Reliability under faults, bad input and concurrency

An origin serves live video: a playbook that half-applies, loses an object or reports "ok" on a failure costs an
outage. `tests/reliability/` proves the whole collection under the conditions operators meet: every test drives
`ansible-playbook` as a user does, against local endpoints (`mediastore-emulator --port 0`) that the suite starts
and stops itself, and judges the outcome from the endpoint's journal and from boto3 reads of the final state
(every object read back and compared by SHA-256).

Run it with `make reliability` or
`MEDIASTORE_COLLECTIONS_PATH=.build/collections .venv/bin/pytest -q -n 2 --dist loadfile tests/reliability`.
The figures below come from one run of `tests/reliability/report.py`; the tests themselves assert no timings.

"""


PROOFS = [
    (('With 5 % InternalServerError and 20 % ThrottlingException on every operation, the origin role '
      '(200-file sync, tags, access logging, policy, CORS, lifecycle, metric policy) converges to exactly '
      'the state of a clean run; every aspect it reports changed has a successful write in the journal and '
      'every successful write is reported; a re-run under the same faults writes nothing and reports '
      'nothing'),
     '`test_faults.py::test_origin_converges_under_throttling_and_server_errors`'),
    (('With dropped connections during uploads, a sync either converges or fails listing exactly the '
      'objects that are missing (`failures`), reports as uploaded exactly what the endpoint stored, and a '
      're-run uploads exactly the missing ones and converges'),
     '`test_faults.py::test_dropped_uploads_converge_or_fail_listing_what_is_missing`'),
    (('With 30 % ThrottlingException, 10 % InternalServerError and 5 % dropped connections (half before the '
      'request is carried out, half after it, the answer lost) on every operation, ten 200-file syncs each '
      'converge to exactly the local tree (every object read back by SHA-256) and a re-run under the same faults '
      'reports no change and sends no write'),
     '`test_faults_sync.py::test_ten_syncs_of_200_files_converge_exactly_under_mixed_faults`'),
    (('Under the same mix, ten containers with every option (tags, access logging, policy, CORS, lifecycle, '
      'metric policy) converge to the state a clean endpoint reaches, every task reports changed, and a re-run '
      'reports no change and sends no write'),
     '`test_faults_control.py::test_ten_containers_with_every_option_converge_under_mixed_faults`'),
    (('Six dropped connections in a row (three before the request is carried out, three after) on each write '
      'operation (CreateContainer, Tag/UntagResource, Put/Delete of all four policies, Start/StopAccessLogging, '
      'PutObject, DeleteObject, DeleteContainer) are retried to the requested state, each task reporting changed'),
     '`test_faults_control.py::test_six_dropped_connections_in_a_row_on_each_write_converge`'),
    (('A sync whose retry budget is spent fails, lists every missing object in `failures` and its message, '
      'uploads no manifest while a segment is missing, and reports `changed` for what it did write'),
     '`test_faults_sync.py::test_a_sync_out_of_budget_fails_naming_every_missing_path_and_holds_back_manifests`'),
    (('Bad input (names, paths, policies, rules, sizes, types, conflicting options): at least 10 cases per '
      'module and for the lookup, each refused with a message naming the option and the rule, and no '
      'request reaches the endpoint'),
     '`test_bad_input.py`'),
    (('Check mode over containers with drift: every module, the lookup and the role send zero write '
      'requests and report the same `changed`, diff, uploads/deletions and role aspects that the real run '
      'then reports; a second check run reports nothing'),
     '`test_check_mode.py`'),
    (('With `-vvv` and `debug_botocore_endpoint_logs: true`, neither the secret key nor the session token '
      'appears in stdout, stderr or any registered result'),
     '`test_credentials.py::test_no_secret_in_any_output_with_vvv_and_botocore_logs`'),
    (('A wrong secret key fails every module and the lookup with `InvalidSignatureException` in the '
      'message, without a traceback'),
     '`test_credentials.py::test_wrong_secret_key_is_a_clear_authentication_error`'),
    ('Four forks converge four origins at once (each with its own requests), and a re-run writes nothing',
     '`test_concurrency.py::test_four_forks_converge_four_origins`'),
    (('Two syncs racing into one container: every object is one of the uploaded versions, and `list_items` '
      'lists exactly the paths the journal shows stored'),
     '`test_concurrency.py::test_two_syncs_racing_into_one_container`'),
    (('The endpoint with `--state-dir`, killed with SIGKILL during a 200-file sync and restarted: no object'
      ' is torn (each equals one uploaded version by SHA-256) and a re-run converges'),
     '`test_durability.py`'),
]


FINDINGS = """## Findings

* Fixed (issue 12): botocore parses a JSON answer that a dropped connection cut short as an empty one, so a
  `ListItems` cut half way listed no items and a sync under faults uploaded a whole folder again (and could
  report it as new). Every client now treats an answer shorter than its `Content-Length` as a transport fault,
  retried like the others.
* Fixed (issue 12): transport faults (connection closed or reset, timeouts, answers cut off) were not retried:
  six dropped connections in a row failed `mediastore_container` and `mediastore_object`, and a 200-file sync with
  30 % of uploads dropped failed with 8 objects missing. One retry policy now covers every request within
  `retry_budget`; a retried `CreateContainer`, `DeleteContainer` or `DeleteObject` whose first answer was lost
  counts the work already done as its own.
* Fixed: `list_items` with `item_type: files` failed with Ansible's own "Invalid value 'files' for config
  'item_type'", which names the option but not the allowed values (the option's `choices` made Ansible refuse the
  value before the lookup's own check ran). The lookup now checks the value itself: "item_type: must be one of
  all, object, folder, got 'files'."
* Fixed: a list-of-dicts option given a string element (`mediastore_cors` `rules: ["GET"]`) failed with
  ansible-core's "dictionary requested, could not parse JSON or key=value", without the option's name. The rules
  no longer have an ansible-core sub-option spec: the message now names `rules` ("Elements value for option
  'rules' is of type str ..."), and the module checks each rule's keys itself (unknown keys and a missing
  origin get its own messages). The strict xfail that tracked it is a plain test now.
* The authentication error used to open with an internal step name ("MediaStore call failed in
  settled_container: ..."); it now reads "MediaStore refused or failed the request: ... (InvalidSignatureException)".
* Objects under a `seconds_since_create` (transient data) rule are not listed by `ListItems`, as on MediaStore, so
  content published by the role under such a rule is uploaded again by every run. The suite's fixtures keep the
  two apart; an origin whose `expire` seconds rule covers its `content` never reports "ok" (checked by hand: a
  second run reports `content` changed).
"""


def table(rows):
    lines = ["| figure | value |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in rows]
    return "\n".join(lines)


def flatten(prefix, value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(f"{prefix}{key}.", inner)
    else:
        yield prefix.rstrip("."), str(value).replace("|", "\\|")


SECTIONS = [
    ("faults_throttling_server_errors", "Throttling and server errors on every operation (origin role, 200 files)"),
    ("faults_dropped_connections", "Dropped connections during uploads (30 % of PutObject, 200 files)"),
    ("faults_mixed_sync", "30 % throttling, 10 % server errors, 5 % drops: ten 200-file syncs"),
    ("faults_mixed_containers", "30 % throttling, 10 % server errors, 5 % drops: ten containers, every option"),
    ("faults_six_drops_each_write", "Six dropped connections in a row on each write operation"),
    ("check_mode", "Check mode over drift (6 modules, the lookup, the role)"),
    ("secrets", "Secrets with -vvv and botocore endpoint logs"),
    ("wrong_secret", "Wrong secret key: the message each module and the lookup gives"),
    ("four_forks", "Four forks, four origins (50 files each)"),
    ("two_syncs_racing", "Two syncs racing into one container (100 files, force)"),
    ("durability", "SIGKILL of the endpoint during a 200-file sync (--state-dir)"),
]


def main():
    figures_dir = tempfile.mkdtemp(prefix="reliability-figures-")
    env = dict(os.environ, RELIABILITY_FIGURES_DIR=figures_dir)
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile",
               str(ROOT / "tests" / "reliability")]
    outcome = subprocess.run(command, check=False, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    summary = (outcome.stdout.strip().splitlines() or ["(no output)"])[-1]
    parts = [INTRO, "| What is proved | Test |", "|---|---|"]
    parts += [f"| {claim} | {test} |" for claim, test in PROOFS]
    parts += ["", "## One run", "",
              table([("result", summary), ("suite wall time", f"{elapsed:.0f} s"),
                     ("machine", f"{os.cpu_count()} CPUs, Python {platform.python_version()}")]), ""]
    for name, title in SECTIONS:
        path = Path(figures_dir) / f"{name}.json"
        if not path.exists():
            parts += [f"## {title}", "", "(no figures: the test did not get that far)", ""]
            continue
        values = json.loads(path.read_text())
        parts += [f"## {title}", "", table(list(flatten("", values))), ""]
    parts += [FINDINGS]
    parts += ["Request counts come from the endpoint's journal; `faults` counts the requests answered with an "
              "injected fault (every one of them was retried or reported), `writes` counts requests with "
              "`write: true`, whatever their status.", ""]
    DOC.write_text("\n".join(parts))
    print(summary)
    print(f"wrote {DOC.relative_to(ROOT)}")
    return outcome.returncode


if __name__ == "__main__":
    sys.exit(main())
