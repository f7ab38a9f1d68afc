"""Container names of every valid length persist: a 255-character name does not fit a plain file name."""

import os

import pytest

from mediastore_emulator.model import MediaStore
from mediastore_emulator.store import DirectoryStore, container_file_name


def reopen(root):
    return MediaStore(DirectoryStore(root), create_delay=0, delete_delay=0)


@pytest.mark.parametrize("length", [1, 200, 201, 250, 255])
def test_a_name_of_any_valid_length_survives_restart_and_delete(tmp_path, length):
    name = ("n" * length)[:length]
    root = str(tmp_path)
    reopen(root).create_container(name)
    assert [c["Name"] for c in reopen(root).list_containers()["Containers"]] == [name]
    again = reopen(root)
    again.delete_container(name)
    again.list_containers()  # looking sweeps containers whose DELETING time is over
    assert os.listdir(os.path.join(root, "containers")) == []


def test_file_names_fit_and_never_collide():
    long_names = ["a" * 200 + "b" * 55, "a" * 200 + "c" * 55, "a" * 201]
    names = ["a" * 200, *long_names, "movies"]
    files = [container_file_name(name) for name in names]
    assert len(set(files)) == len(files)
    assert all(len(file.encode()) <= 255 for file in files)
    assert container_file_name("movies") == "movies.json"
