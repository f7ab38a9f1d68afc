"""The test hooks under /_emulator/: health, reset, journal, faults and config (JSON in and out, never signed).

They are the tests' window into what clients really sent, and their way to make the service misbehave. Being
unsigned, they answer only requests that no web page can have sent (see ``HookAccess``).
"""

from urllib.parse import urlsplit

from mediastore_emulator.validation import parse_json
from mediastore_emulator.wire import REST_JSON, json_response, read_body

HOOK_PREFIX = "/_emulator/"
DELAYS = ("create_delay", "delete_delay")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _reply(payload, status=200):
    return json_response(payload, status, content_type=REST_JSON)


def _split_host(authority):
    """("name", "port" or None) of a Host header value or URL authority; IPv6 literals keep their brackets."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        name, _bracket, rest = authority.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else None
    name, colon, port = authority.partition(":")
    return name, port if colon else None


class HookAccess:
    """Which requests may use the hooks: those addressed to one of this endpoint's own names, sent by no web
    page but the endpoint's own.

    Any web page can make a browser POST to 127.0.0.1 unasked if it looks like a form ("simple" request: no
    preflight, ``Content-Type: text/plain`` at most), and a DNS name the page's author controls can be pointed
    at 127.0.0.1 to make the page same-origin (DNS rebinding). The first carries a foreign ``Origin`` and no
    JSON content type (a JSON one needs a preflight, which the hooks never grant); the second a foreign
    ``Host``.

    Own names: the listening address, ``localhost``, ``127.0.0.1`` and ``[::1]``, each with the listening port
    (the WSGI ``SERVER_PORT``), plus ``allowed_hosts`` and the host of ``public_url`` (with any port, or only
    the one they name)."""

    def __init__(self, listen_host, allowed_hosts=(), public_url=None):
        listen_name = f"[{listen_host}]" if ":" in listen_host else listen_host
        self.names_on_listening_port = {listen_name.lower(), *LOOPBACK_NAMES}
        extra = [*allowed_hosts, *([urlsplit(public_url).netloc] if public_url else [])]
        self.extra_names = [_split_host(authority) for authority in extra]

    def is_own(self, authority, listening_port):
        name, port = _split_host(authority)
        if name in self.names_on_listening_port and port == listening_port:
            return True
        return any(name == own and own_port in (None, port) for own, own_port in self.extra_names)

    def refusal(self, request):
        """(status, message) for a request the hooks must not answer, None for one they may."""
        port = request.environ.get("SERVER_PORT")
        host = request.headers.get("Host")
        # Only HTTP/1.0 lets a request leave Host out, and no browser does: rebinding always shows a Host.
        if host is not None and not self.is_own(host, port):
            return 403, f"Host {host!r} is not a name of this endpoint (add it with --allowed-host)"
        origin = request.headers.get("Origin")
        if origin is not None:
            scheme, authority = urlsplit(origin)[:2]
            if scheme not in ("http", "https") or not self.is_own(authority, port):
                return 403, f"Origin {origin!r} is not this endpoint: the hooks do not answer web pages"
        if request.method == "POST" and request.mimetype != "application/json":
            return 415, "hook POSTs take Content-Type: application/json"
        return None


class Hooks:
    def __init__(self, service, journal, faults, create_delay, delete_delay, access):
        self.access = access
        self.service = service
        self.journal = journal
        self.faults = faults
        # What reset goes back to: the delays the emulator was started with.
        self.initial_delays = {"create_delay": float(create_delay), "delete_delay": float(delete_delay)}
        self._hooks = {
            "health": self.health,
            "reset": self.reset,
            "journal": self.journal_since,
            "faults": self.configure_faults,
            "config": self.configure_delays,
        }

    def answer(self, request):
        refusal = self.access.refusal(request)
        if refusal is not None:
            status, message = refusal
            return _reply({"error": message}, status)
        name = request.path[len(HOOK_PREFIX) :].strip("/")
        raw = read_body(request) if request.method == "POST" else b""
        try:
            body = parse_json(raw) if raw.strip() else {}
        except ValueError:
            return _reply({"error": "body must be JSON"}, 400)
        hook = self._hooks.get(name)
        response = hook(request, body) if hook is not None else None
        return response or _reply({"error": f"no hook {request.method} /_emulator/{name}"}, 404)

    # Each hook answers None for a method it does not take (a 404, like an unknown hook).

    def health(self, request, _body):
        if request.method == "GET":
            return _reply({"status": "ok", **self.service.counts()})
        return None

    def reset(self, request, _body):
        if request.method != "POST":
            return None
        self.service.reset()
        self.service.set_delays(**self.initial_delays)
        self.journal.clear()
        self.faults.clear()
        return _reply({"status": "ok"})

    def journal_since(self, request, _body):
        if request.method != "GET":
            return None
        try:
            since = int(request.args.get("since", "0") or 0)
        except ValueError:
            return _reply({"error": "since must be an integer"}, 400)
        return _reply(self.journal.since(since))

    def configure_faults(self, request, body):
        if request.method == "POST":
            try:
                self.faults.configure(body)
            except ValueError as exc:
                return _reply({"error": str(exc)}, 400)
        return _reply(self.faults.describe())

    def configure_delays(self, request, body):
        if request.method == "POST":
            if not isinstance(body, dict) or set(body) - set(DELAYS):
                return _reply({"error": "config takes create_delay and delete_delay only"}, 400)
            for key, value in body.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    return _reply({"error": f"{key} must be a number >= 0"}, 400)
            self.service.set_delays(**body)
        return _reply(self.service.delays())
