#!/usr/bin/env bash
# Installs what building the node needs on a fresh Debian machine: the system libraries it links
# (RocksDB, libsodium, libsecp256k1, OpenSSL, libffi, ZeroMQ), pkg-config, and python3 with venv for the tests'
# Python clients (scripts/setup-python.sh installs those into .venv). The Swift toolchain must be on PATH.
set -euo pipefail

packages=(librocksdb-dev libsodium-dev libsecp256k1-dev libssl-dev libffi-dev libzmq3-dev pkg-config python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
bash "$(dirname "$0")/setup-python.sh"
