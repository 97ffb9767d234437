#!/usr/bin/env bash
# Creates .venv-bench with the peers ctxrl is measured against: Gymnasium 1.4.0,
# Stable-Baselines3 and the CPU build of torch (pinned so pip does not pull the CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-bench
.venv-bench/bin/pip install --quiet "torch==2.13.0+cpu" stable-baselines3 "gymnasium==1.4.0" numpy
echo "ready: .venv-bench/bin/python"
