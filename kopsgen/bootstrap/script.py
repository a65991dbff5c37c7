"""The nodeup bootstrap script: the shell program in each instance's user data.

Its text is a protocol shared with kops: a node boots the same way whether kops or kopsgen
wrote its user data, and the text matches kops's line for line so that a migration shows no
diff. It downloads the chosen nodeup release (trying each mirror, checking the SHA-256 of the
uncompressed binary), writes the boot config to `conf/kube_env.yaml` and runs
`nodeup --install-systemd-unit --conf=...`.
"""

from __future__ import annotations

import base64
import gzip
import re
from dataclasses import dataclass

from kopsgen.errors import RenderError

from kopsgen.bootstrap.releases import KopsRelease
from kopsgen.bootstrap.templating import render, template
from kopsgen.spec.api.network import EgressProxySpec

# Raised early so that nodeup's download works on hosts with small default socket buffers.
SYSCTLS = (
    "net.core.rmem_max=16777216",
    "net.core.wmem_max=16777216",
    "net.ipv4.tcp_rmem='4096 87380 16777216'",
    "net.ipv4.tcp_wmem='4096 87380 16777216'",
)

KUBE_ENV_HEREDOC = "__EOF_KUBE_ENV"


@dataclass(frozen=True)
class EgressProxy:
    url: str         # http://host[:port]
    excludes: str


def nodeup_script(release: KopsRelease, environment: dict[str, str], kube_env: str, *,
                  proxy: EgressProxy | None = None, compress: bool = False) -> str:
    amd64, arm64 = release.binary("amd64"), release.binary("arm64")
    unknown = not release.hashes_known
    return render("nodeup-bootstrap.sh", {
        "hash_comment": (f"# No nodeup hash of kops {release.version} is pinned in kopsgen: each node reads the "
                         f"SHA-256 published next to the binary (<url>.sha256).\n" if unknown else ""),
        "nodeup_url_amd64": amd64.url_list,
        "nodeup_hash_amd64": amd64.sha256 or "",
        "nodeup_url_arm64": arm64.url_list,
        "nodeup_hash_arm64": arm64.sha256 or "",
        "environment": "".join(f"export {k}={v}\n" for k, v in sorted(environment.items())),
        "proxy": _proxy_lines(proxy) if proxy else "",
        "sysctls": "".join(f"sysctl -w {s} || true\n" for s in SYSCTLS),
        "published_hash_function": template("nodeup-published-hash.sh") + "\n" if unknown else "",
        "published_hash_lookup": ('  if [[ -z "${NODEUP_HASH}" ]]; then\n'
                                  '    NODEUP_HASH=$(published-hash "${NODEUP_URL}")\n'
                                  '  fi\n' if unknown else ""),
        "write_kube_env": _write_kube_env(kube_env, compress),
    })


def _write_kube_env(kube_env: str, compress: bool) -> str:
    if compress:
        packed = base64.b64encode(gzip.compress(kube_env.encode(), compresslevel=9, mtime=0)).decode()
        return f'echo "{packed}" | base64 -d | gzip -d > conf/kube_env.yaml'
    if KUBE_ENV_HEREDOC in kube_env:  # cannot happen with YAML we wrote, but would end the here-document
        raise ValueError("boot config contains the here-document marker")
    return f"cat > conf/kube_env.yaml << '{KUBE_ENV_HEREDOC}'\n{kube_env}\n{KUBE_ENV_HEREDOC}"


def _proxy_lines(proxy: EgressProxy) -> str:
    """Proxy settings for the shell, the package manager and systemd, before anything downloads."""
    url, excludes = proxy.url, proxy.excludes
    return "".join((
        "{\n",
        f'  echo "http_proxy={url}"\n',
        f'  echo "https_proxy={url}"\n',
        f'  echo "no_proxy={excludes}"\n',
        f'  echo "NO_PROXY={excludes}"\n',
        "} >> /etc/environment\n",
        'while read -r in; do export "${in?}"; done < /etc/environment\n',
        "case $(cat /proc/version) in\n",
        "*[Dd]ebian* | *[Uu]buntu*)\n",
        f'  echo "Acquire::http::Proxy \\"{url}\\";" > /etc/apt/apt.conf.d/30proxy ;;\n',
        "*[Rr]ed[Hh]at*)\n",
        f'  echo "proxy={url}" >> /etc/yum.conf ;;\n',
        "esac\n",
        f'echo "DefaultEnvironment=\\"http_proxy={url}\\" \\"https_proxy={url}\\" '
        f'\\"NO_PROXY={excludes}\\" \\"no_proxy={excludes}\\"" >> /etc/systemd/system.conf\n',
        "systemctl daemon-reload\n",
        "systemctl daemon-reexec\n",
    ))


def egress_proxy(spec: EgressProxySpec | None) -> EgressProxy | None:
    """The spec's egressProxy as the script uses it (kops puts `http://` in front of a bare host)."""
    http = spec.http_proxy if spec is not None else None
    host = http.host if http is not None else None
    if not host:
        return None
    excludes = spec.excludes or ""
    # both are pasted into shell strings and config files: refuse anything that could end a quote
    for path, value in (("spec.egressProxy.httpProxy.host", host), ("spec.egressProxy.excludes", excludes)):
        if not _PROXY_SAFE.match(str(value)):
            raise RenderError(f"{path}: {value!r} has characters that cannot go into the boot script "
                              "(allowed: letters, digits and . - _ : / , * [ ] %)")
    url = host if host.startswith("http://") else f"http://{host}"
    if http.port:
        url += f":{int(http.port)}"
    return EgressProxy(url, excludes)


_PROXY_SAFE = re.compile(r"^[A-Za-z0-9.\-_:/,*\[\]%]*$")
