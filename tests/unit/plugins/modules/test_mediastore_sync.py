# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mediastore_sync against a stubbed data plane: what it sends, and what it does not send."""

import datetime
import hashlib
import io
import os
import threading
import time

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.elemental.mediastore.plugins.modules import mediastore_sync

ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"
PAST = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
FUTURE = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


@pytest.fixture
def data_plane(module_data, monkeypatch):
    """The stubbed data plane (module_data); the module's exit_json and fail_json raise ModuleExit."""

    def exit_json(module, **result):
        raise ModuleExit(result, failed=False)

    def fail_json(module, **result):
        raise ModuleExit(result, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return module_data


class BodyOf:
    """Matches a PutObject Body (bytes or a binary file object) holding exactly ``content``."""

    def __init__(self, content):
        self.content = content

    def __eq__(self, body):
        if isinstance(body, bytes):
            return body == self.content
        sent = body.read()
        body.seek(0)  # the Stubber looks before the request is built
        return sent == self.content

    def __repr__(self):
        return f"BodyOf({self.content!r})"


def run(src, check_mode=False, **params):
    args = dict(
        endpoint=ENDPOINT,
        src=str(src),
        prefix="live/ch1",
        max_concurrency=1,  # the stub answers in queue order
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        _ansible_check_mode=check_mode,
    )
    args.update(params)
    args = {name: value for name, value in args.items() if value is not None}  # None stands for "not given"
    with patch_module_args(args):
        with pytest.raises(ModuleExit) as raised:
            mediastore_sync.main()
    return raised.value


def actions(outcome):
    """What the diff says happens to each path: {path: "upload (new)", ...}."""
    lines = outcome.result["diff"]["after"].splitlines()
    return dict((line.split(", ")[0].split(": ", 1)) for line in lines)


def write(root, relative_path, content, mtime=None):
    target = root / relative_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    if mtime is not None:
        os.utime(target, (mtime.timestamp(), mtime.timestamp()))
    return hashlib.sha256(content).hexdigest()


def item(name, size, modified=PAST, content_type="video/MP2T"):
    return {
        "Name": name,
        "Type": "OBJECT",
        "ContentLength": size,
        "LastModified": modified,
        "ContentType": content_type,
    }


def folder(name):
    return {"Name": name, "Type": "FOLDER"}


def expect_listing(stubber, path, items):
    expected = {"Path": path, "MaxResults": 1000} if path else {"MaxResults": 1000}
    stubber.add_response("list_items", {"Items": items}, expected)


def expect_put(stubber, path, content, content_type="video/MP2T", cache_control=None, stored=None):
    digest = hashlib.sha256(content).hexdigest()
    expected = {"Path": path, "Body": BodyOf(content), "ContentType": content_type}
    if cache_control:
        expected["CacheControl"] = cache_control
    stubber.add_response(
        "put_object", {"ContentSHA256": stored or digest, "ETag": "e" * 64, "StorageClass": "TEMPORAL"}, expected
    )


@pytest.fixture
def live_tree(tmp_path):
    """A live channel: one new segment, one grown segment, one unchanged, a playlist; remote has an expired one."""
    src = tmp_path / "ch1"
    write(src, "seg_3.ts", b"3" * 30)
    write(src, "seg_2.ts", b"2" * 25)
    write(src, "seg_1.ts", b"1" * 10, mtime=PAST - datetime.timedelta(days=1))
    write(src, "index.m3u8", b"#EXTM3U\n#seg_1\n#seg_2\n#seg_3\n", mtime=PAST - datetime.timedelta(days=1))
    return src


def expect_live_listing(stubber):
    expect_listing(
        stubber,
        "live/ch1",
        [
            item("seg_0.ts", 10),
            item("seg_1.ts", 10),
            item("seg_2.ts", 20),
            item("index.m3u8", 9, content_type="application/vnd.apple.mpegurl"),
        ],
    )


def test_check_mode_reports_the_plan_and_sends_nothing_but_the_listing(data_plane, live_tree):
    expect_live_listing(data_plane)
    result = run(live_tree, check_mode=True, delete=True)
    assert not result.failed
    assert result.result["changed"] is True
    assert result.result["uploaded"] == ["live/ch1/seg_2.ts", "live/ch1/seg_3.ts", "live/ch1/index.m3u8"]
    assert result.result["deleted"] == ["live/ch1/seg_0.ts"]
    assert result.result["unchanged"] == ["live/ch1/seg_1.ts"]
    assert result.result["counts"] == {"uploaded": 3, "deleted": 1, "unchanged": 1, "failed": 0}
    before, after = result.result["diff"]["before"].splitlines(), result.result["diff"]["after"].splitlines()
    assert [line.split(":")[0] for line in before] == ["live/ch1/index.m3u8", "live/ch1/seg_0.ts", "live/ch1/seg_2.ts"]
    assert [line.split(",")[0] for line in after] == [
        "live/ch1/index.m3u8: upload (changed: size)", "live/ch1/seg_0.ts: delete",
        "live/ch1/seg_2.ts: upload (changed: size)", "live/ch1/seg_3.ts: upload (new)",
    ]


def test_a_run_uploads_segments_then_the_playlist_then_deletes(data_plane, live_tree):
    expect_live_listing(data_plane)
    expect_put(data_plane, "live/ch1/seg_2.ts", b"2" * 25, cache_control="max-age=31536000")
    expect_put(data_plane, "live/ch1/seg_3.ts", b"3" * 30, cache_control="max-age=31536000")
    expect_put(
        data_plane,
        "live/ch1/index.m3u8",
        (live_tree / "index.m3u8").read_bytes(),
        content_type="application/vnd.apple.mpegurl",
        cache_control="max-age=2",
    )
    data_plane.add_response("delete_object", {}, {"Path": "live/ch1/seg_0.ts"})
    result = run(
        live_tree,
        delete=True,
        cache_control_rules=[
            {"pattern": "*.m3u8", "cache_control": "max-age=2"},
            {"pattern": "*", "cache_control": "max-age=31536000"},
        ],
    )
    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["uploaded"] == ["live/ch1/seg_2.ts", "live/ch1/seg_3.ts", "live/ch1/index.m3u8"]
    assert result.result["deleted"] == ["live/ch1/seg_0.ts"]
    assert result.result["failures"] == []


def test_nothing_to_do_is_not_a_change(data_plane, tmp_path):
    write(tmp_path, "a.ts", b"a" * 5, mtime=PAST)
    expect_listing(data_plane, "live/ch1", [item("a.ts", 5, modified=PAST)])
    result = run(tmp_path, delete=True)
    assert not result.failed
    assert result.result["changed"] is False
    assert result.result["unchanged"] == ["live/ch1/a.ts"]
    assert result.result["diff"] == {"before": "", "after": ""}


def test_the_walk_descends_into_folders(data_plane, tmp_path):
    write(tmp_path, "hls/720p/a.ts", b"a" * 5, mtime=PAST)
    expect_listing(data_plane, "", [folder("hls")])
    expect_listing(data_plane, "hls", [folder("720p")])
    expect_listing(data_plane, "hls/720p", [item("a.ts", 5, modified=FUTURE)])
    result = run(tmp_path, prefix="")
    assert result.result["unchanged"] == ["hls/720p/a.ts"]


def test_a_wrong_content_sha256_fails_that_file_and_holds_back_playlist_and_deletions(data_plane, live_tree):
    expect_live_listing(data_plane)
    expect_put(data_plane, "live/ch1/seg_2.ts", b"2" * 25)
    expect_put(data_plane, "live/ch1/seg_3.ts", b"3" * 30, stored="0" * 64)
    result = run(live_tree, delete=True)
    assert result.failed
    assert result.result["msg"].startswith("3 of 4 sync operations failed (1 uploaded, 0 deleted)")
    assert result.result["changed"] is True
    assert result.result["uploaded"] == ["live/ch1/seg_2.ts"]
    failed = {entry["path"]: entry["error"] for entry in result.result["failures"]}
    assert sorted(failed) == ["live/ch1/index.m3u8", "live/ch1/seg_0.ts", "live/ch1/seg_3.ts"]
    assert "SHA-256 " + "0" * 64 in failed["live/ch1/seg_3.ts"]
    assert failed["live/ch1/index.m3u8"].startswith("not attempted: 1 upload(s) failed")
    assert failed["live/ch1/seg_0.ts"].startswith("not attempted")
    assert result.result["deleted"] == []


def test_a_refused_upload_is_a_failure_of_that_file_only(data_plane, tmp_path):
    write(tmp_path, "a.ts", b"a")
    write(tmp_path, "b.ts", b"b")
    expect_listing(data_plane, "live/ch1", [])
    data_plane.add_client_error("put_object", "ContainerNotFoundException", "gone", 404)
    expect_put(data_plane, "live/ch1/b.ts", b"b")
    result = run(tmp_path)
    assert result.failed
    assert result.result["uploaded"] == ["live/ch1/b.ts"]
    assert result.result["failures"][0]["path"] == "live/ch1/a.ts"
    assert "endpoint: container at " in result.result["failures"][0]["error"]


def test_an_object_deleted_meanwhile_is_not_reported_as_deleted(data_plane, tmp_path):
    expect_listing(data_plane, "live/ch1", [item("old.ts", 1)])
    data_plane.add_client_error("delete_object", "ObjectNotFoundException", "no such object", 404)
    result = run(tmp_path, delete=True)
    assert not result.failed
    assert result.result["changed"] is False
    assert result.result["deleted"] == []


def body(content):
    return StreamingBody(io.BytesIO(content), len(content))


def test_checksum_mode_reads_only_same_size_objects_and_ignores_dates(data_plane, tmp_path):
    write(tmp_path, "same.ts", b"s" * 4, mtime=FUTURE)  # touched: newer, same content
    write(tmp_path, "edited.ts", b"e" * 4, mtime=PAST)
    write(tmp_path, "grown.ts", b"g" * 8)
    expect_listing(data_plane, "live/ch1", [item("edited.ts", 4), item("grown.ts", 4), item("same.ts", 4)])
    data_plane.add_response("get_object", {"Body": body(b"E" * 4), "StatusCode": 200}, {"Path": "live/ch1/edited.ts"})
    data_plane.add_response("get_object", {"Body": body(b"s" * 4), "StatusCode": 200}, {"Path": "live/ch1/same.ts"})
    result = run(tmp_path, check_mode=True, file_change_strategy="checksum")
    assert result.result["uploaded"] == ["live/ch1/edited.ts", "live/ch1/grown.ts"]
    assert actions(result) == {
        "live/ch1/edited.ts": "upload (changed: checksum)",
        "live/ch1/grown.ts": "upload (changed: size)",
    }
    assert result.result["unchanged"] == ["live/ch1/same.ts"]


def test_date_size_uploads_a_touched_file(data_plane, tmp_path):
    write(tmp_path, "same.ts", b"s" * 4, mtime=FUTURE)
    expect_listing(data_plane, "live/ch1", [item("same.ts", 4)])
    result = run(tmp_path, check_mode=True)
    assert result.result["uploaded"] == ["live/ch1/same.ts"]
    assert actions(result) == {"live/ch1/same.ts": "upload (changed: newer)"}


def test_a_failed_checksum_read_leaves_that_file_alone_and_fails(data_plane, tmp_path):
    write(tmp_path, "a.ts", b"a" * 4)
    expect_listing(data_plane, "live/ch1", [item("a.ts", 4)])
    data_plane.add_client_error("get_object", "ObjectNotFoundException", "vanished", 404)
    result = run(tmp_path, check_mode=True, file_change_strategy="checksum", delete=True)
    assert result.failed
    assert result.result["failures"][0]["path"] == "live/ch1/a.ts"
    assert result.result["failures"][0]["error"].startswith("could not compare content")
    assert result.result["uploaded"] == [] and result.result["deleted"] == [] and result.result["unchanged"] == []


def test_force_uploads_unchanged_files_with_type_rules_and_storage_options(data_plane, tmp_path):
    write(tmp_path, "a.aac", b"a", mtime=PAST)
    expect_listing(data_plane, "live/ch1", [item("a.aac", 1, content_type="audio/x-aac")])
    data_plane.add_response(
        "put_object",
        {"ContentSHA256": hashlib.sha256(b"a").hexdigest()},
        {
            "Path": "live/ch1/a.aac",
            "Body": BodyOf(b"a"),
            "ContentType": "audio/x-aac",
            "StorageClass": "TEMPORAL",
        },
    )
    result = run(
        tmp_path,
        file_change_strategy="force",
        storage_class="TEMPORAL",
        content_type_rules=[{"pattern": "*.aac", "content_type": "audio/x-aac"}],
    )
    assert not result.failed, result.result
    assert result.result["uploaded"] == ["live/ch1/a.aac"]
    assert result.result["diff"]["after"] == "live/ch1/a.aac: upload (changed: force), 1 bytes, audio/x-aac\n"


def test_the_client_gets_a_connection_per_thread(data_plane, stubs, tmp_path):
    expect_listing(data_plane, "live/ch1", [])
    run(tmp_path, max_concurrency=32)
    assert stubs.created == [("mediastore-data", ENDPOINT, {"max_pool_connections": 32})]


@pytest.mark.parametrize(
    "params, words",
    [
        (dict(prefix="live//ch1"), "prefix: "),
        (dict(prefix="../x"), "prefix: '../x' has '..' as a file or folder name"),
        (dict(max_concurrency=0), "max_concurrency: must be between 1 and 64"),
        (dict(max_requests_per_second=0), "max_requests_per_second: must be greater than 0"),
        (dict(cache_control_rules=[{"pattern": "*.ts", "cache_control": "a\nb"}]), "printable ASCII"),
        (dict(content_type_rules=[{"pattern": "*.ts", "content_type": "video/mp2t; x=1"}]), "not a valid content type"),
        (
            dict(cache_control_rules=["*.m3u8"]),
            "cache_control_rules[0]: each rule is a dictionary with keys pattern and cache_control "
            "(for example pattern: '*.m3u8'), not str '*.m3u8'.",
        ),
        (
            dict(content_type_rules=[{"pattern": "*.ts", "content": "x"}]),
            "content_type_rules[0]: unknown key 'content'",
        ),
    ],
)
def test_bad_options_fail_before_any_request(data_plane, stubs, tmp_path, params, words):
    result = run(tmp_path, **params)
    assert result.failed
    assert words in result.result["msg"]
    assert stubs.created == []


def test_src_must_be_a_directory(data_plane, stubs, tmp_path):
    write(tmp_path, "a.ts", b"a")
    result = run(tmp_path / "a.ts")
    assert result.failed
    assert "is not a directory" in result.result["msg"]
    assert stubs.created == []


def test_an_oversized_or_badly_named_file_fails_the_plan_before_any_request(data_plane, stubs, tmp_path):
    write(tmp_path, "ok.ts", b"a")
    write(tmp_path, "bad name.ts", b"a")
    with open(tmp_path / "big.ts", "wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)  # sparse: costs no disk
    result = run(tmp_path, upload_availability="streaming")
    assert result.failed
    assert "src file 'bad name.ts':" in result.result["msg"]
    assert "src file 'big.ts': the object is 10485761 bytes" in result.result["msg"]
    assert stubs.created == []


def test_container_and_endpoint_are_mutually_exclusive(data_plane, tmp_path):
    result = run(tmp_path, container="c1")
    assert result.failed
    assert "mutually exclusive" in result.result["msg"]


def test_streaming_uploads_are_sent_chunked(data_plane, tmp_path):
    write(tmp_path, "live.ts", b"l" * 7)
    expect_listing(data_plane, "live/ch1", [])
    data_plane.add_response(
        "put_object",
        {"ContentSHA256": hashlib.sha256(b"l" * 7).hexdigest()},
        {"Path": "live/ch1/live.ts", "Body": ANY, "ContentType": "video/MP2T", "UploadAvailability": "STREAMING"},
    )
    bodies, sent = [], []

    def record(params, **kwargs):
        bodies.append(params["Body"])
        sent.append(params["Body"].read())  # the body is closed once the call is over
        params["Body"].seek(0)

    data_plane.client.meta.events.register("before-parameter-build.mediastore-data.PutObject", record)
    result = run(tmp_path, upload_availability="streaming")
    assert not result.failed, result.result
    assert result.result["uploaded"] == ["live/ch1/live.ts"]
    # No length and no tell(): botocore can only send it with Transfer-Encoding: chunked.
    assert not hasattr(bodies[0], "__len__") and not hasattr(bodies[0], "tell")
    assert sent[0] == b"l" * 7


def test_check_mode_in_a_missing_container_predicts_every_upload_without_a_request(data_plane, stubs, tmp_path):
    write(tmp_path, "a.ts", b"a" * 4)
    stubs.control.add_client_error("describe_container", "ContainerNotFoundException",
                                   expected_params={"ContainerName": "origin"})
    result = run(tmp_path, check_mode=True, endpoint=None, container="origin", delete=True)
    assert not result.failed
    assert result.result["changed"] is True
    assert result.result["container_pending"] is True
    assert result.result["uploaded"] == ["live/ch1/a.ts"]
    assert actions(result) == {"live/ch1/a.ts": "upload (new)"}
    assert [service for service, _endpoint, _config in stubs.created] == ["mediastore"]


def test_a_missing_container_outside_check_mode_says_to_create_it(data_plane, stubs, tmp_path):
    write(tmp_path, "a.ts", b"a" * 4)
    stubs.control.add_client_error("describe_container", "ContainerNotFoundException")
    result = run(tmp_path, endpoint=None, container="origin")
    assert result.failed
    assert "create it first with elemental.mediastore.mediastore_container" in result.result["msg"]


def test_folders_are_listed_max_concurrency_at_a_time(data_plane, tmp_path, monkeypatch):
    folders = [f"rendition{number}" for number in range(6)]
    # Every folder listing waits until all six are under way: they can only finish if they run at once.
    all_listing = threading.Barrier(len(folders), timeout=10)

    def list_folder(_data, path, page_size=1000):
        if path == "live/ch1":
            return [dict(folder(name), Path=f"live/ch1/{name}") for name in folders]
        all_listing.wait()
        return [dict(item("a.ts", 5, modified=FUTURE), Path=f"{path}/a.ts")]

    monkeypatch.setattr(mediastore_sync, "list_folder", list_folder)
    for name in folders:
        write(tmp_path, f"{name}/a.ts", b"a" * 5, mtime=PAST)
    result = run(tmp_path, max_concurrency=len(folders))
    assert result.result["unchanged"] == [f"live/ch1/{name}/a.ts" for name in folders]


def test_running_uploads_hold_at_most_the_byte_budget_whatever_the_concurrency(data_plane, tmp_path, monkeypatch):
    in_flight = {"bytes": 0, "most_bytes": 0, "uploads": 0, "most_uploads": 0}
    lock = threading.Lock()

    def put_object(_data, path, content, sha256, *_args, **_kwargs):
        with lock:
            in_flight["bytes"] += len(content)
            in_flight["uploads"] += 1
            in_flight["most_bytes"] = max(in_flight["most_bytes"], in_flight["bytes"])
            in_flight["most_uploads"] = max(in_flight["most_uploads"], in_flight["uploads"])
        time.sleep(0.05)  # long enough for every thread to try to start its upload meanwhile
        with lock:
            in_flight["bytes"] -= len(content)
            in_flight["uploads"] -= 1

    monkeypatch.setattr(mediastore_sync, "UPLOAD_BYTES_IN_FLIGHT", 10 * 1024)
    monkeypatch.setattr(mediastore_sync, "put_object", put_object)
    monkeypatch.setattr(mediastore_sync, "list_folder", lambda _data, _path, page_size=1000: [])
    for number in range(8):
        write(tmp_path, f"seg{number}.ts", b"s" * 4096)
    result = run(tmp_path, max_concurrency=8)
    assert result.result["counts"]["uploaded"] == 8
    assert in_flight["most_bytes"] <= 10 * 1024  # 8 threads of 4 KiB would hold 32 KiB
    assert in_flight["most_uploads"] == 2  # the budget, not the thread count, kept the others waiting
