"""After a CloudFormation render: upload what the stack reads from S3 (`--upload-files`, `--upload-templates`),
then say what is still to do before and after the stack is created (render/cloudformation/deploy_guide.py)."""

from __future__ import annotations

from kopsgen import progress
from kopsgen.errors import KopsgenError, StateStoreError, UsageError
from kopsgen.publish.templates import https_url, template_folder
from kopsgen.render.cloudformation.deploy_guide import main_template, notes
from kopsgen.render.cloudformation.layout import TEMPLATE_SUFFIXES
from kopsgen.session import RenderSession
from kopsgen.spec.api import ClusterSpec
from kopsgen.state.s3 import S3StateStore, bucket_region


class UploadError(KopsgenError):
    exit_code = 1


def check_uploads(spec: ClusterSpec, *, upload_templates: bool, upload_files: bool) -> None:
    """Refuse, before anything is written anywhere, the uploads that cannot work: templates without an S3
    configBase, a configBase bucket that does not exist or that the caller's credentials cannot reach."""
    if upload_templates and template_folder(spec) is None:
        raise UsageError(f"--upload-templates needs the cluster's configBase on S3 (s3://...); it is "
                         f"{spec.cluster.config_base.url}: drop the flag, or set spec.configBase to an S3 folder")
    if (upload_templates or upload_files) and spec.cluster.config_base.scheme == "s3":
        store = S3StateStore(spec.cluster.config_base.url)
        try:
            store.list("")   # one request: credentials, the bucket, and the right to read it
        except StateStoreError as exc:
            raise UsageError(f"{exc}; nothing was written") from None


def after_render(session: RenderSession, files: dict[str, bytes], *, upload_templates: bool = False,
                 upload_files: bool = False, apply_time_values: dict[str, str] | None = None) -> list[str]:
    """What the CLI does and says once the CloudFormation output of `session` is written: the optional
    uploads, then the notes on what is still to do. `apply_time_values` are those the caller looked up
    before writing anything (bootstrap.apply_time_values). A failure half way says what was uploaded and
    that running the command again finishes (what is already in place is not written again)."""
    spec = session.spec
    lines: list[str] = []
    if upload_files:
        written = _upload_state_files(session, apply_time_values)
        lines.append(f"uploaded {len(written)} state-store file{'' if len(written) == 1 else 's'} to "
                     f"{spec.cluster.config_base.url}" + ("" if written else " (all were up to date)"))
    if upload_templates:
        urls = _upload_templates(spec, files)
        main = urls[main_template(files)]
        lines.append(f"uploaded {len(urls)} template{'s' if len(urls) != 1 else ''} to {main.rsplit('/', 1)[0]}/")
        lines.append(f"create the stack with --template-url {main}")
    return lines + notes(files, templates_uploaded=upload_templates, files_uploaded=upload_files)


def _upload_state_files(session: RenderSession, values: dict[str, str] | None) -> list[str]:
    """The state-store files to the configBase; a failure says how far it got."""
    from kopsgen.state import open_store

    bootstrap = session.bootstrap
    target = open_store(bootstrap.context.config_base.store_url)
    written: list[str] = []
    try:
        bootstrap.upload_state_files(target, apply_time_values=values, written=written)
    except KopsgenError as exc:
        total = len(bootstrap.files)
        raise UploadError(f"{exc}; {len(written)} state-store file{'' if len(written) == 1 else 's'} of {total} "
                          f"written to {target.url} before the failure: fix the cause and run the same command "
                          f"again to finish (files already in place are not written again)") from None
    return written


def upload_templates(spec: ClusterSpec, files: dict[str, bytes], client=None) -> dict[str, str]:
    """Upload every template of a rendered output to the cluster's S3 folder; their URLs, by path."""
    folder = template_folder(spec)
    if folder is None:
        raise UsageError(f"--upload-templates needs the cluster's configBase on S3 (s3://...); "
                         f"it is {spec.cluster.config_base.url}")
    if client is None:   # the state store's client: same credentials, region and endpoint settings
        client = S3StateStore(f"s3://{folder.bucket}").client
    region = _bucket_region(client, folder.bucket, spec.cluster.region)
    urls: dict[str, str] = {}
    for path in sorted(p for p in files if p.endswith(TEMPLATE_SUFFIXES)):
        key = folder.key(path)
        content_type = "application/json" if path.endswith(".json") else "application/x-yaml"
        try:
            client.put_object(Bucket=folder.bucket, Key=key, Body=files[path], ContentType=content_type)
        except Exception as exc:  # botocore's errors: report which object, without a traceback
            raise UploadError(f"cannot upload s3://{folder.bucket}/{key}: {exc}; {len(urls)} of the templates are "
                              f"uploaded: fix the cause and run the same command again to finish") from None
        urls[path] = https_url(folder.bucket, key, region)
        progress.step(f"uploaded s3://{folder.bucket}/{key}")
    return urls


_upload_templates = upload_templates   # after_render's flag of the same name hides the function


def _bucket_region(client, bucket: str, default: str) -> str:
    try:
        return bucket_region(bucket, client) or default
    except StateStoreError as exc:
        raise UploadError(str(exc)) from None
