"""The cluster's lifecycle against what exists: `kopsgen update cluster` (preview, then write, a stored
cluster's changes), `kopsgen migrate` (what switching from kops would do) and `kopsgen validate cluster`
(is the applied cluster up). kopsgen/lifecycle/ does the work."""

from __future__ import annotations

import json
import shlex
import sys

import click

from kopsgen.cli import cliutil, complete, paths
from kopsgen.cli.root import (NAME_HELP, STATE_ENV, STATE_HELP, DetailedExitCommand, backend_options,
                              check_backend_flags, check_layout_flag, cli,
                              open_render_session)


@cli.group()
def update() -> None:
    """Preview, then write, what a stored cluster's spec changes in its rendered output.

    \b
    Examples:
      kopsgen update cluster c.example.com          # preview; exit code 2 if something changed
      kopsgen update cluster c.example.com --yes    # write it
    """


@update.command("cluster", cls=DetailedExitCommand)
@click.argument("name", shell_complete=complete.cluster_names)
@click.option("--target", type=click.Choice(("terraform", "cloudformation")), default="terraform",
              show_default=True, envvar="KOPSGEN_TARGET", show_envvar=True)
@click.option("--format", "fmt", type=click.Choice(("hcl", "json", "yaml")), default=None,
              envvar="KOPSGEN_FORMAT", show_envvar=True,
              help="terraform: hcl (default) or json; cloudformation: json (default) or yaml.")
@click.option("--terraform-layout", "layout", type=click.Choice(("flat", "module")), default="flat", show_default=True,
              envvar="KOPSGEN_TERRAFORM_LAYOUT", show_envvar=True,
              help="terraform: flat (kops's kubernetes.tf) or module (a module in cluster/ and a root calling it). "
                   "A switch writes moved blocks (moved.tf), so Terraform moves the state instead of replacing.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              envvar="KOPSGEN_OUT", show_envvar=True,
              help="Output folder for --yes [default: outputs/<cluster>/<target>].")
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
@click.option("--yes", "-y", is_flag=True, help="Write the output, the state-store files and the render record.")
@click.option("--allow-unreadable-config-base", "allow_unreadable", is_flag=True,
              help="With --yes, write a cluster whose configBase nodes cannot read (not on S3, e.g. the local "
                   "file:// default): it will not boot. Refused without this flag.")
@click.option("--allow-etcd-volume-replacement", "allow_etcd_loss", is_flag=True,
              help="With --yes: write even a change that replaces or deletes etcd volumes (their data is lost).")
@backend_options
def update_cluster(name: str, target: str, fmt: str | None, layout: str, out_dir: str | None, state: str | None,
                   yes: bool, allow_unreadable: bool, allow_etcd_loss: bool, backend_url: str | None,
                   backend_region: str | None, backend_lock_table: str | None) -> None:
    """Show what changed since the last `update cluster --yes` of NAME; write it with --yes.

    Without --yes this is a dry run: the cluster is rendered from the state store in memory and
    compared, resource by resource, with the render recorded the last time --yes wrote it
    (+ create, ~ update, -/+ replace, - delete), followed by the state-store files kopsgen writes
    itself. A changed file or long text (user data, a nodeup configuration, a policy, a state-store
    file) shows how many lines change; with -v, the unified diff of each. Nothing is written.

    \b
    A change that replaces or deletes an etcd volume (a new zone, encryption or KMS key for a
    member, a member removed) loses that volume's data: the preview warns, and --yes refuses to
    write it (exit 2, nothing written) unless --allow-etcd-volume-replacement is given too.

    \b
    Exit codes (as `terraform plan -detailed-exitcode`):
      0  no changes (with --yes: written successfully)
      2  changes to write (dry run); with --yes: refused, it would replace or delete etcd volumes
      1  any error, a bad spec or bad flags included
    \b
    Examples:
      kopsgen update cluster c.example.com                      # preview
      kopsgen update cluster c.example.com -v                   # preview, with the diff of each changed file
      kopsgen update cluster c.example.com --yes                # write outputs/c.example.com/terraform
      kopsgen update cluster c.example.com --backend s3://my-tf-state/c.example.com.tfstate --yes
      kopsgen update cluster c.example.com --target cloudformation --format yaml --out cfn/ --yes
    """
    from kopsgen.lifecycle import plan as plans
    from kopsgen.lifecycle import update as updates
    from kopsgen.state import verbs

    check_backend_flags(target, backend_url, backend_region, backend_lock_table)
    if out_dir:
        paths.check_output_folder(out_dir, "--out")
    registry = verbs.registry(state)
    check_layout_flag(target, layout)
    backend = updates.Backend(backend_url, backend_region, backend_lock_table) if backend_url else None
    with cliutil.console().task(f"rendering {name} and comparing it with the last render"):
        prepared = updates.prepare(registry, name, target, fmt, out_dir, dry_run=not yes,
                                   allow_unreadable_config_base=allow_unreadable, layout=layout, backend=backend)
    verbose = cliutil.console().verbosity >= cliutil.VERBOSE
    click.echo(plans.preview(prepared.plan, colour=cliutil.colour_enabled(), verbose=verbose), nl=False)
    if not verbose and plans.has_text_changes(prepared.plan):
        cliutil.console().status("(-v shows the changed lines of user data and state-store files as a diff)",
                                 err=True)
    for warning in prepared.warnings:
        cliutil.console().warning(warning)
    if not yes:
        if prepared.plan.changed:
            # --yes would refuse a plan that loses etcd volumes: say what it takes
            insist = [updates.ALLOW_ETCD_VOLUME_REPLACEMENT] if plans.etcd_volume_losses(prepared.plan) else []
            command = _same_command(["kopsgen", "update", "cluster", name], "--yes", *insist)
            cliutil.console().status(f"\nNothing was written (a dry run). To write {prepared.out_dir}, the "
                                     f"state-store files and the render record: {command}", err=True)
            sys.exit(2)
        return
    refused = updates.refusal(prepared, allow_etcd_volume_replacement=allow_etcd_loss)
    if refused:
        click.echo("\n" + refused, err=True)
        sys.exit(2)
    with cliutil.console().task(f"writing {prepared.out_dir} and the state-store files"):
        updates.write(prepared)
    cliutil.console().status(f"\nwrote {cliutil.counted(len(prepared.files), 'file')} to {prepared.out_dir}; "
                             f"state-store files: {len(prepared.written)} written, {len(prepared.deleted)} deleted "
                             f"({prepared.spec.cluster.config_base.url}); render recorded in "
                             f"{registry.store.location(prepared.record_key)}", err=True)
    if target == "cloudformation":
        from kopsgen.publish.cloudformation import after_render

        for line in after_render(prepared.session, prepared.files):
            if "state-store files" not in line:  # written above
                cliutil.console().status(line, err=True)


def _same_command(words: list[str], *extra: str) -> str:
    """The command being run, with every option the user gave on the command line (with its value) and
    `extra`, quoted for a POSIX shell: a hint the user can paste as printed. Options from environment
    variables are left out (they hold in the same shell), as are the global flags."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name not in ctx.params:
            continue
        if ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
            continue
        value = ctx.params[param.name]
        if param.is_flag:
            if value:
                words.append(param.opts[-1])
        elif value is not None:
            words += [param.opts[-1], str(value)]
    words += [word for word in extra if word not in words]
    return " ".join(shlex.quote(word) for word in words)


@cli.command()
@click.argument("spec", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Cluster spec file (YAML); repeat for several files.")
@click.option("--name", help=NAME_HELP, shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP + " Give kops's own, so that its CAs are used.")
@click.option("--kops-dir", type=click.Path(file_okay=False),
              help="The folder kops wrote (kubernetes.tf and data/).")
@click.option("--live-state", type=click.Path(dir_okay=False),
              help="`terraform show -json` of the live state (or a terraform.tfstate); compared with instead of "
                   "--kops-dir when both are given.")
@click.option("-o", "--output", "output", type=click.Choice(("text", "json")), default="text", show_default=True)
def migrate(spec: tuple[str, ...], files: tuple[str, ...], name: str | None, state: str | None,
            kops_dir: str | None, live_state: str | None, output: str) -> None:
    """Check, before switching, what applying kopsgen's Terraform to a kops cluster would do.

    Renders the spec in memory and compares it, resource address by address, with what kops left:
    the live Terraform state (the truth, when given) or kops's kubernetes.tf. Each address is
    unchanged, updated in place (~), created (+), replaced (-/+, with the attribute that forces it)
    or deleted (-), as `terraform plan` would show it; data-bearing resources (etcd volumes, VPC,
    subnets, elastic IPs, load balancers, DNS records, IAM roles) are marked. Nothing is written and
    AWS is not called. Guide: docs/migrating-from-kops.md.

    \b
    Exit codes (for CI):
      0  no data-bearing resource is replaced or deleted
      3  a data-bearing resource would be replaced or deleted (each is listed)
      2  bad input (spec, folder, state file or flags)
    \b
    Examples:
      terraform -chdir=kops-out show -json > live.json
      kopsgen migrate -f cluster.yaml --live-state live.json
      kopsgen migrate --name c.example.com --state s3://kops-state-store --kops-dir kops-out/
      kopsgen migrate -f cluster.yaml --kops-dir kops-out/ -o json > migrate.json
    """
    from kopsgen.lifecycle import migrate as migrating

    if not kops_dir and not live_state:
        raise click.UsageError("give --kops-dir (the folder kops wrote) and/or --live-state (terraform show -json)")
    kops = migrating.read_kops_side(kops_dir, live_state)   # bad input before the spec's render
    session = open_render_session(files, spec, name, state, read_only=True)
    report = migrating.compare_with_kops(session, kops)
    click.echo(report.to_json() if output == "json" else migrating.text(report), nl=False)
    sys.exit(report.exit_code)


@cli.group()
def validate() -> None:
    """Check that an applied cluster is up.

    \b
    Example:
      kopsgen validate cluster c.example.com --wait 10m
    """


@validate.command("cluster", cls=DetailedExitCommand)
@click.argument("name", shell_complete=complete.cluster_names)
@click.option("--kubeconfig", "kubeconfig", type=click.Path(dir_okay=False), envvar="KOPSGEN_KUBECONFIG",
              show_envvar=True, help="Kubeconfig to read [default: $KUBECONFIG, else ~/.kube/config].")
@click.option("--context", help="Kubeconfig context [default: NAME, as `export kubeconfig` names it].")
@click.option("--wait", default="0s", show_default=True,
              help="Keep validating until the cluster is valid or this much time has passed, e.g. 10m.")
@click.option("--interval", default="10s", show_default=True, help="Pause between attempts with --wait.")
@click.option("-o", "--output", "output", type=click.Choice(("table", "json", "yaml")), default="table",
              show_default=True)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP)
def validate_cluster(name: str, kubeconfig: str | None, context: str | None, wait: str, interval: str, output: str,
                     state: str | None) -> None:
    """Check cluster NAME through its API: the API server is ready, every instance group has at least
    minSize Ready nodes (by the kops.k8s.io/instancegroup label), and the control plane's pods
    (kube-apiserver, kube-controller-manager, kube-scheduler, etcd-manager, kops-controller) and the
    cluster DNS run and are ready.

    \b
    Exit codes:
      0  the cluster is valid
      2  the cluster is not valid (the table says why)
      1  validation could not run (no kubeconfig or context, unknown cluster, bad flags)
    \b
    Examples:
      kopsgen validate cluster c.example.com
      kopsgen validate cluster c.example.com --wait 10m        # after terraform apply
      kopsgen validate cluster c.example.com -o json
    """
    from kopsgen.lifecycle import stored_spec
    from kopsgen.lifecycle import validate as validation
    from kopsgen.lifecycle.kubeclient import client_for
    from kopsgen.lifecycle.kubeconfig import parse_duration
    from kopsgen.state import verbs

    wait_seconds = parse_duration(wait, "--wait", allow_zero=True).total_seconds()
    pause = parse_duration(interval, "--interval").total_seconds()
    spec = stored_spec(verbs.registry(state), name)
    client = client_for(kubeconfig, context or name)

    def retrying(result, seconds: float) -> None:
        click.echo(f"cluster {name} not valid yet ({cliutil.counted(len(result.problems), 'problem')}, first: "
                   f"{result.problems[0].message}); again in {seconds:.0f}s", err=True)

    result = validation.validate_until(spec, client, wait_seconds, pause, retrying)
    if output == "table":
        click.echo(validation.report(result), nl=False)
    elif output == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(verbs.format_documents([result.to_dict()], output), nl=False)
    if not result.valid:
        sys.exit(2)

