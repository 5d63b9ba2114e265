#!/usr/bin/env bash
# Installs missing system packages, builds everything and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
# Swift Testing runs every test at once by default; with ~60 suites that each start regtest nodes, a 2-core
# machine then starves some nodes' RPC threads past the clients' 30 s timeout. Six at a time keeps the run as fast
# (about 3 minutes on 2 cores) and every test inside its timeouts. Override by setting the variable.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-6}"
swift test --skip-build "$@"
