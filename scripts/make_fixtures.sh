#!/usr/bin/env bash
# Regenerates the golden trajectories in Tests/EnvironmentsTests/Fixtures from Gymnasium.
#
# Usage: scripts/make_fixtures.sh [VENV]
#
# Uses the virtual environment VENV (default .venv-fixtures in the repository) if it already
# has gymnasium 1.4.0, and otherwise creates it and installs gymnasium==1.4.0 from PyPI.
# The tests never run this script, so they need no Python.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv-fixtures}"

if ! "$venv/bin/python" -c 'import gymnasium, sys; sys.exit(gymnasium.__version__ != "1.4.0")' \
        2>/dev/null; then
    echo "Creating $venv with gymnasium 1.4.0"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "gymnasium==1.4.0"
fi

"$venv/bin/python" "$root/scripts/make_fixtures.py"
