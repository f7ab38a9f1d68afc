"""Fault injection: rules that make chosen operations fail (throttling, server errors) or drop the connection,
before the request is carried out (``drop``) or after it, in place of the answer (``drop_response``); and latency,
the time every answer is held back, to model a service far away on one machine."""

import random
import threading
import time

# Fault name -> (HTTP status, message) of the error it answers with; None for a dropped connection.
FAULT_KINDS = {
    "ThrottlingException": (400, "Rate exceeded"),
    "InternalServerError": (500, "The service encountered an internal error (injected fault)"),
    "drop": None,
    "drop_response": None,
}
# The WSGI environ key under which a server may offer a callable that cuts the client's connection at once
# (server.py's gateway does). Without it a drop still ends the request, only less abruptly.
CUT_CONNECTION = "mediastore_emulator.cut_connection"


# Bounds the wait a caller can ask for (one hour), so that a mistyped value cannot hold threads for ever.
MAX_LATENCY_MS = 3_600_000
LATENCY_RULE = f"must be a number from 0 to {MAX_LATENCY_MS}"


class DropConnection(ConnectionResetError):
    """Raised to abandon a request whose connection is cut; WSGI servers treat it as a dropped connection."""


def drop_connection(environ):
    cut = environ.get(CUT_CONNECTION)
    if cut is not None:
        cut()
    raise DropConnection("connection dropped by an injected fault")


def _rule(index, rule):
    """One validated rule of a POST /_emulator/faults body; ValueError says what is wrong."""
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
    return {"operation": operation, "fault": fault, "rate": float(rate), "count": count}


def is_latency_ms(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and 0 <= value <= MAX_LATENCY_MS


def _latency_by_operation(latency_ms):
    """The validated ``latency_ms`` object of a POST /_emulator/faults body: operation name or "*" -> ms."""
    if not isinstance(latency_ms, dict):
        raise ValueError('latency_ms must be an object of operation names or "*" to milliseconds')
    for operation, value in latency_ms.items():
        if not operation:
            raise ValueError('latency_ms keys must be operation names or "*"')
        if not is_latency_ms(value):
            raise ValueError(f"latency_ms.{operation} {LATENCY_RULE}")
    return dict(latency_ms)


class Faults:
    """The fault rules and latencies in force; ``latency_ms`` is the command line's, which a reset goes back to."""

    def __init__(self, latency_ms=0):
        self._lock = threading.Lock()
        # Notified on every change, so that requests already waiting out their latency follow the new one.
        self._latency_changed = threading.Condition(self._lock)
        self._requests_waiting = 0
        self._command_line_latency = {"*": latency_ms}
        self.clear()

    def clear(self):
        with self._lock:
            self._rules = []
            self._seed = None
            self._rng = random.Random()
            self._latency_ms = dict(self._command_line_latency)
            self._latency_changed.notify_all()

    def configure(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
            raise ValueError('body must be {"rules": [...], "seed": N, "latency_ms": {...}}')
        rules = [_rule(index, rule) for index, rule in enumerate(body["rules"])]
        latency_ms = {**self._command_line_latency, **_latency_by_operation(body.get("latency_ms", {}))}
        seed = body.get("seed")
        with self._lock:
            self._rules = rules
            self._seed = seed
            self._rng = random.Random(seed)
            self._latency_ms = latency_ms
            self._latency_changed.notify_all()

    def hold_answer(self, operation):
        """Wait out the latency of ``operation`` (None: a request that names none) before its answer is sent.

        Waiting requests hold a server thread each but no lock, so they never hold each other up."""
        answered_at = time.monotonic()
        with self._latency_changed:
            self._requests_waiting += 1
            try:
                while (left := answered_at + self._latency_of(operation) - time.monotonic()) > 0:
                    self._latency_changed.wait(left)
            finally:
                self._requests_waiting -= 1

    def _latency_of(self, operation):
        return self._latency_ms.get(operation, self._latency_ms["*"]) / 1000

    def pick(self, operation):
        """The fault for this request of ``operation`` (the first rule that applies and rolls), or None."""
        with self._lock:
            for rule in self._rules:
                if rule["operation"] not in ("*", operation) or rule["count"] == 0:
                    continue
                if self._rng.random() < rule["rate"]:
                    if rule["count"] is not None:
                        rule["count"] -= 1
                    return rule["fault"]
            return None

    def describe(self):
        with self._lock:
            return {
                "rules": [dict(r) for r in self._rules],
                "seed": self._seed,
                "latency_ms": dict(self._latency_ms),
                "requests_waiting": self._requests_waiting,
            }
