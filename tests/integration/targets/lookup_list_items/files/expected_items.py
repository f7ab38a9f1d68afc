# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a container holds according to the endpoint's journal, independently of ListItems.

    expected_items.py EMULATOR_URL SINCE CONTAINER

Replays the successful PutObject and DeleteObject entries for CONTAINER after journal position SINCE, in
order, and prints {"objects": [...], "folders": [...]}: object paths, and every folder that holds one.
"""

import json
import sys
import urllib.request


def main(emulator_url, since, container):
    with urllib.request.urlopen(f"{emulator_url}/_emulator/journal?since={since}") as response:
        entries = json.load(response)["entries"]
    objects = set()
    for entry in sorted(entries, key=lambda entry: entry["seq"]):
        if entry["container"] != container or entry["status"] != 200:
            continue
        if entry["operation"] == "PutObject":
            objects.add(entry["path"])
        elif entry["operation"] == "DeleteObject":
            objects.discard(entry["path"])
    folders = {path.rsplit("/", 1)[0] for path in objects if "/" in path}
    for folder in list(folders):
        parts = folder.split("/")
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
    print(json.dumps({"objects": sorted(objects), "folders": sorted(folders)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
