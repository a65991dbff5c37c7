# No SHA-256 of this nodeup release is pinned in this script: read the one the release publishes
# next to the binary (<url>.sha256), trying each mirror until one answers with a well-formed hash.
published-hash() {
  local -a urls
  IFS=, read -r -a urls <<< "$1"
  local url answer

  while true; do
    for url in "${urls[@]}"; do
      if answer=$(curl -f -sL --connect-timeout 20 --retry 6 --retry-delay 10 "${url}.sha256") &&
        [[ "${answer}" =~ ^[0-9a-f]{64} ]]; then
        echo "${answer:0:64}"
        return 0
      fi
      echo "== Failed to read ${url}.sha256 ==" >&2
    done

    echo "== No published hash found; sleeping before retrying ==" >&2
    sleep 60
  done
}
