#!/usr/bin/env bash
# Refresh constraints.txt: the newest versions the ranges in pyproject.toml allow, written only when the
# suite passes with them. Then run .ci/run (it installs exactly these, and tests the wheel too) and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
pip="$work/venv/bin/pip"
"$pip" install -q --upgrade -e '.[test]'
backend=$("$work/venv/bin/python" -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
# shellcheck disable=SC2086  # one argument per requirement
"$pip" install -q --upgrade $backend
"$work/venv/bin/python" -m pytest -q -x -p no:cacheprovider
{
  echo "# The exact versions the whole suite (and the wheel stage) of .ci/run last passed with, on Python 3.11, Linux."
  echo "# CI installs with \`pip install -c constraints.txt ...\`; pyproject.toml keeps the ranges users get."
  echo "# Written by scripts/refresh_constraints.sh (README.md, \"Dependencies\"): do not edit by hand."
  "$pip" freeze --exclude-editable
  echo "# the build backend (the wheel stage builds with PIP_CONSTRAINT pointing here)"
  "$pip" freeze --all | grep -i '^setuptools=='
} > "$work/constraints.txt"
mv "$work/constraints.txt" constraints.txt
echo "constraints.txt refreshed; now run .ci/run and commit it if it is green"
