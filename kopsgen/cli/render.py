"""`kopsgen render` and `kopsgen graph`: a cluster spec to Terraform, CloudFormation, state-store files or a
picture of its resources."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from kopsgen.cli import cliutil, complete, paths
from kopsgen.errors import KopsgenError
from kopsgen.cli.root import (NAME_HELP, STATE_ENV, STATE_HELP, TARGETS, backend_for, backend_options,
                              check_backend_flags, check_layout_flag, cli,
                              open_render_session)


@cli.command()
@click.argument("spec", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Cluster spec file (YAML); repeat for several files.")
@click.option("--target", type=click.Choice(TARGETS), default="terraform", show_default=True,
              envvar="KOPSGEN_TARGET", show_envvar=True)
@click.option("--format", "fmt", type=click.Choice(("hcl", "json", "yaml")), default=None,
              envvar="KOPSGEN_FORMAT", show_envvar=True,
              help="terraform: hcl (default) or json; cloudformation: json (default) or yaml.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default=None,
              envvar="KOPSGEN_OUT", show_envvar=True,
              help="Output folder [default: outputs/<cluster>/<target>].")
@click.option("--terraform-layout", "layout", type=click.Choice(("flat", "module")), default="flat", show_default=True,
              envvar="KOPSGEN_TERRAFORM_LAYOUT", show_envvar=True,
              help="terraform: flat (kops's kubernetes.tf) or module (the cluster as a module in cluster/, and a "
                   "root calling it; docs/terraform-layouts.md).")
@click.option("--upload-templates", is_flag=True,
              help="cloudformation: upload the templates to the configBase bucket (s3://) and print their URLs.")
@click.option("--upload-files", is_flag=True,
              help="cloudformation: upload the state-store files nodes read at boot to the configBase.")
@click.option("--name", help=NAME_HELP, shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP + " It keeps the cluster's CAs.")
@backend_options
def render(spec: tuple[str, ...], files: tuple[str, ...], target: str, fmt: str | None, out_dir: str | None,
           layout: str, upload_templates: bool, upload_files: bool, name: str | None, state: str | None,
           backend_url: str | None, backend_region: str | None, backend_lock_table: str | None) -> None:
    """Render a cluster spec (files, or a cluster in the state store) to Terraform or CloudFormation.

    The cluster's CAs are made in the state store on the first render and reused after.

    \b
    Examples:
      kopsgen render --target terraform -f cluster.yaml -o out/
      kopsgen render --target terraform --format json cluster.yaml
      kopsgen render --target terraform --terraform-layout module -f cluster.yaml -o out/
      kopsgen render -f cluster.yaml --backend s3://my-tf-state/c.example.com/terraform.tfstate
      kopsgen render --target cloudformation -f cluster.yaml -o cfn/
      kopsgen render --target terraform --name c.example.com --state s3://my-state-store
      kopsgen render --target files -f cluster.yaml     (state-store files to the configBase)
    """
    from kopsgen import pipeline
    from kopsgen.output import write_output

    say = cliutil.console()
    if (upload_templates or upload_files) and target != "cloudformation":
        raise click.UsageError("--upload-templates and --upload-files go with --target cloudformation")
    check_layout_flag(target, layout)
    check_backend_flags(target, backend_url, backend_region, backend_lock_table)
    if target != "files":
        fmt = pipeline.output_format(target, fmt)
    from click.core import ParameterSource

    from_env = click.get_current_context().get_parameter_source("out_dir") == ParameterSource.ENVIRONMENT
    if target == "files" and from_env:
        out_dir = None   # KOPSGEN_OUT names where rendered code goes, never a place for a cluster's files
    if out_dir:   # before the session, which may make the cluster's CAs in the state store
        paths.check_output_folder(out_dir, "-o/--out")
    uploading = upload_templates or upload_files

    def check_uploads(loaded) -> None:
        if uploading:
            from kopsgen.publish.cloudformation import check_uploads as refuse_failing_uploads

            refuse_failing_uploads(loaded, upload_templates=upload_templates, upload_files=upload_files)

    session = open_render_session(files, spec, name, state, read_only=False, check=check_uploads)
    cluster_spec = session.spec
    if target == "files":  # nothing to render: the files nodes read go straight to the state store
        with say.task(f"writing the state-store files of {cluster_spec.cluster.name}"):
            where, written = pipeline.upload_state_files(session, out_dir)
        say.status(f"wrote {cliutil.counted(len(written), 'state-store file')} to {where}"
                   + ("" if written else " (all up to date)"))
        unreadable = None if out_dir else pipeline.config_base_warning(cluster_spec)
        if unreadable:
            say.warning(unreadable)
        return
    with say.task(f"rendering {cluster_spec.cluster.name} for {target}"):
        backend = backend_for(cluster_spec, backend_url, backend_region, backend_lock_table)
        rendered = pipeline.render(session, target, fmt, backend, layout=layout)
    out = Path(out_dir) if out_dir else Path("outputs") / cluster_spec.cluster.name / target
    if not out_dir:
        paths.check_output_folder(out, "-o/--out")
    # the AWS account some state-store files name, looked up before the first write
    values = session.bootstrap.apply_time_values({f.key for f in session.bootstrap.files}) if upload_files else None
    with say.task(f"writing {cliutil.counted(len(rendered), 'file')} to {out}"):
        write_output(out, rendered)
    say.status(f"wrote {cliutil.counted(len(rendered), 'file')} to {out}")
    unreadable = pipeline.config_base_warning(cluster_spec)
    if unreadable:   # render still works (it is how kopsgen is tried out), but says it loudly
        say.warning(unreadable)
    if target == "cloudformation":
        from kopsgen.publish.cloudformation import after_render

        task = say.task(f"uploading to {cluster_spec.cluster.config_base.url}")
        with task if uploading else contextlib.nullcontext():
            try:
                lines = after_render(session, rendered, upload_templates=upload_templates,
                                     upload_files=upload_files, apply_time_values=values)
            except KopsgenError as exc:   # after the first write: say what is written and how to finish
                exc.args = (f"{exc} (the {cliutil.counted(len(rendered), 'file')} in {out} are written)",)
                raise
        for line in lines:
            say.status(line)


@cli.command()
@click.argument("spec", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-f", "--filename", "files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Cluster spec file (YAML); repeat for several files.")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the picture to this file [default: stdout]. Its extension (.dot, .svg, .mmd) sets "
                   "the format unless --format is given.")
@click.option("--format", "fmt", type=click.Choice(("dot", "svg", "mermaid")), default=None,
              help="dot: Graphviz source; svg: a drawing (needs Graphviz's `dot` program); mermaid: for "
                   "Markdown that renders Mermaid. [default: from -o, else dot]")
@click.option("--name", help=NAME_HELP, shell_complete=complete.cluster_names)
@click.option("--state", envvar=STATE_ENV, help=STATE_HELP + " Only read.")
def graph(spec: tuple[str, ...], files: tuple[str, ...], out_file: str | None, fmt: str | None, name: str | None,
          state: str | None) -> None:
    """Draw the cluster's resources and what each uses, grouped by network, security, IAM, compute, ...

    Each box is a resource (its kind and name, without the cluster name); an arrow points from a
    resource to one it refers to. The output is the same for the same spec, so it can be committed.
    Nothing is written to the state store.

    \b
    Examples:
      kopsgen graph -f cluster.yaml -o graph.svg
      kopsgen graph -f cluster.yaml --format mermaid > graph.mmd
      kopsgen graph -f cluster.yaml | dot -Tpng > graph.png
      kopsgen graph --name c.example.com --state s3://my-state-store -o graph.svg
    """
    from kopsgen import graph as pictures
    from kopsgen import pipeline

    chosen = pictures.format_for(out_file, fmt)
    if out_file and out_file != "-":
        paths.check_output_file(out_file, "-o/--out")
    # read_only: a picture never makes the cluster's CAs
    session = open_render_session(files, spec, name, state, read_only=True)
    with cliutil.console().task(f"building the graph of {session.spec.cluster.name}"):
        pic = pictures.picture(pipeline.build_graph(session), session.spec.cluster.name)
    text = pictures.render(pic, chosen)
    if not out_file or out_file == "-":
        click.echo(text, nl=False)
        return
    from kopsgen.state.verbs import write_file_atomically

    write_file_atomically(Path(out_file), text)
    cliutil.console().status(f"wrote {out_file}: {cliutil.counted(len(pic.nodes), 'resource')}, "
                             f"{cliutil.counted(len(pic.edges), 'arrow')} ({chosen})")

