"""One moto server for the whole test session: the AWS API that terraform and boto3 talk to in tests.

The server runs as a child process on 127.0.0.1 and a free port, started with the interpreter running the
tests (a real binary, not a shell shim, so the PID we keep is the server's own), and is stopped by that PID.
Tests share it and reset it (`POST /moto-api/reset`) before use, so no test sees another's resources.

Use it through the fixtures in tests/conftest.py: `moto_server` (session) or `moto` (reset before the test).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import moto as moto_package
from botocore.config import Config

# Static test credentials; moto accepts any, and they keep a user's real ones out of the tests.
ACCESS_KEY = "test"
SECRET_KEY = "test"
ACCOUNT_ID = "123456789012"  # moto's default account
DEFAULT_REGION = "us-east-1"


# The machine images that exist in the test world, besides moto's defaults: the one kops's own integration tests
# register (Canonical's account, the name kops's reference specs ask for as `ubuntu/images/...`).
IMAGES = (
    {"ami_id": "ami-12345678", "owner_id": "099720109477", "public": True,
     "name": "images/hvm-ssd-gp3/ubuntu-resolute-26.04-amd64-server-20220404",
     "description": "test image", "architecture": "x86_64", "virtualization_type": "hvm",
     "root_device_type": "ebs", "root_device_name": "/dev/xvda", "hypervisor": "xen",
     "creation_date": "2022-04-04T00:00:00.000Z", "state": "available"},
)


def _channel_images() -> tuple[dict, ...]:
    """The images `kopsgen create cluster` picks (its channel table), so that a created cluster applies."""
    from kopsgen.spec.create import CHANNEL_IMAGES

    images = []
    for i, (_, arch, image) in enumerate(CHANNEL_IMAGES):
        owner, name = image.split("/", 1)
        images.append({**IMAGES[0], "ami_id": f"ami-c{i:07d}", "owner_id": owner, "name": name,
                       "architecture": {"amd64": "x86_64", "arm64": "arm64"}[arch]})
    return tuple(images)


def _image_catalogue(folder: Path) -> Path:
    """moto reads its images from MOTO_AMIS_PATH at start (instead of its defaults): ours plus its defaults."""
    defaults = Path(moto_package.__file__).parent / "ec2" / "resources" / "amis.json.gz"
    images = json.loads(gzip.decompress(defaults.read_bytes())) if defaults.exists() else []
    path = folder / "amis.json"
    path.write_text(json.dumps(images + list(IMAGES) + list(_channel_images())))
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MotoServer:
    port: int
    process: subprocess.Popen
    log_path: Path
    region: str = DEFAULT_REGION
    _clients: dict = field(default_factory=dict, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def reset(self) -> None:
        """Forget every resource of every service."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200:
                raise RuntimeError(f"moto reset answered HTTP {response.status}")

    def client(self, service: str, region: str | None = None):
        """A boto3 client for `service` pointed at this server."""
        key = (service, region or self.region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service, region_name=key[1], endpoint_url=self.endpoint,
                aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}))
        return self._clients[key]

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        """What the server logged after `log_size()` returned `offset` (its tracebacks name moto's limits)."""
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, so a killed test run leaves no server behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _ready(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start(timeout: float = 60.0) -> MotoServer:
    """Start a moto server on a free port and wait until it answers."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="kopsgen-moto-"))
    log_path = folder / "server.log"
    log = open(log_path, "wb")  # a file, not a pipe: a pipe nobody reads would block the server
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "MOTO_AMIS_PATH": str(_image_catalogue(folder))}
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                               preexec_fn=_die_with_parent)
    log.close()
    server = MotoServer(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    while not _ready(server.endpoint):
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"moto server did not answer within {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)
    return server
