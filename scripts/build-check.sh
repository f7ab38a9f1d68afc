#!/usr/bin/env bash
# Check that the collection tarball installs offline next to amazon.aws and that its plugins load.
#
#   scripts/build-check.sh TARBALL
#
# Uses the ansible-galaxy/ansible-doc on PATH and the amazon.aws bundled with the `ansible` package.
set -euo pipefail

tarball="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The tarball must not carry development files.
unwanted="$(tar -tzf "$tarball" | grep -E '(^|/)(\.venv|\.build|\.git|\.gitignore|\.pytest_cache|tests/output|__pycache__)(/|$)|\.pyc$|\.tar\.gz$' || true)"
if [[ -n "$unwanted" ]]; then
    echo "build-check: $tarball contains development files:" >&2
    echo "$unwanted" | head -20 >&2
    exit 1
fi

bundled="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections"
mkdir -p "$work/collections/ansible_collections/amazon"
ln -s "$bundled/amazon/aws" "$work/collections/ansible_collections/amazon/aws"

# --offline: dependencies are resolved from what is already installed in the target path (amazon.aws).
ansible-galaxy collection install --offline -p "$work/collections" "$tarball"

export ANSIBLE_COLLECTIONS_PATH="$work/collections"
installed="$work/collections/ansible_collections/elemental/mediastore"
test -f "$installed/MANIFEST.json"

modules=("$installed"/plugins/modules/*.py)
if [[ ! -e "${modules[0]}" ]]; then
    echo "build-check: the installed collection has no modules" >&2
    exit 1
fi
for module in "${modules[@]}"; do
    name="elemental.mediastore.$(basename "$module" .py)"
    ansible-doc "$name" >"$work/doc.txt"
    grep -q "$name" "$work/doc.txt"
    echo "build-check: ansible-doc $name OK"
done
ansible-doc -l elemental.mediastore
