#!/usr/bin/env python
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fill a container with small objects fast, in parallel, with plain boto3.

    seed_objects.py CONTAINER FLAT_COUNT NESTED_COUNT

Puts FLAT_COUNT objects in the folder flat/ (more than 1000 makes ListItems page) and NESTED_COUNT
objects spread over nested folders up to 4 levels deep.  Prints {"objects": N}.  Connection settings
as for out_of_band.py.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main(container, flat_count, nested_count):
    # Patient retries: the retries target seeds while the endpoint injects faults.
    config = Config(retries={"mode": "standard", "max_attempts": 20})
    control = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"], config=config)
    endpoint = control.describe_container(ContainerName=container)["Container"]["Endpoint"]
    data = boto3.client("mediastore-data", endpoint_url=endpoint, config=config)
    paths = [f"flat/segment_{index:05d}.ts" for index in range(int(flat_count))]
    paths += [
        f"nested/{index % 3}/{index % 5}/{index % 2}/object_{index:05d}.ts" for index in range(int(nested_count))
    ]

    def put(path):
        data.put_object(Path=path, Body=b"x", ContentType="video/MP2T")

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, paths))
    print(json.dumps({"objects": len(paths)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
