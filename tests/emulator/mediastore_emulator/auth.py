"""SigV4 verification by recomputing the signature with botocore's own signer.

A request is one of: signed with an Authorization header, presigned (X-Amz-* query parameters), or
unsigned. ``verify`` returns the access key of a correctly signed request, None for an unsigned one, and
raises ``ServiceError`` (403) for a wrong key or signature.
"""

import hmac
import re
from datetime import UTC, datetime
from urllib.parse import unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from mediastore_emulator.errors import ServiceError

SERVICE = "mediastore"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = 15 * 60  # seconds, as AWS allows
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


class Authenticator:
    def __init__(self, access_key, secret_key):
        self.access_key = access_key
        self.secret_key = secret_key

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

    def verify(self, method, raw_path, raw_query, headers, read_body, now=None):
        """``headers``: list of (name, value) as received; ``read_body``: callable giving the body bytes
        (only called when the payload is part of the signature)."""
        lookup = {name.lower(): value for name, value in headers}
        authorization = lookup.get("authorization")
        query_pairs = [p for p in raw_query.split("&") if p] if raw_query else []
        query_keys = {unquote(p.partition("=")[0]): unquote(p.partition("=")[2]) for p in query_pairs}
        if authorization is None and "X-Amz-Signature" not in query_keys:
            return None
        if authorization is not None:
            match = AUTH_RE.match(authorization.strip())
            if not match:
                raise ServiceError("IncompleteSignatureException", "Authorization header is not AWS4-HMAC-SHA256", 403)
            credential, signed, signature = match.group("credential", "signed", "signature")
            timestamp = lookup.get("x-amz-date")
            if not timestamp:
                raise ServiceError("IncompleteSignatureException", "Signed requests need an X-Amz-Date header", 403)
            signed_headers = signed.lower().split(";")
            access_key, region = self._check_scope(credential)
            signed_at = _parse_amz_date(timestamp)
            current = now or datetime.now(UTC)
            if abs((current - signed_at).total_seconds()) > MAX_CLOCK_SKEW:
                raise _invalid_signature(
                    f"Signature expired: {timestamp} is more than 15 minutes away from the server time "
                    f"{current.strftime(AMZ_DATE_FORMAT)}"
                )
            needs_body = "x-amz-content-sha256" not in lookup
            body = read_body() if needs_body else b""
            expected = self._recompute(method, raw_path, raw_query, headers, body, region, timestamp, signed_headers)
        else:
            credential = query_keys.get("X-Amz-Credential", "")
            timestamp = query_keys.get("X-Amz-Date", "")
            signed_headers = query_keys.get("X-Amz-SignedHeaders", "host").lower().split(";")
            signature = query_keys["X-Amz-Signature"]
            access_key, region = self._check_scope(credential)
            issued = _parse_amz_date(timestamp)
            try:
                expires = int(query_keys.get("X-Amz-Expires", "3600"))
            except ValueError:
                raise ServiceError(
                    "IncompleteSignatureException", "X-Amz-Expires is not a number of seconds", 403
                ) from None
            current = now or datetime.now(UTC)
            if (current - issued).total_seconds() > expires:
                raise ServiceError("AccessDeniedException", "Request has expired", 403)
            unsigned_query = "&".join(p for p in query_pairs if not p.startswith("X-Amz-Signature="))
            body = read_body() if "x-amz-content-sha256" not in lookup else b""
            expected = self._recompute(
                method, raw_path, unsigned_query, headers, body, region, timestamp, signed_headers
            )
        if not hmac.compare_digest(expected, signature.lower()):
            raise _invalid_signature(
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method."
            )
        return access_key
