# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Talking to MediaStore: clients, container look-up, waiting, policies, objects, listing.

Everything that does I/O against the service lives here; comparison and validation live in the
pure ``_*`` modules next to it.  The functions below take boto3 clients so that modules (through
``MediaStoreModule``) and the controller-side lookup share them; they raise ``MediaStoreError``
and leave reporting to the caller.
"""

import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    CHUNK_BYTES,
    ChunkedBody,
    sha256_of_chunks,
)

# Errors worth another try whatever the call.
TRANSIENT_ERROR_CODES = ["ThrottlingException", "InternalServerError", "ServiceUnavailable"]
# A container that is still CREATING, or being updated, answers ContainerInUseException to policy,
# tag and logging calls; those calls are retried on it too.  CreateContainer and DeleteContainer are
# not: there the error means "exists" or "not empty", and retrying would only delay the answer.
BUSY_ERROR_CODES = TRANSIENT_ERROR_CODES + ["ContainerInUseException"]

DEFAULT_WAIT_TIMEOUT = 300
POLL_INTERVAL = 1.0
LIST_ITEMS_PAGE_SIZE = 1000
LIST_CONCURRENCY = 4
# GetCorsPolicy and DeleteCorsPolicy say "no policy" with their own code; the other policies share one.
POLICY_NOT_FOUND = "PolicyNotFoundException"
CORS_POLICY_NOT_FOUND = "CorsPolicyNotFoundException"
# A HEAD has no body, so a 404 may come back without the modelled error code.
OBJECT_MISSING_CODES = ["ObjectNotFoundException", "404", "NotFound"]


class MediaStoreError(Exception):
    """A failure with a message fit for the user; ``exception`` keeps the botocore error, if any."""

    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message = message
        self.exception = exception


def transient_retry():
    return AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=10, catch_extra_error_codes=TRANSIENT_ERROR_CODES)


def busy_retry():
    return AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=10, catch_extra_error_codes=BUSY_ERROR_CODES)


def call_with_transient_retry(client, operation, **params):
    """Call ``operation`` retrying only transient errors (for CreateContainer/DeleteContainer)."""
    raw_client = getattr(client, "client", client)  # unwrap RetryingBotoClientWrapper
    return transient_retry()(getattr(raw_client, operation))(**params)


def describe_container(control, name):
    """The container as DescribeContainer returns it, or None when there is no such container."""
    try:
        return control.describe_container(ContainerName=name, aws_retry=True)["Container"]
    except is_boto3_error_code("ContainerNotFoundException"):
        return None


def wait_for_container(control, name, status, timeout, sleep=time.sleep, clock=time.monotonic):
    """Poll DescribeContainer until the container has ``status`` ("ACTIVE"), or is gone (``status=None``).

    Returns the last description (None when gone).  MediaStore has no SDK waiter, hence the loop.
    """
    deadline = clock() + timeout
    while True:
        container = describe_container(control, name)
        current = container["Status"] if container else None
        if current == status:
            return container
        if status is not None and container is None:
            raise MediaStoreError(f"Container {name!r} disappeared while waiting for it to become {status}.")
        if clock() >= deadline:
            wanted = status or "deleted"
            raise MediaStoreError(
                f"Timed out after {timeout} seconds waiting for container {name!r} to become {wanted} "
                f"(status is still {current}); raise wait_timeout or check the container later."
            )
        sleep(POLL_INTERVAL)


def settled_container(control, name, timeout=DEFAULT_WAIT_TIMEOUT):
    """The container, waiting while it is CREATING (only then can its policies and tags be read); None if absent."""
    container = describe_container(control, name)
    if container is not None and container.get("Status") == "CREATING":
        container = wait_for_container(control, name, "ACTIVE", timeout)
    return container


def policy_or_none(control, operation, name, key, not_found=POLICY_NOT_FOUND):
    """``key`` of the Get*Policy ``operation``'s answer for container ``name``; None when it has no such policy.

    ``not_found`` is the error code for "no policy" (CORS_POLICY_NOT_FOUND for GetCorsPolicy).
    """
    try:
        return getattr(control, operation)(ContainerName=name, aws_retry=True)[key]
    except is_boto3_error_code(not_found):
        return None


def delete_policy(control, operation, name, not_found=POLICY_NOT_FOUND):
    """The Delete*Policy ``operation`` for container ``name``; a policy already gone is the wanted state."""
    try:
        getattr(control, operation)(ContainerName=name, aws_retry=True)
    except is_boto3_error_code(not_found):
        pass


def resolve_data_endpoint(control, name, timeout=DEFAULT_WAIT_TIMEOUT):
    """The data endpoint of container ``name``, waiting while it is CREATING."""
    container = settled_container(control, name, timeout)
    if container is None:
        raise MediaStoreError(f"Container {name!r} does not exist.")
    if container.get("Status") != "ACTIVE" or not container.get("Endpoint"):
        raise MediaStoreError(
            f"Container {name!r} is {container.get('Status')} and has no data endpoint; "
            "objects can only be read or written while it is ACTIVE."
        )
    return container["Endpoint"]


def describe_object(data, path):
    """The object's metadata (DescribeObject), or None when there is no such object."""
    try:
        return data.describe_object(Path=path, aws_retry=True)
    except is_boto3_error_code(OBJECT_MISSING_CODES):
        return None


def stream_object(data, path, sink=None):
    """SHA-256 and size of the object's content, streamed (and written to ``sink`` when given)."""
    body = data.get_object(Path=path, aws_retry=True)["Body"]
    try:
        return sha256_of_chunks(body.iter_chunks(CHUNK_BYTES), sink=sink)
    finally:
        body.close()


def put_object(data, path, open_body, sha256, content_type, cache_control=None, storage_class=None,
               upload_availability=None, source="the content", require_sha256=False):
    """PutObject, then check the ContentSHA256 the service returns against ``sha256``; returns the response.

    ``open_body()`` gives a fresh binary file object for every attempt, so that a retry never sends a
    consumed body.  ``upload_availability`` "streaming" sends the body chunked, as MediaStore requires;
    None leaves the header out (the service's default, standard).  A response without ContentSHA256 fails
    only with ``require_sha256``; ``source`` names the content in the error (an option, or a file).
    """
    params = {"Path": path, "ContentType": content_type}
    if cache_control:
        params["CacheControl"] = cache_control
    if storage_class:
        params["StorageClass"] = storage_class
    if upload_availability:
        params["UploadAvailability"] = upload_availability.upper()

    def put_once():
        with open_body() as body:
            if upload_availability == "streaming":
                body = ChunkedBody(body)
            return data.put_object(Body=body, **params)

    response = transient_retry()(put_once)()
    stored_sha256 = (response.get("ContentSHA256") or "").lower()
    if stored_sha256 != sha256 and (stored_sha256 or require_sha256):
        raise MediaStoreError(
            f"MediaStore stored {path!r} with SHA-256 {stored_sha256 or 'unknown'} but {source} has SHA-256 "
            f"{sha256}: the stored object is not what was sent. It has been written; upload it again."
        )
    return response


def delete_object(data, path):
    """DeleteObject; False when the object was already gone."""
    try:
        data.delete_object(Path=path, aws_retry=True)
    except is_boto3_error_code("ObjectNotFoundException"):
        return False
    return True


def list_folder(data, path, page_size=LIST_ITEMS_PAGE_SIZE):
    """Every item of one folder (one level), following NextToken to the end.

    ``path`` is "" for the root.  A folder that does not exist lists as empty.
    Each item gets a ``Path`` key: its full path from the container root.
    """
    params = {"MaxResults": page_size}
    if path:
        params["Path"] = path
    items = []
    while True:
        page = data.list_items(aws_retry=True, **params)
        for item in page.get("Items", []):
            item["Path"] = f"{path}/{item['Name']}" if path else item["Name"]
            items.append(item)
        token = page.get("NextToken")
        if not token:
            return items
        params["NextToken"] = token


def walk_items(data, path="", recursive=True, concurrency=LIST_CONCURRENCY, list_one=list_folder):
    """Yield every item under ``path`` (folders too), listing folders in parallel when recursive.

    Order is not defined; callers that need one sort.  Stopping the iteration early is fine: at
    most ``concurrency`` listings are still in flight and their results are dropped.
    """
    path = path.strip("/")
    if not recursive:
        yield from list_one(data, path)
        return
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        pending = {pool.submit(list_one, data, path)}
        try:
            while pending:
                done, pending = wait_for_futures(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for item in future.result():
                        if item.get("Type") == "FOLDER":
                            pending.add(pool.submit(list_one, data, item["Path"]))
                        yield item
        finally:
            for future in pending:
                future.cancel()


class MediaStoreModule(AnsibleAWSModule):
    """AnsibleAWSModule with the MediaStore clients and error reporting every module shares."""

    def control_client(self):
        return self.client("mediastore", retry_decorator=busy_retry())

    def data_client(self, endpoint, config=None):
        """The data-plane client for ``endpoint``; ``config`` is botocore Config options, e.g. max_pool_connections."""
        # The keyword is ``endpoint``: amazon.aws maps it to boto3's endpoint_url.
        options = {"config": config} if config else {}
        return self.client("mediastore-data", endpoint=endpoint, retry_decorator=transient_retry(), **options)

    def data_client_for(self, container=None, endpoint=None, control=None, timeout=DEFAULT_WAIT_TIMEOUT, config=None):
        """The data-plane client for a container given by name, or for an explicit data endpoint URL."""
        if not endpoint:
            control = control or self.control_client()
            endpoint = self.run(resolve_data_endpoint, control, container, timeout)
        return self.data_client(endpoint, config)

    def run(self, function, *args, **kwargs):
        """Call a function of this file, turning MediaStoreError and botocore errors into fail_json."""
        try:
            return function(*args, **kwargs)
        except MediaStoreError as error:
            if error.exception is not None:
                self.fail_json_aws(error.exception, msg=error.message)
            self.fail_json(msg=error.message)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            self.fail_json_aws(error, msg="MediaStore refused or failed the request")
