"""Fault injection: rules that make chosen operations fail (throttling, server errors) or drop the connection,
before the request is carried out (``drop``) or after it, in place of the answer (``drop_response``)."""

import random
import threading

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


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        self._rules = []
        self._seed = None
        self._rng = random.Random()

    def configure(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
            raise ValueError('body must be {"rules": [...], "seed": N}')
        rules = [_rule(index, rule) for index, rule in enumerate(body["rules"])]
        seed = body.get("seed")
        with self._lock:
            self._rules = rules
            self._seed = seed
            self._rng = random.Random(seed)

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
            return {"rules": [dict(r) for r in self._rules], "seed": self._seed}
