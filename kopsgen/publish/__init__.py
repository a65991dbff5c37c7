"""Publishing a render: putting into S3 what a deployment reads there, and saying what is left to do.

Rendering (kopsgen/render/) writes files and never calls AWS. CloudFormation, unlike Terraform, cannot
create the state-store files nodes read at boot, and reads large or nested templates from S3: the
optional uploads of `kopsgen render --target cloudformation` (`--upload-files`, `--upload-templates`)
happen here, after the render (cloudformation.py), in the S3 folder templates.py names.
"""
