"""`spec.kopsgen.preventEtcdVolumeDestroy`: Terraform refuses to destroy or replace an etcd volume, only when asked.

Measured with the real terraform on moto: one etcd volume of a rendered cluster is applied (`-target`, the rest of
the cluster is not needed for the volume, and a full apply takes minutes); then
- with the setting on, `terraform plan -destroy` fails with Terraform's prevent_destroy error, and so does a
  plan that replaces the volume (its encryption flipped);
- rendered again with the setting off (the documented way to delete such a cluster), the same destroy plans
  and runs, and nothing is left.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.ir.storage import EbsVolume
from tests.support import hcl, specs, terraform, tfmoto
from tests.support.specs import CLUSTER
from tests.support.sessions import session

pytestmark = [pytest.mark.moto,
              pytest.mark.skipif(not terraform.terraform_available(), reason="terraform is not on PATH")]

VOLUME = f"aws_ebs_volume.a-etcd-main-{CLUSTER.replace('.', '-')}"
REFUSED = "Instance cannot be destroyed"   # Terraform's own error for a prevent_destroy resource


def _spec(tmp_path: Path, protect: bool | None, encrypted: bool = True):
    def edit(cluster, groups):
        for etcd in cluster["etcdClusters"]:
            for member in etcd["etcdMembers"]:
                member["encryptedVolume"] = encrypted
        if protect is not None:
            cluster["kopsgen"] = {"preventEtcdVolumeDestroy": protect}
        for group in groups:   # an image moto's catalogue holds (the plan looks images up)
            group["spec"]["image"] = "ami-12345678"

    folder = tmp_path / f"spec-{protect}-{encrypted}"
    folder.mkdir(exist_ok=True)
    return specs.load(folder, edit)


def _render_into(workdir: Path, spec) -> dict:
    files = pipeline.render(session(spec), "terraform")
    for name, data in files.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_bytes(data)
    return hcl.resources(hcl.parse(files["kubernetes.tf"].decode()))


@pytest.mark.parametrize("protect,expected", [(None, False), (False, False), (True, True)])
def test_the_setting_reaches_every_etcd_volume_and_nothing_else(tmp_path, protect, expected):
    spec = _spec(tmp_path, protect)
    volumes = pipeline.build_graph(session(spec)).of_kind(EbsVolume)
    assert volumes and all(v.prevent_destroy is expected for v in volumes)
    resources = _render_into(tmp_path, spec)
    protected = sorted(a for a, body in resources.items()
                       if any(b.get("prevent_destroy") for b in tfmoto.blocks(body.get("lifecycle"))))
    assert protected == (sorted(a for a in resources if a.startswith("aws_ebs_volume.")) if expected else [])


@pytest.mark.slow   # an EBS apply on moto: minutes on a busy machine
def test_prevent_destroy_blocks_destroy_and_replacement_until_turned_off(tmp_path, moto):
    workdir = tmp_path / "tf"
    workdir.mkdir()
    _render_into(workdir, _spec(tmp_path, True))
    tfmoto.prepare(workdir, moto)
    terraform.init(workdir)
    terraform.validate(workdir)
    terraform.run(workdir, "apply", "-auto-approve", "-input=false", "-no-color", f"-target={VOLUME}")
    try:
        assert tfmoto.state_addresses(workdir) == [VOLUME]

        destroy = terraform.run(workdir, "plan", "-destroy", "-input=false", "-no-color", f"-target={VOLUME}",
                                check=False)
        assert destroy.returncode == 1 and REFUSED in destroy.stderr, destroy.stdout + destroy.stderr

        # a spec change that forces replacement is refused the same way
        _render_into(workdir, _spec(tmp_path, True, encrypted=False))
        replace = terraform.run(workdir, "plan", "-input=false", "-no-color", f"-target={VOLUME}", check=False)
        assert replace.returncode == 1 and REFUSED in replace.stderr, replace.stdout + replace.stderr

        # how to delete such a cluster: turn it off, render again, destroy
        _render_into(workdir, _spec(tmp_path, False))
        allowed = terraform.run(workdir, "plan", "-destroy", "-input=false", "-no-color", f"-target={VOLUME}",
                                check=False)
        assert allowed.returncode == 0 and "1 to destroy" in allowed.stdout, allowed.stdout + allowed.stderr
    finally:
        _render_into(workdir, _spec(tmp_path, False))
        terraform.run(workdir, "destroy", "-auto-approve", "-input=false", "-no-color", f"-target={VOLUME}",
                      check=False)
    assert tfmoto.state_addresses(workdir) == []
    assert moto.client("ec2").describe_volumes()["Volumes"] == []
