"""Put a pinned uv binary in .tools/bin/uv using nothing but python3's standard library.

A fresh Debian machine has python3 but neither pip nor venv, so `make` cannot rely on either.
uv ships as a wheel on PyPI whose data directory holds a static binary: we download that
wheel, check its SHA-256 against PyPI's published digest and unpack the one file we need.
"""

import hashlib
import io
import json
import os
import platform
import shutil
import stat
import sys
import urllib.parse
import urllib.request
import zipfile

UV_VERSION = "0.13.9"
PROJECT_URL = os.environ.get("ICIS_UV_JSON_URL", "https://pypi.org/pypi/uv/json")
TARGET = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".tools", "bin", "uv")

ARCH_TAGS = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


def fail(message):
    print(f"bootstrap_uv: {message}", file=sys.stderr)
    sys.exit(1)


def pick_wheel(urls, arch):
    for entry in urls:
        name = entry["filename"]
        if name.endswith(".whl") and "manylinux" in name and name.endswith(f"_{arch}.whl"):
            return entry
    for entry in urls:
        name = entry["filename"]
        if name.endswith(".whl") and "musllinux" in name and name.endswith(f"_{arch}.whl"):
            return entry
    return None


def main():
    if os.path.exists(TARGET):
        return
    arch = ARCH_TAGS.get(platform.machine().lower())
    if arch is None or sys.platform != "linux":
        fail(f"no prebuilt uv for {sys.platform}/{platform.machine()}; install uv yourself and re-run")
    try:
        with urllib.request.urlopen(PROJECT_URL, timeout=60) as response:
            project = json.load(response)
    except OSError as error:
        fail(f"cannot reach PyPI to fetch uv {UV_VERSION}: {error}")
    # Some mirrors serve only the project document, not per-version ones: read releases there.
    wheel = pick_wheel(project.get("releases", {}).get(UV_VERSION, []), arch)
    if wheel is None:
        fail(f"uv {UV_VERSION} has no Linux wheel for {arch}")
    print(f"bootstrap_uv: downloading {wheel['filename']}")
    with urllib.request.urlopen(urllib.parse.urljoin(PROJECT_URL, wheel["url"]), timeout=300) as response:
        payload = response.read()
    if hashlib.sha256(payload).hexdigest() != wheel["digests"]["sha256"]:
        fail("downloaded uv wheel does not match PyPI's SHA-256; refusing to use it")
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        member = next((n for n in archive.namelist() if n.endswith(".data/scripts/uv")), None)
        if member is None:
            fail("uv wheel has no uv binary inside")
        os.makedirs(os.path.dirname(TARGET), exist_ok=True)
        partial = TARGET + ".part"
        with archive.open(member) as source, open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink)
    os.chmod(partial, os.stat(partial).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(partial, TARGET)
    print(f"bootstrap_uv: uv {UV_VERSION} installed at {TARGET}")


if __name__ == "__main__":
    main()
