"""The boot rehearsal: run a launch template's user data for real, in a sandbox, against a local mirror
and moto's S3, up to nodeup's first steps (issue 15, point 7).

- `FileMirror`: an HTTP server on 127.0.0.1 and a free port serving a folder: the cluster's
  `spec.assets.fileRepository`. `stage_nodeup` puts a program there as nodeup (`<url>.xz`, compressed,
  as the boot script fetches it, and `<url>.sha256`), at the URL the user data names.
- `stand_in_program`: tests/support/nodeup_stand_in.py with a `#!` line naming this interpreter.
- `user_data_of_launch_templates`: every launch template's user data, read back from EC2 (moto).
- `rehearse`: run a user data's shell parts as root in a sandbox and report exit code and output.

The sandbox. What the boot script touches (read from nodeup-bootstrap.sh): `/opt/kops/{bin,conf}`
(or `/var/lib/toolbox/kops` on ContainerOS), `/etc/machine-id` (`systemd-machine-id-setup`), the
kernel's `net.core`/`net.ipv4` settings (`sysctl -w`), and with an egress proxy `/etc/environment`,
`/etc/apt`, `/etc/yum.conf`, `/etc/systemd/system.conf` and systemd itself; nodeup would go on to
write `/etc/kubernetes`, `/var/cache/kubernetes-install` and more; additional user data of kops's
cases writes `/root/output.txt`. The rehearsal runs in a mount namespace of its own (`unshare --mount`)
in which `/etc`, `/opt`, `/root` and `/var` are overlays whose writes land in the rehearsal's
temporary root (`<root>/upper/...`, where the test reads them), and `/proc/sys` is read-only, so
the `sysctl -w` lines fail (the script tolerates that) instead of changing this machine. `WATCHED` is
what the tests compare before and after to prove it. The boot script retries a failed download
forever (`sleep 60`): a `sleep` placed first on its PATH reports that and stops the rehearsal.
"""

from __future__ import annotations

import email
import hashlib
import http.server
import lzma
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.moto import MotoServer
from tests.support.moto_server import aws_env

STAND_IN_SOURCE = Path(__file__).with_name("nodeup_stand_in.py")
OVERLAID = ("/etc", "/opt", "/root", "/var")
# Real paths the boot script (or nodeup, or the stand-in) would write: unchanged by a rehearsal.
WATCHED = ("/opt/kops", "/var/lib/toolbox", "/etc/kubernetes", "/var/cache/kubernetes-install",
           "/var/cache/kopsgen-rehearsal", "/etc/machine-id", "/etc/environment", "/etc/systemd/system.conf",
           "/root/output.txt", "/proc/sys/net/core/rmem_max", "/proc/sys/net/core/wmem_max",
           "/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem")
STOPPED_MARKER = "== rehearsal: stopped instead of sleeping"

_WRAPPER = """#!/bin/bash
# Inside `unshare --mount`: overlay the folders the boot script writes, make kernel settings read-only, run.
set -o errexit -o nounset -o pipefail
root="$1"; shift
mount --make-rprivate /
for dir in {overlaid}; do
  mkdir -p "$root/upper$dir" "$root/work$dir"
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$root/upper$dir,workdir=$root/work$dir" "$dir"
done
mount -o bind,ro /proc/sys /proc/sys
cd /
status=0
for part in "$@"; do
  echo "== rehearsal: running $(basename "$part") =="
  bash "$part" || {{ status=$?; echo "== rehearsal: $(basename "$part") exited with $status =="; break; }}
done
exit $status
"""

_SLEEP = f"""#!/bin/bash
# The boot script sleeps and retries forever after a failed download: report that, stop the whole rehearsal.
echo "{STOPPED_MARKER} $* (the boot script would retry forever) ==" >&2
kill -TERM 0
exit 1
"""


# --- the mirror -----------------------------------------------------------------------------------------------------

class FileMirror:
    """A static HTTP server for a folder, on 127.0.0.1 and a free port; it records the paths asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.requests: list[str] = []
        mirror = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                mirror.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def path_of(self, url: str) -> Path:
        assert url.startswith(self.url + "/"), f"{url} is not on this mirror ({self.url})"
        return self.folder / urlsplit(url).path.lstrip("/")

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def stand_in_program() -> bytes:
    """The stand-in nodeup as an executable script for this interpreter (which has boto3 and PyYAML)."""
    return f"#!{sys.executable}\n".encode() + STAND_IN_SOURCE.read_bytes()


def stage_nodeup(mirror: FileMirror, url: str, program: bytes, published_sha256: str | None = None) -> str:
    """Serve `program` as the nodeup at `url` the way kops publishes it: `<url>.xz` and `<url>.sha256` (the hash
    of the uncompressed binary, or `published_sha256` to publish a wrong one). Returns the real hash."""
    sha = hashlib.sha256(program).hexdigest()
    path = mirror.path_of(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_name(path.name + ".xz").write_bytes(lzma.compress(program))
    path.with_name(path.name + ".sha256").write_text(f"{published_sha256 or sha}\n")
    return sha


# --- user data ------------------------------------------------------------------------------------------------------

def user_data_of_launch_templates(server: MotoServer) -> dict[str, bytes]:
    """{launch template name: its latest version's user data, base64-decoded} as EC2 (moto) holds them."""
    import base64

    ec2 = server.client("ec2")
    out = {}
    for template in ec2.describe_launch_templates()["LaunchTemplates"]:
        [version] = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"],
                                                          Versions=["$Latest"])["LaunchTemplateVersions"]
        out[template["LaunchTemplateName"]] = base64.b64decode(version["LaunchTemplateData"].get("UserData", ""))
    return out


def shell_parts(user_data: bytes) -> list[tuple[str, str]]:
    """(name, script) of each shell script the instance would run, in order: the user data itself, or each
    `text/x-shellscript` part of a MIME multipart archive (kops's additionalUserData)."""
    if not user_data:
        return []
    if not user_data.startswith(b"Content-Type: multipart/"):
        return [("user-data.sh", user_data.decode())]
    message = email.message_from_bytes(user_data)
    return [(part.get_filename() or f"part-{i}.sh", part.get_payload(decode=True).decode())
            for i, part in enumerate(message.walk()) if part.get_content_type() == "text/x-shellscript"]


def nodeup_script(user_data: bytes) -> str | None:
    """The nodeup boot script of a user data (None: it has none, as a bastion without additional user data)."""
    parts = dict(shell_parts(user_data))
    return parts.get("nodeup.sh") or (parts.get("user-data.sh") if "NODEUP_URL_AMD64=" in
                                       parts.get("user-data.sh", "") else None)


def nodeup_url(script: str, arch: str = "amd64") -> str:
    """The (single) nodeup URL the script downloads for `arch`: with a file repository there is no other."""
    m = re.search(rf"^NODEUP_URL_{arch.upper()}=(\S+)$", script, re.M)
    assert m, f"no NODEUP_URL_{arch.upper()} in the boot script"
    return m.group(1)


def boot_config_value(script: str, field: str) -> str:
    m = re.search(rf"^{field}: (.+)$", script, re.M)
    assert m, f"the boot config in the script has no {field}"
    return m.group(1).strip()


def edit_boot_config(user_data: bytes, field: str, value: str) -> bytes:
    """The user data with one top-level field of its (uncompressed) boot config replaced."""
    text = user_data.decode()
    edited, count = re.subn(rf"^{field}: .+$", f"{field}: {value}", text, flags=re.M)
    assert count == 1, f"{field} appears {count} times in the boot config"
    return edited.encode()


def edit_export(user_data: bytes, name: str, value: str) -> bytes:
    """The user data with the value of one of its `export NAME=value` lines replaced."""
    edited, count = re.subn(rf"^export {name}=.*$", f"export {name}={value}", user_data.decode(), flags=re.M)
    assert count == 1, f"export {name}= appears {count} times in the user data"
    return edited.encode()


# --- the sandbox ----------------------------------------------------------------------------------------------------

@dataclass
class Rehearsal:
    returncode: int
    output: str
    root: Path
    ran_stand_in: bool = field(init=False)

    def __post_init__(self) -> None:
        self.ran_stand_in = "nodeup stand-in: " in self.output

    def written(self, path: str) -> Path:
        """Where the sandbox put what the script wrote at `path` (e.g. /opt/kops/conf/kube_env.yaml)."""
        return self.root / "upper" / path.lstrip("/")

    def __str__(self) -> str:
        return f"exit {self.returncode}\n{self.output[-6000:]}"


def unavailable() -> str | None:
    """Why the sandbox cannot run here (None: it can): it needs root, `unshare`, overlayfs and a read-only
    bind mount, all tried for real."""
    if os.geteuid() != 0:
        return "the boot rehearsal runs the boot script as root in a mount namespace: run the tests as root"
    if not shutil.which("unshare"):
        return "the boot rehearsal needs unshare (util-linux)"
    for tool in ("curl", "xz", "sha256sum"):
        if not shutil.which(tool):
            return f"the boot script needs {tool}"
    probe = "d=$(mktemp -d) && mkdir $d/u $d/w && " \
            "mount -t overlay overlay -o lowerdir=/opt,upperdir=$d/u,workdir=$d/w /opt && " \
            "mount -o bind,ro /proc/sys /proc/sys; s=$?; rm -rf $d 2>/dev/null; exit $s"
    proc = subprocess.run(["unshare", "--mount", "--fork", "bash", "-c", probe], capture_output=True, text=True)
    if proc.returncode:
        return f"this machine refuses a mount namespace with overlayfs ({proc.stderr.strip()[-200:]})"
    return None


def snapshot() -> dict[str, object]:
    """The state of every WATCHED path: absent, a folder's listing, or a file's hash and modification time."""
    out: dict[str, object] = {}
    for name in WATCHED:
        path = Path(name)
        if not path.exists():
            out[name] = None
        elif path.is_dir():
            out[name] = sorted(str(p) for p in path.rglob("*"))
        else:
            data = path.read_bytes()
            out[name] = (hashlib.sha256(data).hexdigest(), path.stat().st_mtime_ns if name[:6] != "/proc/" else 0)
    return out


def rehearse(user_data: bytes, root: Path, env: dict[str, str], timeout: float = 120) -> Rehearsal:
    """Run the user data's shell parts as a booting instance would (as root, from /), in the sandbox under
    `root`, with `env` added to a minimal environment; stopped after `timeout` seconds."""
    root.mkdir(parents=True, exist_ok=True)
    parts = []
    for n, (name, script) in enumerate(shell_parts(user_data)):
        path = root / "parts" / f"{n:02d}-{Path(name).name}"
        path.parent.mkdir(exist_ok=True)
        path.write_text(script)
        parts.append(str(path))
    shims = root / "shims"
    shims.mkdir(exist_ok=True)
    (shims / "sleep").write_text(_SLEEP)
    (shims / "sleep").chmod(0o755)
    wrapper = root / "sandbox.sh"
    wrapper.write_text(_WRAPPER.format(overlaid=" ".join(OVERLAID)))
    full_env = {"PATH": f"{shims}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
                "LANG": "C.UTF-8", **env}
    log = root / "output.log"
    with open(log, "wb") as out:
        # a session of its own: the `sleep` shim's `kill 0` and a timeout stop this process group only
        process = subprocess.Popen(["unshare", "--mount", "--fork", "bash", str(wrapper), str(root / "fs"), *parts],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
            out.write(f"\n== rehearsal: killed after {timeout:.0f} s ==\n".encode())
    return Rehearsal(code, log.read_text(errors="replace"), root / "fs")


def environment(server: MotoServer, config_base: str, file_repository: str | None, **overrides: str) -> dict[str, str]:
    """What the stand-in finds in its environment: moto's endpoint and test credentials (a real node has its
    instance role instead), the config base kops-controller would read, the file repository to check."""
    env = {**aws_env(server), "KOPSGEN_REHEARSAL_CONFIG_BASE": config_base}
    if file_repository:
        env["KOPSGEN_REHEARSAL_FILE_REPOSITORY"] = file_repository
    env.update(overrides)
    return env
