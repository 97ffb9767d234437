#!/usr/bin/env bash
# PPO results per environment over five seeds: mean deterministic return at the default
# context after a fixed step budget with the environment's tuned settings, and the training
# time.
#
#   make build && bash Benchmarks/ppo_results.sh [SEEDS...]
#
# Prints a Markdown table. Each training uses one core (one OpenBLAS thread, --threads 1).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/ctxrl
seeds=${*:-1 2 3 4 5}
store=$(mktemp -d)/ppo-results.sqlite

echo "| environment | steps | seed | mean return | std | episodes | training seconds |"
echo "|---|---|---|---|---|---|---|"
# The step budgets of the results asked for: 100k CartPole, 200k Acrobot, 1M Pendulum, and
# the RL Zoo's budgets for the two MountainCars.
for pair in cartpole:100000 acrobot:200000 pendulum:1000000 mountaincar:1000000 \
    mountaincar-continuous:200000; do
    environment=${pair%%:*}
    steps=${pair##*:}
    for seed in $seeds; do
        summary=$("$binary" train --env "$environment" --contexts default --budget 1 \
            --steps "$steps" \
            --policy none --episodes 100 --seed "$seed" --db "$store" --no-artifacts --threads 1 \
            --quiet --json | tail -n 1)
        python3 - "$environment" "$seed" "$summary" <<'PYTHON'
import json, sys
environment, seed, text = sys.argv[1], sys.argv[2], sys.argv[3]
summary = json.loads(text)
evaluation = summary["evaluations"][0]
print(f"| {environment} | {summary.get('ppo_steps', '')} | {seed} | {evaluation['mean']:.1f} | "
      f"{evaluation['std']:.1f} | {evaluation['episodes']} | {summary['training_seconds']:.1f} |")
PYTHON
    done
done
