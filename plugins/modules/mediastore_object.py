#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_object
version_added: 0.1.0
short_description: Upload, download or delete one object in an AWS Elemental MediaStore container
description:
  - Uploads a local file or inline content to a MediaStore container, downloads an object to a local file,
    or deletes an object.
  - Idempotent. With the default O(overwrite=different) an upload happens only when the content, the content
    type or the cache control differ. The size and metadata come from C(DescribeObject); when they match, the
    remote object is read and its SHA-256 compared with the local one, streaming, so that a same-size change is
    detected too. ETags are never computed locally (MediaStore does not document how it makes them).
  - After an upload the C(ContentSHA256) that MediaStore reports is checked against the local SHA-256; a
    mismatch fails the task.
  - Downloads are written to a temporary file next to O(dest) and renamed into place only when complete, so an
    interrupted download never leaves a partial file, and an existing O(dest) stays as it was.
  - In check mode no object is written or deleted and no local file is written; reads still happen, so
    C(changed) and the diff are what a real run would report. A container (O(container)) that does not exist yet
    counts, in check mode, as the new, empty container an earlier task would create (RV(container_pending));
    outside check mode a missing container fails.
author:
  - elemental.mediastore contributors (@elemental-mediastore)
options:
  path:
    description:
      - Path of the object in the container, for example V(hls/live/index.m3u8).
      - A leading V(/) is ignored. At most 10 folder levels and 900 characters; file and folder names use only
        letters, digits and C(. - _ ~ = :).
    type: str
    required: true
  state:
    description:
      - V(present) uploads (O(src), O(content) or O(content_base64)) or downloads (O(dest)).
      - V(absent) deletes the object; an object that does not exist is left alone (not changed).
    type: str
    choices: [present, absent]
    default: present
  src:
    description:
      - Local file to upload.
      - Mutually exclusive with O(content), O(content_base64) and O(dest).
    type: path
  content:
    description:
      - Text to upload, encoded as UTF-8.
      - Mutually exclusive with O(src), O(content_base64) and O(dest).
    type: str
  content_base64:
    description:
      - Binary content to upload, base64-encoded.
      - Mutually exclusive with O(src), O(content) and O(dest).
    type: str
  dest:
    description:
      - Local file to download the object to. Its directory must exist.
      - The file is replaced only when its content differs from the object (size first, then SHA-256), unless
        O(overwrite) says otherwise. O(mode), O(owner) and O(group) are applied to it.
      - Mutually exclusive with O(src), O(content) and O(content_base64).
    type: path
  content_type:
    description:
      - Content type of an upload.
      - When not set, it is guessed from the extension of O(path). Streaming media types are known
        (C(.m3u8) V(application/vnd.apple.mpegurl) as RFC 8216 requires, C(.ts) V(video/MP2T), C(.mpd)
        V(application/dash+xml), C(.m4s) V(video/iso.segment), C(.mp4) V(video/mp4), C(.aac) V(audio/aac),
        C(.vtt) V(text/vtt), C(.jpg) V(image/jpeg), C(.png) V(image/png)); other extensions use Python's own
        table (never the host's C(/etc/mime.types), so every controller guesses alike), then
        V(application/octet-stream).
      - Compared with the object's content type; a difference means a new upload.
    type: str
  cache_control:
    description:
      - The C(Cache-Control) header MediaStore returns with the object, for example V(max-age=2).
      - When not set, the object's current cache control is neither compared nor changed (it is carried over
        when the object is uploaded again). V("") means no C(Cache-Control) at all.
    type: str
  storage_class:
    description:
      - Storage class of an upload. MediaStore has only V(TEMPORAL).
      - Sent with the upload; not compared (MediaStore does not report it).
    type: str
    choices: [TEMPORAL]
  upload_availability:
    description:
      - V(standard) makes the object readable once the upload is complete (at most 25 MiB).
      - V(streaming) makes it readable while it is being uploaded (at most 10 MiB); the body is sent with
        chunked transfer encoding, as MediaStore requires.
      - Sent with the upload; not compared (MediaStore does not report it).
    type: str
    choices: [standard, streaming]
    default: standard
  overwrite:
    description:
      - When an existing object (for an upload) or local file (for a download) is replaced.
      - V(different) replaces it when the content, the content type or the cache control differ (a download
        compares content only).
      - V(always) replaces it every time (always C(changed)).
      - V(never) never replaces an existing one; only a missing object or file is written.
    type: str
    choices: [different, always, never]
    default: different
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.attributes
  - elemental.mediastore.data_plane
  - ansible.builtin.files
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows metadata (path, size, content type, cache control, SHA-256 where known), never content.
notes:
  - MediaStore accepts objects of at most 25 MiB (10 MiB with O(upload_availability=streaming)); a bigger
    upload fails before any request is sent.
  - O(mode), O(owner), O(group) and the other file attributes apply to O(dest) only.
"""

EXAMPLES = r"""
- name: Upload an HLS playlist (content type guessed as application/vnd.apple.mpegurl)
  elemental.mediastore.mediastore_object:
    container: origin
    path: hls/live/index.m3u8
    src: /srv/media/index.m3u8
    cache_control: max-age=2

- name: Upload inline text with an explicit content type
  elemental.mediastore.mediastore_object:
    container: origin
    path: status/ready.json
    content: '{"ready": true}'
    content_type: application/json

- name: Upload a segment for streaming availability (readable while it uploads)
  elemental.mediastore.mediastore_object:
    container: origin
    path: hls/live/segment_00042.ts
    src: /srv/media/segment_00042.ts
    upload_availability: streaming

- name: Upload only when the object does not exist yet
  elemental.mediastore.mediastore_object:
    container: origin
    path: posters/title.jpg
    src: /srv/media/title.jpg
    overwrite: never

- name: Download an object, readable by its owner only
  elemental.mediastore.mediastore_object:
    container: origin
    path: hls/live/index.m3u8
    dest: /tmp/index.m3u8
    mode: "0600"

- name: Delete an object from a MediaStore-compatible service that has only a data plane
  elemental.mediastore.mediastore_object:
    endpoint: https://media.example.com/data/origin
    path: hls/live/old.ts
    state: absent

- name: Report drift without changing anything
  elemental.mediastore.mediastore_object:
    container: origin
    path: hls/live/index.m3u8
    src: /srv/media/index.m3u8
  check_mode: true
  diff: true
  register: playlist_drift
"""

RETURN = r"""
object:
  description:
    - The object after the task (in check mode, as it would be). Not returned with O(state=absent).
    - Values the service generates (C(etag), C(last_modified)) are null in check mode when an upload would happen.
  returned: when O(state=present)
  type: dict
  contains:
    path:
      description: Path of the object in the container.
      returned: always
      type: str
      sample: hls/live/index.m3u8
    etag:
      description: The entity tag MediaStore generated for this version of the object.
      returned: always
      type: str
      sample: 2c4ec8b5d8b6c84b36a3a1e0ab2d4a0a9a5e5c5bd3ef7a9c8d9e0f1a2b3c4d5e
    content_length:
      description: Size of the object in bytes.
      returned: always
      type: int
      sample: 1024
    content_type:
      description: Content type of the object.
      returned: always
      type: str
      sample: application/vnd.apple.mpegurl
    cache_control:
      description: The object's C(Cache-Control), null when it has none.
      returned: always
      type: str
      sample: max-age=2
    last_modified:
      description: When the object was last written, ISO 8601.
      returned: always
      type: str
      sample: "2025-06-01T12:00:00+00:00"
    sha256:
      description:
        - SHA-256 of the content, hexadecimal, when the task knows it (after an upload, or after the content
          was read for a comparison or a download).
      returned: when known
      type: str
      sample: 74b5fdb517f126ae1be3a5e6cd2b8b1cf0a1e8c0f1d1e2b7b6f4f1a4f9e87a9d
container_pending:
  description:
    - The container does not exist yet (check mode, before the task that creates it has really run); the result
      is what the task would do in the new, empty container.
  returned: in check mode, when the container does not exist
  type: bool
  sample: true
dest:
  description: The local file of a download.
  returned: when O(dest) is set
  type: str
  sample: /tmp/index.m3u8
"""

import base64
import binascii
import io
import os
import tempfile

from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    container_name_problems,
    endpoint_problems,
    normalise_path,
    object_path_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    OVERWRITE_CHOICES,
    STORAGE_CLASSES,
    UPLOAD_AVAILABILITIES,
    cache_control_problems,
    content_type_problems,
    desired_object_view,
    download_decision,
    guess_content_type,
    local_file_view,
    object_diff_view,
    object_view,
    sha256_of_chunks,
    sha256_of_file,
    size_problems,
    upload_decision,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreModule,
    MediaStoreServiceError,
    delete_object,
    describe_object,
    object_sha256,
    put_object,
    stream_object,
)

SOURCE_OPTIONS = ("src", "content", "content_base64")
LOCAL_FILE_OPTIONS = ("mode", "owner", "group")


class LocalSource:
    """The content of an upload: size and SHA-256 known up front, opened afresh for every attempt."""

    def __init__(self, option, path=None, data=None):
        self.option = option
        self.path = path
        self.data = data
        if path is not None:
            with open(path, "rb") as source:
                self.sha256, self.size = sha256_of_file(source)
        else:
            self.sha256, self.size = sha256_of_chunks([data])

    def open(self):
        return open(self.path, "rb") if self.path is not None else io.BytesIO(self.data)


# ---- validation (before any client exists) ----


def decode_base64(text):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def local_source_problems(params):
    """Problems of the upload source; returns (problems, LocalSource or None)."""
    if params["src"] is not None:
        src = params["src"]
        if not os.path.exists(src):
            return [f"src: {src} does not exist."], None
        if not os.path.isfile(src):
            return [f"src: {src} is not a regular file."], None
        if not os.access(src, os.R_OK):
            return [f"src: {src} is not readable."], None
        problems = size_problems(os.path.getsize(src), params["upload_availability"], "src")
        return problems, None if problems else LocalSource("src", path=src)
    if params["content_base64"] is not None:
        data = decode_base64(params["content_base64"])
        if data is None:
            return ["content_base64: is not valid base64 (standard alphabet, with padding)."], None
        option = "content_base64"
    elif params["content"] is not None:
        data = params["content"].encode("utf-8")
        option = "content"
    else:
        return [], None
    return size_problems(len(data), params["upload_availability"], option), LocalSource(option, data=data)


def dest_problems(dest):
    if os.path.isdir(dest):
        return [f"dest: {dest} is a directory; give the path of the file to write."]
    directory = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(directory):
        return [f"dest: the directory {directory} does not exist."]
    if not os.access(directory, os.W_OK):
        return [f"dest: the directory {directory} is not writable."]
    return []


def addressing_problems(params):
    if params["container"] is not None:
        return container_name_problems(params["container"], "container")
    if not params["endpoint"]:  # an explicit null passes required_one_of
        return ["container, endpoint: exactly one of them is required."]
    return endpoint_problems(params["endpoint"])


def request_problems(params, path):
    """Every problem of the task's options; returns (problems, LocalSource or None)."""
    problems = addressing_problems(params) + object_path_problems(path, "path")
    problems += content_type_problems(params["content_type"]) + cache_control_problems(params["cache_control"])
    if params["state"] == "absent":
        given = [option for option in SOURCE_OPTIONS + ("dest",) if params[option] is not None]
        if given:
            problems.append(f"{given[0]}: does not apply with state=absent, which deletes the object.")
        return problems, None
    if params["dest"] is None:
        given = [option for option in LOCAL_FILE_OPTIONS if params[option] is not None]
        if given:
            problems.append(f"{given[0]}: applies to the downloaded file only; set dest or remove {given[0]}.")
        source_problems, source = local_source_problems(params)
        return problems + source_problems, source
    return problems + dest_problems(params["dest"]), None


# ---- the three things the module does ----


def pending_flag(data):
    return {} if data else {"container_pending": True}


def ensure_uploaded(module, data, path, source):
    """``data`` None: check mode, in a container that does not exist yet."""
    params = module.params
    current_description = describe_object(data, path) if data else None
    current = object_view(path, current_description) if current_description else None
    content_type = params["content_type"] or guess_content_type(path)
    desired = desired_object_view(path, source.size, content_type, params["cache_control"], source.sha256, current)

    decision = upload_decision(current, desired, params["overwrite"])
    if decision == "compare_content":
        current["sha256"] = object_sha256(data, path)
        decision = "keep" if current["sha256"] == source.sha256 else "upload"
    if decision == "keep":
        unchanged = object_diff_view(current)
        module.exit_json(changed=False, object=current, diff={"before": unchanged, "after": unchanged})

    diff = {"before": object_diff_view(current), "after": object_diff_view(desired)}
    if module.check_mode:
        module.exit_json(changed=True, object=desired, diff=diff, **pending_flag(data))
    response = put_object(
        data, path, source.open, source.sha256, content_type, desired["cache_control"],
        params["storage_class"], params["upload_availability"], source=source.option,
    )
    if not response.get("ContentSHA256"):
        module.warn(f"The service did not report ContentSHA256 for {path!r}; the upload could not be verified.")
    stored = describe_object(data, path)
    module.exit_json(changed=True, object=object_view(path, stored, source.sha256), diff=diff)


def download_to_temporary(module, data, path, dest):
    """Stream the object into a temporary file next to ``dest``; returns (temporary path, sha256, size).

    On any failure the temporary file is removed, so ``dest`` is either complete or untouched.
    """
    directory, name = os.path.split(os.path.abspath(dest))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as sink:
            sha256, size = stream_object(data, path, sink=sink)
            sink.flush()
            os.fsync(sink.fileno())
    except MediaStoreServiceError as error:
        os.unlink(temporary)
        raise MediaStoreServiceError(
            f"Download of {path!r} from the container {data.address} to {dest} failed; {dest} was left as it was",
            exception=error.exception,
        ) from error
    except OSError as error:
        os.unlink(temporary)
        module.fail_json(msg=f"Download of {path!r} to {dest} failed ({error}); {dest} was left as it was.")
    return temporary, sha256, size


def ensure_downloaded(module, data, path):
    params = module.params
    dest = params["dest"]
    description = describe_object(data, path)
    if description is None:
        module.fail_json(msg=f"path: there is no object {path!r} in the container {data.address} to download.")
    remote = object_view(path, description)

    local_size = os.path.getsize(dest) if os.path.exists(dest) else None
    local_sha256 = None
    decision = download_decision(local_size, remote["content_length"], params["overwrite"])
    if decision == "compare_content":
        with open(dest, "rb") as local:
            local_sha256 = sha256_of_file(local)[0]

    temporary = None
    if decision == "compare_content" and module.check_mode:
        remote["sha256"] = object_sha256(data, path)
    elif decision in ("compare_content", "download") and not module.check_mode:
        temporary, remote["sha256"], _size = download_to_temporary(module, data, path, dest)
    if decision == "compare_content":
        decision = "keep" if remote["sha256"] == local_sha256 else "download"

    changed = decision == "download"
    diff = {
        "before": local_file_view(dest, local_size, local_sha256),
        "after": local_file_view(dest, remote["content_length"], remote.get("sha256")) if changed
        else local_file_view(dest, local_size, local_sha256),
    }
    if temporary is not None and changed:
        module.atomic_move(temporary, dest, unsafe_writes=params["unsafe_writes"])
    elif temporary is not None:
        os.unlink(temporary)

    if os.path.exists(dest):
        file_args = module.load_file_common_arguments(params, path=dest)
        changed = module.set_fs_attributes_if_different(file_args, changed, diff=diff)
    if local_size is None:
        diff["before"] = {}  # the attributes recorded as "before" were those of the file just created
    module.exit_json(changed=changed, object=remote, dest=dest, diff=diff)


def ensure_absent(module, data, path):
    """``data`` None: check mode, in a container that does not exist yet."""
    current_description = describe_object(data, path) if data else None
    if current_description is None:
        module.exit_json(changed=False, diff={"before": {}, "after": {}}, **pending_flag(data))
    diff = {"before": object_diff_view(object_view(path, current_description)), "after": {}}
    if not module.check_mode:
        # Gone in between (another writer): the end state is the one asked for, and this task did not cause it.
        if not delete_object(data, path):
            module.exit_json(changed=False, diff={"before": {}, "after": {}})
    module.exit_json(changed=True, diff=diff)


def main():
    argument_spec = dict(
        container=dict(type="str"),
        endpoint=dict(type="str"),
        path=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        src=dict(type="path"),
        content=dict(type="str"),
        content_base64=dict(type="str"),
        dest=dict(type="path"),
        content_type=dict(type="str"),
        cache_control=dict(type="str"),
        storage_class=dict(type="str", choices=list(STORAGE_CLASSES)),
        upload_availability=dict(type="str", choices=list(UPLOAD_AVAILABILITIES), default="standard"),
        overwrite=dict(type="str", choices=list(OVERWRITE_CHOICES), default="different"),
    )
    module = MediaStoreModule(
        argument_spec=argument_spec,
        required_one_of=[("container", "endpoint")],
        mutually_exclusive=[("container", "endpoint"), SOURCE_OPTIONS + ("dest",)],
        required_if=[("state", "present", SOURCE_OPTIONS + ("dest",), True)],
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    path = normalise_path(params["path"])
    problems, source = request_problems(params, path)
    if problems:
        module.fail_json(msg=" ".join(problems))

    try:
        # A download from a container that does not exist yet fails in check mode too, as the real run would.
        data = module.data_plane_or_pending(pending_allowed=params["state"] == "absent" or source is not None)
        if params["state"] == "absent":
            ensure_absent(module, data, path)
        elif source is not None:
            ensure_uploaded(module, data, path, source)
        else:
            ensure_downloaded(module, data, path)
    except MediaStoreServiceError as error:
        module.fail_json_aws_error(error)


if __name__ == "__main__":
    main()
