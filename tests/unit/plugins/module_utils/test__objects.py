# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import hashlib
import io

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils import _objects
from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    normalise_path,
    object_path_problems,
)

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("hls/live/index.m3u8", "application/vnd.apple.mpegurl"),
        ("INDEX.M3U8", "application/vnd.apple.mpegurl"),
        ("hls/live/seg_00001.ts", "video/MP2T"),
        ("dash/manifest.mpd", "application/dash+xml"),
        ("dash/video/seg-1.m4s", "video/iso.segment"),
        ("vod/movie.mp4", "video/mp4"),
        ("vod/movie.m4v", "video/mp4"),
        ("audio/track.m4a", "audio/mp4"),
        ("audio/track.aac", "audio/aac"),
        ("subs/en.vtt", "text/vtt"),
        ("subs/en.webvtt", "text/vtt"),
        ("posters/title.jpg", "image/jpeg"),
        ("posters/title.JPEG", "image/jpeg"),
        ("posters/title.png", "image/png"),
        # Python's own table
        ("status/ready.json", "application/json"),
        ("notes/readme.txt", "text/plain"),
        ("page/index.html", "text/html"),
        # unknown, none, or only an encoding: octet-stream
        ("blob/file.unknownext", "application/octet-stream"),
        ("blob/noextension", "application/octet-stream"),
        ("archive/files.tar.gz", "application/octet-stream"),
        ("archive/file.gz", "application/octet-stream"),
        ("", "application/octet-stream"),
        (None, "application/octet-stream"),
        # the extension of the last segment only
        ("folder.ts/file", "application/octet-stream"),
    ],
)
def test_guess_content_type(path, expected):
    assert _objects.guess_content_type(path) == expected


def test_guess_ignores_host_mime_types(monkeypatch):
    # The host's tables would map .ts differently; the guess must not depend on them.
    import mimetypes

    monkeypatch.setattr(mimetypes, "types_map", {".ts": "text/x-typescript", ".json": "text/nonsense"})
    assert _objects.guess_content_type("a.ts") == "video/MP2T"
    assert _objects.guess_content_type("a.json") == "application/json"


@pytest.mark.parametrize("extension", sorted(_objects.MEDIA_CONTENT_TYPES))
def test_every_media_type_is_acceptable_to_the_service(extension):
    assert _objects.content_type_problems(_objects.MEDIA_CONTENT_TYPES[extension]) == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (None, True),
        ("video/MP2T", True),
        ("application/vnd.apple.mpegurl", True),
        ("application/dash+xml", True),
        ("a" * 255, True),
        ("a" * 256, False),
        ("", False),
        ("text/plain; charset=utf-8", False),
        ("text/plain\n", False),
        ("vidéo/mp4", False),
    ],
)
def test_content_type_problems(value, ok):
    problems = _objects.content_type_problems(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("content_type: ")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (None, True),
        ("", True),
        ("max-age=2", True),
        ("public, max-age=31536000, immutable", True),
        ("max-age=2\r\nX-Injected: yes", False),
        ("max-age=\t2", False),
        ("max-âge=2", False),
    ],
)
def test_cache_control_problems(value, ok):
    problems = _objects.cache_control_problems(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("cache_control: ")


@pytest.mark.parametrize(
    ("size", "availability", "ok"),
    [
        (0, "standard", True),
        (25 * MIB, "standard", True),
        (25 * MIB + 1, "standard", False),
        (10 * MIB, "streaming", True),
        (10 * MIB + 1, "streaming", False),
        (20 * MIB, "streaming", False),
    ],
)
def test_size_problems(size, availability, ok):
    problems = _objects.size_problems(size, availability, "src")
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("src: ")
        assert str(_objects.MAX_OBJECT_BYTES[availability]) in problems[0]
        assert f"upload_availability={availability}" in problems[0]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(None, True), (1, True), (7, True), (1000, True), (0, False), (1001, False), (-1, False), ("7", False),
     (True, False), (2.5, False)],
)
def test_page_size_problems(value, ok):
    problems = _objects.page_size_problems(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("page_size: ") and "1 to 1000" in problems[0]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(None, True), (1, True), (100000, True), (0, False), (-3, False), ("1", False), (False, False)],
)
def test_max_items_problems(value, ok):
    problems = _objects.max_items_problems(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("max_items: ")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("all", True), ("object", True), ("folder", True), ("OBJECT", False), ("files", False), (None, False)],
)
def test_item_type_problems(value, ok):
    problems = _objects.item_type_problems(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("item_type: ")


# ---- object paths as the module validates them (normalise, then the shared rules) ----

def _levels(count):
    return "/".join(f"f{level}" for level in range(count)) + "/file.ts"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("file.ts", True),
        ("/file.ts", True),
        ("//hls/live/file.ts", True),
        (_levels(10), True),
        (_levels(11), False),
        ("a" * 900, True),
        ("a" * 901, False),
        ("a b.ts", False),
        ("a//b.ts", False),
        ("a/b?.ts", False),
        ("x=1/y:2/~z_.-w", True),
        ("é.ts", False),
        ("", False),
        ("/", False),
    ],
)
def test_object_path_rules(raw, ok):
    problems = object_path_problems(normalise_path(raw), "path")
    assert (problems == []) is ok
    assert all(problem.startswith("path: ") for problem in problems)


# ---- comparison ----

CURRENT = {"path": "a.ts", "content_length": 10, "content_type": "video/MP2T", "cache_control": "max-age=2"}


@pytest.mark.parametrize(
    ("desired", "differences"),
    [
        ({"content_length": 10, "content_type": "video/MP2T", "cache_control": "max-age=2"}, []),
        ({"content_length": 10, "content_type": "video/MP2T", "cache_control": None}, []),
        ({"content_length": 11, "content_type": "video/MP2T", "cache_control": None}, ["content_length"]),
        ({"content_length": 10, "content_type": "video/mp2t", "cache_control": None}, ["content_type"]),
        ({"content_length": 10, "content_type": "video/MP2T", "cache_control": "max-age=3"}, ["cache_control"]),
        ({"content_length": 10, "content_type": "video/MP2T", "cache_control": ""}, ["cache_control"]),
        ({"content_length": 9, "content_type": "text/plain", "cache_control": "no-cache"},
         ["content_length", "content_type", "cache_control"]),
    ],
)
def test_content_differences(desired, differences):
    assert _objects.content_differences(CURRENT, desired) == differences


def test_empty_cache_control_matches_an_object_without_one():
    current = dict(CURRENT, cache_control=None)
    assert _objects.content_differences(current, dict(CURRENT, cache_control="")) == []


@pytest.mark.parametrize(
    ("current", "desired_change", "overwrite", "decision"),
    [
        (None, {}, "different", "upload"),
        (None, {}, "never", "upload"),
        (None, {}, "always", "upload"),
        (CURRENT, {}, "different", "compare_content"),
        (CURRENT, {}, "always", "upload"),
        (CURRENT, {}, "never", "keep"),
        (CURRENT, {"content_length": 99}, "different", "upload"),
        (CURRENT, {"content_length": 99}, "never", "keep"),
        (CURRENT, {"content_type": "text/plain"}, "different", "upload"),
        (CURRENT, {"cache_control": "no-store"}, "different", "upload"),
    ],
)
def test_upload_decision(current, desired_change, overwrite, decision):
    desired = dict(CURRENT, **desired_change)
    assert _objects.upload_decision(current, desired, overwrite) == decision


@pytest.mark.parametrize(
    ("local_size", "remote_size", "overwrite", "decision"),
    [
        (None, 5, "different", "download"),
        (None, 5, "never", "download"),
        (5, 5, "different", "compare_content"),
        (4, 5, "different", "download"),
        (5, 5, "always", "download"),
        (4, 5, "never", "keep"),
        (0, 0, "different", "compare_content"),
    ],
)
def test_download_decision(local_size, remote_size, overwrite, decision):
    assert _objects.download_decision(local_size, remote_size, overwrite) == decision


# ---- hashing ----

@pytest.mark.parametrize(
    ("data", "chunk_bytes"),
    [(data, chunk_bytes) for data in (b"", b"x", b"0123456789" * 1000) for chunk_bytes in (1, 7, MIB)]
    + [(bytes(range(256)) * 5000, chunk_bytes) for chunk_bytes in (7, MIB)],  # more than one default chunk
)
def test_sha256_of_file_streams(data, chunk_bytes):
    assert _objects.sha256_of_file(io.BytesIO(data), chunk_bytes) == (hashlib.sha256(data).hexdigest(), len(data))


def test_file_chunks_never_exceed_the_chunk_size():
    chunks = list(_objects.file_chunks(io.BytesIO(b"a" * 25), 10))
    assert [len(chunk) for chunk in chunks] == [10, 10, 5]


def test_sha256_of_chunks_writes_what_it_hashes():
    sink = io.BytesIO()
    digest, size = _objects.sha256_of_chunks([b"ab", b"", b"cd"], sink=sink)
    assert sink.getvalue() == b"abcd"
    assert (digest, size) == (hashlib.sha256(b"abcd").hexdigest(), 4)


def test_chunked_body_hides_its_length_and_rewinds():
    body = _objects.ChunkedBody(io.BytesIO(b"segment"))
    assert not hasattr(body, "tell") and not hasattr(body, "__len__")
    assert body.read(3) == b"seg"
    body.seek(0)
    assert body.read() == b"segment"
    with pytest.raises(OSError):
        body.seek(2)


def test_chunked_body_is_sent_chunked_by_botocore():
    from botocore.utils import determine_content_length

    assert determine_content_length(_objects.ChunkedBody(io.BytesIO(b"x"))) is None
    assert determine_content_length(io.BytesIO(b"x")) == 1


# ---- views ----

WHEN = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


def test_object_view_from_describe_object():
    description = {"ETag": "ab" * 32, "ContentLength": 3, "ContentType": "text/plain", "LastModified": WHEN,
                   "ResponseMetadata": {}}
    assert _objects.object_view("a/b.txt", description, sha256="cd" * 32) == {
        "path": "a/b.txt",
        "etag": "ab" * 32,
        "content_length": 3,
        "content_type": "text/plain",
        "cache_control": None,
        "last_modified": "2025-06-01T12:00:00+00:00",
        "sha256": "cd" * 32,
    }
    assert "sha256" not in _objects.object_view("a/b.txt", description)


def test_desired_object_view_keeps_the_current_cache_control_when_unset():
    current = {"cache_control": "max-age=2"}
    assert _objects.desired_object_view("a", 1, "t/t", None, "00", current)["cache_control"] == "max-age=2"
    assert _objects.desired_object_view("a", 1, "t/t", "", "00", current)["cache_control"] is None
    assert _objects.desired_object_view("a", 1, "t/t", "no-store", "00", current)["cache_control"] == "no-store"
    assert _objects.desired_object_view("a", 1, "t/t", None, "00", None)["cache_control"] is None


def test_diff_view_never_holds_content_or_generated_values():
    view = _objects.object_view("a", {"ETag": "e", "ContentLength": 1, "ContentType": "t/t", "LastModified": WHEN},
                                sha256="ff")
    assert _objects.object_diff_view(view) == {"path": "a", "content_length": 1, "content_type": "t/t", "sha256": "ff"}
    assert _objects.object_diff_view(None) == {}


def test_local_file_view():
    assert _objects.local_file_view("/tmp/x", None) == {}
    assert _objects.local_file_view("/tmp/x", 0) == {"dest": "/tmp/x", "content_length": 0}
    assert _objects.local_file_view("/tmp/x", 2, "aa") == {"dest": "/tmp/x", "content_length": 2, "sha256": "aa"}


def test_item_views():
    obj = {"Path": "hls/a.ts", "Name": "a.ts", "Type": "OBJECT", "ETag": "e", "ContentLength": 5,
           "ContentType": "video/MP2T", "LastModified": WHEN}
    folder = {"Path": "hls/live", "Name": "live", "Type": "FOLDER"}
    assert _objects.item_view(obj) == {"path": "hls/a.ts", "name": "a.ts", "type": "object", "etag": "e",
                                       "content_length": 5, "content_type": "video/MP2T",
                                       "last_modified": "2025-06-01T12:00:00+00:00"}
    assert _objects.item_view(folder) == {"path": "hls/live", "name": "live", "type": "folder"}


VIEWS = [
    {"path": "b", "type": "object"},
    {"path": "a/x", "type": "object"},
    {"path": "a", "type": "folder"},
    {"path": "a/x", "type": "object"},
]


@pytest.mark.parametrize(
    ("item_type", "max_items", "paths"),
    [
        ("all", None, ["a", "a/x", "b"]),
        ("object", None, ["a/x", "b"]),
        ("folder", None, ["a"]),
        ("all", 2, ["a", "a/x"]),
        ("all", 1000, ["a", "a/x", "b"]),
    ],
)
def test_select_items(item_type, max_items, paths):
    assert [view["path"] for view in _objects.select_items(VIEWS, item_type, max_items)] == paths
