"""The pod network addons, one module per CNI; addons/__init__.py picks the cluster's."""
