#!/usr/bin/env bash
# Run ansible-test integration against the endpoint at $MEDIASTORE_EMULATOR_URL (see with-emulator.sh).
#
#   scripts/integration.sh REPO_ROOT COLLECTION_TREE PYTHON_VERSION [ANSIBLE-TEST OPTION...] [TARGET...]
#
# Writes tests/integration/integration_config.yml in the collection tree ansible-test works on (and a
# copy in the repository, for running targets by hand), then runs the targets, all when none is named.
set -euo pipefail

root="$1" tree="$2" python_version="$3"
shift 3
: "${MEDIASTORE_EMULATOR_URL:?run me through scripts/with-emulator.sh}"

config="tests/integration/integration_config.yml"
cat >"$tree/$config" <<YAML
# Written by 'make integration' for the local endpoint it started; not committed.
mediastore_endpoint_url: "$MEDIASTORE_EMULATOR_URL"
mediastore_emulator_url: "$MEDIASTORE_EMULATOR_URL"
aws_access_key: "${MEDIASTORE_ACCESS_KEY:-AKIDLOCALMEDIASTORE}"
aws_secret_key: "${MEDIASTORE_SECRET_KEY:-local-mediastore-secret}"
aws_region: "${MEDIASTORE_REGION:-us-east-1}"
YAML
# Parallel shards each write their own tree's copy first, so the repository's copy is never read back.
cp "$tree/$config" "$root/$config"

cd "$tree"
# Without it ansible-test finds the repository's .git above the tree (where .build/ is ignored) and no files.
export ANSIBLE_TEST_CONTENT_ROOT="$tree"
exec ansible-test integration --python "$python_version" --color no "$@"
