# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import hashlib
import io
import json

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

from ansible.module_utils.testing import patch_module_args

from ansible_collections.elemental.mediastore.plugins.modules import mediastore_object

ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"
WHEN = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
CONTENT = b"#EXTM3U\n#EXT-X-VERSION:3\n"
SHA256 = hashlib.sha256(CONTENT).hexdigest()
PATH = "hls/live/index.m3u8"
PLAYLIST = "application/vnd.apple.mpegurl"


def run_module(capsys, **args):
    args = {"endpoint": ENDPOINT, "path": PATH, "region": "us-east-1", **args}
    args = {name: value for name, value in args.items() if value is not None}  # None stands for "not given"
    with patch_module_args(args), pytest.raises(SystemExit):
        mediastore_object.main()
    return json.loads(capsys.readouterr().out)


def described(size=None, content_type=PLAYLIST, cache_control=None):
    response = {"ETag": "e" * 64, "ContentLength": len(CONTENT) if size is None else size,
                "ContentType": content_type, "LastModified": WHEN}
    if cache_control:
        response["CacheControl"] = cache_control
    return response


def expect_describe(stub, response=None):
    if response is None:
        stub.add_client_error("describe_object", "ObjectNotFoundException", http_status_code=404,
                              expected_params={"Path": PATH})
    else:
        stub.add_response("describe_object", response, {"Path": PATH})


def expect_get(stub, content):
    stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(content), len(content)),
                                     "ContentLength": len(content), "StatusCode": 200}, {"Path": PATH})


def test_check_mode_reports_a_new_object_without_put(module_data, capsys):
    expect_describe(module_data)
    result = run_module(capsys, content=CONTENT.decode(), _ansible_check_mode=True, _ansible_diff=True)
    module_data.assert_no_pending_responses()  # an unexpected put_object would have failed the run
    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": {"path": PATH, "content_length": len(CONTENT),
                                                      "content_type": PLAYLIST, "sha256": SHA256}}
    assert result["object"]["etag"] is None


def test_check_mode_detects_a_same_size_change_by_reading_not_writing(module_data, capsys):
    expect_describe(module_data, described())
    expect_get(module_data, CONTENT.replace(b"3", b"4"))
    result = run_module(capsys, content=CONTENT.decode(), _ansible_check_mode=True)
    module_data.assert_no_pending_responses()
    assert result["changed"] is True


def test_same_content_is_unchanged(module_data, capsys):
    expect_describe(module_data, described())
    expect_get(module_data, CONTENT)
    result = run_module(capsys, content=CONTENT.decode())
    assert result["changed"] is False
    assert result["object"]["sha256"] == SHA256
    assert result["object"]["last_modified"] == "2025-06-01T12:00:00+00:00"


def test_size_difference_uploads_without_reading(module_data, capsys):
    expect_describe(module_data, described(size=3))
    module_data.add_response("put_object", {"ContentSHA256": SHA256, "ETag": "f" * 64, "StorageClass": "TEMPORAL"},
                             {"Path": PATH, "Body": ANY, "ContentType": PLAYLIST, "UploadAvailability": "STANDARD"})
    expect_describe(module_data, described())
    result = run_module(capsys, content=CONTENT.decode())
    module_data.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["object"]["sha256"] == SHA256


def test_unset_cache_control_is_carried_over(module_data, capsys):
    expect_describe(module_data, described(size=3, cache_control="max-age=2"))
    module_data.add_response("put_object", {"ContentSHA256": SHA256, "ETag": "f" * 64},
                             {"Path": PATH, "Body": ANY, "ContentType": PLAYLIST, "UploadAvailability": "STANDARD",
                              "CacheControl": "max-age=2"})
    expect_describe(module_data, described(cache_control="max-age=2"))
    assert run_module(capsys, content=CONTENT.decode())["changed"] is True
    module_data.assert_no_pending_responses()


def test_cache_control_only_change_uploads_without_reading(module_data, capsys):
    expect_describe(module_data, described(cache_control="max-age=2"))
    module_data.add_response("put_object", {"ContentSHA256": SHA256, "ETag": "f" * 64},
                             {"Path": PATH, "Body": ANY, "ContentType": PLAYLIST, "UploadAvailability": "STANDARD",
                              "CacheControl": "max-age=60"})
    expect_describe(module_data, described(cache_control="max-age=60"))
    result = run_module(capsys, content=CONTENT.decode(), cache_control="max-age=60", _ansible_diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["cache_control"] == "max-age=2"
    assert result["diff"]["after"]["cache_control"] == "max-age=60"


def test_overwrite_never_leaves_a_different_object(module_data, capsys):
    expect_describe(module_data, described(size=3))
    result = run_module(capsys, content=CONTENT.decode(), overwrite="never")
    module_data.assert_no_pending_responses()
    assert result["changed"] is False


def test_stored_sha256_mismatch_fails_loudly(module_data, capsys):
    expect_describe(module_data)
    module_data.add_response("put_object", {"ContentSHA256": "0" * 64, "ETag": "f" * 64},
                             {"Path": PATH, "Body": ANY, "ContentType": PLAYLIST, "UploadAvailability": "STANDARD"})
    result = run_module(capsys, content=CONTENT.decode())
    assert result["failed"] is True
    assert "0" * 64 in result["msg"] and SHA256 in result["msg"]


def test_streaming_upload_sends_the_header(module_data, capsys):
    expect_describe(module_data)
    module_data.add_response("put_object", {"ContentSHA256": SHA256, "ETag": "f" * 64},
                             {"Path": PATH, "Body": ANY, "ContentType": "video/MP2T", "UploadAvailability": "STREAMING",
                              "StorageClass": "TEMPORAL"})
    expect_describe(module_data, described(content_type="video/MP2T"))
    result = run_module(capsys, content=CONTENT.decode(), content_type="video/MP2T", upload_availability="streaming",
                        storage_class="TEMPORAL")
    assert result["changed"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"path": "a b.ts", "content": "x"}, "path: "),
        ({"path": "o/../c.txt", "content": "x"}, "path: 'o/../c.txt' has '..' as a file or folder name"),
        ({"path": "./c.txt", "content": "x"}, "path: './c.txt' has '.' as a file or folder name"),
        ({"path": "a b/c d.ts", "content": "x"}, "path: 'a b', 'c d.ts' are not valid file or folder names"),
        ({"content": "x", "content_type": "text/plain\r\nX-Evil: 1"}, "content_type: "),
        ({"content": "x", "cache_control": "max-age=2\x00"}, "cache_control: "),
        ({"content": "x", "cache_control": "max-age=2\x7f"}, "cache_control: "),
        ({"endpoint": "https://example.com/data/x\r\nHost: evil", "content": "x"}, "endpoint: "),
        ({"state": "absent", "dest": "/tmp/x"}, "dest: does not apply with state=absent"),
        ({"path": "/".join(["f"] * 11) + "/x.ts", "content": "x"}, "path: at most 10 folder levels"),
        ({"path": "a" * 901, "content": "x"}, "path: a path has at most 900"),
        ({"content_base64": "not base64!"}, "content_base64: "),
        ({"content": "x", "content_type": "text/plain; charset=utf-8"}, "content_type: "),
        ({"content": "x", "cache_control": "a\nb"}, "cache_control: "),
        ({"content": "x", "mode": "0600"}, "mode: applies to the downloaded file only"),
        ({"state": "absent", "content": "x"}, "content: does not apply with state=absent"),
        ({"endpoint": "ftp://example.com", "content": "x"}, "endpoint: "),
        ({"content": "x" * (10 * 1024 * 1024 + 1), "upload_availability": "streaming"}, "content: the object is"),
        ({"src": "/nonexistent/file.ts"}, "src: /nonexistent/file.ts does not exist"),
        ({"dest": "/nonexistent/dir/file.ts"}, "dest: the directory /nonexistent/dir does not exist"),
        ({"src": "/etc/hostname", "content": "x"}, "mutually exclusive"),
        ({"endpoint": None, "content": "x"}, "one of the following is required: container, endpoint"),
        ({"container": "origin", "content": "x"}, "mutually exclusive: container|endpoint"),
        ({"container": "bad name", "endpoint": None, "content": "x"}, "container: 'bad name' is not a valid"),
    ],
)
def test_bad_input_fails_before_any_client(no_client, capsys, args, message):
    result = run_module(capsys, **args)
    assert result["failed"] is True
    assert message in result["msg"]


def test_check_mode_delete_makes_no_call(module_data, capsys):
    expect_describe(module_data, described())
    result = run_module(capsys, state="absent", _ansible_check_mode=True, _ansible_diff=True)
    module_data.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["diff"]["before"]["path"] == PATH and result["diff"]["after"] == {}


def test_delete_of_a_missing_object_is_unchanged(module_data, capsys):
    expect_describe(module_data)
    assert run_module(capsys, state="absent")["changed"] is False


def test_delete(module_data, capsys):
    expect_describe(module_data, described())
    module_data.add_response("delete_object", {}, {"Path": PATH})
    assert run_module(capsys, state="absent")["changed"] is True
    module_data.assert_no_pending_responses()


def test_missing_container_is_a_clear_failure(module_data, capsys):
    module_data.add_client_error("describe_object", "ContainerNotFoundException", http_status_code=404)
    result = run_module(capsys, content="x")
    assert result["failed"] is True
    assert result["msg"] == (
        f"endpoint: container at {ENDPOINT} does not exist; "
        "create it first with elemental.mediastore.mediastore_container."
    )


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_missing_container_by_name_says_to_create_it_and_check_mode_predicts_the_upload(
    module_control, stubs, capsys, check_mode
):
    module_control.add_client_error("describe_container", "ContainerNotFoundException",
                                    expected_params={"ContainerName": "origin"})
    result = run_module(capsys, endpoint=None, container="origin", content=CONTENT.decode(),
                        _ansible_check_mode=check_mode, _ansible_diff=True)
    assert [service for service, _endpoint, _config in stubs.created] == ["mediastore"]
    if check_mode:
        assert result["changed"] is True
        assert result["container_pending"] is True
        assert result["diff"]["before"] == {}
        assert result["diff"]["after"]["sha256"] == SHA256
    else:
        assert result["failed"] is True
        assert ("container: container 'origin' does not exist; create it first with "
                "elemental.mediastore.mediastore_container") in result["msg"]


def test_check_mode_removal_in_a_missing_container_is_no_change(module_control, capsys):
    module_control.add_client_error("describe_container", "ContainerNotFoundException")
    result = run_module(capsys, endpoint=None, container="origin", state="absent", _ansible_check_mode=True)
    assert result["changed"] is False
    assert result["container_pending"] is True


def test_download_same_content_is_unchanged_and_leaves_no_temporary(module_data, capsys, tmp_path):
    dest = tmp_path / "index.m3u8"
    dest.write_bytes(CONTENT)
    expect_describe(module_data, described())
    expect_get(module_data, CONTENT)
    result = run_module(capsys, dest=str(dest))
    assert result["changed"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.m3u8"]


def test_download_writes_the_file_with_mode(module_data, capsys, tmp_path):
    dest = tmp_path / "index.m3u8"
    expect_describe(module_data, described())
    expect_get(module_data, CONTENT)
    result = run_module(capsys, dest=str(dest), mode="0640")
    assert result["changed"] is True
    assert dest.read_bytes() == CONTENT
    assert oct(dest.stat().st_mode & 0o777) == "0o640"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.m3u8"]


def test_download_in_check_mode_writes_nothing(module_data, capsys, tmp_path):
    dest = tmp_path / "index.m3u8"
    expect_describe(module_data, described())
    result = run_module(capsys, dest=str(dest), _ansible_check_mode=True)
    module_data.assert_no_pending_responses()  # no GetObject: the file is missing, so it is a download anyway
    assert result["changed"] is True
    assert list(tmp_path.iterdir()) == []


def test_truncated_download_keeps_the_old_file(module_data, capsys, tmp_path):
    dest = tmp_path / "index.m3u8"
    dest.write_bytes(b"old content")
    expect_describe(module_data, described())
    # The body ends early: botocore checks the length and raises IncompleteReadError.
    module_data.add_response("get_object", {"Body": StreamingBody(io.BytesIO(CONTENT[:5]), len(CONTENT)),
                                            "ContentLength": len(CONTENT), "StatusCode": 200}, {"Path": PATH})
    result = run_module(capsys, dest=str(dest))
    assert result["failed"] is True
    assert "was left as it was" in result["msg"]
    assert dest.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.m3u8"]
