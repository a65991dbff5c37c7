"""`render --target cloudformation --upload-files/--upload-templates` checks what it can before the first write
(credentials, the bucket, an S3 configBase), and a failure half way says what is in place and how to finish.

Every case runs the real CLI against moto's S3 and looks at both sides: the output folder and local state
store on disk, the bucket on the server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen.cli import cli
from kopsgen.errors import StateStoreError
from kopsgen.state.s3 import S3StateStore
from tests.support.moto_server import aws_environment
from tools.generate import EXAMPLES

BUCKET = "kopsgen-upload-failures"
CLUSTER = "minimal.example.com"


def _spec(tmp_path: Path, config_base: str) -> Path:
    docs = [d for d in yaml.safe_load_all((EXAMPLES / "minimal.yaml").read_text()) if d]
    docs[0]["spec"]["configBase"] = config_base
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return path


def _render(tmp_path: Path, spec: Path, *flags: str):
    return CliRunner().invoke(cli, ["render", "--target", "cloudformation", *flags, "-f", str(spec),
                                    "-o", str(tmp_path / "out"), "--state", f"file://{tmp_path}/state"])


def _in_bucket(moto) -> list[str]:
    listing = moto.client("s3").list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listing.get("Contents", ()))


@pytest.fixture
def aws(moto, monkeypatch):
    aws_environment(moto, monkeypatch)
    monkeypatch.setenv("KOPSGEN_AWS_ACCOUNT_ID", "123456789012")
    return moto


def _nothing_written(tmp_path: Path) -> None:
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "state").exists()   # not even the cluster's CAs


@pytest.mark.moto
def test_upload_without_credentials_fails_before_anything_is_written(aws, tmp_path, monkeypatch):
    aws.client("s3").create_bucket(Bucket=BUCKET)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    result = _render(tmp_path, _spec(tmp_path, f"s3://{BUCKET}/{CLUSTER}"), "--upload-files")
    assert result.exit_code == 2, result.output
    assert "no AWS credentials" in result.stderr and "nothing was written" in result.stderr
    _nothing_written(tmp_path)
    assert _in_bucket(aws) == []


@pytest.mark.moto
def test_upload_to_a_missing_bucket_fails_before_anything_is_written(aws, tmp_path):
    result = _render(tmp_path, _spec(tmp_path, f"s3://{BUCKET}/{CLUSTER}"), "--upload-files", "--upload-templates")
    assert result.exit_code == 2, result.output
    assert f"bucket {BUCKET} does not exist" in result.stderr
    _nothing_written(tmp_path)
    assert BUCKET not in [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]]


def test_upload_templates_needs_an_s3_config_base_before_anything_is_written(tmp_path):
    result = _render(tmp_path, _spec(tmp_path, f"file://{tmp_path}/elsewhere/{CLUSTER}"), "--upload-templates")
    assert result.exit_code == 2, result.output
    assert "--upload-templates needs the cluster's configBase on S3" in result.stderr
    _nothing_written(tmp_path)
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.moto
def test_a_store_refusing_a_write_half_way_says_what_is_in_place_and_a_rerun_finishes(aws, tmp_path, monkeypatch):
    aws.client("s3").create_bucket(Bucket=BUCKET)
    spec = _spec(tmp_path, f"s3://{BUCKET}/{CLUSTER}")
    real_write, calls = S3StateStore.write, []

    def refusing_the_fifth(self, key, data, **kwargs):   # the first four reach moto, the fifth is refused
        calls.append(key)
        if len(calls) == 5:
            raise StateStoreError(f"{self.location(key)}: AccessDenied: refused on purpose")
        return real_write(self, key, data, **kwargs)

    monkeypatch.setattr(S3StateStore, "write", refusing_the_fifth)
    failed = _render(tmp_path, spec, "--upload-files")
    assert failed.exit_code == 1, failed.output
    assert "refused on purpose" in failed.stderr
    assert "4 state-store files of " in failed.stderr and "before the failure" in failed.stderr
    assert "run the same command again" in failed.stderr and f"files in {tmp_path / 'out'} are written" in failed.stderr
    assert _in_bucket(aws) == sorted(f"{CLUSTER}/{key}" for key in calls[:4])   # exactly what it says
    assert (tmp_path / "out" / f"{CLUSTER}.json").is_file()

    monkeypatch.setattr(S3StateStore, "write", real_write)
    again = _render(tmp_path, spec, "--upload-files")
    assert again.exit_code == 0, again.output
    total = int(failed.stderr.split("4 state-store files of ")[1].split()[0])
    assert len(_in_bucket(aws)) == total
    assert f"uploaded {total - 4} state-store files" in again.output
    assert os.listdir(tmp_path / "out")
