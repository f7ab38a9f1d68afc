# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_cors proven in a real browser.

A page served from one local origin fetches an object from the container's endpoint (another origin: the
local MediaStore endpoint's port) and writes what it got into the DOM.  Headless Chromium decides, as it
would for a real web player, whether the page may read the response.  The CORS policy is set and removed
by running the module through ansible-playbook, as a user would.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
from playwright.sync_api import sync_playwright

from mediastore_emulator.launcher import Emulator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACCESS_KEY = "AKIDLOCALMEDIASTORE"
SECRET_KEY = "local-mediastore-secret"
REGION = "us-east-1"
CONTAINER = "e2e_cors_player"
OBJECT_PATH = "live/index.m3u8"
OBJECT_BODY = b"#EXTM3U\n#EXT-X-VERSION:3\n"
BIN = Path(sys.executable).parent

# The page a web player would be: fetch the object cross-origin, report what the script could see.
PLAYER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>player</title></head>
<body><pre id="result">pending</pre>
<script>
const target = new URLSearchParams(location.search).get("url");
const show = (value) => {
  document.getElementById("result").textContent = JSON.stringify(value);
  document.body.dataset.done = "1";
};
fetch(target, {cache: "no-store"})
  .then(async (response) => show({
    ok: true,
    status: response.status,
    body: await response.text(),
    etag: response.headers.get("ETag"),
  }))
  .catch((error) => show({ok: false, error: String(error)}));
</script></body></html>
"""


class PlayerPageHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = PLAYER_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def chromium():
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: the browser end-to-end test needs Debian's chromium "
        "(`make chromium`, or apt-get install chromium)"
    )
    return CHROMIUM


@pytest.fixture(scope="module")
def endpoint():
    """A local MediaStore endpoint of our own on a free port; yields its base URL."""
    with Emulator(create_delay=0.2) as emulator:
        yield emulator.url


@pytest.fixture(scope="module")
def public_object(endpoint):
    """A container readable by anyone (plain HTTP too) holding one object; returns (object URL, ETag)."""
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)
    control = session.client("mediastore", endpoint_url=endpoint)
    control.create_container(ContainerName=CONTAINER)
    deadline = time.monotonic() + 30
    while (container := control.describe_container(ContainerName=CONTAINER)["Container"])["Status"] != "ACTIVE":
        assert time.monotonic() < deadline, "container did not become ACTIVE"
        time.sleep(0.2)
    control.put_container_policy(
        ContainerName=CONTAINER,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PublicRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": ["mediastore:GetObject", "mediastore:DescribeObject"],
                        "Resource": f"{container['ARN']}/*",
                    }
                ],
            }
        ),
    )
    data = session.client("mediastore-data", endpoint_url=container["Endpoint"])
    data.put_object(Path=OBJECT_PATH, Body=OBJECT_BODY, ContentType="application/vnd.apple.mpegurl")
    etag = data.describe_object(Path=OBJECT_PATH)["ETag"]
    return f"{container['Endpoint']}/{OBJECT_PATH}", etag


@pytest.fixture(scope="module")
def page_origins():
    """Two local origins serving the player page: A (to be allowed) and B (never allowed)."""
    servers = [
        ThreadingHTTPServer(("127.0.0.1", 0), PlayerPageHandler),
        ThreadingHTTPServer(("127.0.0.1", 0), PlayerPageHandler),
    ]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    try:
        yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def browser(chromium):
    with tempfile.TemporaryDirectory(prefix="mediastore-e2e-chromium-") as user_data_dir:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                user_data_dir,
                executable_path=str(chromium),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                yield context
            finally:
                context.close()


def what_the_page_sees(browser, origin, object_url):
    """Open the player page on ``origin`` and return what its script could read of the cross-origin fetch."""
    page = browser.new_page()
    try:
        page.goto(f"{origin}/player.html?url={quote(object_url, safe='')}")
        page.wait_for_selector("body[data-done='1']", timeout=15000)
        return json.loads(page.inner_text("#result"))
    finally:
        page.close()


def collections_path(tmp_path):
    """Where ansible-playbook finds elemental.mediastore: $MEDIASTORE_COLLECTIONS_PATH (`make e2e` sets it to its
    tree), else a tree linking to this checkout.  amazon.aws comes from the venv's site-packages, which Ansible
    searches anyway.
    """
    configured = os.environ.get("MEDIASTORE_COLLECTIONS_PATH")
    if configured:
        return configured
    tree = tmp_path / "collections"
    namespace = tree / "ansible_collections" / "elemental"
    namespace.mkdir(parents=True, exist_ok=True)
    link = namespace / "mediastore"
    if not link.exists():
        link.symlink_to(Path(__file__).resolve().parents[2], target_is_directory=True)
    return str(tree)


def run_mediastore_cors(endpoint, tmp_path, **module_args):
    """Run elemental.mediastore.mediastore_cors through ansible-playbook; return the task's result."""
    playbook = tmp_path / "cors.yml"
    playbook.write_text(
        json.dumps(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {
                            "name": "Set the container's CORS policy",
                            "elemental.mediastore.mediastore_cors": {
                                "container": CONTAINER,
                                "endpoint_url": endpoint,
                                "access_key": ACCESS_KEY,
                                "secret_key": SECRET_KEY,
                                "region": REGION,
                                **module_args,
                            },
                            "register": "cors",
                        },
                        {
                            "name": "Report",
                            "ansible.builtin.copy": {
                                "content": "{{ cors | to_json }}",
                                "dest": str(tmp_path / "result.json"),
                            },
                        },
                    ],
                }
            ]
        )
    )
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections_path(tmp_path),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
    )
    completed = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, f"ansible-playbook failed:\n{completed.stdout}\n{completed.stderr}"
    return json.loads((tmp_path / "result.json").read_text())


def test_a_player_page_reads_the_object_only_from_an_origin_the_cors_policy_allows(
    browser, endpoint, public_object, page_origins, tmp_path
):
    object_url, etag = public_object
    allowed_origin, other_origin = page_origins

    # The object is public: without a browser in the way an anonymous GET works, so every refusal
    # below is the browser enforcing CORS, not the container policy.
    with urllib.request.urlopen(object_url, timeout=10) as response:
        assert response.read() == OBJECT_BODY

    before = what_the_page_sees(browser, allowed_origin, object_url)
    assert before["ok"] is False, f"without a CORS policy the cross-origin fetch must fail: {before}"
    assert "Failed to fetch" in before["error"]

    applied = run_mediastore_cors(
        endpoint,
        tmp_path,
        rules=[
            {
                "allowed_origins": [allowed_origin],
                "allowed_methods": ["get", "HEAD"],
                "allowed_headers": ["*"],
                "expose_headers": ["ETag"],
                "max_age_seconds": 60,
            }
        ],
    )
    assert applied["changed"] is True
    assert applied["rules"][0]["allowed_methods"] == ["GET", "HEAD"]

    allowed = what_the_page_sees(browser, allowed_origin, object_url)
    assert allowed["ok"] is True, f"the allowed origin must read the object: {allowed}"
    assert allowed["status"] == 200
    assert allowed["body"] == OBJECT_BODY.decode()
    assert allowed["etag"] == etag, "the page reads the exposed ETag header"

    elsewhere = what_the_page_sees(browser, other_origin, object_url)
    assert elsewhere["ok"] is False, f"an origin the policy does not list must still fail: {elsewhere}"
    assert "Failed to fetch" in elsewhere["error"]

    removed = run_mediastore_cors(endpoint, tmp_path, state="absent")
    assert removed["changed"] is True
    assert removed["rules"] == []

    after = what_the_page_sees(browser, allowed_origin, object_url)
    assert after["ok"] is False, f"after the CORS policy is removed the fetch must fail again: {after}"
    assert "Failed to fetch" in after["error"]
