"""A cluster's life after its spec: preview and write changes, reach it, check it.

    update.py      `kopsgen update cluster`: render from the state store, compare with the last render
                   (snapshot.py: what is recorded; plan.py: the comparison; replacement.py: what forces a
                   replacement), write on --yes
    kubeconfig.py  `kopsgen export kubeconfig`: an admin client certificate from the cluster's CA
    validate.py    `kopsgen validate cluster`: the API answers, nodes and control-plane pods are ready
                   (kubeclient.py: the few Kubernetes API reads it needs)
"""
