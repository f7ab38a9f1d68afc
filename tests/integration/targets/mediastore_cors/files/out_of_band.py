# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change or read a CORS policy behind the modules' back (drift), with plain boto3.

    out_of_band.py put CONTAINER CORS_POLICY_JSON | get CONTAINER

Connection settings come from MEDIASTORE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION.  `get` prints {"cors_policy": <the API's CorsPolicy list or null>}.
"""

import json
import os
import sys

import boto3


def main(action, container, rules=None):
    client = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"])
    if action == "put":
        client.put_cors_policy(ContainerName=container, CorsPolicy=json.loads(rules))
        return
    try:
        found = client.get_cors_policy(ContainerName=container)["CorsPolicy"]
    except client.exceptions.CorsPolicyNotFoundException:
        found = None
    print(json.dumps({"cors_policy": found}))


if __name__ == "__main__":
    main(*sys.argv[1:])
