"""Where bytes and container documents live: memory, or a state directory that survives restarts.

On disk (``--state-dir``)::

    blobs/<etag>               object bodies, one file per upload (the ETag is unique per upload)
    containers/<name>.json     everything else about a container: attributes, policies, tags, object metadata
                               (a name too long for a file name: its first 200 characters, "~", a digest)
    tmp/                       files being written

Every write goes to ``tmp/`` first, is fsynced, then renamed into place, so a crash (even SIGKILL) leaves
either the old or the new version. An object write is: blob file, then the container document that points
at it. A crash between the two leaves an unreferenced blob; ``open`` removes those and anything in ``tmp/``.
"""

import hashlib
import json
import os
import threading
import uuid

# Container names may be 255 characters long, and so may a file name: ".json" would not fit.
LONGEST_PLAIN_FILE_STEM = 200


def container_file_name(name):
    """The file holding container ``name``; "~" never occurs in a container name, so no two names share one."""
    if len(name) <= LONGEST_PLAIN_FILE_STEM:
        return name + ".json"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]
    return f"{name[:LONGEST_PLAIN_FILE_STEM]}~{digest}.json"


class MemoryStore:
    persistent = False

    def __init__(self):
        self._blobs = {}
        self._lock = threading.Lock()

    def load_containers(self):
        return []

    def write_blob(self, name, data):
        with self._lock:
            self._blobs[name] = bytes(data)

    def read_blob(self, name):
        with self._lock:
            return self._blobs[name]

    def delete_blob(self, name):
        with self._lock:
            self._blobs.pop(name, None)

    def save_container(self, name, document):
        pass

    def delete_container(self, name):
        pass

    def wipe(self):
        with self._lock:
            self._blobs.clear()


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DirectoryStore:
    persistent = True

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.blob_dir = os.path.join(self.root, "blobs")
        self.container_dir = os.path.join(self.root, "containers")
        self.tmp_dir = os.path.join(self.root, "tmp")
        for path in (self.blob_dir, self.container_dir, self.tmp_dir):
            os.makedirs(path, exist_ok=True)

    # Test seam: the crash-simulation tests replace this to stop between the steps of a write.
    def _after_step(self, step):
        pass

    def _atomic_write(self, final_path, data):
        tmp_path = os.path.join(self.tmp_dir, uuid.uuid4().hex)
        with open(tmp_path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self._after_step(("written", final_path))
        os.replace(tmp_path, final_path)
        _fsync_dir(os.path.dirname(final_path))
        self._after_step(("renamed", final_path))

    def load_containers(self):
        """Container documents on disk, after removing temp files and blobs nobody refers to."""
        for name in os.listdir(self.tmp_dir):
            os.unlink(os.path.join(self.tmp_dir, name))
        documents = []
        for name in sorted(os.listdir(self.container_dir)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(self.container_dir, name), encoding="utf-8") as handle:
                documents.append(json.load(handle))
        referenced = {meta["blob"] for doc in documents for meta in doc.get("objects", {}).values()}
        for name in os.listdir(self.blob_dir):
            if name not in referenced:
                os.unlink(os.path.join(self.blob_dir, name))
        return documents

    def write_blob(self, name, data):
        self._atomic_write(os.path.join(self.blob_dir, name), data)

    def read_blob(self, name):
        with open(os.path.join(self.blob_dir, name), "rb") as handle:
            return handle.read()

    def delete_blob(self, name):
        # Called once the document no longer refers to the blob, so the change is already saved: a blob that
        # cannot be removed is only garbage, which the next ``load_containers`` collects.
        try:
            os.unlink(os.path.join(self.blob_dir, name))
        except OSError:
            pass

    def save_container(self, name, document):
        data = json.dumps(document, separators=(",", ":")).encode("utf-8")
        self._atomic_write(os.path.join(self.container_dir, container_file_name(name)), data)

    def delete_container(self, name):
        # Called for a container whose saved document already says DELETING until a time now past: if the file
        # stays, the next start forgets the container again.
        try:
            os.unlink(os.path.join(self.container_dir, container_file_name(name)))
        except OSError:
            pass

    def wipe(self):
        for directory in (self.container_dir, self.blob_dir, self.tmp_dir):
            for name in os.listdir(directory):
                os.unlink(os.path.join(directory, name))


def open_store(state_dir=None):
    return DirectoryStore(state_dir) if state_dir else MemoryStore()
