#!/usr/bin/env bash
# The main job: installs missing system packages, builds the node in release mode and runs a regtest node
# that mines a chain from the genesis block with the built-in Equihash (48,5) solver, checking every header,
# and crosses from proof of work into Proof of Node at height 60 (change with PON_HEIGHT / BLOCKS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product fluxd
datadir="${DATADIR:-$(mktemp -d)}"
exec .build/release/fluxd -regtest -datadir="$datadir" -gen -stopatheight="${BLOCKS:-80}" \
  -upgradeheight=acadia:20 -upgradeheight=pon:"${PON_HEIGHT:-60}" "$@"
