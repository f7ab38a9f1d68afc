"""The HTTP face: a werkzeug WSGI app with the control plane, the container data plane and the test hooks.

POST /                        control plane, awsJson 1.1, X-Amz-Target: MediaStore_20170901.<Op>
/data/<endpoint-id>/<path>    data plane (restJson1): PUT/GET/HEAD/DELETE objects, GET <endpoint>[/] = ListItems
/_emulator/...                test hooks (never journaled, never signed)
"""

import json
import random
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from urllib.parse import unquote

from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from mediastore_emulator import evaluation
from mediastore_emulator.errors import ServiceError, validation_error
from mediastore_emulator.model import MAX_OBJECT_SIZE

TARGET_PREFIXES = ("MediaStore_20170901.", "ElementalMediaStoreService_20160711.")
DATA_PATH_RE = re.compile(r"^/data/([^/?]+)(/.*)?$", re.DOTALL)
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")

# Operation → (method name on MediaStore, whether it writes when it succeeds).
CONTROL_OPERATIONS = {
    "CreateContainer": True,
    "DeleteContainer": True,
    "DescribeContainer": False,
    "ListContainers": False,
    "PutContainerPolicy": True,
    "GetContainerPolicy": False,
    "DeleteContainerPolicy": True,
    "PutCorsPolicy": True,
    "GetCorsPolicy": False,
    "DeleteCorsPolicy": True,
    "PutLifecyclePolicy": True,
    "GetLifecyclePolicy": False,
    "DeleteLifecyclePolicy": True,
    "PutMetricPolicy": True,
    "GetMetricPolicy": False,
    "DeleteMetricPolicy": True,
    "StartAccessLogging": True,
    "StopAccessLogging": True,
    "TagResource": True,
    "UntagResource": True,
    "ListTagsForResource": False,
}
DATA_WRITES = {"PutObject": True, "DeleteObject": True}
FAULT_KINDS = {
    "ThrottlingException": (400, "Rate exceeded"),
    "InternalServerError": (500, "The service encountered an internal error (injected fault)"),
    "drop": None,
}
# Headroom above the largest accepted object: a body beyond it is refused, read to the end so the client
# sees the error instead of a reset, up to this many bytes.
MAX_DRAIN = 256 * 1024 * 1024


DROP_AFTER_HEADERS = object()


class DropConnection(ConnectionResetError):
    """Raised after the socket is shut down; werkzeug's server treats it as a dropped connection."""


def drop_connection(environ):
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise DropConnection("connection dropped by an injected fault")


class Journal:
    def __init__(self, limit=200_000):
        self._entries = []
        self._seq = 0
        self._limit = limit
        self._lock = threading.Lock()

    def record(self, **entry):
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, "time": round(time.time(), 3), **entry})
            if len(self._entries) > self._limit:
                del self._entries[: len(self._entries) - self._limit]

    def since(self, seq):
        with self._lock:
            entries = [e for e in self._entries if e["seq"] > seq]
            return {"entries": entries, "next": max(seq, self._seq)}

    def clear(self):
        # Sequence numbers keep growing so a mark taken before a reset never hides later entries.
        with self._lock:
            self._entries.clear()


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        self.rules = []
        self.seed = None
        self._rng = random.Random()

    def configure(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
            raise ValueError('body must be {"rules": [...], "seed": N}')
        rules = []
        for index, rule in enumerate(body["rules"]):
            if not isinstance(rule, dict):
                raise ValueError(f"rules[{index}] must be an object")
            operation = rule.get("operation")
            fault = rule.get("fault")
            rate = rule.get("rate", 1.0)
            count = rule.get("count")
            if not isinstance(operation, str) or not operation:
                raise ValueError(f'rules[{index}].operation must be an operation name or "*"')
            if fault not in FAULT_KINDS:
                raise ValueError(f"rules[{index}].fault must be one of {', '.join(FAULT_KINDS)}")
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
                raise ValueError(f"rules[{index}].rate must be a number from 0 to 1")
            if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
                raise ValueError(f"rules[{index}].count must be null or an integer >= 0")
            rules.append({"operation": operation, "fault": fault, "rate": float(rate), "count": count})
        seed = body.get("seed")
        with self._lock:
            self.rules = rules
            self.seed = seed
            self._rng = random.Random(seed)

    def pick(self, operation):
        with self._lock:
            for rule in self.rules:
                if rule["operation"] not in ("*", operation) or rule["count"] == 0:
                    continue
                if self._rng.random() < rule["rate"]:
                    if rule["count"] is not None:
                        rule["count"] -= 1
                    return rule["fault"]
            return None

    def describe(self):
        with self._lock:
            return {"rules": [dict(r) for r in self.rules], "seed": self.seed}


def _json_response(payload, status=200, request_id=None):
    response = Response(json.dumps(payload), status=status, content_type="application/x-amz-json-1.1")
    if request_id:
        response.headers["x-amzn-RequestId"] = request_id
    return response


def _error_response(error, request_id, head=False, content_type="application/x-amz-json-1.1"):
    body = b"" if head else json.dumps({"__type": error.code, "Message": error.message}).encode("utf-8")
    response = Response(body, status=error.status, content_type=content_type)
    response.headers["x-amzn-ErrorType"] = error.code
    response.headers["x-amzn-RequestId"] = request_id
    return response


def _unsigned(request):
    return "Authorization" not in request.headers and "X-Amz-Signature" not in request.args


def _raw_path_and_query(environ):
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    path, _separator, query = raw.partition("?")
    return path, query


class EmulatorApp:
    def __init__(self, service, authenticator, create_delay, delete_delay):
        self.service = service
        self.authenticator = authenticator
        self.defaults = {"create_delay": float(create_delay), "delete_delay": float(delete_delay)}
        self.journal = Journal()
        self.faults = Faults()

    def __call__(self, environ, start_response):
        request = Request(environ)
        request_id = str(uuid.uuid4())
        try:
            if request.path.startswith("/_emulator/"):
                response = self.hook(request)
            elif DATA_PATH_RE.match(_raw_path_and_query(environ)[0]):
                response = self.data_plane(request, request_id)
            else:
                response = self.control_plane(request, request_id)
        except DropConnection:
            raise
        except Exception as exc:  # an emulator bug must still answer like the service would
            traceback.print_exc(file=sys.stderr)
            response = _error_response(
                ServiceError("InternalServerError", f"Emulator error: {type(exc).__name__}: {exc}", 500), request_id
            )
        response.headers.setdefault("x-amzn-RequestId", request_id)
        return response(environ, start_response)

    # --- hooks ------------------------------------------------------------------------------------------

    def hook(self, request):
        name = request.path[len("/_emulator/") :].strip("/")
        raw = request.get_data(cache=True, parse_form_data=False) if request.method == "POST" else b""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return Response(json.dumps({"error": "body must be JSON"}), 400, content_type="application/json")

        def reply(payload, status=200):
            return Response(json.dumps(payload), status, content_type="application/json")

        if name == "health" and request.method == "GET":
            return reply({"status": "ok", **self.service.counts()})
        if name == "reset" and request.method == "POST":
            self.service.reset()
            self.journal.clear()
            self.faults.clear()
            self.service.create_delay = self.defaults["create_delay"]
            self.service.delete_delay = self.defaults["delete_delay"]
            return reply({"status": "ok"})
        if name == "journal" and request.method == "GET":
            try:
                since = int(request.args.get("since", "0") or 0)
            except ValueError:
                return reply({"error": "since must be an integer"}, 400)
            return reply(self.journal.since(since))
        if name == "faults":
            if request.method == "POST":
                try:
                    self.faults.configure(body)
                except ValueError as exc:
                    return reply({"error": str(exc)}, 400)
            return reply(self.faults.describe())
        if name == "config":
            if request.method == "POST":
                if not isinstance(body, dict) or set(body) - {"create_delay", "delete_delay"}:
                    return reply({"error": "config takes create_delay and delete_delay only"}, 400)
                for key, value in body.items():
                    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                        return reply({"error": f"{key} must be a number >= 0"}, 400)
                for key, value in body.items():
                    setattr(self.service, key, float(value))
            return reply({"create_delay": self.service.create_delay, "delete_delay": self.service.delete_delay})
        return reply({"error": f"no hook {request.method} /_emulator/{name}"}, 404)

    # --- shared steps -----------------------------------------------------------------------------------

    def _authenticate(self, request, read_body):
        path, query = _raw_path_and_query(request.environ)
        headers = list(request.headers.items())
        return self.authenticator.verify(request.method, path, query, headers, read_body)

    def _inject(self, operation, plane, request_id, request, journal_base, head=False):
        """The error response for an injected fault, None without one, or DROP_AFTER_HEADERS for a data-plane GET
        that must fail half-way through its body. Any other ``drop`` cuts the connection here."""
        fault = self.faults.pick(operation)
        if fault is None:
            return None
        if fault == "drop":
            self.journal.record(**journal_base, status=None, error=None, fault="drop")
            if request.method == "PUT":
                request.stream.read(max(1, (request.content_length or 131072) // 2))
            if request.method == "GET" and plane == "data":
                return DROP_AFTER_HEADERS
            drop_connection(request.environ)
        status, message = FAULT_KINDS[fault]
        self.journal.record(**journal_base, status=status, error=fault, fault=fault)
        return _error_response(ServiceError(fault, message, status), request_id, head=head)

    # --- control plane ----------------------------------------------------------------------------------

    def control_plane(self, request, request_id):
        target = request.headers.get("X-Amz-Target", "")
        operation = None
        for prefix in TARGET_PREFIXES:
            if target.startswith(prefix):
                operation = target[len(prefix) :]
        if request.method != "POST" or request.path != "/" or operation not in CONTROL_OPERATIONS:
            error = ServiceError("UnknownOperationException", f"Unknown operation {target or request.path!r}", 400)
            return _error_response(error, request_id)
        raw_body = request.get_data(cache=True)
        try:
            params = json.loads(raw_body or b"{}")
            if not isinstance(params, dict):
                raise ValueError("not an object")
        except ValueError:
            params = None
        container = None
        if isinstance(params, dict):
            container = params.get("ContainerName")
            resource = params.get("Resource")
            if container is None and isinstance(resource, str) and "container/" in resource:
                container = resource.rsplit("container/", 1)[1]
            if not isinstance(container, str):
                container = None
        base = {
            "plane": "control",
            "operation": operation,
            "container": container,
            "path": None,
            "write": CONTROL_OPERATIONS[operation],
            "anonymous": _unsigned(request),
        }
        injected = self._inject(operation, "control", request_id, request, base)
        if injected is not None:
            return injected
        try:
            if self._authenticate(request, lambda: raw_body) is None:
                raise ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
            if params is None:
                raise ServiceError("SerializationException", "The request body is not a JSON object", 400)
            payload = self._control_call(operation, params)
        except ServiceError as error:
            self.journal.record(**base, status=error.status, error=error.code, fault=None)
            return _error_response(error, request_id)
        self.journal.record(**base, status=200, error=None, fault=None)
        return _json_response(payload, 200, request_id)

    def _control_call(self, operation, params):
        service = self.service
        name = params.get("ContainerName")
        if operation == "CreateContainer":
            return {"Container": service.create_container(name, params.get("Tags"))}
        if operation == "DeleteContainer":
            service.delete_container(name)
            return {}
        if operation == "DescribeContainer":
            return {"Container": service.describe_container(name)}
        if operation == "ListContainers":
            return service.list_containers(params.get("MaxResults"), params.get("NextToken"))
        if operation == "PutContainerPolicy":
            service.put_container_policy(name, params.get("Policy"))
            return {}
        if operation == "GetContainerPolicy":
            return {"Policy": service.get_container_policy(name)}
        if operation == "DeleteContainerPolicy":
            service.delete_container_policy(name)
            return {}
        if operation == "PutCorsPolicy":
            service.put_cors_policy(name, params.get("CorsPolicy"))
            return {}
        if operation == "GetCorsPolicy":
            return {"CorsPolicy": service.get_cors_policy(name)}
        if operation == "DeleteCorsPolicy":
            service.delete_cors_policy(name)
            return {}
        if operation == "PutLifecyclePolicy":
            service.put_lifecycle_policy(name, params.get("LifecyclePolicy"))
            return {}
        if operation == "GetLifecyclePolicy":
            return {"LifecyclePolicy": service.get_lifecycle_policy(name)}
        if operation == "DeleteLifecyclePolicy":
            service.delete_lifecycle_policy(name)
            return {}
        if operation == "PutMetricPolicy":
            service.put_metric_policy(name, params.get("MetricPolicy"))
            return {}
        if operation == "GetMetricPolicy":
            return {"MetricPolicy": service.get_metric_policy(name)}
        if operation == "DeleteMetricPolicy":
            service.delete_metric_policy(name)
            return {}
        if operation in ("StartAccessLogging", "StopAccessLogging"):
            service.set_access_logging(name, operation == "StartAccessLogging")
            return {}
        if operation == "TagResource":
            service.tag_resource(params.get("Resource"), params.get("Tags"))
            return {}
        if operation == "UntagResource":
            service.untag_resource(params.get("Resource"), params.get("TagKeys"))
            return {}
        if operation == "ListTagsForResource":
            return {"Tags": service.list_tags(params.get("Resource"))}
        raise ServiceError("UnknownOperationException", f"Unknown operation {operation}")

    # --- data plane -------------------------------------------------------------------------------------

    @staticmethod
    def _data_operation(method, object_part):
        if method == "GET":
            return "ListItems" if not object_part.strip("/") else "GetObject"
        return {"PUT": "PutObject", "HEAD": "DescribeObject", "DELETE": "DeleteObject"}.get(method)

    def _find_container(self, endpoint_id):
        try:
            return self.service.container_for_endpoint(endpoint_id)
        except ServiceError:
            return None

    def _cors_for(self, container, request, method):
        origin = request.headers.get("Origin")
        if container is None or not origin or not container.cors:
            return None
        return evaluation.match_cors_rule(container.cors, origin, method)

    def data_plane(self, request, request_id):
        raw_path, _raw_query = _raw_path_and_query(request.environ)
        endpoint_id, object_part = DATA_PATH_RE.match(raw_path).groups()
        # Bytes that are not UTF-8 become U+FFFD, which path validation then refuses with a clear message.
        object_part = unquote(object_part or "", encoding="utf-8", errors="replace")
        container = self._find_container(endpoint_id)
        if request.method == "OPTIONS":
            return self.preflight(request, request_id, container, object_part)
        operation = self._data_operation(request.method, object_part)
        head = request.method == "HEAD"
        if operation is None:
            error = ServiceError("MethodNotAllowedException", f"{request.method} is not supported here", 405)
            return _error_response(error, request_id)
        display_path = request.args.get("Path") if operation == "ListItems" else object_part.lstrip("/")
        base = {
            "plane": "data",
            "operation": operation,
            "container": container.name if container else None,
            "path": display_path or None,
            "write": DATA_WRITES.get(operation, False),
            "anonymous": _unsigned(request),
        }
        cors_rule = self._cors_for(container, request, request.method)

        def finish(response):
            if cors_rule is not None:
                response.headers.extend(evaluation.cors_headers(cors_rule, request.headers["Origin"]))
            return response

        injected = self._inject(operation, "data", request_id, request, base, head=head)
        drop_after_headers = injected is DROP_AFTER_HEADERS
        if injected is not None and not drop_after_headers:
            return finish(injected)
        body_cache = []

        def read_body():
            if not body_cache:
                body_cache.append(self._read_body(request))
            return body_cache[0]

        try:
            anonymous = self._authenticate(request, read_body) is None
            if container is None:
                self.service.container_for_endpoint(endpoint_id)  # raises the 404
            if anonymous:
                self._authorize_anonymous(request, container, operation, display_path or "")
            response = self._data_call(request, container, operation, object_part, read_body)
        except ServiceError as error:
            if drop_after_headers:
                drop_connection(request.environ)
            self.journal.record(**base, status=error.status, error=error.code, fault=None)
            return finish(_error_response(error, request_id, head=head, content_type="application/json"))
        if drop_after_headers:
            return finish(self._dropping(response, request.environ))
        self.journal.record(**base, status=response.status_code, error=None, fault=None)
        return finish(response)

    @staticmethod
    def _dropping(response, environ):
        """Send the headers and half of the body, then cut the connection."""
        data = response.get_data()

        def body():
            yield data[: len(data) // 2]
            drop_connection(environ)

        response.response = body()
        response.headers["Content-Length"] = str(len(data))
        return response

    def _read_body(self, request):
        """The whole request body (Content-Length or chunked); ValidationException beyond the 25 MB limit.

        An oversized body is still read to the end (up to MAX_DRAIN) so the client gets the error rather than
        a connection reset in the middle of its upload."""
        stream = request.stream
        chunks, total = [], 0
        while True:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total <= MAX_OBJECT_SIZE:
                chunks.append(chunk)
            elif total > MAX_DRAIN:
                break
        if total > MAX_OBJECT_SIZE:
            raise validation_error(f"Object size {total} bytes exceeds the 25 MB limit")
        return b"".join(chunks)

    def _authorize_anonymous(self, request, container, operation, path):
        document = self.service.effective_policy_document(container)
        context = {"secure_transport": request.scheme == "https", "source_ip": request.remote_addr or ""}
        resource = f"{container.arn}/{path.lstrip('/')}"
        if not evaluation.anonymous_allowed(document, f"mediastore:{operation}", resource, context):
            raise ServiceError(
                "AccessDeniedException", f"Access denied for anonymous {operation} on {path or '/'}", 403
            )

    def _data_call(self, request, container, operation, object_part, read_body):
        service = self.service
        if operation == "ListItems":
            max_results = request.args.get("MaxResults")
            if max_results is not None:
                try:
                    max_results = int(max_results)
                except ValueError:
                    raise validation_error("MaxResults must be an integer from 1 to 1000") from None
            result = service.list_items(container, request.args.get("Path"), max_results, request.args.get("NextToken"))
            return _json_response(result)
        if operation == "PutObject":
            body = read_body()
            result = service.put_object(
                container,
                object_part,
                body,
                content_type=request.headers.get("Content-Type"),
                cache_control=request.headers.get("Cache-Control"),
                storage_class=request.headers.get("x-amz-storage-class"),
                upload_availability=request.headers.get("x-amz-upload-availability"),
            )
            return _json_response(result)
        if operation == "DeleteObject":
            service.delete_object(container, object_part)
            return Response(b"", 200)
        if operation == "DescribeObject":
            meta = service.describe_object(container, object_part)
            response = Response(b"", 200)
            self._object_headers(response, meta)
            response.headers["Content-Length"] = str(meta["size"])
            return response
        meta, data = service.get_object(container, object_part)
        status, content_range, data = self._apply_range(request.headers.get("Range"), data)
        response = Response(data, status)
        self._object_headers(response, meta)
        response.headers["Content-Length"] = str(len(data))
        if content_range:
            response.headers["Content-Range"] = content_range
        return response

    @staticmethod
    def _object_headers(response, meta):
        response.headers["Content-Type"] = meta["content_type"]
        response.headers["ETag"] = meta["etag"]
        response.headers["Last-Modified"] = http_date(meta["last_modified"])
        if meta.get("cache_control"):
            response.headers["Cache-Control"] = meta["cache_control"]

    @staticmethod
    def _apply_range(header, data):
        if not header:
            return 200, None, data
        size = len(data)
        match = RANGE_RE.match(header.strip())
        unsatisfiable = ServiceError(
            "RequestedRangeNotSatisfiableException", f"The range {header!r} cannot be satisfied for {size} bytes", 416
        )
        if not match or match.groups() == ("", ""):
            raise unsatisfiable
        first, last = match.groups()
        if first == "":
            length = int(last)
            if length == 0 or size == 0:
                raise unsatisfiable
            start, end = max(0, size - length), size - 1
        else:
            start = int(first)
            end = size - 1 if last == "" else min(int(last), size - 1)
            if start >= size or (last != "" and int(last) < start):
                raise unsatisfiable
        return 206, f"bytes {start}-{end}/{size}", data[start : end + 1]

    def preflight(self, request, request_id, container, object_part):
        origin = request.headers.get("Origin")
        method = request.headers.get("Access-Control-Request-Method")
        requested = evaluation.parse_request_headers(request.headers.get("Access-Control-Request-Headers"))
        base = {
            "plane": "data",
            "operation": "CorsPreflight",
            "container": container.name if container else None,
            "path": object_part.lstrip("/") or None,
            "write": False,
            "anonymous": True,
        }
        if container is None:
            error = ServiceError("ContainerNotFoundException", "No container has this endpoint", 404)
        else:
            rule = evaluation.match_cors_rule(container.cors or [], origin, method, requested) if method else None
            if rule is not None:
                response = Response(b"", 200)
                response.headers.extend(evaluation.cors_headers(rule, origin, requested, preflight=True))
                self.journal.record(**base, status=200, error=None, fault=None)
                return response
            error = ServiceError("AccessDeniedException", "CORSResponse: This CORS request is not allowed.", 403)
        self.journal.record(**base, status=error.status, error=error.code, fault=None)
        return _error_response(error, request_id, content_type="application/json")
