"""Split the integration targets into N shards of about equal work, one line of target names per shard.

Work is estimated by the size of a target's task files: the tasks dominate a target's run time, and
the estimate needs no history.  Targets named in hidden/disabled/unsupported aliases are left out,
as ansible-test would skip them.

Usage: integration-shards.py TARGETS_DIR SHARDS
"""

import sys
from pathlib import Path

SKIPPED_ALIASES = {"hidden", "disabled", "unsupported"}


def runnable_targets(targets_dir: Path) -> dict[str, int]:
    weights = {}
    for target in sorted(path for path in targets_dir.iterdir() if path.is_dir()):
        aliases = target / "aliases"
        if aliases.exists() and SKIPPED_ALIASES & set(aliases.read_text().split()):
            continue
        weights[target.name] = sum(path.stat().st_size for path in target.rglob("*.yml")) or 1
    return weights


def shards(weights: dict[str, int], count: int) -> list[list[str]]:
    """Greedy longest-first: each target goes to the shard with the least work so far."""
    loads = [[0, []] for _shard in range(count)]
    for name in sorted(weights, key=lambda target: (-weights[target], target)):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += weights[name]
        lightest[1].append(name)
    return [sorted(names) for _load, names in loads if names]


def main() -> None:
    targets_dir, count = Path(sys.argv[1]), int(sys.argv[2])
    for names in shards(runnable_targets(targets_dir), max(1, count)):
        print(" ".join(names))


if __name__ == "__main__":
    main()
