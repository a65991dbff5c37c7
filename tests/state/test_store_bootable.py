"""Issue 15, points 2 and 3: a state store nodes can read, or a clear word that they cannot; the state bucket's
region as a setting.

- The local default store is absolute and per user (XDG state folder), whatever folder kopsgen runs in; a spec
  whose configBase is a relative file:// URL is refused at the field.
- New CAs are announced once, with where they were made.
- A configBase nodes cannot read (not S3) is said on stderr and at the top of every rendered output;
  `update cluster --yes` refuses it, before writing anything, without --allow-unreadable-config-base.
- `create cluster --state s3://BUCKET/PREFIX` (a moto server) stores the cluster and points configBase there.
- spec.kopsgen.configBaseRegion (`create cluster --state-region`) reaches the Terraform files provider (checked
  with the real `terraform validate`) and CloudFormation's template URL; `update cluster` reads the bucket's
  region from S3 (moto, a bucket in another region) when the spec does not say.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kopsgen.cli import cli
from tests.support import cloudformation as cfn
from tests.support import terraform as tf
from tests.support.moto_server import aws_environment

NAME = "simple.example.com"
CREATE = ("create", "cluster", "--name", NAME, "--zones", "eu-west-1a")
UNREADABLE = "is not on S3: nodes cannot read their files there, so this cluster will not boot"
CA_NOTE = f"note: created the CAs of cluster {NAME}"


def run(*args, env: dict | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A user with no state store configured: the default store is theirs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("KOPSGEN_STATE_STORE", raising=False)
    monkeypatch.setenv("KOPSGEN_AWS_ACCOUNT_ID", "123456789012")   # no STS call for local state files
    return home


def _spec(path: Path) -> dict:
    return next(d for d in yaml.safe_load_all(path.read_text()) if d["kind"] == "Cluster")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.exists() else {}


# --- 1. the local default store: absolute, per user, the same from every folder -----------------------------------


def test_the_default_config_base_is_absolute_and_the_same_from_every_folder(home, tmp_path, monkeypatch):
    specs = []
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        monkeypatch.chdir(tmp_path / folder)
        result = run(*CREATE, "--output", "simple.yaml")
        assert result.exit_code == 0, result.output
        assert UNREADABLE in result.stderr   # create says it too: this spec is for trying kopsgen out
        specs.append(_spec(tmp_path / folder / "simple.yaml")["spec"]["configBase"])
    assert specs == [f"file://{home}/.local/state/kopsgen/state-store/{NAME}"] * 2


@pytest.mark.parametrize("xdg,expected", [
    ("{tmp}/xdg", "file://{tmp}/xdg/kopsgen/state-store/" + NAME),
    ("relative/xdg", "file://{home}/.local/state/kopsgen/state-store/" + NAME),   # XDG: relative is ignored
])
def test_xdg_state_home_moves_the_default(home, tmp_path, monkeypatch, xdg, expected):
    monkeypatch.setenv("XDG_STATE_HOME", xdg.format(tmp=tmp_path))
    monkeypatch.chdir(tmp_path)
    result = run(*CREATE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert next(yaml.safe_load_all(result.stdout))["spec"]["configBase"] == \
        expected.format(tmp=tmp_path, home=home)


def test_a_relative_state_store_becomes_an_absolute_config_base(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", "file://rel/../here")
    result = run(*CREATE, "--output", "simple.yaml")
    assert result.exit_code == 0, result.output
    assert _spec(tmp_path / "simple.yaml")["spec"]["configBase"] == f"file://{tmp_path}/here/{NAME}"


def test_a_relative_file_config_base_in_a_spec_is_refused_at_its_field(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    spec = tmp_path / "simple.yaml"
    text = spec.read_text()
    written = next(line for line in text.splitlines() if "configBase:" in line)
    spec.write_text(text.replace(written, f"  configBase: file://.kopsgen-state/{NAME}"))
    line = 1 + text.splitlines().index(written)
    result = run("render", "-f", spec, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{spec}:{line}:3: spec.configBase: file://.kopsgen-state/{NAME} is relative" in result.stderr
    assert f"use s3://BUCKET/{NAME}" in result.stderr
    assert not (tmp_path / "out").exists() and not (home / ".local").exists()   # nothing written, no CA made


def test_rendering_from_two_folders_uses_one_set_of_cas_announced_once(home, tmp_path, monkeypatch):
    """The issue's case: the same spec rendered from two folders made two cluster CAs. Now the CAs are made
    once, said so on stderr with where, and the second render (elsewhere) reuses them: same bytes."""
    monkeypatch.chdir(tmp_path)
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    outputs, notes = [], []
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        result = run("render", "-f", tmp_path / "simple.yaml", "-o", "out")
        assert result.exit_code == 0, result.output
        notes.append([line for line in result.stderr.splitlines() if line.startswith("note: created the CAs")])
        outputs.append(_tree(tmp_path / folder / "out"))
    store = home / ".local/state/kopsgen/state-store"
    assert notes[0] == [f"{CA_NOTE} that the state store did not hold yet, in file://{store}/{NAME}/pki/private/; "
                        f"every later render reuses them, so keep this state store"]
    assert notes[1] == []
    assert outputs[0] == outputs[1]
    assert len(list((store / NAME / "pki/private").glob("*/keyset.yaml"))) >= 4
    assert not (tmp_path / "one/.kopsgen-state").exists() and not (tmp_path / "two/.kopsgen-state").exists()


def test_quiet_hides_the_ca_note_but_never_the_unreadable_warning(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    result = run("render", "-q", "-f", "simple.yaml", "-o", "out")
    assert result.exit_code == 0
    assert CA_NOTE not in result.stderr
    assert result.stderr.startswith("warning: configBase file://") and UNREADABLE in result.stderr


# --- 2. a config base nodes cannot read: said on stderr and atop every output; update --yes refuses ---------------


@pytest.fixture
def local_spec(home, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    return tmp_path / "simple.yaml"


@pytest.mark.parametrize("target,fmt", [("terraform", "hcl"), ("terraform", "json"), ("cloudformation", "json"),
                                        ("cloudformation", "yaml")])
def test_render_warns_on_stderr_and_atop_the_output(local_spec, tmp_path, target, fmt):
    out = tmp_path / f"{target}-{fmt}"
    result = run("render", "--target", target, "--format", fmt, "-f", local_spec, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"warning: configBase file://" in result.stderr and UNREADABLE in result.stderr
    if target == "terraform" and fmt == "hcl":
        first = (out / "kubernetes.tf").read_text().split("\n\n")[1]   # after kopsgen's header
        assert first.startswith("# WARNING: configBase file://")
        assert UNREADABLE in " ".join(line.removeprefix("# ") for line in first.splitlines())
    elif target == "terraform":
        assert UNREADABLE in json.loads((out / "kubernetes.tf.json").read_text())["//"][-1]
    if target == "terraform" and tf.terraform_available():   # the real terraform reads past the note
        tf.init(out)
        assert tf.validate(out).returncode == 0
        assert tf.fmt_check(out).returncode == 0
    else:
        body = cfn.template({f"{NAME}.{fmt}": (out / f"{NAME}.{fmt}").read_bytes()})
        assert body["Description"].startswith(f"kopsgen: the AWS infrastructure of the Kubernetes cluster {NAME}. "
                                              f"WARNING: configBase file://")
        assert UNREADABLE in body["Description"] and len(body["Description"]) <= 1024
        assert (out / "DEPLOY.md").read_text().split("\n\n")[2].startswith("**WARNING: configBase file://")
        findings = cfn.errors_and_warnings(cfn.lint([out / f"{NAME}.{fmt}"]))
        assert findings == []   # the real cfn-lint: the note keeps the template clean


def test_an_s3_config_base_renders_without_the_warning(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", "s3://my-state")   # only written into the spec: nothing stored
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/cas")
    result = run("render", "-f", "simple.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert "WARNING" not in (tmp_path / "out/kubernetes.tf").read_text().split("\n\n")[1]   # after the header


@pytest.fixture
def stored_local(home, tmp_path) -> str:
    """A cluster stored in a file:// state store, so its configBase is a local folder too."""
    state = f"file://{tmp_path}/state"
    result = run(*CREATE, "--state", state)
    assert result.exit_code == 0, result.output
    return state


def test_update_yes_refuses_an_unreadable_config_base_before_writing_anything(stored_local, tmp_path):
    before = _tree(tmp_path / "state")
    result = run("update", "cluster", NAME, "--state", stored_local, "--out", tmp_path / "out", "--yes")
    assert result.exit_code == 2   # a refusal: changes there are, none written (as for etcd volumes)
    assert f"error: refusing to write cluster {NAME}: configBase file://{tmp_path}/state/{NAME} {UNREADABLE}" \
        in result.stderr
    assert "add --allow-unreadable-config-base" in result.stderr
    assert not (tmp_path / "out").exists()
    assert _tree(tmp_path / "state") == before   # not even the CAs were made


def test_update_preview_warns_and_the_flag_writes(stored_local, tmp_path):
    preview = run("update", "cluster", NAME, "--state", stored_local)
    assert preview.exit_code == 2 and UNREADABLE in preview.stderr   # a dry run still previews
    result = run("update", "cluster", NAME, "--state", stored_local, "--out", tmp_path / "out", "--yes",
                 "--allow-unreadable-config-base")
    assert result.exit_code == 0, result.output
    assert UNREADABLE in result.stderr and CA_NOTE in result.stderr
    assert (tmp_path / "out/kubernetes.tf").read_text().split("\n\n")[1].startswith("# WARNING: configBase file://")
    assert (tmp_path / "state" / NAME / "igconfig").is_dir()   # the files went to the local config base


# --- 3. create cluster --state s3://BUCKET/PREFIX, on a moto server -------------------------------------------------


def test_create_cluster_on_s3_points_config_base_at_the_store(moto, monkeypatch, home, tmp_path):
    aws_environment(moto, monkeypatch)
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="kops-state")
    result = run(*CREATE, "--state", "s3://kops-state/teams/a")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    stored = yaml.safe_load(s3.get_object(Bucket="kops-state", Key=f"teams/a/{NAME}/config")["Body"].read())
    assert stored["spec"]["configBase"] == f"s3://kops-state/teams/a/{NAME}"
    got = run("get", "cluster", NAME, "--state", "s3://kops-state/teams/a", "-o", "json")
    assert json.loads(got.stdout)[0]["spec"]["configBase"] == f"s3://kops-state/teams/a/{NAME}"


# --- 4. the state bucket's region ---------------------------------------------------------------------------------


def _files_provider(folder: Path) -> dict:
    doc = json.loads((folder / "kubernetes.tf.json").read_text())
    return next(p for p in doc["provider"]["aws"] if p.get("alias") == "files")


def test_state_region_reaches_the_files_provider_and_terraform_validates(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", "s3://central-state")
    created = run(*CREATE, "--state-region", "eu-central-1", "--output", "simple.yaml")
    assert created.exit_code == 0, created.output
    assert _spec(tmp_path / "simple.yaml")["spec"]["kopsgen"] == {"configBaseRegion": "eu-central-1"}
    monkeypatch.setenv("KOPSGEN_STATE_STORE", f"file://{tmp_path}/cas")
    for fmt in ("json", "hcl"):
        assert run("render", "--format", fmt, "-f", "simple.yaml", "-o", f"tf-{fmt}").exit_code == 0
    assert _files_provider(tmp_path / "tf-json")["region"] == "eu-central-1"
    hcl = (tmp_path / "tf-hcl/kubernetes.tf").read_text()
    assert 'alias  = "files"\n  region = "eu-central-1"' in hcl and 'provider "aws" {\n  region = "eu-west-1"' in hcl
    # CloudFormation reads nested templates from the bucket: its URL names the bucket's region
    docs = list(yaml.safe_load_all((tmp_path / "simple.yaml").read_text()))
    docs[0]["spec"]["kopsgen"]["nestedStacks"] = True
    (tmp_path / "nested.yaml").write_text(yaml.safe_dump_all(docs))
    assert run("render", "--target", "cloudformation", "-f", "nested.yaml", "-o", "cfn").exit_code == 0
    parent = json.loads((tmp_path / "cfn" / f"{NAME}.json").read_text())
    assert parent["Parameters"]["TemplateBaseUrl"]["Default"] == \
        f"https://central-state.s3.eu-central-1.amazonaws.com/{NAME}/cloudformation"
    if not tf.terraform_available():
        pytest.skip("terraform is not on PATH")
    tf.init(tmp_path / "tf-hcl")
    assert tf.validate(tmp_path / "tf-hcl").returncode == 0


@pytest.mark.parametrize("args,message", [
    (("--state", "s3://b", "--state-region", "eu-central"), "--state-region 'eu-central' is not an AWS region"),
    (("--state", "file:///tmp/s", "--state-region", "eu-central-1"), "--state-region is the region of an S3 state"),
])
def test_bad_state_region_flags(home, args, message):
    result = run(*CREATE, "--dry-run", *args)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("edit,field,message", [
    (lambda s: s.update(configBase=f"file:///srv/{NAME}", kopsgen={"configBaseRegion": "eu-central-1"}),
     "spec.kopsgen.configBaseRegion", "but configBase (file:///srv/simple.example.com) is not on S3"),
    (lambda s: s.update(kopsgen={"configBaseRegion": "eu-central-1"},
                        target={"terraform": {"filesProviderExtraConfig": {"region": "us-east-2"}}}),
     "spec.target.terraform.filesProviderExtraConfig.region", "us-east-2 contradicts spec.kopsgen.configBaseRegion"),
    (lambda s: s.update(kopsgen={"configBaseRegion": "Frankfurt"}), "spec.kopsgen.configBaseRegion",
     "must be an AWS region such as eu-central-1"),
])
def test_config_base_region_in_a_spec_is_checked(home, tmp_path, monkeypatch, edit, field, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOPSGEN_STATE_STORE", "s3://central-state")
    assert run(*CREATE, "--output", "simple.yaml").exit_code == 0
    docs = list(yaml.safe_load_all((tmp_path / "simple.yaml").read_text()))
    edit(docs[0]["spec"])
    (tmp_path / "simple.yaml").write_text(yaml.safe_dump_all(docs))
    result = run("render", "-f", "simple.yaml", "-o", "out")
    assert result.exit_code == 2, result.output
    assert f": {field}: " in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_update_reads_the_bucket_region_from_s3(moto, monkeypatch, home, tmp_path):
    """A central state bucket in eu-central-1, a cluster in us-east-1, no configBaseRegion: update cluster asks
    S3 (GetBucketLocation on moto) and the files provider gets the bucket's region; the preview afterwards has
    no change, so the lookup agrees with what --yes wrote."""
    aws_environment(moto, monkeypatch)
    moto.client("s3", "eu-central-1").create_bucket(
        Bucket="central-state", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    state = "s3://central-state"
    created = run("create", "cluster", "--name", NAME, "--zones", "us-east-1a", "--state", state)
    assert created.exit_code == 0, created.output
    out = tmp_path / "out"
    result = run("update", "cluster", NAME, "--state", state, "--out", out, "--format", "json", "--yes")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert _files_provider(out)["region"] == "eu-central-1"
    doc = json.loads((out / "kubernetes.tf.json").read_text())
    assert next(p for p in doc["provider"]["aws"] if "alias" not in p)["region"] == "us-east-1"
    again = run("update", "cluster", NAME, "--state", state, "--format", "json")
    assert again.exit_code == 0, again.output


def test_update_yes_without_the_bucket_region_refuses(moto, monkeypatch, home, tmp_path):
    """The bucket is gone: --yes cannot know where the files provider must write, and stops before writing."""
    aws_environment(moto, monkeypatch)
    moto.client("s3").create_bucket(Bucket="state-a")
    state = f"file://{tmp_path}/state"
    monkeypatch.setenv("KOPSGEN_STATE_STORE", "s3://state-b")   # the config base: a bucket that does not exist
    assert run(*CREATE, "--output", tmp_path / "c.yaml").exit_code == 0
    assert run("create", "-f", tmp_path / "c.yaml", "--state", state).exit_code == 0
    before = _tree(tmp_path / "state")
    result = run("update", "cluster", NAME, "--state", state, "--out", tmp_path / "out", "--yes")
    assert result.exit_code == 1
    assert "bucket state-b does not exist (reading its region); set spec.kopsgen.configBaseRegion" in result.stderr
    assert not (tmp_path / "out").exists() and _tree(tmp_path / "state") == before
    preview = run("update", "cluster", NAME, "--state", state)
    assert preview.exit_code == 2
    assert "this preview assumes the bucket is in the cluster's region (eu-west-1)" in preview.stderr


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "ap-southeast-2"])
def test_bucket_region_from_s3(moto, monkeypatch, region):
    from kopsgen.state.s3 import bucket_region

    aws_environment(moto, monkeypatch)
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    moto.client("s3", region).create_bucket(Bucket=f"b-{region}", **config)
    assert bucket_region(f"b-{region}") == region


def test_bucket_region_falls_back_to_head_bucket(moto, monkeypatch):
    """Where a bucket policy denies s3:GetBucketLocation, HeadBucket's x-amz-bucket-region header (moto's own)
    still says. The denial is the one thing simulated: a client whose GetBucketLocation answers AccessDenied."""
    import boto3
    from botocore.exceptions import ClientError

    from kopsgen.state.s3 import bucket_region

    aws_environment(moto, monkeypatch)
    moto.client("s3", "sa-east-1").create_bucket(
        Bucket="guarded", CreateBucketConfiguration={"LocationConstraint": "sa-east-1"})
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=moto.endpoint)

    def denied(**kwargs):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetBucketLocation")

    monkeypatch.setattr(client, "get_bucket_location", denied)
    assert bucket_region("guarded", client) == "sa-east-1"
    with pytest.raises(Exception, match="cannot read the region of bucket nowhere"):
        bucket_region("nowhere", client)
