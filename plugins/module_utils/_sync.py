# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Directory sync: local tree scan, option checks, the upload/delete plan, rules, rate limiting (no SDK).

Patterns are shell-style (``fnmatch``, case-sensitive) and are matched against the path relative to
``src`` with ``/`` separators; ``*`` also matches ``/``, so ``*.ts`` selects segments at any depth.
"""

import contextlib
import fnmatch
import os
import threading
import time
from collections import namedtuple

from ansible_collections.elemental.mediastore.plugins.module_utils._names import (
    endpoint_problems,
    folder_path_problems,
    normalise_path,
    object_path_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._objects import (
    MANIFEST_PATTERNS,
    MEBIBYTE,
    cache_control_problems,
    content_type_problems,
    size_problems,
)
from ansible_collections.elemental.mediastore.plugins.module_utils._time import epoch_seconds, iso_time

STRATEGIES = ("date_size", "checksum", "force")
MAX_CONCURRENCY = 64
# Each running upload holds its file (up to 25 MiB): without a cap, 64 uploads of large segments would hold
# 1.6 GiB on the controller.  Small files, the common case, never come near it.
UPLOAD_BYTES_IN_FLIGHT = 256 * MEBIBYTE
# ListItems gives sub-second times, HTTP dates whole seconds; a local file only counts as newer when
# it is newer by more than this, so a remote time truncated to the second never looks older than the
# file it was uploaded from.
MTIME_TOLERANCE = 1.0
PROBLEMS_SHOWN = 10

LocalFile = namedtuple("LocalFile", ["relative_path", "full_path", "size", "mtime"])
RemoteObject = namedtuple("RemoteObject", ["relative_path", "size", "last_modified", "content_type"])
Upload = namedtuple("Upload", ["local", "path", "reason", "content_type", "cache_control"])
Plan = namedtuple("Plan", ["uploads", "deletions", "unchanged"])


# ---------------------------------------------------------------------------------------------------
# Options


def option_problems(params):
    """Problems of the sync options that need no file system and no service."""
    problems = folder_path_problems(normalise_path(params.get("prefix")), "prefix")
    if params.get("endpoint") is not None:
        problems += endpoint_problems(params["endpoint"])
    for option in ("include", "exclude"):
        problems += _pattern_list_problems(params.get(option), option)
    for option, value_key in (("cache_control_rules", "cache_control"), ("content_type_rules", "content_type")):
        for index, rule in enumerate(params.get(option) or []):
            where = f"{option}[{index}]"
            if not isinstance(rule, dict):
                problems.append(
                    f"{where}: each rule is a dictionary with keys pattern and {value_key} "
                    f"(for example pattern: '*.m3u8'), not {type(rule).__name__} {str(rule)[:60]!r}."
                )
                continue
            unknown = sorted(str(key) for key in set(rule) - {"pattern", value_key})
            if unknown:
                names = ", ".join(map(repr, unknown))
                problems.append(f"{where}: unknown key {names}; a rule has pattern, {value_key}.")
            for key in ("pattern", value_key):
                if not rule.get(key) or not isinstance(rule[key], str):
                    problems.append(f"{where}: {key} is required, a non-empty string.")
            if rule.get(value_key) and isinstance(rule[value_key], str):
                value_problems = content_type_problems if value_key == "content_type" else cache_control_problems
                problems += value_problems(rule[value_key], f"{where}.{value_key}")
    problems += cache_control_problems(params.get("cache_control"), "cache_control")
    concurrency = params.get("max_concurrency")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        problems.append(f"max_concurrency: must be between 1 and {MAX_CONCURRENCY}, got {concurrency}.")
    rate = params.get("max_requests_per_second")
    if rate is not None and not rate > 0:
        problems.append(f"max_requests_per_second: must be greater than 0, got {rate}.")
    return problems


def _pattern_list_problems(patterns, option):
    if patterns is None:
        return []
    if not isinstance(patterns, (list, tuple)):
        return [f"{option}: must be a list of glob patterns."]
    problems = []
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern:
            problems.append(f"{option}[{index}]: each pattern is a non-empty string, got {pattern!r}.")
    return problems


def src_problems(src):
    if not src:
        return ["src: a local directory is required."]
    if not os.path.exists(src):
        return [f"src: {src!r} does not exist."]
    if not os.path.isdir(src):
        return [f"src: {src!r} is not a directory; give the directory to sync (mediastore_object uploads one file)."]
    return []


# ---------------------------------------------------------------------------------------------------
# Selection and rules


def matches_any(relative_path, patterns):
    return any(fnmatch.fnmatchcase(relative_path, pattern) for pattern in patterns or ())


def is_selected(relative_path, include=None, exclude=None):
    """In the sync when it matches an include pattern (or there are none) and no exclude pattern."""
    if include and not matches_any(relative_path, include):
        return False
    return not matches_any(relative_path, exclude)


def resolve_rule(relative_path, rules, key, default=None):
    """The ``key`` value of the first rule whose pattern matches the path, else ``default``."""
    for rule in rules or ():
        if fnmatch.fnmatchcase(relative_path, rule["pattern"]):
            return rule[key]
    return default


def is_manifest(relative_path):
    """Manifests go up only after every other file has, so that one never names a segment not there yet."""
    return matches_any(relative_path, MANIFEST_PATTERNS)


def container_path(prefix, relative_path):
    prefix = normalise_path(prefix)
    return f"{prefix}/{relative_path}" if prefix else relative_path


def relative_to_prefix(prefix, path):
    """The part of a container path below ``prefix``, or None when the path is not under it."""
    prefix = normalise_path(prefix)
    if not prefix:
        return path
    if path.startswith(prefix + "/"):
        return path[len(prefix) + 1 :]
    return None


# ---------------------------------------------------------------------------------------------------
# Local tree


def scan_tree(src, include=None, exclude=None):
    """Every selected regular file under ``src`` (symlinks to files followed, to directories not), sorted, and the
    problems of folders that could not be read.

    A folder that cannot be read is a problem, not a folder to skip: with ``delete`` a skipped folder would look
    empty and its remote copies would be deleted. A folder removed while scanning is simply gone.
    """
    files, problems = [], []
    folders = [(src, "")]
    while folders:
        directory, relative_folder = folders.pop()
        # scandir gives the type without a stat per entry, and the relative path is built as it goes:
        # at 10,000 files os.walk with a relpath per file was a third of a no-op sync's own time.
        try:
            entries = list(os.scandir(directory))
        except FileNotFoundError:
            continue
        except OSError as error:
            problems.append(
                f"src folder {relative_folder or './'!r} cannot be read ({error.strerror}); "
                "make it readable or move it out of src."
            )
            continue
        for entry in entries:
            relative_path = relative_folder + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, relative_path + "/"))
            elif is_selected(relative_path, include, exclude):
                local = _local_file(entry, relative_path)
                if local:
                    files.append(local)
    files.sort(key=lambda local: local.relative_path)
    return files, sorted(problems)


def _local_file(entry, relative_path):
    """The LocalFile of a directory entry, or None unless it is (a symlink to) a regular file."""
    try:
        if not entry.is_file():
            return None
        status = entry.stat()
    except OSError:
        return None  # a dangling symlink, or a file removed while scanning: nothing to upload
    return LocalFile(relative_path, entry.path, status.st_size, status.st_mtime)


def local_file_problems(files, prefix, upload_availability="standard"):
    """Files that cannot be uploaded: invalid object path, or larger than the service accepts."""
    problems = []
    for local in files:
        option = f"src file {local.relative_path!r}"
        problems += object_path_problems(container_path(prefix, local.relative_path), option=option)
        problems += size_problems(local.size, upload_availability, option=option)
    if len(problems) > PROBLEMS_SHOWN:
        problems = problems[:PROBLEMS_SHOWN] + [f"... and {len(problems) - PROBLEMS_SHOWN} more problems."]
    return problems


# ---------------------------------------------------------------------------------------------------
# Remote side


def remote_objects(items, prefix):
    """ListItems items (with their full ``Path``) under ``prefix`` as RemoteObjects keyed by relative path."""
    objects = {}
    for item in items:
        if item.get("Type") != "OBJECT":
            continue
        relative_path = relative_to_prefix(prefix, item["Path"])
        if not relative_path:
            continue
        objects[relative_path] = RemoteObject(
            relative_path,
            item.get("ContentLength"),
            epoch_seconds(item.get("LastModified")),
            item.get("ContentType"),
        )
    return objects


# ---------------------------------------------------------------------------------------------------
# The plan


def checksum_candidates(files, remote):
    """Paths whose content must be compared by digest in checksum mode: on both sides with the same size."""
    return [
        local.relative_path
        for local in files
        if local.relative_path in remote and remote[local.relative_path].size == local.size
    ]


def upload_reason(local, remote, strategy, content_type, digests=None):
    """Why ``local`` must be uploaded over ``remote`` (None: it must not).

    ``digests`` maps relative paths to (local sha256, remote sha256) in checksum mode.
    """
    if strategy == "force":
        return "force"
    if remote is None:
        return "new"
    if remote.size != local.size:
        return "size"
    if strategy == "date_size":
        if remote.last_modified is None or local.mtime > remote.last_modified + MTIME_TOLERANCE:
            return "newer"
    elif strategy == "checksum":
        local_digest, remote_digest = digests[local.relative_path]
        if local_digest.lower() != remote_digest.lower():
            return "checksum"
    # ListItems tells the stored type for free; a type rule or guess that changed is worth an upload.
    if remote.content_type and content_type and remote.content_type != content_type:
        return "content_type"
    return None


def plan_sync(
    files,
    remote,
    prefix,
    strategy,
    delete=False,
    include=None,
    exclude=None,
    content_type_for=lambda relative_path: None,
    cache_control_for=lambda relative_path: None,
    digests=None,
    undecided=(),
):
    """The uploads (segments before manifests), deletions and unchanged paths that make ``prefix`` match ``files``.

    ``undecided`` are relative paths whose comparison could not be made (a checksum read failed): they
    are neither uploaded, deleted nor counted unchanged.  Remote objects that the include/exclude
    patterns leave out are not deleted, as with rsync's --delete.
    """
    undecided = set(undecided)
    uploads, unchanged = [], []
    for local in files:
        if local.relative_path in undecided:
            continue
        content_type = content_type_for(local.relative_path)
        reason = upload_reason(local, remote.get(local.relative_path), strategy, content_type, digests)
        path = container_path(prefix, local.relative_path)
        if reason:
            uploads.append(Upload(local, path, reason, content_type, cache_control_for(local.relative_path)))
        else:
            unchanged.append(path)
    uploads.sort(key=lambda upload: (is_manifest(upload.local.relative_path), upload.path))
    deletions = []
    if delete:
        local_paths = {local.relative_path for local in files}
        deletions = sorted(
            container_path(prefix, relative_path)
            for relative_path in remote
            if relative_path not in local_paths
            and relative_path not in undecided
            and is_selected(relative_path, include, exclude)
        )
    return Plan(uploads, deletions, sorted(unchanged))


def upload_phases(uploads):
    """Uploads in the order they must run: everything else, then manifests."""
    others = [upload for upload in uploads if not is_manifest(upload.local.relative_path)]
    manifests = [upload for upload in uploads if is_manifest(upload.local.relative_path)]
    return [phase for phase in (others, manifests) if phase]


def sync_diff(plan, remote, prefix):
    """before/after as text, one line per object the plan touches (unchanged objects are left out).

    ``before`` describes each replaced or deleted object; ``after`` says what happens to each path: "upload
    (new)", "upload (changed: <reason>)" or "delete".  Lines are sorted by path, so a unified diff pairs the two
    lines of a path instead of interleaving multi-line blocks.
    """
    before, after = {}, {}
    for upload in plan.uploads:
        existing = remote.get(upload.local.relative_path)
        if existing:
            before[upload.path] = _remote_summary(existing)
        action = "upload (new)" if upload.reason == "new" else f"upload (changed: {upload.reason})"
        details = [action, f"{upload.local.size} bytes", upload.content_type]
        if upload.cache_control:
            details.append(f"Cache-Control {upload.cache_control}")
        after[upload.path] = ", ".join(details)
    for path in plan.deletions:
        before[path] = _remote_summary(remote[relative_to_prefix(prefix, path)])
        after[path] = "delete"
    return {"before": _lines(before), "after": _lines(after)}


def _lines(by_path):
    return "".join(f"{path}: {by_path[path]}\n" for path in sorted(by_path))


def _remote_summary(remote):
    return f"{remote.size} bytes, {remote.content_type}, modified {iso_time(remote.last_modified)}"


# ---------------------------------------------------------------------------------------------------
# Request rate


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart across threads (no burst); rate None means no limit."""

    def __init__(self, rate=None, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_slot = None
        self._lock = threading.Lock()

    def wait(self):
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


# ---------------------------------------------------------------------------------------------------
# Memory held by running uploads


class ByteBudget:
    """At most ``limit`` bytes held by running uploads at once, whatever their number.

    Uploads start in the order they ask, so small files never overtake a large one for ever; a file larger than
    the whole budget counts as the whole budget, and runs alone.
    """

    def __init__(self, limit):
        self.limit = limit
        self.held = 0
        self._tickets_issued = 0
        self._ticket_served = 0
        self._condition = threading.Condition()

    @property
    def waiting(self):
        """How many uploads wait for their turn."""
        return self._tickets_issued - self._ticket_served

    @contextlib.contextmanager
    def holding(self, size):
        size = min(size, self.limit)
        with self._condition:
            ticket = self._tickets_issued
            self._tickets_issued += 1
            self._condition.wait_for(lambda: ticket == self._ticket_served and self.held + size <= self.limit)
            self._ticket_served += 1
            self.held += size
            self._condition.notify_all()  # the next ticket may fit too
        try:
            yield
        finally:
            with self._condition:
                self.held -= size
                self._condition.notify_all()
