"""The data plane (restJson1) under /data/<endpoint-id>/: objects by method and greedy path, ListItems, CORS.

PUT/GET/HEAD/DELETE <endpoint>/<path> are Put/Get/Describe/DeleteObject; GET <endpoint>[/] is ListItems;
OPTIONS is a CORS preflight. A request with an Origin that a CORS rule of the container allows gets that rule's
response headers, whatever its outcome.
"""

import re
from collections import namedtuple
from urllib.parse import unquote

from werkzeug.http import http_date
from werkzeug.wrappers import Response

from mediastore_emulator import evaluation
from mediastore_emulator.errors import ServiceError, validation_error
from mediastore_emulator.model import MAX_OBJECT_SIZE
from mediastore_emulator.wire import (
    REST_JSON,
    BodyLimit,
    Call,
    LazyBody,
    is_unsigned,
    json_response,
    raw_path_and_query,
)

DATA_PATH_RE = re.compile(r"^/data/([^/?]+)(/.*)?$", re.DOTALL)
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A Range position with more digits than this is past the end of any object (and int() refuses thousands).
MAX_POSITION_DIGITS = 18
OBJECT_BODY = BodyLimit(MAX_OBJECT_SIZE, "Object size")

# writes: whether the operation changes state when it succeeds (the journal's "write").
Operation = namedtuple("Operation", "handler writes")
# What a handler gets: the container, the decoded object path, the request and its (lazily read) body.
ObjectRequest = namedtuple("ObjectRequest", "container path request body")


def claims(environ):
    """Whether a request belongs to the data plane."""
    return DATA_PATH_RE.match(raw_path_and_query(environ)[0]) is not None


def _operation_name(method, object_part):
    if method == "GET":
        return "ListItems" if not object_part.strip("/") else "GetObject"
    return {"PUT": "PutObject", "HEAD": "DescribeObject", "DELETE": "DeleteObject"}.get(method)


def _list_items(service, object_request):
    args = object_request.request.args
    max_results = args.get("MaxResults")
    if max_results is not None:
        try:
            max_results = int(max_results)
        except ValueError:
            raise validation_error("MaxResults must be an integer from 1 to 1000") from None
    result = service.list_items(object_request.container, args.get("Path"), max_results, args.get("NextToken"))
    return json_response(result)


def _put_object(service, object_request):
    headers = object_request.request.headers
    result = service.put_object(
        object_request.container,
        object_request.path,
        object_request.body(),
        content_type=headers.get("Content-Type"),
        cache_control=headers.get("Cache-Control"),
        storage_class=headers.get("x-amz-storage-class"),
        upload_availability=headers.get("x-amz-upload-availability"),
    )
    return json_response(result)


def _delete_object(service, object_request):
    service.delete_object(object_request.container, object_request.path)
    return Response(b"", 200)


def _describe_object(service, object_request):
    meta = service.describe_object(object_request.container, object_request.path)
    response = Response(b"", 200)
    _set_object_headers(response, meta)
    response.headers["Content-Length"] = str(meta["size"])
    return response


def _get_object(service, object_request):
    meta, data = service.get_object(object_request.container, object_request.path)
    status, content_range, data = _apply_range(object_request.request.headers.get("Range"), data)
    response = Response(data, status)
    _set_object_headers(response, meta)
    response.headers["Content-Length"] = str(len(data))
    if content_range:
        response.headers["Content-Range"] = content_range
    return response


OPERATIONS = {
    "ListItems": Operation(_list_items, writes=False),
    "PutObject": Operation(_put_object, writes=True),
    "GetObject": Operation(_get_object, writes=False),
    "DescribeObject": Operation(_describe_object, writes=False),
    "DeleteObject": Operation(_delete_object, writes=True),
}


def _set_object_headers(response, meta):
    response.headers["Content-Type"] = meta["content_type"]
    response.headers["ETag"] = meta["etag"]
    response.headers["Last-Modified"] = http_date(meta["last_modified"])
    if meta.get("cache_control"):
        response.headers["Cache-Control"] = meta["cache_control"]


def _position(digits):
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_POSITION_DIGITS else 10**MAX_POSITION_DIGITS


def _apply_range(header, data):
    """(status, Content-Range or None, bytes to send) for a Range header (one range, as MediaStore serves)."""
    if not header:
        return 200, None, data
    size = len(data)
    match = RANGE_RE.match(header.strip())
    unsatisfiable = ServiceError(
        "RequestedRangeNotSatisfiableException", f"The range {header[:80]!r} cannot be satisfied for {size} bytes", 416
    )
    if not match or match.groups() == ("", ""):
        raise unsatisfiable
    first, last = match.groups()
    if first == "":
        length = _position(last)
        if length == 0 or size == 0:
            raise unsatisfiable
        start, end = max(0, size - length), size - 1
    else:
        start = _position(first)
        end = size - 1 if last == "" else min(_position(last), size - 1)
        if start >= size or (last != "" and _position(last) < start):
            raise unsatisfiable
    return 206, f"bytes {start}-{end}/{size}", data[start : end + 1]


class DataPlane:
    def __init__(self, service):
        self.service = service

    def _find_container(self, endpoint_id):
        try:
            return self.service.container_for_endpoint(endpoint_id)
        except ServiceError:
            return None

    def route(self, request):
        """The call this request makes; ServiceError for a method the data plane does not serve."""
        raw_path, _raw_query = raw_path_and_query(request.environ)
        endpoint_id, object_part = DATA_PATH_RE.match(raw_path).groups()
        # Bytes that are not UTF-8 become U+FFFD, which path validation then refuses with a clear message.
        object_part = unquote(object_part or "", encoding="utf-8", errors="replace")
        container = self._find_container(endpoint_id)
        if request.method == "OPTIONS":
            return self._preflight(request, container, object_part)
        operation = _operation_name(request.method, object_part)
        if operation is None:
            raise ServiceError("MethodNotAllowedException", f"{request.method} is not supported here", 405)
        display_path = request.args.get("Path") if operation == "ListItems" else object_part.lstrip("/")
        body = LazyBody(request, OBJECT_BODY, length_required=True) if operation == "PutObject" else LazyBody(request)

        def answer(anonymous):
            if container is None:
                self.service.container_for_endpoint(endpoint_id)  # raises the 404
            if anonymous:
                self._authorize_anonymous(request, container, operation, display_path or "")
            return OPERATIONS[operation].handler(self.service, ObjectRequest(container, object_part, request, body))

        journal = {
            "plane": "data",
            "operation": operation,
            "container": container.name if container else None,
            "path": display_path or None,
            "write": OPERATIONS[operation].writes,
            "anonymous": is_unsigned(request),
        }
        return Call(
            journal=journal,
            answer=answer,
            body=body,
            error_content_type=REST_JSON,
            head=request.method == "HEAD",
            decorate=self._cors_decorator(container, request),
            drop_after_headers=request.method == "GET",
        )

    def _cors_decorator(self, container, request):
        """What adds the CORS response headers of the rule that allows this request (nothing without one)."""
        origin = request.headers.get("Origin")
        rules = self.service.cors_rules(container) if container is not None and origin else None
        rule = evaluation.match_cors_rule(rules, origin, request.method) if rules else None

        def decorate(response):
            if rule is not None:
                response.headers.extend(evaluation.cors_headers(rule, origin))
            return response

        return decorate

    def _authorize_anonymous(self, request, container, operation, path):
        context = {"secure_transport": request.scheme == "https", "source_ip": request.remote_addr or ""}
        if not self.service.allows_anonymous(container, f"mediastore:{operation}", path, context):
            raise ServiceError(
                "AccessDeniedException", f"Access denied for anonymous {operation} on {path or '/'}", 403
            )

    def _preflight(self, request, container, object_part):
        origin = request.headers.get("Origin")
        method = request.headers.get("Access-Control-Request-Method")
        requested = evaluation.parse_request_headers(request.headers.get("Access-Control-Request-Headers"))

        def answer(_anonymous):
            if container is None:
                raise ServiceError("ContainerNotFoundException", "No container has this endpoint", 404)
            rules = self.service.cors_rules(container)
            rule = evaluation.match_cors_rule(rules, origin, method, requested) if method else None
            if rule is None:
                raise ServiceError("AccessDeniedException", "CORSResponse: This CORS request is not allowed.", 403)
            response = Response(b"", 200)
            response.headers.extend(evaluation.cors_headers(rule, origin, requested, preflight=True))
            return response

        journal = {
            "plane": "data",
            "operation": "CorsPreflight",
            "container": container.name if container else None,
            "path": object_part.lstrip("/") or None,
            "write": False,
            "anonymous": True,
        }
        return Call(
            journal=journal, answer=answer, body=LazyBody(request), error_content_type=REST_JSON, screened=False
        )
