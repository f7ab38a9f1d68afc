"""The service state and its rules as plain Python: containers, objects, folders, policies, tags.

No HTTP here. Every failure is a ``ServiceError``. Each container has its own lock; the registry of
containers has one more. A change becomes visible only once the store has saved it: a failed save (disk
full, permission denied) is a 500 ``InternalServerError`` and leaves the state as it was. Time-based state
(CREATING → ACTIVE, DELETING → gone, transient objects expiring) is computed from timestamps whenever it is
looked at, so nothing runs in the background.
"""

import base64
import binascii
import contextlib
import copy
import hashlib
import itertools
import json
import secrets
import string
import threading
import time

from mediastore_emulator import evaluation, validation
from mediastore_emulator.errors import ServiceError, validation_error

__all__ = ["MediaStore", "ServiceError"]

MAX_CONTAINERS = 100
MAX_OBJECT_SIZE = 25 * 1024 * 1024
MAX_STREAMING_OBJECT_SIZE = 10 * 1024 * 1024
ENDPOINT_ALPHABET = string.ascii_lowercase + string.digits
NOT_ACTIVE = "Container must be ACTIVE in order to perform this operation"


def _container_not_found(name, status=400):
    return ServiceError("ContainerNotFoundException", f"Container {name} does not exist", status)


# A container attribute holding a policy -> the error code and words for "there is none".
_POLICY_ABSENCE = {
    "policy": ("PolicyNotFoundException", "only the default container policy"),
    "cors": ("CorsPolicyNotFoundException", "no CORS policy"),
    "lifecycle": ("PolicyNotFoundException", "no lifecycle policy"),
    "metric": ("PolicyNotFoundException", "no metric policy"),
}


def _policy_not_found(name, attribute):
    code, absence = _POLICY_ABSENCE[attribute]
    return ServiceError(code, f"Container {name} has {absence}")


@contextlib.contextmanager
def _persisting():
    """Turn a failure of the store into the server fault it is (the request was fine; the disk was not)."""
    try:
        yield
    except OSError as exc:
        raise ServiceError("InternalServerError", f"The state could not be saved: {exc}", 500) from exc


def default_container_policy(arn, account_id):
    """The policy MediaStore attaches to every new container: full access for the owner account over HTTPS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "MediaStoreFullAccess",
                    "Action": ["mediastore:*"],
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Effect": "Allow",
                    "Resource": f"{arn}/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                }
            ],
        },
        indent=2,
    )


# What a container document holds, under the attribute names of ``Container``.
SAVED_ATTRIBUTES = (
    "name", "arn", "endpoint_id", "created", "active_at", "gone_at", "seq", "access_logging", "policy", "cors",
    "lifecycle", "metric", "tags", "objects",
)  # fmt: skip


class Container:
    """One container. Its ``name``, ``arn`` and ``endpoint_id`` may be read by anyone; the rest is MediaStore's,
    which answers questions about it through its own methods."""

    def __init__(self, name, arn, endpoint_id, created, active_at, seq):
        self.name = name
        self.arn = arn
        self.endpoint_id = endpoint_id
        self.created = created
        self.active_at = active_at
        self.gone_at = None
        self.seq = seq
        self.access_logging = False
        self.policy = None  # custom container policy string; None means the default one applies
        self.cors = None
        self.lifecycle = None
        self.lifecycle_rules = []
        self.metric = None
        self.tags = {}
        self.objects = {}  # path -> metadata dict
        self.folders = {}  # folder path -> number of objects below it
        # What ListItems shows, so that it reads only the folder listed: folder path ("" for the top) -> child
        # name -> None for an object, or for a folder the number of listed objects below it. Transient objects
        # are never listed, nor folders holding only them.
        self.listing = {}
        self.transient = set()  # paths of objects that expire (seconds_since_create rules)
        self.lock = threading.RLock()

    def status(self, now):
        if self.gone_at is not None:
            return "DELETING"
        return "ACTIVE" if now >= self.active_at else "CREATING"

    def to_document(self, **changes):
        """The container as the store saves it, with ``changes`` (attribute -> value) in place of what it has."""
        state = {name: changes.get(name, getattr(self, name)) for name in SAVED_ATTRIBUTES}
        state["tags"] = [[k, v] for k, v in state["tags"].items()]
        return state

    @classmethod
    def from_document(cls, doc):
        container = cls(doc["name"], doc["arn"], doc["endpoint_id"], doc["created"], doc["active_at"], doc["seq"])
        container.gone_at = doc.get("gone_at")
        container.access_logging = doc.get("access_logging", False)
        container.policy = doc.get("policy")
        container.cors = doc.get("cors")
        container.lifecycle = doc.get("lifecycle")
        container.lifecycle_rules = validation.lifecycle_policy(container.lifecycle) if container.lifecycle else []
        container.metric = doc.get("metric")
        container.tags = dict((k, v) for k, v in doc.get("tags", []))
        for path, meta in doc.get("objects", {}).items():
            container.add_object(path, meta)
        return container

    # --- folders follow objects -------------------------------------------------------------------------

    @staticmethod
    def ancestors(path):
        parts = path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]

    def _list(self, path, listed):
        """Enter (``listed``) or remove an object that ListItems shows, with its folders, in ``listing``."""
        parts = path.split("/")
        step = 1 if listed else -1
        for depth, name in enumerate(parts):
            folder = "/".join(parts[:depth])
            entries = self.listing.setdefault(folder, {})
            below = None if depth == len(parts) - 1 else entries.get(name, 0) + step
            if listed or below:
                entries[name] = below
            else:
                del entries[name]
            if not entries:
                del self.listing[folder]

    def add_object(self, path, meta):
        old = self.objects.get(path)
        if old is None:
            for folder in self.ancestors(path):
                self.folders[folder] = self.folders.get(folder, 0) + 1
        elif old.get("expires_at") is None:
            self._list(path, listed=False)
        self.objects[path] = meta
        if meta.get("expires_at") is not None:
            self.transient.add(path)
        else:
            self.transient.discard(path)
            self._list(path, listed=True)

    def remove_object(self, path):
        meta = self.objects.pop(path)
        self.transient.discard(path)
        if meta.get("expires_at") is None:
            self._list(path, listed=False)
        for folder in self.ancestors(path):
            remaining = self.folders[folder] - 1
            if remaining:
                self.folders[folder] = remaining
            else:
                del self.folders[folder]
        return meta


def _folder_item(name):
    return {"Name": name, "Type": "FOLDER"}


def _object_item(name, meta):
    return {
        "Name": name,
        "Type": "OBJECT",
        "ETag": meta["etag"],
        "LastModified": round(meta["last_modified"], 3),
        "ContentType": meta["content_type"],
        "ContentLength": meta["size"],
    }


class MediaStore:
    def __init__(
        self, store, account_id="111122223333", region="us-east-1", create_delay=1.0, delete_delay=1.0, clock=time.time
    ):
        self.store = store
        self.account_id = account_id
        self.region = region
        self.create_delay = float(create_delay)
        self.delete_delay = float(delete_delay)
        self.clock = clock
        self.endpoint_base = "http://127.0.0.1"
        self._registry_lock = threading.RLock()
        self._containers = {}
        self._seq = itertools.count(1)
        self._upload_counter = itertools.count(1)
        for doc in store.load_containers():
            container = Container.from_document(doc)
            self._containers[container.name] = container
        if self._containers:
            self._seq = itertools.count(max(c.seq for c in self._containers.values()) + 1)

    # --- registry ---------------------------------------------------------------------------------------

    def arn_for(self, name):
        return f"arn:aws:mediastore:{self.region}:{self.account_id}:container/{name}"

    def endpoint_url(self, container):
        return f"{self.endpoint_base.rstrip('/')}/data/{container.endpoint_id}"

    def _sweep(self, now):
        """Forget containers whose DELETING time is over."""
        with self._registry_lock:
            for name, container in list(self._containers.items()):
                if container.gone_at is not None and now >= container.gone_at:
                    del self._containers[name]
                    self.store.delete_container(name)

    def _live(self):
        now = self.clock()
        self._sweep(now)
        return now

    def _get(self, name):
        now = self._live()
        container = self._containers.get(name)
        if container is None:
            raise _container_not_found(name)
        return container, now

    def _get_active(self, name):
        validation.container_name(name)
        container, now = self._get(name)
        if container.status(now) != "ACTIVE":
            raise ServiceError("ContainerInUseException", NOT_ACTIVE)
        return container

    def _by_arn(self, arn):
        validation.container_arn(arn)
        with self._registry_lock:
            self._live()
            for container in self._containers.values():
                if container.arn == arn:
                    break
            else:
                raise ServiceError("ContainerNotFoundException", f"No container has the ARN {arn}")
        if container.status(self.clock()) != "ACTIVE":
            raise ServiceError("ContainerInUseException", NOT_ACTIVE)
        return container

    def _save(self, container):
        with _persisting():
            self.store.save_container(container.name, container.to_document())

    def _apply(self, container, **changes):
        """Save ``container`` with ``changes`` (attribute -> new value), then make them; the caller holds its lock.

        Readers that take no lock (policy and CORS lookups) never see a change the store has not saved."""
        with _persisting():
            self.store.save_container(container.name, container.to_document(**changes))
        for attribute, value in changes.items():
            setattr(container, attribute, value)

    def describe(self, container, now=None):
        now = self.clock() if now is None else now
        status = container.status(now)
        out = {
            "CreationTime": round(container.created, 3),
            "ARN": container.arn,
            "Name": container.name,
            "Status": status,
            "AccessLoggingEnabled": container.access_logging,
        }
        if status != "CREATING":
            out["Endpoint"] = self.endpoint_url(container)
        return out

    # --- containers -------------------------------------------------------------------------------------

    def create_container(self, name, tags=None):
        validation.container_name(name)
        tag_map = validation.tags(tags) if tags is not None else {}
        validation.tag_count(tag_map)
        with self._registry_lock:
            now = self._live()
            if name in self._containers:
                raise ServiceError("ContainerInUseException", f"Container {name} already exists")
            if len(self._containers) >= MAX_CONTAINERS:
                raise ServiceError(
                    "LimitExceededException", f"You can create at most {MAX_CONTAINERS} containers in an account"
                )
            used = {c.endpoint_id for c in self._containers.values()}
            endpoint_id = "".join(secrets.choice(ENDPOINT_ALPHABET) for _position in range(14))
            while endpoint_id in used:
                endpoint_id = "".join(secrets.choice(ENDPOINT_ALPHABET) for _position in range(14))
            container = Container(name, self.arn_for(name), endpoint_id, now, now + self.create_delay, next(self._seq))
            container.tags = tag_map
            self._save(container)
            self._containers[name] = container
            return self.describe(container, now)

    def delete_container(self, name):
        validation.container_name(name)
        with self._registry_lock:
            container = self._get_active(name)
            with container.lock:
                now = self.clock()
                self._expire_transient(container, now)
                if container.objects:
                    raise ServiceError(
                        "ContainerInUseException",
                        f"Container {name} is not empty ({len(container.objects)} objects): delete its objects first",
                    )
                self._apply(container, gone_at=now + self.delete_delay)
            self._sweep(now)

    def describe_container(self, name):
        validation.container_name(name)
        container, now = self._get(name)
        return self.describe(container, now)

    def list_containers(self, max_results=None, next_token=None):
        validation.max_results(max_results, 1, 100)
        after = 0
        if next_token is not None:
            if not isinstance(next_token, str) or not validation.LIST_CONTAINERS_TOKEN_RE.fullmatch(next_token):
                raise validation_error("NextToken is not a token returned by ListContainers")
            try:
                after = int(base64.b64decode(next_token, validate=True).decode("ascii"))
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise validation_error("NextToken is not a token returned by ListContainers") from None
        with self._registry_lock:
            now = self._live()
            ordered = sorted((c for c in self._containers.values() if c.seq > after), key=lambda c: c.seq)
        page = ordered if max_results is None else ordered[:max_results]
        result = {"Containers": [self.describe(c, now) for c in page]}
        if max_results is not None and len(ordered) > max_results:
            result["NextToken"] = base64.b64encode(str(page[-1].seq).encode("ascii")).decode("ascii")
        return result

    # --- policies ---------------------------------------------------------------------------------------

    def put_container_policy(self, name, policy):
        container = self._get_active(name)
        validation.container_policy(policy, container.arn)
        with container.lock:
            self._apply(container, policy=policy)

    def get_container_policy(self, name):
        container = self._get_active(name)
        return (
            container.policy
            if container.policy is not None
            else default_container_policy(container.arn, self.account_id)
        )

    def allows_anonymous(self, container, action, path, context):
        """Whether the container policy in force lets an unsigned request do ``action`` on ``path``.

        ``context``: ``secure_transport`` (bool) and ``source_ip`` (str) of the request."""
        document = json.loads(self.get_container_policy(container.name))
        return evaluation.anonymous_allowed(document, action, f"{container.arn}/{path.lstrip('/')}", context)

    def delete_container_policy(self, name):
        self._delete_policy(name, "policy")

    def _stored_policy(self, name, attribute):
        """The policy kept in ``attribute`` of container ``name``; its "not found" error when there is none."""
        value = getattr(self._get_active(name), attribute)
        if value is None:
            raise _policy_not_found(name, attribute)
        return value

    def _delete_policy(self, name, attribute, **also_cleared):
        container = self._get_active(name)
        with container.lock:
            if getattr(container, attribute) is None:
                raise _policy_not_found(name, attribute)
            self._apply(container, **{attribute: None}, **also_cleared)

    def put_cors_policy(self, name, rules):
        container = self._get_active(name)
        validation.cors_policy(rules)
        with container.lock:
            self._apply(container, cors=copy.deepcopy(rules))

    def get_cors_policy(self, name):
        return copy.deepcopy(self._stored_policy(name, "cors"))

    def cors_rules(self, container):
        """The container's CORS rules in order, [] without a CORS policy. Read them, never change them."""
        return container.cors or []

    def delete_cors_policy(self, name):
        self._delete_policy(name, "cors")

    def put_lifecycle_policy(self, name, policy):
        container = self._get_active(name)
        rules = validation.lifecycle_policy(policy)
        with container.lock:
            self._apply(container, lifecycle=policy, lifecycle_rules=rules)

    def get_lifecycle_policy(self, name):
        return self._stored_policy(name, "lifecycle")

    def delete_lifecycle_policy(self, name):
        self._delete_policy(name, "lifecycle", lifecycle_rules=[])

    def put_metric_policy(self, name, policy):
        container = self._get_active(name)
        validation.metric_policy(policy)
        with container.lock:
            self._apply(container, metric=copy.deepcopy(policy))

    def get_metric_policy(self, name):
        return copy.deepcopy(self._stored_policy(name, "metric"))

    def delete_metric_policy(self, name):
        self._delete_policy(name, "metric")

    def set_access_logging(self, name, enabled):
        container = self._get_active(name)
        with container.lock:
            self._apply(container, access_logging=enabled)

    # --- tags -------------------------------------------------------------------------------------------

    def tag_resource(self, arn, tags):
        container = self._by_arn(arn)
        new_tags = validation.tags(tags)
        with container.lock:
            merged = dict(container.tags)
            merged.update(new_tags)
            validation.tag_count(merged)
            self._apply(container, tags=merged)

    def untag_resource(self, arn, keys):
        container = self._by_arn(arn)
        if not isinstance(keys, list):
            raise validation_error("TagKeys must be a list of tag keys")
        for key in keys:
            validation.tag_key(key)
        with container.lock:
            self._apply(container, tags={k: v for k, v in container.tags.items() if k not in keys})

    def list_tags(self, arn):
        container = self._by_arn(arn)
        with container.lock:
            return [{"Key": k, "Value": v} for k, v in container.tags.items()]

    # --- data plane -------------------------------------------------------------------------------------

    def container_for_endpoint(self, endpoint_id):
        """The ACTIVE container behind a data endpoint id, or ContainerNotFoundException (404)."""
        with self._registry_lock:
            now = self._live()
            for container in self._containers.values():
                if container.endpoint_id == endpoint_id and container.status(now) == "ACTIVE":
                    return container
        raise ServiceError("ContainerNotFoundException", "No container has this endpoint", 404)

    def _expire_transient(self, container, now):
        expired = [p for p in container.transient if container.objects[p]["expires_at"] <= now]
        if not expired:
            return
        blobs = [container.remove_object(path)["blob"] for path in expired]
        try:
            self._save(container)
        except ServiceError:
            # Expiry follows from timestamps, so memory may run ahead of a disk that refuses the write: after a
            # restart the same objects expire at their first look again. Their bodies stay on disk until then.
            return
        for blob in blobs:
            self.store.delete_blob(blob)

    def _save_or_undo(self, container, undo):
        """Save ``container`` after a change to its objects (made under its lock); if that fails, ``undo()`` it."""
        try:
            self._save(container)
        except ServiceError:
            undo()
            raise

    def _check_no_collision(self, container, path):
        if path in container.folders:
            raise validation_error(f"Path {path!r} is a folder; an object cannot have the same name as a folder")
        for folder in Container.ancestors(path):
            if folder in container.objects:
                raise validation_error(f"Path {path!r} needs folder {folder!r}, but an object of that name exists")

    def put_object(
        self, container, path, body, content_type=None, cache_control=None, storage_class=None, upload_availability=None
    ):
        path = validation.object_path(path)
        storage_class = validation.storage_class(storage_class)
        availability = validation.upload_availability(upload_availability)
        limit = MAX_STREAMING_OBJECT_SIZE if availability == "STREAMING" else MAX_OBJECT_SIZE
        if len(body) > limit:
            raise validation_error(
                f"Object size {len(body)} bytes exceeds the {limit // (1024 * 1024)} MB limit "
                f"for {availability} uploads"
            )
        with container.lock:
            self._check_no_collision(container, path)
        now = self.clock()
        content_sha256 = hashlib.sha256(body).hexdigest()
        # The real ETag is "a hash of the object data" that differs from ContentSHA256 and changes per upload.
        etag = hashlib.sha256(body + f"\0{path}\0{next(self._upload_counter)}\0{time.time_ns()}".encode()).hexdigest()
        with _persisting():
            self.store.write_blob(etag, body)
        with container.lock:
            try:
                self._expire_transient(container, now)
                self._check_no_collision(container, path)
            except ServiceError:
                self.store.delete_blob(etag)
                raise
            lifetime = evaluation.transient_lifetime(container.lifecycle_rules, path)
            meta = {
                "blob": etag,
                "etag": etag,
                "sha256": content_sha256,
                "size": len(body),
                "content_type": content_type or "application/octet-stream",
                "cache_control": cache_control,
                "last_modified": now,
                "storage_class": storage_class,
                "upload_availability": availability,
                "expires_at": now + lifetime if lifetime is not None else None,
            }
            old = container.objects.get(path)
            container.add_object(path, meta)

            def undo():
                if old is None:
                    container.remove_object(path)
                else:
                    container.add_object(path, old)
                self.store.delete_blob(etag)

            self._save_or_undo(container, undo)
        if old is not None:
            self.store.delete_blob(old["blob"])
        return {"ContentSHA256": content_sha256, "ETag": etag, "StorageClass": storage_class}

    def _object_meta(self, container, path):
        path = validation.object_path(path)
        with container.lock:
            self._expire_transient(container, self.clock())
            meta = container.objects.get(path)
            if meta is None:
                raise ServiceError("ObjectNotFoundException", f"Object {path} does not exist", 404)
            return path, dict(meta)

    def describe_object(self, container, path):
        return self._object_meta(container, path)[1]

    def get_object(self, container, path):
        _path, meta = self._object_meta(container, path)
        try:
            return meta, self.store.read_blob(meta["blob"])
        except (KeyError, FileNotFoundError):
            # Replaced between the lookup and the read: the object is gone in the version asked for.
            return self.get_object(container, path)

    def delete_object(self, container, path):
        path = validation.object_path(path)
        with container.lock:
            self._expire_transient(container, self.clock())
            if path not in container.objects:
                raise ServiceError("ObjectNotFoundException", f"Object {path} does not exist", 404)
            meta = container.remove_object(path)
            self._save_or_undo(container, lambda: container.add_object(path, meta))
        self.store.delete_blob(meta["blob"])

    def list_items(self, container, path=None, max_results=None, next_token=None):
        folder = validation.folder_path(path)
        validation.max_results(max_results, 1, 1000)
        limit = max_results or 1000
        after = None
        if next_token is not None:
            try:
                token = json.loads(base64.urlsafe_b64decode(next_token.encode("ascii")))
                if token["path"] != folder:
                    raise ValueError("token for another folder")
                after = token["after"]
                if not isinstance(after, str):
                    raise ValueError("bad position")
            # RecursionError: a token of deeply nested JSON, which no token this service made is.
            except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error, RecursionError):
                raise validation_error("NextToken is not a token returned by ListItems for this Path") from None
        prefix = folder + "/" if folder else ""
        with container.lock:
            self._expire_transient(container, self.clock())
            children = container.listing.get(folder, {})
            names = sorted(name for name in children if after is None or name > after)
            page = names[:limit]
            items = [
                _folder_item(name)
                if children[name] is not None
                else _object_item(name, container.objects[prefix + name])
                for name in page
            ]
        result = {"Items": items}
        if len(names) > limit:
            token = json.dumps({"path": folder, "after": page[-1]}).encode("utf-8")
            result["NextToken"] = base64.urlsafe_b64encode(token).decode("ascii")
        return result

    # --- emulator housekeeping --------------------------------------------------------------------------

    def delays(self):
        return {"create_delay": self.create_delay, "delete_delay": self.delete_delay}

    def set_delays(self, create_delay=None, delete_delay=None):
        """Seconds containers created or deleted from now on stay CREATING or DELETING (None: unchanged)."""
        if create_delay is not None:
            self.create_delay = float(create_delay)
        if delete_delay is not None:
            self.delete_delay = float(delete_delay)

    def counts(self):
        with self._registry_lock:
            self._live()
            containers = list(self._containers.values())
        return {"containers": len(containers), "objects": sum(len(c.objects) for c in containers)}

    def reset(self):
        with self._registry_lock:
            with _persisting():
                self.store.wipe()
            self._containers.clear()
