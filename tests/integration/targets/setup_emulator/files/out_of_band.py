# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change, fill or read a container behind the modules' back, with plain boto3 (not with the collection's code).

    out_of_band.py change CONTAINER CHANGES_JSON      drift: a list of changes, made in order
    out_of_band.py get-policy CONTAINER               prints {"policy": <parsed policy or null>}
    out_of_band.py get-cors CONTAINER                 prints {"cors_policy": <the API's CorsPolicy or null>}
    out_of_band.py objects CONTAINER                  prints {"objects": {path: {sha256, size, content_type,
                                                      cache_control}}} for every object
    out_of_band.py seed-objects CONTAINER FLAT NESTED puts FLAT objects in flat/ and NESTED in folders up to
                                                      4 levels deep; prints {"objects": N}
    out_of_band.py seed-items CONTAINER               puts 2,550 objects for the list_items tests (1,100 in
                                                      flat/, 1,400 in nested/ at 1 to 5 levels, 30 in small/,
                                                      20 at the root), then deletes 30 nested ones so that
                                                      some folders disappear; prints {"put": N, "deleted": N}

A change is a list: ["tag", KEY, VALUE], ["untag", KEY], ["start-logging"], ["stop-logging"],
["put-lifecycle", POLICY], ["delete-lifecycle"], ["put-metric", POLICY], ["delete-metric"], ["put-policy", POLICY],
["put-cors", RULES], ["delete-cors"] (POLICY a JSON object, RULES the API's CorsPolicy list).

Connection settings come from MEDIASTORE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION (setup_emulator sets `out_of_band_env` to them).
"""

import hashlib
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

# Patient retries: seeding also runs while the endpoint injects faults.
PATIENT = Config(retries={"mode": "standard", "max_attempts": 20}, max_pool_connections=16)


def control_client():
    return boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"], config=PATIENT)


def data_client(container):
    endpoint = control_client().describe_container(ContainerName=container)["Container"]["Endpoint"]
    return boto3.client("mediastore-data", endpoint_url=endpoint, config=PATIENT)


def change(container, changes):
    client = control_client()
    arn = client.describe_container(ContainerName=container)["Container"]["ARN"]
    calls = {
        "tag": lambda key, value: client.tag_resource(Resource=arn, Tags=[{"Key": key, "Value": value}]),
        "untag": lambda key: client.untag_resource(Resource=arn, TagKeys=[key]),
        "start-logging": lambda: client.start_access_logging(ContainerName=container),
        "stop-logging": lambda: client.stop_access_logging(ContainerName=container),
        "put-lifecycle": lambda policy: client.put_lifecycle_policy(
            ContainerName=container, LifecyclePolicy=json.dumps(policy)
        ),
        "delete-lifecycle": lambda: client.delete_lifecycle_policy(ContainerName=container),
        "put-metric": lambda policy: client.put_metric_policy(ContainerName=container, MetricPolicy=policy),
        "delete-metric": lambda: client.delete_metric_policy(ContainerName=container),
        "put-policy": lambda policy: client.put_container_policy(ContainerName=container, Policy=json.dumps(policy)),
        "put-cors": lambda rules: client.put_cors_policy(ContainerName=container, CorsPolicy=rules),
        "delete-cors": lambda: client.delete_cors_policy(ContainerName=container),
    }
    for action, *args in json.loads(changes):
        calls[action](*args)


def get_policy(container):
    client = control_client()
    try:
        text = client.get_container_policy(ContainerName=container)["Policy"]
    except client.exceptions.PolicyNotFoundException:
        text = "null"
    return {"policy": json.loads(text)}


def get_cors(container):
    client = control_client()
    try:
        found = client.get_cors_policy(ContainerName=container)["CorsPolicy"]
    except client.exceptions.CorsPolicyNotFoundException:
        found = None
    return {"cors_policy": found}


def object_paths(data, folder=""):
    kwargs = {"Path": folder} if folder else {}
    for page in data.get_paginator("list_items").paginate(**kwargs):
        for item in page.get("Items", []):
            path = f"{folder}/{item['Name']}" if folder else item["Name"]
            if item["Type"] == "FOLDER":
                yield from object_paths(data, path)
            else:
                yield path


def objects(container):
    data = data_client(container)
    found = {}
    for path in object_paths(data):
        response = data.get_object(Path=path)
        content = response["Body"].read()
        found[path] = {
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
            "content_type": response.get("ContentType"),
            "cache_control": response.get("CacheControl"),
        }
    return {"objects": found}


def put_all(data, paths, body=None):
    """PutObject every path in parallel; the body is the path itself unless given."""

    def put(path):
        data.put_object(Path=path, Body=path.encode() if body is None else body, ContentType="video/MP2T")

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, paths))


def seed_objects(container, flat_count, nested_count):
    paths = [f"flat/segment_{index:05d}.ts" for index in range(int(flat_count))]
    paths += [f"nested/{index % 3}/{index % 5}/{index % 2}/object_{index:05d}.ts" for index in range(int(nested_count))]
    put_all(data_client(container), paths, body=b"x")
    return {"objects": len(paths)}


def nested_item_path(index):
    folders = [f"level{depth}_{index % (depth + 3)}" for depth in range(index % 5)]
    return "/".join(["nested", *folders, f"object_{index:05d}.ts"])


def seed_items(container):
    data = data_client(container)
    paths = [f"flat/segment_{index:05d}.ts" for index in range(1100)]
    paths += [nested_item_path(index) for index in range(1400)]
    paths += [f"small/item_{index:02d}.ts" for index in range(30)]
    paths += [f"root_{index:02d}.txt" for index in range(20)]
    doomed = [nested_item_path(index) for index in range(0, 1400, 47)][:30]
    put_all(data, paths)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda path: data.delete_object(Path=path), doomed))
    return {"put": len(paths), "deleted": len(doomed)}


COMMANDS = {
    "change": change,
    "get-policy": get_policy,
    "get-cors": get_cors,
    "objects": objects,
    "seed-objects": seed_objects,
    "seed-items": seed_items,
}


def main(command, *args):
    result = COMMANDS[command](*args)
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
