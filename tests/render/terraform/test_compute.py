"""Instance groups, etcd volumes and the termination handler's queue, rendered to Terraform: kops's addresses
and attributes for every reference case (each difference named and explained below), the data files beside
them, and a spec using every instance-group feature through the real `terraform validate`."""

from __future__ import annotations

import copy
import functools
import json
import re

import pytest

from kopsgen import pipeline
from kopsgen.output import write_output
from tests.support import hcl, specs, terraform
from tests.support.paths import REFERENCE, case_input, reference_cases
from tests.support.specs import CLUSTER, instance_group
from tests.support.sessions import session

TYPES = ("aws_launch_template", "aws_autoscaling_group", "aws_autoscaling_lifecycle_hook", "aws_ebs_volume",
         "aws_sqs_queue", "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target")

# Where kopsgen deliberately writes something else than kops, and why.
AMI_LOOKUP = re.compile(r"^\$\{data\.aws_ami\.[A-Za-z0-9_-]+\.(id|root_device_name)\}$")
DELIBERATE = {
    # kops resolves the image by calling AWS while rendering (its tests mock every image as ami-12345678 with
    # root device /dev/xvda); kopsgen renders a `data "aws_ami"` lookup, resolved when the plan is made, and maps
    # the root volume to the device name the image itself reports.
    ("aws_launch_template", "image_id"): "image looked up at plan time",
    ("aws_launch_template", "block_device_mappings"): "root device name from the image lookup; "
                                                      "an extra volume's deleteOnTermination: false is honoured",
    # the bootstrap developer decides which groups get user data (kops gives a bastion none)
    ("aws_launch_template", "user_data"): "user data comes from kopsgen.bootstrap",
    # SQS server-side encryption with SQS-owned keys: kops leaves the queue unencrypted
    ("aws_sqs_queue", "sqs_managed_sse_enabled"): "queue encrypted",
}


def _render(case: str) -> dict[str, bytes]:
    return pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform")


@functools.lru_cache(maxsize=None)
def _ours_and_kops(case: str) -> tuple[dict, dict, dict[str, bytes]]:
    """Our resources of the types above, kops's, and our files; parsed once per case (parsing is the slow part).
    Callers must not change what they get."""
    files = _render(case)
    ours = hcl.resources(hcl.parse(files["kubernetes.tf"].decode()))
    kops = hcl.resources(hcl.parse_file(REFERENCE / case / "kubernetes.tf"))
    mine = lambda resources: {a: b for a, b in resources.items() if a.split(".")[0] in TYPES}  # noqa: E731
    return mine(ours), mine(kops), files


@pytest.mark.parametrize("case", reference_cases())
def test_addresses_match_kops(case):
    ours, kops, _ = _ours_and_kops(case)
    assert sorted(ours) == sorted(kops)


@pytest.mark.parametrize("case", reference_cases())
def test_attributes_match_kops_but_for_deliberate_differences(case):
    ours, kops, _ = _ours_and_kops(case)
    for address, theirs in kops.items():
        mine = ours[address]
        rtype = address.split(".")[0]
        for attr in sorted(set(mine) | set(theirs)):
            if (rtype, attr) not in DELIBERATE:
                assert mine.get(attr) == theirs.get(attr), (address, attr)
        _check_deliberate(rtype, address, mine, theirs)


def _check_deliberate(rtype: str, address: str, mine: dict, theirs: dict) -> None:
    """The deliberate differences are exactly the ones named: everything else in those attributes agrees."""
    if rtype == "aws_launch_template":
        assert theirs["image_id"] == "ami-12345678" and AMI_LOOKUP.match(mine["image_id"]), address
        root, *rest = copy.deepcopy(mine["block_device_mappings"])
        kops_root, *kops_rest = copy.deepcopy(theirs["block_device_mappings"])
        assert AMI_LOOKUP.match(root.pop("device_name")) and kops_root.pop("device_name") == "/dev/xvda"
        assert root == kops_root, address
        for device in kops_rest:   # kops's Terraform always writes true, whatever the spec says
            if "ebs" in device:
                device["ebs"][0]["delete_on_termination"] = None
        for device in rest:
            if "ebs" in device:
                device["ebs"][0]["delete_on_termination"] = None
        assert rest == kops_rest, address
        if "user_data" in theirs:
            assert mine["user_data"] == theirs["user_data"], address
    elif rtype == "aws_sqs_queue":
        assert mine["sqs_managed_sse_enabled"] is True and "sqs_managed_sse_enabled" not in theirs


def test_extra_volume_delete_on_termination_follows_the_spec():
    ours, kops, _ = _ours_and_kops("complex")
    extra = lambda r: next(d for d in r["aws_launch_template.nodes-complex-example-com"]["block_device_mappings"]  # noqa: E731
                           if d["device_name"] == "/dev/xvdd")["ebs"][0]["delete_on_termination"]
    assert (extra(ours), extra(kops)) == (False, True)   # the spec says deleteOnTermination: false


@pytest.mark.parametrize("case", reference_cases())
def test_event_patterns_and_queue_policy_files_match_kops(case):
    _, kops, files = _ours_and_kops(case)
    for address, rule in kops.items():
        if address.startswith("aws_cloudwatch_event_rule."):
            path = f"data/aws_cloudwatch_event_rule_{rule['name']}_event_pattern"
            assert json.loads(files[path]) == json.loads((REFERENCE / case / path).read_text()), path
        if address.startswith("aws_sqs_queue."):
            path = f"data/aws_sqs_queue_{rule['name']}_policy"
            ours, theirs = json.loads(files[path]), json.loads((REFERENCE / case / path).read_text())
            # kops names its own account and test partition; kopsgen leaves the account a wildcard (a queue
            # policy applies to its own queue only) and takes the partition from the region
            assert ours["Statement"][0].pop("Resource") == f"arn:aws:sqs:us-test-1:*:{rule['name']}"
            assert theirs["Statement"][0].pop("Resource").endswith(f":sqs:us-test-1:123456789012:{rule['name']}")
            assert ours == theirs


@pytest.mark.parametrize("case", reference_cases())
def test_user_data_is_written_where_the_template_reads_it(case):
    ours, _, files = _ours_and_kops(case)
    for address, template in ours.items():
        if address.startswith("aws_launch_template.") and "user_data" in template:
            path = re.search(r'filebase64\("\$\{path\.module\}/([^"]+)"\)', template["user_data"]).group(1)
            assert path == f"data/aws_launch_template_{template['name']}_user_data"
            assert files[path]


def test_image_lookup_renders_kops_owner_and_name_filter():
    files = _render("minimal-1.36")
    lookups = hcl.data_sources(hcl.parse(files["kubernetes.tf"].decode()))
    (address, lookup), = [(a, b) for a, b in lookups.items() if a.startswith("data.aws_ami.")]
    # kops splits `ubuntu/images/...` at the first slash: owner alias `ubuntu`, image name `images/...`
    assert lookup["owners"] == ["099720109477"]
    assert lookup["filter"] == [{"name": "name",
                                 "values": ["images/hvm-ssd-gp3/ubuntu-resolute-26.04-amd64-server-20220404"]}]
    assert lookup["most_recent"] is True


# ---------------------------------------------------------------- every feature, through terraform validate


def _every_feature(cluster: dict, groups: list[dict]) -> None:
    cluster["nodeTerminationHandler"] = {"enableRebalanceDraining": True}
    cluster["etcdClusters"][0]["etcdMembers"][0].update(volumeType="io2", volumeIops=3000, volumeSize=40,
                                                        kmsKeyId="arn:aws:kms:us-east-1:111122223333:key/k")
    groups[0]["spec"].update(image="ami-0123456789abcdef0", machineType="m3.medium", rootVolumeType="io1",
                             rootVolumeIops=400, rootVolumeOptimization=True)
    groups[1]["spec"].update(
        image="ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
        machineType="m5.large", maxPrice="0.10", minSize=0, maxSize=10, instanceRefresh={"enabled": True},
        suspendProcesses=["AZRebalance"], maxInstanceLifetime="168h", capacityRebalance=True,
        mixedInstancesPolicy={"instances": ["m5.large", "m5a.large"], "onDemandBase": 0, "onDemandAboveBase": 10,
                              "spotAllocationStrategy": "price-capacity-optimized"},
        taints=["dedicated=batch:NoSchedule"], nodeLabels={"workload": "batch"},
        volumes=[{"device": "/dev/xvdf", "size": 50, "type": "gp3", "throughput": 500, "iops": 4000,
                  "deleteOnTermination": False}],
        externalLoadBalancers=[{"loadBalancerName": "legacy-elb"},
                               {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:"
                                                  "targetgroup/web/0123456789abcdef"}])
    groups.append(instance_group("spot", "Node", ["us-east-1a"], image="my-own-image", machineType="t3.large",
                                 maxPrice="0.03", instanceInterruptionBehavior="stop", cpuCredits="standard",
                                 tenancy="default", detailedInstanceMonitoring=True,
                                 instanceMetadata={"httpTokens": "required", "httpPutResponseHopLimit": 2}))
    groups.append(instance_group("flex", "Node", ["us-east-1a"], machineType="m6i.large", maxSize=4,
                                 mixedInstancesPolicy={"instanceRequirements": {"cpu": {"min": "2", "max": "4"},
                                                                                "memory": {"min": "8Gi"}}}))
    groups.append(instance_group("warm", "Node", ["us-east-1a"], maxSize=5,
                                 warmPool={"minSize": 1, "maxSize": 3, "enableLifecycleHook": True}))


@pytest.fixture(scope="module")
def every_feature(tmp_path_factory) -> dict[str, bytes]:
    spec = specs.load(tmp_path_factory.mktemp("spec"), _every_feature)
    return {fmt: pipeline.render(session(spec), "terraform", fmt) for fmt in ("hcl", "json")}


def test_every_feature_renders_what_terraform_expects(every_feature):
    parsed = hcl.parse(every_feature["hcl"]["kubernetes.tf"].decode())
    resources, data = hcl.resources(parsed), hcl.data_sources(parsed)
    label = CLUSTER.replace(".", "-")
    nodes = resources[f"aws_autoscaling_group.nodes-{label}"]
    assert "launch_template" not in nodes and "desired_capacity" not in nodes
    policy = nodes["mixed_instances_policy"][0]
    assert [o["instance_type"] for o in policy["launch_template"][0]["override"]] == ["m5.large", "m5a.large"]
    assert policy["instances_distribution"][0]["spot_max_price"] == "0.10"
    assert nodes["instance_refresh"][0]["strategy"] == "Rolling"
    flex = resources[f"aws_autoscaling_group.flex-{label}"]["mixed_instances_policy"][0]["launch_template"][0]
    assert flex["override"] == [{"instance_requirements": [{"memory_mib": [{"min": 8590}],
                                                             "vcpu_count": [{"max": 4, "min": 2}]}]}]
    assert resources[f"aws_autoscaling_group.warm-{label}"]["warm_pool"] == [
        {"min_size": 1, "max_group_prepared_capacity": 3}]
    assert resources["aws_autoscaling_lifecycle_hook.kops-warmpool-warm"]["name"] == "kops-warmpool"
    spot = resources[f"aws_launch_template.spot-{label}"]
    assert spot["instance_market_options"][0]["spot_options"][0] == {"instance_interruption_behavior": "stop",
                                                                      "max_price": "0.03"}
    assert resources[f"aws_launch_template.nodes-{label}"].get("instance_market_options") is None
    ami = [b for a, b in data.items() if a.startswith("data.aws_ami.")]
    assert sorted(str(b.get("owners")) for b in ami) == ["None", "None", "['099720109477']", "['self']"]
    assert any(a.startswith("data.aws_ssm_parameter.") for a in data)
    assert f"aws_cloudwatch_event_rule.{label}-RebalanceRecommendation" in resources


@pytest.mark.parametrize("fmt", ["hcl", "json"])
def test_every_feature_passes_terraform_validate(every_feature, fmt, tmp_path):
    if not terraform.terraform_available():
        pytest.skip("terraform not on PATH")
    write_output(tmp_path / "out", every_feature[fmt])
    terraform.init(tmp_path / "out")
    result = json.loads(terraform.run(tmp_path / "out", "validate", "-json", "-no-color", check=False).stdout)
    assert result["valid"], result["diagnostics"]
    assert not result["diagnostics"], result["diagnostics"]   # no warnings either
    if fmt == "hcl":
        assert terraform.fmt_check(tmp_path / "out").returncode == 0
