"""Put an offline stand-in for ansible-test's get-pip bootstrap script in its cache, when missing.

ansible-test bootstraps pip in the virtual environments it creates (sanity, units --venv) with a
get-pip script it downloads from a host outside PyPI, unless ``~/.ansible/test/cache/get_pip_<ver>.py``
exists.  The stand-in written here does the same job from what is reachable: ``ensurepip``, then
``pip install`` of the packages ansible-test asks for (its pinned pip) from the package index.

Run it with the Python that has ansible-test installed.
"""

import re
import sys
from pathlib import Path

import ansible_test

STAND_IN = '''\
"""Offline stand-in for get-pip.py, written by elemental.mediastore's scripts/ensure-get-pip.py."""
import subprocess
import sys

# get-pip.py's own flags mean nothing to `pip install`.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}

subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], check=True)
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
sys.exit(subprocess.run([sys.executable, "-m", "pip", "install"] + arguments).returncode)
'''


def pinned_pip_version() -> str:
    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip\s*=\s*'([0-9.]+)'", source.read_text())
    if not match:
        sys.exit(f"ensure-get-pip: cannot find ansible-test's pinned pip version in {source}")
    return match.group(1)


def main() -> None:
    version = pinned_pip_version()
    cache_path = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    if cache_path.exists():
        return
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(STAND_IN)
    print(f"ensure-get-pip: wrote an offline stand-in for pip {version}'s get-pip script to {cache_path}")


if __name__ == "__main__":
    main()
