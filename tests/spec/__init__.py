"""Tests of kopsgen/spec/: reading, defaulting and validating Cluster and InstanceGroup specs, and `create cluster`."""
