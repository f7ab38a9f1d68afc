"""playbooks/drift_check.py as a CI job runs it: exit 0 when the origin matches its variables file, 2 when it
drifted, 1 when the check could not be made; with drift_report=DIR a JSON report and a JUnit file in which
every drifted aspect is one failing test case."""

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import yaml
from support import ACCESS_KEY, REGION, ROOT, collections_path, origin_play, run_playbook

NAME = "reliability_drift"
ORIGIN = {
    "name": NAME,
    "tags": {"team": "video-platform"},
    "access": {"public_read": True},
    "cors": {"allowed_origins": ["https://player.example.com"]},
    "expire": [{"prefixes": ["live/"], "days": 7}],
}
CHECKED_ASPECTS = {"container", "tags", "access_policy", "cors", "lifecycle"}


def drift_check(emulator_url, workdir, secret_key):
    """Run the wrapper as a user does, with the endpoint and credentials in MEDIASTORE_* variables."""
    variables = Path(workdir) / "origin.yml"
    variables.write_text(yaml.safe_dump({"origin": ORIGIN}))
    report = Path(workdir) / "report"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(workdir), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               MEDIASTORE_ENDPOINT_URL=emulator_url, MEDIASTORE_ACCESS_KEY=ACCESS_KEY,
               MEDIASTORE_SECRET_KEY=secret_key, MEDIASTORE_REGION=REGION,
               MEDIASTORE_RETRY_BUDGET="2")
    process = subprocess.run(
        [sys.executable, str(ROOT / "playbooks" / "drift_check.py"), "-e", f"@{variables}",
         "-e", f"drift_report={report}"],
        capture_output=True, text=True, env=env, cwd=str(workdir), timeout=240, check=False)
    return process, report


def junit_cases(report):
    suites = ElementTree.parse(report / "drift.junit.xml").getroot()
    return {case.get("name"): case for case in suites.iter("testcase")}


def test_exit_codes_and_reports_for_no_drift_drift_and_a_broken_endpoint(start_emulator, tmp_path):
    emulator = start_emulator()
    applied = run_playbook(tmp_path, origin_play(emulator, ORIGIN))
    assert applied.rc == 0, applied.explain()

    clean, report = drift_check(emulator.url, tmp_path, emulator.secret_key)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    summary = json.loads((report / "drift.json").read_text())
    assert summary["drifted"] is False
    [container] = summary["containers"]
    assert {entry["aspect"] for entry in container["aspects"]} == CHECKED_ASPECTS
    assert all(entry["live"] == entry["expected"] and not entry["diff"] for entry in container["aspects"])
    cases = junit_cases(report)
    assert set(cases) == CHECKED_ASPECTS
    assert not [case for case in cases.values() if case.find("failure") is not None]

    control = emulator.control()
    arn = control.describe_container(ContainerName=NAME)["Container"]["ARN"]
    control.tag_resource(Resource=arn, Tags=[{"Key": "team", "Value": "somebody-else"}])
    control.delete_cors_policy(ContainerName=NAME)

    drifted, report = drift_check(emulator.url, tmp_path, emulator.secret_key)
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    summary = json.loads((report / "drift.json").read_text())
    assert summary["drifted"] is True
    aspects = {entry["aspect"]: entry for entry in summary["containers"][0]["aspects"]}
    assert {name for name, entry in aspects.items() if entry["drifted"]} == {"tags", "cors"}
    assert aspects["tags"]["live"] == {"team": "somebody-else"}
    assert aspects["tags"]["expected"] == {"team": "video-platform"}
    assert '-  "team": "somebody-else"' in aspects["tags"]["diff"]
    cases = junit_cases(report)
    assert set(cases) == CHECKED_ASPECTS
    failing = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failing == {"tags", "cors"}
    assert "somebody-else" in cases["tags"].find("failure").text
    suites = ElementTree.parse(report / "drift.junit.xml").getroot()
    assert suites.get("failures") == "2" and suites.get("tests") == str(len(CHECKED_ASPECTS))

    emulator.kill()
    broken, report = drift_check(emulator.url, tmp_path, emulator.secret_key)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "could not be made" in broken.stderr
    assert not (report / "drift.json").exists(), "a report from the earlier run was left as if it were this one's"
