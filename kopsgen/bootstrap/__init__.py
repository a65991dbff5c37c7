"""Node bootstrap: each instance group's nodeup user data, and the state-store files nodeup reads.

    ClusterBootstrap.load(spec, store)  read the cluster's CA keysets from `store`, making those it lacks
    .user_data(ig)                     the bytes an instance of `ig` boots with (both targets embed them)
    .state_files()                     every file kops keeps under the config base: {key: (bytes, secret)}
    .upload_state_files()              write them to the config base's store (CloudFormation, --target files)

Where the cluster's CAs are kept: the state store the caller gives (the CLI's --state, KOPSGEN_STATE_STORE, else
`~/.local/state/kopsgen/state-store`), under `<cluster>/pki/private/<name>/keyset.yaml`, as kops lays it out.
They are generated the first time a cluster is rendered and read back afterwards, so a
re-render does not rotate them. Private keys go only to state stores, never into rendered output.
With KOPSGEN_STATE_STORE=s3://BUCKET and a config base of s3://BUCKET/<cluster> (kops's usual
layout) the two are the same place; otherwise `kopsgen render --target files` copies the files,
keysets included, to the config base.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from kopsgen import progress
from kopsgen.bootstrap import irsa, kyaml, nodeupconfig, script, statefiles, userdata
from kopsgen.bootstrap.addons.node_health import NTH_QUEUE_URL_MARKER
from kopsgen.bootstrap.context import BootstrapContext
from kopsgen.bootstrap.pki import KeyStore
from kopsgen.bootstrap.statefiles import StateFileContent
from kopsgen.errors import RenderError
from kopsgen.ir import naming
from kopsgen.spec.api import ClusterSpec, InstanceGroup
from kopsgen.spec.api.network import aws_partition
from kopsgen.state.backends import open_store
from kopsgen.state.store import StateStore

# The account the cluster is deployed to, for the state files that name it (see _target_account).
ACCOUNT_ENV = "KOPSGEN_AWS_ACCOUNT_ID"

__all__ = ["ClusterBootstrap", "StateFileContent"]


@dataclass
class ClusterBootstrap:
    """Everything the bootstrap derives from one completed spec and its CA keysets, computed once.
    Made by load(), which reads (or makes) the keysets first."""

    context: BootstrapContext
    _nodeup_configs: dict[str, bytes] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def load(cls, spec: ClusterSpec, store: StateStore) -> ClusterBootstrap:
        """The bootstrap of `spec`, its CA keysets read from `store`. The one place a cluster's CAs are made:
        those the store does not hold yet are created there (and announced, pki.announce_new_cas, unless the
        store drops its writes: an OverlayStore's owner announces them when it flushes)."""
        keys = KeyStore(store, spec.cluster.name)
        context = BootstrapContext(spec, keys)
        keys.load(nodeupconfig.all_keyset_names(context))
        return cls(context)

    @property
    def spec(self) -> ClusterSpec:
        return self.context.spec

    @property
    def store(self) -> StateStore:
        """The state store the keysets were read from (and new ones written to)."""
        return self.context.keys.store

    def nodeup_config(self, ig: InstanceGroup) -> bytes:
        """The group's nodeup config, exactly as written to the config base (and hashed)."""
        if ig.name not in self._nodeup_configs:
            self._nodeup_configs[ig.name] = nodeupconfig.nodeup_config_bytes(self.context, ig)
        return self._nodeup_configs[ig.name]

    def boot_config(self, ig: InstanceGroup) -> dict:
        return nodeupconfig.boot_config(self.context, ig, self.nodeup_config(ig))

    def user_data(self, ig: InstanceGroup) -> bytes:
        """The user data of one instance group (the same bytes for every target). kops's rule: a bastion runs
        no nodeup; its user data is only its additional parts (none: empty, and its launch template gets no
        user data at all)."""
        ig = self.spec.instance_group(ig.name)
        if ig.is_bastion:
            return userdata.combine(ig, None)
        kube_env = kyaml.dump(self.boot_config(ig))
        text = script.nodeup_script(self.context.release, {"AWS_REGION": self.spec.cluster.region}, kube_env,
                                    proxy=script.egress_proxy(self.spec.cluster.egress_proxy),
                                    compress=ig.compress_user_data)
        return userdata.combine(ig, text)

    @cached_property
    def files(self) -> list[StateFileContent]:
        configs = {ig.name: self.nodeup_config(ig) for ig in self.context.groups_needing_bootstrap()}
        return statefiles.build(self.context, configs)

    def state_files(self) -> dict[str, tuple[bytes, bool]]:
        """Every file of the config base, by key relative to it: (bytes, secret)."""
        return {f.key: (f.content, f.secret) for f in self.files}

    def upload_state_files(self, store: StateStore | None = None, *,
                           apply_time_values: dict[str, str] | None = None,
                           keys: Collection[str] | None = None, written: list[str] | None = None) -> list[str]:
        """Write every state file (or only those of `keys`) to the config base (or to `store`), and return
        the keys written. Files whose bytes are already there are left alone, so an unchanged upload
        writes nothing.

        Some files hold values known only in the target account (the node termination handler's queue
        URL and the ARNs of addons' own roles hold the account ID); Terraform fills them in at apply time,
        here they are filled from `apply_time_values` (marker -> value) or, when not given, from the account
        in KOPSGEN_AWS_ACCOUNT_ID or of the caller's AWS credentials (the ones writing to the bucket).
        Each key is added to `written` (when given) as soon as it is written, so that a caller can tell
        how far a failing upload got."""
        target = store or open_store(self.context.config_base.store_url)
        values = apply_time_values
        written = [] if written is None else written
        for f in self.files:
            if keys is not None and f.key not in keys:
                continue
            content = f.content
            markers = _apply_time_markers(content)
            if markers and values is None:
                values = _look_up_apply_time_values(self)
            for marker in markers:
                if marker not in values:
                    raise RenderError(f"{f.key}: no value given for {marker}")
                content = content.replace(marker.encode(), values[marker].encode())
            current = target.read(f.key)
            if current is not None and current[0] == content:
                continue
            if f.secret and current is not None:
                # a keyset that differs in the target was made by someone else: never overwrite a CA
                raise RenderError(f"{target.url}/{f.key} holds a different keyset than the local state store "
                                  f"({self.store.url}); refusing to replace a CA")
            target.write(f.key, content, secret=f.secret)
            written.append(f.key)
            progress.step(f"wrote {target.location(f.key)}")
        return written

    def apply_time_values(self, keys: Collection[str]) -> dict[str, str] | None:
        """The apply-time values the state files of `keys` need, looked up now with the caller's AWS
        credentials (RenderError if that fails); None when none of them needs any. For callers that
        must know before writing anything."""
        if any(f.key in keys and _apply_time_markers(f.content) for f in self.files):
            return _look_up_apply_time_values(self)
        return None


def _apply_time_markers(content: bytes) -> list[str]:
    """The markers of values known only in the target account that `content` holds: the node
    termination handler's queue URL, the ARNs of addons' own roles (irsa.py)."""
    text = content.decode("utf-8", "replace")
    markers = [NTH_QUEUE_URL_MARKER] if NTH_QUEUE_URL_MARKER in text else []
    return markers + [irsa.role_arn_marker(role) for role in sorted(set(irsa.ROLE_ARN_MARKERS.findall(text)))]


def _look_up_apply_time_values(bootstrap: ClusterBootstrap) -> dict[str, str]:
    """Every apply-time value of the cluster's files, from the account (and partition) the cluster is
    deployed to (_target_account)."""
    markers = sorted({m for f in bootstrap.files for m in _apply_time_markers(f.content)})
    account, partition = _target_account(bootstrap.spec.cluster.region)
    values = {NTH_QUEUE_URL_MARKER: sqs_queue_url(bootstrap.spec.cluster.region, account,
                                                  naming.nth_queue(bootstrap.spec.cluster.name))}
    for marker in markers:
        role = irsa.ROLE_ARN_MARKERS.fullmatch(marker)
        if role:
            values[marker] = irsa.role_arn(partition, account, role.group(1))
    return values


def _target_account(region: str) -> tuple[str, str]:
    """(account ID, partition) the cluster is deployed to: ACCOUNT_ENV when set (no AWS call, for
    offline runs and state stores on disk), else those of the caller's AWS credentials."""
    given = os.environ.get(ACCOUNT_ENV, "").strip()
    if given:
        if not re.fullmatch(r"[0-9]{12}", given):
            raise RenderError(f"{ACCOUNT_ENV}={given!r} is not an AWS account ID (12 digits)")
        return given, aws_partition(region)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        identity = boto3.client("sts").get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        raise RenderError(f"the node termination handler's queue URL and the addons' role ARNs hold the AWS "
                          f"account ID; looking the account up failed: {exc} (set {ACCOUNT_ENV} to give it)") from None
    return identity["Account"], identity["Arn"].split(":")[1]


def sqs_queue_url(region: str, account: str, queue: str) -> str:
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{queue}"
