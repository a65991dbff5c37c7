"""The module layout (`--terraform-layout module`): the cluster as a Terraform module and a thin root calling it.

    cluster/main.tf       the resources and lookups of the flat layout, same labels, no provider blocks
    cluster/variables.tf  `tags`: extra tags merged under the tags kopsgen writes, on every resource that has tags
    cluster/outputs.tf    every output kops writes, plus what a caller needs (subnet IDs, the API endpoint)
    cluster/versions.tf   Terraform and the AWS provider as minimum versions; `aws.files` passed in
    cluster/data/         the files the resources read (`${path.module}/data/...`)
    main.tf               `module "cluster" { source = "./cluster" ... }` with the two providers passed in
    providers.tf          the two AWS providers (the cluster's region, and `files` for the config base bucket)
    outputs.tf            the module's outputs, passed through (the same names as the flat layout's)
    versions.tf           Terraform and the AWS provider the root needs

A module holds no `provider` block, so a root may call it with `for_each` or `count`. With format "json" each
file is the `.tf.json` of the same blocks. The resources' addresses inside the module are the flat layout's,
so the root's addresses are `module.cluster.<flat address>` (MODULE_PREFIX).
"""

from __future__ import annotations

from kopsgen.ir.base import Graph
from kopsgen.ir.dns import AliasRecord
from kopsgen.ir.loadbalancer import NetworkLoadBalancer
from kopsgen.ir.network import Subnet
from kopsgen.render.options import TerraformOptions
from kopsgen.render.terraform import (FILES_PROVIDER, REQUIRED_AWS_PROVIDER, REQUIRED_TERRAFORM, output_blocks,
                                      provider_blocks, resource_blocks)
from kopsgen.render.terraform.backend import backend_files
from kopsgen.render.terraform.hcl import Blocks, Dynamic, Expr, Merge, Static, TopLevel, to_hcl, to_json
from kopsgen.render.terraform.registry import TfContext

MODULE_NAME = "cluster"
MODULE_DIR = "cluster"
MODULE_PREFIX = f"module.{MODULE_NAME}."
TAGS_VARIABLE = "tags"

# kops's outputs, described; a name not listed is described by its pattern (_describe_output)
OUTPUT_DESCRIPTIONS = {
    "cluster_name": "The cluster's name (its DNS name, as in the spec).",
    "region": "The AWS region the cluster runs in.",
    "vpc_id": "The ID of the cluster's VPC.",
    "vpc_cidr_block": "The VPC's IPv4 CIDR block.",
    "vpc_ipv6_cidr_block": "The VPC's IPv6 CIDR block (empty without IPv6).",
    "vpc_ipv6_cidr_length": "The prefix length of the VPC's IPv6 CIDR block (null without IPv6).",
    "route_table_public_id": "The ID of the public subnets' route table.",
    "default_security_group_id": "The ID of the VPC's default security group.",
    "masters_role_arn": "The ARN of the control-plane nodes' IAM role.",
    "masters_role_name": "The name of the control-plane nodes' IAM role.",
    "nodes_role_arn": "The ARN of the worker nodes' IAM role.",
    "nodes_role_name": "The name of the worker nodes' IAM role.",
    "bastions_role_arn": "The ARN of the bastions' IAM role.",
    "bastions_role_name": "The name of the bastions' IAM role.",
    "master_security_group_ids": "The IDs of the control-plane nodes' security groups.",
    "node_security_group_ids": "The IDs of the worker nodes' security groups.",
    "bastion_security_group_ids": "The IDs of the bastions' security groups.",
    "master_autoscaling_group_ids": "The IDs of the control-plane instance groups' auto-scaling groups.",
    "node_autoscaling_group_ids": "The IDs of the worker instance groups' auto-scaling groups.",
    "bastion_autoscaling_group_ids": "The IDs of the bastion instance groups' auto-scaling groups.",
    "node_subnet_ids": "The IDs of the subnets the worker nodes run in.",
    "subnet_ids": "The ID of every subnet of the cluster, by the subnet's kops name.",
    "api_endpoint": "The URL of the Kubernetes API (the kubeconfig's server).",
    "api_load_balancer_dns_name": "The DNS name of the API's load balancer.",
}


def _describe_output(name: str) -> str:
    if name in OUTPUT_DESCRIPTIONS:
        return OUTPUT_DESCRIPTIONS[name]
    if name.startswith("subnet_") and name.endswith("_id"):
        return f"The ID of the subnet {name[len('subnet_'):-len('_id')]}."
    if name.startswith("route_table_") and name.endswith("_id"):
        return f"The ID of the route table {name[len('route_table_'):-len('_id')]}."
    if name.endswith("_role_arn") or name.endswith("_role_name"):
        return f"The {'ARN' if name.endswith('arn') else 'name'} of the IAM role {name.rsplit('_role_', 1)[0]}."
    if name.endswith("_security_group_ids"):
        return f"The IDs of the security groups of {name[:-len('_security_group_ids')]}."
    if name.endswith("_autoscaling_group_ids"):
        return f"The IDs of the auto-scaling groups of {name[:-len('_autoscaling_group_ids')]}."
    return f"kops's output {name}."


def render_module(graph: Graph, options: TerraformOptions) -> dict[str, bytes]:
    ctx = TfContext(graph)
    outputs = output_blocks(graph, ctx)
    locals_blocks = [b for b in outputs if b.block_type == "locals"]
    resources = [_with_extra_tags(block) for block in resource_blocks(graph, ctx)]
    module_outputs = [TopLevel("output", b.labels, {"description": _describe_output(b.labels[0]), **b.body})
                      for b in outputs if b.block_type == "output"] + _caller_outputs(graph, ctx)
    module_outputs.sort(key=lambda b: b.labels)
    warnings = [f"WARNING: {w}" for w in graph.warnings]
    files = {
        "main.tf": (locals_blocks + resources, warnings),
        "variables.tf": ([_tags_variable()], []),
        "outputs.tf": (module_outputs, []),
        "versions.tf": ([_versions(module=True)], []),
    }
    json_format = options.format == "json"
    header = options.provenance.lines() if options.provenance else []
    written: dict[str, bytes] = {}
    for name, (blocks, comments) in files.items():
        written[f"{MODULE_DIR}/{name}{'.json' if json_format else ''}"] = _write(blocks, comments, json_format,
                                                                                 header)
    root = {
        "main.tf": [_module_call(json_format)],
        "providers.tf": provider_blocks(options),
        "outputs.tf": [TopLevel("output", b.labels, {"description": b.body["description"],
                                                     "value": Expr(f"module.{MODULE_NAME}.{b.labels[0]}")})
                       for b in module_outputs],
        "versions.tf": [_versions(module=False)],
    }
    for name, blocks in root.items():
        written[f"{name}{'.json' if json_format else ''}"] = _write(blocks, [], json_format, header)
    if not json_format:   # the style guide's order (source first) and a provider map, which the writer does not sort
        written["main.tf"] = (to_hcl([], (), header) + _MODULE_CALL_HCL).encode()
    if options.backend:   # the root keeps the state, so the backend goes there
        written.update(backend_files(options.backend, options.format, options.provenance))
    written.update({f"{MODULE_DIR}/{path}": data for path, data in sorted(ctx.files.items())})
    return dict(sorted(written.items()))


def _write(blocks: list[TopLevel], comments: list[str], json_format: bool, header: list[str]) -> bytes:
    return (to_json(blocks, comments, header) if json_format else to_hcl(blocks, comments, header)).encode()


def _with_extra_tags(block: TopLevel) -> TopLevel:
    """The block with var.tags merged under each map of tags it writes: `tags`, the launch template's
    `tag_specifications`, and an auto-scaling group's `tag` blocks (then one dynamic `tag` block)."""
    body = dict(block.body)
    if isinstance(body.get("tags"), dict):
        body["tags"] = Merge(f"var.{TAGS_VARIABLE}", body["tags"])
    specs = body.get("tag_specifications")
    if isinstance(specs, Blocks):
        body["tag_specifications"] = Blocks.of(*({**s, "tags": Merge(f"var.{TAGS_VARIABLE}", s["tags"])}
                                                 if isinstance(s.get("tags"), dict) else s for s in specs.bodies))
    tag = body.get("tag")
    if isinstance(tag, Blocks) and all({"key", "value", "propagate_at_launch"} <= set(t) for t in tag.bodies):
        propagate = {t["propagate_at_launch"] for t in tag.bodies}
        if len(propagate) == 1:
            body["tag"] = Dynamic(Merge(f"var.{TAGS_VARIABLE}", {t["key"]: t["value"] for t in tag.bodies}),
                                  {"key": Expr("tag.key"), "value": Expr("tag.value"),
                                   "propagate_at_launch": propagate.pop()})
    return TopLevel(block.block_type, block.labels, body)


def _caller_outputs(graph: Graph, ctx: TfContext) -> list[TopLevel]:
    """What a caller needs beyond kops's outputs: every subnet's ID, the API's address."""
    out = []
    subnets = sorted((r for r in graph if isinstance(r, Subnet)), key=lambda r: r.name)
    if subnets:
        out.append(_output("subnet_ids", {s.name: Expr(f"{ctx.address(Subnet, s.name)}.id") for s in subnets}))
    balancers = sorted((r for r in graph if isinstance(r, NetworkLoadBalancer)), key=lambda r: (r.internal, r.name))
    if balancers:
        out.append(_output("api_load_balancer_dns_name",
                           Expr(f"{ctx.address(NetworkLoadBalancer, balancers[0].name)}.dns_name")))
    public = sorted(r.record_name.rstrip(".") for r in graph
                    if isinstance(r, AliasRecord) and r.record_name.startswith("api.")
                    and not r.record_name.startswith("api.internal."))
    if public:
        out.append(_output("api_endpoint", f"https://{public[0]}"))
    elif balancers:
        out.append(_output("api_endpoint", Expr(f'"https://${{{ctx.address(NetworkLoadBalancer, balancers[0].name)}'
                                                f'.dns_name}}"')))
    return out


def _output(name: str, value) -> TopLevel:
    return TopLevel("output", (name,), {"description": OUTPUT_DESCRIPTIONS[name], "value": value})


def _tags_variable() -> TopLevel:
    return TopLevel("variable", (TAGS_VARIABLE,), {
        "description": "Extra tags for every resource that has tags (auto-scaling groups propagate them to their "
                       "instances); the tags kopsgen writes (the cluster's, Name, kops's roles) win on a clash.",
        "type": Static("map(string)"),
        "default": {},
    })


def _versions(*, module: bool) -> TopLevel:
    aws = {"source": "hashicorp/aws", "version": REQUIRED_AWS_PROVIDER}
    if module:
        aws["configuration_aliases"] = [Static(f"aws.{FILES_PROVIDER}")]
    return TopLevel("terraform", (), {"required_version": REQUIRED_TERRAFORM,
                                      "required_providers": Blocks.of({"aws": aws})})


_ALIAS = f"aws.{FILES_PROVIDER}"
_MODULE_CALL_HCL = f"""module "{MODULE_NAME}" {{
  source = "./{MODULE_DIR}"

  # extra tags for every resource of the cluster, e.g. {{ team = "platform" }}
  tags = {{}}

  providers = {{
    {'aws'.ljust(len(_ALIAS))} = aws
    {_ALIAS} = {_ALIAS}
  }}
}}
"""


def _module_call(json_format: bool) -> TopLevel:
    """The root's call of the module (JSON; the HCL is _MODULE_CALL_HCL)."""
    return TopLevel("module", (MODULE_NAME,), {"source": f"./{MODULE_DIR}", "tags": {},
                                               "providers": {"aws": "aws", _ALIAS: _ALIAS}})
