"""Every reference case renders to Terraform that the real `terraform validate` accepts with no error and no
warning, in both formats, and whose HCL is `terraform fmt`-clean.

`terraform init` installs the provider by symlink from the machine's mirror (tests/support/terraform.py). The
rendered configurations all require the same provider, so it is initialised once per session and each case
folder gets the lock file and a link to the installed providers: init costs ~1-2 s a case, validate ~3 s (it
loads the provider's schema). A case whose configuration needs something else gets its own `terraform init`.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.output import write_output
from tests.support import spec_edit, terraform
from tests.support.paths import REFERENCE, case_input
from tests.support.sessions import session

pytestmark = pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH")

LOCK_FILE = ".terraform.lock.hcl"
MAIN_FILE = {"hcl": "kubernetes.tf", "json": "kubernetes.tf.json"}


@pytest.fixture(scope="session")
def initialised(tmp_path_factory) -> Path:
    """A folder where `terraform init` has installed the provider our output requires."""
    folder = tmp_path_factory.mktemp("tf-init")
    spec = pipeline.load_spec([case_input("minimal-dns-none")])
    write_output(folder, pipeline.render(session(spec), "terraform"))
    start = time.monotonic()
    terraform.init(folder)
    print(f"terraform init: {time.monotonic() - start:.1f} s")
    return folder


def _share_init(initialised: Path, workdir: Path) -> None:
    shutil.copyfile(initialised / LOCK_FILE, workdir / LOCK_FILE)
    (workdir / ".terraform").mkdir(exist_ok=True)
    (workdir / ".terraform" / "providers").symlink_to(initialised / ".terraform" / "providers")


def validate(workdir: Path, initialised: Path) -> dict:
    """`terraform validate -json` of the folder, after a shared (or, if that is not enough, its own) init."""
    _share_init(initialised, workdir)
    proc = terraform.run(workdir, "validate", "-json", "-no-color", check=False)
    result = json.loads(proc.stdout)
    if not result["valid"] and any("terraform init" in (d.get("detail") or "") for d in result["diagnostics"]):
        shutil.rmtree(workdir / ".terraform")
        terraform.init(workdir)
        result = json.loads(terraform.run(workdir, "validate", "-json", "-no-color", check=False).stdout)
    return result


def _problems(result: dict) -> str:
    return "\n".join(f"{d['severity']}: {d['summary']}: {d.get('detail', '')} "
                     f"({d.get('range', {}).get('filename')}:{d.get('range', {}).get('start', {}).get('line')})"
                     for d in result["diagnostics"])


def _render(case: str, fmt: str, out: Path) -> dict[str, bytes]:
    files = pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform", fmt)
    write_output(out, files)
    return files


@pytest.mark.parametrize("fmt", ["hcl", "json"])
def test_output_validates(case: str, fmt: str, tmp_path: Path, initialised: Path):
    files = _render(case, fmt, tmp_path)
    assert MAIN_FILE[fmt] in files and not (set(MAIN_FILE.values()) - {MAIN_FILE[fmt]}) & set(files)
    result = validate(tmp_path, initialised)
    assert result["valid"] and result["warning_count"] == 0, _problems(result)


def test_hcl_is_fmt_clean(case: str, tmp_path: Path):
    _render(case, "hcl", tmp_path)
    result = terraform.fmt_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_private_zone_association_validates(tmp_path: Path, initialised: Path):
    """Private DNS on a VPC kopsgen creates adds kops's zone association, addressed as kops addresses it."""
    def private(docs):
        docs[0]["spec"].setdefault("topology", {})["dns"] = {"type": "Private"}

    spec = spec_edit.edited_spec("privatecalico", tmp_path / "spec", private)
    files = pipeline.render(session(spec), "terraform", "hcl")
    write_output(tmp_path / "out", files)
    assert ('resource "aws_route53_zone_association" "example-com" {\n'
            "  vpc_id  = aws_vpc.privatecalico-example-com.id\n"
            "  zone_id = data.aws_route53_zone.example-com.zone_id\n}") in files["kubernetes.tf"].decode()
    result = validate(tmp_path / "out", initialised)
    assert result["valid"] and result["warning_count"] == 0, _problems(result)


def test_harness_accepts_kops_own_output(tmp_path: Path, initialised: Path):
    """The harness itself: kops's own output for a case validates here too (no error, no warning)."""
    shutil.copytree(REFERENCE / "minimal-dns-none", tmp_path / "kops")
    result = validate(tmp_path / "kops", initialised)
    assert result["valid"] and result["warning_count"] == 0, _problems(result)


def test_harness_reports_an_invalid_configuration(tmp_path: Path, initialised: Path):
    """The check can fail: a reference to a resource that does not exist is an error."""
    _render("minimal-dns-none", "hcl", tmp_path)
    (tmp_path / "broken.tf").write_text('output "x" {\n  value = aws_vpc.no-such-vpc.id\n}\n')
    result = validate(tmp_path, initialised)
    assert not result["valid"] and "no-such-vpc" in _problems(result)
