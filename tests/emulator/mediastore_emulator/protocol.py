"""The HTTP face: a WSGI app that routes each request to a plane or the hooks, then screens and journals it.

POST /                        control plane (control_plane.py), X-Amz-Target: MediaStore_20170901.<Op>
/data/<endpoint-id>/<path>    data plane (data_plane.py): objects, ListItems, CORS
/_emulator/...                test hooks (hooks.py; never journaled, never signed)

A plane turns a request into a ``Call``; every call then goes the same way here: a body whose framing or size
is refused → injected fault → signature check → the plane's answer → journal entry (for every call, refused ones
and unknown operations included) → the latency in force, before the answer is sent. The app assumes nothing of
the server that runs it.
"""

import sys
import traceback
import uuid

from werkzeug.wrappers import Request

from mediastore_emulator import data_plane
from mediastore_emulator.control_plane import ControlPlane
from mediastore_emulator.data_plane import DataPlane
from mediastore_emulator.errors import ServiceError
from mediastore_emulator.faults import FAULT_KINDS, DropConnection, Faults, drop_connection
from mediastore_emulator.hooks import HOOK_PREFIX, Hooks
from mediastore_emulator.journal import Journal
from mediastore_emulator.wire import (
    CLOSE_AFTER_ANSWER,
    JSON_1_1,
    REST_JSON,
    Call,
    FramingError,
    LazyBody,
    body_refusal,
    error_response,
    is_unsigned,
    raw_path_and_query,
    skip_body_part,
)

# How much of a PUT body a dropped connection consumes when the client sent no Content-Length (half of it).
DEFAULT_DROPPED_UPLOAD = 131072


def _no_server_support():
    pass


def _internal_error(exc):
    traceback.print_exc(file=sys.stderr)
    return ServiceError("InternalServerError", f"Emulator error: {type(exc).__name__}: {exc}", 500)


def _unrouted(request, error, plane_name, content_type):
    """A call for a request that names no operation: it answers ``error`` and is journaled with operation null."""

    def answer(_anonymous):
        raise error

    journal = {
        "plane": plane_name,
        "operation": None,
        "container": None,
        "path": None,
        "write": False,
        "anonymous": is_unsigned(request),
    }
    return Call(
        journal=journal,
        answer=answer,
        body=LazyBody(request),
        error_content_type=content_type,
        head=request.method == "HEAD",
        screened=False,
    )


def _cut_halfway(response, environ):
    """Send the headers and half of the body, then cut the connection."""
    data = response.get_data()

    def body():
        yield data[: len(data) // 2]
        drop_connection(environ)

    response.response = body()
    response.headers["Content-Length"] = str(len(data))
    return response


class EmulatorApp:
    def __init__(self, service, authenticator, create_delay, delete_delay, hook_access, latency_ms=0):
        """``hook_access``: who may use the test hooks (a ``HookAccess``); None turns them off, so that
        /_emulator/ is a path like any other. ``latency_ms``: how long every answer is held back."""
        self.authenticator = authenticator
        self.journal = Journal()
        self.faults = Faults(latency_ms)
        self.hooks = None
        if hook_access is not None:
            self.hooks = Hooks(service, self.journal, self.faults, create_delay, delete_delay, hook_access)
        self.control_plane = ControlPlane(service)
        self.data_plane = DataPlane(service)

    def __call__(self, environ, start_response):
        request = Request(environ)
        request_id = str(uuid.uuid4())
        try:
            response = self._respond(request, request_id)
        except DropConnection:
            raise
        except Exception as exc:  # an emulator bug must still answer like the service would
            response = error_response(_internal_error(exc), request_id)
        response.headers.setdefault("x-amzn-RequestId", request_id)
        return response(environ, start_response)

    def _respond(self, request, request_id):
        if self.hooks is not None and request.path.startswith(HOOK_PREFIX):
            return self._answer_hook(request, request_id)
        if data_plane.claims(request.environ):
            plane, plane_name, content_type = self.data_plane, "data", REST_JSON
        else:
            plane, plane_name, content_type = self.control_plane, "control", JSON_1_1
        try:
            call = plane.route(request)
        except ServiceError as error:  # no operation the plane serves: journaled without one
            call = _unrouted(request, error, plane_name, content_type)
        response = self._serve(call, request, request_id)
        self.faults.hold_answer(call.journal["operation"])
        return response

    def _answer_hook(self, request, request_id):
        """The hook's answer; a body the hooks cannot read is refused in the service's error shape."""
        try:
            refusal = body_refusal(request)
            if refusal is not None:
                raise refusal
            return self.hooks.answer(request)
        except ServiceError as error:
            return error_response(error, request_id, content_type=REST_JSON)

    def _serve(self, call, request, request_id):
        refusal = call.body.refusal()
        if refusal is not None:  # framing or size: refused before faults, signature or any change
            return self._refuse(call, refusal, request_id, request.environ)
        drop_after_headers = False
        if call.screened:
            fault = self.faults.pick(call.journal["operation"])
            if fault == "drop":
                drop_after_headers = self._drop(call, request)
            elif fault == "drop_response":
                self._carry_out_then_drop(call, request)
            elif fault is not None:
                status, message = FAULT_KINDS[fault]
                self.journal.record(**call.journal, status=status, error=fault, fault=fault)
                return call.decorate(error_response(ServiceError(fault, message, status), request_id, head=call.head))
        try:
            anonymous = not call.screened or self._authenticate(request, call) is None
            response = call.answer(anonymous)
        except Exception as exc:  # a service error, or an emulator bug that must still reach the journal
            if drop_after_headers:
                drop_connection(request.environ)
            error = exc if isinstance(exc, ServiceError) else _internal_error(exc)
            return self._refuse(call, error, request_id, request.environ)
        if drop_after_headers:
            return call.decorate(_cut_halfway(response, request.environ))
        self.journal.record(**call.journal, status=response.status_code, error=None, fault=None)
        return call.decorate(response)

    def _refuse(self, call, error, request_id, environ):
        self.journal.record(**call.journal, status=error.status, error=error.code, fault=None)
        if isinstance(error, FramingError):  # where this body ends is unknown: no further request can be read
            environ.get(CLOSE_AFTER_ANSWER, _no_server_support)()
        return call.decorate(error_response(error, request_id, head=call.head, content_type=call.error_content_type))

    def _drop(self, call, request):
        """Journal an injected drop and cut the connection now, or answer True when it is cut half-way through
        the response body instead."""
        self.journal.record(**call.journal, status=None, error=None, fault="drop")
        if request.method == "PUT":
            skip_body_part(request, max(1, (request.content_length or DEFAULT_DROPPED_UPLOAD) // 2))
        if not call.drop_after_headers:
            drop_connection(request.environ)
        return True

    def _carry_out_then_drop(self, call, request):
        """Carry the request out as usual (a write is applied), journal it, then cut the connection instead of
        answering: the client cannot tell whether its request took effect, as after a lost response."""
        error = None
        try:
            anonymous = self._authenticate(request, call) is None
            call.answer(anonymous).close()
        except ServiceError as refusal:
            error = refusal.code
        except Exception as exc:  # an emulator bug must still reach the journal
            error = _internal_error(exc).code
        self.journal.record(**call.journal, status=None, error=error, fault="drop_response")
        drop_connection(request.environ)

    def _authenticate(self, request, call):
        """The access key of a correctly signed request, None for an unsigned one (ServiceError otherwise)."""
        path, query = raw_path_and_query(request.environ)
        headers = list(request.headers.items())
        operation = call.journal["operation"]
        return self.authenticator.verify(request.method, path, query, headers, call.body, operation=operation)
