"""The control plane: awsJson 1.1 at POST /, the operation named by X-Amz-Target, one handler per operation.

A handler takes the service and the request's JSON object and returns the response's JSON object; the service
raises ``ServiceError`` for anything the request gets wrong.
"""

from collections import namedtuple

from mediastore_emulator.errors import ServiceError
from mediastore_emulator.model import MediaStore
from mediastore_emulator.validation import parse_json
from mediastore_emulator.wire import JSON_1_1, SMALL_BODY, Call, LazyBody, is_unsigned, json_response

TARGET_PREFIXES = ("MediaStore_20170901.", "ElementalMediaStoreService_20160711.")

# writes: whether the operation changes state when it succeeds (the journal's "write").
Operation = namedtuple("Operation", "handler writes")


def _create_container(service, params):
    return {"Container": service.create_container(params.get("ContainerName"), params.get("Tags"))}


def _describe_container(service, params):
    return {"Container": service.describe_container(params.get("ContainerName"))}


def _list_containers(service, params):
    return service.list_containers(params.get("MaxResults"), params.get("NextToken"))


def _start_access_logging(service, params):
    service.set_access_logging(params.get("ContainerName"), True)
    return {}


def _stop_access_logging(service, params):
    service.set_access_logging(params.get("ContainerName"), False)
    return {}


def _tag_resource(service, params):
    service.tag_resource(params.get("Resource"), params.get("Tags"))
    return {}


def _untag_resource(service, params):
    service.untag_resource(params.get("Resource"), params.get("TagKeys"))
    return {}


def _list_tags_for_resource(service, params):
    return {"Tags": service.list_tags(params.get("Resource"))}


def _on_container(method):
    """The handler of an operation that only names a container and answers {}."""

    def handler(service, params):
        method(service, params.get("ContainerName"))
        return {}

    return handler


def _put_policy(method, field):
    """The handler of a Put*Policy operation: the policy travels in ``field``."""

    def handler(service, params):
        method(service, params.get("ContainerName"), params.get(field))
        return {}

    return handler


def _get_policy(method, field):
    """The handler of a Get*Policy operation: the policy is answered in ``field``."""

    def handler(service, params):
        return {field: method(service, params.get("ContainerName"))}

    return handler


OPERATIONS = {
    "CreateContainer": Operation(_create_container, writes=True),
    "DeleteContainer": Operation(_on_container(MediaStore.delete_container), writes=True),
    "DescribeContainer": Operation(_describe_container, writes=False),
    "ListContainers": Operation(_list_containers, writes=False),
    "PutContainerPolicy": Operation(_put_policy(MediaStore.put_container_policy, "Policy"), writes=True),
    "GetContainerPolicy": Operation(_get_policy(MediaStore.get_container_policy, "Policy"), writes=False),
    "DeleteContainerPolicy": Operation(_on_container(MediaStore.delete_container_policy), writes=True),
    "PutCorsPolicy": Operation(_put_policy(MediaStore.put_cors_policy, "CorsPolicy"), writes=True),
    "GetCorsPolicy": Operation(_get_policy(MediaStore.get_cors_policy, "CorsPolicy"), writes=False),
    "DeleteCorsPolicy": Operation(_on_container(MediaStore.delete_cors_policy), writes=True),
    "PutLifecyclePolicy": Operation(_put_policy(MediaStore.put_lifecycle_policy, "LifecyclePolicy"), writes=True),
    "GetLifecyclePolicy": Operation(_get_policy(MediaStore.get_lifecycle_policy, "LifecyclePolicy"), writes=False),
    "DeleteLifecyclePolicy": Operation(_on_container(MediaStore.delete_lifecycle_policy), writes=True),
    "PutMetricPolicy": Operation(_put_policy(MediaStore.put_metric_policy, "MetricPolicy"), writes=True),
    "GetMetricPolicy": Operation(_get_policy(MediaStore.get_metric_policy, "MetricPolicy"), writes=False),
    "DeleteMetricPolicy": Operation(_on_container(MediaStore.delete_metric_policy), writes=True),
    "StartAccessLogging": Operation(_start_access_logging, writes=True),
    "StopAccessLogging": Operation(_stop_access_logging, writes=True),
    "TagResource": Operation(_tag_resource, writes=True),
    "UntagResource": Operation(_untag_resource, writes=True),
    "ListTagsForResource": Operation(_list_tags_for_resource, writes=False),
}


def _operation_name(request):
    target = request.headers.get("X-Amz-Target", "")
    operation = None
    for prefix in TARGET_PREFIXES:
        if target.startswith(prefix):
            operation = target[len(prefix) :]
    if request.method != "POST" or request.path != "/" or operation not in OPERATIONS:
        raise ServiceError("UnknownOperationException", f"Unknown operation {target or request.path!r}", 400)
    return operation


def _parse_params(body):
    """The request's JSON object, or None when the body is not one (or is refused: ``body.refusal()`` says why)."""
    try:
        params = parse_json(body() or b"{}")
    except (ServiceError, ValueError):
        return None
    return params if isinstance(params, dict) else None


def _container_named(params):
    """The container a request is about, for the journal: ContainerName, or the name in a Resource ARN."""
    if params is None:
        return None
    container = params.get("ContainerName")
    resource = params.get("Resource")
    if container is None and isinstance(resource, str) and "container/" in resource:
        container = resource.rsplit("container/", 1)[1]
    return container if isinstance(container, str) else None


class ControlPlane:
    def __init__(self, service):
        self.service = service

    def route(self, request):
        """The call this request makes; ServiceError when it names no operation."""
        operation = _operation_name(request)
        body = LazyBody(request, SMALL_BODY)
        params = _parse_params(body)

        def answer(anonymous):
            if anonymous:
                raise ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
            if params is None:
                raise ServiceError("SerializationException", "The request body is not a JSON object", 400)
            return json_response(OPERATIONS[operation].handler(self.service, params))

        journal = {
            "plane": "control",
            "operation": operation,
            "container": _container_named(params),
            "path": None,
            "write": OPERATIONS[operation].writes,
            "anonymous": is_unsigned(request),
        }
        return Call(journal=journal, answer=answer, body=body, error_content_type=JSON_1_1)
