"""`terraform apply`, `plan` (no changes) and `destroy` of rendered output against a moto server.

The harness (tests/support/tfmoto.py) is proved on kops's own `kubernetes.tf` first: if kops's output applies
cleanly and ours does not, the fault is ours, not the harness's. A full apply takes minutes (the provider's own
fixed waits), so the default run applies two representative clusters of ours; `make test-slow` applies every
reference case, ours and kops's.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.output import read_manifest, write_output
from tests.support import terraform, tfmoto
from tests.support.moto import MotoServer
from tests.support.paths import REFERENCE, ROOT, case_input, reference_cases
from tests.support.sessions import session

pytestmark = [
    pytest.mark.moto,
    pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH"),
]

DATA = Path(__file__).parents[2] / "data"
TIMINGS = ROOT / "outputs" / "moto-timings.json"
ETCD_PORTS = (4001, 4002)  # etcd-main and etcd-events client ports: control plane only, never from nodes


# --- one apply/plan/destroy -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MotoCase:
    id: str
    source: Path
    # after the clean plan, render the spec as Terraform JSON into the same folder (the HCL file goes as stale)
    # and plan again: the two formats must describe the same infrastructure
    json_replan: bool = False


# Cases moto cannot apply at all, by the line its server log shows when it refuses. The test still runs them
# and turns into an expected failure only when that line is in the log: any other failure is reported as one.
MOTO_LIMITS = {
    "minimal-ipv6": ("The filter 'ipv6-cidr-block-association.association-id' for DescribeSubnets has not been "
                     "implemented in Moto yet",
                     "moto 5.2 cannot create a subnet with an IPv6 CIDR: the provider waits for the association "
                     "with a DescribeSubnets filter moto does not implement"),
}

# The default run's representative: HA, private, bastion, the day-one addons (plus, below, a cluster on shared
# subnets); the slow run applies every reference case as well (public single control plane, shared VPC, ...).
DEFAULT_CASES = (
    MotoCase("ha-private-bastion", DATA / "ha-private-bastion.yaml", json_replan=True),
)


def _record(test_id: str, timings: tfmoto.Timings) -> None:
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    recorded[test_id] = timings.seconds
    TIMINGS.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    print(f"{test_id}: {timings.seconds}")


def _render_into(spec_path: Path, out: Path, fmt: str = "hcl") -> None:
    write_output(out, pipeline.render(session(pipeline.load_spec([spec_path])), "terraform", fmt))


def apply_plan_destroy(workdir: Path, server: MotoServer, timings: tfmoto.Timings,
                       after_apply: Callable[[], None] = lambda: None,
                       rerender: Callable[[], None] | None = None) -> None:
    """prepare, init, apply; then (if given) render the same spec again into the same folder; then a plan that
    must want no change (so it proves both that the apply converged and that the re-render changed nothing
    terraform cares about); then `after_apply`; destroy always, and nothing may be left in the state."""
    tfmoto.prepare(workdir, server)
    timings.run("init", terraform.init, workdir)
    try:
        timings.run("apply", tfmoto.apply, workdir)
        if rerender:
            applied = _kopsgen_files(workdir)
            rerender()
            assert _kopsgen_files(workdir) == applied, "a second render of the same spec changed the output"
            assert (workdir / "terraform.tfstate").exists() and (workdir / tfmoto.OVERRIDE_FILE).exists(), \
                "a re-render removed files kopsgen did not write"
        code, text = timings.run("plan", tfmoto.plan_exit_code, workdir)
        assert code == 0, f"plan after a clean apply wants changes (exit {code}):\n{text[-6000:]}"
        after_apply()
    except BaseException:
        try:  # best effort, and short: the failure above is the one to report (the server is reset anyway)
            tfmoto.destroy(workdir, check=False, timeout=300)
        except subprocess.TimeoutExpired:
            pass
        raise
    timings.run("destroy", tfmoto.destroy, workdir)
    assert tfmoto.state_addresses(workdir) == []


def _kopsgen_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in read_manifest(folder)}


# --- reading AWS back and comparing with the spec -------------------------------------------------------------------

def _by_tag(items: list[dict], key: str, value: str) -> list[dict]:
    return [i for i in items if any(t["Key"] == key and t["Value"] == value for t in i.get("Tags", []))]


def check_against_spec(server: MotoServer, docs: list[dict]) -> None:
    cluster_doc = next(d for d in docs if d["kind"] == "Cluster")
    name, spec = cluster_doc["metadata"]["name"], cluster_doc["spec"]
    groups = [d for d in docs if d["kind"] == "InstanceGroup"]
    ec2, autoscaling = server.client("ec2"), server.client("autoscaling")

    vpcs = ec2.describe_vpcs()["Vpcs"]
    if spec.get("networkID"):
        vpc = next(v for v in vpcs if v["VpcId"] == spec["networkID"])
        assert not _by_tag([vpc], "KubernetesCluster", name), "a shared VPC must not be tagged by us"
    else:
        owned = _by_tag(vpcs, "KubernetesCluster", name)
        assert len(owned) == 1, owned
        vpc = owned[0]
    assert vpc["CidrBlock"] == spec["networkCIDR"]

    subnets = _by_tag(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"],
                      "KubernetesCluster", name)
    wanted = sorted((s["zone"], s["cidr"]) for s in spec["subnets"] if s.get("cidr") and not s.get("id"))
    assert sorted((s["AvailabilityZone"], s["CidrBlock"]) for s in subnets) == wanted

    security_groups = {g["GroupName"]: g for g in ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["SecurityGroups"]}
    masters, nodes = security_groups[f"masters.{name}"], security_groups[f"nodes.{name}"]
    from_nodes = [p for p in masters["IpPermissions"]
                  if any(pair["GroupId"] == nodes["GroupId"] for pair in p.get("UserIdGroupPairs", []))]
    assert any(p["IpProtocol"] == "tcp" and p["FromPort"] <= 443 <= p["ToPort"] for p in from_nodes), \
        "nodes must reach the API server on the control plane"
    for p in from_nodes:
        for port in ETCD_PORTS:
            assert not (p["IpProtocol"] in ("-1", "tcp") and p.get("FromPort", 0) <= port <= p.get("ToPort", 65535)), \
                f"nodes can reach etcd port {port} on the control plane: {p}"

    asgs = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
    for group in groups:
        ig, ig_spec = group["metadata"]["name"], group["spec"]
        matching = [a for a in asgs if any(t["Key"] == "kops.k8s.io/instancegroup" and t["Value"] == ig
                                           for t in a.get("Tags", []))]
        assert len(matching) == 1, f"one autoscaling group for instance group {ig}, found {len(matching)}"
        asg = matching[0]
        assert (asg["MinSize"], asg["MaxSize"]) == (ig_spec["minSize"], ig_spec["maxSize"]), ig
        template = asg.get("LaunchTemplate") or asg["MixedInstancesPolicy"]["LaunchTemplate"][
            "LaunchTemplateSpecification"]
        version = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplateId"],
                                                        Versions=["$Latest"])["LaunchTemplateVersions"][0]
        assert version["LaunchTemplateData"]["InstanceType"] == ig_spec["machineType"], ig
        zones = {s["zone"] for s in spec["subnets"] if s["name"] in ig_spec["subnets"]}
        assert set(asg["AvailabilityZones"]) == zones, ig


def check_nothing_left(server: MotoServer, name: str, shared_vpc: str | None) -> None:
    ec2 = server.client("ec2")
    assert not _by_tag(ec2.describe_vpcs()["Vpcs"], "KubernetesCluster", name)
    assert not _by_tag(ec2.describe_subnets()["Subnets"], "KubernetesCluster", name)
    assert not server.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    if shared_vpc:
        assert ec2.describe_vpcs(VpcIds=[shared_vpc])["Vpcs"], "destroy must leave the shared VPC alone"


# --- the tests ------------------------------------------------------------------------------------------------------

def _within_moto_limits(case_id: str, moto: MotoServer, run: Callable[[], None]) -> None:
    """Run; a case listed in MOTO_LIMITS that fails because of that limit is an expected failure."""
    offset = moto.log_size()
    try:
        run()
    except AssertionError:
        if case_id in MOTO_LIMITS and MOTO_LIMITS[case_id][0] in moto.log_since(offset):
            pytest.xfail(MOTO_LIMITS[case_id][1])
        raise
    assert case_id not in MOTO_LIMITS, f"{case_id} applied: moto lifted the limit, remove it from MOTO_LIMITS"


def _run_ours(case: MotoCase, moto: MotoServer, tmp_path: Path,
              also_check: Callable[[MotoServer], None] = lambda server: None,
              provisioned: Callable[[MotoServer, dict[str, str]], None] = lambda server, ids: None) -> None:
    original = [d for d in yaml.safe_load_all(case.source.read_text()) if d]
    ids = tfmoto.provision_existing(moto, [tfmoto.realistic_document(d) for d in original])
    provisioned(moto, ids)
    spec_path = tfmoto.realistic_spec(case.source, tmp_path / "spec.yaml", ids=ids)
    docs = [d for d in yaml.safe_load_all(spec_path.read_text()) if d]
    out = tmp_path / "out"
    timings = tfmoto.Timings()
    timings.run("render", _render_into, spec_path, out)

    def after_apply() -> None:
        check_against_spec(moto, docs)
        also_check(moto)
        if case.json_replan:
            _render_into(spec_path, out, "json")
            assert (out / "kubernetes.tf.json").exists() and not (out / "kubernetes.tf").exists()
            code, text = timings.run("plan_json", tfmoto.plan_exit_code, out)
            assert code == 0, f"the JSON output differs from the applied HCL (exit {code}):\n{text[-6000:]}"

    apply_plan_destroy(out, moto, timings, after_apply=after_apply, rerender=lambda: _render_into(spec_path, out))
    cluster = next(d for d in docs if d["kind"] == "Cluster")
    check_nothing_left(moto, cluster["metadata"]["name"], cluster["spec"].get("networkID"))
    _record(f"ours/{case.id}", timings)


@pytest.mark.parametrize("case", DEFAULT_CASES, ids=lambda c: c.id)
def test_ours_applies_plans_clean_and_destroys(case: MotoCase, moto: MotoServer, tmp_path: Path):
    _run_ours(case, moto, tmp_path)


def test_shared_subnets_and_nat_gateways_are_used_untouched(moto: MotoServer, tmp_path: Path):
    """A cluster on a network team's VPC, private subnets, NAT gateways (`egress: nat-...`) and utility subnets
    (`id: subnet-...`), provisioned with boto3 first: it applies, plans clean and destroys, and the network
    is described exactly alike before the apply, after it and after the destroy: no tag added (kopsgen never
    re-tags a shared resource), no route or association changed, nothing of it deleted."""
    snapshots: dict[str, dict] = {}
    vpc: list[str] = []

    def before(server: MotoServer, ids: dict[str, str]) -> None:
        vpc.append(ids["vpc-0a1b2c3d"])
        assert sum(1 for placeholder in ids if placeholder.startswith(("subnet-", "nat-"))) == 6
        snapshots["before"] = tfmoto.network_snapshot(server, vpc[0])

    def after_apply(server: MotoServer) -> None:
        snapshots["applied"] = tfmoto.network_snapshot(server, vpc[0])
        # the API's load balancer is internet-facing, in the two shared utility subnets
        [lb] = server.client("elbv2").describe_load_balancers()["LoadBalancers"]
        utility = {i for i, v in snapshots["before"].items() if i.startswith("subnet-") and v[0].endswith("/22")}
        assert lb.get("Scheme", "internet-facing") == "internet-facing"   # moto leaves the default scheme out
        assert {z["SubnetId"] for z in lb["AvailabilityZones"]} == utility
        # no SSH configured: every role the cluster made may open SSM sessions
        iam = server.client("iam")
        for role in ("masters.sharedsubnets.example.com", "nodes.sharedsubnets.example.com"):
            assert f"ssm.{role}" in iam.list_role_policies(RoleName=role)["PolicyNames"]

    _run_ours(MotoCase("shared-subnets", DATA / "shared-subnets.yaml"), moto, tmp_path, also_check=after_apply,
              provisioned=before)
    snapshots["destroyed"] = tfmoto.network_snapshot(moto, vpc[0])
    assert len(snapshots["before"]) == 1 + 4 + 4 + 1 + 2 + 2   # VPC, subnets, route tables, gateway, NATs, EIPs
    assert snapshots["applied"] == snapshots["before"]
    assert snapshots["destroyed"] == snapshots["before"]


@pytest.mark.slow
def test_a_private_zone_is_associated_with_the_new_vpc(moto: MotoServer, tmp_path: Path):
    """The HA private case with `topology.dns.type: Private`: the zone association applies, plans clean and is
    destroyed with the rest; while it exists, Route53 lists the cluster's VPC among the zone's."""
    docs = [d for d in yaml.safe_load_all((DATA / "ha-private-bastion.yaml").read_text()) if d]
    docs[0]["spec"]["topology"]["dns"] = {"type": "Private"}
    source = tmp_path / "private-dns.yaml"
    source.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    checked = []

    def vpc_is_associated(server: MotoServer) -> None:
        route53 = server.client("route53")
        [zone] = route53.list_hosted_zones()["HostedZones"]
        assert zone["Config"]["PrivateZone"]
        vpcs = {v["VPCId"] for v in route53.get_hosted_zone(Id=zone["Id"]).get("VPCs", [])}
        [vpc] = server.client("ec2").describe_vpcs(Filters=[{"Name": "tag:KubernetesCluster",
                                                             "Values": ["haprivate.example.com"]}])["Vpcs"]
        assert vpc["VpcId"] in vpcs
        checked.append(vpc["VpcId"])

    _run_ours(MotoCase("ha-private-dns", source), moto, tmp_path, also_check=vpc_is_associated)
    assert checked


@pytest.mark.slow
@pytest.mark.parametrize("case", [MotoCase(c, case_input(c)) for c in reference_cases()], ids=lambda c: c.id)
def test_every_reference_case_applies_plans_clean_and_destroys(case: MotoCase, moto: MotoServer, tmp_path: Path):
    _within_moto_limits(case.id, moto, lambda: _run_ours(case, moto, tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("case", ["minimal-dns-none", "privatecalico", "ha", "minimal-ipv6"])
def test_harness_applies_kops_own_output(case: str, moto: MotoServer, tmp_path: Path):
    """The harness itself: kops's own output for the case applies, plans clean and destroys (or, for a case in
    MOTO_LIMITS, fails in moto exactly as ours does: the limit is moto's)."""
    out = tfmoto.realistic_kops_output(REFERENCE / case, tmp_path / "kops")
    timings = tfmoto.Timings()
    _within_moto_limits(case, moto, lambda: apply_plan_destroy(out, moto, timings))
    _record(f"kops/{case}", timings)
