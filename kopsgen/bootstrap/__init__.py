"""Node bootstrap: the nodeup user data of each instance group, and the state-store files nodeup reads."""

from __future__ import annotations

from kopsgen.spec.api import ClusterSpec, InstanceGroup


def user_data(spec: ClusterSpec, ig: InstanceGroup) -> bytes:
    """The user data of one instance group (the same bytes for every target).

    Placeholder until the bootstrap module lands: a script that only names the group.
    """
    return (f"#!/bin/bash\n# kopsgen: nodeup bootstrap for {ig.name} of {spec.cluster.name} (not yet generated)\n"
            ).encode()
