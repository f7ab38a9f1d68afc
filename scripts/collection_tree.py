"""Mirror the working tree into <dest>/ansible_collections/elemental/mediastore/ for ansible-test.

ansible-test insists that the current directory is a real ``ansible_collections/<ns>/<name>`` path
(a symlink into the repository is resolved and refused), so the collection is copied.  The copy holds
what git would commit (tracked files plus untracked files that .gitignore does not exclude); files
that disappeared from the working tree disappear from the copy, and unchanged files are not rewritten
so ansible-test's own caches stay valid.  The collection's dependencies are linked in beside it from
the ``ansible`` package's bundled collections.

Usage: collection_tree.py REPO_ROOT DEST_COLLECTIONS_DIR
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

NAMESPACE, NAME = "elemental", "mediastore"
# Linked in from site-packages/ansible_collections: amazon.aws is the dependency; community.aws is a peer
# that benchmarks and some examples use.
LINKED_COLLECTIONS = [("amazon", "aws"), ("community", "aws")]
# Outside git (e.g. a copied tree), these never belong in the copy.
UNTRACKED_DIRS = {".git", ".venv", ".build", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules"}
# Results ansible-test writes inside the copy; generated files the Makefile places there.
KEEP_IN_COPY = ("tests/output/", "tests/integration/integration_config.yml")


def source_files(root: Path) -> list[str]:
    try:
        listing = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True,
            capture_output=True,
        ).stdout
        names = [name for name in listing.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = [d for d in subdirs if d not in UNTRACKED_DIRS and not d.endswith(".egg-info")]
            rel = Path(directory).relative_to(root)
            if rel.parts[:2] == ("tests", "output"):
                subdirs[:] = []
                continue
            names.extend(str(rel / f) if str(rel) != "." else f for f in files if not f.endswith(".pyc"))
    # `git ls-files --cached` still lists tracked files deleted from the working tree.
    return sorted(name for name in names if (root / name).is_file() or (root / name).is_symlink())


def same_file(src: Path, dst: Path) -> bool:
    if not os.path.lexists(dst) or dst.is_symlink() != src.is_symlink():
        return False
    if src.is_symlink():
        return os.readlink(src) == os.readlink(dst)
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime) and a.st_mode == b.st_mode


def mirror(root: Path, target: Path) -> None:
    wanted = source_files(root)
    target.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        src, dst = root / name, target / name
        if same_file(src, dst):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_symlink() or dst.is_file():
            dst.unlink()
        try:
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
            else:
                shutil.copy2(src, dst)
        except FileNotFoundError:
            if os.path.lexists(src):
                raise
            # Deleted from the working tree while we copied: it is not part of the tree any more.
    wanted_set = set(wanted)
    for directory, _subdirs, files in os.walk(target, topdown=False):
        rel = Path(directory).relative_to(target)
        for f in files:
            name = str(rel / f) if str(rel) != "." else f
            if name not in wanted_set and not name.startswith(KEEP_IN_COPY) and "__pycache__" not in name:
                (Path(directory) / f).unlink()
        if str(rel) != "." and not any(Path(directory).iterdir()):
            Path(directory).rmdir()


def link_dependencies(collections_dir: Path) -> None:
    bundled = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"
    for namespace, name in LINKED_COLLECTIONS:
        source = bundled / namespace / name
        link = collections_dir / "ansible_collections" / namespace / name
        if not source.is_dir():
            sys.exit(f"collection_tree: {namespace}.{name} is not installed at {source}; run `make setup`")
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() and os.readlink(link) == str(source):
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source)


def build_tree(root: Path, collections_dir: Path) -> Path:
    """Mirror ``root`` into ``collections_dir`` with its dependencies beside it; returns the collection's copy."""
    tree = collections_dir.absolute() / "ansible_collections" / NAMESPACE / NAME
    mirror(root.resolve(), tree)
    link_dependencies(collections_dir.absolute())
    return tree


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build_tree(Path(sys.argv[1]), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
