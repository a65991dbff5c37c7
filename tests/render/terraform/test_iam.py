"""IAM conformance with kops's reference cases, and the real terraform on the rendered IAM.

For every case: the same aws_iam_* addresses with the same attributes, every policy document equal to
kops's as a set of statements (tests/support/iam_policies.py says what is normalised and why), no more
statements on `Resource: "*"` than kops has, none with `Action: "*"`, and kops's IAM outputs.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path

import pytest

from kopsgen import pipeline
from kopsgen.ir import naming
from kopsgen.output import write_output
from kopsgen.render.terraform.naming import terraform_label
from kopsgen.spec.api.network import aws_partition
from tests.support import hcl, terraform
from tests.support.iam_policies import (
    KopsFixture, action_wildcards, resource_wildcard_count, statement_set,
)
from tests.support.paths import REFERENCE, case_input, reference_cases
from tests.support.spec_edit import cluster_spec, edited_spec
from tests.support.sessions import session

DOCUMENT_ATTRIBUTES = ("policy", "assume_role_policy")
DATA_FILE = re.compile(r'\$\{path\.module\}/(data/[^"]+)"')
TEMPLATE_VARIABLES = re.compile(r"\{([^{}]*)\}\)\}$")
IAM_OUTPUT = re.compile(r"_role_(arn|name)$|^iam_openid_connect_provider_")


@functools.lru_cache(maxsize=None)
def _render(case: str) -> dict[str, bytes]:
    return pipeline.render(session(pipeline.load_spec([case_input(case)])), "terraform")


@functools.lru_cache(maxsize=None)
def _parsed(case: str) -> dict:
    """Our kubernetes.tf, parsed (python-hcl2 takes seconds on a whole cluster: once per case)."""
    return hcl.parse(_render(case)["kubernetes.tf"].decode())


@functools.lru_cache(maxsize=None)
def _parsed_kops(case: str) -> dict:
    return hcl.parse_file(REFERENCE / case / "kubernetes.tf")


def _iam(resources: dict) -> dict:
    return {a: body for a, body in resources.items() if a.startswith("aws_iam_")}


def _kopsgen_additions(case: str) -> set[str]:
    """IAM resources kopsgen makes and kops does not: the VPC flow logs' delivery role and its policy
    (model/flowlogs.py), for a VPC kopsgen creates."""
    spec = pipeline.load_spec([case_input(case)])
    if spec.cluster.network_id:
        return set()
    label = terraform_label(naming.flow_logs(spec.cluster.name))
    return {f"aws_iam_role.{label}", f"aws_iam_role_policy.{label}"}


def _ours_like_kops(case: str) -> dict:
    """Our IAM resources without kopsgen's additions (which must be there)."""
    ours = _iam(hcl.resources(_parsed(case)))
    additions = _kopsgen_additions(case)
    assert additions <= set(ours), sorted(additions - set(ours))
    return {a: body for a, body in ours.items() if a not in additions}


def _tightened(case: str) -> dict[str, str]:
    """Actions kops grants on `*` that kopsgen grants on one resource only (least privilege, issue 7), with
    that resource: the termination handler's queue calls on the cluster's queue, and the cloud controller's
    service-linked role on the load balancers' role."""
    spec = pipeline.load_spec([case_input(case)])
    partition = aws_partition(spec.cluster.region)
    queue = f"arn:{partition}:sqs:{spec.cluster.region}:*:{naming.nth_queue(spec.cluster.name)}"
    tightened = {"sqs:DeleteMessage": queue, "sqs:ReceiveMessage": queue,
                 "iam:CreateServiceLinkedRole": f"arn:{partition}:iam::*:role/aws-service-role/"
                                                "elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"}
    if spec.cluster.networking.kind == "calico":
        # Calico's source/destination check: network interfaces of the region only
        tightened["ec2:ModifyNetworkInterfaceAttribute"] = \
            f"arn:{partition}:ec2:{spec.cluster.region}:*:network-interface/*"
    return tightened


def _as_tightened(document: dict, tightened: dict[str, str]) -> dict:
    """kops's document as kopsgen writes it: the tightened actions moved out of the statements that grant
    them on `*`, into one statement per resource."""
    statements, moved = [], {}
    for statement in document["Statement"]:
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        narrowed = [a for a in actions if a in tightened]
        if not narrowed or resources != ["*"] or "Condition" in statement:
            statements.append(statement)
            continue
        for action in narrowed:
            moved.setdefault(tightened[action], set()).add(action)
        rest = [a for a in actions if a not in tightened]
        if rest:
            statements.append({**statement, "Action": rest})
    for resource, actions in sorted(moved.items()):
        statements.append({"Action": sorted(actions), "Effect": "Allow", "Resource": [resource]})
    return {**document, "Statement": statements}


def _kops_zone_id(case: str) -> str | None:
    """The hosted zone kops's mock cloud found for the case (it records it in the completed spec)."""
    spec = (REFERENCE / case / "data" / "aws_s3_object_cluster-completed.spec_content").read_text()
    match = re.search(r"^  dnsZone: (\S+)$", spec, re.M)
    return match.group(1) if match else None


def _fixture(case: str) -> KopsFixture:
    spec = pipeline.load_spec([case_input(case)])
    bucket = spec.cluster.config_base.bucket if spec.cluster.config_base.scheme == "memfs" else None
    values = {}
    zone = _kops_zone_id(case)
    # the only apply-time value the reference cases use: the zone, looked up by name in our output
    data = hcl.data_sources(_parsed(case))
    if zone and any(a.startswith("data.aws_route53_zone.") for a in data):
        values["hosted_zone_id"] = zone
    return KopsFixture(bucket, values)


def _document_file(expression: str) -> str:
    match = DATA_FILE.search(expression)
    assert match, f"policy not read from a data file: {expression}"
    return match.group(1)


def _documents(case: str) -> list[tuple[str, dict, dict]]:
    """(data file, our document, kops's document) for every policy document kops writes for the case."""
    files = _render(case)
    fixture = _fixture(case)
    out = []
    for path in sorted((REFERENCE / case / "data").glob("aws_iam_*")):
        key = f"data/{path.name}"
        assert key in files, f"{case}: kops writes {key}, we do not"
        out.append((key, fixture.ours(files[key].decode()), fixture.kops(path.read_text())))
    return out


def test_iam_addresses_and_attributes_match_kops(case):
    ours = _ours_like_kops(case)
    kops = _iam(hcl.resources(_parsed_kops(case)))
    assert sorted(ours) == sorted(kops)
    for address, kops_body in kops.items():
        assert set(ours[address]) == set(kops_body), address
        for attribute, value in kops_body.items():
            if attribute in DOCUMENT_ATTRIBUTES:
                # compared as documents below; here: the same data file, read at apply time
                assert _document_file(ours[address][attribute]) == _document_file(value), (address, attribute)
            else:
                assert ours[address][attribute] == value, (address, attribute)


def test_no_iam_data_file_kops_does_not_write(case):
    added = {_document_file(body[attribute]) for address, body in _iam(hcl.resources(_parsed(case))).items()
             if address in _kopsgen_additions(case) for attribute in DOCUMENT_ATTRIBUTES if attribute in body}
    ours = {k for k in _render(case) if k.startswith("data/aws_iam")} - added
    kops = {f"data/{p.name}" for p in (REFERENCE / case / "data").glob("aws_iam*")}
    assert ours == kops


def test_templated_documents_only_use_values_defined_in_the_output(case):
    """A document read with templatefile gets exactly the variables it uses, from resources we output."""
    parsed = _parsed(case)
    addresses = set(hcl.resources(parsed)) | set(hcl.data_sources(parsed))
    for address, body in _iam(hcl.resources(parsed)).items():
        for attribute in DOCUMENT_ATTRIBUTES:
            expression = body.get(attribute)
            if not expression or "templatefile(" not in expression:
                continue
            document = _render(case)[_document_file(expression)].decode()
            used = set(re.findall(r"(?<!\$)\$\{(\w+)\}", document))
            given = dict(re.findall(r"(\w+) = ([\w.-]+)", TEMPLATE_VARIABLES.search(expression).group(1)))
            assert used == set(given), (address, used, given)
            for value in given.values():
                assert value.rsplit(".", 1)[0] in addresses, (address, value)


def test_policy_documents_equal_kops_as_statement_sets(case):
    report = []
    for key, ours, kops in _documents(case):
        ours_set, kops_set = statement_set(ours), statement_set(_as_tightened(kops, _tightened(case)))
        report.append(f"{case}: {key}: {'equal' if ours_set == kops_set else 'DIFFERENT'} "
                      f"({len(ours_set)} statements, kops {len(kops_set)})")
        assert ours_set == kops_set, (key, sorted(ours_set - kops_set), sorted(kops_set - ours_set))
    print("\n".join(report))


def _wildcard_actions(document: dict) -> set[str]:
    """Actions granted on `Resource: "*"` without a condition (what a scanner calls unconstrained)."""
    found = set()
    for statement in document["Statement"]:
        resources = statement.get("Resource", [])
        if "*" in (resources if isinstance(resources, list) else [resources]) and "Condition" not in statement:
            actions = statement.get("Action", [])
            found |= set(actions if isinstance(actions, list) else [actions])
    return found


def test_resource_wildcard_statements_no_more_than_kops(case):
    ours_total = kops_total = ours_actions = kops_actions = 0
    for key, ours, kops in _documents(case):
        ours_total += resource_wildcard_count(ours)
        kops_total += resource_wildcard_count(kops)
        ours_actions += len(_wildcard_actions(ours))
        kops_actions += len(_wildcard_actions(kops))
    print(f"{case}: statements on Resource '*': ours {ours_total}, kops {kops_total}; "
          f"actions on '*' without a condition: ours {ours_actions}, kops {kops_actions}")
    assert ours_total <= kops_total
    assert ours_actions < kops_actions   # kopsgen narrows some of kops's grants (_tightened)


def test_no_statement_allows_every_action(case):
    for key, body in _render(case).items():
        if key.startswith("data/aws_iam"):
            document = json.loads(body.decode())
            assert action_wildcards(document) == [], key


def test_iam_outputs_match_kops(case):
    def iam_locals(parsed: dict) -> dict:
        merged = {k: v for block in parsed.get("locals", []) for k, v in block.items()}
        return {k: v for k, v in merged.items() if IAM_OUTPUT.search(k)}

    ours = iam_locals(_parsed(case))
    kops = iam_locals(_parsed_kops(case))
    assert ours == kops


# ---------------------------------------------------------------- the real terraform

needs_terraform = pytest.mark.skipif(not terraform.terraform_available(), reason="terraform is not installed")


def _write(case: str, dest: Path) -> Path:
    write_output(dest, _render(case))
    return dest


@needs_terraform
def test_terraform_validates_rendered_iam_of_one_case(tmp_path):
    """The quick check (other developers' resources are in the same output: validate whatever is there)."""
    out = _write("privatecalico", tmp_path / "out")
    terraform.init(out)
    terraform.validate(out)


@needs_terraform
@pytest.mark.slow
def test_terraform_validates_every_reference_case(tmp_path):
    for case in reference_cases():
        out = _write(case, tmp_path / case)
        terraform.init(out)
        terraform.validate(out)


@needs_terraform
def test_terraform_templatefile_fills_in_the_hosted_zone(tmp_path):
    """Terraform itself renders a templated policy into the JSON kops writes (the zone filled in)."""
    case = "minimal-1.36"
    files = _render(case)
    key = "data/aws_iam_role_policy_masters.minimal.example.com_policy"
    (tmp_path / "policy").write_bytes(files[key])
    proc = subprocess.run(["terraform", "console"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          input='jsonencode(jsondecode(templatefile("policy", { hosted_zone_id = "Z1AFAKE1ZON3YO" })))\n')
    assert proc.returncode == 0, proc.stderr
    rendered = json.loads(json.loads(proc.stdout.strip()))
    kops = KopsFixture("tests").kops((REFERENCE / case / "data" / key.removeprefix("data/")).read_text())
    assert statement_set(rendered) == statement_set(_as_tightened(kops, _tightened(case)))


# policies AWS manages (account "aws"), attached like the account's own
AWS_MANAGED_READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
AWS_MANAGED_S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def _irsa_spec(tmp_path: Path):
    """Everything IAM can render beyond the reference cases: the OIDC provider, addon and user
    service-account roles (one trusting the provider we create is not possible together with one that
    does not, so the user roles here trust it too), attachments and additional policies."""
    def edit(docs):
        spec = cluster_spec(docs)
        spec["iam"]["useServiceAccountExternalPermissions"] = True
        spec["iam"]["serviceAccountExternalPermissions"] = [
            {"name": "app", "namespace": "team-*", "aws": {"policyARNs": ["arn:aws:iam::123456789012:policy/read-only",
                                                                          AWS_MANAGED_S3_READ]}},
            {"name": "reader", "namespace": "team-*", "aws": {"inlinePolicy": '[{"Effect": "Allow", "Action": '
                                                                              '"s3:GetObject", "Resource": '
                                                                              '"arn:aws:s3:::b/${aws:username}/*"}]'}}]
        spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://oidc-bucket/minimal.example.com",
                                                 "enableAWSOIDCProvider": True}
        spec["externalPolicies"] = {"node": ["arn:aws:iam::123456789012:policy/ssm-core", AWS_MANAGED_READ_ONLY]}
        spec["additionalPolicies"] = {"master": '[{"Effect": "Allow", "Action": "logs:PutLogEvents", '
                                                '"Resource": "*"}]'}
    return edited_spec("minimal-1.36", tmp_path, edit)


def test_service_account_roles_render_with_the_provider_arn(tmp_path):
    files = pipeline.render(session(_irsa_spec(tmp_path)), "terraform")
    resources = hcl.resources(hcl.parse(files["kubernetes.tf"].decode()))
    provider = resources["aws_iam_openid_connect_provider.minimal-example-com"]
    assert provider["url"] == "https://oidc-bucket.s3.us-test-1.amazonaws.com/minimal.example.com"
    assert provider["thumbprint_list"] == ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
                                           "a9d53002e97e00e043244f3d170d6f4c414104fd"]
    role = resources["aws_iam_role.dns-controller-kube-system-sa-minimal-example-com"]
    assert role["assume_role_policy"] == (
        '${templatefile("${path.module}/data/aws_iam_role_dns-controller.kube-system.sa.minimal.example.com_policy", '
        '{oidc_provider_arn = aws_iam_openid_connect_provider.minimal-example-com.arn})}')
    attachments = {a: body for a, body in resources.items() if a.startswith("aws_iam_role_policy_attachment.")}
    assert {(body["role"], body["policy_arn"]) for body in attachments.values()} == {
        ("${aws_iam_role.nodes-minimal-example-com.name}", "arn:aws:iam::123456789012:policy/ssm-core"),
        ("${aws_iam_role.nodes-minimal-example-com.name}", AWS_MANAGED_READ_ONLY),
        ("${aws_iam_role.app-team-wildcard-sa-minimal-example-com.name}", "arn:aws:iam::123456789012:policy/read-only"),
        ("${aws_iam_role.app-team-wildcard-sa-minimal-example-com.name}", AWS_MANAGED_S3_READ)}
    assert "aws_iam_role_policy.additional-masters-minimal-example-com" in resources
    # a user policy is read with file(): its IAM policy variable stays literal
    user = files["data/aws_iam_role_policy_reader.team-wildcard.sa.minimal.example.com_policy"].decode()
    assert "arn:aws:s3:::b/${aws:username}/*" in user
    # an addon's pods get its role's ARN (which holds the account ID) from the role, when the file is written
    manifest = resources["aws_s3_object.minimal-example-com-addons-dns-controller-addons-k8s-io-k8s-1-12"]
    marker = "@@kopsgen:role-arn:dns-controller.kube-system.sa.minimal.example.com@@"
    assert manifest["content"] == (
        '${replace(file("${path.module}/data/aws_s3_object_minimal.example.com-addons-dns-controller.addons.k8s.io-'
        f'k8s-1.12_content"), "{marker}", aws_iam_role.dns-controller-kube-system-sa-minimal-example-com.arn)}}')
    assert marker.encode() in files["data/aws_s3_object_minimal.example.com-addons-dns-controller.addons.k8s.io-"
                                    "k8s-1.12_content"]


@needs_terraform
def test_terraform_validates_service_account_roles_and_attachments(tmp_path):
    out = tmp_path / "out"
    write_output(out, pipeline.render(session(_irsa_spec(tmp_path)), "terraform"))
    terraform.init(out)
    terraform.validate(out)


@needs_terraform
def test_terraform_keeps_literal_template_sequences_in_a_templated_policy(tmp_path):
    """A document holding both an apply-time value and a literal `${...}` (an IAM policy variable): the
    real templatefile fills in the one and leaves the other as written."""
    from kopsgen.ir.base import Graph, Ref
    from kopsgen.ir.iam import IamOidcProvider, IamRole
    from kopsgen.model.iam_policies import Policy
    from kopsgen.render.terraform.registry import MAPPERS, TfContext
    from awacs import s3

    policy = Policy("c.example.com", "aws", "us-east-1")
    provider = Ref(IamOidcProvider, "c.example.com", "arn")
    policy.allow([s3.GetObject], [f"{policy.link('oidc_provider_arn', provider)}/${{aws:username}}/%{{x}}"])
    document = policy.document()
    graph = Graph()
    graph.add(IamOidcProvider(name="c.example.com", url="https://x", client_ids=("a",), thumbprints=("t",)))
    role = graph.add(IamRole(name="r", assume_role_policy=document))
    ctx = TfContext(graph)
    body = MAPPERS[IamRole].fn(role, ctx)
    assert body["assume_role_policy"].text.startswith('templatefile("${path.module}/data/aws_iam_role_r_policy", ')
    (tmp_path / "policy").write_bytes(ctx.files["data/aws_iam_role_r_policy"])
    proc = subprocess.run(["terraform", "console"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          input='jsonencode(jsondecode(templatefile("policy", { oidc_provider_arn = "ARN" })))\n')
    assert proc.returncode == 0, proc.stderr
    rendered = json.loads(json.loads(proc.stdout.strip()))
    assert rendered["Statement"][0]["Resource"] == ["ARN/${aws:username}/%{x}"]


# ---------------------------------------------------------------- applied, on moto


def _irsa_edit(docs):
    spec = cluster_spec(docs)
    spec["iam"]["useServiceAccountExternalPermissions"] = True
    spec["serviceAccountIssuerDiscovery"] = {"discoveryStore": "s3://oidc-bucket/minimal.example.com",
                                             "enableAWSOIDCProvider": True}
    spec["externalPolicies"] = {"node": ["arn:aws:iam::123456789012:policy/ssm-core"]}


@needs_terraform
@pytest.mark.moto
@pytest.mark.slow
def test_iam_applies_on_moto_with_apply_time_values_filled_in(tmp_path, moto):
    """Apply the IAM resources (and what they read: the hosted zone, the OIDC provider) to moto, then read
    back from IAM what Terraform stored: the documents must be ours with the zone ID moto chose and the
    provider's ARN filled in, and a second plan must find nothing to change."""
    from tests.support import tfmoto

    source = tfmoto.realistic_spec(case_input("minimal-1.36"), tmp_path / "spec" / "cluster.yaml", edit=_irsa_edit)
    files = pipeline.render(session(pipeline.load_spec([source])), "terraform")
    out = tmp_path / "out"
    write_output(out, files)
    moto.client("iam").create_policy(PolicyName="ssm-core", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]}))
    tfmoto.prepare(out, moto)
    iam_addresses = sorted(a for a in hcl.resources(hcl.parse(files["kubernetes.tf"].decode()))
                           if a.startswith("aws_iam_"))
    targets = [f"-target={a}" for a in iam_addresses]
    terraform.init(out)
    terraform.run(out, "apply", "-auto-approve", "-input=false", "-no-color", *targets, timeout=900)

    iam = moto.client("iam")
    zone_id = moto.client("route53").list_hosted_zones()["HostedZones"][0]["Id"].split("/")[-1]
    provider_arn = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"][0]["Arn"]
    values = {"hosted_zone_id": zone_id, "oidc_provider_arn": provider_arn}
    for role in ("masters.minimal.example.com", "dns-controller.kube-system.sa.minimal.example.com"):
        stored = iam.get_role_policy(RoleName=role, PolicyName=role)["PolicyDocument"]
        ours = KopsFixture(None, values).ours(files[f"data/aws_iam_role_policy_{role}_policy"].decode())
        assert statement_set(stored) == statement_set(ours), role
        trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        ours = KopsFixture(None, values).ours(files[f"data/aws_iam_role_{role}_policy"].decode())
        assert statement_set(trust) == statement_set(ours), role
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="nodes.minimal.example.com")
            ["AttachedPolicies"]] == ["ssm-core"]
    assert iam.get_instance_profile(InstanceProfileName="nodes.minimal.example.com")["InstanceProfile"][
        "Roles"][0]["RoleName"] == "nodes.minimal.example.com"

    proc = terraform.run(out, "plan", "-detailed-exitcode", "-input=false", "-no-color", *targets, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
