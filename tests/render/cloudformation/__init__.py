"""Tests of kopsgen/render/cloudformation/: templates, logical IDs, nested stacks, cfn-lint and moto."""
