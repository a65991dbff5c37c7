#!/bin/bash
set -o errexit
set -o nounset
set -o pipefail

{{? hash_comment }}
NODEUP_URL_AMD64={{ nodeup_url_amd64 }}
NODEUP_HASH_AMD64={{ nodeup_hash_amd64 }}
NODEUP_URL_ARM64={{ nodeup_url_arm64 }}
NODEUP_HASH_ARM64={{ nodeup_hash_arm64 }}

{{ environment }}

{{ proxy }}

{{ sysctls }}

function ensure-install-dir() {
  INSTALL_DIR="/opt/kops"
  # On ContainerOS, we install under /var/lib/toolbox; /opt is ro and noexec
  if [[ -d /var/lib/toolbox ]]; then
    INSTALL_DIR="/var/lib/toolbox/kops"
  fi
  mkdir -p ${INSTALL_DIR}/bin
  mkdir -p ${INSTALL_DIR}/conf
  cd ${INSTALL_DIR}
}

{{? published_hash_function }}
# Retry a download until we get it. sha covers the uncompressed binary. args: name, sha, urls
download-or-bust() {
  echo "== Downloading $1 with hash $2 from $3 =="
  local -r file="$1"
  local -r hash="$2"
  local -a urls
  IFS=, read -r -a urls <<< "$3"

  if [[ -f "${file}" ]]; then
    if ! validate-hash "${file}" "${hash}"; then
      rm -f "${file}"
    else
      return 0
    fi
  fi

  while true; do
    for url in "${urls[@]}"; do
      echo "== Downloading ${url}.xz =="
      if ! curl -f -Lo "${file}.xz" --connect-timeout 20 --retry 6 --retry-delay 10 "${url}.xz"; then
        echo "== Failed to download ${url}.xz =="
        rm -f "${file}.xz"
      elif ! xz -d "${file}.xz"; then
        echo "== Failed to decompress ${url}.xz =="
        rm -f "${file}" "${file}.xz"
      elif ! validate-hash "${file}" "${hash}"; then
        echo "== Failed to validate decompressed hash for ${url}.xz =="
        rm -f "${file}"
      else
        echo "== Downloaded ${url}.xz and validated decompressed hash ${hash} =="
        return 0
      fi
    done

    echo "== All downloads failed; sleeping before retrying =="
    sleep 60
  done
}

validate-hash() {
  local -r file="$1"
  local -r expected="$2"
  local actual

  actual=$(sha256sum "${file}" | awk '{ print $1 }') || true
  if [[ "${actual}" != "${expected}" ]]; then
    echo "== File ${file} is corrupted; hash ${actual} doesn't match expected ${expected} =="
    return 1
  fi
}

function download-release() {
  case "$(uname -m)" in
  x86_64*|i?86_64*|amd64*)
    NODEUP_URL="${NODEUP_URL_AMD64}"
    NODEUP_HASH="${NODEUP_HASH_AMD64}"
    ;;
  aarch64*|arm64*)
    NODEUP_URL="${NODEUP_URL_ARM64}"
    NODEUP_HASH="${NODEUP_HASH_ARM64}"
    ;;
  *)
    echo "Unsupported host arch: $(uname -m)" >&2
    exit 1
    ;;
  esac

  cd ${INSTALL_DIR}/bin
{{? published_hash_lookup }}
  download-or-bust nodeup "${NODEUP_HASH}" "${NODEUP_URL}"

  chmod +x nodeup

  echo "== Running nodeup =="
  # We can't run in the foreground because of https://github.com/docker/docker/issues/23793
  ( cd ${INSTALL_DIR}/bin; ./nodeup --install-systemd-unit --conf=${INSTALL_DIR}/conf/kube_env.yaml --v=8  )
}

####################################################################################

/bin/systemd-machine-id-setup || echo "== Failed to initialize the machine ID; ensure machine-id configured =="

echo "== nodeup node config starting =="
ensure-install-dir

{{ write_kube_env }}

download-release
echo "== nodeup node config done =="
