#!/usr/bin/env bash
# Creates .venv (git-ignored) with the pinned Python packages the tests run as child processes
# (Tests/python-requirements.txt: pyzmq, python-bitcoinrpc), from PyPI with the venv's own pip. Does nothing when
# .venv already has exactly those requirements. Needs python3 with the venv module (Debian: python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=Tests/python-requirements.txt
stamp=.venv/.requirements
if [ -x .venv/bin/python ] && cmp -s "$requirements" "$stamp"; then
  exit 0
fi
command -v python3 >/dev/null || { echo "setup-python: python3 is not on PATH" >&2; exit 1; }
echo "setup-python: creating .venv with $(tr '\n' ' ' < "$requirements" | sed 's/#[^ ]* //g')"
rm -rf .venv
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
