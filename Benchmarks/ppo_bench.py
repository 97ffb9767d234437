"""Side-by-side PPO benchmark: Stable-Baselines3 (CPU torch) against ctxrl on CartPole-v1.

Both learners use the RL Zoo's tuned CartPole settings (8 copies x 32 steps, 20 epochs of one
256-sample minibatch, gamma 0.98, lambda 0.8, linear learning rate 1e-3 and clip range 0.2,
100,000 steps) and the same seeds. Each training is followed by 100 deterministic evaluation
episodes; a training counts as reaching 475 when their mean is at least 475.

Two comparisons run for every seed:
- core for core: torch.set_num_threads(1) against `ctxrl train --threads 1`;
- whole machine: torch's default thread count against `--threads 2` (the actor's and the
  critic's gradients at once), which is ctxrl's default on a machine with two or more cores.
ctxrl's results do not depend on its thread count, so both of its columns train the same
policy.

Usage (from the repository root, after `make build`):

    bash Benchmarks/setup_venv.sh            # creates .venv-bench with torch==2.13.0+cpu
    .venv-bench/bin/python Benchmarks/ppo_bench.py --seeds 1 2 3 4 5

It prints one row per seed and the wall-clock ratios, and with --write appends a table to
docs/benchmarks.md (remove the older table by hand).
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


def run_sb3(seed, threads):
    torch.set_num_threads(threads)
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


def run_ctxrl(seed, binary, threads):
    output = subprocess.run(
        [binary, "train", "--env", "cartpole", "--contexts", "default", "--steps", str(STEPS),
         "--seed", str(seed), "--episodes", str(EPISODES), "--quiet", "--json",
         "--threads", str(threads), "--db", "/tmp/ctxrl-ppo-bench.sqlite", "--budget", "1",
         "--policy", "none", "--no-artifacts"],
        check=True, capture_output=True, text=True).stdout
    # With --json, standard output holds only the JSON summary.
    summary = json.loads(output)
    return summary["training_seconds"], summary["evaluations"][0]["mean"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--binary", default=".build/release/ctxrl")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    default_threads = torch.get_num_threads()

    rows = []
    for seed in args.seeds:
        sb3_one, sb3_mean = run_sb3(seed, 1)
        sb3_all, sb3_all_mean = run_sb3(seed, default_threads)
        ctxrl_one, ctxrl_mean = run_ctxrl(seed, args.binary, 1)
        ctxrl_two, ctxrl_two_mean = run_ctxrl(seed, args.binary, 2)
        rows.append((seed, sb3_one, sb3_all, sb3_mean, sb3_all_mean, ctxrl_one, ctxrl_two,
                     ctxrl_mean, ctxrl_two_mean))
        print(f"seed {seed}: SB3 {sb3_one:.1f} s ({default_threads} threads {sb3_all:.1f} s), "
              f"mean {sb3_mean:.1f} ({sb3_all_mean:.1f}) | ctxrl {ctxrl_one:.2f} s "
              f"(2 threads {ctxrl_two:.2f} s), mean {ctxrl_mean:.1f} ({ctxrl_two_mean:.1f}) | "
              f"ratio {sb3_one / ctxrl_one:.1f}x core for core, "
              f"{sb3_all / ctxrl_two:.1f}x whole machine", flush=True)

    def total(column):
        return sum(row[column] for row in rows)

    core_ratio = total(1) / total(5)
    machine_ratio = total(2) / total(6)
    reached = lambda column: sum(row[column] >= 475 for row in rows)
    print(f"total: SB3 {total(1):.1f} s ({default_threads} threads {total(2):.1f} s), "
          f"ctxrl {total(5):.1f} s (2 threads {total(6):.1f} s)")
    print(f"ratio: {core_ratio:.1f}x core for core, {machine_ratio:.1f}x whole machine")
    print(f"seeds reaching 475: SB3 {reached(3)} and {reached(4)}, "
          f"ctxrl {reached(7)} and {reached(8)} of {len(rows)}")
    print(f"steps/s during training: SB3 {STEPS * len(rows) / total(1):,.0f} "
          f"({STEPS * len(rows) / total(2):,.0f}), ctxrl {STEPS * len(rows) / total(5):,.0f} "
          f"({STEPS * len(rows) / total(6):,.0f})")

    if args.write:
        lines = [
            "",
            "## PPO on CartPole-v1: Stable-Baselines3 against ctxrl",
            "",
            f"Command: `.venv-bench/bin/python Benchmarks/ppo_bench.py --seeds "
            f"{' '.join(map(str, args.seeds))} --write` on {platform.processor() or platform.machine()}, "
            f"torch {torch.__version__}, {STEPS:,} steps, {EPISODES} deterministic evaluation "
            f"episodes. Core for core: one torch thread against `--threads 1`. Whole machine: "
            f"torch's default {default_threads} threads against `--threads 2`.",
            "",
            f"| seed | SB3 1 thread s | SB3 {default_threads} threads s | SB3 mean return | ctxrl 1 thread s | "
            "ctxrl 2 threads s | ctxrl mean return | core for core | whole machine |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for seed, s_one, s_all, s_mean, _, c_one, c_two, c_mean, _ in rows:
            lines.append(f"| {seed} | {s_one:.1f} | {s_all:.1f} | {s_mean:.1f} | {c_one:.2f} | "
                         f"{c_two:.2f} | {c_mean:.1f} | {s_one / c_one:.1f}x | {s_all / c_two:.1f}x |")
        lines.append(f"| all | {total(1):.1f} | {total(2):.1f} | | {total(5):.1f} | {total(6):.1f} "
                     f"| | {core_ratio:.1f}x | {machine_ratio:.1f}x |")
        lines.append("")
        with open("docs/benchmarks.md", "a") as handle:
            handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
