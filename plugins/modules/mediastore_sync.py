#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediastore_sync
version_added: 0.1.0
short_description: Synchronise a local directory into a MediaStore container folder
description:
  - Uploads the files of a local directory (for example an HLS or DASH package) to a folder of a MediaStore
    container, uploading only what differs, and optionally deletes remote objects that have no local counterpart.
  - The remote side is read with C(ListItems) under O(prefix), its folders listed O(max_concurrency) at a time; no
    per-file request is made to decide what to upload, except the content reads of O(file_change_strategy=checksum).
  - Uploads run in parallel (O(max_concurrency)) on one client, optionally capped at O(max_requests_per_second).
    Each upload is verified against the C(ContentSHA256) that C(PutObject) returns.
  - Playlists and manifests (C(*.m3u8), C(*.mpd)) are uploaded after every other file, and deletions run last,
    so that a player never reads a manifest naming a segment that is not there yet. When an upload fails,
    manifests and deletions are not attempted; they are listed in RV(failures) and the next run completes them.
  - Check mode returns the exact plan (the same RV(uploaded), RV(deleted) and RV(unchanged) a real run reports)
    and makes no write request. With O(file_change_strategy=checksum) it reads remote objects to compare them.
    A container (O(container)) that does not exist yet counts, in check mode, as the new, empty container an
    earlier task would create (RV(container_pending)); outside check mode a missing container fails.
  - Use M(elemental.mediastore.mediastore_object) for a single file.
author:
  - elemental.mediastore contributors (@elemental-mediastore)
options:
  src:
    description:
      - Local directory whose files are synchronised. Its path is not part of the object paths; a file
        C(<src>/hls/index.m3u8) becomes C(<prefix>/hls/index.m3u8).
      - Symbolic links to files are followed, symbolic links to directories are not.
      - Every selected file must have a valid MediaStore path (letters, digits and C(. - _ ~ = :) in each name,
        at most 10 folder levels including O(prefix), at most 900 characters) and fit the size limit of
        O(upload_availability); otherwise the module fails before any request, naming the files.
    type: path
    required: true
  prefix:
    description:
      - Folder of the container to synchronise into, for example V(vod/movie1). Leading and trailing slashes
        are ignored. The default is the container root.
      - With O(delete=true), only objects under this folder can be deleted.
    type: str
    default: ""
  include:
    description:
      - Shell-style patterns (C(fnmatch), case-sensitive) matched against each file's path relative to O(src),
        with C(/) separators. C(*) also matches C(/), so V(*.ts) selects C(.ts) files at any depth.
      - When given, only files matching at least one pattern are synchronised.
    type: list
    elements: str
  exclude:
    description:
      - Patterns as for O(include); a file matching any of them is left out, even when it matches O(include).
      - Remote objects that O(include) and O(exclude) leave out are never deleted by O(delete).
    type: list
    elements: str
  file_change_strategy:
    description:
      - How a file that exists on both sides is judged different.
      - V(date_size) uploads it when the sizes differ or the local modification time is more than 1 second
        later than the object's C(LastModified) (the tolerance covers times kept to the second). Decided from
        the listing alone. A local file with an older time and the same size is left alone.
      - V(checksum) uploads it when the sizes differ or, for equal sizes, when the SHA-256 of the local file
        differs from the SHA-256 of the remote content (read with C(GetObject)). Exact; costs one read per file
        of equal size.
      - V(force) uploads every selected file.
      - With V(date_size) and V(checksum), a file is also uploaded when the content type that the listing
        reports differs from the one this task sets. A change of O(cache_control) or O(cache_control_rules)
        alone is not detected (the listing does not show Cache-Control); use V(force) once to apply it.
    type: str
    choices: [date_size, checksum, force]
    default: date_size
  delete:
    description:
      - Delete the objects under O(prefix) that have no local counterpart (among the paths that O(include) and
        O(exclude) select). Deletions run after all uploads have succeeded.
    type: bool
    default: false
  cache_control:
    description:
      - C(Cache-Control) header stored with every uploaded object that no O(cache_control_rules) entry matches.
      - Unset, such objects are stored without Cache-Control.
    type: str
  cache_control_rules:
    description:
      - A list of dictionaries, each with the keys C(pattern) and C(cache_control).
      - C(Cache-Control) by pattern, for example a short C(max-age) for live playlists and a long one for
        segments. The first rule whose pattern matches the path relative to O(src) wins; when none matches,
        O(cache_control) applies.
    type: list
    elements: raw
    default: []
    suboptions:
      pattern:
        description: Pattern as for O(include).
        type: str
        required: true
      cache_control:
        description: The C(Cache-Control) value, for example V(max-age=2).
        type: str
        required: true
  content_type_rules:
    description:
      - A list of dictionaries, each with the keys C(pattern) and C(content_type).
      - Content type by pattern; the first matching rule wins. A file that no rule matches gets the type
        M(elemental.mediastore.mediastore_object) guesses from its extension (C(.m3u8)
        C(application/vnd.apple.mpegurl), C(.ts) C(video/MP2T), C(.mpd) C(application/dash+xml), C(.m4s)
        C(video/iso.segment), ...; C(application/octet-stream) when unknown).
    type: list
    elements: raw
    default: []
    suboptions:
      pattern:
        description: Pattern as for O(include).
        type: str
        required: true
      content_type:
        description: The content type, for example V(video/MP2T).
        type: str
        required: true
  storage_class:
    description:
      - Storage class of uploaded objects; MediaStore has only V(TEMPORAL). Unset, the service default applies.
    type: str
    choices: [TEMPORAL]
  upload_availability:
    description:
      - V(standard) objects are readable once uploaded (up to 25 MiB); V(streaming) objects are readable while
        they upload (up to 10 MiB, sent with chunked transfer encoding).
    type: str
    choices: [standard, streaming]
    default: standard
  max_concurrency:
    description:
      - How many requests run at once (1 to 64), for uploads, deletions, checksum reads and the listings of the
        remote folders alike.
      - With a service 80 ms away a thread spends most of each request waiting, so more threads finish sooner; a
        first sync of 1000 files of 2 KB took 10.7 s at 8, 5.5 s at 16, 2.9 s at 32, 2.5 s at 40, 2.2 s at 48 and
        2.3 s at 64, from 48 on bound by the CPU of the machine's two cores. Without the delay 8 to 64 took the
        same time, within noise (2.5 to 2.8 s). The default, 48, takes the whole gain on that machine; past it,
        threads only compete for the CPU.
      - Each running upload holds its file in memory, up to 25 MiB; together, running uploads hold at most
        256 MiB, and an upload that would go over waits for others to finish (in the order they asked), so the
        memory used does not grow with O(max_concurrency).
      - Above about 8 at that distance, uploads may go faster than MediaStore's default C(PutObject) quota of
        100 per second; throttled requests are retried, and O(max_requests_per_second) keeps under it.
    type: int
    default: 48
  max_requests_per_second:
    description:
      - Upper bound on the request rate, over all threads (uploads, deletions, checksum reads and folder
        listings). MediaStore's default quota for C(PutObject) is 100 per second and for C(ListItems) 5.
      - Unset, requests are limited by O(max_concurrency) only; throttled requests are retried.
    type: float
extends_documentation_fragment:
  - elemental.mediastore.retries
  - elemental.mediastore.attributes
  - elemental.mediastore.data_plane
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Local and remote times are compared for O(file_change_strategy=date_size); a controller clock far behind the
    service's makes changed files look older. Use V(checksum) when clocks cannot be trusted.
  - A failed run reports which files failed in RV(failures), and what it did upload and delete; it changes
    nothing silently, and running the task again finishes the job.
"""

EXAMPLES = r"""
- name: Publish an HLS VOD package; playlists revalidate quickly, segments are cached for a year
  elemental.mediastore.mediastore_sync:
    container: vod-origin
    src: /srv/packages/movie1/hls
    prefix: vod/movie1
    exclude:
      - "*.tmp"
      - ".*"
    cache_control: max-age=300
    cache_control_rules:
      - pattern: "*.m3u8"
        cache_control: max-age=60
      - pattern: "*.ts"
        cache_control: max-age=31536000, immutable

- name: Keep a live channel's rolling window in step, removing expired segments
  elemental.mediastore.mediastore_sync:
    endpoint: https://aaabbbcccdddee.data.mediastore.us-west-2.amazonaws.com
    src: /var/spool/live/channel1
    prefix: live/channel1
    delete: true
    max_concurrency: 16
    max_requests_per_second: 80
    cache_control_rules:
      - pattern: "*.m3u8"
        cache_control: max-age=2
      - pattern: "*.ts"
        cache_control: max-age=31536000
    content_type_rules:
      - pattern: "*.aac"
        content_type: audio/aac

- name: What would change? (a drift report; no write is made)
  elemental.mediastore.mediastore_sync:
    container: vod-origin
    src: /srv/packages/movie1/hls
    prefix: vod/movie1
    file_change_strategy: checksum
  check_mode: true
  register: movie1_drift

- name: Show the files that differ
  ansible.builtin.debug:
    msg: "{{ movie1_drift.uploaded }}"
"""

RETURN = r"""
uploaded:
  description:
    - Paths of the objects uploaded (in check mode, to be uploaded), in upload order.
    - Why each was uploaded, and its size, content type and Cache-Control, are in RV(diff), one line per path.
    - Each upload was verified against the C(ContentSHA256) the service returned; an upload whose digest differs
      is a failure (RV(failures)), not an entry here.
  returned: always
  type: list
  elements: str
  sample: [vod/movie1/segment_00001.ts, vod/movie1/index.m3u8]
deleted:
  description: Paths of the objects deleted (in check mode, to be deleted), sorted.
  returned: always
  type: list
  elements: str
  sample: [live/channel1/segment_00001.ts]
unchanged:
  description: Paths of the selected files whose object was already up to date, sorted.
  returned: always
  type: list
  elements: str
  sample: [vod/movie1/index.m3u8]
failures:
  description:
    - Operations that failed, or were not attempted because an earlier upload failed. Empty on success; the
      module fails when it is not.
    - Named C(failures) because Ansible reserves C(failed) for the task status.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Object path in the container.
      type: str
    error:
      description: What went wrong.
      type: str
  sample:
    - path: vod/movie1/segment_00002.ts
      error: "An error occurred (InternalServerError) when calling the PutObject operation: injected fault"
counts:
  description: Number of entries in each list.
  returned: always
  type: dict
  contains:
    uploaded:
      description: Number of objects uploaded.
      type: int
    deleted:
      description: Number of objects deleted.
      type: int
    unchanged:
      description: Number of objects already up to date.
      type: int
    failed:
      description: Number of failed operations.
      type: int
  sample: {uploaded: 3, deleted: 1, unchanged: 497, failed: 0}
prefix:
  description: The container folder synchronised, normalised (no leading or trailing slash).
  returned: always
  type: str
  sample: vod/movie1
container_pending:
  description:
    - The container does not exist yet (check mode, before the task that creates it has really run); the result
      is what the task would do in the new, empty container.
  returned: in check mode, when the container does not exist
  type: bool
  sample: true
diff:
  description:
    - The objects the run changes (in check mode, would change), as text with one line per path, sorted by path;
      unchanged objects are left out.
    - >-
      C(before) gives the size, content type and modification time of each replaced or deleted object; C(after)
      says what happens to each path (C(upload (new)) or C(upload (changed: <reason>)), with the size, content type
      and Cache-Control; or C(delete)).
    - The reason is V(size), V(newer), V(checksum) or V(force) after O(file_change_strategy), or V(content_type)
      when only the stored content type differed.
  returned: always
  type: dict
  sample:
    before: |
      live/channel1/segment_00001.ts: 102400 bytes, video/MP2T, modified 2026-11-21T19:00:00+00:00
    after: |
      live/channel1/segment_00001.ts: delete
      live/channel1/segment_00004.ts: upload (new), 102400 bytes, video/MP2T, Cache-Control max-age=31536000
"""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.elemental.mediastore.plugins.module_utils._names import container_name_problems, normalise_path
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    STORAGE_CLASSES,
    UPLOAD_AVAILABILITIES,
    guess_content_type,
    sha256_of_chunks,
    sha256_of_file,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._service import (
    MediaStoreModule,
    MediaStoreServiceError,
    delete_object,
    list_folder,
    object_sha256,
    put_object,
    walk_items,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._sync import (
    PROBLEMS_SHOWN,
    STRATEGIES,
    UPLOAD_BYTES_IN_FLIGHT,
    ByteBudget,
    Plan,
    RateLimiter,
    checksum_candidates,
    container_path,
    local_file_problems,
    option_problems,
    plan_sync,
    remote_objects,
    resolve_rule,
    scan_tree,
    src_problems,
    sync_diff,
    upload_phases,
)

# ---------------------------------------------------------------------------------------------------
# Requests, one object each


def list_remote(data, prefix, limiter, concurrency):
    """The objects under ``prefix``, its folders listed ``concurrency`` at a time."""

    def list_one(client, path):
        limiter.wait()
        return list_folder(client, path)

    return remote_objects(walk_items(data, prefix, concurrency=concurrency, list_one=list_one), prefix)


def compare_digests(data, local, path, limiter):
    """(local sha256, remote sha256) of one file and its object."""
    with open(local.full_path, "rb") as handle:
        local_digest = sha256_of_file(handle)[0]
    return local_digest, object_sha256(data, path, pace=limiter.wait)


def upload(data, item, params, limiter, budget):
    """PUT one file and check that the service stored exactly the bytes that were read."""
    # Standard is the service's default: the header is sent for streaming only.
    availability = "streaming" if params["upload_availability"] == "streaming" else None
    with budget.holding(item.local.size):
        with open(item.local.full_path, "rb") as handle:
            content = handle.read()  # the digest is of the bytes sent, even if the file changes meanwhile
        digest = sha256_of_chunks([content])[0]
        limiter.wait()
        put_object(
            data, item.path, content, digest, item.content_type, item.cache_control,
            params["storage_class"], availability, source=f"the file read ({item.local.relative_path})",
            require_sha256=True,
        )


def delete(data, path, limiter):
    """DELETE one object; False when it was already gone."""
    limiter.wait()
    return delete_object(data, path)


def run_parallel(function, items, concurrency):
    """``function(item)`` for every item on ``concurrency`` threads: [(item, result, error message or None)]."""

    def attempt(item):
        try:
            return item, function(item), None
        # Whatever goes wrong with one file is that file's failure: the run goes on and reports it
        # next to what did succeed, instead of losing that report in a traceback.
        except Exception as error:  # pylint: disable=broad-exception-caught
            return item, None, str(error) or type(error).__name__

    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(attempt, items))


# ---------------------------------------------------------------------------------------------------


def validate(module):
    params = module.params
    problems = option_problems(params) + src_problems(params["src"])
    if params["container"] is not None:
        problems += container_name_problems(params["container"], "container")
    files = []
    if not problems:
        files, problems = scan_tree(params["src"], params["include"], params["exclude"])
        problems += local_file_problems(files, params["prefix"], params["upload_availability"])
    if problems:
        module.fail_json(msg=" ".join(problems))
    return files


def compare_checksums(data, files, remote, prefix, concurrency, limiter):
    """Digests of the files only a digest can judge: ({relative path: (local, remote sha256)}, failures, undecided).

    ``undecided`` are the relative paths whose comparison failed.
    """
    by_path = {local.relative_path: local for local in files}
    candidates = checksum_candidates(files, remote)
    digests, failures, undecided = {}, [], set()
    results = run_parallel(
        lambda relative_path: compare_digests(
            data, by_path[relative_path], container_path(prefix, relative_path), limiter
        ),
        candidates,
        concurrency,
    )
    for relative_path, result, error in results:
        if error:
            path = container_path(prefix, relative_path)
            failures.append({"path": path, "error": f"could not compare content: {error}"})
            undecided.add(relative_path)
        else:
            digests[relative_path] = result
    return digests, failures, undecided


def not_attempted(path, failures):
    return {
        "path": path,
        "error": f"not attempted: {failures} upload(s) failed, and manifests are uploaded and extraneous "
        "objects deleted only after every other upload has succeeded; run the task again",
    }


def apply_plan(data, plan, params, limiter, failures):
    """Upload phase by phase (manifests last), then delete; once an upload fails, later phases are not attempted.

    Returns the Plan of what was done.
    """
    concurrency = params["max_concurrency"]
    budget = ByteBudget(UPLOAD_BYTES_IN_FLIGHT)
    done_uploads, deleted = [], []
    upload_failures = 0
    for phase in upload_phases(plan.uploads):
        if upload_failures:
            failures += [not_attempted(item.path, upload_failures) for item in phase]
            continue
        uploads = run_parallel(lambda item: upload(data, item, params, limiter, budget), phase, concurrency)
        for item, _result, error in uploads:
            if error:
                failures.append({"path": item.path, "error": error})
                upload_failures += 1
            else:
                done_uploads.append(item)
    if upload_failures:
        failures += [not_attempted(path, upload_failures) for path in plan.deletions]
        return Plan(done_uploads, deleted, plan.unchanged)
    for path, existed, error in run_parallel(lambda path: delete(data, path, limiter), plan.deletions, concurrency):
        if error:
            failures.append({"path": path, "error": error})
        elif existed:
            deleted.append(path)
    return Plan(done_uploads, deleted, plan.unchanged)


ARGUMENT_SPEC = dict(
    container=dict(type="str"),
    endpoint=dict(type="str"),
    src=dict(type="path", required=True),
    prefix=dict(type="str", default=""),
    include=dict(type="list", elements="str"),
    exclude=dict(type="list", elements="str"),
    file_change_strategy=dict(type="str", choices=list(STRATEGIES), default="date_size"),
    delete=dict(type="bool", default=False),
    cache_control=dict(type="str"),
    # The rules are checked by _sync.option_problems, not by ansible-core: its messages for a rule that is not a
    # dictionary name neither the rule nor the keys it needs.
    cache_control_rules=dict(type="list", elements="raw", default=[]),
    content_type_rules=dict(type="list", elements="raw", default=[]),
    storage_class=dict(type="str", choices=list(STORAGE_CLASSES)),
    upload_availability=dict(type="str", choices=list(UPLOAD_AVAILABILITIES), default="standard"),
    max_concurrency=dict(type="int", default=48),
    max_requests_per_second=dict(type="float"),
)


def make_plan(data, files, params, limiter):
    """``(plan, remote, failures, undecided)``: read the remote side, compare, decide.

    ``data`` None: check mode, in a container that does not exist yet (nothing remote).
    """
    prefix = normalise_path(params["prefix"])
    remote = list_remote(data, prefix, limiter, params["max_concurrency"]) if data else {}
    digests, failures, undecided = {}, [], set()
    if params["file_change_strategy"] == "checksum":
        digests, failures, undecided = compare_checksums(
            data, files, remote, prefix, params["max_concurrency"], limiter
        )

    def content_type_for(relative_path):
        guessed = guess_content_type(relative_path)
        return resolve_rule(relative_path, params["content_type_rules"], "content_type", guessed)

    def cache_control_for(relative_path):
        return resolve_rule(relative_path, params["cache_control_rules"], "cache_control", params["cache_control"])

    plan = plan_sync(
        files,
        remote,
        prefix,
        params["file_change_strategy"],
        delete=params["delete"],
        include=params["include"],
        exclude=params["exclude"],
        content_type_for=content_type_for,
        cache_control_for=cache_control_for,
        digests=digests,
        undecided=undecided,
    )
    return plan, remote, failures, undecided


def synchronise(module, files):
    """The whole run after validation: ``(result, attempted)``, the number of operations planned or undecided."""
    params = module.params
    limiter = RateLimiter(params["max_requests_per_second"])
    # max_concurrency threads share this client: give it as many pooled connections, or urllib3
    # throws surplus connections away and every request pays for a new one.
    data = module.data_plane_or_pending(config={"max_pool_connections": params["max_concurrency"]})
    plan, remote, failures, undecided = make_plan(data, files, params, limiter)
    done = plan if module.check_mode else apply_plan(data, plan, params, limiter, failures)
    # Paths only: Ansible handles a result per value, and 5000 dictionaries of six values cost it about 0.4 s.
    # The reason, size and headers of each upload are in the diff, one line per path.
    uploaded = [item.path for item in done.uploads]
    prefix = normalise_path(params["prefix"])
    result = dict(
        changed=bool(uploaded or done.deletions),
        uploaded=uploaded,
        deleted=done.deletions,
        unchanged=plan.unchanged,
        failures=failures,
        counts=dict(
            uploaded=len(uploaded), deleted=len(done.deletions), unchanged=len(plan.unchanged), failed=len(failures)
        ),
        prefix=prefix,
        diff=sync_diff(done, remote, prefix),
    )
    if data is None:
        result["container_pending"] = True
    return result, len(plan.uploads) + len(plan.deletions) + len(undecided)


def main():
    module = MediaStoreModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("container", "endpoint")],
        required_one_of=[("container", "endpoint")],
        supports_check_mode=True,
    )
    files = validate(module)
    try:
        result, attempted = synchronise(module, files)
    except MediaStoreServiceError as error:
        module.fail_json_aws_error(error)
    failures = result["failures"]
    if failures:
        counts = result["counts"]
        listed = "; ".join(f"{failure['path']}: {failure['error']}" for failure in failures[:PROBLEMS_SHOWN])
        more = f"; and {len(failures) - PROBLEMS_SHOWN} more (see failures)" if len(failures) > PROBLEMS_SHOWN else ""
        module.fail_json(
            msg=f"{len(failures)} of {attempted} sync operations failed "
            f"({counts['uploaded']} uploaded, {counts['deleted']} deleted): {listed}{more}",
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
