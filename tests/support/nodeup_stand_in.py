"""A stand-in for nodeup's first steps, served to the boot script as `nodeup` by the boot rehearsal
(tests/support/bootrehearsal.py). The rehearsal writes it out with a `#!` line naming the test's
interpreter; the boot script downloads it, checks its hash and runs it as
`nodeup --install-systemd-unit --conf=/opt/kops/conf/kube_env.yaml --v=8`.

What it does, as nodeup does at boot:
1. read the boot config the script wrote (`--conf`);
2. find the group's nodeup config, `<configBase>/igconfig/<role>/<group>/nodeupconfig.yaml`: a group
   running an API server reads it from `ConfigBase` itself; any other node asks kops-controller
   (`ConfigServer`), which reads the same object from its own config base: the stand-in plays
   kops-controller with KOPSGEN_REHEARSAL_CONFIG_BASE;
3. check the boot config's `NodeupConfigHash` against the bytes it read;
4. read every state-store file that config names (keysets, etcd and static manifests, the channels
   manifest), and check that the CA certificates and keypair ids it carries are the keysets' own,
   and that a node's `ConfigServer.CACertificates` are the kubernetes-ca keyset's;
5. with KOPSGEN_REHEARSAL_FILE_REPOSITORY, check that every asset it would download comes from there.

Differences from the real thing: it reads S3 with the credentials and endpoint in its environment
(AWS_ENDPOINT_URL and test keys, the moto server) where nodeup uses the instance role from the
metadata service; and it stops there (no kubelet, no systemd unit). Like nodeup, it asks S3 where the
bucket is (GetBucketLocation) and reads it in that region; a bucket of another AWS partition than the
node's region (AWS_REGION, which kops's boot script exports: the cluster's region) is unreadable, as on
AWS (moto keeps one bucket namespace for all regions, so the stand-in checks the partition itself).

Exit 0 with `nodeup stand-in: OK ...` on stdout, else exit 3 with `nodeup stand-in: FAILED: <why>`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

# kops's lower-case role names in the config base (igconfig/<role>/<group>/nodeupconfig.yaml)
ROLE_PATH = {"ControlPlane": "control-plane", "Master": "control-plane", "Node": "node", "Bastion": "bastion",
             "APIServer": "apiserver"}
CACHE = Path("/var/cache/kopsgen-rehearsal")   # inside the sandbox: where it keeps what it read


def fail(message: str) -> None:
    print(f"nodeup stand-in: FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(3)


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class ConfigBase:
    """An s3:// config base, read the way nodeup reads it; anything else is unreadable on a node."""

    def __init__(self, url: str, node_region: str):
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        self.errors = (BotoCoreError, ClientError)
        self.url = url.rstrip("/")
        scheme, _, rest = self.url.partition("://")
        if scheme != "s3" or not rest:
            fail(f"config base {url!r} cannot be read by a node: nodeup reads s3:// config bases (a {scheme}:// "
                 "one names a place only the machine that rendered it can see)")
        self.bucket, _, self.prefix = rest.partition("/")
        try:
            location = boto3.client("s3", region_name=node_region).get_bucket_location(Bucket=self.bucket)
        except self.errors as exc:
            fail(f"cannot locate the state-store bucket {self.bucket!r} (config base {self.url}): {exc}")
        bucket_region = location.get("LocationConstraint") or "us-east-1"
        if partition(bucket_region) != partition(node_region):
            fail(f"the state-store bucket {self.bucket!r} is in {bucket_region} (partition {partition(bucket_region)}); "
                 f"a node in {node_region} (partition {partition(node_region)}) cannot read it")
        self.s3 = boto3.client("s3", region_name=bucket_region)
        self.read_keys: list[str] = []

    def read(self, relative: str) -> bytes:
        key = f"{self.prefix}/{relative}" if self.prefix else relative
        try:
            data = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.errors as exc:
            fail(f"cannot read s3://{self.bucket}/{key}: {exc}")
        self.read_keys.append(key)
        target = CACHE / self.bucket / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return data

    def read_url(self, url: str, field: str) -> bytes:
        if not url.startswith(self.url + "/"):
            fail(f"{field}: {url!r} is not under the config base {self.url}")
        return self.read(url[len(self.url) + 1:])


def keyset(base: ConfigBase, name: str) -> tuple[str, str]:
    """(certificates PEM oldest first, primary id) of the keyset `name`, from the state store."""
    import yaml

    doc = yaml.safe_load(base.read(f"pki/private/{name}/keyset.yaml"))
    try:
        keys = doc["spec"]["keys"]
        certs = "".join(base64.b64decode(k["publicMaterial"]).decode() for k in keys)
        return certs, str(doc["spec"].get("primaryId") or "")
    except (KeyError, TypeError, ValueError) as exc:
        fail(f"keyset {name}: not a kops Keyset ({exc!r})")
        raise


def main(argv: list[str]) -> None:
    import yaml

    conf = next((a.split("=", 1)[1] for a in argv if a.startswith("--conf=")), None)
    if not conf:
        fail("no --conf=PATH argument")
    try:
        boot = yaml.safe_load(Path(conf).read_text())
    except (OSError, yaml.YAMLError) as exc:
        fail(f"cannot read the boot config {conf}: {exc}")
    for field in ("ClusterName", "InstanceGroupName", "InstanceGroupRole", "NodeupConfigHash"):
        if not boot.get(field):
            fail(f"boot config {conf} has no {field}")
    group, role = boot["InstanceGroupName"], boot["InstanceGroupRole"]
    if role not in ROLE_PATH:
        fail(f"boot config: unknown InstanceGroupRole {role!r}")
    node_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""

    if boot.get("ConfigBase"):
        base_url, source = boot["ConfigBase"], "ConfigBase"
    elif boot.get("ConfigServer"):
        base_url, source = os.environ.get("KOPSGEN_REHEARSAL_CONFIG_BASE", ""), "kops-controller"
        if not base_url:
            fail("a node asks kops-controller for its config: set KOPSGEN_REHEARSAL_CONFIG_BASE to the config "
                 "base kops-controller reads")
    else:
        fail("boot config names neither ConfigBase nor ConfigServer")
    base = ConfigBase(base_url, node_region)
    if source == "kops-controller":
        # first of all a node must trust kops-controller's certificate, issued by the kubernetes CA
        trusted = boot["ConfigServer"].get("CACertificates") or ""
        if role != "Bastion" and trusted != keyset(base, "kubernetes-ca")[0]:
            fail("ConfigServer.CACertificates in the boot config are not the kubernetes-ca keyset's certificates")

    data = base.read(f"igconfig/{ROLE_PATH[role]}/{group}/nodeupconfig.yaml")
    actual = base64.b64encode(hashlib.sha256(data).digest()).decode()
    if actual != boot["NodeupConfigHash"]:
        fail(f"NodeupConfigHash mismatch for {group}: the boot config says {boot['NodeupConfigHash']}, the nodeup "
             f"config read from {base.url} hashes to {actual}")
    config = yaml.safe_load(data)
    if config.get("ClusterName") != boot["ClusterName"]:
        fail(f"nodeup config is for cluster {config.get('ClusterName')!r}, the boot config for {boot['ClusterName']!r}")

    # the CAs and keypair ids it carries are the state store's keysets
    cas, ids = config.get("CAs") or {}, config.get("KeypairIDs") or {}
    for name in sorted(set(cas) | set(ids)):
        certs, primary = keyset(base, name)
        if name in cas and cas[name] != certs:
            fail(f"CA {name}: the nodeup config's certificates are not those of keyset pki/private/{name}")
        if name in ids and str(ids[name]) != primary:
            fail(f"keypair {name}: the nodeup config says id {ids[name]}, the keyset's primary id is {primary}")

    # every other file of the config base it names
    for i, url in enumerate(config.get("etcdManifests") or ()):
        base.read_url(url, f"etcdManifests[{i}]")
    if config.get("channelsManifest"):
        base.read_url(config["channelsManifest"], "channelsManifest")
    for item in config.get("staticManifests") or ():
        base.read(item["path"])
    store = config.get("configStore") or {}
    for field in ("keypairs", "secrets"):
        if store.get(field) and store[field] != f"{base.url}/{'pki' if field == 'keypairs' else 'secrets'}":
            fail(f"configStore.{field}: {store[field]!r} is not the config base's")

    repository = os.environ.get("KOPSGEN_REHEARSAL_FILE_REPOSITORY")
    assets = [a for urls in (config.get("Assets") or {}).values() for a in urls]
    if repository:
        outside = [a for a in assets if not a.split("@", 1)[-1].startswith(repository.rstrip("/") + "/")]
        if outside:
            fail(f"assets not under the file repository {repository}: {outside}")
    print(f"nodeup stand-in: OK {group} ({role}): nodeup config from {source} {base.url}, hash matches, "
          f"{len(base.read_keys)} state-store files read, {len(cas)} CAs match their keysets, "
          f"{len(assets)} assets", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
