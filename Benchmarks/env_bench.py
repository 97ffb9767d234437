"""Environment stepping speed: ctxrl against Gymnasium (and gymnax when available), one core.

Measures, in one run and pinned to one CPU core, environment steps per second of:

- ctxrl, single copy and vectorized at 1024 and 16384 copies, for every environment, through
  `ctxrl bench env --env E --envs N --steps M` of the built binary;
- Gymnasium 1.4.0, one environment made with gymnasium.make, for every environment;
- Gymnasium's NumPy-vectorized CartPole (CartPoleVectorEnv) at 1024 and 16384 copies;
- gymnax CartPole-v1 on the CPU, jitted and vmapped at 1024 and 16384 copies with fixed
  random keys, when --gymnax-python names a Python that has gymnax installed (its own
  virtual environment, because gymnax pulls in JAX).

Actions are uniform random and drawn before timing; every measurement includes the resets at
episode ends. All measurements run in several interleaved rounds and each figure is the best
round, because other processes on the machine only ever slow a measurement down. It prints a
table with ratios and, unless --no-write is given, replaces the environment section of
docs/benchmarks.md (between the env_bench markers).

Usage, from the repository root:

    make build                                         # or swift build -c release (portable)
    bash Benchmarks/setup_venv.sh                      # .venv-bench with gymnasium 1.4.0
    python3 -m venv .venv-gymnax && .venv-gymnax/bin/pip install gymnax six  # optional
    .venv-bench/bin/python Benchmarks/env_bench.py --gymnax-python .venv-gymnax/bin/python
"""

import argparse
import os
import pathlib
import platform
import re
import subprocess
import sys
import textwrap
import time

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

ENVIRONMENTS = {
    "cartpole": "CartPole-v1",
    "pendulum": "Pendulum-v1",
    "mountaincar": "MountainCar-v0",
    "mountaincar-continuous": "MountainCarContinuous-v0",
    "acrobot": "Acrobot-v1",
}
COPIES = (1024, 16384)
ROOT = pathlib.Path(__file__).resolve().parent.parent
START_MARKER = "<!-- env_bench:start -->"
END_MARKER = "<!-- env_bench:end -->"

GYMNAX_SNIPPET = """
import os, sys, time
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ["JAX_PLATFORMS"] = "cpu"
import jax, jax.numpy as jnp, gymnax
env, params = gymnax.make("CartPole-v1")
steps = int(sys.argv[1])
for copies in [int(c) for c in sys.argv[2:]]:
    keys = jax.random.split(jax.random.PRNGKey(0), copies)
    _, state = jax.vmap(env.reset, in_axes=(0, None))(keys, params)
    step = jax.jit(jax.vmap(env.step, in_axes=(0, 0, 0, None)))
    actions = [jax.random.randint(jax.random.PRNGKey(k), (copies,), 0, 2) for k in range(4)]
    # gymnax 1.0 returns (obs, state, reward, terminated, truncated, info).
    state = step(keys, state, actions[0], params)[1]
    jax.block_until_ready(state)
    batches = max(10, steps // copies)
    start = time.perf_counter()
    for batch in range(batches):
        state = step(keys, state, actions[batch % 4], params)[1]
    jax.block_until_ready(state)
    print(copies, batches * copies / (time.perf_counter() - start))
"""


def pin_to_core(core):
    """Run this process and its children on one core, so every figure is per core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})


def ctxrl_rates(binary, name, copies, steps):
    """Return (single, vectorized) steps per second from `ctxrl bench env`."""
    output = subprocess.run(
        [binary, "bench", "env", "--env", name, "--envs", str(copies), "--steps", str(steps)],
        check=True, capture_output=True, text=True).stdout
    numbers = re.findall(r"([\d,]+) steps/s", output)
    if len(numbers) != 2:
        raise RuntimeError(f"unexpected output of ctxrl bench env: {output!r}")
    single, vector = (float(number.replace(",", "")) for number in numbers)
    return single, vector


def gymnasium_single_rate(gymnasium_id, steps, seed=0):
    """Steps per second of one gymnasium.make environment with its default wrappers."""
    env = gym.make(gymnasium_id)
    env.reset(seed=seed)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(4096)]
    start = time.perf_counter()
    for index in range(steps):
        _, _, terminated, truncated, _ = env.step(actions[index % 4096])
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def gymnasium_vector_rate(copies, steps, seed=0):
    """Steps per second, summed over copies, of Gymnasium's NumPy-vectorized CartPole."""
    env = CartPoleVectorEnv(num_envs=copies)
    env.reset(seed=seed)
    generator = np.random.default_rng(seed)
    actions = [generator.integers(0, 2, copies) for _ in range(4)]
    env.step(actions[0])
    batches = max(10, steps // copies)
    start = time.perf_counter()
    for batch in range(batches):
        env.step(actions[batch % 4])
    return batches * copies / (time.perf_counter() - start)


def gymnax_rates(python, steps):
    """Return {copies: steps per second} of gymnax CartPole, or None if it cannot run."""
    try:
        output = subprocess.run(
            [python, "-c", GYMNAX_SNIPPET, str(steps)] + [str(c) for c in COPIES],
            check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"gymnax skipped: {error}", file=sys.stderr)
        return None
    rates = {}
    for line in output.splitlines():
        copies, rate = line.split()
        rates[int(copies)] = float(rate)
    return rates


def cpu_name():
    """Return the CPU model from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def millions(rate):
    """Format a rate in steps per second with three significant digits."""
    if rate >= 1e6:
        return f"{rate / 1e6:.3g} M"
    return f"{rate / 1e3:.3g} k"


def render(results, gymnax, command, core, load, rounds):
    """Return the markdown section with the table of rates and ratios."""
    lines = [
        START_MARKER,
        "## Environment stepping",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on one core ({cpu_name()}, core {core}) with",
        "",
        f"    {command}",
        "",
        f"Gymnasium {gym.__version__}, NumPy {np.__version__}, Python {platform.python_version()}. "
        "Steps per second, summed over copies for vectorized runs; uniform random actions; "
        f"resets included; each figure is the best of {rounds} interleaved rounds. "
        "Ratios divide ctxrl's vectorized rate by the peer's rate. "
        f"The 1-minute load average was {load[0]:.1f} before and {load[1]:.1f} after the run "
        f"on a machine with {os.cpu_count()} cores; other processes slow both sides.",
        "",
        "| environment | ctxrl single | ctxrl 1024 | ctxrl 16384 | Gymnasium single "
        "| 16384 / Gymnasium single |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {millions(row['single'])} | {millions(row[1024])} "
            f"| {millions(row[16384])} | {millions(row['gymnasium'])} "
            f"| {row[16384] / row['gymnasium']:.0f}x |")
    cartpole = results["cartpole"]
    lines += ["", "CartPole against vectorized peers:", "",
              "| copies | ctxrl | Gymnasium CartPoleVectorEnv | ratio | gymnax (CPU, jit+vmap) "
              "| ratio |", "|---|---|---|---|---|---|"]
    for copies in COPIES:
        peer = cartpole[f"gymnasium {copies}"]
        if gymnax:
            jax_cells = f"{millions(gymnax[copies])} | {cartpole[copies] / gymnax[copies]:.1f}x"
        else:
            jax_cells = "not measured | -"
        lines.append(
            f"| {copies} | {millions(cartpole[copies])} | {millions(peer)} "
            f"| {cartpole[copies] / peer:.1f}x | {jax_cells} |")
    lines += [
        "",
        "The vectorized CartPole steps four copies at a time in SIMD lanes: SSE2 in a portable "
        "build, AVX2 from `make build` on a CPU that has it. The other environments step their "
        "copies one by one inside the vectorized loop, which also writes two observation arrays "
        "per step, so their vectorized rate stays close to the single-copy rate.",
        "",
        END_MARKER,
    ]
    return "\n".join(lines) + "\n"


def write_section(section):
    """Replace the env_bench section of docs/benchmarks.md, or append it."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(re.escape(START_MARKER) + ".*?" + re.escape(END_MARKER) + "\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"wrote {path}")


def measure_round(arguments):
    """Take every measurement once and return {environment: {measurement: rate}}."""
    results = {}
    for name, gymnasium_id in ENVIRONMENTS.items():
        row = {}
        for copies in COPIES:
            single, vector = ctxrl_rates(arguments.ctxrl, name, copies, arguments.steps)
            row["single"] = max(row.get("single", 0), single)
            row[copies] = vector
        row["gymnasium"] = gymnasium_single_rate(gymnasium_id, arguments.single_steps)
        results[name] = row
    for copies in COPIES:
        results["cartpole"][f"gymnasium {copies}"] = gymnasium_vector_rate(
            copies, arguments.steps)
    if arguments.gymnax_python:
        for copies, rate in (gymnax_rates(arguments.gymnax_python, arguments.steps) or {}).items():
            results["cartpole"][f"gymnax {copies}"] = rate
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(__doc__.split("\n\n", 1)[1]))
    parser.add_argument("--ctxrl", default=str(ROOT / ".build" / "release" / "ctxrl"),
                        help="path of the release ctxrl binary")
    parser.add_argument("--core", type=int, default=0, help="CPU core to run on (default 0)")
    parser.add_argument("--steps", type=int, default=2_000_000,
                        help="environment steps per ctxrl and vectorized measurement")
    parser.add_argument("--single-steps", type=int, default=50_000,
                        help="steps per Gymnasium single-environment measurement")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of all measurements; each figure is the best round")
    parser.add_argument("--gymnax-python", help="Python of a virtual environment with gymnax")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave docs/benchmarks.md unchanged")
    arguments = parser.parse_args()
    pin_to_core(arguments.core)
    load_before = os.getloadavg()[0]

    # Other processes only ever slow a measurement down, so the best of several interleaved
    # rounds is the figure least distorted by them, for ctxrl and the peers alike.
    results = {}
    for round_index in range(arguments.rounds):
        for name, row in measure_round(arguments).items():
            best = results.setdefault(name, {})
            for key, rate in row.items():
                best[key] = max(best.get(key, 0), rate)
        print(f"round {round_index + 1} of {arguments.rounds} done", file=sys.stderr)

    for name, row in results.items():
        print(f"{name}: ctxrl single {millions(row['single'])}, 1024 {millions(row[1024])}, "
              f"16384 {millions(row[16384])}; Gymnasium single {millions(row['gymnasium'])}; "
              f"16384 / Gymnasium single {row[16384] / row['gymnasium']:.0f}x")
    cartpole = results["cartpole"]
    for copies in COPIES:
        for peer in ("gymnasium", "gymnax"):
            rate = cartpole.get(f"{peer} {copies}")
            if rate:
                print(f"cartpole {copies} copies: {peer} {millions(rate)}, "
                      f"ctxrl / {peer} {cartpole[copies] / rate:.1f}x")
    gymnax = {copies: cartpole[f"gymnax {copies}"] for copies in COPIES
              if f"gymnax {copies}" in cartpole} or None

    command = " ".join(["python", "Benchmarks/env_bench.py"] + sys.argv[1:])
    load = (load_before, os.getloadavg()[0])
    section = render(results, gymnax, command, arguments.core, load, arguments.rounds)
    if not arguments.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
