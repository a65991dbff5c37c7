"""`--backend s3://BUCKET/KEY`: backend.tf beside kubernetes.tf, checked by the real terraform (validate, and an
init and apply whose state lands in moto's S3 and is locked there), never inside the cluster's configBase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kopsgen.cli import cli
from kopsgen.errors import UsageError
from kopsgen.render.options import S3Backend
from kopsgen.render.terraform.backend import backend_files, parse_url, s3_backend
from tests.support import terraform as tf
from tests.support.paths import EXAMPLES

MINIMAL = EXAMPLES / "minimal.yaml"            # configBase: s3://my-kops-state-store/minimal.example.com
CONFIG_BASE = "s3://my-kops-state-store/minimal.example.com"
needs_terraform = pytest.mark.skipif(not tf.terraform_available(), reason="needs the terraform program")


def _render(tmp_path: Path, *flags: str, out: str = "out") -> tuple[int, str, Path]:
    args = ["render", "-f", str(MINIMAL), "-o", str(tmp_path / out), "--state", f"file://{tmp_path / 'state'}",
            *flags]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output, tmp_path / out


@pytest.mark.parametrize("url,error", [
    ("s3://tf-state/c/terraform.tfstate", None),
    ("s3://a.b-c/k", None),
    ("gs://tf-state/k", "give the state object as s3://BUCKET/KEY"),
    ("tf-state/k", "give the state object as s3://BUCKET/KEY"),
    ("s3://Tf_State/k", "is not an S3 bucket name"),
    ("s3://ab/k", "is not an S3 bucket name"),
    ("s3://-tf-state/k", "is not an S3 bucket name"),
    ("s3://tf..state/k", "is not an S3 bucket name"),
    ("s3://192.168.1.1/k", "is not an S3 bucket name"),
    ("s3://" + "a" * 64 + "/k", "is not an S3 bucket name"),
    ("s3://tf-state", "the key of the state object is missing"),
    ("s3://tf-state/", "the key of the state object is missing"),
    ("s3://tf-state/clusters/", "names a folder or has an empty part"),
    ("s3://tf-state//k", "names a folder or has an empty part"),
    ("s3://tf-state/a//k", "names a folder or has an empty part"),
])
def test_backend_url(url, error):
    if error is None:
        assert parse_url(url) == tuple(url.removeprefix("s3://").split("/", 1))
        return
    with pytest.raises(UsageError, match=error) as raised:
        parse_url(url)
    assert str(raised.value).startswith(f"--backend {url!r}")


@pytest.mark.parametrize("url,refused", [
    (f"{CONFIG_BASE}/terraform.tfstate", True),                    # inside the prefix nodes read
    (f"{CONFIG_BASE}/deep/down/terraform.tfstate", True),
    (CONFIG_BASE, True),                                           # the prefix itself as a key
    ("s3://my-kops-state-store/minimal.example.com-tfstate", False),   # shares only the start of the name
    ("s3://my-kops-state-store/terraform/minimal.tfstate", False),     # same bucket, beside the cluster
    ("s3://another-bucket/minimal.example.com/terraform.tfstate", False),
])
def test_backend_never_inside_the_config_base(url, refused):
    if not refused:
        assert s3_backend(url, "eu-west-1", None, CONFIG_BASE).key == url.split("/", 3)[3]
        return
    with pytest.raises(UsageError, match="is inside the cluster's configBase .* nodes read that prefix at boot"):
        s3_backend(url, "eu-west-1", None, CONFIG_BASE)


def test_a_config_base_at_a_bucket_root_keeps_the_whole_bucket():
    with pytest.raises(UsageError, match="inside the cluster's configBase"):
        s3_backend("s3://state/anything/terraform.tfstate", "eu-west-1", None, "s3://state")


@pytest.mark.parametrize("flags,message", [
    (["--target", "cloudformation", "--backend", "s3://tf-state/k"], "--backend goes with --target terraform"),
    (["--backend-region", "eu-west-2"], "go with --backend"),
    (["--backend-lock-table", "locks"], "go with --backend"),
    (["--backend", f"{CONFIG_BASE}/terraform.tfstate"], "--backend 's3://my-kops-state-store/minimal.example.com/"),
    (["--backend", "s3://tf-state/k", "--backend-lock-table", "x"], "--backend-lock-table 'x'"),
])
def test_render_refuses_bad_backend_flags_with_exit_2_and_writes_nothing(tmp_path, flags, message):
    code, output, out = _render(tmp_path, *flags)
    assert code == 2 and message in output and "Traceback" not in output
    assert not out.exists()


def test_backend_region_defaults_to_the_cluster_and_lock_file_needs_terraform_1_10(tmp_path):
    code, output, out = _render(tmp_path, "--backend", "s3://tf-state/minimal/terraform.tfstate")
    assert code == 0, output
    text = (out / "backend.tf").read_text()
    assert 'backend "s3" {' in text and 'region       = "eu-west-1"' in text
    assert "use_lockfile = true" in text and 'required_version = ">= 1.10.0"' in text
    assert "dynamodb_table" not in text
    code, output, out = _render(tmp_path, "--backend", "s3://tf-state/minimal/terraform.tfstate", "--format", "json",
                                "--backend-region", "us-east-2", "--backend-lock-table", "tf-locks", out="json")
    doc = json.loads((out / "backend.tf.json").read_text())
    assert doc["terraform"] == {"backend": {"s3": {
        "bucket": "tf-state", "key": "minimal/terraform.tfstate", "region": "us-east-2", "encrypt": True,
        "dynamodb_table": "tf-locks"}}}
    assert doc["//"][0].startswith("Written by kopsgen ")


def test_without_backend_there_is_no_backend_file(tmp_path):
    code, _, out = _render(tmp_path)
    assert code == 0 and not (out / "backend.tf").exists() and (out / "kubernetes.tf").exists()


@needs_terraform
@pytest.mark.parametrize("flags", [
    ["--backend", "s3://tf-state/minimal/terraform.tfstate"],
    pytest.param(["--backend", "s3://tf-state/minimal/terraform.tfstate", "--format", "json",
                  "--backend-lock-table", "locks"], marks=pytest.mark.slow),    # 30 s of validate each
], ids=["hcl-lockfile", "json-dynamodb"])
def test_terraform_validates_the_output_with_its_backend(tmp_path, flags):
    code, output, out = _render(tmp_path, *flags)
    assert code == 0, output
    tf.init(out)                        # -backend=false: validate needs no bucket
    assert tf.validate(out).returncode == 0
    if "json" not in flags:
        assert tf.fmt_check(out).returncode == 0


MOTO_BACKEND = """endpoints = {{ s3 = "{url}", dynamodb = "{url}" }}
use_path_style              = true
access_key                  = "test"
secret_key                  = "test"
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_region_validation      = true
"""


@needs_terraform
@pytest.mark.moto
@pytest.mark.parametrize("lock_table", [None, "tf-locks"], ids=["s3-lockfile", "dynamodb"])
def test_terraform_keeps_its_state_in_the_backend_bucket(tmp_path, moto, lock_table):
    """backend_files as written, a tiny configuration beside it, and moto's endpoints given at init (as a
    team would give credentials): apply writes the state object into the bucket and releases its lock."""
    s3 = moto.client("s3", "us-east-1")
    s3.create_bucket(Bucket="tf-state")
    if lock_table:
        moto.client("dynamodb", "us-east-1").create_table(
            TableName=lock_table, KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    backend = S3Backend("tf-state", "clusters/c.example.com/terraform.tfstate", "us-east-1", lock_table)
    for name, data in backend_files(backend).items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "main.tf").write_text('resource "terraform_data" "marker" {\n  input = "kopsgen"\n}\n')
    (tmp_path / "moto.s3.tfbackend").write_text(MOTO_BACKEND.format(url=moto.endpoint))
    tf.run(tmp_path, "init", "-input=false", "-no-color", "-backend-config=moto.s3.tfbackend", timeout=120)
    tf.run(tmp_path, "apply", "-auto-approve", "-input=false", "-no-color", timeout=120)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="tf-state").get("Contents", [])]
    assert keys == ["clusters/c.example.com/terraform.tfstate"]     # the lock file is gone again
    state = json.loads(s3.get_object(Bucket="tf-state", Key=keys[0])["Body"].read())
    assert [r["type"] for r in state["resources"]] == ["terraform_data"]
    assert not (tmp_path / "terraform.tfstate").exists()
