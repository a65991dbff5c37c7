"""`make bench-peer`: kopsgen against the tool a user would otherwise pick (AWS CDK), same cluster, same run."""
