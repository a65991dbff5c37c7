"""Tests of kopsgen/render/terraform/: the Terraform output, against kops's own and the real terraform."""
