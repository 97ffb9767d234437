"""Side-by-side PPO benchmark: Stable-Baselines3 (CPU torch) against ctxrl on CartPole-v1.

Both learners use the RL Zoo's tuned CartPole settings (8 copies x 32 steps, 20 epochs of one
256-sample minibatch, gamma 0.98, lambda 0.8, linear learning rate 1e-3 and clip range 0.2,
100,000 steps) and the same seeds. Each training is followed by 100 deterministic evaluation
episodes. Both are limited to one thread (torch.set_num_threads(1); ctxrl uses one OpenBLAS
thread) so the comparison is core for core.

Usage (from the repository root, after `swift build -c release`):

    bash Benchmarks/setup_venv.sh            # creates .venv-bench with torch==2.13.0+cpu
    .venv-bench/bin/python Benchmarks/ppo_bench.py --seeds 1 2 3 4 5

It prints one row per learner and seed and the wall-clock ratio, and with --write appends a
table to docs/benchmarks.md.
"""

import argparse
import json
import platform
import subprocess
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env

STEPS = 100_000
EPISODES = 100


def linear(initial):
    return lambda progress_remaining: progress_remaining * initial


def run_sb3(seed):
    torch.set_num_threads(1)
    env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
    model = PPO(
        "MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98,
        n_epochs=20, ent_coef=0.0, learning_rate=linear(1e-3), clip_range=linear(0.2),
        seed=seed, device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=STEPS)
    seconds = time.perf_counter() - start
    eval_env = gym.make("CartPole-v1")
    returns = []
    for episode in range(EPISODES):
        observation, _ = eval_env.reset(seed=10_000 + seed * EPISODES + episode)
        total, done = 0.0, False
        while not done:
            action, _ = model.predict(observation, deterministic=True)
            observation, reward, terminated, truncated, _ = eval_env.step(action)
            total += reward
            done = terminated or truncated
        returns.append(total)
    return seconds, float(np.mean(returns))


def run_ctxrl(seed, binary):
    output = subprocess.run(
        [binary, "train", "--env", "cartpole", "--contexts", "default", "--steps", str(STEPS),
         "--seed", str(seed), "--episodes", str(EPISODES), "--quiet", "--json",
         "--db", "/tmp/ctxrl-ppo-bench.sqlite", "--budget", "1", "--policy", "none", "--no-artifacts"],
        check=True, capture_output=True, text=True).stdout
    # The summary table comes first; the JSON summary is the last line.
    summary = json.loads(output.strip().splitlines()[-1])
    return summary["training_seconds"], summary["evaluations"][0]["mean"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--binary", default=".build/release/ctxrl")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()

    rows = []
    for seed in args.seeds:
        sb3_seconds, sb3_mean = run_sb3(seed)
        ctxrl_seconds, ctxrl_mean = run_ctxrl(seed, args.binary)
        rows.append((seed, sb3_seconds, sb3_mean, ctxrl_seconds, ctxrl_mean))
        print(f"seed {seed}: SB3 {sb3_seconds:.1f} s mean {sb3_mean:.1f} | "
              f"ctxrl {ctxrl_seconds:.2f} s mean {ctxrl_mean:.1f} | "
              f"ratio {sb3_seconds / ctxrl_seconds:.1f}x", flush=True)

    sb3_total = sum(row[1] for row in rows)
    ctxrl_total = sum(row[3] for row in rows)
    ratio = sb3_total / ctxrl_total
    print(f"total: SB3 {sb3_total:.1f} s, ctxrl {ctxrl_total:.1f} s, ratio {ratio:.1f}x")
    print(f"steps/s during training: SB3 {STEPS * len(rows) / sb3_total:,.0f}, "
          f"ctxrl {STEPS * len(rows) / ctxrl_total:,.0f}")

    if args.write:
        lines = [
            "",
            "## PPO on CartPole-v1: Stable-Baselines3 against ctxrl",
            "",
            f"Command: `.venv-bench/bin/python Benchmarks/ppo_bench.py --seeds "
            f"{' '.join(map(str, args.seeds))} --write` on {platform.processor() or platform.machine()}, "
            f"torch {torch.__version__}, one thread each, {STEPS:,} steps, "
            f"{EPISODES} deterministic evaluation episodes.",
            "",
            "| seed | SB3 seconds | SB3 mean return | ctxrl seconds | ctxrl mean return | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for seed, s_sec, s_mean, c_sec, c_mean in rows:
            lines.append(f"| {seed} | {s_sec:.1f} | {s_mean:.1f} | {c_sec:.2f} | {c_mean:.1f} | "
                         f"{s_sec / c_sec:.1f}x |")
        lines.append(f"| all | {sb3_total:.1f} | | {ctxrl_total:.1f} | | {ratio:.1f}x |")
        lines.append("")
        with open("docs/benchmarks.md", "a") as handle:
            handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
