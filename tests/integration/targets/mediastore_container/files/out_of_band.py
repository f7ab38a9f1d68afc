#!/usr/bin/env python
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change a container behind the modules' back (drift), with plain boto3.

    out_of_band.py CONTAINER CHANGES_JSON

CHANGES_JSON is a list of changes, made in order, each a list: ["tag", KEY, VALUE], ["untag", KEY],
["start-logging"], ["stop-logging"], ["put-lifecycle", POLICY], ["delete-lifecycle"],
["put-metric", POLICY], ["delete-metric"] (POLICY a JSON object).

Connection settings come from MEDIASTORE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION.
"""

import json
import os
import sys

import boto3


def main(container, changes):
    client = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"])
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
    }
    for action, *args in json.loads(changes):
        calls[action](*args)


if __name__ == "__main__":
    main(*sys.argv[1:])
