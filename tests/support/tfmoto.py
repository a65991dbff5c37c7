"""Apply rendered Terraform against the session's moto server, without touching the generated files.

Everything moto needs is written NEXT TO the output, in one Terraform override file (OVERRIDE_FILE):
- a `provider "aws"` block per provider configuration the output declares (the default one and kops's
  `files` alias), pointing every service at moto with test credentials;
- restated attributes and `lifecycle` blocks, only for moto's own bugs (/work/shared/MOTO.md lists most of
  them; the NLB elastic-IP one was found here), each preceded by a comment naming the bug;
- the IDs moto chose for the Route53 zones the records need (moto picks zone IDs itself).
Prerequisites the output assumes exist (the state-store bucket, hosted zones) are created with boto3 first;
the images its AMI lookups find are in the server's catalogue (tests/support/moto.py IMAGES).

Inputs are kops's test fixtures, which use a fake region (`us-test-1`), partition (`aws-test`) and account
(`000000000000`); moto rejects those, so `realistic_spec` rewrites the INPUT spec to real-looking values
before rendering, and `realistic_kops_output` does the same to a copy of kops's own output.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from kopsgen.render.terraform.hcl import Blocks, Expr, Static, TopLevel, to_hcl
from kopsgen.render.terraform.reading import map_strings
from tests.support import hcl, terraform
from tests.support.moto import ACCESS_KEY, ACCOUNT_ID, SECRET_KEY, MotoServer

OVERRIDE_FILE = "kopsgen_moto_override.tf"  # Terraform merges any `*_override.tf` over the main files
REGION = "us-east-1"
STATE_BUCKET = "kopsgen-test-state-store"

# The provider endpoint (service) each resource type talks to, by type prefix; the longest prefix wins. Every
# type in a configuration must be here: a service without an endpoint would be called at the real AWS.
SERVICE_OF = {
    "aws_acm_": "acm", "aws_autoscaling_": "autoscaling", "aws_cloudwatch_event_": "events",
    "aws_cloudwatch_log_": "logs", "aws_iam_": "iam", "aws_kms_": "kms", "aws_lb": "elbv2", "aws_alb": "elbv2",
    "aws_elb": "elb", "aws_route53_": "route53", "aws_s3_": "s3", "aws_sqs_": "sqs", "aws_ssm_": "ssm",
    "aws_caller_identity": "sts", "aws_partition": "sts", "aws_region": "sts",
    **dict.fromkeys(("aws_vpc", "aws_subnet", "aws_route", "aws_route_table", "aws_internet_gateway",
                     "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_security_group",
                     "aws_default_security_group", "aws_network_", "aws_ebs_", "aws_key_pair", "aws_launch_template",
                     "aws_ami", "aws_flow_log", "aws_ec2_", "aws_availability_zone", "aws_instance"), "ec2"),
}
SERVICES = tuple(sorted(set(SERVICE_OF.values())))


def service_of(tf_type: str) -> str | None:
    matches = [prefix for prefix in SERVICE_OF if tf_type.startswith(prefix)]
    return SERVICE_OF[max(matches, key=len)] if matches else None


# kops's test fixtures' fake AWS -> real-looking AWS that moto accepts.
FAKE_TO_REAL = (("us-test-1", REGION), ("arn:aws-test:", "arn:aws:"), ("000000000000", ACCOUNT_ID))


def realistic_text(text: str) -> str:
    for fake, real in FAKE_TO_REAL:
        text = text.replace(fake, real)
    return text


# --- inputs -------------------------------------------------------------------------------------------------------

def realistic_document(doc: Any) -> Any:
    return map_strings(doc, realistic_text)


def realistic_spec(source: Path, dest: Path, *, ids: dict[str, str] | None = None,
                   edit: Callable[[list[dict]], None] | None = None) -> Path:
    """Write `source` (a kops spec) to `dest` with a real region/partition/account, the state store in moto's
    S3 (s3://STATE_BUCKET/<cluster>), every string equal to a key of `ids` replaced by its value (placeholder
    IDs -> IDs of resources created in moto), then `edit(documents)` for anything else a test changes."""
    ids = ids or {}
    docs = [d for d in yaml.safe_load_all(Path(source).read_text()) if d]
    docs = [map_strings(d, lambda s: ids.get(realistic_text(s), realistic_text(s))) for d in docs]
    for doc in docs:
        if doc.get("kind") == "Cluster":
            doc["spec"]["configBase"] = f"s3://{STATE_BUCKET}/{doc['metadata']['name']}"
    if edit:
        edit(docs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return dest


def realistic_kops_output(case_dir: Path, dest: Path) -> Path:
    """A copy of kops's own `kubernetes.tf` and `data/` for a reference case, with real region/partition/account
    (file names included: the configuration names its data files)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "kubernetes.tf").write_text(realistic_text((case_dir / "kubernetes.tf").read_text()))
    for src in sorted((case_dir / "data").iterdir()):
        target = dest / "data" / realistic_text(src.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(realistic_text(src.read_text()).encode())
    return dest


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, (list, dict)):
        items = value.values() if isinstance(value, dict) else value
        return set().union(set(), *(_strings(v) for v in items))
    return set()


_ARN = re.compile(r"^arn:aws:(?P<service>[a-z0-9-]+):[^:]*:[0-9]*:(?P<resource>.+)$")


def provision_existing(server: MotoServer, docs: list[dict]) -> dict[str, str]:
    """Create in moto what a (realistic) spec says exists already, and map each placeholder ID or ARN in it to
    the real one: a shared VPC and its internet gateway, security groups, elastic IPs, transit gateways, prefix
    lists, certificates, KMS keys, IAM policies, target groups; classic ELBs and buckets are created by name."""
    cluster = next(d for d in docs if d["kind"] == "Cluster")["spec"]
    groups = [d["spec"] for d in docs if d["kind"] == "InstanceGroup"]
    ec2 = server.client("ec2")
    ids: dict[str, str] = {}
    if cluster.get("networkID"):
        # a shared VPC with its internet gateway, as a network team would have made it before the cluster
        vpc = ec2.create_vpc(CidrBlock=cluster["networkCIDR"])["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "made-by-the-network-team"}])
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ids[cluster["networkID"]] = vpc
        ids.update(provision_shared_subnets(ec2, cluster, vpc, igw))
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    vpc_id = ids.get(cluster.get("networkID"), default_vpc)

    for value in sorted(_strings(docs)):
        arn = _ARN.match(value)
        if value.startswith("sg-"):
            ids[value] = ec2.create_security_group(GroupName=f"existing-{value}", Description="exists already",
                                                   VpcId=vpc_id)["GroupId"]
        elif value.startswith("eipalloc-"):
            ids[value] = ec2.allocate_address(Domain="vpc")["AllocationId"]
        elif value.startswith("tgw-"):
            ids[value] = ec2.create_transit_gateway(Description=value)["TransitGateway"]["TransitGatewayId"]
        elif value.startswith("pl-"):
            ids[value] = ec2.create_managed_prefix_list(PrefixListName=value, MaxEntries=5, AddressFamily="IPv4",
                                                        Entries=[{"Cidr": "10.99.0.0/16"}])["PrefixList"][
                "PrefixListId"]
        elif arn and arn["service"] == "acm":
            ids[value] = server.client("acm").request_certificate(DomainName="api.example.com")["CertificateArn"]
        elif arn and arn["service"] == "kms" and arn["resource"].startswith("key/"):
            ids[value] = server.client("kms").create_key(Description=value)["KeyMetadata"]["Arn"]
        elif arn and arn["service"] == "iam" and arn["resource"].startswith("policy/"):
            ids[value] = server.client("iam").create_policy(
                PolicyName=arn["resource"].rsplit("/", 1)[1],
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
        elif arn and arn["service"] == "elasticloadbalancing" and arn["resource"].startswith("targetgroup/"):
            ids[value] = server.client("elbv2").create_target_group(
                Name=arn["resource"].split("/")[1], Protocol="TCP", Port=443, VpcId=vpc_id,
                TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]

    zone = next(s["zone"] for s in cluster["subnets"])
    for name in sorted({lb["loadBalancerName"] for g in groups for lb in g.get("externalLoadBalancers") or []
                        if lb.get("loadBalancerName")}):
        server.client("elb").create_load_balancer(
            LoadBalancerName=name, AvailabilityZones=[zone],
            Listeners=[{"Protocol": "TCP", "LoadBalancerPort": 443, "InstanceProtocol": "TCP", "InstancePort": 443}])
    access_log = ((cluster.get("api") or {}).get("loadBalancer") or {}).get("accessLog") or {}
    if access_log.get("bucket"):
        server.client("s3").create_bucket(Bucket=access_log["bucket"])
    return ids


NETWORK_TEAM_TAG = {"Key": "Name", "Value": "made-by-the-network-team"}


def provision_shared_subnets(ec2, cluster: dict, vpc: str, igw: str) -> dict[str, str]:
    """The existing subnets (`subnets[].id`) and NAT gateways (`egress: nat-...`) of a spec, made in the shared VPC
    as a network team lays them out: the utility (and public) subnets route to the internet gateway, each zone's
    NAT gateway has an Elastic IP and sits in the zone's utility subnet, and the zone's private subnets route
    through it. Every one is tagged as the network team's, like the VPC. Returns placeholder ID -> moto's ID."""
    ids: dict[str, str] = {}
    shared = [s for s in cluster["subnets"] if s.get("id")]
    for subnet in shared:
        ids[subnet["id"]] = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet["cidr"], AvailabilityZone=subnet["zone"],
                                              TagSpecifications=[{"ResourceType": "subnet",
                                                                  "Tags": [NETWORK_TEAM_TAG]}])["Subnet"]["SubnetId"]
    public = [s for s in shared if s["type"] in ("Utility", "Public")]
    if public:
        table = _route_table(ec2, vpc)
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        for subnet in public:
            ec2.associate_route_table(RouteTableId=table, SubnetId=ids[subnet["id"]])
    for zone in sorted({s["zone"] for s in shared if str(s.get("egress", "")).startswith("nat-")}):
        private = [s for s in shared if s["zone"] == zone and str(s.get("egress", "")).startswith("nat-")]
        utility = next(s for s in public if s["zone"] == zone)
        allocation = ec2.allocate_address(Domain="vpc", TagSpecifications=[
            {"ResourceType": "elastic-ip", "Tags": [NETWORK_TEAM_TAG]}])["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=ids[utility["id"]], AllocationId=allocation, TagSpecifications=[
            {"ResourceType": "natgateway", "Tags": [NETWORK_TEAM_TAG]}])["NatGateway"]["NatGatewayId"]
        table = _route_table(ec2, vpc)
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        for subnet in private:
            ids[subnet["egress"]] = nat
            ec2.associate_route_table(RouteTableId=table, SubnetId=ids[subnet["id"]])
    return ids


def _route_table(ec2, vpc: str) -> str:
    return ec2.create_route_table(VpcId=vpc, TagSpecifications=[
        {"ResourceType": "route-table", "Tags": [NETWORK_TEAM_TAG]}])["RouteTable"]["RouteTableId"]


def network_snapshot(server: MotoServer, vpc: str) -> dict[str, Any]:
    """Everything of a shared VPC's network as AWS describes it (tags, CIDRs, routes, associations, gateways,
    addresses), keyed by ID: equal snapshots mean nothing was changed, re-tagged, added or removed."""
    ec2 = server.client("ec2")
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]

    def tags(item: dict) -> list:
        return sorted((t["Key"], t["Value"]) for t in item.get("Tags", []))

    snapshot: dict[str, Any] = {}
    for v in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]:
        snapshot[v["VpcId"]] = (v["CidrBlock"], tags(v))
    for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]:
        snapshot[s["SubnetId"]] = (s["CidrBlock"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"], tags(s))
    for t in ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]:
        routes = sorted((r.get("DestinationCidrBlock", ""), r.get("GatewayId", ""), r.get("NatGatewayId", ""))
                        for r in t["Routes"])
        associations = sorted(a.get("SubnetId", "main") for a in t["Associations"])
        snapshot[t["RouteTableId"]] = (routes, associations, tags(t))
    for g in ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])[
            "InternetGateways"]:
        snapshot[g["InternetGatewayId"]] = (sorted(a["VpcId"] for a in g["Attachments"]), tags(g))
    for n in ec2.describe_nat_gateways(Filters=in_vpc)["NatGateways"]:
        snapshot[n["NatGatewayId"]] = (n["State"], n["SubnetId"],
                                       sorted(a["AllocationId"] for a in n["NatGatewayAddresses"]), tags(n))
    for a in ec2.describe_addresses()["Addresses"]:
        snapshot[a["AllocationId"]] = (a["PublicIp"], tags(a))
    return snapshot


# --- reading the rendered configuration ---------------------------------------------------------------------------

@dataclass
class Config:
    """The parts of a Terraform configuration (HCL or JSON) the moto run needs, one shape for both formats."""

    resources: dict[str, dict] = field(default_factory=dict)      # "aws_vpc.label" -> body
    data_sources: dict[str, dict] = field(default_factory=dict)   # "aws_vpc.label" -> body (no "data." prefix)
    providers: dict[str | None, dict] = field(default_factory=dict)  # `provider "aws"` bodies by alias

    @property
    def provider_aliases(self) -> list[str | None]:
        return sorted(self.providers, key=lambda a: (a is not None, a or ""))

    def of_type(self, tf_type: str) -> dict[str, dict]:
        return {a: b for a, b in self.resources.items() if a.split(".", 1)[0] == tf_type}


def blocks(value: Any) -> list[dict]:
    """Nested blocks as a list of bodies (python-hcl2 gives a list, Terraform JSON a single object or a list)."""
    if value is None:
        return []
    return [value] if isinstance(value, dict) else list(value)


def _add_json(config: Config, doc: dict) -> None:
    for section, target in (("resource", config.resources), ("data", config.data_sources)):
        for tf_type, labelled in doc.get(section, {}).items():
            for label, body in labelled.items():
                target[f"{tf_type}.{label}"] = body
    for body in blocks(doc.get("provider", {}).get("aws")):
        config.providers[body.get("alias")] = body


def _add_hcl(config: Config, parsed: dict) -> None:
    config.resources.update(hcl.resources(parsed))
    config.data_sources.update({a.removeprefix("data."): b for a, b in hcl.data_sources(parsed).items()})
    for entry in parsed.get("provider", []):
        if "aws" in entry:
            config.providers[entry["aws"].get("alias")] = entry["aws"]


def read_config(workdir: Path) -> Config:
    config = Config()
    for path in sorted(workdir.glob("*.tf")) + sorted(workdir.glob("*.tf.json")):
        if path.name.endswith(("_override.tf", "_override.tf.json")) or path.name in ("override.tf",):
            continue
        if path.suffix == ".json":
            _add_json(config, json.loads(path.read_text()))
        else:
            _add_hcl(config, hcl.parse_file(path))
    return config


def _literal(value: Any) -> bool:
    return isinstance(value, str) and "${" not in value


# --- prerequisites in moto ------------------------------------------------------------------------------------------

def _common_domain(names: list[str]) -> str:
    split = [n.rstrip(".").split(".") for n in names]
    common: list[str] = []
    for labels in zip(*(reversed(s) for s in split)):
        if len(set(labels)) != 1:
            break
        common.append(labels[0])
    if len(common) < 2:  # never a bare TLD
        common = list(reversed(split[0][1:]))
    return ".".join(reversed(common))


def create_prerequisites(server: MotoServer, config: Config) -> dict[str, str]:
    """Create what the configuration expects to exist already: state-store buckets and hosted zones.
    Returns {zone id written in the configuration: zone id moto chose}."""
    s3 = server.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in sorted({b["bucket"] for b in config.of_type("aws_s3_object").values() if _literal(b.get("bucket"))}):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)

    route53 = server.client("route53")
    zone_ids: dict[str, str] = {}
    records_by_zone: dict[str, list[str]] = {}
    for body in config.of_type("aws_route53_record").values():
        if _literal(body.get("zone_id")):
            records_by_zone.setdefault(body["zone_id"], []).append(body["name"])
    for written, names in sorted(records_by_zone.items()):
        zone_ids[written] = _create_zone(route53, _common_domain(names))
    for address, body in sorted(config.data_sources.items()):
        if address.startswith("aws_route53_zone.") and _literal(body.get("name")):
            _create_zone(route53, body["name"], private=bool(body.get("private_zone")), server=server)
    return zone_ids


def check_images(server: MotoServer, config: Config) -> None:
    """Every plan-time AMI lookup (`data "aws_ami"`) finds an image in moto's catalogue, as rendered: the lookup
    itself is under test, so it is not redirected. A missing image is a missing test fixture: say which."""
    ec2 = server.client("ec2")
    for address, body in sorted(config.data_sources.items()):
        if not address.startswith("aws_ami."):
            continue
        filters = [{"Name": f["name"], "Values": list(f["values"])} for f in blocks(body.get("filter"))]
        if not ec2.describe_images(Owners=list(body.get("owners") or []), Filters=filters)["Images"]:
            raise AssertionError(f"data.{address} (owners {body.get('owners')}, filters {filters}) finds no image in "
                                 "moto: add it to IMAGES in tests/support/moto.py")


def _create_zone(route53, name: str, private: bool = False, server: MotoServer | None = None) -> str:
    """A hosted zone as its owner made it. AWS creates a private zone only together with a VPC it answers in
    (moto would take none): here a VPC of the owner's own, so that the cluster's association is never the
    zone's last, which AWS refuses to remove."""
    vpc = {}
    if private:
        assert server is not None
        owner_vpc = server.client("ec2").create_vpc(CidrBlock="10.255.0.0/16")["Vpc"]["VpcId"]
        vpc = {"VPC": {"VPCRegion": server.region, "VPCId": owner_vpc}}
    response = route53.create_hosted_zone(Name=name, CallerReference=f"kopsgen-test-{name}-{time.monotonic_ns()}",
                                          HostedZoneConfig={"Comment": "kopsgen test", "PrivateZone": private}, **vpc)
    return response["HostedZone"]["Id"]


# --- the override file ----------------------------------------------------------------------------------------------

def _expr_or_value(value: Any) -> Any:
    """A parsed attribute value back into the HCL writer's model (`${x}` -> Expr, nested blocks -> Blocks)."""
    if isinstance(value, str):
        m = re.fullmatch(r"\$\{(.*)\}", value, re.S)
        return Expr(m.group(1)) if m and "${" not in m.group(1) else value
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return Blocks(tuple({k: _expr_or_value(v) for k, v in b.items()} for b in value))
    if isinstance(value, dict):
        return Blocks.of({k: _expr_or_value(v) for k, v in value.items()})
    return value


@dataclass
class _Override:
    comment: str
    block: TopLevel


# Provider settings that pick credentials from the machine (a spec's `providerExtraConfig` may set them): unset.
MACHINE_CREDENTIALS = ("profile", "shared_config_files", "shared_credentials_files")


def _provider_blocks(server: MotoServer, config: Config) -> list[_Override]:
    out = []
    for alias in config.provider_aliases:
        body: dict[str, Any] = {
            "access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
            "skip_credentials_validation": True, "skip_requesting_account_id": True,
            "skip_metadata_api_check": True, "skip_region_validation": True,
            "s3_use_path_style": True,
            # one HTTP 500 from moto would otherwise make the provider retry for over 15 minutes
            "max_retries": 2,
            "endpoints": Blocks.of({service: server.endpoint for service in SERVICES}),
        }
        if alias:
            body["alias"] = alias
        comment = f"every service of the {alias or 'default'} provider at moto, with test credentials"
        unset = [key for key in MACHINE_CREDENTIALS if key in config.providers[alias]]
        if unset:
            body.update(dict.fromkeys(unset, None))
            comment += f"; {', '.join(unset)} unset (they name this machine's AWS configuration)"
        out.append(_Override(comment, TopLevel("provider", ("aws",), body)))
    return out


def _resource_blocks(config: Config, zone_ids: dict[str, str]) -> list[_Override]:
    by_address: dict[str, tuple[list[str], dict]] = {}  # one override block per resource, its reasons as comments

    def add(comment: str, address: str, body: dict) -> None:
        comments, merged = by_address.setdefault(address, ([], {}))
        comments.append(comment)
        merged.update(body)

    def ignore(address: str, attrs: list[str]) -> dict:
        existing = [a for lc in blocks(config.resources[address].get("lifecycle"))
                    for a in lc.get("ignore_changes", [])]
        names = sorted({a.strip("${}") for a in existing} | set(attrs))
        return {"lifecycle": Blocks.of({"ignore_changes": [Static(n) for n in names]})}

    for address, body in sorted(config.of_type("aws_subnet").items()):
        if body.get("private_dns_hostname_type_on_launch") == "resource-name":
            add("moto ignores private_dns_hostname_type_on_launch, so waiting for \"resource-name\" times out after "
                "5 minutes", address, {"private_dns_hostname_type_on_launch": "ip-name"})

    for address, body in sorted(config.of_type("aws_launch_template").items()):
        mappings = blocks(body.get("block_device_mappings"))
        kept = [m for m in mappings if not m.get("virtual_name")]
        if len(kept) != len(mappings):
            if not kept:
                raise ValueError(f"{address}: only instance-store mappings, which an override cannot remove")
            # an override's nested blocks replace all the original's blocks of that type: restate the others
            add("moto's RunInstances crashes (KeyError: 'Ebs') on an instance-store mapping: drop it",
                address, {"block_device_mappings": _expr_or_value(kept)})
        add("moto adds a tag_specifications block for resource_type \"launch-template\"", address,
            ignore(address, ["tag_specifications"]))

    for address, body in sorted(config.of_type("aws_lb").items()):
        if any(m.get("allocation_id") for m in blocks(body.get("subnet_mapping"))):
            add("moto does not return a subnet mapping's allocation_id (the elastic IP of an NLB), so the mapping "
                "would always look changed", address, ignore(address, ["subnet_mapping"]))

    for address in sorted(config.of_type("aws_autoscaling_lifecycle_hook")):
        add("moto returns hard-coded notification_target_arn and role_arn for lifecycle hooks", address,
            ignore(address, ["notification_target_arn", "role_arn"]))

    for address in sorted(config.of_type("aws_vpc_dhcp_options")):
        add("moto drops the tags of DHCP options", address, ignore(address, ["tags"]))

    for address, body in sorted(config.of_type("aws_route53_record").items()):
        if body.get("zone_id") in zone_ids:
            add("moto chooses hosted zone IDs itself: the zone created for this test", address,
                {"zone_id": zone_ids[body["zone_id"]]})
    return [_Override("\n# ".join(comments), TopLevel("resource", tuple(address.split(".", 1)), body))
            for address, (comments, body) in by_address.items()]


def write_override(workdir: Path, server: MotoServer, config: Config, zone_ids: dict[str, str]) -> Path:
    parts = [
        "# Written by the kopsgen tests to run this configuration against a moto server; not part of the output.\n",
    ]
    for item in _provider_blocks(server, config) + _resource_blocks(config, zone_ids):
        parts.append(f"\n# {item.comment}\n" + to_hcl([item.block]))
    path = workdir / OVERRIDE_FILE
    path.write_text("".join(parts))
    return path


def check_services(config: Config) -> None:
    """Refuse a configuration with a resource type whose service has no endpoint at moto."""
    types = {a.split(".", 1)[0] for a in [*config.resources, *config.data_sources]}
    unknown = sorted(t for t in types if service_of(t) is None)
    if unknown:
        raise AssertionError(f"no moto endpoint for {unknown}: add each type's service to SERVICE_OF in "
                             "tests/support/tfmoto.py (else the provider would call the real AWS)")


def prepare(workdir: Path, server: MotoServer) -> Config:
    """Create the prerequisites in moto and write the override file; the configuration as read."""
    config = read_config(workdir)
    check_services(config)
    zone_ids = create_prerequisites(server, config)
    check_images(server, config)
    write_override(workdir, server, config, zone_ids)
    return config


# --- running terraform ----------------------------------------------------------------------------------------------

@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, step: str, fn: Callable, *args, **kwargs):
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            self.seconds[step] = round(time.monotonic() - start, 1)


def apply(workdir: Path, timeout: int = 1200) -> None:
    terraform.run(workdir, "apply", "-auto-approve", "-input=false", "-no-color", timeout=timeout)


def plan_exit_code(workdir: Path) -> tuple[int, str]:
    """`terraform plan -detailed-exitcode`: 0 no changes, 2 changes (the plan text is returned), 1 error."""
    proc = terraform.run(workdir, "plan", "-detailed-exitcode", "-input=false", "-no-color", check=False)
    return proc.returncode, proc.stdout + proc.stderr


def destroy(workdir: Path, timeout: int = 1200, check: bool = True) -> None:
    terraform.run(workdir, "destroy", "-auto-approve", "-input=false", "-no-color", timeout=timeout, check=check)


def state_addresses(workdir: Path) -> list[str]:
    proc = terraform.run(workdir, "state", "list", check=False)
    return [line for line in proc.stdout.splitlines() if line.strip()]
