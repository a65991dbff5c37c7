"""Each renderer's options (render/options.py), made from the completed spec: the one place the spec
reaches a renderer. pipeline.render_graph calls `for_target`."""

from __future__ import annotations

from kopsgen.publish.templates import template_base_url
from kopsgen.render.header import Provenance
from kopsgen.render.options import CloudFormationOptions, S3Backend, TerraformOptions
from kopsgen.spec.api import ClusterSpec


def for_target(spec: ClusterSpec, target: str, fmt: str,
               backend: S3Backend | None = None, layout: str = "flat") -> TerraformOptions | CloudFormationOptions:
    """`backend` and `layout` (Terraform's flat or module layout) are the command line's, not the spec's."""
    return terraform(spec, fmt, backend, layout) if target == "terraform" else cloudformation(spec, fmt)


def provenance(spec: ClusterSpec) -> Provenance:
    return Provenance(spec.cluster.name, spec.source_files)


def terraform(spec: ClusterSpec, fmt: str = "hcl", backend: S3Backend | None = None,
              layout: str = "flat") -> TerraformOptions:
    cluster = spec.cluster
    return TerraformOptions(
        region=cluster.region, files_region=cluster.config_base_region or cluster.region, format=fmt,
        provider_extras=dict(cluster.terraform_provider_extras),
        files_provider_extras=dict(cluster.terraform_files_provider_extras),
        provenance=provenance(spec), backend=backend, layout=layout)


def s3_backend(spec: ClusterSpec, url: str, region: str | None = None, lock_table: str | None = None) -> S3Backend:
    """The `--backend` of this cluster: in `region` (default: the cluster's), never inside its configBase
    (UsageError otherwise, render/terraform/backend.py says why)."""
    from kopsgen.render.terraform.backend import s3_backend as checked

    return checked(url, region or spec.cluster.region, lock_table, spec.cluster.config_base.url)


def cloudformation(spec: ClusterSpec, fmt: str = "json") -> CloudFormationOptions:
    return CloudFormationOptions(cluster=spec.cluster.name, format=fmt,
                                 nested_stacks=spec.cluster.cloudformation_nested_stacks,
                                 template_base_url=template_base_url(spec), provenance=provenance(spec))
