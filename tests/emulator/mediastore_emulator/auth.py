"""SigV4 verification by recomputing the signature with botocore's own signer.

A request is one of: signed with an Authorization header, presigned (X-Amz-* query parameters), or
unsigned. ``verify`` returns the access key of a correctly signed request, None for an unsigned one, and
raises ``ServiceError`` (403) for a wrong key or signature.

The signature covers the payload hash: the SHA-256 of the body, or the X-Amz-Content-SHA256 header when the
client sent one. So that header, signed or not, must be the hash of the body received (or UNSIGNED-PAYLOAD
for an operation whose body the service model lets clients leave unsigned); otherwise the request is refused
with 400 ``XAmzContentSHA256Mismatch`` before anything changes.
"""

import functools
import hashlib
import hmac
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import botocore.session
from botocore.auth import UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from mediastore_emulator.errors import ServiceError

SERVICE = "mediastore"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = 15 * 60  # seconds, as AWS allows
MAX_PRESIGNED_EXPIRES = 7 * 24 * 60 * 60  # seconds: SigV4 presigned URLs live at most 7 days
EXPIRES_RE = re.compile(r"[0-9]{1,7}")  # only ASCII digits: int() would also take "+5", " 5" and "1_0"
AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)"
)


class _Verifier(SigV4Auth):
    """botocore's signer, restricted to the headers the client said it signed."""

    def __init__(self, credentials, region, signed_headers):
        super().__init__(credentials, SERVICE, region)
        self._signed = signed_headers

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                header_map[name] = value
        return header_map


def _parse_amz_date(value):
    try:
        return datetime.strptime(value, AMZ_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        message = f"X-Amz-Date {value!r} is not like 20250101T000000Z"
        raise ServiceError("IncompleteSignatureException", message, 403) from None


def _invalid_signature(message):
    return ServiceError("InvalidSignatureException", message, 403)


def _payload_mismatch(message):
    return ServiceError("XAmzContentSHA256Mismatch", message, 400)


@functools.cache
def unsigned_body_operations():
    """Operations whose body a client may leave out of the signature: botocore's service models mark them
    ``"authtype": "v4-unsigned-body"`` (data-plane PutObject)."""
    session = botocore.session.get_session()
    operations = set()
    for service_name in ("mediastore", "mediastore-data"):
        model = session.get_service_model(service_name)
        operations.update(
            name for name in model.operation_names if model.operation_model(name).auth_type == "v4-unsigned-body"
        )
    return frozenset(operations)


def check_payload_hash(headers, read_body, operation, unsigned_allowed):
    """Refuse a request whose X-Amz-Content-SHA256 header is not the SHA-256 of its body.

    UNSIGNED-PAYLOAD passes, without reading the body, for the operations of ``unsigned_allowed``."""
    claimed = {value.strip() for name, value in headers if name.lower() == "x-amz-content-sha256"}
    if not claimed:
        return
    if len(claimed) > 1:
        raise _payload_mismatch("X-Amz-Content-SHA256 is given more than once, with different values")
    (value,) = claimed
    if value == UNSIGNED_PAYLOAD:
        if operation not in unsigned_allowed:
            raise _payload_mismatch(f"{UNSIGNED_PAYLOAD} is not accepted for {operation}: sign its body")
    elif value.lower() != hashlib.sha256(read_body()).hexdigest():
        raise _payload_mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.")


class Authenticator:
    def __init__(self, access_key, secret_key):
        self.access_key = access_key
        self.secret_key = secret_key
        # Read now, before the first request: read lazily, the first uploads arriving at once each loaded
        # botocore's models again (32 of them took about 1.7 s on 2 cores).
        self.unsigned_body_operations = unsigned_body_operations()

    def _check_scope(self, credential):
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            raise ServiceError(
                "IncompleteSignatureException", "Credential must be <key>/<date>/<region>/<service>/aws4_request", 403
            )
        access_key, _date, region, service = parts[:4]
        if access_key != self.access_key:
            raise ServiceError(
                "UnrecognizedClientException", "The security token included in the request is invalid.", 403
            )
        if service != SERVICE:
            raise _invalid_signature(f"Credential should be scoped to correct service: '{SERVICE}'.")
        return access_key, region

    def _recompute(self, method, raw_path, raw_query, headers, body, region, timestamp, signed_headers):
        aws_headers = HTTPHeaders()
        for name, value in headers:
            aws_headers[name.lower()] = value
        url = "http://emulator" + raw_path + (f"?{raw_query}" if raw_query else "")
        request = AWSRequest(method=method, url=url, headers=aws_headers, data=body)
        request.context["timestamp"] = timestamp
        verifier = _Verifier(Credentials(self.access_key, self.secret_key), region, signed_headers)
        canonical = verifier.canonical_request(request)
        return verifier.signature(verifier.string_to_sign(request, canonical), request)

    def verify(self, method, raw_path, raw_query, headers, read_body, operation=None, now=None):
        """``headers``: list of (name, value) as received; ``read_body``: callable giving the (bounded) body
        bytes, called only when the payload hash needs them; ``operation``: what the request calls, which
        decides whether UNSIGNED-PAYLOAD is accepted."""
        lookup = {name.lower(): value for name, value in headers}
        query_pairs = [p for p in raw_query.split("&") if p] if raw_query else []
        query = {unquote(p.partition("=")[0]): unquote(p.partition("=")[2]) for p in query_pairs}
        current = now or datetime.now(UTC)
        if "authorization" in lookup:
            access_key, region, timestamp, signed_headers, signature = self._authorization_header(lookup, current)
        elif "X-Amz-Signature" in query:
            access_key, region, timestamp, signed_headers, signature = self._presigned(query, current)
            raw_query = "&".join(p for p in query_pairs if not p.startswith("X-Amz-Signature="))
        else:
            check_payload_hash(headers, read_body, operation, self.unsigned_body_operations)
            return None
        # With X-Amz-Content-SHA256 the signature covers the header instead of the body; the body is checked
        # against the header after the signature, so a client with a wrong key hears about the key.
        body = b"" if "x-amz-content-sha256" in lookup else read_body()
        expected = self._recompute(method, raw_path, raw_query, headers, body, region, timestamp, signed_headers)
        if not hmac.compare_digest(expected, signature.lower()):
            raise _invalid_signature(
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method."
            )
        check_payload_hash(headers, read_body, operation, self.unsigned_body_operations)
        return access_key

    def _authorization_header(self, lookup, current):
        """(access key, region, X-Amz-Date, signed header names, signature) of an Authorization header."""
        match = AUTH_RE.match(lookup["authorization"].strip())
        if not match:
            raise ServiceError("IncompleteSignatureException", "Authorization header is not AWS4-HMAC-SHA256", 403)
        credential, signed, signature = match.group("credential", "signed", "signature")
        timestamp = lookup.get("x-amz-date")
        if not timestamp:
            raise ServiceError("IncompleteSignatureException", "Signed requests need an X-Amz-Date header", 403)
        access_key, region = self._check_scope(credential)
        signed_at = _parse_amz_date(timestamp)
        if abs((current - signed_at).total_seconds()) > MAX_CLOCK_SKEW:
            raise _invalid_signature(
                f"Signature expired: {timestamp} is more than 15 minutes away from the server time "
                f"{current.strftime(AMZ_DATE_FORMAT)}"
            )
        return access_key, region, timestamp, signed.lower().split(";"), signature

    def _presigned(self, query, current):
        """(access key, region, X-Amz-Date, signed header names, signature) of a presigned URL's query."""
        timestamp = query.get("X-Amz-Date", "")
        access_key, region = self._check_scope(query.get("X-Amz-Credential", ""))
        issued = _parse_amz_date(timestamp)
        expires = query.get("X-Amz-Expires", "3600")
        if not EXPIRES_RE.fullmatch(expires) or not 1 <= int(expires) <= MAX_PRESIGNED_EXPIRES:
            raise ServiceError(
                "IncompleteSignatureException",
                f"X-Amz-Expires must be a whole number of seconds from 1 to {MAX_PRESIGNED_EXPIRES} (7 days)",
                403,
            )
        age = (current - issued).total_seconds()
        if age < -MAX_CLOCK_SKEW:
            raise ServiceError("AccessDeniedException", "Request is not yet valid: X-Amz-Date is in the future", 403)
        if age > int(expires):
            raise ServiceError("AccessDeniedException", "Request has expired", 403)
        signed_headers = query.get("X-Amz-SignedHeaders", "host").lower().split(";")
        return access_key, region, timestamp, signed_headers, query["X-Amz-Signature"]
