"""Each renderer's options (render/options.py), made from the completed spec: the one place the spec
reaches a renderer. pipeline.render_graph calls `for_target`."""

from __future__ import annotations

from kopsgen.publish.templates import template_base_url
from kopsgen.render.options import CloudFormationOptions, TerraformOptions
from kopsgen.spec.api import ClusterSpec


def for_target(spec: ClusterSpec, target: str, fmt: str,
               layout: str = "flat") -> TerraformOptions | CloudFormationOptions:
    """`layout` (Terraform's flat or module layout) is the command line's, not the spec's."""
    return terraform(spec, fmt, layout) if target == "terraform" else cloudformation(spec, fmt)


def terraform(spec: ClusterSpec, fmt: str = "hcl", layout: str = "flat") -> TerraformOptions:
    cluster = spec.cluster
    return TerraformOptions(
        region=cluster.region, files_region=cluster.config_base_region or cluster.region, format=fmt,
        provider_extras=dict(cluster.terraform_provider_extras),
        files_provider_extras=dict(cluster.terraform_files_provider_extras), layout=layout)


def cloudformation(spec: ClusterSpec, fmt: str = "json") -> CloudFormationOptions:
    return CloudFormationOptions(cluster=spec.cluster.name, format=fmt,
                                 nested_stacks=spec.cluster.cloudformation_nested_stacks,
                                 template_base_url=template_base_url(spec))
