"""kopsgen: kops cluster specs in, Terraform or CloudFormation out."""

__version__ = "0.1.0"
