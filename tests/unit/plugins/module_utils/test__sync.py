# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import os
import threading
import time

import pytest

from ansible_collections.elemental.mediastore.plugins.module_utils import _sync
from ansible_collections.elemental.mediastore.plugins.module_utils._sync import (
    ByteBudget,
    LocalFile,
    RateLimiter,
    RemoteObject,
)

MIB = 1024 * 1024
# The remote object was written at T; local files are dated relative to it.
T = 1_763_000_000.0


def local(relative_path, size=100, mtime=T - 60):
    return LocalFile(relative_path, f"/src/{relative_path}", size, mtime)


def remote(relative_path, size=100, last_modified=T, content_type="video/MP2T"):
    return RemoteObject(relative_path, size, last_modified, content_type)


def valid_params(**overrides):
    params = dict(
        prefix="vod/movie1",
        include=None,
        exclude=None,
        cache_control=None,
        cache_control_rules=[],
        content_type_rules=[],
        max_concurrency=8,
        max_requests_per_second=None,
    )
    params.update(overrides)
    return params


# --------------------------------------------------------------------------------------------------- options


def test_valid_options_have_no_problems():
    assert _sync.option_problems(valid_params()) == []
    assert _sync.option_problems(valid_params(prefix="", max_requests_per_second=0.5, max_concurrency=64)) == []
    assert _sync.option_problems(valid_params(prefix="/live/ch1/", max_concurrency=1)) == []


@pytest.mark.parametrize(
    "overrides, option, words",
    [
        (dict(prefix="vod/movie 1"), "prefix", "not a valid file or folder name"),
        (dict(prefix="vod//movie1"), "prefix", "empty folder name"),
        (dict(prefix="../x"), "prefix", "'..' as a file or folder name"),
        (dict(prefix="vod/./movie1"), "prefix", "'.' as a file or folder name"),
        (dict(endpoint="ftp://example.com/x"), "endpoint", "http:// or https://"),
        (dict(endpoint="https://example.com/x\r\nX: 1"), "endpoint", "control characters"),
        (dict(cache_control="max-age=2\x7f"), "cache_control", "printable ASCII"),
        (dict(prefix="/".join("abcdefghijk")), "prefix", "at most 10 folder levels"),
        (dict(include="*.ts"), "include", "list of glob patterns"),
        (dict(exclude=["*.tmp", ""]), "exclude[1]", "non-empty string"),
        (dict(include=[None]), "include[0]", "non-empty string"),
        (
            dict(cache_control_rules=[{"pattern": "", "cache_control": "max-age=2"}]),
            "cache_control_rules[0]",
            "pattern is required",
        ),
        (
            dict(cache_control_rules=[{"pattern": "*.ts", "cache_control": ""}]),
            "cache_control_rules[0]",
            "cache_control is required",
        ),
        (dict(cache_control_rules=["*.ts"]), "cache_control_rules[0]", "dictionary"),
        (
            dict(cache_control_rules=[{"pattern": "*.ts", "cache_control": "max-age=2\r\nX-Evil: 1"}]),
            "cache_control_rules[0].cache_control",
            "printable ASCII",
        ),
        (
            dict(content_type_rules=[{"pattern": "*.ts", "content_type": "video/MP2T; x"}]),
            "content_type_rules[0]",
            "not a valid content type",
        ),
        (dict(content_type_rules=[{"pattern": "*.ts"}]), "content_type_rules[0]", "content_type is required"),
        (
            dict(content_type_rules=[{"pattern": 5, "content_type": "video/MP2T"}]),
            "content_type_rules[0]",
            "pattern is required, a non-empty string",
        ),
        (
            dict(cache_control_rules=[{"pattern": "*.ts", "cache_control": "max-age=2", "Pattern": "*.m3u8"}]),
            "cache_control_rules[0]",
            "unknown key 'Pattern'; a rule has pattern, cache_control",
        ),
        (dict(cache_control="max-age=2\n"), "cache_control", "printable ASCII"),
        (dict(max_concurrency=0), "max_concurrency", "between 1 and 64"),
        (dict(max_concurrency=65), "max_concurrency", "between 1 and 64"),
        (dict(max_requests_per_second=0), "max_requests_per_second", "greater than 0"),
        (dict(max_requests_per_second=-5.0), "max_requests_per_second", "greater than 0"),
    ],
)
def test_bad_options_are_named_with_their_rule(overrides, option, words):
    problems = _sync.option_problems(valid_params(**overrides))
    assert len(problems) == 1, problems
    assert problems[0].startswith(option + ":") or problems[0].startswith(option + "."), problems
    assert words in problems[0]


def test_every_problem_is_reported_at_once():
    problems = _sync.option_problems(valid_params(prefix="a b", max_concurrency=100, max_requests_per_second=0))
    assert [problem.split(":")[0] for problem in problems] == ["prefix", "max_concurrency", "max_requests_per_second"]


def test_src_must_be_an_existing_directory(tmp_path):
    (tmp_path / "file.ts").write_bytes(b"x")
    assert _sync.src_problems(str(tmp_path)) == []
    assert "does not exist" in _sync.src_problems(str(tmp_path / "missing"))[0]
    assert "is not a directory" in _sync.src_problems(str(tmp_path / "file.ts"))[0]
    assert _sync.src_problems("")[0].startswith("src:")


# --------------------------------------------------------------------------------------- selection and rules


@pytest.mark.parametrize(
    "path, include, exclude, selected",
    [
        ("a.ts", None, None, True),
        ("hls/720p/seg_001.ts", ["*.ts"], None, True),  # * crosses folders
        ("hls/index.m3u8", ["*.ts"], None, False),
        ("hls/index.m3u8", ["*.ts", "*.m3u8"], None, True),
        ("hls/seg.ts", None, ["*.ts"], False),
        ("hls/seg.ts", ["*.ts"], ["*.ts"], False),  # exclude wins
        ("hls/seg.ts", ["hls/*"], ["hls/tmp/*"], True),
        ("hls/tmp/seg.ts", ["hls/*"], ["hls/tmp/*"], False),
        ("hls/.DS_Store", None, [".*", "*/.*"], False),
        ("SEG.TS", ["*.ts"], None, False),  # case-sensitive, whatever the platform
        ("seg_1.ts", ["seg_?.ts"], None, True),
        ("seg_10.ts", ["seg_[0-9].ts"], None, False),
        ("a.ts", [], [], True),  # empty lists select everything
    ],
)
def test_include_and_exclude(path, include, exclude, selected):
    assert _sync.is_selected(path, include, exclude) is selected


CACHE_RULES = [
    {"pattern": "*.m3u8", "cache_control": "max-age=2"},
    {"pattern": "*.ts", "cache_control": "max-age=31536000"},
    {"pattern": "hls/*", "cache_control": "max-age=60"},
]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("hls/index.m3u8", "max-age=2"),  # first match wins over hls/*
        ("hls/720p/seg.ts", "max-age=31536000"),
        ("hls/poster.jpg", "max-age=60"),
        ("poster.jpg", "default"),
    ],
)
def test_first_matching_rule_wins_else_default(path, expected):
    assert _sync.resolve_rule(path, CACHE_RULES, "cache_control", "default") == expected


def test_no_rules_gives_the_default():
    assert _sync.resolve_rule("a.ts", [], "cache_control", None) is None
    assert _sync.resolve_rule("a.ts", None, "content_type", "video/MP2T") == "video/MP2T"


@pytest.mark.parametrize(
    "prefix, relative_path, path",
    [("", "a.ts", "a.ts"), ("vod", "a/b.ts", "vod/a/b.ts"), ("/vod/x/", "a.ts", "vod/x/a.ts")],
)
def test_container_path(prefix, relative_path, path):
    assert _sync.container_path(prefix, relative_path) == path
    assert _sync.relative_to_prefix(prefix, path) == relative_path


@pytest.mark.parametrize("prefix, path", [("vod", "vodka/a.ts"), ("vod", "vod"), ("vod/x", "vod/a.ts")])
def test_paths_outside_the_prefix(prefix, path):
    assert _sync.relative_to_prefix(prefix, path) is None


# ------------------------------------------------------------------------------------------------ local tree


def make_tree(root, files):
    for relative_path, content in files.items():
        target = root / relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def test_scan_tree_lists_files_relative_to_src_sorted(tmp_path):
    make_tree(tmp_path, {"index.m3u8": b"#EXTM3U", "720p/seg_2.ts": b"22", "720p/seg_1.ts": b"1", "a/b/c/d.vtt": b""})
    files, problems = _sync.scan_tree(str(tmp_path))
    assert problems == []
    assert [f.relative_path for f in files] == ["720p/seg_1.ts", "720p/seg_2.ts", "a/b/c/d.vtt", "index.m3u8"]
    by_path = {f.relative_path: f for f in files}
    assert by_path["720p/seg_2.ts"].size == 2
    assert by_path["720p/seg_2.ts"].full_path == os.path.join(str(tmp_path), "720p", "seg_2.ts")
    assert by_path["index.m3u8"].mtime == os.stat(tmp_path / "index.m3u8").st_mtime


def test_scan_tree_applies_include_and_exclude(tmp_path):
    make_tree(tmp_path, {"index.m3u8": b"x", "720p/seg_1.ts": b"x", "720p/seg_1.tmp": b"x", "notes.txt": b"x"})
    files, _problems = _sync.scan_tree(str(tmp_path), include=["*.ts", "*.m3u8", "*.tmp"], exclude=["*.tmp"])
    assert [f.relative_path for f in files] == ["720p/seg_1.ts", "index.m3u8"]


def test_scan_tree_follows_file_links_not_directory_links(tmp_path):
    outside = tmp_path / "outside"
    make_tree(outside, {"real.ts": b"abc", "dir/inner.ts": b"x"})
    src = tmp_path / "src"
    src.mkdir()
    (src / "linked.ts").symlink_to(outside / "real.ts")
    (src / "linked_dir").symlink_to(outside / "dir", target_is_directory=True)
    (src / "dangling.ts").symlink_to(tmp_path / "missing.ts")
    files, _problems = _sync.scan_tree(str(src))
    assert [(f.relative_path, f.size) for f in files] == [("linked.ts", 3)]


def test_scan_of_an_empty_directory(tmp_path):
    assert _sync.scan_tree(str(tmp_path)) == ([], [])


@pytest.mark.parametrize(
    "error, problems",
    [
        # Skipped, an unreadable folder would look empty and delete: true would remove its remote copies.
        (
            PermissionError(13, "Permission denied"),
            ["src folder 'hls/' cannot be read (Permission denied); make it readable or move it out of src."],
        ),
        # A folder removed while scanning is simply gone.
        (FileNotFoundError(2, "No such file or directory"), []),
    ],
)
def test_a_folder_scandir_cannot_read(tmp_path, monkeypatch, error, problems):
    # The tests run as root, who reads any folder, so the refusal is simulated where scandir reports it.
    make_tree(tmp_path, {"index.m3u8": b"x", "hls/seg_1.ts": b"x"})
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "hls":
            raise error
        return real_scandir(path)

    monkeypatch.setattr(_sync.os, "scandir", scandir)
    files, found = _sync.scan_tree(str(tmp_path))
    assert [f.relative_path for f in files] == ["index.m3u8"]
    assert found == problems


def test_valid_files_have_no_problems():
    files = [local("hls/720p/seg_1.ts", size=25 * MIB), local("index.m3u8")]
    assert _sync.local_file_problems(files, "vod/movie1") == []


@pytest.mark.parametrize(
    "file, prefix, availability, words",
    [
        (local("seg 1.ts"), "", "standard", "not a valid file or folder name"),
        (local("big.ts", size=25 * MIB + 1), "", "standard", "at most 26214400 bytes"),
        (local("big.ts", size=10 * MIB + 1), "", "streaming", "at most 10485760 bytes"),
        (local("/".join("abcdefghij") + "/x.ts"), "", "standard", None),  # 10 folder levels: fine
        (local("/".join("abcdefghij") + "/x.ts"), "vod", "standard", "at most 10 folder levels"),
        (local("a" * 890 + ".ts"), "vod/movie1", "standard", "at most 900 characters"),
    ],
)
def test_file_problems_name_the_file_and_the_rule(file, prefix, availability, words):
    problems = _sync.local_file_problems([file], prefix, availability)
    if words is None:
        assert problems == []
        return
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"src file {file.relative_path!r}:")
    assert words in problems[0]


def test_many_file_problems_are_cut_short():
    problems = _sync.local_file_problems([local(f"bad {n}.ts") for n in range(25)], "")
    assert len(problems) == _sync.PROBLEMS_SHOWN + 1
    assert problems[-1] == "... and 15 more problems."


# ------------------------------------------------------------------------------------------------ remote side


def test_remote_objects_keeps_objects_under_the_prefix():
    when = datetime.datetime(2026, 11, 21, 19, 0, 0, 500000, tzinfo=datetime.UTC)
    items = [
        {
            "Path": "vod/m1/a.ts",
            "Name": "a.ts",
            "Type": "OBJECT",
            "ContentLength": 5,
            "LastModified": when,
            "ContentType": "video/MP2T",
        },
        {"Path": "vod/m1/hls", "Name": "hls", "Type": "FOLDER"},
        {"Path": "vod/m1/hls/b.ts", "Name": "b.ts", "Type": "OBJECT", "ContentLength": 7, "LastModified": 12.5},
    ]
    objects = _sync.remote_objects(items, "vod/m1")
    assert objects == {
        "a.ts": RemoteObject("a.ts", 5, when.timestamp(), "video/MP2T"),
        "hls/b.ts": RemoteObject("hls/b.ts", 7, 12.5, None),
    }


def test_remote_objects_ignores_paths_outside_the_prefix():
    items = [{"Path": "vod/m10/a.ts", "Name": "a.ts", "Type": "OBJECT", "ContentLength": 5}]
    assert _sync.remote_objects(items, "vod/m1") == {}


# ------------------------------------------------------------------------------------------------------ plan


@pytest.mark.parametrize(
    "strategy, local_file, remote_object, digests, reason",
    [
        ("date_size", local("a.ts"), None, None, "new"),
        ("date_size", local("a.ts", size=101), remote("a.ts"), None, "size"),
        ("date_size", local("a.ts", mtime=T + 5), remote("a.ts"), None, "newer"),
        ("date_size", local("a.ts", mtime=T + 1.5), remote("a.ts"), None, "newer"),
        ("date_size", local("a.ts", mtime=T + 0.9), remote("a.ts"), None, None),  # within the 1 s tolerance
        ("date_size", local("a.ts", mtime=T + 1.0), remote("a.ts"), None, None),
        ("date_size", local("a.ts", mtime=T - 3600), remote("a.ts"), None, None),  # older
        ("date_size", local("a.ts", mtime=T), remote("a.ts"), None, None),  # equal
        ("date_size", local("a.ts"), remote("a.ts", last_modified=None), None, "newer"),  # unknown age
        ("date_size", local("a.ts"), remote("a.ts", content_type="text/plain"), None, "content_type"),
        ("date_size", local("a.ts"), remote("a.ts", content_type=None), None, None),
        ("checksum", local("a.ts"), None, None, "new"),
        ("checksum", local("a.ts", size=99), remote("a.ts"), None, "size"),
        ("checksum", local("a.ts", mtime=T + 99), remote("a.ts"), {"a.ts": ("ab" * 32, "AB" * 32)}, None),
        ("checksum", local("a.ts", mtime=T - 99), remote("a.ts"), {"a.ts": ("ab" * 32, "cd" * 32)}, "checksum"),
        ("checksum", local("a.ts"), remote("a.ts", content_type="x/y"), {"a.ts": ("ab" * 32,) * 2}, "content_type"),
        ("force", local("a.ts"), None, None, "force"),
        ("force", local("a.ts", mtime=T - 99), remote("a.ts"), None, "force"),
    ],
)
def test_upload_reason(strategy, local_file, remote_object, digests, reason):
    assert _sync.upload_reason(local_file, remote_object, strategy, "video/MP2T", digests) == reason


def test_checksum_candidates_are_the_files_of_equal_size():
    files = [local("same.ts"), local("bigger.ts", size=200), local("new.ts")]
    remote_side = {"same.ts": remote("same.ts"), "bigger.ts": remote("bigger.ts"), "gone.ts": remote("gone.ts")}
    assert _sync.checksum_candidates(files, remote_side) == ["same.ts"]


def plan(files, remote_side, strategy="date_size", **options):
    options.setdefault("content_type_for", lambda path: "video/MP2T")
    return _sync.plan_sync(files, remote_side, "live/ch1", strategy, **options)


def test_plan_of_a_first_sync_uploads_everything_manifests_last():
    files = [local("index.m3u8"), local("720p/seg_2.ts"), local("720p/seg_1.ts"), local("dash/manifest.mpd")]
    result = plan(files, {})
    assert [(u.path, u.reason) for u in result.uploads] == [
        ("live/ch1/720p/seg_1.ts", "new"),
        ("live/ch1/720p/seg_2.ts", "new"),
        ("live/ch1/dash/manifest.mpd", "new"),
        ("live/ch1/index.m3u8", "new"),
    ]
    assert result.deletions == [] and result.unchanged == []


def test_plan_of_an_unchanged_tree_does_nothing():
    files = [local("a.ts"), local("b/c.ts")]
    result = plan(files, {"a.ts": remote("a.ts"), "b/c.ts": remote("b/c.ts")}, delete=True)
    assert result.uploads == [] and result.deletions == []
    assert result.unchanged == ["live/ch1/a.ts", "live/ch1/b/c.ts"]


@pytest.mark.parametrize("delete, deletions", [(False, []), (True, ["live/ch1/old_1.ts", "live/ch1/sub/old_2.ts"])])
def test_plan_deletes_extraneous_objects_only_when_asked(delete, deletions):
    remote_side = {"a.ts": remote("a.ts"), "old_1.ts": remote("old_1.ts"), "sub/old_2.ts": remote("sub/old_2.ts")}
    result = plan([local("a.ts")], remote_side, delete=delete)
    assert result.deletions == deletions
    assert result.unchanged == ["live/ch1/a.ts"]


def test_plan_never_deletes_what_the_patterns_leave_out():
    remote_side = {"old.ts": remote("old.ts"), "keep.jpg": remote("keep.jpg"), "tmp/x.ts": remote("tmp/x.ts")}
    result = plan([], remote_side, delete=True, include=["*.ts"], exclude=["tmp/*"])
    assert result.deletions == ["live/ch1/old.ts"]


def test_plan_leaves_undecided_paths_alone():
    remote_side = {"a.ts": remote("a.ts"), "b.ts": remote("b.ts")}
    result = plan([local("a.ts"), local("b.ts", mtime=T + 60)], remote_side, delete=True, undecided={"a.ts", "b.ts"})
    assert result == _sync.Plan([], [], [])


def test_plan_resolves_content_type_and_cache_control_per_file():
    rules = {"index.m3u8": "max-age=2"}
    result = plan(
        [local("index.m3u8"), local("seg.ts")],
        {},
        content_type_for=lambda path: "application/vnd.apple.mpegurl" if path.endswith(".m3u8") else "video/MP2T",
        cache_control_for=lambda path: rules.get(path, "max-age=31536000"),
    )
    assert [(u.path, u.content_type, u.cache_control) for u in result.uploads] == [
        ("live/ch1/seg.ts", "video/MP2T", "max-age=31536000"),
        ("live/ch1/index.m3u8", "application/vnd.apple.mpegurl", "max-age=2"),
    ]


def test_plan_in_checksum_mode_uses_the_digests():
    files = [local("same.ts", mtime=T + 99), local("changed.ts"), local("resized.ts", size=1)]
    remote_side = {"same.ts": remote("same.ts"), "changed.ts": remote("changed.ts"), "resized.ts": remote("resized.ts")}
    digests = {"same.ts": ("11" * 32, "11" * 32), "changed.ts": ("11" * 32, "22" * 32)}
    result = plan(files, remote_side, "checksum", digests=digests)
    assert [(u.path, u.reason) for u in result.uploads] == [
        ("live/ch1/changed.ts", "checksum"),
        ("live/ch1/resized.ts", "size"),
    ]
    assert result.unchanged == ["live/ch1/same.ts"]


def test_force_uploads_everything_and_still_deletes():
    result = plan([local("a.ts")], {"a.ts": remote("a.ts"), "b.ts": remote("b.ts")}, "force", delete=True)
    assert [(u.path, u.reason) for u in result.uploads] == [("live/ch1/a.ts", "force")]
    assert result.deletions == ["live/ch1/b.ts"]


def test_upload_phases_put_manifests_last_and_skip_empty_phases():
    result = plan([local("index.m3u8"), local("a.ts")], {})
    phases = _sync.upload_phases(result.uploads)
    assert [[u.path for u in phase] for phase in phases] == [["live/ch1/a.ts"], ["live/ch1/index.m3u8"]]
    assert _sync.upload_phases(plan([local("a.ts")], {}).uploads)[0][0].path == "live/ch1/a.ts"
    assert len(_sync.upload_phases(plan([local("index.m3u8")], {}).uploads)) == 1
    assert _sync.upload_phases([]) == []


def test_diff_is_one_line_per_touched_path_with_its_action():
    remote_side = {"a.ts": remote("a.ts", last_modified=0.0), "same.ts": remote("same.ts")}
    remote_side["old.ts"] = remote("old.ts", 9)
    files = [local("a.ts", size=5), local("same.ts"), local("new.ts")]
    result = plan(files, remote_side, delete=True, cache_control_for=lambda path: "max-age=1")
    diff = _sync.sync_diff(result, remote_side, "live/ch1")
    assert diff["before"].splitlines() == [
        "live/ch1/a.ts: 100 bytes, video/MP2T, modified 1970-01-01T00:00:00+00:00",
        "live/ch1/old.ts: 9 bytes, video/MP2T, modified 2025-11-13T02:13:20+00:00",
    ]
    assert diff["after"].splitlines() == [
        "live/ch1/a.ts: upload (changed: size), 5 bytes, video/MP2T, Cache-Control max-age=1",
        "live/ch1/new.ts: upload (new), 100 bytes, video/MP2T, Cache-Control max-age=1",
        "live/ch1/old.ts: delete",
    ]


def test_diff_of_nothing_to_do_is_empty():
    assert _sync.sync_diff(_sync.Plan([], [], ["x"]), {}, "") == {"before": "", "after": ""}


# ------------------------------------------------------------------------------------------------ rate limit


class FakeClock:
    def __init__(self, now=100.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_no_rate_means_no_waiting():
    clock = FakeClock()
    limiter = RateLimiter(None, clock=clock, sleep=clock.sleep)
    for _call in range(5):
        limiter.wait()
    assert clock.sleeps == []


def test_calls_are_spaced_by_the_interval():
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    for _call in range(4):
        limiter.wait()
    assert clock.sleeps == [0.25, 0.25, 0.25]


def test_time_already_spent_counts_and_is_not_saved_up():
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 0.2
    limiter.wait()  # 0.5 s after the first call
    clock.now += 10  # an idle period does not allow a burst afterwards
    limiter.wait()
    limiter.wait()
    assert clock.sleeps == [0.3, 0.5]


def test_threads_get_distinct_slots():
    now = 50.0
    granted = []
    lock = threading.Lock()

    def record_sleep(seconds):
        with lock:
            granted.append(round(now + seconds, 6))

    limiter = RateLimiter(10, clock=lambda: now, sleep=record_sleep)
    threads = [threading.Thread(target=limiter.wait) for _thread in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The first caller goes at once; the other 19 wait for slots 0.1 s apart, none shared.
    assert sorted(granted) == [round(50.0 + 0.1 * n, 6) for n in range(1, 20)]


# ---------------------------------------------------------------------------------------------------
# Bytes held by running uploads


class HeldBytes:
    """What a ByteBudget lets in: the most bytes held at once, and the order uploads started in."""

    def __init__(self, budget):
        self.budget = budget
        self.held = self.most = 0
        self.started = []
        self.threads = []
        self.lock = threading.Lock()

    def start(self, name, size, release):
        """An upload of ``size`` bytes on a thread of its own, holding them until ``release`` is set."""
        thread = threading.Thread(target=self.run, args=(name, size, release), daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self):
        for thread in self.threads:
            thread.join()

    def run(self, name, size, release):
        with self.budget.holding(size):
            with self.lock:
                self.held += size
                self.most = max(self.most, self.held)
                self.started.append(name)
            release.wait(5)
            with self.lock:
                self.held -= size


def wait_until(condition):
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_uploads_within_the_budget_run_together():
    budget, release = ByteBudget(10 * MIB), threading.Event()
    held = HeldBytes(budget)
    for n in range(5):
        held.start(n, 2 * MIB, release)
    wait_until(lambda: len(held.started) == 5)
    release.set()
    held.join()
    assert held.most == 10 * MIB
    assert budget.held == 0


def test_an_upload_that_would_exceed_the_budget_waits_for_bytes_to_be_released():
    budget = ByteBudget(10 * MIB)
    held = HeldBytes(budget)
    release_a, release_rest = threading.Event(), threading.Event()
    held.start("a", 6 * MIB, release_a)
    held.start("b", 3 * MIB, release_rest)
    wait_until(lambda: len(held.started) == 2)
    held.start("c", 4 * MIB, release_rest)
    wait_until(lambda: budget.waiting == 1)
    assert sorted(held.started) == ["a", "b"]
    release_a.set()  # a's 6 MiB are released: c's 4 fit next to b's 3
    wait_until(lambda: len(held.started) == 3)
    assert held.started[2] == "c" and budget.held == 7 * MIB
    release_rest.set()
    held.join()
    assert held.most == 9 * MIB


def test_uploads_start_in_the_order_they_asked_so_a_large_file_is_not_overtaken_for_ever():
    budget = ByteBudget(10 * MIB)
    held = HeldBytes(budget)
    release_first, release_rest = threading.Event(), threading.Event()
    held.start("small 1", 8 * MIB, release_first)
    wait_until(lambda: held.started == ["small 1"])
    held.start("large", 9 * MIB, release_rest)
    wait_until(lambda: budget.waiting == 1)
    held.start("small 2", 1 * MIB, release_rest)  # would fit now, but asked later
    wait_until(lambda: budget.waiting == 2)
    release_first.set()
    wait_until(lambda: len(held.started) == 3)
    release_rest.set()
    held.join()
    assert held.started == ["small 1", "large", "small 2"]


def test_a_file_larger_than_the_budget_runs_alone():
    budget = ByteBudget(10 * MIB)
    held = HeldBytes(budget)
    release_small, release_large = threading.Event(), threading.Event()
    held.start("small", 1 * MIB, release_small)
    wait_until(lambda: held.started == ["small"])
    held.start("huge", 25 * MIB, release_large)
    wait_until(lambda: budget.waiting == 1)
    assert held.started == ["small"]
    release_small.set()
    wait_until(lambda: held.started == ["small", "huge"])
    assert budget.held == 10 * MIB  # counted as the whole budget: nothing else starts beside it
    release_large.set()
    held.join()
    assert budget.held == 0


def test_bytes_are_released_when_an_upload_fails():
    budget = ByteBudget(10 * MIB)
    with pytest.raises(OSError):
        with budget.holding(7 * MIB):
            raise OSError("disk gone")
    assert budget.held == 0
    with budget.holding(10 * MIB):
        assert budget.held == 10 * MIB


def test_many_threads_never_hold_more_than_the_budget():
    budget, release = ByteBudget(10 * MIB), threading.Event()
    held = HeldBytes(budget)
    release.set()
    sizes = [(n * 7919) % (6 * MIB) + 1 for n in range(200)]
    for n, size in enumerate(sizes):
        held.start(n, size, release)
    held.join()
    assert sorted(held.started) == list(range(200))
    assert 0 < held.most <= 10 * MIB
    assert budget.held == 0 and budget.waiting == 0
