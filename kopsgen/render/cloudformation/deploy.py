"""DEPLOY.md: how to deploy what the CloudFormation target wrote, and the notes the CLI prints.

Everything here is computed from the rendered files themselves, so the notes cannot disagree
with what was written.
"""

from __future__ import annotations

import json
import re

from kopsgen.render.cloudformation.layout import MAX_BODY_BYTES, NESTED_FOLDER, TEMPLATE_BASE_URL
from kopsgen.render.cloudformation.upload import TEMPLATE_SUFFIXES


LISTED_NESTED = 12   # more nested templates than this are summed up rather than listed


def stack_name(cluster: str) -> str:
    """A suggested stack name: CloudFormation allows letters, digits and hyphens, starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", cluster).strip("-")
    return name if name[:1].isalpha() else f"k-{name}"


def main_template(files: dict[str, bytes]) -> str:
    return next(p for p in sorted(files) if p.endswith(TEMPLATE_SUFFIXES) and "/" not in p)


def _load(data: bytes, path: str) -> dict:
    if path.endswith(".json"):
        return json.loads(data)
    from cfn_flip import to_json

    return json.loads(to_json(data.decode()))


def notes(files: dict[str, bytes], *, templates_uploaded: bool = False, files_uploaded: bool = False) -> list[str]:
    """Short lines for the terminal: what must still happen before (and after) the stack is created."""
    main = main_template(files)
    nested = sorted(p for p in files if p.startswith(f"{NESTED_FOLDER}/"))
    lines = []
    if nested and not templates_uploaded:
        lines.append(f"{main} is a parent stack with {len(nested)} nested templates under {NESTED_FOLDER}/: "
                     "they must be uploaded to S3 (--upload-templates) before the stack is created.")
    elif len(files[main]) > MAX_BODY_BYTES and not templates_uploaded:
        lines.append(f"{main} is {len(files[main]):,} bytes, over CloudFormation's {MAX_BODY_BYTES:,}-byte limit "
                     "for a template passed inline: deploy it from S3 (--upload-templates prints its URL).")
    if not files_uploaded:
        lines.append("CloudFormation cannot create the state-store files nodes read at boot: upload them with "
                     "--upload-files (see DEPLOY.md).")
    for group, processes in suspended_processes(files).items():
        lines.append(f"after the stack is created, suspend {', '.join(processes)} on {group} "
                     "(CloudFormation cannot; see DEPLOY.md).")
    if private_zone_output(files):
        lines.append("after the stack is created, associate its VPC with the private hosted zone "
                     "(CloudFormation cannot; see DEPLOY.md).")
    if default_security_group_output(files):
        lines.append("after the stack is created, remove the rules of the VPC's default security group "
                     "(CloudFormation cannot; see DEPLOY.md).")
    return lines


def deploy_markdown(cluster: str, files: dict[str, bytes]) -> str:
    main = main_template(files)
    body = _load(files[main], main)
    nested = sorted(p for p in files if p.startswith(f"{NESTED_FOLDER}/"))
    inline = not nested and len(files[main]) <= MAX_BODY_BYTES
    stack = stack_name(cluster)
    out = [f"# Deploying {cluster} with CloudFormation", "",
           "Written by `kopsgen render --target cloudformation`; re-rendering the same spec writes the same bytes.", ""]
    _, _, warning = str(body.get("Description", "")).partition(". WARNING: ")   # assembly.description's
    if warning:
        out += [f"**WARNING: {warning}**", ""]
    out += ["## Files", ""]
    out.append(f"- `{main}`: {len(files[main]):,} bytes, {len(body.get('Resources', {}))} "
               f"{'nested stacks' if nested else 'resources'}")
    if len(nested) > LISTED_NESTED:
        counts = [len(_load(files[p], p).get("Resources", {})) for p in nested]
        out.append(f"- `{NESTED_FOLDER}/`: {len(nested)} templates of {min(counts)} to {max(counts)} resources, "
                   f"{sum(counts)} in all; the largest is {max(len(files[p]) for p in nested):,} bytes")
    for path in nested if len(nested) <= LISTED_NESTED else []:
        template = _load(files[path], path)
        out.append(f"- `{path}`: {len(files[path]):,} bytes, {len(template.get('Resources', {}))} resources")
    out.append("")

    parameters = body.get("Parameters", {})
    if parameters:
        out += ["## Parameters", "",
                "Values Terraform would look up with data sources are parameters here; kopsgen never calls AWS "
                "while rendering. Those without a default must be given.", "",
                "| Parameter | Type | Default | Description |", "|---|---|---|---|"]
        for name, p in sorted(parameters.items()):
            default = f"`{p['Default']}`" if "Default" in p else "(required)"
            out.append(f"| `{name}` | `{p.get('Type')}` | {default} | {p.get('Description', '')} |")
        out.append("")

    out += ["## 1. Upload the state-store files", "",
            "Nodes read their configuration (nodeup config, certificates, manifests) from the state store at boot. "
            "Terraform writes these as `aws_s3_object` resources; CloudFormation has no such resource, so kopsgen "
            "uploads them itself:", "",
            "```", "kopsgen render --target cloudformation -f CLUSTER.yaml --upload-files", "```", ""]

    required = [n for n, p in sorted(parameters.items()) if "Default" not in p]
    params = ""
    if required:
        params = " \\\n  --parameters " + " ".join(f"ParameterKey={n},ParameterValue=..." for n in required)
    out += ["## 2. Create the stack", ""]
    if inline:
        out += [f"The template is {len(files[main]):,} bytes, within the {MAX_BODY_BYTES:,}-byte limit for a "
                "template passed inline:", "", "```",
                f"aws cloudformation create-stack --stack-name {stack} \\\n  --template-body file://{main} \\\n"
                f"  --capabilities CAPABILITY_NAMED_IAM{params}", "```"]
    else:
        why = (f"The parent template and its {len(nested)} nested templates" if nested
               else f"The template is {len(files[main]):,} bytes, over the {MAX_BODY_BYTES:,}-byte limit for a "
                    "template passed inline: it")
        out += [f"{why} must be read from S3. Upload {'them' if nested else 'it'} to the cluster's state-store "
                f"bucket (the command prints {'their URLs' if nested else 'its URL'}):", "", "```",
                "kopsgen render --target cloudformation -f CLUSTER.yaml --upload-templates",
                "```", "", "then create the stack from the main template's URL:", "", "```",
                f"aws cloudformation create-stack --stack-name {stack} \\\n  --template-url URL_OF_{main} \\\n"
                f"  --capabilities CAPABILITY_NAMED_IAM{params}", "```"]
        if nested:
            out += ["", f"`{TEMPLATE_BASE_URL}` is the HTTPS URL of the folder holding `{NESTED_FOLDER}/`; its default "
                    "is the state store's `cloudformation/` folder in the cluster's region."]
    suspended = suspended_processes(files)
    default_group = default_security_group_output(files)
    private_zone = private_zone_output(files)
    if suspended or default_group or private_zone:
        out += ["", "## 3. After the stack is created"]
    if private_zone:
        vpc = _main_output(files, "vpc_id")
        region = _load(files[main], main)["Outputs"][_main_output(files, "region")]["Value"]
        out += ["", "A private hosted zone answers only inside the VPCs associated with it, and nodes resolve the "
                "API's internal name there. kopsgen's Terraform associates the new VPC with the zone; "
                "CloudFormation can only do that for a zone it creates. Associate it once the VPC exists "
                "(nodes retry until the name resolves):", "", "```",
                f"aws route53 associate-vpc-with-hosted-zone --hosted-zone-id \"{_stack_output(stack, private_zone)}\" "
                f"\\\n  --vpc VPCRegion={region},VPCId=\"{_stack_output(stack, vpc)}\"", "```"]
    if suspended:
        out += ["", "CloudFormation cannot keep auto-scaling processes suspended (the spec's `suspendProcesses`); "
                "suspend them once the groups exist:", "", "```"]
        out += [f"aws autoscaling suspend-processes --auto-scaling-group-name {group} --scaling-processes "
                + " ".join(processes) for group, processes in suspended.items()]
        out += ["```"]
    if default_group:
        out += ["", "Every VPC comes with a default security group that lets its members reach each other and "
                "anything outside. Nothing of the cluster uses it; kopsgen's Terraform empties it, but "
                "CloudFormation cannot manage that group. Remove its rules once the VPC exists "
                "(`spec.kopsgen.restrictDefaultSecurityGroup: false` leaves it as AWS made it):", "", "```",
                f"SG={_stack_output(stack, default_group)}",
                "aws ec2 revoke-security-group-ingress --group-id \"$SG\" --ip-permissions \\",
                "  \"$(aws ec2 describe-security-groups --group-ids \"$SG\" --query 'SecurityGroups[0].IpPermissions')\"",
                "aws ec2 revoke-security-group-egress --group-id \"$SG\" --ip-permissions \\",
                "  \"$(aws ec2 describe-security-groups --group-ids \"$SG\" "
                "--query 'SecurityGroups[0].IpPermissionsEgress')\"",
                "```"]
    out += ["", "Instance groups roll when their launch template changes (UpdatePolicy AutoScalingRollingUpdate); "
            "control-plane groups roll one after another, one instance at a time."]
    return "\n".join(out) + "\n"


def _stack_output(stack: str, output: str | None) -> str:
    """The shell expression that reads one output of the created stack."""
    return (f"$(aws cloudformation describe-stacks --stack-name {stack} --query "
            f"\"Stacks[0].Outputs[?OutputKey=='{output}'].OutputValue\" --output text)")


def _main_output(files: dict[str, bytes], name: str) -> str | None:
    """The logical ID of the main template's output `name`, if the template has it."""
    from kopsgen.ir import naming

    main = main_template(files)
    output = naming.output_id(name)
    return output if output in _load(files[main], main).get("Outputs", {}) else None


def default_security_group_output(files: dict[str, bytes]) -> str | None:
    """The stack output holding the VPC's default security group, when the spec asks for it to be emptied
    (which a template cannot do: see mappers/firewall.py)."""
    return _main_output(files, "default_security_group_id")


def private_zone_output(files: dict[str, bytes]) -> str | None:
    """The stack output holding the private hosted zone the stack's VPC must join (see mappers/dns.py)."""
    return _main_output(files, "private_hosted_zone_id")


def suspended_processes(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Auto-scaling processes the spec suspends, by group name, as the templates record them."""
    from kopsgen.render.cloudformation.mappers.compute import SUSPENDED_METADATA

    found: dict[str, list[str]] = {}
    for path in sorted(p for p in files if p.endswith(TEMPLATE_SUFFIXES)):
        for resource in _load(files[path], path).get("Resources", {}).values():
            processes = resource.get("Metadata", {}).get(SUSPENDED_METADATA, {}).get("SuspendedProcesses")
            if processes:
                found[resource["Properties"]["AutoScalingGroupName"]] = processes
    return dict(sorted(found.items()))


def after_render(session, files: dict[str, bytes], *, upload_templates: bool = False,
                 upload_files: bool = False) -> list[str]:
    """What the CLI does and says once the CloudFormation output of `session` (a RenderSession) is written:
    the optional uploads, then the notes on what is still to do."""
    spec = session.spec
    lines: list[str] = []
    if upload_files:
        written = session.bootstrap.upload_state_files()
        lines.append(f"uploaded {len(written)} state-store files to {spec.cluster.config_base.url}"
                     + ("" if written else " (all were up to date)"))
    if upload_templates:
        from kopsgen.render.cloudformation.upload import upload_templates as upload

        urls = upload(spec, files)
        main = urls[main_template(files)]
        lines.append(f"uploaded {len(urls)} template{'s' if len(urls) != 1 else ''} to {main.rsplit('/', 1)[0]}/")
        lines.append(f"create the stack with --template-url {main}")
    return lines + notes(files, templates_uploaded=upload_templates, files_uploaded=upload_files)
