# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Objects and items: content types, size limits, comparison, hashing and the returned views (pure; no SDK).

Validators return a list of problems, each naming the option and the rule; an empty list means valid.
"""

import hashlib
import mimetypes
import posixpath
import re

from ansible_collections.elemental.mediastore.plugins.module_utils._time import iso_time

MEBIBYTE = 1024 * 1024
# PutObject refuses bigger objects; the limit depends on the upload availability (mediastore-api.md §2.4).
MAX_OBJECT_BYTES = {"standard": 25 * MEBIBYTE, "streaming": 10 * MEBIBYTE}
UPLOAD_AVAILABILITIES = tuple(MAX_OBJECT_BYTES)
# MediaStore has one storage class.
STORAGE_CLASSES = ("TEMPORAL",)

CHUNK_BYTES = 1024 * 1024

OVERWRITE_CHOICES = ("different", "always", "never")
ITEM_TYPE_CHOICES = ("all", "object", "folder")
PAGE_SIZE_MIN = 1
PAGE_SIZE_MAX = 1000

# The service's ContentType pattern (mediastore-api.md §2.3).
CONTENT_TYPE_PATTERN = re.compile(r"[\w\-/.+]{1,255}", re.ASCII)
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Streaming media types first, because Python's table misses most of them or, for .ts, says Qt
# translation source.  HLS playlists get application/vnd.apple.mpegurl: RFC 8216 §4 requires it (or
# audio/mpegurl) and it is the IANA-registered type; application/x-mpegURL is an older unregistered alias.
MEDIA_CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/MP2T",
    ".mpd": "application/dash+xml",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".vtt": "text/vtt",
    ".webvtt": "text/vtt",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}

# Players fetch the manifest, then the segments it names: whatever publishes an origin writes (or caches)
# manifests apart from segments.
MANIFEST_PATTERNS = ("*.m3u8", "*.mpd")

# Python's own table only, never the host's /etc/mime.types: the same task must guess the same type on
# every controller, or a playbook would flap between hosts.
_PYTHON_MIME_TYPES = mimetypes.MimeTypes()


def guess_content_type(path):
    """The content type for an object path, from its extension; application/octet-stream when unknown."""
    extension = posixpath.splitext(path or "")[1].lower()
    if extension in MEDIA_CONTENT_TYPES:
        return MEDIA_CONTENT_TYPES[extension]
    guessed, encoding = _PYTHON_MIME_TYPES.guess_type(posixpath.basename(path or ""), strict=False)
    # "x.tar.gz" guesses as a tar with gzip encoding; served as application/x-tar it would be mislabelled.
    if guessed and not encoding and CONTENT_TYPE_PATTERN.fullmatch(guessed):
        return guessed
    return DEFAULT_CONTENT_TYPE


def content_type_problems(content_type, option="content_type"):
    if content_type is None:
        return []
    if not CONTENT_TYPE_PATTERN.fullmatch(content_type):
        return [
            f"{option}: {content_type[:60]!r} is not a valid content type; use 1 to 255 characters from "
            "letters, digits and _ - / . + (for example video/MP2T)."
        ]
    return []


def cache_control_problems(cache_control, option="cache_control"):
    """Cache-Control travels as an HTTP header: printable ASCII only ("" means no Cache-Control)."""
    if cache_control is None:
        return []
    if any(not (" " <= character <= "~") for character in cache_control):
        return [f"{option}: {cache_control[:60]!r} must be printable ASCII (no line breaks or control characters)."]
    return []


def size_problems(size, upload_availability="standard", option="src"):
    """The object must fit the service's limit for its upload availability."""
    limit = MAX_OBJECT_BYTES[upload_availability]
    if size > limit:
        return [
            f"{option}: the object is {size} bytes; MediaStore accepts at most {limit} bytes "
            f"({limit // MEBIBYTE} MiB) with upload_availability={upload_availability}."
        ]
    return []


def page_size_problems(page_size, option="page_size"):
    if page_size is None:
        return []
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not PAGE_SIZE_MIN <= page_size <= PAGE_SIZE_MAX:
        return [f"{option}: must be an integer from {PAGE_SIZE_MIN} to {PAGE_SIZE_MAX}, got {page_size!r}."]
    return []


def max_items_problems(max_items, option="max_items"):
    if max_items is None:
        return []
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        return [f"{option}: must be an integer of at least 1, got {max_items!r}."]
    return []


def item_type_problems(item_type, option="item_type"):
    if item_type not in ITEM_TYPE_CHOICES:
        return [f"{option}: must be one of {', '.join(ITEM_TYPE_CHOICES)}, got {item_type!r}."]
    return []


def sha256_of_chunks(chunks, sink=None):
    """SHA-256 (hex) and size of an iterable of byte chunks, optionally writing each chunk to ``sink``.

    One chunk at a time is held, so a remote object can be hashed (and saved) while it streams in.
    """
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


def file_chunks(fileobj, chunk_bytes=CHUNK_BYTES):
    """The content of an open binary file, in chunks of at most ``chunk_bytes``."""
    while True:
        chunk = fileobj.read(chunk_bytes)
        if not chunk:
            return
        yield chunk


def sha256_of_file(fileobj, chunk_bytes=CHUNK_BYTES):
    """SHA-256 (hex) and size of an open binary file, read from its current position to the end."""
    return sha256_of_chunks(file_chunks(fileobj, chunk_bytes))


class ChunkedBody:
    """A request body whose length the SDK cannot see, so botocore sends it with chunked transfer encoding.

    Streaming uploads (x-amz-upload-availability: STREAMING) must be chunked.  botocore sends Content-Length
    for anything with ``len()`` or both ``seek()`` and ``tell()``; this offers ``read()`` and a rewind-only
    ``seek(0)`` (no ``tell()``), so a retried request resends the body from the start.
    """

    def __init__(self, fileobj):
        self._fileobj = fileobj

    def read(self, size=-1):
        return self._fileobj.read(size)

    def seek(self, offset, whence=0):
        if (offset, whence) != (0, 0):
            raise OSError("ChunkedBody can only be rewound to the start")
        self._fileobj.seek(0)
        return 0


def content_differences(current, desired):
    """Which of content_length, content_type, cache_control differ (metadata only; no content read).

    ``current`` and ``desired`` are object views (see ``object_view``).  A desired cache_control of None
    leaves the object's Cache-Control alone; "" asks for none.
    """
    differences = []
    if current.get("content_length") != desired.get("content_length"):
        differences.append("content_length")
    if current.get("content_type") != desired.get("content_type"):
        differences.append("content_type")
    if desired.get("cache_control") is not None and (current.get("cache_control") or "") != desired["cache_control"]:
        differences.append("cache_control")
    return differences


def upload_decision(current, desired, overwrite):
    """What an upload must do before the content is compared.

    Returns ``"upload"``, ``"keep"`` or ``"compare_content"`` (same size and metadata: only a hash of the
    remote content can tell).  ``current`` is None when the object does not exist.
    """
    if current is None or overwrite == "always":
        return "upload"
    if overwrite == "never":
        return "keep"
    if content_differences(current, desired):
        return "upload"
    return "compare_content"


def download_decision(local_size, remote_size, overwrite):
    """``"download"``, ``"keep"`` or ``"compare_content"`` for a download; ``local_size`` None = no local file."""
    if local_size is None or overwrite == "always":
        return "download"
    if overwrite == "never":
        return "keep"
    if local_size != remote_size:
        return "download"
    return "compare_content"


def object_view(path, description=None, sha256=None):
    """The returned ``object``: snake_case metadata from DescribeObject/GetObject, plus sha256 when known."""
    description = description or {}
    view = {
        "path": path,
        "etag": description.get("ETag"),
        "content_length": description.get("ContentLength"),
        "content_type": description.get("ContentType"),
        "cache_control": description.get("CacheControl"),
        "last_modified": iso_time(description.get("LastModified")),
    }
    if sha256:
        view["sha256"] = sha256
    return view


def desired_object_view(path, content_length, content_type, cache_control, sha256, current=None):
    """The object as an upload would leave it; an unset cache_control keeps the current one."""
    if cache_control is None:
        cache_control = (current or {}).get("cache_control")
    return {
        "path": path,
        "etag": None,
        "content_length": content_length,
        "content_type": content_type,
        "cache_control": cache_control or None,
        "last_modified": None,
        "sha256": sha256,
    }


DIFF_KEYS = ("path", "content_length", "content_type", "cache_control", "sha256")


def object_diff_view(view):
    """Metadata shown in --diff: never content, never values the service generates (etag, last_modified)."""
    if not view:
        return {}
    return {key: view[key] for key in DIFF_KEYS if view.get(key) is not None}


def local_file_view(dest, size=None, sha256=None):
    """The local file of a download, for --diff; {} when it does not exist."""
    if size is None:
        return {}
    view = {"dest": dest, "content_length": size}
    if sha256:
        view["sha256"] = sha256
    return view


def item_view(item):
    """One ListItems entry (with the ``Path`` that _service.list_folder adds) as the lookup returns it."""
    view = {
        "path": item["Path"],
        "name": item["Name"],
        "type": item.get("Type", "OBJECT").lower(),
    }
    if view["type"] == "object":
        view.update(
            etag=item.get("ETag"),
            content_length=item.get("ContentLength"),
            content_type=item.get("ContentType"),
            last_modified=iso_time(item.get("LastModified")),
        )
    return view


def select_items(views, item_type="all", max_items=None):
    """Items of ``item_type``, one per path, sorted by path, at most ``max_items``."""
    by_path = {view["path"]: view for view in views if item_type == "all" or view["type"] == item_type}
    selected = [by_path[path] for path in sorted(by_path)]
    return selected if max_items is None else selected[:max_items]
