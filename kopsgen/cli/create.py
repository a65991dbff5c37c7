"""`kopsgen create`: store a cluster from spec files, write a new cluster spec, add an instance group to a
stored cluster (kopsgen/state/verbs.py does the work)."""

from __future__ import annotations

from pathlib import Path

import click

from kopsgen.cli import cliutil, complete, paths
from kopsgen.cli.root import STATE_ENV, STATE_HELP, cli


def _csv(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated and comma-separated flag values, as kops's string slices take them."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@cli.group(invoke_without_command=True)
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Spec file (a Cluster and its InstanceGroups) to store; repeat for several files.")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.pass_context
def create(ctx: click.Context, files: tuple[str, ...], state: str | None) -> None:
    """Store a new cluster from a spec file, write a new cluster spec (`create cluster`), or add an
    instance group to a stored cluster (`create instancegroup`).

    \b
    Examples:
      kopsgen create -f cluster.yaml --state s3://my-state-store
      kopsgen create cluster --name c.example.com --zones eu-west-1a --output cluster.yaml
      kopsgen create ig --name c.example.com spot --max 5
    """
    if ctx.invoked_subcommand is not None:
        if files:
            raise click.UsageError("-f belongs to `kopsgen create -f FILE`, not to a subcommand")
        return
    if not files:
        raise click.UsageError("give the spec with -f FILE, or use `kopsgen create cluster ...`")
    from kopsgen.state import verbs

    registry = verbs.registry(state)
    stored = verbs.create_from_files(registry, list(files))
    cliutil.console().status(f"created cluster {stored.name} ({len(stored.documents.instance_groups)} instance groups) "
               f"in {registry.store.url}")


@create.command("cluster")
@click.argument("cluster_name", required=False, metavar="[NAME]")
@click.option("--name", "name", help="Cluster name, a DNS name such as mycluster.example.com.")
@click.option("--zones", multiple=True, help="Availability zones to run in (comma-separated), e.g. eu-west-1a,eu-west-1b.")
@click.option("--control-plane-zones", "--master-zones", "control_plane_zones", multiple=True,
              help="Zones for the control plane [default: --zones].")
@click.option("--control-plane-count", "--master-count", "control_plane_count", type=int, default=0,
              help="Control-plane nodes, odd [default: one per --control-plane-zones, else 1].")
@click.option("--node-count", type=int, default=0, help="Worker nodes in total [default: one per zone].")
@click.option("--node-size", multiple=True, help="Worker machine type(s); several make a mixed-instances group "
                                                 "[default: t3.medium].")
@click.option("--control-plane-size", "--master-size", "control_plane_size", multiple=True,
              help="Control-plane machine type(s) [default: t3.medium].")
@click.option("--topology", "-t", type=click.Choice(("public", "private")),
              help="Subnet layout [default: public; private with --ipv6].")
@click.option("--networking", default="cilium", show_default=True, shell_complete=complete.networking_choices,
              help="CNI: cilium, calico, kubenet, amazonvpc, flannel, kindnet, kube-router, cni, ...")
@click.option("--bastion", is_flag=True, help="Add a bastion group (private topology only).")
@click.option("--dns-zone", help="Route53 zone (name or ID) for the API records; implies --dns public.")
@click.option("--dns", "dns_type", type=click.Choice(("public", "private", "none"), case_sensitive=False),
              help="DNS type [default: public with --dns-zone, else none].")
@click.option("--ssh-public-key", type=click.Path(dir_okay=False, exists=True),
              help="SSH public key file for the admin user (e.g. ~/.ssh/id_ed25519.pub).")
@click.option("--kubernetes-version", help="Kubernetes version [default: the stable channel's].")
@click.option("--network-cidr", multiple=True, help="VPC CIDR(s); extra ones become additional subnets "
                                                    "[default: 172.20.0.0/16].")
@click.option("--vpc", help="A shared VPC's ID (spec.networkID): the cluster's subnets are made in it (or taken from "
                           "--subnets); give its CIDR with --network-cidr (kops looks it up in AWS, kopsgen never "
                           "calls AWS).")
@click.option("--subnets", "subnet_ids", multiple=True,
              help="Existing subnets to use (shared, needs --vpc), one per --zones entry in that order, each as "
                   "ID=CIDR, e.g. subnet-0a1b2c3d=10.20.0.0/24 (kops looks the CIDR up in AWS, kopsgen never "
                   "calls AWS).")
@click.option("--utility-subnets", "utility_subnet_ids", multiple=True,
              help="With --subnets and --topology private: the existing utility (public) subnets, likewise.")
@click.option("--ipv6", is_flag=True, help="IPv6 pods (nonMasqueradeCIDR ::/0): every subnet gets a /64 of the "
                                           "VPC's IPv6 range; private topology adds dual-stack subnets.")
@click.option("--image", help="Machine image for every group: an ami- ID or OWNER/NAME "
                              "[default: the channel's Ubuntu 24.04 for the Kubernetes version].")
@click.option("--api-loadbalancer-type", type=click.Choice(("public", "internal"), case_sensitive=False),
              help="Put the API behind a public or internal Network load balancer.")
@click.option("--admin-access", multiple=True, help="CIDRs allowed to reach the API [default: 0.0.0.0/0,::/0].")
@click.option("--ssh-access", multiple=True,
              help="CIDRs allowed to SSH [default: --admin-access if given, else none: SSH closed].")
@click.option("--ssm/--no-ssm", "ssm", default=None,
              help="Let SSM Session Manager reach the instances (spec.kopsgen.ssmAccess) [default: on "
                   "without --ssh-access].")
@click.option("--addons", multiple=True,
              help="kopsgen's cluster services to turn on, comma-separated: ingress (NGINX Gateway Fabric, with "
                   "the AWS load balancer controller and cert-manager), web-ui (Headlamp), logging (Fluent Bit "
                   "to CloudWatch Logs), monitoring (kube-state-metrics, node-exporter) [default: none]; "
                   "docs/addons/.")
@click.option("--output", "output_file", type=click.Path(dir_okay=False),
              help="Write the spec to this file instead of storing it or printing it; an existing file only "
                   "with --force.")
@click.option("--force", is_flag=True, help="With --output: replace the file if it exists.")
@click.option("--state", envvar=STATE_ENV, help="Store the new cluster here (s3://BUCKET/PREFIX or file://DIR) "
                                                 "[env KOPSGEN_STATE_STORE]; also its configBase.")
@click.option("--state-region", help="Region of the --state bucket when it is not the cluster's (a central "
                                    "bucket): spec.kopsgen.configBaseRegion, which the Terraform files provider uses.")
@click.option("--dry-run", is_flag=True, help="Print the spec (in -o format) and store nothing.")
@click.option("-o", "fmt", type=click.Choice(("yaml", "json")), default="yaml", show_default=True,
              help="Format of the printed or written spec.")
def create_cluster(cluster_name: str | None, name: str | None, zones, control_plane_zones, control_plane_count: int,
                   node_count: int, node_size, control_plane_size, topology: str, networking: str, bastion: bool,
                   dns_zone: str | None, dns_type: str | None, ssh_public_key: str | None,
                   kubernetes_version: str | None, network_cidr, image: str | None,
                   api_loadbalancer_type: str | None, admin_access, ssh_access, output_file: str | None,
                   state: str | None, state_region: str | None, dry_run: bool, fmt: str,
                   ssm: bool | None = None, force: bool = False, vpc: str | None = None,
                   addons=(), subnet_ids=(), utility_subnet_ids=(), ipv6: bool = False) -> None:
    """Write a new cluster spec with `kops create cluster`'s defaults: one Cluster and its InstanceGroups.

    \b
    Where it goes: --dry-run prints it; --output FILE writes FILE; else with a state
    store (--state or KOPSGEN_STATE_STORE) it is stored there; else it is printed.

    \b
    Examples:
      kopsgen create cluster --name c.example.com --zones eu-west-1a --output cluster.yaml
      kopsgen create cluster --name ha.example.com --zones eu-west-1a,eu-west-1b,eu-west-1c \\
          --control-plane-count 3 --topology private --bastion --networking calico \\
          --state s3://my-state-store
      kopsgen create cluster c.example.com --zones us-east-1a --dry-run -o json
    """
    from click.core import ParameterSource

    from kopsgen import pipeline
    from kopsgen.errors import UsageError
    from kopsgen.spec.create import CreateClusterOptions
    from kopsgen.state import verbs
    from kopsgen.state.store import absolute_store_url, state_store_url

    if cluster_name and name and cluster_name != name:
        raise click.UsageError(f"the cluster is named twice: {cluster_name} and --name {name}")
    if output_file and dry_run:
        raise click.UsageError("--dry-run prints the spec; --output writes it to a file: choose one")
    state_flag_given = click.get_current_context().get_parameter_source("state") == ParameterSource.COMMANDLINE
    if output_file and state_flag_given:
        raise click.UsageError("--output writes a file and --state stores the cluster: choose one")
    if force and not output_file:
        raise click.UsageError("--force goes with --output FILE (it lets the file be replaced)")
    if output_file:
        paths.check_output_file(output_file, "--output")
        if Path(output_file).exists() and not force:
            raise UsageError(f"--output {output_file}: the file exists; add --force to replace it, or choose "
                             f"another file (nothing was written)")
    key = None
    if ssh_public_key:
        try:
            key = Path(ssh_public_key).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--ssh-public-key {ssh_public_key}: cannot read: {exc}") from None
    options = CreateClusterOptions(
        name=cluster_name or name or "", zones=_csv(zones), control_plane_zones=_csv(control_plane_zones),
        control_plane_count=control_plane_count, node_count=node_count, node_sizes=_csv(node_size),
        control_plane_sizes=_csv(control_plane_size), topology=topology, networking=networking, bastion=bastion,
        dns_zone=dns_zone, dns_type=dns_type, ssh_public_key=key, kubernetes_version=kubernetes_version,
        network_cidrs=_csv(network_cidr), image=image, api_load_balancer_type=api_loadbalancer_type,
        admin_access=_csv(admin_access), ssh_access=_csv(ssh_access),
        # absolute, so that the spec names the same folder wherever it is rendered from
        config_base=absolute_store_url(state_store_url(state)), config_base_region=state_region, ssm_access=ssm,
        vpc=vpc, addons=_csv(addons), subnet_ids=_csv(subnet_ids), utility_subnet_ids=_csv(utility_subnet_ids),
        ipv6=ipv6)
    docs, data = verbs.new_cluster_documents(options)
    text = verbs.format_documents(data, fmt)
    unreadable = pipeline.config_base_warning(data[0]["spec"]["configBase"])
    if unreadable:
        cliutil.console().warning(unreadable)
    _say_how_to_reach(data)
    if dry_run or (not output_file and not state):
        click.echo(text, nl=False)
    elif output_file:
        verbs.write_file_atomically(Path(output_file), text)
        cliutil.console().status(f"wrote cluster {options.name or docs.cluster.name} to {output_file}", err=True)
    else:
        registry = verbs.registry(state)
        stored = registry.create(docs)
        cliutil.console().status(f"created cluster {stored.name} in {registry.store.url}\n"
                                 f"  see it:    kopsgen get cluster {stored.name} --full\n"
                                 f"  change it: kopsgen edit cluster {stored.name}\n"
                                 f"  render it: kopsgen get cluster {stored.name} > spec.yaml && "
                                 f"kopsgen render --target terraform -f spec.yaml", err=True)


def _say_how_to_reach(documents: list[dict]) -> None:
    """On stderr, whatever the spec's destination: how the user will log in to the machines."""
    from kopsgen.spec.create import access_notes

    notes, warnings = access_notes(documents)
    for note in notes:
        cliutil.console().status(f"access: {note}", err=True)
    for warning in warnings:
        cliutil.console().warning(warning)


@create.command("instancegroup")
@click.argument("instance_group")
@click.option("--name", required=True, help="The cluster, stored in the state store.",
              shell_complete=complete.cluster_names)
@click.option("--role", default="Node", show_default=True, shell_complete=complete.instance_group_roles,
              help="Node, ControlPlane or Bastion (any case; kops's control-plane and master work too).")
@click.option("--subnet", "subnets", multiple=True,
              help="The cluster's subnet(s) to run in, comma-separated [default for Node and Bastion: every subnet "
                   "that is not Utility or DualStack; ControlPlane needs it].")
@click.option("--machine-type", "machine_types", multiple=True,
              help="Machine type(s); several make a mixed-instances group [default: t3.medium, t3.micro for a "
                   "bastion].")
@click.option("--image", help="An ami- ID or OWNER/NAME [default: the channel's Ubuntu 24.04 for the cluster's "
                              "Kubernetes version].")
@click.option("--min", "min_size", type=int, help="minSize [default: 2 for Node, else 1].")
@click.option("--max", "max_size", type=int, help="maxSize [default: the larger of --min and the role's default].")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("--dry-run", is_flag=True, help="Print the group (in -o format) and store nothing.")
@click.option("-o", "--output", "fmt", type=click.Choice(("yaml", "json")), default="yaml", show_default=True,
              help="Format of the --dry-run output.")
def create_instancegroup(instance_group: str, name: str, role: str, subnets, machine_types, image: str | None,
                         min_size: int | None, max_size: int | None, state: str | None, dry_run: bool,
                         fmt: str) -> None:
    """Add an instance group with kops's defaults to a stored cluster.

    The whole cluster, with the new group, is checked before the group is stored. Change it
    afterwards with `kopsgen edit ig`; `kopsgen update cluster` then shows what it adds.

    \b
    Examples:
      kopsgen create instancegroup --name c.example.com spot --subnet eu-west-1a,eu-west-1b --max 5
      kopsgen create ig --name c.example.com gpu --machine-type g5.xlarge --min 0 --max 2
      kopsgen create ig --name c.example.com nodes-b --subnet eu-west-1b --dry-run -o yaml
    """
    from kopsgen.spec.create import CreateInstanceGroupOptions
    from kopsgen.state import verbs

    registry = verbs.registry(state)
    options = CreateInstanceGroupOptions(name=instance_group, role=role, subnets=_csv(subnets),
                                         machine_types=_csv(machine_types), image=image, min_size=min_size,
                                         max_size=max_size)
    data = verbs.create_instance_group(registry, name, options, dry_run=dry_run)
    if dry_run:
        click.echo(verbs.format_documents([data], fmt), nl=False)
        return
    cliutil.console().status(f"created instance group {instance_group} in cluster {name} ({registry.store.url})\n"
                             f"  see it:    kopsgen get ig --name {name}\n"
                             f"  change it: kopsgen edit ig --name {name} {instance_group}\n"
                             f"  apply it:  kopsgen update cluster {name}", err=True)


create.add_command(create_instancegroup, "ig")

