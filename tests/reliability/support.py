"""Shared pieces of the reliability suite: local endpoints, ansible-playbook runs, fixture trees, snapshots.

Every test drives ``ansible-playbook`` as a user does, against local endpoints started on free ports, and
judges the outcome from the endpoint's journal and from boto3 reads of the final state.
"""

import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import boto3
import yaml
from botocore.config import Config

from mediastore_emulator import launcher

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ANSIBLE_PLAYBOOK = BIN / "ansible-playbook"
ACCESS_KEY = "AKIDLOCALMEDIASTORE"
SECRET_KEY = "local-mediastore-secret"
REGION = "us-east-1"
FIGURES_DIR = os.environ.get("RELIABILITY_FIGURES_DIR")


def collections_path():
    """The collection tree ansible-playbook runs from; `make reliability` builds it and names it."""
    configured = os.environ.get("MEDIASTORE_COLLECTIONS_PATH")
    if not configured:
        raise RuntimeError("MEDIASTORE_COLLECTIONS_PATH is not set: run this suite with `make reliability`")
    return configured


class Emulator(launcher.Emulator):
    """One ``mediastore-emulator`` on a free port (mediastore_emulator.launcher); ``kill()`` is safe to repeat."""

    def __init__(self, *extra_args, create_delay=0.2, delete_delay=0.2, secret_key=SECRET_KEY):
        self.secret_key = secret_key
        super().__init__(*extra_args, "--secret-key", secret_key, create_delay=create_delay, delete_delay=delete_delay)

    # ------------------------------------------------------------------ hooks, as this suite's tests name them
    def faults(self, rules, seed=1):
        return self.set_faults(rules, seed)

    def mark(self):
        return self.journal_mark()

    # ------------------------------------------------------------------ clients
    def control(self, secret_key=None):
        return boto3.client("mediastore", endpoint_url=self.url, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=secret_key or self.secret_key,
                            config=Config(retries={"max_attempts": 10, "mode": "standard"}))

    def data(self, endpoint):
        return boto3.client("mediastore-data", endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=self.secret_key,
                            config=Config(retries={"max_attempts": 10, "mode": "standard"}))

    def module_defaults(self, secret_key=None, **extra):
        return {"group/elemental.mediastore.aws": dict(
            endpoint_url=self.url, access_key=ACCESS_KEY, secret_key=secret_key or self.secret_key,
            region=REGION, **extra)}


# ---------------------------------------------------------------------- playbooks

class PlaybookRun:
    def __init__(self, args, process, started, workdir):
        self.args, self.process, self.started, self.workdir = args, process, started, workdir
        self.stdout = self.stderr = ""
        self.rc = None
        self.elapsed = None
        self.results = {}  # the registered results the playbook wrote to results.json, by name

    def wait(self, timeout=240):
        self.stdout, self.stderr = self.process.communicate(timeout=timeout)
        self.rc = self.process.returncode
        self.elapsed = time.monotonic() - self.started
        path = Path(self.workdir) / "results.json"
        # Read now: the next playbook run in the same directory replaces the file.
        self.results = json.loads(path.read_text()) if path.exists() else {}
        path.unlink(missing_ok=True)
        return self

    @property
    def output(self):
        return self.stdout + self.stderr

    def explain(self):
        return f"rc={self.rc}\nSTDOUT:\n{self.stdout[-6000:]}\nSTDERR:\n{self.stderr[-3000:]}"


def write_playbook(workdir, plays):
    path = Path(workdir) / "playbook.yml"
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    return path


def start_playbook(workdir, plays, *options, extra_env=None, inventory=None):
    """Start ansible-playbook on ``plays`` (a list of plays as data, or a path) without waiting."""
    playbook = plays if isinstance(plays, (str, Path)) else write_playbook(workdir, plays)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCAL_TEMP=str(workdir),
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_DEPRECATION_WARNINGS="0", ANSIBLE_PIPELINING="1",
               ANSIBLE_ROLES_PATH=str(ROOT / "roles"))
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(key, None)
    env.update(extra_env or {})
    args = [str(ANSIBLE_PLAYBOOK), "-i", inventory or "localhost,", "-c", "local", str(playbook), *options]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=str(workdir))
    return PlaybookRun(args, process, time.monotonic(), workdir)


def run_playbook(workdir, plays, *options, **kwargs):
    return start_playbook(workdir, plays, *options, **kwargs).wait()


def play(emulator_or_defaults, tasks, dump_results=True, secret_key=None, keep=(), **extra):
    """One localhost play; registered results (and the ``keep`` variables) are written to results.json."""
    defaults = (emulator_or_defaults.module_defaults(secret_key=secret_key)
                if isinstance(emulator_or_defaults, Emulator) else emulator_or_defaults)
    names = [task["register"] for task in tasks if "register" in task] + list(keep)
    tasks = list(tasks)
    if dump_results:
        dump = "{{ {" + ", ".join(f"'{name}': ({name} | default(none))" for name in names) + "} | to_json }}"
        tasks.append({"name": "Write the registered results", "ansible.builtin.copy": {
            "content": dump, "dest": "{{ playbook_dir }}/results.json", "mode": "0600"},
            "check_mode": False, "diff": False})
    return [dict({"hosts": "localhost", "gather_facts": False, "module_defaults": defaults, "tasks": tasks},
                 **extra)]


def origin_play(emulator, origin, **extra):
    """The origin role applied, with its origin_result written to results.json."""
    return play(emulator, [
        {"name": "The origin", "ansible.builtin.include_role": {"name": "elemental.mediastore.origin"},
         "vars": {"origin": origin}},
    ], keep=["origin_result"], **extra)


# ---------------------------------------------------------------------- fixture content

def make_hls_tree(root, files=200, seed=7, version=1, size=2048):
    """``files`` small files laid out like an HLS package (3 renditions: segments and playlists, a master)."""
    rng = random.Random(seed * 1000 + version)
    root = Path(root)
    renditions = ["1080p", "720p", "480p"]
    paths = ["master.m3u8"] + [f"{name}/index.m3u8" for name in renditions]
    segments = files - len(paths)
    for number in range(segments):
        paths.append(f"{renditions[number % 3]}/segment_{number // 3:05d}.ts")
    hashes = {}
    for relative in paths:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith(".m3u8"):
            body = f"#EXTM3U\n#EXT-X-VERSION:3\n# version {version} of {relative}\n".encode()
        else:
            body = rng.randbytes(size)
        target.write_bytes(body)
        hashes[relative] = hashlib.sha256(body).hexdigest()
    return hashes


# ---------------------------------------------------------------------- state

def snapshot(emulator, name):
    """Everything a viewer or an operator can see of a container, without its endpoint-specific parts."""
    control = emulator.control()
    container = control.describe_container(ContainerName=name)["Container"]

    def policy(operation, key, missing):
        try:
            return getattr(control, operation)(ContainerName=name)[key]
        except control.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in missing:
                return None
            raise

    state = {
        "status": container["Status"],
        "access_logging": container.get("AccessLoggingEnabled"),
        "tags": sorted((t["Key"], t["Value"]) for t in control.list_tags_for_resource(
            Resource=container["ARN"]).get("Tags", [])),
        "policy": json.loads(policy("get_container_policy", "Policy", {"PolicyNotFoundException"}) or "null"),
        "cors": policy("get_cors_policy", "CorsPolicy", {"CorsPolicyNotFoundException"}),
        "lifecycle": json.loads(policy("get_lifecycle_policy", "LifecyclePolicy", {"PolicyNotFoundException"})
                                or "null"),
        "metric": policy("get_metric_policy", "MetricPolicy", {"PolicyNotFoundException"}),
        "objects": objects(emulator, container["Endpoint"]),
    }
    return state


def objects(emulator, endpoint):
    """Every object under the container: path -> (sha256, content type, cache control)."""
    data = emulator.data(endpoint)
    found = {}
    folders = [""]
    while folders:
        folder = folders.pop()
        token = None
        while True:
            params = {"MaxResults": 1000, **({"Path": folder} if folder else {}), **({"NextToken": token} if token
                                                                                     else {})}
            page = data.list_items(**params)
            for item in page.get("Items", []):
                path = f"{folder}/{item['Name']}" if folder else item["Name"]
                if item["Type"] == "FOLDER":
                    folders.append(path)
                else:
                    body = data.get_object(Path=path)
                    found[path] = (hashlib.sha256(body["Body"].read()).hexdigest(), body.get("ContentType"),
                                   body.get("CacheControl"))
            token = page.get("NextToken")
            if not token:
                break
    return found


def sha256s(found):
    """path -> SHA-256 of the objects that ``objects()`` found."""
    return {path: entry[0] for path, entry in found.items()}


def wait_active(emulator, name, timeout=30):
    control = emulator.control()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container = control.describe_container(ContainerName=name)["Container"]
        if container["Status"] == "ACTIVE":
            return container
        time.sleep(0.1)
    raise AssertionError(f"{name} never became ACTIVE")


def create_container(emulator, name):
    emulator.control().create_container(ContainerName=name)
    return wait_active(emulator, name)


# ---------------------------------------------------------------------- journal

def writes(entries):
    return [entry for entry in entries if entry["write"]]


def figures_of(entries):
    """Counts for docs/reliability.md: requests, faults injected by kind, retried operations."""
    faults = {}
    for entry in entries:
        if entry.get("fault"):
            faults[entry["fault"]] = faults.get(entry["fault"], 0) + 1
    return {"requests": len(entries), "writes": len(writes(entries)), "faults": faults,
            "faulted_requests": sum(faults.values())}


def record(test, **values):
    """Keep figures of one test for tests/reliability/report.py (only when it asked for them)."""
    if not FIGURES_DIR:
        return
    path = Path(FIGURES_DIR) / f"{test}.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing.update(values)
    path.write_text(json.dumps(existing, indent=1, sort_keys=True, default=str))


def assert_no_traceback(run):
    assert "Traceback (most recent call last)" not in run.output, run.explain()
