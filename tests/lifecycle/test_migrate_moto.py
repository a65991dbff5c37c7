"""Leaving kops, measured: kops's own Terraform applied on moto, then kopsgen's for the same spec planned against
that state with the real terraform, and `kopsgen migrate`'s prediction checked against the plan, address by address.

For each kops reference case:
1. kops's `kubernetes.tf` and `data/` (tfmoto.realistic_kops_output) are applied on moto;
2. kopsgen renders the same spec into another folder, which gets kops's `terraform.tfstate` (the same bucket and
   keys for the state-store files: the spec keeps kops's `configBase: memfs://...`, which kopsgen maps to kops's
   test bucket as kops's tests do; the admin SSH key `id_rsa.pub` sits beside the spec, as in kops's case; the
   hosted zone exists before kops, as kopsgen's lookup and kops's zone ID find it);
3. `terraform plan` (read with `terraform show -json`): no replacement and no deletion beyond
   tests/lifecycle/test_migrate.py's DELIBERATE, none of
   them data-bearing;
4. `kopsgen migrate`, given the live state (`terraform show -json`) and kops's folder, predicts exactly the plan's
   creations, replacements and deletions, and (from the state) its in-place updates, except where the moto run's
   override file (not the output) restates an attribute;
5. kopsgen's output is applied, and a second plan wants no change.

The numbers of each run are written to outputs/migrate-measured.json (the table in docs/migrating-from-kops.md).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kopsgen import pipeline
from kopsgen.lifecycle import migrate as migrating
from kopsgen.output import write_output
from tests.support import terraform, tfmoto
from tests.support.moto import MotoServer
from tests.support.paths import REFERENCE, ROOT, case_input, reference_cases
from tests.lifecycle.test_migrate import deliberate  # the list of deliberate differences, with a reason each
from tests.support.sessions import session

pytestmark = [
    pytest.mark.moto,
    pytest.mark.skipif(not terraform.terraform_available(), reason="terraform not on PATH"),
]

MEASURED = ROOT / "outputs" / "migrate-measured.json"
DEFAULT_CASES = ("ha",)   # the HA case: three etcd members' volumes to carry over; the slow run does every case

# Cases moto cannot run, with the reason (the same limit as tests/render/terraform/test_moto.py's MOTO_LIMITS).
MOTO_CANNOT = {
    "minimal-ipv6": "moto 5.2 cannot create a subnet with an IPv6 CIDR (the provider waits on a DescribeSubnets "
                    "filter moto does not implement): kops's own output fails there the same way",
}


def _actions(plan: dict) -> dict[str, str]:
    """Each managed address of a `terraform show -json` plan -> unchanged/update/create/replace/delete."""
    out = {}
    for rc in plan.get("resource_changes", []):
        if rc.get("mode") != "managed":
            continue
        actions = rc["change"]["actions"]
        out[rc["address"]] = ("replace" if len(actions) == 2 else
                              {"no-op": "unchanged", "update": "update", "create": "create",
                               "delete": "delete", "read": "unchanged"}[actions[0]])
    return out


def _by(actions: dict[str, str], action: str) -> set[str]:
    return {a for a, x in actions.items() if x == action}


def _overridden(folder: Path) -> set[str]:
    """The resources the moto run's override file restates (moto's bugs, not the output's)."""
    text = (folder / tfmoto.OVERRIDE_FILE).read_text()
    return {f"{t}.{label}" for t, label in re.findall(r'^resource "([^"]+)" "([^"]+)"', text, re.M)}


def _kops_output_for_moto(case: str, dest: Path, ids: dict[str, str]) -> Path:
    out = tfmoto.realistic_kops_output(REFERENCE / case, dest)
    for path in [out / "kubernetes.tf", *sorted((out / "data").iterdir())]:
        text = path.read_text()
        # kops names the DHCP domain of us-east-1 `ec2.internal` (AWS's exception), and `<region>.compute.internal`
        # elsewhere: what kops writes for the real region the moto run uses, not a rename of its fake region
        text = text.replace(f'"{tfmoto.REGION}.compute.internal"', '"ec2.internal"') \
            if tfmoto.REGION == "us-east-1" and path.name == "kubernetes.tf" else text
        for placeholder in sorted(ids, key=len, reverse=True):   # IDs of what exists already, as made in moto
            text = text.replace(placeholder, ids[placeholder])
        path.write_text(text)
    return out


KOPS_ZONE_ID = "Z1AFAKE1ZON3YO"   # the hosted zone kops's fixtures name


def _hosted_zones(moto: MotoServer, ours: tfmoto.Config) -> dict[str, str]:
    """The hosted zones kopsgen's lookups name, made as their owner made them before the cluster; kops's fixtures
    name the same zone by the ID KOPS_ZONE_ID, mapped here to the ID moto chose."""
    ids = {}
    for address, body in sorted(ours.data_sources.items()):
        if address.startswith("aws_route53_zone."):
            zone = tfmoto._create_zone(moto.client("route53"), body["name"], private=bool(body.get("private_zone")),
                                       server=moto)
            ids[KOPS_ZONE_ID] = zone.rsplit("/", 1)[-1]
    return ids


def _show_json(folder: Path, *args: str) -> dict:
    return json.loads(terraform.run(folder, "show", "-json", *args).stdout)


def _record(case: str, result: dict) -> None:
    MEASURED.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(MEASURED.read_text()) if MEASURED.exists() else {}
    recorded[case] = result
    MEASURED.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")


def run_migration(case: str, moto: MotoServer, tmp_path: Path) -> None:
    original = [d for d in yaml.safe_load_all(case_input(case).read_text()) if d]
    ids = tfmoto.provision_existing(moto, [tfmoto.realistic_document(d) for d in original])
    network_id = next(d for d in original if d["kind"] == "Cluster")["spec"].get("networkID") or ""
    vpc = ids.get(tfmoto.realistic_text(network_id))
    if vpc:   # kops's fixture names the shared VPC's internet gateway igw-1 (what kops found in its mocked AWS)
        [igw] = moto.client("ec2").describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
        ids["igw-1"] = igw["InternetGatewayId"]

    # kopsgen's output for the same spec (written now: its zone lookups name the zones that exist before kops)
    kops_config_base = next(d for d in original if d["kind"] == "Cluster")["spec"]["configBase"]

    def keep_kops_config_base(docs: list[dict]) -> None:   # realistic_spec moves it to the tests' own bucket
        for doc in docs:
            if doc["kind"] == "Cluster":
                doc["spec"]["configBase"] = kops_config_base

    spec_path = tfmoto.realistic_spec(case_input(case), tmp_path / "spec" / "cluster.yaml", ids=ids,
                                      edit=keep_kops_config_base)
    if (REFERENCE / case / "id_rsa.pub").exists():
        shutil.copy(REFERENCE / case / "id_rsa.pub", spec_path.parent / "id_rsa.pub")
    spec = pipeline.load_spec([spec_path])
    ours = tmp_path / "ours"
    write_output(ours, pipeline.render(session(spec), "terraform", "hcl"))
    ids.update(_hosted_zones(moto, tfmoto.read_config(ours)))

    # 1. kops's own output, applied
    kops = _kops_output_for_moto(case, tmp_path / "kops", ids)
    config = tfmoto.read_config(kops)
    tfmoto.check_services(config)
    # buckets only: the zones exist already (above), and kops's output names them by ID
    tfmoto.create_prerequisites(moto, tfmoto.Config({a: b for a, b in config.resources.items()
                                                     if not a.startswith("aws_route53_record.")}))
    tfmoto.check_images(moto, config)
    tfmoto.write_override(kops, moto, config, {})
    terraform.init(kops)
    tfmoto.apply(kops)
    live = tmp_path / "live.json"
    live.write_text(json.dumps(_show_json(kops)))

    # 2. kopsgen's output in a folder holding kops's state
    shutil.copy(kops / "terraform.tfstate", ours / "terraform.tfstate")
    tfmoto.write_override(ours, moto, tfmoto.read_config(ours), {})
    terraform.init(ours)

    # 3. the real plan
    terraform.run(ours, "plan", "-out=migrate.tfplan", "-input=false", "-no-color")
    planned = _actions(_show_json(ours, "migrate.tfplan"))
    unplanned = {a: x for a, x in planned.items() if x in ("replace", "delete") and not deliberate(a)}
    assert not unplanned, f"{case}: the plan replaces or deletes {unplanned}"

    # 4. migrate's prediction, from the state and from kops's folder
    from_state = migrating.migrate(session(spec), kops_dir=kops, live_state=live)
    from_folder = migrating.migrate(session(spec), kops_dir=kops)
    for report in (from_state, from_folder):
        predicted = {c.address: c.action for c in report.changes}
        for action in ("create", "replace", "delete"):
            assert _by(predicted, action) == _by(planned, action), \
                f"{case}: {report.compared_with}: {action} predicted {sorted(_by(predicted, action))}, " \
                f"planned {sorted(_by(planned, action))}"
        assert report.exit_code == 0, f"{case}: data-bearing resources replaced or deleted: {report.data_loss}"
    # updates: exactly the plan's, apart from what the moto run's override restates, and from updates migrate
    # marks uncertain (every new value known only at plan time) that the plan finds unchanged
    moto_only = _overridden(ours)
    uncertain = {c.address for c in from_state.changes if c.uncertain}
    # an auto-scaling group that only follows a launch template whose difference the override hides
    moto_only |= {c.address for c in from_state.changes if c.forced_by and not c.attributes
                  and all(any(m in reason for m in moto_only) for reason in c.forced_by)}
    predicted = {c.address: c.action for c in from_state.changes}
    over = _by(predicted, "update") - _by(planned, "update") - moto_only - uncertain
    under = _by(planned, "update") - _by(predicted, "update") - moto_only
    assert not over and not under, f"{case}: updates predicted but not planned {sorted(over)}, planned but not " \
                                   f"predicted {sorted(under)}"

    # 5. kopsgen's output applied; nothing left to change
    tfmoto.apply(ours)
    code, text = tfmoto.plan_exit_code(ours)
    assert code == 0, f"{case}: a plan after applying kopsgen's output wants changes (exit {code}):\n{text[-6000:]}"

    _record(case, {
        "planned": {a: len(_by(planned, a)) for a in ("unchanged", "update", "create", "replace", "delete")},
        "replaced": sorted(_by(planned, "replace")), "deleted": sorted(_by(planned, "delete")),
        "created": sorted(_by(planned, "create")),
        "updatedTypes": dict(sorted({t: sum(1 for a in _by(planned, "update") if a.split(".")[0] == t)
                                     for t in {a.split(".")[0] for a in _by(planned, "update")}}.items())),
        "migrateExitCode": from_state.exit_code,
    })


@pytest.mark.parametrize("case", DEFAULT_CASES)
def test_kops_state_carries_over(case: str, moto: MotoServer, tmp_path: Path):
    run_migration(case, moto, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in reference_cases() if c not in DEFAULT_CASES])
def test_every_kops_case_carries_over(case: str, moto: MotoServer, tmp_path: Path):
    if case in MOTO_CANNOT:
        pytest.skip(MOTO_CANNOT[case])
    run_migration(case, moto, tmp_path)
