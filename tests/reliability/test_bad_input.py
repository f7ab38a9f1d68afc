"""Bad input: every module and the lookup refuse it with a message naming the option and the rule, before any
request (the endpoint's journal shows none)."""

import json
import re

import pytest
from support import ACCESS_KEY, REGION, assert_no_traceback, play, start_playbook

C = "bad_input"  # a valid container name: each case has exactly one thing wrong
ARN = f"arn:aws:mediastore:us-east-1:111122223333:container/{C}"
SECURE = {"Bool": {"aws:SecureTransport": "true"}}


def statement(**overrides):
    base = {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "mediastore:GetObject",
            "Resource": f"{ARN}/*", "Condition": SECURE}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def lifecycle(**definition_and_action):
    action = definition_and_action.pop("action", "EXPIRE")
    definition = {"path": [{"prefix": "live/"}], "days_since_create": [{"numeric": [">", 7]}]}
    definition.update(definition_and_action)
    return {"rules": [{"definition": {k: v for k, v in definition.items() if v is not None}, "action": action}]}


def cors(**overrides):
    rule = {"allowed_origins": ["https://player.example.com"], "allowed_methods": ["GET"]}
    rule.update(overrides)
    return [{k: v for k, v in rule.items() if v is not None}]


# (case id, arguments, option the message must name, pattern of the rule it must state)
CASES = {
    "mediastore_container": [
        ("empty name", {"name": ""}, "name", r"1 to 255|at least 1|empty"),
        ("long name", {"name": "n" * 256}, "name", r"255"),
        ("name with space", {"name": "live origin"}, "name", r"letters|characters"),
        ("name with slash", {"name": "live/origin"}, "name", r"letters|characters"),
        ("unknown state", {"name": C, "state": "gone"}, "state", r"one of"),
        ("tags not a dict", {"name": C, "tags": "team"}, "tags", r"dict"),
        ("reserved tag key", {"name": C, "tags": {"aws:team": "x"}}, "tags", r"aws:"),
        ("tag value too long", {"name": C, "tags": {"team": "v" * 257}}, "tags", r"256"),
        ("lifecycle no rules", {"name": C, "lifecycle_policy": {"rules": []}}, "lifecycle_policy", r"1 to 10|at least"),
        ("lifecycle 0 days", {"name": C, "lifecycle_policy": lifecycle(days_since_create=[{"numeric": [">", 0]}])},
         "lifecycle_policy", r"36500|36,500|1 to"),
        ("lifecycle seconds with prefix", {"name": C, "lifecycle_policy": lifecycle(
            days_since_create=None, seconds_since_create=[{"numeric": [">", 30]}])}, "lifecycle_policy", r"wildcard"),
        ("metric status", {"name": C, "metric_policy": {"container_level_metrics": "MAYBE"}}, "metric_policy",
         r"ENABLED"),
        ("six metric rules", {"name": C, "metric_policy": {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [{"object_group": f"g{i}/*", "object_group_name": f"g{i}"} for i in range(6)]}},
         "metric_policy", r"5"),
        ("metric group name twice", {"name": C, "metric_policy": {
            "container_level_metrics": "ENABLED",
            "metric_policy_rules": [{"object_group": "a/*", "object_group_name": "same"},
                                    {"object_group": "b/*", "object_group_name": "same"}]}},
         "metric_policy", r"unique|twice|more than once|duplicate"),
        ("tags with state absent", {"name": C, "state": "absent", "tags": {"team": "x"}}, "tags", r"state=absent"),
        ("lifecycle with state absent", {"name": C, "state": "absent", "lifecycle_policy": {}}, "lifecycle_policy",
         r"state=absent"),
        ("force with state present", {"name": C, "force": True}, "force", r"state=absent"),
        ("tag value with a line break", {"name": C, "tags": {"team": "a\r\nb"}}, "tags", r"not valid"),
    ],
    "mediastore_container_info": [
        ("empty name", {"name": ""}, "name", r"1 to 255|at least 1|empty"),
        ("long name", {"name": "n" * 256}, "name", r"255"),
        ("name with space", {"name": "live origin"}, "name", r"letters|characters"),
        ("name with slash", {"name": "live/origin"}, "name", r"letters|characters"),
        ("name with dot", {"name": "live.origin"}, "name", r"letters|characters"),
        ("name with accent", {"name": "orígin"}, "name", r"letters|characters"),
        ("name with star", {"name": "live*"}, "name", r"letters|characters"),
        ("name with semicolon", {"name": "a;b"}, "name", r"letters|characters"),
        ("name a dict", {"name": {"a": 1}}, "name", r"str|letters|characters"),
        ("unknown option", {"nme": C}, "nme", r"unsupported"),
    ],
    "mediastore_policy": [
        ("bad container", {"container": "a b", "policy": policy(statement())}, "container", r"letters|characters"),
        ("no policy", {"container": C}, "policy", r"required|state"),
        ("policy not JSON", {"container": C, "policy": "{Statement: "}, "policy", r"json"),
        ("policy a list", {"container": C, "policy": [statement()]}, "policy", r"object|dict|json"),
        ("no Statement", {"container": C, "policy": {"Version": "2012-10-17"}}, "policy", r"statement"),
        ("no Principal", {"container": C, "policy": policy(statement(Principal=None))}, "policy", r"principal"),
        ("bad Effect", {"container": C, "policy": policy(statement(Effect="Maybe"))}, "policy", r"allow|deny|effect"),
        ("resource outside container", {"container": C, "policy": policy(statement(
            Resource="arn:aws:mediastore:us-east-1:111122223333:container/other/*"))}, "policy", r"resource"),
        ("PutObject without HTTPS", {"container": C, "policy": policy(statement(
            Action="mediastore:PutObject", Condition=None))}, "policy", r"securetransport"),
        ("not ASCII", {"container": C, "policy": policy(statement(Sid="Lécture"))}, "policy", r"ascii"),
        ("unknown state", {"container": C, "state": "gone"}, "state", r"one of"),
        ("Condition a list", {"container": C, "policy": policy(statement(Condition=[SECURE]))}, "policy",
         r"Condition .* must be a mapping of condition operator"),
        ("Condition value a mapping", {"container": C, "policy": policy(statement(
            Condition={"IpAddress": {"aws:SourceIp": {"cidr": "10.0.0.0/8"}}}))}, "policy", r"Condition key"),
        ("Action a mapping", {"container": C, "policy": policy(statement(Action={"a": 1}))}, "policy",
         r"Action .* string or a list of strings"),
        ("Principal a list", {"container": C, "policy": policy(statement(Principal=["*"]))}, "policy",
         r"Principal .* \"\*\" or a mapping"),
        ("policy with state absent", {"container": C, "state": "absent", "policy": policy(statement())}, "policy",
         r"state=absent"),
    ],
    "mediastore_cors": [
        ("bad container", {"container": "a b", "rules": cors()}, "container", r"letters|characters"),
        ("no rules", {"container": C}, "rules", r"required|state"),
        ("empty rules", {"container": C, "rules": []}, "rules", r"1 to 100|at least"),
        ("101 rules", {"container": C, "rules": cors() * 101}, "rules", r"100"),
        ("method POST", {"container": C, "rules": cors(allowed_methods=["POST"])}, "allowed_methods", r"GET"),
        ("no origins", {"container": C, "rules": cors(allowed_origins=[])}, "allowed_origins", r"at least|1"),
        ("two wildcards", {"container": C, "rules": cors(allowed_origins=["https://*.*.example.com"])},
         "allowed_origins", r"\*|wildcard"),
        ("negative max age", {"container": C, "rules": cors(max_age_seconds=-1)}, "max_age_seconds", r"0"),
        ("huge max age", {"container": C, "rules": cors(max_age_seconds=2147483648)}, "max_age_seconds",
         r"2147483647|2,147,483,647"),
        ("no methods", {"container": C, "rules": cors(allowed_methods=None)}, "allowed_methods", r"required|missing"),
        ("rule not a dict", {"container": C, "rules": ["GET"]}, "rules", r"dict"),
        ("origin with CR LF", {"container": C, "rules": cors(
            allowed_origins=["https://a.example.com\r\nX-Injected: 1"])}, "allowed_origins", r"control characters"),
        ("header with LF", {"container": C, "rules": cors(allowed_headers=["Range\nX"])}, "allowed_headers",
         r"control characters"),
        ("expose header with NUL", {"container": C, "rules": cors(expose_headers=["ETag\u0000"])}, "expose_headers",
         r"control characters"),
        ("origin with DEL", {"container": C, "rules": cors(allowed_origins=["https://a.example.com\u007f"])},
         "allowed_origins", r"control characters"),
        ("unknown rule key", {"container": C, "rules": cors(allowed_origin=["*"])}, "allowed_origin", r"unknown"),
        ("rules with state absent", {"container": C, "state": "absent", "rules": cors()}, "rules", r"state=absent"),
    ],
    "mediastore_object": [
        ("empty path", {"container": C, "path": "", "content": "x"}, "path", r"required|empty|at least"),
        ("path with space", {"container": C, "path": "live/a b.ts", "content": "x"}, "path", r"letters|characters"),
        ("path 11 folders", {"container": C, "path": "/".join("f" * 11) + "/x.ts", "content": "x"}, "path", r"10"),
        ("src and content", {"container": C, "path": "a.ts", "content": "x", "src": "{{ playbook_dir }}/small.ts"},
         "content", r"mutually exclusive"),
        ("src missing", {"container": C, "path": "a.ts", "src": "{{ playbook_dir }}/nothing.ts"}, "src",
         r"exist|not found|no such"),
        ("bad base64", {"container": C, "path": "a.ts", "content_base64": "not base64!"}, "content_base64",
         r"base64"),
        ("container and endpoint", {"container": C, "endpoint": "http://127.0.0.1:1/data/x", "path": "a.ts",
                                    "content": "x"}, "endpoint", r"mutually exclusive|exactly one|one of"),
        ("neither container nor endpoint", {"path": "a.ts", "content": "x"}, "endpoint", r"one of|required"),
        ("endpoint not a URL", {"endpoint": "ftp://example.com/x", "path": "a.ts", "content": "x"}, "endpoint",
         r"http"),
        ("file over 25 MiB", {"container": C, "path": "big.ts", "src": "{{ playbook_dir }}/big.ts"}, "src", r"25"),
        ("path with ..", {"container": C, "path": "o/../c.txt", "content": "x"}, "path", r"'\.\.'.*not allowed"),
        ("path with .", {"container": C, "path": "o/./c.txt", "content": "x"}, "path", r"'\.'.*not allowed"),
        ("path with two bad names", {"container": C, "path": "a b/c d.ts", "content": "x"}, "path",
         r"'a b', 'c d\.ts' are not valid"),
        ("content type with CR LF", {"container": C, "path": "a.ts", "content": "x",
                                     "content_type": "video/MP2T\r\nX-Injected: 1"}, "content_type",
         r"valid content type"),
        ("cache control with LF", {"container": C, "path": "a.ts", "content": "x", "cache_control": "max-age=2\nX: 1"},
         "cache_control", r"printable ASCII"),
        ("cache control with NUL", {"container": C, "path": "a.ts", "content": "x", "cache_control": "max-age=2\u0000"},
         "cache_control", r"printable ASCII"),
        ("endpoint with CR LF", {"endpoint": "http://127.0.0.1:1/data/x\r\nX: 1", "path": "a.ts", "content": "x"},
         "endpoint", r"control characters"),
    ],
    "mediastore_sync": [
        ("bad container", {"container": "a b", "src": "{{ playbook_dir }}/tree"}, "container", r"letters|characters"),
        ("src missing", {"container": C, "src": "{{ playbook_dir }}/nothing"}, "src", r"exist|directory"),
        ("src a file", {"container": C, "src": "{{ playbook_dir }}/small.ts"}, "src", r"directory"),
        ("prefix with space", {"container": C, "src": "{{ playbook_dir }}/tree", "prefix": "a b"}, "prefix",
         r"letters|characters"),
        ("prefix 11 folders", {"container": C, "src": "{{ playbook_dir }}/tree", "prefix": "/".join("f" * 11)},
         "prefix", r"10"),
        ("concurrency 0", {"container": C, "src": "{{ playbook_dir }}/tree", "max_concurrency": 0},
         "max_concurrency", r"1 to 64|64"),
        ("rule without pattern", {"container": C, "src": "{{ playbook_dir }}/tree",
                                  "cache_control_rules": [{"cache_control": "max-age=2"}]}, "pattern",
         r"required|missing"),
        ("file with a bad name", {"container": C, "src": "{{ playbook_dir }}/badtree"}, "src", r"letters|characters"),
        ("files too deep", {"container": C, "src": "{{ playbook_dir }}/deeptree"}, "src", r"10"),
        ("container and endpoint", {"container": C, "endpoint": "http://127.0.0.1:1/data/x",
                                    "src": "{{ playbook_dir }}/tree"}, "endpoint",
         r"mutually exclusive|exactly one|one of"),
        ("prefix ../x", {"container": C, "src": "{{ playbook_dir }}/tree", "prefix": "../x"}, "prefix",
         r"'\.\.'.*not allowed"),
        ("prefix with .", {"container": C, "src": "{{ playbook_dir }}/tree", "prefix": "live/./x"}, "prefix",
         r"'\.'.*not allowed"),
        ("cache control rule with CR LF", {"container": C, "src": "{{ playbook_dir }}/tree", "cache_control_rules": [
            {"pattern": "*.ts", "cache_control": "max-age=2\r\nX: 1"}]}, "cache_control_rules[0].cache_control",
         r"printable ASCII"),
        ("content type rule with LF", {"container": C, "src": "{{ playbook_dir }}/tree", "content_type_rules": [
            {"pattern": "*.ts", "content_type": "video/MP2T\nX: 1"}]}, "content_type_rules[0].content_type",
         r"valid content type"),
    ],
    "list_items": [
        ("bad container", {"container": "a b"}, "container", r"letters|characters"),
        ("long container", {"container": "n" * 256}, "container", r"255"),
        ("container and endpoint", {"container": C, "endpoint": "http://127.0.0.1:1/data/x"}, "endpoint",
         r"exactly one"),
        ("neither", {}, "endpoint", r"exactly one"),
        ("endpoint not a URL", {"endpoint": "ftp://example.com/x"}, "endpoint", r"http"),
        ("page size 0", {"container": C, "page_size": 0}, "page_size", r"1000"),
        ("page size 1001", {"container": C, "page_size": 1001}, "page_size", r"1000"),
        ("max items 0", {"container": C, "max_items": 0}, "max_items", r"at least 1|1"),
        ("item type", {"container": C, "item_type": "files"}, "item_type", r"one of all, object, folder"),
        ("term with space", {"container": C, "_terms": ["live/a b"]}, "_terms", r"letters|characters"),
        ("term 11 folders", {"container": C, "_terms": ["/".join("f" * 11)]}, "_terms", r"10"),
        ("term a dict", {"container": C, "_terms": [{"a": 1}]}, "_terms", r"string"),
        ("term with ..", {"container": C, "_terms": ["hls/../dash"]}, "_terms", r"'\.\.'.*not allowed"),
        ("term with .", {"container": C, "_terms": ["./hls"]}, "_terms", r"'\.'.*not allowed"),
        # A lookup's arguments are Jinja literals here, where a control character cannot be written.
        ("endpoint with a space", {"endpoint": "http://127.0.0.1:1/data/x X: 1"}, "endpoint", r"spaces"),
    ],
}


def case_values(case):
    return case.values if isinstance(case, type(pytest.param(None))) else case


def to_jinja(value):
    return json.dumps(value).replace("true", "True").replace("false", "False").replace("null", "None")


def task_for(module, index, args):
    register = f"r_{index}"
    if module == "list_items":
        options = dict(args)
        terms = options.pop("_terms", [])
        call = ", ".join([repr("elemental.mediastore.list_items")] + [to_jinja(t) for t in terms]
                         + [f"{key}={to_jinja(value)}" for key, value in options.items()]
                         + ["endpoint_url=endpoint_url", "access_key=access_key", "secret_key=secret_key",
                            "region=region"])
        return {"ansible.builtin.set_fact": {"listing": "{{ lookup(" + call + ") }}"}, "register": register,
                "ignore_errors": True}
    return {f"elemental.mediastore.{module}": args, "register": register, "ignore_errors": True}


@pytest.fixture(scope="module")
def refusals(shared_emulator, tmp_path_factory):
    """Run every case, one playbook per module (in parallel), and keep each result and the journal."""
    emulator = shared_emulator
    runs = {}
    mark = emulator.mark()
    for module, cases in CASES.items():
        workdir = tmp_path_factory.mktemp(module)
        (workdir / "small.ts").write_bytes(b"x" * 10)
        with open(workdir / "big.ts", "wb") as handle:
            handle.truncate(25 * 1024 * 1024 + 1)
        with open(workdir / "mid.ts", "wb") as handle:
            handle.truncate(10 * 1024 * 1024 + 1)
        (workdir / "tree").mkdir()
        (workdir / "tree" / "a.ts").write_bytes(b"a")
        (workdir / "badtree").mkdir()
        (workdir / "badtree" / "a b.ts").write_bytes(b"a")
        deep = workdir / "deeptree" / "/".join("d" * 11)
        deep.mkdir(parents=True)
        (deep / "x.ts").write_bytes(b"x")
        tasks = [task_for(module, index, case_values(case)[1]) for index, case in enumerate(cases)]
        plays = play(emulator, tasks, vars={"endpoint_url": emulator.url, "access_key": ACCESS_KEY,
                                            "secret_key": emulator.secret_key, "region": REGION})
        runs[module] = start_playbook(workdir, plays)
    for run in runs.values():
        run.wait()
    return {"runs": runs, "journal": emulator.journal(mark)}


ALL_CASES = [pytest.param(module, index, case_values(case), id=f"{module}: {case_values(case)[0]}",
                          marks=getattr(case, "marks", ()) if not isinstance(case, tuple) or hasattr(case, "marks")
                          else ())
             for module, cases in CASES.items() for index, case in enumerate(cases)]


@pytest.mark.parametrize("module, index, case", ALL_CASES)
def test_bad_input_is_refused_naming_option_and_rule(refusals, module, index, case):
    option, rule = case[2:]
    run = refusals["runs"][module]
    result = run.results.get(f"r_{index}")
    assert result, run.explain()
    assert result.get("failed"), f"accepted: {result}"
    message = result.get("msg", "")
    assert option in message, message
    assert re.search(rule, message, re.IGNORECASE), message
    assert "module_stderr" not in result and "Traceback" not in message


def test_no_request_reached_the_endpoint(refusals):
    for run in refusals["runs"].values():
        assert_no_traceback(run)
    assert refusals["journal"] == []


def test_every_module_and_the_lookup_has_ten_cases():
    assert all(len(cases) >= 10 for cases in CASES.values()), {module: len(cases) for module, cases in CASES.items()}
