# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a container really holds, read with plain boto3 (not with the collection's code).

    remote_state.py CONTAINER

Prints {"objects": {path: {"sha256": ..., "size": ..., "content_type": ..., "cache_control": ...}}} for
every object of the container.  Connection settings come from MEDIASTORE_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION.
"""

import hashlib
import json
import os
import sys

import boto3


def walk(data, folder=""):
    kwargs = {"Path": folder} if folder else {}
    for page in data.get_paginator("list_items").paginate(**kwargs):
        for item in page.get("Items", []):
            path = f"{folder}/{item['Name']}" if folder else item["Name"]
            if item["Type"] == "FOLDER":
                yield from walk(data, path)
            else:
                yield path


def main(container):
    control = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"])
    endpoint = control.describe_container(ContainerName=container)["Container"]["Endpoint"]
    data = boto3.client("mediastore-data", endpoint_url=endpoint)
    objects = {}
    for path in walk(data):
        response = data.get_object(Path=path)
        content = response["Body"].read()
        objects[path] = {
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
            "content_type": response.get("ContentType"),
            "cache_control": response.get("CacheControl"),
        }
    print(json.dumps({"objects": objects}))


if __name__ == "__main__":
    main(*sys.argv[1:])
