"""Boot rehearsal (issue 15, point 7): after a moto `terraform apply` of a cluster whose configBase is in
moto's S3, every launch template's user data is read back from EC2 and run for real, as root, in a sandbox
(tests/support/bootrehearsal.py), its nodeup download pointed at a local mirror through kops's
`spec.assets.fileRepository`. The nodeup it gets is a stand-in (tests/support/nodeup_stand_in.py) that does
nodeup's first steps against moto's S3: boot config, nodeup config and its hash, every state-store file the
config names, CA certificates against the keysets. Each way a real boot fails is rehearsed too, and must fail.

Default run: a public single-control-plane cluster (kops's `minimal-dns-none`) with every negative case, and
an HA private cluster with a bastion; `make test-slow`: every reference case moto can apply.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.bootstrap import filerepository, pki, releases
from kopsgen.errors import RenderError
from kopsgen.output import write_output
from kopsgen.state import open_store
from tests.support import bootrehearsal as br
from tests.support import terraform, tfmoto
from tests.support.moto import MotoServer
from tests.support.moto_server import aws_environment
from tests.support.paths import case_input, reference_cases
from tests.render.terraform.test_moto import MOTO_LIMITS
from tests.support.sessions import session

DATA = Path(__file__).parents[1] / "data"
REPOSITORY_PATH = "kops-mirror"   # the file repository is <mirror>/kops-mirror, a prefix as real mirrors have
UNAVAILABLE = br.unavailable()
needs_sandbox = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")
needs_terraform = pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")

# Cases moto cannot apply at all: tests/render/terraform/test_moto.py keeps the list and says why.
MOTO_CANNOT_APPLY = set(MOTO_LIMITS)


def unpinned_release() -> str:
    """A kops release whose nodeup hash kopsgen does not pin, so that the boot script reads the `.sha256` the
    mirror publishes and runs the stand-in (a pinned hash is kops's real binary's, which no stand-in matches):
    the default release when it is one, as a new cluster boots with it."""
    found = [v for v, release in releases.RELEASES.items() if not release.nodeup_sha256.get("amd64")]
    assert found, "every release in kopsgen/spec/releases.py has a pinned hash: the rehearsal needs one without"
    if releases.DEFAULT_KOPS_VERSION in found:
        return releases.DEFAULT_KOPS_VERSION
    return max(found, key=lambda v: tuple(int(n) for n in re.findall(r"\d+", v)[:3]))


def pinned_release() -> str:
    return next(v for v, release in releases.RELEASES.items() if release.nodeup_sha256.get("amd64"))


@pytest.fixture
def mirror(tmp_path: Path):
    server = br.FileMirror(tmp_path / "mirror")
    yield server
    server.stop()


def _with_mirror(mirror: br.FileMirror, kops_version: str, config_base: str | None = None):
    def edit(docs: list[dict]) -> None:
        spec = next(d for d in docs if d["kind"] == "Cluster")["spec"]
        spec.setdefault("assets", {})["fileRepository"] = f"{mirror.url}/{REPOSITORY_PATH}"
        spec["kopsgen"] = {**(spec.get("kopsgen") or {}), "kopsVersion": kops_version}
        if config_base:
            spec["configBase"] = config_base
    return edit


# --- applying a cluster and rehearsing its boot ---------------------------------------------------------------------

class Applied:
    """A cluster rendered with its configBase and CA keysets in moto's S3 and its nodeup downloads on `mirror`,
    applied with terraform; `user_data` is every launch template's, as EC2 returns it."""

    def __init__(self, source: Path, moto: MotoServer, mirror: br.FileMirror, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch, kops_version: str):
        aws_environment(moto, monkeypatch)   # the S3 state store below makes its own boto3 clients
        moto.client("s3").create_bucket(Bucket=tfmoto.STATE_BUCKET)
        original = [d for d in yaml.safe_load_all(source.read_text()) if d]
        ids = tfmoto.provision_existing(moto, [tfmoto.realistic_document(d) for d in original])
        spec_path = tfmoto.realistic_spec(source, tmp_path / "spec.yaml", ids=ids,
                                          edit=_with_mirror(mirror, kops_version))
        spec = pipeline.load_spec([spec_path])
        # keysets in the same bucket as the configBase (s3://BUCKET/<cluster>/pki/...), where nodes read them
        rendering = session(spec, open_store(f"s3://{tfmoto.STATE_BUCKET}"))
        self.out = tmp_path / "out"
        write_output(self.out, pipeline.render(rendering, "terraform", "hcl"))
        tfmoto.prepare(self.out, moto)
        terraform.init(self.out)
        tfmoto.apply(self.out)
        self.moto, self.mirror = moto, mirror
        self.name = spec.cluster.name
        self.config_base = f"s3://{tfmoto.STATE_BUCKET}/{self.name}"
        self.file_repository = f"{mirror.url}/{REPOSITORY_PATH}"
        self.user_data = br.user_data_of_launch_templates(moto)
        self.runs = 0
        self.root = tmp_path / "boots"

    def env(self, **overrides: str) -> dict[str, str]:
        return br.environment(self.moto, self.config_base, self.file_repository, **overrides)

    def rehearse(self, user_data: bytes, **env: str) -> br.Rehearsal:
        self.runs += 1
        return br.rehearse(user_data, self.root / f"{self.runs:02d}", self.env(**env))

    def template(self, role: str) -> tuple[str, bytes]:
        """The first launch template (by name) whose boot config has InstanceGroupRole `role`."""
        for name, data in sorted(self.user_data.items()):
            script = br.nodeup_script(data)
            if script and br.boot_config_value(script, "InstanceGroupRole") == role:
                return name, data
        raise AssertionError(f"no launch template of role {role} in {sorted(self.user_data)}")

    def s3_key(self, relative: str) -> str:
        return f"{self.name}/{relative}"


def stage_stand_in(mirror: br.FileMirror, user_data: dict[str, bytes]) -> str:
    """Serve the stand-in at the nodeup URL of every user data (one per release and architecture)."""
    urls = {br.nodeup_url(script) for script in map(br.nodeup_script, user_data.values()) if script}
    assert urls, "no launch template runs nodeup"
    for url in sorted(urls):
        sha = br.stage_nodeup(mirror, url, br.stand_in_program())
    return sha


def rehearse_every_template(applied: Applied) -> dict[str, br.Rehearsal]:
    """Every launch template boots to the end of the stand-in, from the mirror, writing nothing outside its root."""
    stage_stand_in(applied.mirror, applied.user_data)
    before = br.snapshot()
    results = {}
    for name, data in sorted(applied.user_data.items()):
        script = br.nodeup_script(data)
        if script is None:
            assert b"NODEUP" not in data, name
            continue
        assert br.nodeup_url(script).startswith(applied.file_repository + "/binaries/kops/"), \
            f"{name}: nodeup is not downloaded from the file repository"
        result = applied.rehearse(data)
        results[name] = result
        assert result.returncode == 0, f"{name} did not boot:\n{result}"
        assert f"nodeup stand-in: OK {br.boot_config_value(script, 'InstanceGroupName')} " in result.output, str(result)
        # what the boot script wrote is in the sandbox's root: the boot config it wrote is the user data's
        kube_env = result.written("/opt/kops/conf/kube_env.yaml").read_text()
        assert f"NodeupConfigHash: {br.boot_config_value(script, 'NodeupConfigHash')}" in kube_env
        assert result.written("/opt/kops/bin/nodeup").read_bytes() == br.stand_in_program()
        assert result.written("/var/cache/kopsgen-rehearsal").is_dir()
    assert results, "no launch template was rehearsed"
    assert br.snapshot() == before, "a rehearsal changed this machine outside its temporary root"
    asked = set(applied.mirror.requests)
    assert any(p.endswith("/linux/amd64/nodeup.xz") for p in asked) and \
        any(p.endswith("/linux/amd64/nodeup.sha256") for p in asked), asked
    return results


def assert_refused(result: br.Rehearsal, why: str, *, by_stand_in: bool = True) -> None:
    assert result.returncode != 0, f"the rehearsal should have failed ({why}):\n{result}"
    assert why in result.output, f"expected {why!r} in the output:\n{result}"
    if by_stand_in:
        assert "nodeup stand-in: FAILED: " in result.output, str(result)


# --- default run ----------------------------------------------------------------------------------------------------

@needs_sandbox
@needs_terraform
@pytest.mark.moto
def test_public_cluster_boots_and_every_broken_boot_fails(moto: MotoServer, mirror: br.FileMirror, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """kops's `minimal-dns-none` (public, one control plane, one node group): every launch template boots; then,
    on the same apply, each way a boot fails is rehearsed and must fail with its own message."""
    before = br.snapshot()
    applied = Applied(case_input("minimal-dns-none"), moto, mirror, tmp_path, monkeypatch, unpinned_release())
    rehearse_every_template(applied)
    _, control_plane = applied.template("ControlPlane")
    node_template, node = applied.template("Node")
    s3 = moto.client("s3")
    bucket = tfmoto.STATE_BUCKET
    script = br.nodeup_script(control_plane)
    group = br.boot_config_value(script, "InstanceGroupName")

    # a binary whose hash is not the published one: the boot script's own check refuses to run it
    url = br.nodeup_url(script)
    good = br.stage_nodeup(mirror, url, br.stand_in_program())
    br.stage_nodeup(mirror, url, br.stand_in_program() + b"\n# tampered\n", published_sha256=good)
    result = applied.rehearse(control_plane)
    assert_refused(result, "Failed to validate decompressed hash", by_stand_in=False)
    assert br.STOPPED_MARKER in result.output and not result.ran_stand_in, str(result)
    br.stage_nodeup(mirror, url, br.stand_in_program())

    # a boot config whose NodeupConfigHash is not the nodeup config's
    wrong_hash = br.edit_boot_config(control_plane, "NodeupConfigHash", "x" * 43 + "=")
    assert_refused(applied.rehearse(wrong_hash), "NodeupConfigHash mismatch")

    # a wrong bucket, a wrong key (another cluster's folder), a region whose partition cannot see the bucket
    assert_refused(applied.rehearse(br.edit_boot_config(control_plane, "ConfigBase",
                                                        f"s3://kopsgen-no-such-bucket/{applied.name}")),
                   "cannot locate the state-store bucket 'kopsgen-no-such-bucket'")
    assert_refused(applied.rehearse(br.edit_boot_config(control_plane, "ConfigBase", f"s3://{bucket}/other.example.com")),
                   f"cannot read s3://{bucket}/other.example.com/igconfig/control-plane/{group}/nodeupconfig.yaml")
    # (the region nodeup works in is the one the user data exports: the cluster's)
    assert_refused(applied.rehearse(br.edit_export(control_plane, "AWS_REGION", "cn-north-1")),
                   "a node in cn-north-1 (partition aws-cn) cannot read it")
    assert_refused(applied.rehearse(node, KOPSGEN_REHEARSAL_CONFIG_BASE=f"s3://{bucket}/other.example.com"),
                   "cannot read s3://")

    # state files changed or missing in S3 after the apply (each put back afterwards)
    def with_object(relative: str, content: bytes | None, why: str, user_data: bytes) -> None:
        key = applied.s3_key(relative)
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if content is None:
            s3.delete_object(Bucket=bucket, Key=key)
        else:
            s3.put_object(Bucket=bucket, Key=key, Body=content)
        try:
            assert_refused(applied.rehearse(user_data), why)
        finally:
            s3.put_object(Bucket=bucket, Key=key, Body=original)

    nodeup_config = f"igconfig/control-plane/{group}/nodeupconfig.yaml"
    config = s3.get_object(Bucket=bucket, Key=applied.s3_key(nodeup_config))["Body"].read()
    with_object(nodeup_config, config + b"# changed\n", "NodeupConfigHash mismatch", control_plane)
    with_object(nodeup_config, None, f"cannot read s3://{bucket}/{applied.s3_key(nodeup_config)}", control_plane)
    etcd_manifest = f"manifests/etcd/main-{group}.yaml"
    with_object(etcd_manifest, None, f"cannot read s3://{bucket}/{applied.s3_key(etcd_manifest)}", control_plane)
    # another CA's keyset (the aggregator's, which every cluster has) where kubernetes-ca's should be
    other_ca = s3.get_object(Bucket=bucket, Key=applied.s3_key(f"pki/private/{pki.AGGREGATOR_CA}/keyset.yaml"))[
        "Body"].read()
    keyset = "pki/private/kubernetes-ca/keyset.yaml"
    with_object(keyset, None, f"cannot read s3://{bucket}/{applied.s3_key(keyset)}", control_plane)
    with_object(keyset, other_ca, "CA kubernetes-ca: the nodeup config's certificates are not those of keyset", control_plane)
    with_object(keyset, other_ca, "ConfigServer.CACertificates in the boot config are not the kubernetes-ca keyset's",
                node)
    node_group = br.boot_config_value(br.nodeup_script(node), "InstanceGroupName")
    with_object(f"igconfig/node/{node_group}/nodeupconfig.yaml", None, "nodeupconfig.yaml", node)

    # after all that, the real boot still works, and this machine was never touched
    assert applied.rehearse(control_plane).returncode == 0
    assert br.snapshot() == before, "a rehearsal changed this machine outside its temporary root"
    print(f"public: {applied.runs} rehearsals ({node_template} and the control plane)")


@needs_sandbox
@needs_terraform
@pytest.mark.moto
def test_private_cluster_boots(moto: MotoServer, mirror: br.FileMirror, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch):
    """The HA private cluster with a bastion (three control-plane groups, a node group): every launch template
    with a boot script boots to the end of the stand-in; the bastion has no user data, as in kops."""
    applied = Applied(DATA / "ha-private-bastion.yaml", moto, mirror, tmp_path, monkeypatch, unpinned_release())
    results = rehearse_every_template(applied)
    roles = sorted(br.boot_config_value(br.nodeup_script(applied.user_data[n]), "InstanceGroupRole") for n in results)
    assert roles == ["ControlPlane"] * 3 + ["Node"], roles
    assert any(not data for data in applied.user_data.values()), "the bastion's launch template has no user data"


# --- no apply needed ------------------------------------------------------------------------------------------------

def _render_user_data(source: Path, tmp_path: Path, edit) -> dict[str, bytes]:
    spec_path = tfmoto.realistic_spec(source, tmp_path / "spec.yaml", edit=edit)
    files = pipeline.render(session(pipeline.load_spec([spec_path])), "terraform", "hcl")
    return {name: data for name, data in files.items() if name.endswith("_user_data")}


@needs_sandbox
def test_a_file_config_base_fails_the_boot(mirror: br.FileMirror, tmp_path: Path):
    """A file:// configBase names a folder of the machine that rendered it: the boot gets as far as nodeup,
    which cannot read it."""
    user_data = _render_user_data(case_input("minimal-dns-none"), tmp_path,
                                  _with_mirror(mirror, unpinned_release(), "file:///srv/kops-state/minimal.example.com"))
    stage_stand_in(mirror, user_data)
    [control_plane] = [d for n, d in user_data.items() if ".masters." in n]
    env = {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "KOPSGEN_REHEARSAL_CONFIG_BASE": "file:///srv/kops-state"}
    before = br.snapshot()
    result = br.rehearse(control_plane, tmp_path / "boot", env)
    assert_refused(result, "config base 'file:///srv/kops-state/minimal.example.com' cannot be read by a node")
    assert br.snapshot() == before


@needs_sandbox
def test_a_pinned_hash_refuses_any_other_binary(mirror: br.FileMirror, tmp_path: Path):
    """With a release whose nodeup hash kopsgen pins, the published `.sha256` is not even read: the stand-in
    (whose hash is its own) is refused by the user data's pinned hash, and never runs."""
    version = pinned_release()
    user_data = _render_user_data(case_input("minimal-dns-none"), tmp_path, _with_mirror(mirror, version))
    stage_stand_in(mirror, user_data)
    [control_plane] = [d for n, d in user_data.items() if ".masters." in n]
    assert f"NODEUP_HASH_AMD64={releases.RELEASES[version].nodeup_sha256['amd64']}" in control_plane.decode()
    result = br.rehearse(control_plane, tmp_path / "boot", {"AWS_REGION": "us-east-1"})
    assert_refused(result, f"doesn't match expected {releases.RELEASES[version].nodeup_sha256['amd64']}", by_stand_in=False)
    assert br.STOPPED_MARKER in result.output and not result.ran_stand_in, str(result)
    assert not any(p.endswith(".sha256") for p in mirror.requests), mirror.requests


@needs_sandbox
def test_the_sandbox_keeps_writes_in_its_root(tmp_path: Path):
    """The sandbox itself: a script writing where the boot script and nodeup write, and setting kernel
    parameters, changes nothing on this machine; its files are in the rehearsal's root."""
    script = b"""#!/bin/bash
set -o errexit
mkdir -p /opt/kops/bin /etc/kubernetes /var/cache/kubernetes-install
echo written > /opt/kops/bin/marker
echo written > /etc/kubernetes/marker
echo written >> /etc/environment
echo 1 > /root/output.txt
if sysctl -w net.core.rmem_max=4242; then echo "sysctl changed the host"; exit 1; fi
echo done
"""
    before = br.snapshot()
    result = br.rehearse(script, tmp_path / "boot", {})
    assert result.returncode == 0, str(result)
    assert result.written("/opt/kops/bin/marker").read_text() == "written\n"
    assert result.written("/etc/kubernetes/marker").exists() and result.written("/root/output.txt").exists()
    assert br.snapshot() == before


def test_file_repository_layout_is_kops():
    """kops's layout under a file repository: the repository URL plus the canonical URL's path, one location."""
    repo = "https://mirror.example.com/files/"
    assert filerepository.remap("https://artifacts.k8s.io/binaries/kops/1.35.1/linux/amd64/nodeup", repo) == \
        "https://mirror.example.com/files/binaries/kops/1.35.1/linux/amd64/nodeup"
    assert filerepository.remap("https://dl.k8s.io/release/v1.32.0/bin/linux/arm64/kubelet", "http://10.0.0.1:8080") == \
        "http://10.0.0.1:8080/release/v1.32.0/bin/linux/arm64/kubelet"
    remapped = filerepository.release(releases.release("1.35.1"), repo)
    assert [b.urls for b in remapped.binaries] == [
        (f"https://mirror.example.com/files/binaries/kops/1.35.1/linux/{arch}/nodeup",) for arch in ("amd64", "arm64")]
    assert filerepository.release(releases.release("1.35.1"), None) == releases.release("1.35.1")
    for bad in ("s3://bucket/files", "https://mirror.example.com/a b", "https://x.example.com/$(reboot)"):
        with pytest.raises(RenderError, match="spec.assets.fileRepository"):
            filerepository.of(bad)


# --- slow run -------------------------------------------------------------------------------------------------------

@needs_sandbox
@needs_terraform
@pytest.mark.moto
@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in reference_cases() if c not in MOTO_CANNOT_APPLY])
def test_every_reference_case_boots(case: str, moto: MotoServer, mirror: br.FileMirror, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch):
    applied = Applied(case_input(case), moto, mirror, tmp_path, monkeypatch, unpinned_release())
    rehearse_every_template(applied)


def test_an_s3_file_repository_is_refused_with_its_line(tmp_path: Path):
    """kops 1.37 reads an s3:// repository with the instance's credentials; kopsgen's boot script cannot, so the
    spec is refused (exit 2, file:line:col and field) rather than rendering nodes that never get nodeup."""
    import subprocess
    import sys

    docs = [d for d in yaml.safe_load_all(case_input("minimal-dns-none").read_text()) if d]
    docs[0]["spec"]["assets"] = {"fileRepository": "s3://my-mirror/files"}
    spec = tmp_path / "cluster.yaml"
    spec.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    proc = subprocess.run([sys.executable, "-m", "kopsgen", "render", "-f", str(spec), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert f"{spec}:" in proc.stderr and "spec.assets.fileRepository: must be an http:// or https:// URL" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()
