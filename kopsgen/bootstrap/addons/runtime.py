"""Container runtimes beside runc: gVisor's RuntimeClass."""

from __future__ import annotations

from kopsgen.bootstrap.addons.base import Addon


# the RuntimeClass pods use to run in gVisor's sandbox on the groups that have it
GVISOR = Addon(name="gvisor.addons.k8s.io", id="k8s-1.20", template="addon-gvisor.yaml")
