#!/usr/bin/env bash
# Render the collection's docsite (plugin pages and the guides of docs/docsite/) to HTML with antsibull-docs
# and Sphinx, the way docs.ansible.com builds collection docs.
#
#   scripts/build-docs.sh DEST_DIR
#
# Expects antsibull-docs, ansible-doc and sphinx-build first on PATH, and ANSIBLE_COLLECTIONS_PATH to hold
# elemental.mediastore and amazon.aws (`make docs` sets all of that up). DEST_DIR is recreated; the site ends up
# in DEST_DIR/build/html/. Any Sphinx warning fails the build, except references into docs.ansible.com and other
# collections' docs, which need intersphinx inventories that cannot be fetched offline.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 DEST_DIR" >&2
    exit 2
fi
dest="$1"

rm -rf "$dest"
# antsibull-docs refuses directories that others can write to.
mkdir -p "$(dirname "$dest")"
mkdir -m 755 "$dest"

antsibull-docs sphinx-init --use-current --dest-dir "$dest" \
    --project elemental.mediastore --copyright "Contributors to the elemental.mediastore collection" \
    --title "elemental.mediastore" elemental.mediastore >/dev/null

cat >>"$dest/conf.py" <<'EOF'

# Added by scripts/build-docs.sh: docs.ansible.com's intersphinx inventories cannot be fetched offline, so
# references into the Ansible docs and into other collections' docs stay unresolved. Those, and only those, are
# tolerated; every other warning still fails the build (-W).
extensions.remove('sphinx.ext.intersphinx')
nitpick_ignore_regex = [
    ('std:ref', r'ansible_configuration_settings|common_return_values'),
    ('std:ref', r'ansible_collections\.(?!elemental\.mediastore\.).*'),
]
EOF

cd "$dest"
chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --fail-on-error --cleanup everything --use-current \
    --dest-dir rst elemental.mediastore >/dev/null
sphinx-build -M html rst build -c . -W --keep-going -q

index="$PWD/build/html/collections/elemental/mediastore/index.html"
if [[ ! -f "$index" ]]; then
    echo "build-docs: Sphinx finished but $index is missing" >&2
    exit 1
fi
echo "build-docs: the docsite is at file://$index"
