# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The only code that talks to MediaStore: clients, errors, and one function per operation family.

Modules and the lookup never call a client: they call the functions below, which take a
``MediaStoreClients`` (control plane) or a ``DataPlane`` (one container's objects).  Every botocore
operation the collection uses is named here.  A failure is raised as ``MediaStoreServiceError`` (an
amazon.aws ``AnsibleAWSError``) naming the operation and the container, and the path for objects; modules
report it with ``fail_json_aws_error``, the lookup as ``AnsibleLookupError``.  Comparison and validation
live in the pure ``_*`` modules next to this one.
"""

import datetime
import io
import json
import math
import random
import time
from collections import namedtuple
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from contextlib import contextmanager
from functools import cached_property

try:
    import boto3
    import botocore
    import botocore.session
    import botocore.utils
    import urllib3
except ImportError:
    pass  # AnsibleAWSModule and AWSLookupBase report the missing SDK

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    get_aws_connection_info,
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._container import missing_container_problem
from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    ENDPOINT_IS_CONTROL_FIX,
    ENDPOINT_URL_IS_DATA_FIX,
    control_endpoint_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    CHUNK_BYTES,
    ChunkedBody,
    sha256_of_chunks,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._policies import (
    ACCESS_POLICY,
    CORS_POLICY,
    LIFECYCLE_POLICY,
    METRIC_POLICY,
    desired_policy,
    plan_change,
)

# Errors worth another try whatever the call (any 5xx is one too).
TRANSIENT_ERROR_CODES = ("ThrottlingException", "InternalServerError", "ServiceUnavailable")
# A container that is still CREATING, or being updated, answers ContainerInUseException to policy,
# tag and logging calls; those calls are retried on it too.  CreateContainer and DeleteContainer are
# not: there the error means "exists" or "not empty", and retrying would only delay the answer.
BUSY_ERROR_CODES = ("ContainerInUseException",)
DEFAULT_RETRY_BUDGET = 120.0
DEFAULT_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 20.0
# Retry options every module and the lookup take (doc fragment elemental.mediastore.retries).
RETRY_ARGUMENT_SPEC = dict(
    retry_budget=dict(type="float", default=DEFAULT_RETRY_BUDGET),
    retry_delay=dict(type="float", default=DEFAULT_RETRY_DELAY),
)
# Transport faults, retried like throttling.  Those of UNSENT_ERRORS happen before the request leaves; after
# any other the service may have carried the request out and only its answer was lost.
UNSENT_ERRORS = ("EndpointConnectionError", "ConnectTimeoutError")
TRANSPORT_ERRORS = UNSENT_ERRORS + (
    "ConnectionClosedError", "ReadTimeoutError", "ResponseStreamingError", "IncompleteReadError",
)

DEFAULT_WAIT_TIMEOUT = 300
POLL_INTERVAL = 1.0
LIST_CONTAINERS_PAGE_SIZE = 100  # the most ListContainers accepts
LIST_ITEMS_PAGE_SIZE = 1000
# Folders listed at once by a recursive walk of a task without max_concurrency: at 80 ms a request, 100 folders
# take 10 rounds instead of 25.  botocore's default pool holds 10 connections, so each listing keeps its own.
LIST_CONCURRENCY = 10
# A HEAD has no body, so a 404 may come back without the modelled error code.
OBJECT_MISSING_CODES = ["ObjectNotFoundException", "404", "NotFound"]
USER_AGENT = f"Ansible/{ANSIBLE_VERSION} elemental.mediastore"


class MediaStoreServiceError(AnsibleAWSError):
    """A request MediaStore refused or that failed, or a state the task cannot go on from.

    ``message`` names the container (and path); ``exception`` is the botocore error, when there is one.
    """


class MissingContainerError(MediaStoreServiceError):
    """The container a task names does not exist (or is being deleted).

    In check mode a later task may be looking at a container an earlier one would create: modules then
    predict their run against an empty container instead of failing.
    """


# AWS's answers to a request signed with an access key it does not know (the local endpoint gives the first).
UNKNOWN_ACCESS_KEY_CODES = ("UnrecognizedClientException", "InvalidClientTokenId")
# Messages end with these, then the SDK's own words.
CREDENTIALS_FIX = (
    "set the credentials with the access_key and secret_key options (for a whole play: module_defaults for "
    "group/elemental.mediastore.aws; a lookup takes them as arguments), the AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY environment variables, or a profile (the profile option or AWS_PROFILE)"
)
DATA_PLANE_OPERATIONS = ("DescribeObject", "GetObject", "PutObject", "DeleteObject", "ListItems")


def _missing_container(address):
    """The one message for a container that does not exist; ``address`` as ``data_plane`` makes it."""
    option = "endpoint" if address.startswith("at ") else "container"
    return MediaStoreServiceError(
        f"{option}: container {address} does not exist; create it first with elemental.mediastore.mediastore_container."
    )


def _failure(error, address, path=None, operation=None):
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
    if code == "ContainerNotFoundException" and address is not None:
        return _missing_container(address)
    record = getattr(error, "retry_record", None)
    # A ClientError names its operation; a BotoCoreError (dropped connection, bad credentials...) does not.
    operation = (
        getattr(error, "operation_name", None) or (record and record.operation) or operation or "A MediaStore request"
    )
    subject = ""
    if address is not None:
        subject = f" for container {address}, path {path!r}" if path else f" for container {address}"
    tries = ""
    if record and record.attempts > 1:
        tries = f" after {record.attempts} attempts in {record.seconds:.1f} s"
        if record.budget_spent:
            tries += f" (retry_budget {record.budget:g} s spent)"
    message = f"{operation} failed{subject}{tries}"
    # What AWS says in these cases does not tell which setting is wrong.
    if code in UNKNOWN_ACCESS_KEY_CODES:
        message += f": the access key is not known to the endpoint; {CREDENTIALS_FIX}"
    elif code == "UnknownOperationException" and operation in DATA_PLANE_OPERATIONS:
        message = (
            f"endpoint: {message}: the URL answers as MediaStore's control-plane endpoint, not as a container's "
            f"data endpoint; {ENDPOINT_IS_CONTROL_FIX}"
        )
    elif code == "MethodNotAllowedException" and operation not in DATA_PLANE_OPERATIONS:
        message = (
            f"endpoint_url: {message}: the URL answers as a container's data endpoint, not as MediaStore's "
            f"control-plane endpoint; {ENDPOINT_URL_IS_DATA_FIX}"
        )
    return MediaStoreServiceError(message, exception=error)


def _service_errors():
    """What a request can raise: botocore's errors, and urllib3's when a body read breaks off unwrapped."""
    return (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, urllib3.exceptions.ProtocolError)


@contextmanager
def _reporting(address=None, path=None, operation=None):
    """Raise a botocore failure inside as MediaStoreServiceError naming the container ``address`` (and path).

    ``address`` is how messages name the container: its name in quotes, or "at <data endpoint URL>".
    ``operation`` names the request when the error itself does not.
    """
    try:
        yield
    except _service_errors() as error:
        raise _failure(error, address, path, operation) from error


# ---------------------------------------------------------------------------------------------------- retries


# What a RetryPolicy attaches to the error it gives up on, as ``error.retry_record``.  ``answer_lost``: an
# earlier attempt may have been carried out (its answer was lost), so "exists" or "not found" now can be its doing.
RetryRecord = namedtuple("RetryRecord", ["operation", "attempts", "seconds", "budget", "budget_spent", "answer_lost"])


def _is_transport_fault(error):
    return type(error).__name__ in TRANSPORT_ERRORS or isinstance(error, urllib3.exceptions.ProtocolError)


def _api_operation(function):
    """The API name (PutObject) of a bound botocore client method, else None."""
    meta = getattr(getattr(function, "__self__", None), "meta", None)
    return getattr(meta, "method_to_api_mapping", {}).get(getattr(function, "__name__", None))


class RetryPolicy:
    """Retries a request on throttling, server errors and transport faults, with jittered exponential backoff,
    until it succeeds or ``budget`` seconds have passed since its first attempt.

    Used as a decorator (``policy(function)``), which is how amazon.aws's RetryingBotoClientWrapper and
    paginated_query_with_retries take a retry.  The first wait is about ``delay`` seconds, each next one about
    twice the last, at most MAX_RETRY_DELAY; each is drawn between half and all of that (jitter), so that
    parallel requests throttled together do not come back together.  botocore's own retries are off
    (``session_clients``), so every attempt is counted here.
    """

    def __init__(self, budget=DEFAULT_RETRY_BUDGET, delay=DEFAULT_RETRY_DELAY, extra_codes=(), clock=time.monotonic):
        self.budget = budget
        self.delay = delay
        self.codes = frozenset(TRANSIENT_ERROR_CODES + tuple(extra_codes))
        self._clock = clock

    def also_on(self, codes):
        """The same policy, also retrying the error ``codes``."""
        return RetryPolicy(self.budget, self.delay, tuple(self.codes) + tuple(codes), self._clock)

    def retries(self, error):
        if isinstance(error, botocore.exceptions.ClientError):
            response = error.response or {}
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            return response.get("Error", {}).get("Code") in self.codes or status >= 500
        return _is_transport_fault(error)

    def wait_before(self, attempt):
        """Seconds to wait before attempt number ``attempt`` (2 or more)."""
        ceiling = min(MAX_RETRY_DELAY, self.delay * 2 ** (attempt - 2))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def __call__(self, function):
        def retrying(*args, **kwargs):
            return self.run(function, *args, **kwargs)

        return retrying

    def run(self, function, *args, **kwargs):
        started = self._clock()
        attempt, answer_lost = 0, False
        while True:
            attempt += 1
            try:
                return function(*args, **kwargs)
            except _service_errors() as error:
                spent = self._clock() - started
                wait = self.wait_before(attempt + 1)
                retry = self.retries(error)
                if not retry or spent + wait > self.budget:
                    error.retry_record = RetryRecord(
                        _api_operation(function), attempt, spent, self.budget, retry, answer_lost
                    )
                    raise
                answer_lost = answer_lost or (
                    _is_transport_fault(error) and type(error).__name__ not in UNSENT_ERRORS
                )
            time.sleep(wait)


def _answer_was_lost(error):
    """True when an earlier attempt of the request that failed with ``error`` may have been carried out."""
    record = getattr(error, "retry_record", None)
    return bool(record and record.answer_lost)


def retry_option_problems(options):
    """Problems of the retry options (RETRY_ARGUMENT_SPEC) in ``options``."""
    problems = []
    budget, delay = options.get("retry_budget"), options.get("retry_delay")
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        problems.append(f"retry_budget: must be 0 or more seconds (0: no retry), got {budget}.")
    if delay is not None and not (math.isfinite(delay) and delay > 0):
        problems.append(f"retry_delay: must be more than 0 seconds, got {delay}.")
    return problems


def retry_policy(options):
    """The RetryPolicy the retry options in ``options`` ask for (checked with retry_option_problems)."""
    return RetryPolicy(options["retry_budget"], options["retry_delay"])


# ---------------------------------------------------------------------------------------------------- clients


# One container's data plane: its client, how messages name the container, and the retry for uploads.
DataPlane = namedtuple("DataPlane", ["client", "address", "retry"])


class MediaStoreClients:
    """The control- and data-plane clients of one task.

    ``new_client(service, endpoint=None, config=None)`` builds a plain botocore client (``session_clients``
    gives one that builds every client from one boto3 session).  The control client is built on first use,
    so a task that addresses a data endpoint directly never builds one.
    """

    def __init__(self, new_client, transient_retry=None, busy_retry=None):
        self._new_client = new_client
        self.transient_retry = transient_retry or RetryPolicy()
        self.busy_retry = busy_retry or self.transient_retry.also_on(BUSY_ERROR_CODES)

    @cached_property
    def _control_client(self):
        return self._new_client("mediastore")

    @cached_property
    def control(self):
        """Retries throttling and busy containers (with ``aws_retry=True``)."""
        return RetryingBotoClientWrapper(self._control_client, self.busy_retry)

    @cached_property
    def control_transient(self):
        """The same client retrying only throttling and server errors, for CreateContainer/DeleteContainer."""
        return RetryingBotoClientWrapper(self._control_client, self.transient_retry)

    def data_plane(self, container=None, endpoint=None, timeout=DEFAULT_WAIT_TIMEOUT, config=None):
        """The DataPlane of a container given by name, or by its data endpoint URL (then without any control call).

        ``config`` is botocore Config options, e.g. max_pool_connections.
        """
        address = repr(container) if container else f"at {endpoint}"
        if not endpoint:
            endpoint = resolve_data_endpoint(self, container, timeout)
        client = self._new_client("mediastore-data", endpoint=endpoint, config=config)
        return DataPlane(RetryingBotoClientWrapper(client, self.transient_retry), address, self.transient_retry)


def _merged_config(config, extra):
    if not extra:
        return config
    return config.merge(extra if isinstance(extra, botocore.config.Config) else botocore.config.Config(**extra))


def session_clients(region, endpoint_url, connect_params, retry=None):
    """MediaStoreClients building every client from one boto3 session, retrying with the RetryPolicy ``retry``.

    The first three arguments are what amazon.aws's ``get_aws_connection_info`` returns (modules and plugins
    each have one).  A session per client, as amazon.aws's ``client()`` makes, re-reads botocore's endpoint
    data each time: a measurable part of a module's start-up.
    """
    params = dict(connect_params)
    core_session = botocore.session.get_session()
    core_session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=read_timestamp)
    try:
        session = boto3.session.Session(botocore_session=core_session, profile_name=params.pop("profile_name", None))
    except botocore.exceptions.BotoCoreError as error:
        raise MediaStoreServiceError("Could not start an AWS session", exception=error) from error
    # One attempt per botocore call: the RetryPolicy retries, and counts every attempt against its budget.  An
    # aws_config that sets botocore's retries wins; those attempts then run inside each of the policy's.
    own_retries = botocore.config.Config(user_agent_extra=USER_AGENT, retries={"total_max_attempts": 1})
    base_config = _merged_config(own_retries, params.pop("aws_config", None))

    def new_client(service, endpoint=None, config=None):
        try:
            client = session.client(
                service, region_name=region, endpoint_url=endpoint or endpoint_url,
                config=_merged_config(base_config, config), **params
            )
            client.meta.events.register("after-call", refuse_truncated_answer)
            client.meta.events.register("before-parse.mediastore-data.ListItems", parse_list_items_answer)
        except botocore.exceptions.NoRegionError as error:
            raise MediaStoreServiceError(
                "A region is required and none was found in the region option, the environment or the AWS "
                "configuration."
            ) from error
        except (ValueError, botocore.exceptions.BotoCoreError) as error:
            raise MediaStoreServiceError(f"Could not create the {service} client", exception=error) from error
        if service == "mediastore":
            # botocore resolves the URL from the option or, without it, from the environment.
            source = "endpoint_url" if endpoint_url else "AWS_ENDPOINT_URL_MEDIASTORE (or AWS_ENDPOINT_URL)"
            problems = control_endpoint_problems(client.meta.endpoint_url, source)
            if problems:
                raise MediaStoreServiceError(" ".join(problems))
        return client

    return MediaStoreClients(new_client, retry)


def read_timestamp(value):
    """botocore's timestamp parser for this collection's clients: answers' epoch numbers straight to UTC datetimes.

    JSON answers (ListItems, DescribeContainer) carry epoch seconds, which botocore's own parser turns into
    datetimes in the controller's zone through dateutil, at about 20 µs each: a third of a no-op sync's
    own time at 1000 objects.  Header dates (DescribeObject) still go through botocore's parser.
    """
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return botocore.utils.parse_timestamp(value)


# The members of ListItems' Item, as the service model names them (a unit test compares the two).
LIST_ITEM_FIELDS = ("Name", "Type", "ETag", "LastModified", "ContentType", "ContentLength")


def parse_list_items_answer(response_dict, customized_response_dict, **_kwargs):
    """botocore's before-parse hook for ListItems: the answer's JSON read in one pass.

    botocore's parser walks the service model for every value of every item: about 1 ms of CPU an answer of 100
    items, 0.1 s of a no-op sync over 10,000 objects (bench/profile_sync.py parser).  This gives the same fields
    the same values (a unit test compares the two on every kind of answer) and leaves botocore an empty body to
    parse; anything else (an error, a body cut short, an unexpected shape) it leaves to botocore untouched.
    """
    if response_dict.get("status_code") != 200:
        return
    try:
        answer = json.loads(response_dict["body"])
        parsed = {}
        if answer.get("Items") is not None:
            parsed["Items"] = items = []
            for item in answer["Items"]:
                known = {key: value for key, value in item.items() if value is not None and key in LIST_ITEM_FIELDS}
                if "LastModified" in known:
                    known["LastModified"] = read_timestamp(known["LastModified"])
                items.append(known)
        if answer.get("NextToken") is not None:
            parsed["NextToken"] = answer["NextToken"]
    except (ValueError, TypeError, AttributeError):
        return
    customized_response_dict.update(parsed)
    response_dict["body"] = b"{}"


def refuse_truncated_answer(http_response, model, **_kwargs):
    """botocore's after-call hook: an answer shorter than its Content-Length is a transport fault.

    botocore parses a JSON answer that a dropped connection cut short as an empty one, so a ListItems cut
    half way would list no items at all, and a sync would take its objects for missing.
    """
    if model.has_streaming_output or model.http.get("method") == "HEAD":
        return  # the body is read later (GetObject), or there is none (DescribeObject)
    announced = http_response.headers.get("content-length", "")
    received = len(http_response.content or b"")
    if announced.isdigit() and received < int(announced):
        raise botocore.exceptions.IncompleteReadError(actual_bytes=received, expected_bytes=int(announced))


class MediaStoreModule(AnsibleAWSModule):
    """AnsibleAWSModule with the retry options (RETRY_ARGUMENT_SPEC), whose clients come from one session."""

    def __init__(self, argument_spec=None, **kwargs):
        super().__init__(argument_spec=dict(argument_spec or {}, **RETRY_ARGUMENT_SPEC), **kwargs)
        self._clients = None
        problems = retry_option_problems(self.params)
        if problems:
            self.fail_json(msg=" ".join(problems))

    def clients(self):
        """The task's MediaStoreClients, built once: every client of the task then shares one boto3 session."""
        if self._clients is None:
            self._clients = session_clients(*get_aws_connection_info(self), retry=retry_policy(self.params))
        return self._clients

    def data_plane_or_pending(self, pending_allowed=True, config=None):
        """The DataPlane of the options container or endpoint, or None in check mode (when ``pending_allowed``)
        if the container does not exist yet: the task then predicts its run in the new, empty container.
        """
        try:
            return self.clients().data_plane(self.params["container"], self.params["endpoint"], config=config)
        except MissingContainerError:
            if self.check_mode and pending_allowed:
                return None
            raise

    @classmethod
    def for_policy(cls, aspect, option, option_spec):
        """The module of mediastore_policy and mediastore_cors: options container, state, and ``option``.

        ``option`` (with ``option_spec``) is the policy ``aspect`` (see _policies) the module sets.
        """
        argument_spec = dict(
            container=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        )
        argument_spec[option] = option_spec
        required_if = [("state", "present", [option])]
        module = cls(argument_spec=argument_spec, required_if=required_if, supports_check_mode=True)
        module.policy_aspect, module.policy_option = aspect, option
        return module

    def run_policy_task(self, **unchanged_result):
        """The run of a module made by ``for_policy`` up to the report: ``(container, current, change)``.

        Checks the options before any client exists, then reads, compares and (unless in check mode) applies
        the policy of the container.  Without a container (absent, or being deleted) the task fails with
        state=present, and with state=absent exits unchanged with ``unchanged_result``: there is no policy
        to remove.  In check mode, state=present plans against the empty container an earlier task would
        create: ``container`` and ``current`` are then None.
        """
        aspect, option = self.policy_aspect, self.policy_option
        desired, problems = desired_policy(aspect, self.params, option)
        if problems:
            self.fail_json(msg=" ".join(problems))
        name = self.params["container"]
        try:
            clients = self.clients()
            container = settled_container(clients, name)
            missing = missing_container_problem(container, name)
            if missing and self.params["state"] == "present" and self.check_mode:
                return None, None, plan_change(aspect, None, desired)  # as if in the new, empty container
            if missing and self.params["state"] == "present":
                self.fail_json(msg=missing)
            if missing:
                self.exit_json(changed=False, diff={"before": {}, "after": {}}, **unchanged_result)
            problems = aspect.container_problems(desired, container["ARN"])
            if problems:
                self.fail_json(msg=" ".join(problems))
            current, change = converge_policy(clients, aspect, container, desired, self.check_mode)
        except MediaStoreServiceError as error:
            self.fail_json_aws_error(error)
        return container, current, change


# ---------------------------------------------------------------------------------------------------- containers


def describe_container(clients, name):
    """The container as DescribeContainer returns it, or None when there is no such container."""
    with _reporting(repr(name)):
        try:
            return clients.control.describe_container(ContainerName=name, aws_retry=True)["Container"]
        except is_boto3_error_code("ContainerNotFoundException"):
            return None


def list_containers(clients):
    """Every container of the account and region (ListContainers, through botocore's paginator)."""
    with _reporting(operation="ListContainers"):
        result = paginated_query_with_retries(
            clients.control, "list_containers", clients.busy_retry,
            PaginationConfig={"PageSize": LIST_CONTAINERS_PAGE_SIZE},
        )
    return result.get("Containers", [])


def wait_for_container(clients, name, status, timeout, sleep=time.sleep, clock=time.monotonic):
    """Poll DescribeContainer until the container has ``status`` ("ACTIVE"), or is gone (``status=None``).

    Returns the last description (None when gone).  MediaStore has no SDK waiter, hence the loop.
    """
    deadline = clock() + timeout
    while True:
        container = describe_container(clients, name)
        current = container["Status"] if container else None
        if current == status:
            return container
        if status is not None and container is None:
            raise MediaStoreServiceError(
                f"Container {name!r} disappeared while waiting for it to become {status}."
            )
        if clock() >= deadline:
            wanted = status or "deleted"
            raise MediaStoreServiceError(
                f"Timed out after {timeout} seconds waiting for container {name!r} to become {wanted} "
                f"(status is still {current}); raise wait_timeout or check the container later."
            )
        sleep(POLL_INTERVAL)


def settled_container(clients, name, timeout=DEFAULT_WAIT_TIMEOUT):
    """The container, waiting while it is CREATING (only then can its policies and tags be read); None if absent."""
    container = describe_container(clients, name)
    if container is not None and container.get("Status") == "CREATING":
        container = wait_for_container(clients, name, "ACTIVE", timeout)
    return container


def resolve_data_endpoint(clients, name, timeout=DEFAULT_WAIT_TIMEOUT):
    """The data endpoint of container ``name``, waiting while it is CREATING."""
    container = settled_container(clients, name, timeout)
    missing = missing_container_problem(container, name)
    if missing:
        raise MissingContainerError(missing)
    if container.get("Status") != "ACTIVE" or not container.get("Endpoint"):
        raise MediaStoreServiceError(
            f"Container {name!r} is {container.get('Status')} and has no data endpoint; "
            "objects can only be read or written while it is ACTIVE."
        )
    return container["Endpoint"]


def create_container(clients, name, tags=None):
    """CreateContainer; returns the new container (CREATING, without an endpoint)."""
    params = {"ContainerName": name}
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    with _reporting(repr(name)):
        try:
            return clients.control_transient.create_container(aws_retry=True, **params)["Container"]
        except is_boto3_error_code("ContainerInUseException") as error:
            if _answer_was_lost(error):  # "exists" then is this task's own earlier attempt
                return describe_container(clients, name)
            raise MediaStoreServiceError(
                f"Could not create container {name!r}: MediaStore says it exists already "
                "(created by someone else while this task ran?)",
                exception=error,
            ) from error
        except is_boto3_error_code("LimitExceededException") as error:  # pylint: disable=duplicate-except
            raise MediaStoreServiceError(
                f"Could not create container {name!r}: the account has reached its container quota (100 per region)",
                exception=error,
            ) from error


def delete_container(clients, name):
    """DeleteContainer; a container already gone (deleted by someone else meanwhile) is no failure."""
    with _reporting(repr(name)):
        try:
            clients.control_transient.delete_container(ContainerName=name, aws_retry=True)
        except is_boto3_error_code("ContainerNotFoundException"):
            pass
        except is_boto3_error_code("ContainerInUseException") as error:  # pylint: disable=duplicate-except
            # After a lost answer, "in use" can be this task's own earlier attempt: the container is DELETING.
            if _answer_was_lost(error) and _is_deleting_or_gone(describe_container(clients, name)):
                return
            raise MediaStoreServiceError(
                f"MediaStore refused to delete container {name!r}: it is not empty (objects were added "
                "while this task ran?) or is busy. Set force: true to delete every object in it first",
                exception=error,
            ) from error


def _is_deleting_or_gone(container):
    return container is None or container.get("Status") == "DELETING"


def read_tags(clients, container):
    """The tags of a described container, as a dictionary."""
    with _reporting(repr(container["Name"])):
        answer = clients.control.list_tags_for_resource(Resource=container["ARN"], aws_retry=True)
    return boto3_tag_list_to_ansible_dict(answer.get("Tags", []))


def update_tags(clients, container, to_set, to_unset):
    """Remove the keys ``to_unset``, then set ``to_set`` (TagResource merges) on a described container."""
    with _reporting(repr(container["Name"])):
        if to_unset:
            clients.control.untag_resource(Resource=container["ARN"], TagKeys=to_unset, aws_retry=True)
        if to_set:
            tag_list = ansible_dict_to_boto3_tag_list(to_set)
            clients.control.tag_resource(Resource=container["ARN"], Tags=tag_list, aws_retry=True)


def set_access_logging(clients, name, enabled):
    with _reporting(repr(name)):
        if enabled:
            clients.control.start_access_logging(ContainerName=name, aws_retry=True)
        else:
            clients.control.stop_access_logging(ContainerName=name, aws_retry=True)


# ---------------------------------------------------------------------------------------------------- policies


def _policy_operations(control, aspect):
    """The (get, put, delete) operations of policy ``aspect`` (see _policies) on ``control``."""
    return {
        ACCESS_POLICY: (control.get_container_policy, control.put_container_policy, control.delete_container_policy),
        CORS_POLICY: (control.get_cors_policy, control.put_cors_policy, control.delete_cors_policy),
        LIFECYCLE_POLICY: (
            control.get_lifecycle_policy, control.put_lifecycle_policy, control.delete_lifecycle_policy
        ),
        METRIC_POLICY: (control.get_metric_policy, control.put_metric_policy, control.delete_metric_policy),
    }[aspect]


def read_policy(clients, aspect, name):
    """Policy ``aspect`` of container ``name`` in its comparison form; None when the container has none."""
    get, _put, _delete = _policy_operations(clients.control, aspect)
    with _reporting(repr(name)):
        try:
            return aspect.from_api(get(ContainerName=name, aws_retry=True)[aspect.member])
        except is_boto3_error_code(aspect.not_found):
            return None


def converge_policy(clients, aspect, container, desired, check_mode):
    """``(current, change)``: read policy ``aspect`` of a described container, plan, and apply unless check_mode."""
    current = read_policy(clients, aspect, container["Name"])
    change = plan_change(aspect, current, desired, container["ARN"])
    if not check_mode:
        apply_policy_change(clients, aspect, container["Name"], change)
    return current, change


def read_policies(clients, name, aspects):
    """``{aspect.name: policy}`` for every aspect of ``aspects``, read in that order."""
    return {aspect.name: read_policy(clients, aspect, name) for aspect in aspects}


def apply_policy_change(clients, aspect, name, change):
    """Make a _policies.Change: put ``change.after``, or delete the policy (one already gone is no failure)."""
    _get, put, delete = _policy_operations(clients.control, aspect)
    with _reporting(repr(name)):
        if change.action == "put":
            put(ContainerName=name, aws_retry=True, **{aspect.member: aspect.to_api(change.after)})
        elif change.action == "delete":
            try:
                delete(ContainerName=name, aws_retry=True)
            except is_boto3_error_code(aspect.not_found):
                pass


# ---------------------------------------------------------------------------------------------------- objects


def describe_object(data, path):
    """The object's metadata (DescribeObject), or None when there is no such object."""
    with _reporting(data.address, path):
        try:
            return data.client.describe_object(Path=path, aws_retry=True)
        except is_boto3_error_code(OBJECT_MISSING_CODES):
            return None


def stream_object(data, path, sink=None):
    """SHA-256 and size of the object's content, streamed (and written to ``sink`` when given).

    A read that breaks off is retried from the start, ``sink`` emptied first (it must be seekable).
    """

    def read_once():
        if sink is not None:
            sink.seek(0)
            sink.truncate()
        body = data.client.get_object(Path=path)["Body"]
        try:
            return sha256_of_chunks(body.iter_chunks(CHUNK_BYTES), sink=sink)
        finally:
            body.close()

    with _reporting(data.address, path, "GetObject"):
        return data.retry(read_once)()


def object_sha256(data, path, pace=None):
    """SHA-256 of the object's content. ``pace()`` runs before the read."""
    if pace is not None:
        pace()
    return stream_object(data, path)[0]


def put_object(data, path, content, sha256, content_type, cache_control=None, storage_class=None,
               upload_availability=None, source="the content", require_sha256=False):
    """PutObject, then check the ContentSHA256 the service returns against ``sha256``; returns the response.

    ``content`` is the bytes to send, or a function giving a fresh binary file object for every attempt, so
    that a retry never sends a consumed body.  ``upload_availability`` "streaming" sends the body chunked, as
    MediaStore requires; None leaves the header out (the service's default, standard).  A response without
    ContentSHA256 fails only with ``require_sha256``; ``source`` names the content in the error (an option, or
    a file).
    """
    params = {"Path": path, "ContentType": content_type}
    if cache_control:
        params["CacheControl"] = cache_control
    if storage_class:
        params["StorageClass"] = storage_class
    if upload_availability:
        params["UploadAvailability"] = upload_availability.upper()

    def put_once():
        if upload_availability != "streaming" and isinstance(content, bytes):
            # botocore signs and sends bytes with less work than a file object, which it reads and rewinds.
            return data.client.put_object(Body=content, **params)
        with (io.BytesIO(content) if isinstance(content, bytes) else content()) as body:
            if upload_availability == "streaming":
                body = ChunkedBody(body)
            return data.client.put_object(Body=body, **params)

    with _reporting(data.address, path, "PutObject"):
        response = data.retry(put_once)()
    stored_sha256 = (response.get("ContentSHA256") or "").lower()
    if stored_sha256 != sha256 and (stored_sha256 or require_sha256):
        raise MediaStoreServiceError(
            f"MediaStore stored {path!r} with SHA-256 {stored_sha256 or 'unknown'} but {source} has SHA-256 "
            f"{sha256}: the stored object is not what was sent. It has been written; upload it again."
        )
    return response


def delete_object(data, path):
    """DeleteObject; False when the object was already gone (not when this call's own lost attempt removed it)."""
    with _reporting(data.address, path):
        try:
            data.client.delete_object(Path=path, aws_retry=True)
        except is_boto3_error_code("ObjectNotFoundException") as error:
            return _answer_was_lost(error)
    return True


# ---------------------------------------------------------------------------------------------------- listing


def container_is_empty(data):
    """True when the container holds no item at all (one ListItems call)."""
    with _reporting(data.address):
        return not data.client.list_items(MaxResults=1, aws_retry=True).get("Items")


def list_folder(data, path, page_size=LIST_ITEMS_PAGE_SIZE):
    """Every item of one folder (one level), through botocore's ListItems paginator.

    ``path`` is "" for the root.  A folder that does not exist lists as empty.
    Each item gets a ``Path`` key: its full path from the container root.
    """
    params = {"Path": path} if path else {}
    with _reporting(data.address, path or None, "ListItems"):
        result = paginated_query_with_retries(
            data.client, "list_items", data.retry, PaginationConfig={"PageSize": page_size}, **params
        )
    items = result.get("Items", [])
    for item in items:
        item["Path"] = f"{path}/{item['Name']}" if path else item["Name"]
    return items


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
