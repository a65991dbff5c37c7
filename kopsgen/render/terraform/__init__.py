"""IR -> Terraform: `kubernetes.tf` (HCL2) or `kubernetes.tf.json`, and the `data/` files they read."""

from __future__ import annotations

from kopsgen.ir.base import Graph, PrefixLength
from kopsgen.render.terraform import mappers  # noqa: F401  (registers every mapper)
from kopsgen.render.terraform.backend import backend_files
from kopsgen.render.terraform.hcl import Blocks, Expr, Static, TopLevel, to_hcl, to_json
from kopsgen.render.options import TerraformOptions
from kopsgen.render.terraform.registry import MAPPERS, TfContext, prefix_length_expr

FILES_PROVIDER = "files"  # provider alias for the state-store objects, as kops names it
REQUIRED_TERRAFORM = ">= 0.15.0"
REQUIRED_AWS_PROVIDER = ">= 5.0.0"


def render(graph: Graph, options: TerraformOptions) -> dict[str, bytes]:
    """Every file of the flat layout, by relative path (the module layout: render/terraform/module.py)."""
    ctx = TfContext(graph)
    blocks = [*output_blocks(graph, ctx), *provider_blocks(options), *resource_blocks(graph, ctx), _terraform_block()]
    warnings = [f"WARNING: {w}" for w in graph.warnings]
    header = options.provenance.lines() if options.provenance else []
    if options.format == "json":
        main = {"kubernetes.tf.json": to_json(blocks, warnings, header).encode()}
    else:
        main = {"kubernetes.tf": to_hcl(blocks, warnings, header).encode()}
    if options.backend:
        main.update(backend_files(options.backend, options.format, options.provenance))
    return {**main, **dict(sorted(ctx.files.items()))}


def resource_blocks(graph: Graph, ctx: TfContext) -> list[TopLevel]:
    managed: list[TopLevel] = []
    data: list[TopLevel] = []
    for resource in graph:
        m = MAPPERS[type(resource)]
        body = m.fn(resource, ctx)
        if resource.depends_on:
            waits = {ctx.address(d.kind, d.name) for d in resource.depends_on}
            waits |= {w.text for w in body.get("depends_on", [])}
            body = {**body, "depends_on": [Static(w) for w in sorted(waits)]}
        block = TopLevel("data" if m.data_source else "resource", (m.tf_type, m.label(resource)), body)
        (data if m.data_source else managed).append(block)
    # kops's order: resources by type and label, then data sources
    key = lambda b: b.labels  # noqa: E731
    return sorted(managed, key=key) + sorted(data, key=key)


def output_blocks(graph: Graph, ctx: TfContext) -> list[TopLevel]:
    if not graph.outputs:
        return []
    values = {}
    for name, value in sorted(graph.outputs.items()):
        if isinstance(value, PrefixLength):
            values[name] = _prefix_length(ctx, value)
        else:
            values[name] = ctx.refs(value) if isinstance(value, tuple) else ctx.ref(value)
    locals_block = TopLevel("locals", (), values)
    outputs = [TopLevel("output", (name,), {"value": value}) for name, value in values.items()]
    return [locals_block, *outputs]


def _prefix_length(ctx: TfContext, value: PrefixLength) -> Expr:
    """The CIDR's prefix length; the CIDR is read through its own local when another output holds it,
    as kops writes it."""
    return Expr(prefix_length_expr(ctx.local_of(value.cidr) or ctx.ref(value.cidr).text))


def provider_blocks(options: TerraformOptions) -> list[TopLevel]:
    # the `files` provider writes the state-store objects: it talks to the config base bucket's region
    return [TopLevel("provider", ("aws",), {"region": options.region, **options.provider_extras}),
            TopLevel("provider", ("aws",), {"alias": FILES_PROVIDER, "region": options.files_region,
                                            **options.files_provider_extras})]


def _terraform_block() -> TopLevel:
    return TopLevel("terraform", (), {
        "required_version": REQUIRED_TERRAFORM,
        "required_providers": Blocks.of({"aws": {
            "source": "hashicorp/aws", "version": REQUIRED_AWS_PROVIDER,
            "configuration_aliases": [Static(f"aws.{FILES_PROVIDER}")]}}),
    })
