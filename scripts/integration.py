"""Run ansible-test integration against local endpoints, in parallel shards.

    integration.py BUILD_DIR BASE_PORT SHARDS [TARGET...] [-- ANSIBLE-TEST OPTION...]

Without TARGETs, every target that ansible-test would run is split into SHARDS shards of about equal work;
named TARGETs run in one shard.  Shard i gets its own copy of the collection (BUILD_DIR/integration-<port>/),
its own local endpoint on BASE_PORT+i and its own integration_config.yml pointing at it, so shards share
nothing but the machine and what ansible_test_home.py puts under ~/.ansible/test/ before they start.
With one shard its output streams; with more, each shard's output is printed once all have finished.
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import ansible_test_home
import collection_tree

from mediastore_emulator.launcher import Emulator

REPO = Path(__file__).resolve().parent.parent
TARGETS_DIR = REPO / "tests" / "integration" / "targets"
ANSIBLE_TEST = Path(sys.executable).parent / "ansible-test"
# ansible-test skips targets with these aliases; setup_emulator is one (a dependency, not a target).
SKIPPED_ALIASES = {"hidden", "disabled", "unsupported"}
INTEGRATION_CONFIG = """\
# Written by scripts/integration.py for this shard's local endpoint; not committed.
mediastore_endpoint_url: "{url}"
mediastore_emulator_url: "{url}"
aws_access_key: AKIDLOCALMEDIASTORE
aws_secret_key: local-mediastore-secret
aws_region: us-east-1
"""


def target_weights() -> dict[str, int]:
    """Runnable targets and their work, estimated by the size of their task files (no history needed)."""
    weights = {}
    for target in sorted(path for path in TARGETS_DIR.iterdir() if path.is_dir()):
        aliases = target / "aliases"
        if aliases.exists() and SKIPPED_ALIASES & set(aliases.read_text().split()):
            continue
        weights[target.name] = sum(path.stat().st_size for path in target.rglob("*.yml")) or 1
    return weights


def split_evenly(weights: dict[str, int], count: int) -> list[list[str]]:
    """Greedy longest-first: each target goes to the shard with the least work so far."""
    loads = [[0, []] for _shard in range(max(1, count))]
    for name in sorted(weights, key=lambda target: (-weights[target], target)):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += weights[name]
        lightest[1].append(name)
    return [sorted(names) for _load, names in loads if names]


def start_shard(stack, build: Path, port: int, targets: list[str], options: list[str], output):
    """Copy the collection, start its endpoint and ansible-test; returns (endpoint, ansible-test process)."""
    tree = collection_tree.build_tree(REPO, build / f"integration-{port}" / "collections")
    emulator = stack.enter_context(Emulator(port=port))
    (tree / "tests" / "integration" / "integration_config.yml").write_text(INTEGRATION_CONFIG.format(url=emulator.url))
    python_version = f"{sys.version_info.major}.{sys.version_info.minor}"
    command = [str(ANSIBLE_TEST), "integration", "--python", python_version, "--color", "no", *options, *targets]
    # Without it ansible-test finds the repository's .git above the tree (where .build/ is ignored) and no files.
    environment = dict(os.environ, ANSIBLE_TEST_CONTENT_ROOT=str(tree))
    process = subprocess.Popen(command, cwd=tree, env=environment, stdout=output, stderr=subprocess.STDOUT)
    return emulator, process


def main() -> int:
    arguments, options = sys.argv[1:], []
    if "--" in arguments:
        arguments, options = arguments[: arguments.index("--")], arguments[arguments.index("--") + 1 :]
    if len(arguments) < 3:
        sys.exit(__doc__)
    build, (base_port, shard_count), named_targets = (
        Path(arguments[0]).absolute(),
        map(int, arguments[1:3]),
        arguments[3:],
    )
    shards = [named_targets] if named_targets else split_evenly(target_weights(), shard_count)
    if not shards:
        sys.exit(f"integration: no runnable targets under {TARGETS_DIR}")
    ansible_test_home.main()
    build.mkdir(parents=True, exist_ok=True)

    status = 0
    with contextlib.ExitStack() as stack:
        running = []
        for index, targets in enumerate(shards):
            port = base_port + index
            log = build / f"integration-shard-{index}.log"
            output = None if len(shards) == 1 else stack.enter_context(log.open("wb"))
            print(f"integration: shard {index} on port {port}: {' '.join(targets)}", flush=True)
            running.append((index, targets, log, *start_shard(stack, build, port, targets, options, output)))
        for index, targets, log, emulator, process in running:
            passed = process.wait() == 0
            status = status or (0 if passed else 1)
            if len(shards) > 1:
                outcome = "passed" if passed else "FAILED"
                print(f"================ integration shard {index} ({outcome}): {' '.join(targets)}")
                print(log.read_text(errors="replace"), end="", flush=True)
            if not passed and emulator.stderr_text():
                print(f"integration: the endpoint's stderr of shard {index}:\n{emulator.stderr_text()}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
