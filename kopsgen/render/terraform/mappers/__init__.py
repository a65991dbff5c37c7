"""Terraform mappers, one module per resource domain. Importing this package registers them all."""

from kopsgen.render.terraform.mappers import network  # noqa: F401
from kopsgen.render.terraform.mappers import dns, firewall, loadbalancer, sshkey  # noqa: F401
from kopsgen.render.terraform.mappers import compute, events, storage  # noqa: F401
from kopsgen.render.terraform.mappers import iam  # noqa: F401
from kopsgen.render.terraform.mappers import files  # noqa: F401
from kopsgen.render.terraform.mappers import kms, logs  # noqa: F401
