"""CloudFormation mappers, one module per resource domain. Importing this package registers them all."""

from kopsgen.render.cloudformation.mappers import compute, dns, events, firewall, iam, loadbalancer  # noqa: F401
from kopsgen.render.cloudformation.mappers import network, sshkey, storage  # noqa: F401
from kopsgen.render.cloudformation.mappers import files  # noqa: F401
from kopsgen.render.cloudformation.mappers import kms, logs  # noqa: F401
