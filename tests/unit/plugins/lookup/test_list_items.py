# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import threading
from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig

from ansible_collections.elemental.mediastore.plugins.lookup import list_items
from ansible_collections.elemental.mediastore.plugins.lookup.list_items import listing_problems

ENDPOINT = "https://abcdefghijklmn.data.mediastore.us-east-1.amazonaws.com"  # conftest.DATA_ENDPOINT
WHEN = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
OPTIONS = {"container": "origin", "endpoint": None, "recursive": False, "item_type": "all", "max_items": None,
           "page_size": 1000}


def problems_of(terms=(), **changes):
    return listing_problems(list(terms), dict(OPTIONS, **changes))


@pytest.mark.parametrize(
    ("terms", "changes", "starts"),
    [
        ([], {}, None),
        (["hls/live", "/dash/", ""], {}, None),
        (["a b"], {}, "_terms: "),
        (["a//b"], {}, "_terms: "),
        (["hls/../dash"], {}, "_terms: 'hls/../dash' has '..'"),
        (["./hls"], {}, "_terms: './hls' has '.'"),
        (["../"], {}, "_terms: '..' has '..'"),
        ([], {"container": None, "endpoint": ENDPOINT + "\r\nX: 1"}, "endpoint: "),
        ([], {"container": None, "endpoint": "https://"}, "endpoint: 'https://' has no host"),
        (["/".join(["f"] * 11)], {}, "_terms: "),
        (["/".join(["f"] * 10)], {}, None),
        (["a" * 901], {}, "_terms: "),
        ([3], {}, "_terms: "),
        ([], {"container": None}, "container, endpoint: "),
        ([], {"endpoint": ENDPOINT}, "container, endpoint: "),
        ([], {"container": None, "endpoint": ENDPOINT}, None),
        ([], {"container": None, "endpoint": "ftp://host/x"}, "endpoint: "),
        ([], {"container": "bad name"}, "container: "),
        ([], {"item_type": "files"}, "item_type: "),
        ([], {"max_items": 0}, "max_items: "),
        ([], {"max_items": 1}, None),
        ([], {"page_size": 0}, "page_size: "),
        ([], {"page_size": 1001}, "page_size: "),
        ([], {"page_size": 1}, None),
        ([], {"page_size": 1000}, None),
    ],
)
def test_listing_problems(terms, changes, starts):
    problems = problems_of(terms, **changes)
    if starts is None:
        assert problems == []
    else:
        assert problems and problems[0].startswith(starts)


def test_every_problem_is_reported_at_once():
    problems = problems_of(["a b"], container=None, page_size=0, max_items=0, item_type="x")
    assert [problem.split(":")[0] for problem in problems] == ["_terms", "container, endpoint", "item_type",
                                                               "max_items", "page_size"]


@pytest.fixture(scope="module")
def loader():
    if AnsibleCollectionConfig.collection_finder is None:  # plain pytest; ansible-test units installs its own
        # The directory holding ansible_collections/elemental/mediastore/plugins/lookup/list_items.py
        init_plugin_loader([str(Path(list_items.__file__).parents[5])])
    return lookup_loader


class Clients:
    """The stubbed clients (conftest.StubbedClients) handed to the lookup instead of real ones."""

    def __init__(self, monkeypatch, lookup, stubs):
        self.stubs = stubs
        self.control_stub = stubs.control
        self.data_stub = stubs.data
        monkeypatch.setattr(lookup, "clients", stubs.clients)

    @property
    def created(self):
        return [(service, endpoint) for service, endpoint, _config in self.stubs.created]

    def container(self, status="ACTIVE"):
        self.control_stub.add_response(
            "describe_container",
            {"Container": {"Name": "origin", "Status": status, "Endpoint": ENDPOINT,
                           "ARN": "arn:aws:mediastore:us-east-1:111122223333:container/origin"}},
            {"ContainerName": "origin"},
        )

    def page(self, path, items, page_size=1000, token=None, next_token=None):
        expected = {"MaxResults": page_size}
        if path:
            expected["Path"] = path
        if token:
            expected["NextToken"] = token
        response = {"Items": items}
        if next_token:
            response["NextToken"] = next_token
        self.data_stub.add_response("list_items", response, expected)


def obj(name, size=1):
    return {"Name": name, "Type": "OBJECT", "ETag": "e" * 64, "ContentLength": size, "ContentType": "video/MP2T",
            "LastModified": WHEN}


def folder(name):
    return {"Name": name, "Type": "FOLDER"}


@pytest.fixture
def lookup(loader):
    return loader.get("elemental.mediastore.list_items")


def run(lookup, terms=(), **options):
    options.setdefault("region", "us-east-1")
    return lookup.run(list(terms), {}, **options)


def test_bad_options_fail_before_any_client_exists(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    with pytest.raises(AnsibleLookupError, match="page_size: must be an integer from 1 to 1000"):
        run(lookup, ["hls"], container="origin", page_size=0)
    with pytest.raises(AnsibleLookupError, match="exactly one of them"):
        run(lookup, ["hls"])
    assert clients.created == []


def test_follows_next_token_with_the_page_size_asked_for(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.container()
    clients.page("hls", [obj("b.ts"), obj("a.ts")], page_size=2, next_token="t1")
    clients.page("hls", [folder("live")], page_size=2, token="t1")
    items = run(lookup, ["/hls/"], container="origin", page_size=2)
    clients.data_stub.assert_no_pending_responses()
    assert [(item["path"], item["name"], item["type"]) for item in items] == [
        ("hls/a.ts", "a.ts", "object"), ("hls/b.ts", "b.ts", "object"), ("hls/live", "live", "folder")]
    assert items[0] == {"path": "hls/a.ts", "name": "a.ts", "type": "object", "etag": "e" * 64, "content_length": 1,
                        "content_type": "video/MP2T", "last_modified": "2025-06-01T12:00:00+00:00"}
    assert clients.created == [("mediastore", None), ("mediastore-data", ENDPOINT)]


def test_recursive_walk_and_item_type(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.page("", [folder("a"), obj("top.ts")])
    clients.page("a", [folder("b")])
    clients.page("a/b", [obj("deep.ts")])
    items = run(lookup, endpoint=ENDPOINT, recursive=True, item_type="object")
    clients.data_stub.assert_no_pending_responses()
    assert [item["path"] for item in items] == ["a/b/deep.ts", "top.ts"]
    assert clients.created == [("mediastore-data", ENDPOINT)]  # no control plane with endpoint=


def test_not_recursive_lists_one_level(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.page("", [folder("a"), obj("top.ts")])
    items = run(lookup, endpoint=ENDPOINT, item_type="folder")
    clients.data_stub.assert_no_pending_responses()
    assert items == [{"path": "a", "name": "a", "type": "folder"}]


def test_max_items_limits_the_result(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.page("", [obj("c.ts"), obj("a.ts")], page_size=2, next_token="more")
    clients.page("", [obj("b.ts")], page_size=2, token="more")
    items = run(lookup, endpoint=ENDPOINT, page_size=2, max_items=2)
    clients.data_stub.assert_no_pending_responses()
    # the first two the service listed, sorted
    assert [item["path"] for item in items] == ["a.ts", "c.ts"]


def test_overlapping_terms_list_each_path_once(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.page("a", [obj("x.ts")])
    clients.page("a", [obj("x.ts")])
    items = run(lookup, ["a", "/a"], endpoint=ENDPOINT)
    assert [item["path"] for item in items] == ["a/x.ts"]


def test_missing_folder_is_empty(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.page("nothing/here", [])
    assert run(lookup, ["nothing/here"], endpoint=ENDPOINT) == []


def test_missing_container_by_name(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.control_stub.add_client_error("describe_container", "ContainerNotFoundException", http_status_code=400)
    with pytest.raises(AnsibleLookupError, match="container 'origin' does not exist; create it first with "
                       "elemental.mediastore.mediastore_container"):
        run(lookup, container="origin")


def test_missing_container_in_check_mode_lists_as_empty(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.control_stub.add_client_error("describe_container", "ContainerNotFoundException", http_status_code=400)
    assert lookup.run([], {"ansible_check_mode": True}, container="origin", region="us-east-1") == []
    assert clients.created == [("mediastore", None)]


def test_missing_container_by_endpoint(lookup, monkeypatch, stubs):
    clients = Clients(monkeypatch, lookup, stubs)
    clients.data_stub.add_client_error("list_items", "ContainerNotFoundException", http_status_code=404)
    with pytest.raises(AnsibleLookupError, match=r"^endpoint: container at https://\S+ does not exist; create it"):
        run(lookup, endpoint=ENDPOINT)


def test_recursive_walk_lists_ten_folders_at_a_time(monkeypatch):
    folders = [f"rendition{number}" for number in range(10)]
    # Every folder listing waits until all ten are under way: they can only finish if they run at once.
    all_listing = threading.Barrier(len(folders), timeout=10)

    def list_folder(_data, path, page_size=1000):
        if not path:
            return [dict(folder(name), Path=name) for name in folders]
        all_listing.wait()
        return [dict(obj("a.ts"), Path=f"{path}/a.ts")]

    monkeypatch.setattr(list_items, "list_folder", list_folder)
    options = dict(item_type="object", max_items=None, page_size=1000, recursive=True)
    items = list_items.list_folders(None, [""], options)
    assert [item["path"] for item in items] == [f"{name}/a.ts" for name in folders]
