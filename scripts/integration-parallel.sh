#!/usr/bin/env bash
# Run every integration target in SHARDS parallel shards, each with its own local endpoint (ports
# BASE_PORT, BASE_PORT+1, ...) and its own collection tree, then print each shard's output.
#
#   scripts/integration-parallel.sh REPO_ROOT BUILD_DIR PYTHON_VERSION SHARDS BASE_PORT [ANSIBLE-TEST OPTION...]
#
# The targets share nothing but the machine: each talks only to its shard's endpoint, so shards
# cannot see each other's containers or journal entries.
set -euo pipefail

root="$1" build="$2" python_version="$3" shard_count="$4" base_port="$5"
shift 5
python="$root/.venv/bin/python"

mapfile -t shard_targets < <("$python" "$root/scripts/integration-shards.py" "$root/tests/integration/targets" "$shard_count")

pids=() logs=()
for index in "${!shard_targets[@]}"; do
    port=$((base_port + index))
    collections="$build/integration-$port/collections"
    tree="$collections/ansible_collections/elemental/mediastore"
    log="$build/integration-shard-$index.log"
    "$python" "$root/scripts/collection-tree.py" "$root" "$collections"
    echo "integration: shard $index on port $port: ${shard_targets[$index]}"
    # shellcheck disable=SC2086  # the shard's targets are a list of words
    MEDIASTORE_EMULATOR_PORT="$port" "$root/scripts/with-emulator.sh" \
        "$root/scripts/integration.sh" "$root" "$tree" "$python_version" "$@" ${shard_targets[$index]} \
        >"$log" 2>&1 &
    pids+=("$!") logs+=("$log")
done

status=0
for index in "${!pids[@]}"; do
    if wait "${pids[$index]}"; then result="passed"; else result="FAILED"; status=1; fi
    echo "================================ integration shard $index ($result): ${shard_targets[$index]}"
    cat "${logs[$index]}"
done
exit "$status"
