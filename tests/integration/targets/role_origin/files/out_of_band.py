# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change an origin behind Ansible's back (drift), with plain boto3, as a person at the console would.

    out_of_band.py tag CONTAINER KEY VALUE
    out_of_band.py delete-cors CONTAINER

Connection settings come from MEDIASTORE_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION.
"""

import os
import sys

import boto3


def main(action, container, *args):
    client = boto3.client("mediastore", endpoint_url=os.environ["MEDIASTORE_ENDPOINT_URL"])
    if action == "tag":
        arn = client.describe_container(ContainerName=container)["Container"]["ARN"]
        client.tag_resource(Resource=arn, Tags=[{"Key": args[0], "Value": args[1]}])
    elif action == "delete-cors":
        client.delete_cors_policy(ContainerName=container)
    else:
        sys.exit(f"unknown action {action!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
