"""Concurrency: four forks converging four origins at once, and two syncs racing into one container."""

from support import (
    ACCESS_KEY,
    REGION,
    create_container,
    figures_of,
    make_hls_tree,
    objects,
    play,
    record,
    run_playbook,
    sha256s,
    snapshot,
    start_playbook,
    writes,
)

ORIGINS = ["reliability_fork_a", "reliability_fork_b", "reliability_fork_c", "reliability_fork_d"]


def test_four_forks_converge_four_origins(start_emulator, tmp_path):
    emulator = start_emulator()
    hashes = make_hls_tree(tmp_path / "hls", files=50)
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[origins]\n" + "\n".join(f"{name} ansible_connection=local" for name in ORIGINS) + "\n")
    plays = play(emulator, [{"ansible.builtin.include_role": {"name": "elemental.mediastore.origin"}, "vars": {
        "origin": {"name": "{{ inventory_hostname }}", "tags": {"origin": "{{ inventory_hostname }}"},
                   "access": {"public_read": True}, "cors": {"allowed_origins": ["https://player.example.com"]},
                   "expire": [{"prefixes": ["720p/"], "days": 2}],
                   "content": {"src": str(tmp_path / "hls"), "delete": True}}}}], dump_results=False,
                 hosts="origins")
    first = run_playbook(tmp_path, plays, "-f", "4", inventory=str(inventory))
    assert first.rc == 0, first.explain()
    first_entries = emulator.journal()
    states = {name: snapshot(emulator, name) for name in ORIGINS}
    for name, state in states.items():
        assert sha256s(state["objects"]) == hashes, name
        assert state["tags"] == [("origin", name)]
        assert state["cors"][0]["AllowedOrigins"] == ["https://player.example.com"]
        assert all(name in statement["Resource"] for statement in state["policy"]["Statement"])
    # Every origin got its own requests: no container's writes were made with another's name.
    assert {entry["container"] for entry in writes(first_entries)} == set(ORIGINS)

    mark = emulator.mark()
    again = run_playbook(tmp_path, plays, "-f", "4", inventory=str(inventory))
    assert again.rc == 0, again.explain()
    assert writes(emulator.journal(mark)) == []
    assert {name: snapshot(emulator, name) for name in ORIGINS} == states
    record("four_forks", first_run_seconds=round(first.elapsed, 1), rerun_seconds=round(again.elapsed, 1),
           first=figures_of(first_entries))


def test_two_syncs_racing_into_one_container(start_emulator, tmp_path):
    emulator = start_emulator()
    name = "reliability_race"
    container = create_container(emulator, name)
    versions = [make_hls_tree(tmp_path / f"v{v}", files=100, version=v) for v in (1, 2)]
    mark = emulator.mark()
    runs = []
    for version in (1, 2):
        workdir = tmp_path / f"run{version}"
        workdir.mkdir()
        task = {"register": "r_sync", "elemental.mediastore.mediastore_sync": {
            "container": name, "src": str(tmp_path / f"v{version}"), "file_change_strategy": "force",
            "max_concurrency": 4}}
        runs.append(start_playbook(workdir, play(emulator, [task])))
    for run in runs:
        run.wait()
        assert run.rc == 0, run.explain()
    entries = emulator.journal(mark)

    found = objects(emulator, container["Endpoint"])
    assert set(found) == set(versions[0])
    for path, sha in sha256s(found).items():
        assert sha in (versions[0][path], versions[1][path]), path

    listed = run_playbook(tmp_path, play(emulator, [{"register": "r_list", "ansible.builtin.set_fact": {
        "listing": "{{ lookup('elemental.mediastore.list_items', container='" + name + "', recursive=true, "
                   "item_type='object', endpoint_url='" + emulator.url + "', access_key='" + ACCESS_KEY
                   + "', secret_key='" + emulator.secret_key + "', region='" + REGION + "') }}"}}],
        keep=["listing"]))
    assert listed.rc == 0, listed.explain()
    journal_paths = {entry["path"] for entry in entries if entry["operation"] == "PutObject" and entry["status"] == 200}
    assert {item["path"] for item in listed.results["listing"]} == journal_paths == set(found)
    winners = sum(1 for path, sha in sha256s(found).items() if sha == versions[1][path])
    record("two_syncs_racing", objects=len(found), second_version_won=winners, requests=len(entries),
           puts=sum(1 for entry in entries if entry["operation"] == "PutObject"))
