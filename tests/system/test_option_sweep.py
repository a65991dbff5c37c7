"""Every option the schemas offer either renders in both targets or is refused cleanly.

For every supported field of schemas/cluster.schema.json and schemas/instancegroup.schema.json
(tests/support/option_sweep.py derives the values from the schemas), the value is set on the small
valid base spec (tests/support/spec_base.py: private topology, two zones, bastion, Calico, NLB) and the
real pipeline runs in this process: load -> complete -> build graph -> render Terraform and
CloudFormation -> the bootstrap's state-store files. The only acceptable outcomes are both renders, or
a SpecError whose every problem names the file, line and field, or a RenderError that says what is
wrong. Anything else (a KeyError deep in a builder, a troposphere TypeError, a duplicate resource in
the graph) is a bug, and the test shows which option reached it.

Many options only mean something next to another (the AWS Load Balancer Controller needs
cert-manager, Calico's vxlanMode needs encapsulationMode vxlan): DEPENDENCIES sets those companions,
so that the sweep gets past validation into the builders and renderers. FIELD_VALUES gives a value
where the schema's type says too little (a policy document is a string that must hold JSON).

The default run sets the first value of every field, one section of the spec (a top-level field, or
one choice of a field that holds one choice, such as networking.calico) at a time, and falls back to
single options for what a section's spec refuses; the slow run (`make test-slow`) sets every value
(both booleans, each enum value, the ends of each range) one at a time, and the instance group's
values on the control-plane and bastion groups as well.

What the options render must also be right, not only render: every distinct Terraform output of the
sections goes through the real `terraform validate` (as modules of one root), and every distinct
CloudFormation template through the real cfn-lint. Those take minutes for the ~75 distinct outputs of
each, so the default run checks the outputs of one shard of the sections (every SHARDS-th, in sorted
order) and the slow run those of the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.support import option_sweep as sweep
from tests.support.spec_base import BASE

IG = "nodes"  # the instance group an InstanceGroup option is set on (the slow run adds the others)
OTHER_GROUPS = ("control-plane-us-east-1a", "bastions")

POLICY = '[{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::demo-data/*"]}]'
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"

# Values for fields whose schema type says too little; keyed "Kind:path". Each is what a user would
# really write there (a CIDR inside the base spec's VPC, JSON in a policy string, ...).
FIELD_VALUES: dict[str, list[Any]] = {
    # a policy document is a string holding JSON
    "Cluster:spec.additionalPolicies": [{"node": POLICY}, {"master": POLICY}, {"bastion": POLICY}],
    "Cluster:spec.iam.serviceAccountExternalPermissions[0].aws.inlinePolicy": [POLICY],
    # a service account's permissions are a policy or policy ARNs (exactly one)
    "Cluster:spec.iam.serviceAccountExternalPermissions": [[{"name": "app", "namespace": "default",
                                                             "aws": {"policyARNs": [READ_ONLY]}}]],
    "Cluster:spec.iam.serviceAccountExternalPermissions[0].aws": [{"policyARNs": [READ_ONLY]}, {"inlinePolicy": POLICY}],
    # the load balancer's subnets are subnets of the cluster (utility ones for a public load balancer)
    "Cluster:spec.api.loadBalancer.subnets": [[{"name": "utility-us-east-1a"}, {"name": "utility-us-east-1b"}]],
    "Cluster:spec.api.loadBalancer.subnets[0].name": ["utility-us-east-1a"],
    "Cluster:spec.api.loadBalancer.subnets[0].privateIPv4Address": ["10.10.32.10"],
    # extra arguments of the aws provider blocks: arguments the provider has
    "Cluster:spec.target.terraform.providerExtraConfig": [{"skip_metadata_api_check": "true"}],
    "Cluster:spec.target.terraform.filesProviderExtraConfig": [{"profile": "state-store"}],
    "Cluster:spec.assets.fileRepository": ["https://artifacts.example.com/kops"],
    "Cluster:spec.assets.containerRegistry": ["registry.example.com"],
    # an addon channel manifest is a URL
    "Cluster:spec.addons[0].manifest": ["s3://demo-state/addons/example/addon.yaml"],
    # etcd backups are kept under the config base
    "Cluster:spec.etcdClusters[0].backups.backupStore": ["s3://demo-state/demo.example.com/backups/etcd/main"],
    # the first etcd cluster is "main", and its member runs on the control-plane group
    "Cluster:spec.etcdClusters[0].name": ["main"],
    "Cluster:spec.etcdClusters[0].etcdMembers[0].instanceGroup": ["control-plane-us-east-1a"],
    # a list the base spec already holds: its items are swept field by field; the list gains an item
    "Cluster:spec.etcdClusters": [[
        {"name": "main", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]},
        {"name": "events", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]},
        {"name": "leases", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]}]],
    "Cluster:spec.etcdClusters[0].etcdMembers": [[{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]],
    "Cluster:spec.subnets": [[
        {"name": "us-east-1a", "type": "Private", "zone": "us-east-1a", "cidr": "10.10.32.0/19"},
        {"name": "us-east-1b", "type": "Private", "zone": "us-east-1b", "cidr": "10.10.64.0/19"},
        {"name": "utility-us-east-1a", "type": "Utility", "zone": "us-east-1a", "cidr": "10.10.0.0/22"},
        {"name": "utility-us-east-1b", "type": "Utility", "zone": "us-east-1b", "cidr": "10.10.4.0/22"},
        {"name": "us-east-1c", "type": "Private", "zone": "us-east-1c", "cidr": "10.10.96.0/19"},
        {"name": "utility-us-east-1c", "type": "Utility", "zone": "us-east-1c", "cidr": "10.10.8.0/22"}]],
    "Cluster:spec.subnets[0].name": ["us-east-1a"],
    "Cluster:spec.subnets[0].cidr": ["10.10.32.0/20"],
    "Cluster:spec.subnets[0].region": ["us-east-1"],
    "Cluster:spec.subnets[0].zone": ["us-east-1a"],
    "Cluster:spec.networkCIDR": ["10.10.0.0/16"],
    # what the kube-apiserver and kube-controller-manager are told must agree with the cluster's ranges
    "Cluster:spec.kubeAPIServer.serviceClusterIPRange": ["100.64.0.0/13"],
    "Cluster:spec.kubeAPIServer.authorizationMode": ["Node,RBAC"],
    "Cluster:spec.kubeAPIServer.auditWebhookConfigFile": ["/srv/kubernetes/kube-apiserver/audit-webhook.yaml"],
    "Cluster:spec.kubeControllerManager.clusterCIDR": ["100.96.0.0/11"],
    "Cluster:spec.kubeDNS.serverIP": ["100.64.0.10"],
    "Cluster:spec.kubeDNS.stubDomains": [{"corp.example.com": ["10.10.0.2"]}],
    "Cluster:spec.kubeProxy.master": ["https://api.internal.demo.example.com"],
    "Cluster:spec.networking.calico.ipv4AutoDetectionMethod": ["first-found", "can-reach=8.8.8.8", "interface=eth.*"],
    "Cluster:spec.networking.calico.ipv6AutoDetectionMethod": ["first-found"],
    "Cluster:spec.networking.cilium.version": ["v1.18.4"],
    "Cluster:spec.serviceAccountIssuerDiscovery.discoveryStore": ["s3://demo-oidc/demo.example.com"],
    "Cluster:spec.serviceAccountIssuerDiscovery.discoveryService.url": ["https://oidc.example.com"],
    "Cluster:spec.serviceAccountIssuerDiscovery.discoveryService": [{"url": "https://oidc.example.com"}],
    "Cluster:spec.sysctlParameters": [["net.ipv4.tcp_keepalive_time=200"]],
    "Cluster:spec.topology.bastion.bastionPublicName": ["bastion.demo.example.com", "api.demo.example.com"],
    "InstanceGroup:spec.sysctlParameters": [["net.ipv4.tcp_keepalive_time=200"]],
    "InstanceGroup:spec.taints": [["dedicated=gpu:NoSchedule"]],
    "InstanceGroup:spec.subnets": [["us-east-1a"]],
    "InstanceGroup:spec.zones": [["us-east-1a", "us-east-1b"]],
    "InstanceGroup:spec.maxInstanceLifetime": ["168h", "0"],
    "InstanceGroup:spec.externalLoadBalancers": [[{"loadBalancerName": "legacy-ingress"}]],
}


@dataclass(frozen=True)
class Dependency:
    """What an option needs beside it: `edit(cluster_spec, group_spec)` before the option is set on
    specs whose option path starts with `prefix` (and `when` holds for its value)."""

    prefix: str
    edit: Callable[[dict, dict], None]
    why: str
    when: Callable[[sweep.Option], bool] = lambda option: True


def _set(path: str, value: Any, on: str = "cluster") -> Callable[[dict, dict], None]:
    """An edit setting a dotted path (on the Cluster's spec, or the swept group's) to `value`."""
    keys = path.split(".")

    def edit(cluster: dict, group: dict) -> None:
        here = cluster if on == "cluster" else group
        for key in keys[:-1]:
            here = here.setdefault(key, {})
        here[keys[-1]] = value

    return edit


def _both(*edits: Callable[[dict, dict], None]) -> Callable[[dict, dict], None]:
    def edit(cluster: dict, group: dict) -> None:
        for e in edits:
            e(cluster, group)
    return edit


def _not_under(*prefixes: str) -> Callable[[sweep.Option], bool]:
    return lambda option: not option.id.split("=", 1)[0].startswith(prefixes)


def _is(value: Any) -> Callable[[sweep.Option], bool]:
    return lambda option: option.value == value


CERT_MANAGER = _set("certManager.enabled", True)
IRSA = _both(_set("serviceAccountIssuerDiscovery.discoveryStore", "s3://demo-oidc/demo.example.com"),
             _set("serviceAccountIssuerDiscovery.enableAWSOIDCProvider", True),
             _set("iam.useServiceAccountExternalPermissions", True))
NO_KUBE_PROXY = _set("kubeProxy.enabled", False)
CILIUM_ETCD = _both(lambda c, g: c["etcdClusters"].append(
    {"name": "cilium", "etcdMembers": [{"name": "a", "instanceGroup": "control-plane-us-east-1a"}]}),
    _set("networking.cilium.etcdManaged", True))

# Companions learnt from validation's messages; each line says which rule of kops's it follows.
DEPENDENCIES = [
    # kops installs the AWS Load Balancer Controller's webhook certificate through cert-manager
    Dependency("Cluster:spec.awsLoadBalancerController", CERT_MANAGER, "the controller's webhook needs cert-manager"),
    # a secure metrics server, Hubble, the pod identity webhook and the snapshot controller get their
    # serving certificates from cert-manager
    Dependency("Cluster:spec.metricsServer", CERT_MANAGER, "a secure metrics server needs cert-manager"),
    Dependency("Cluster:spec.podIdentityWebhook", CERT_MANAGER, "the webhook's certificate comes from cert-manager"),
    Dependency("Cluster:spec.snapshotController", CERT_MANAGER, "the webhook's certificate comes from cert-manager"),
    Dependency("Cluster:spec.networking.cilium.hubble", CERT_MANAGER, "Hubble's TLS comes from cert-manager"),
    # DNS-01 challenges need cert-manager's own role (IRSA)
    Dependency("Cluster:spec.certManager.hostedZoneIDs", IRSA, "cert-manager's Route 53 access is through IRSA"),
    # permissions of service accounts are roles assumed through the cluster's OIDC issuer
    Dependency("Cluster:spec.iam.serviceAccountExternalPermissions", _both(IRSA, _set(
        "iam.serviceAccountExternalPermissions", [{"name": "app", "namespace": "default",
                                                   "aws": {"policyARNs": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}])),
        "a service account's role needs the OIDC provider", when=_not_under(
            "Cluster:spec.iam.serviceAccountExternalPermissions[0].aws.inlinePolicy")),
    Dependency("Cluster:spec.iam.serviceAccountExternalPermissions[0].aws.inlinePolicy", IRSA,
               "a service account's role needs the OIDC provider"),
    Dependency("Cluster:spec.iam.useServiceAccountExternalPermissions", IRSA,
               "IRSA needs a discovery store the OIDC provider reads", when=_is(True)),
    # the AWS OIDC provider reads the issuer's documents from a public store
    Dependency("Cluster:spec.serviceAccountIssuerDiscovery.enableAWSOIDCProvider",
               _set("serviceAccountIssuerDiscovery.discoveryStore", "s3://demo-oidc/demo.example.com"),
               "the OIDC provider needs a discovery store"),
    # aws-iam-authenticator reads identity mappings from its CRD
    Dependency("Cluster:spec.authentication.aws.identityMappings", _set("authentication.aws.backendMode", "CRD"),
               "identity mappings live in the CRD backend"),
    # the API load balancer's access logs go to a bucket; a TLS policy applies to a TLS listener
    Dependency("Cluster:spec.api.loadBalancer.accessLog", _set("api.loadBalancer.accessLog.bucket", "demo-lb-logs"),
               "access logs need a bucket", when=_not_under("Cluster:spec.api.loadBalancer.accessLog.bucket")),
    Dependency("Cluster:spec.api.loadBalancer.sslPolicy", _set(
        "api.loadBalancer.sslCertificate", "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd"),
        "an SSL policy applies to the TLS listener of a certificate"),
    # an address in a subnet is for an internal load balancer (in a private subnet); an Elastic IP for a
    # public one (in a utility subnet)
    Dependency("Cluster:spec.api.loadBalancer.subnets[0].privateIPv4Address", _both(
        _set("api.loadBalancer.type", "Internal"),
        _set("api.loadBalancer.subnets", [{"name": "us-east-1a", "privateIPv4Address": "10.10.32.10"}])),
        "privateIPv4Address is for Internal load balancers"),
    Dependency("Cluster:spec.api.loadBalancer.subnets[0]", _set("api.loadBalancer.subnets", [{
        "name": "utility-us-east-1a"}]), "a load balancer subnet is a utility subnet of the cluster",
        when=_not_under("Cluster:spec.api.loadBalancer.subnets[0].privateIPv4Address")),
    # containerd packages come as URL and hash pairs
    Dependency("Cluster:spec.containerd.packages", _both(
        _set("containerd.packages.urlAmd64", "https://example.com/containerd-amd64.tar.gz"),
        _set("containerd.packages.hashAmd64", "0" * 64),
        _set("containerd.packages.urlArm64", "https://example.com/containerd-arm64.tar.gz"),
        _set("containerd.packages.hashArm64", "1" * 64)), "set both url and hash"),
    Dependency("InstanceGroup:spec.containerd.packages", _both(
        _set("containerd.packages.urlAmd64", "https://example.com/containerd-amd64.tar.gz", on="group"),
        _set("containerd.packages.hashAmd64", "0" * 64, on="group"),
        _set("containerd.packages.urlArm64", "https://example.com/containerd-arm64.tar.gz", on="group"),
        _set("containerd.packages.hashArm64", "1" * 64, on="group")), "set both url and hash"),
    # a hook runs a systemd unit (manifest) or a container
    Dependency("Cluster:spec.hooks", _set("hooks", [{"manifest": "[Service]\nExecStart=/bin/true\n"}]),
               "a hook needs a manifest or an execContainer"),
    Dependency("InstanceGroup:spec.hooks", _set("hooks", [{"manifest": "[Service]\nExecStart=/bin/true\n"}],
                                                on="group"), "a hook needs a manifest or an execContainer"),
    # all etcd clusters run one etcd version
    Dependency("Cluster:spec.etcdClusters[0].version", lambda c, g: [e.update(version="3.5.21")
                                                                    for e in c["etcdClusters"]],
               "all etcd clusters run the same version"),
    # the flow logs' S3 destination needs its bucket (the schema's if/then)
    Dependency("Cluster:spec.kopsgen.flowLogs.destination", _set(
        "kopsgen.flowLogs.s3BucketARN", "arn:aws:s3:::demo-flow-logs"), "an S3 destination needs its bucket",
        when=_is("S3")),
    # an audit webhook needs the audit policy; the front proxy's certificate comes as a pair
    Dependency("Cluster:spec.kubeAPIServer.auditWebhookConfigFile",
               _set("kubeAPIServer.auditPolicyFile", "/srv/kubernetes/kube-apiserver/audit-policy.yaml"),
               "an audit webhook needs auditPolicyFile"),
    Dependency("Cluster:spec.kubeAPIServer.proxyClient", _both(
        _set("kubeAPIServer.proxyClientCertFile", "/srv/kubernetes/front-proxy.crt"),
        _set("kubeAPIServer.proxyClientKeyFile", "/srv/kubernetes/front-proxy.key")),
        "the front proxy's client certificate and key go together"),
    # pod networks that replace kube-proxy
    Dependency("Cluster:spec.networking.kuberouter", NO_KUBE_PROXY, "kube-router replaces kube-proxy"),
    Dependency("Cluster:spec.networking.calico.bpfEnabled", NO_KUBE_PROXY, "Calico's eBPF mode replaces kube-proxy",
               when=_is(True)),
    Dependency("Cluster:spec.networking.cilium.enableNodePort", NO_KUBE_PROXY, "Cilium's NodePort replaces "
               "kube-proxy", when=_is(True)),
    # Calico's VXLAN mode is a setting of its VXLAN encapsulation
    Dependency("Cluster:spec.networking.calico.vxlanMode", _set("networking.calico.encapsulationMode", "vxlan"),
               "vxlanMode needs encapsulationMode vxlan"),
    # Cilium: the L7 proxy needs Cilium's iptables rules; socket LB host-namespace-only is a mode of socket
    # LB; encryption is switched on and given a type together; a managed etcd is the "cilium" etcd cluster
    Dependency("Cluster:spec.networking.cilium.IPTablesRulesNoinstall", _set("networking.cilium.enableL7Proxy",
                                                                             False), "the L7 proxy needs iptables",
               when=_is(True)),
    Dependency("Cluster:spec.networking.cilium.bpfLBSockHostNSOnly", _set("networking.cilium.bpfLBSock", True),
               "host-namespace-only is a mode of socket LB", when=_is(True)),
    Dependency("Cluster:spec.networking.cilium.enableEncryption", _set("networking.cilium.encryptionType",
                                                                       "wireguard"), "encryption needs a type",
               when=_is(True)),
    Dependency("Cluster:spec.networking.cilium.encryptionType", _set("networking.cilium.enableEncryption", True),
               "a type of encryption is for enabled encryption"),
    Dependency("Cluster:spec.networking.cilium.etcdManaged", CILIUM_ETCD, "Cilium's own etcd cluster",
               when=_is(True)),
    Dependency("Cluster:spec.networking.cilium.identityAllocationMode", CILIUM_ETCD,
               "kvstore identities live in Cilium's etcd", when=_is("kvstore")),
    # io1/io2 volumes are provisioned IOPS volumes: big enough for the IOPS asked
    Dependency("InstanceGroup:spec.volumes[0].type", _set("volumes", [{"device": "/dev/xvdd", "size": 20,
                                                                       "iops": 100}], on="group"),
               "an io1 volume carries at most 50 IOPS per GiB"),
]


def apply(docs: list[dict], option: sweep.Option, group: str = IG) -> None:
    """Set `option` (and the companions it needs) on the documents."""
    cluster = sweep.document(docs, "Cluster")
    target = cluster if option.field.kind == "Cluster" else sweep.document(docs, "InstanceGroup", group)
    group_doc = sweep.document(docs, "InstanceGroup", group)
    for dep in DEPENDENCIES:
        if option.id.startswith(dep.prefix) and dep.when(option):
            dep.edit(cluster["spec"], group_doc["spec"])
    sweep.set_value(option.field.kind, target, option.field.path, option.value)


def _section(option: sweep.Option) -> str:
    """The part of the spec an option belongs to: its top-level field, or the choice it makes in a field
    that holds one choice at most (networking.calico, authorization.rbac)."""
    kind, path = option.field.kind, option.field.path
    top = sweep.resolve(kind, sweep.resolve(kind, sweep.spec_schema.schema(kind)["properties"]["spec"])
                        ["properties"][path[1]])
    depth = 3 if top.get("maxProperties") == 1 and len(path) > 2 else 2
    return f"{kind}:{sweep.dotted(path[:depth])}"


def _sections(exhaustive: bool) -> dict[str, tuple[sweep.Option, ...]]:
    sections: dict[str, list[sweep.Option]] = {}
    for kind in ("Cluster", "InstanceGroup"):
        for option in sweep.options(kind, exhaustive, FIELD_VALUES):
            sections.setdefault(_section(option), []).append(option)
    return {name: tuple(opts) for name, opts in sorted(sections.items())}


SECTIONS = _sections(exhaustive=False)
EVERY_VALUE = _sections(exhaustive=True)


def _report(results: list[sweep.Result]) -> str:
    lines = []
    for r in results:
        what = ", ".join(o.id for o in r.options)
        lines.append(f"CRASH {what}\n{r.crash}" if r.crash else
                     f"refused {what}: {r.refusal.splitlines()[0][:200]}" if not r.rendered else f"rendered {what}")
    return "\n".join(lines)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_option_renders_in_both_targets_or_is_refused_cleanly(section: str, tmp_path: Path):
    """The first value of each field of the section, together where they render together."""
    results = sweep.sweep_batch(BASE, SECTIONS[section], apply, tmp_path)
    crashes = [r for r in results if r.crash]
    assert not crashes, _report(crashes)
    rendered = sum(len(r.options) for r in results if r.rendered)
    print(f"{section}: {rendered} of {len(SECTIONS[section])} options rendered\n{_report(results)}")


def _one_at_a_time(options: tuple[sweep.Option, ...], apply_option: sweep.Apply, folder: Path) -> list[sweep.Result]:
    results = []
    for option in options:
        results += sweep.sweep_batch(BASE, (option,), apply_option, folder)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("section", list(EVERY_VALUE))
def test_every_value_renders_in_both_targets_or_is_refused_cleanly(section: str, tmp_path: Path):
    """Every value of each field alone; an instance group's fields also on the control-plane and bastion
    groups."""
    options = EVERY_VALUE[section]
    results = _one_at_a_time(options, apply, tmp_path)
    if section.startswith("InstanceGroup:"):
        for group in OTHER_GROUPS:
            results += _one_at_a_time(options, lambda docs, o, g=group: apply(docs, o, g), tmp_path)
    crashes = [r for r in results if r.crash]
    assert not crashes, _report(crashes)


# --- what the options render is valid Terraform and lint-clean CloudFormation --------------------------------------

SHARDS = 4
SHARD_PARAMS = [0] + [pytest.param(shard, marks=pytest.mark.slow) for shard in range(1, SHARDS)]


def _rendered_sections(folder: Path, shard: int) -> dict[str, dict[str, dict[str, bytes]]]:
    """The batches of options that rendered together, of every SHARDS-th section from `shard` on, rendered
    again keeping the files: {"section (options)": {target: files}}."""
    out = {}
    for i, (section, options) in enumerate(SECTIONS.items()):
        if i % SHARDS != shard:
            continue
        batches = [r.options for r in sweep.sweep_batch(BASE, options, apply, folder / f"sweep-{i}") if r.rendered]
        for j, batch in enumerate(batches):
            outcome = sweep.run(sweep.docs_with(BASE, batch, apply), folder / f"keep-{i}-{j}", keep_files=True)
            assert outcome.rendered, outcome.refusal
            out[f"{section} ({len(batch)} options)"] = outcome.files
    return out


@pytest.fixture(scope="module")
def rendered_sections(tmp_path_factory) -> Callable[[int], dict[str, dict[str, dict[str, bytes]]]]:
    """The rendered sections of a shard, rendered once per test process."""
    rendered: dict[int, dict] = {}

    def of_shard(shard: int) -> dict[str, dict[str, dict[str, bytes]]]:
        if shard not in rendered:
            rendered[shard] = _rendered_sections(tmp_path_factory.mktemp(f"sections-{shard}"), shard)
        return rendered[shard]
    return of_shard


def _distinct(sections: dict[str, dict[str, bytes]], key: Callable[[dict[str, bytes]], bytes]) -> dict[str, dict]:
    """The first section of each distinct output: many options change only what nodes read (user data,
    state files), which neither terraform validate nor cfn-lint looks into; checking those outputs again
    would only cost time (~2 s a Terraform configuration, ~1 s a template)."""
    seen: dict[bytes, str] = {}
    for section, files in sections.items():
        seen.setdefault(key(files), section)
    return {section: sections[section] for section in seen.values()}


def _without_user_data(files: dict[str, bytes]) -> bytes:
    templates = {p: json.loads(d) for p, d in sorted(files.items()) if p.endswith(".json")}
    for body in templates.values():
        for resource in body.get("Resources", {}).values():
            data = resource.get("Properties", {}).get("LaunchTemplateData", {})
            if "UserData" in data:
                data["UserData"] = "user data"
    return json.dumps(templates, sort_keys=True).encode()


@pytest.mark.parametrize("shard", SHARD_PARAMS)
def test_every_sections_terraform_validates(rendered_sections, shard: int, tmp_path: Path):
    """The sections' distinct outputs as modules of one root, so that one `terraform validate` checks them all
    (the provider's schema is loaded once)."""
    from kopsgen.output import write_output
    from tests.support import terraform

    if not terraform.terraform_available():
        pytest.skip("terraform not on PATH")
    outputs = {section: files["terraform"] for section, files in rendered_sections(shard).items()}
    modules = []
    for i, (section, files) in enumerate(_distinct(outputs, lambda f: f["kubernetes.tf"]).items()):
        name = f"section-{i:03d}"
        write_output(tmp_path / name, files)
        modules.append(f'# {section}\nmodule "{name}" {{\n  source = "./{name}"\n}}\n')
    (tmp_path / "main.tf").write_text("\n".join(modules))
    terraform.init(tmp_path)
    proc = terraform.run(tmp_path, "validate", "-json", "-no-color", check=False)
    result = json.loads(proc.stdout)
    problems = [f"{d['severity']}: {d['summary']}: {d.get('detail', '')} ({d.get('range', {}).get('filename')})"
                for d in result["diagnostics"]]
    print(f"terraform validate, shard {shard}: {len(modules)} distinct outputs of {len(outputs)}, "
          f"{len(problems)} diagnostics")
    assert result["valid"] and not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("shard", SHARD_PARAMS)
def test_every_sections_cloudformation_lints_clean(rendered_sections, shard: int, tmp_path: Path):
    from tests.support import cloudformation as cfn

    outputs = {section: files["cloudformation"] for section, files in rendered_sections(shard).items()}
    paths = []
    for i, files in enumerate(_distinct(outputs, _without_user_data).values()):
        paths += cfn.write(files, tmp_path / f"section-{i:03d}")
    findings = cfn.errors_and_warnings(cfn.lint(paths))
    print(f"cfn-lint: {len(paths)} templates, {len(findings)} errors and warnings")
    assert not findings, "\n".join(findings[:20])
