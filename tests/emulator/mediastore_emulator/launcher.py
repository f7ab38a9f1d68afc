"""Start a mediastore-emulator process, wait until it serves, and stop it: the one launcher of tests, bench, scripts.

In Python, the emulator is a context manager::

    with Emulator(create_delay=0.2) as emulator:
        boto3.client("mediastore", endpoint_url=emulator.url, ...)
        emulator.journal(since=mark)

From a shell, a command runs with an endpoint up (MEDIASTORE_EMULATOR_URL and MEDIASTORE_ENDPOINT_URL set to
its base URL); options before ``--`` go to mediastore-emulator, and the exit status is the command's::

    python -m mediastore_emulator.launcher [--port 4599] [EMULATOR OPTION...] -- COMMAND [ARG...]

A subprocess rather than an in-process server: a crash, a hang or an unclean exit stays visible, and tests can
send the process signals.  Its stderr goes to a log file that is shown when anything fails and removed otherwise.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

READY_PREFIX = "mediastore-emulator listening on "
LOG_TAIL_CHARS = 4000


class EmulatorError(RuntimeError):
    """The emulator did not start, did not become healthy, or did not exit cleanly."""


def emulator_command():
    """The console script beside the running Python (the project's venv), else the package's ``__main__``."""
    beside_python = Path(sys.executable).parent / "mediastore-emulator"
    if beside_python.exists():
        return [str(beside_python)]
    return [sys.executable, "-m", "mediastore_emulator"]


def call_hook(base_url, method, name, body=None, query=None, timeout=30):
    """Call /_emulator/<name> of the endpoint at ``base_url`` and return its JSON answer (any status but 200 raises
    EmulatorError); for endpoints this module did not start, e.g. one served in-process."""
    url = f"{base_url}/_emulator/{name}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise EmulatorError(f"{method} {url} -> {error.code} {error.read()[:500]!r}") from None
    return json.loads(payload) if payload else {}


class Emulator:
    """One mediastore-emulator process on ``port`` (0: a free one), healthy once the constructor returns.

    ``url``/``port``: where it listens; ``ready_line``: its one line of start-up output; ``stdout_lines``: a
    queue of whatever it prints afterwards (None at end of output); the hook helpers reach ``/_emulator/*``.
    """

    def __init__(
        self,
        *extra_args,
        port=0,
        host="127.0.0.1",
        create_delay=None,
        delete_delay=None,
        latency_ms=None,
        ready_timeout=20,
    ):
        self.args = [*emulator_command(), "--host", host, "--port", str(port)]
        options = (("--create-delay", create_delay), ("--delete-delay", delete_delay), ("--latency-ms", latency_ms))
        for option, value in options:
            if value is not None:
                self.args += [option, str(value)]
        self.args += [str(argument) for argument in extra_args]
        handle, self.log_path = tempfile.mkstemp(prefix="mediastore-emulator-", suffix=".log")
        with open(handle, "wb") as log:
            self.process = subprocess.Popen(
                self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True
            )
        self.stdout_lines = queue.Queue()
        # Keep reading stdout so that anything printed after the ready line can never block the server.
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        try:
            self.ready_line = self._wait_for_ready_line(ready_timeout)
            self.url = self.ready_line[len(READY_PREFIX) :]
            parsed = urllib.parse.urlsplit(self.url)
            self.host, self.port = parsed.hostname, parsed.port
            self._wait_until_healthy(ready_timeout)
        except BaseException:
            self.kill()
            raise

    def _drain_stdout(self):
        for line in self.process.stdout:
            self.stdout_lines.put(line)
        self.stdout_lines.put(None)

    def _wait_for_ready_line(self, timeout):
        try:
            line = self.stdout_lines.get(timeout=timeout)
        except queue.Empty:
            raise EmulatorError(self.describe_failure(f"no ready line within {timeout}s")) from None
        if line is None:
            self.process.wait(timeout=timeout)
            raise EmulatorError(self.describe_failure("exited before it was ready"))
        if not line.startswith(READY_PREFIX):
            raise EmulatorError(self.describe_failure(f"unexpected first line {line!r}"))
        return line.rstrip("\n")

    def _wait_until_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.health().get("status") == "ok":
                    return
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise EmulatorError(self.describe_failure("/_emulator/health never answered ok"))
            time.sleep(0.05)

    # --- test hooks ---------------------------------------------------------------------------------
    def hook(self, method, name, body=None, query=None):
        """Call /_emulator/<name> and return its JSON answer; any status but 200 raises EmulatorError."""
        return call_hook(self.url, method, name, body, query)

    def health(self):
        return self.hook("GET", "health")

    def reset(self):
        return self.hook("POST", "reset", {})

    def journal(self, since=None):
        """Entries with seq > since (all when since is None)."""
        return self.hook("GET", "journal", query=None if since is None else {"since": since})["entries"]

    def journal_mark(self):
        """The journal position now: pass it to journal(since=...) to see only later requests."""
        return self.hook("GET", "journal")["next"]

    def set_faults(self, rules, seed=1, latency_ms=None):
        """Replace the fault rules, and the latencies per operation (None: the command line's) of
        docs/local-endpoint.md."""
        body = {"rules": rules, "seed": seed}
        if latency_ms is not None:
            body["latency_ms"] = latency_ms
        return self.hook("POST", "faults", body)

    def set_config(self, **delays):
        return self.hook("POST", "config", delays)

    # --- process ------------------------------------------------------------------------------------
    def stderr_text(self):
        """The tail of the emulator's stderr (its log file)."""
        try:
            return Path(self.log_path).read_text(errors="replace")[-LOG_TAIL_CHARS:]
        except FileNotFoundError:
            return ""

    def describe_failure(self, what):
        status = self.process.poll()
        state = "still running" if status is None else f"exit status {status}"
        command = " ".join(self.args)
        return f"mediastore-emulator ({command}): {what}; {state}; its log {self.log_path}:\n{self.stderr_text()}"

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Send ``sig`` and return the exit status (None when it had to be killed after ``timeout``)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)

    def remove_log(self):
        Path(self.log_path).unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        status = self.stop()
        if exc_type is not None:
            print(self.describe_failure("stopped after a failure"), file=sys.stderr)
            return
        if status != 0:
            raise EmulatorError(self.describe_failure("did not exit cleanly on SIGTERM"))
        self.remove_log()


class Emulators:
    """Emulators a test starts one after another (``start(*args, **options)``), to stop, crash and restart them
    itself; leaving the block kills whatever still runs and removes their logs."""

    def __init__(self, emulator_class=Emulator):
        self.emulator_class = emulator_class
        self.started = []

    def start(self, *extra_args, **options):
        emulator = self.emulator_class(*extra_args, **options)
        self.started.append(emulator)
        return emulator

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        for emulator in self.started:
            emulator.kill()
            emulator.remove_log()


def _exit_on_sigterm(signum, frame):
    # Unwinds through the `with` block, so the endpoint is stopped when the launcher itself is stopped.
    sys.exit(128 + signum)


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        sys.exit("usage: python -m mediastore_emulator.launcher [EMULATOR OPTION...] -- COMMAND [ARG...]")
    split = argv.index("--")
    emulator_args, command = argv[:split], argv[split + 1 :]
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        emulator = Emulator(*emulator_args)
    except EmulatorError as error:
        sys.exit(f"launcher: {error}")
    with emulator:
        print(f"launcher: local endpoint at {emulator.url} (pid {emulator.process.pid})", flush=True)
        environment = dict(os.environ, MEDIASTORE_EMULATOR_URL=emulator.url, MEDIASTORE_ENDPOINT_URL=emulator.url)
        status = subprocess.run(command, env=environment, check=False).returncode
        if status != 0 and emulator.stderr_text():
            print(
                f"launcher: {command[0]} exited {status}; the endpoint's stderr:\n{emulator.stderr_text()}",
                file=sys.stderr,
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
