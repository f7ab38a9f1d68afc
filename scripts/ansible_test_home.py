"""Put in ~/.ansible/test/ what ansible-test would otherwise download, or create racily, on first use.

- ``cache/get_pip_<ver>.py``: ansible-test bootstraps pip in the virtual environments it creates (sanity,
  units --venv) with a get-pip script it downloads from a host outside PyPI unless this file exists.  The
  stand-in written here does the same job from what is reachable: ``ensurepip``, then ``pip install`` of the
  packages ansible-test asks for (its pinned pip) from the package index.
- ``id_rsa``/``id_rsa.pub``: every ``ansible-test integration`` makes this key pair when it is missing, with
  no lock between processes, so parallel integration shards on a fresh HOME fail ("already exists.
  Overwrite (y/n)?").  It is made here once, the way ansible-test makes it, before any shard starts.

Run it with the Python that has ansible-test installed; it changes nothing that is already in place.
"""

import re
import subprocess
import sys
from pathlib import Path

import ansible_test

TEST_HOME = Path.home() / ".ansible" / "test"

GET_PIP_STAND_IN = '''\
"""Offline stand-in for get-pip.py, written by elemental.mediastore's scripts/ansible_test_home.py."""
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
        sys.exit(f"ansible_test_home: cannot find ansible-test's pinned pip version in {source}")
    return match.group(1)


def ensure_get_pip() -> None:
    version = pinned_pip_version()
    cache_path = TEST_HOME / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    if cache_path.exists():
        return
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(GET_PIP_STAND_IN)
    print(f"ansible_test_home: wrote an offline stand-in for pip {version}'s get-pip script to {cache_path}")


def ensure_ssh_key() -> None:
    """ansible-test's SshKey.generate_key_pair: an RSA key in PEM, with the header paramiko recognises."""
    key = TEST_HOME / "id_rsa"
    if key.is_file() and key.with_suffix(".pub").is_file():
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    key.unlink(missing_ok=True)
    key.with_suffix(".pub").unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-m", "PEM", "-q", "-t", "rsa", "-N", "", "-f", str(key)], check=True)
    key.write_text(re.sub(r"(BEGIN|END) PRIVATE KEY", r"\1 RSA PRIVATE KEY", key.read_text()))
    print(f"ansible_test_home: made ansible-test's SSH key pair {key}")


def main() -> None:
    ensure_get_pip()
    ensure_ssh_key()


if __name__ == "__main__":
    main()
