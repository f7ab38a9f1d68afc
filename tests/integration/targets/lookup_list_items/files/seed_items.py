# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fill a container for the list_items tests, in parallel, with plain boto3.

    seed_items.py CONTAINER

Puts 2,550 objects: 1,100 in flat/ (more than one ListItems page), 1,400 in nested/ at 1 to 5 folder
levels, 30 in small/, 20 at the root; then deletes 30 of the nested ones, so that some folders disappear.
Prints {"put": N, "deleted": N}.  Connection: MEDIASTORE_ENDPOINT_URL (control plane) and the usual
AWS_* variables.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def nested_path(index):
    folders = [f"level{depth}_{index % (depth + 3)}" for depth in range(index % 5)]
    return "/".join(["nested", *folders, f"object_{index:05d}.ts"])


def main(container):
    config = Config(retries={"mode": "standard", "max_attempts": 10}, max_pool_connections=16)
    control = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"], config=config)
    endpoint = control.describe_container(ContainerName=container)["Container"]["Endpoint"]
    data = boto3.client("mediastore-data", endpoint_url=endpoint, config=config)
    paths = [f"flat/segment_{index:05d}.ts" for index in range(1100)]
    paths += [nested_path(index) for index in range(1400)]
    paths += [f"small/item_{index:02d}.ts" for index in range(30)]
    paths += [f"root_{index:02d}.txt" for index in range(20)]
    doomed = [nested_path(index) for index in range(0, 1400, 47)][:30]

    def put(path):
        data.put_object(Path=path, Body=path.encode(), ContentType="video/MP2T")

    def delete(path):
        data.delete_object(Path=path)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, paths))
        list(pool.map(delete, doomed))
    print(json.dumps({"put": len(paths), "deleted": len(doomed)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
