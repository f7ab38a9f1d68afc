# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change or read a container policy behind the modules' back (drift), with plain boto3.

    out_of_band.py put CONTAINER POLICY_JSON | get CONTAINER

Connection settings come from MEDIASTORE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION.  `get` prints {"policy": <parsed policy or null>}.
"""

import json
import os
import sys

import boto3


def main(action, container, policy=None):
    client = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"])
    if action == "put":
        client.put_container_policy(ContainerName=container, Policy=policy)
        return
    try:
        text = client.get_container_policy(ContainerName=container)["Policy"]
    except client.exceptions.PolicyNotFoundException:
        text = "null"
    print(json.dumps({"policy": json.loads(text)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
