"""Write golden trajectories from Gymnasium for the Environments tests.

Run by scripts/make_fixtures.sh inside a virtual environment with gymnasium==1.4.0; the tests
never run it. For every environment the script steps a fresh Gymnasium environment per
context (Gymnasium caches CartPole's total_mass and polemass_length at construction, so the
script recomputes them after setting the context), from explicitly set starting states, with
seeded random actions. It writes one compact JSON file per environment to
Tests/EnvironmentsTests/Fixtures/.

Each file contains trajectories of TRAJECTORY_STEPS steps. A trajectory is a list of episodes;
an episode ends when Gymnasium reports terminated or truncated (the TimeLimit wrapper of
gymnasium.make) or, for the environments in EPISODE_CAPS, after a fixed number of steps. The
next episode starts from a new explicit state. Per episode the file
stores the starting state, the actions, and per step the state after the step, the reward
and the flags. Doubles are written with Python's repr, which round-trips. Values that
Gymnasium holds in float32 (MountainCarContinuous states after a step, and observation
components that are not plain copies of the state) are written as the shortest decimal that
round-trips through float32, so the tests decode them as Float.

Observation components that are float32(state component) are checked here and not stored.
"""

import argparse
import copy
import json
import math
import pathlib
import warnings

import gymnasium as gym
import numpy as np

TRAJECTORY_STEPS = 300

# Episodes of these environments are cut after this many steps, without a flag, so that a
# trajectory also covers starts near the goal: random actions rarely end an episode there.
EPISODE_CAPS = {"mountaincar-continuous": 100, "acrobot": 100}

# Context features per environment and how to set each on the unwrapped Gymnasium env. The
# reset-interval features have no Gymnasium attribute: they only bound the script's own draws
# of starting states.
CONTEXTS = {
    "cartpole": [
        {},
        {"gravity": 12.0, "masscart": 0.6, "masspole": 0.5, "length": 0.25},
        {"force_mag": 25.0, "tau": 0.01, "length": 1.2, "integrator": "semi-implicit-euler"},
        {"gravity": 3.7, "masscart": 2.5, "tau": 0.04, "initial_state_lower": -0.15,
         "initial_state_upper": 0.12},
    ],
    "pendulum": [
        {},
        {"g": 9.81, "m": 0.5, "l": 2.0},
        {"max_speed": 4.0, "max_torque": 1.0, "dt": 0.1},
        {"g": 15.0, "m": 1.8, "l": 0.7, "dt": 0.03, "max_speed": 12.0, "max_torque": 3.5,
         "initial_angle_max": 1.0, "initial_velocity_max": 3.0},
    ],
    "mountaincar": [
        {},
        {"force": 0.0015, "gravity": 0.002, "goal_position": 0.4, "goal_velocity": 0.01},
        {"min_position": -1.0, "max_position": 0.8, "max_speed": 0.03,
         "min_position_start": -0.9, "max_position_start": -0.2},
        {"force": 0.004, "gravity": 0.0035, "max_speed": 0.05, "goal_velocity": -0.02,
         "min_position": -1.4, "goal_position": 0.55},
    ],
    "mountaincar-continuous": [
        {},
        {"power": 0.003, "goal_position": 0.3, "goal_velocity": 0.005},
        {"min_position": -1.0, "max_position": 0.7, "max_speed": 0.04,
         "min_position_start": -0.8, "max_position_start": -0.1},
        {"power": 0.0009, "max_speed": 0.02, "min_position": -1.4, "goal_position": 0.5,
         "goal_velocity": -0.01},
    ],
    "acrobot": [
        {},
        {"link_length_1": 1.3, "link_mass_1": 0.8, "link_mass_2": 1.4,
         "link_com_pos_1": 0.4, "link_com_pos_2": 0.6},
        {"link_moi": 0.7, "max_vel_1": 2 * math.pi, "max_vel_2": 5 * math.pi,
         "link_length_2": 0.7},
        {"torque_noise_max": 0.3, "link_length_1": 0.8, "link_mass_2": 0.6},
    ],
}

GYMNASIUM_IDS = {
    "cartpole": "CartPole-v1",
    "pendulum": "Pendulum-v1",
    "mountaincar": "MountainCar-v0",
    "mountaincar-continuous": "MountainCarContinuous-v0",
    "acrobot": "Acrobot-v1",
}

ACROBOT_ATTRIBUTES = {
    "link_length_1": "LINK_LENGTH_1", "link_length_2": "LINK_LENGTH_2",
    "link_mass_1": "LINK_MASS_1", "link_mass_2": "LINK_MASS_2",
    "link_com_pos_1": "LINK_COM_POS_1", "link_com_pos_2": "LINK_COM_POS_2",
    "link_moi": "LINK_MOI", "max_vel_1": "MAX_VEL_1", "max_vel_2": "MAX_VEL_2",
    "torque_noise_max": "torque_noise_max",
}

RESET_FEATURES = {"initial_state_lower", "initial_state_upper", "initial_angle_max",
                  "initial_velocity_max", "min_position_start", "max_position_start"}


def float32_text(value):
    """Return the double whose repr is the shortest decimal that round-trips through float32."""
    return float(str(np.float32(value)))


def make_environment(name, context):
    """Build a fresh Gymnasium environment and apply `context` to the unwrapped env."""
    env = gym.make(GYMNASIUM_IDS[name], disable_env_checker=True)
    unwrapped = env.unwrapped
    for feature, value in context.items():
        if feature in RESET_FEATURES or feature == "integrator":
            continue
        if name == "acrobot":
            setattr(unwrapped, ACROBOT_ATTRIBUTES[feature], value)
        elif name == "mountaincar-continuous" and feature == "gravity":
            raise ValueError("Gymnasium's MountainCarContinuous has no gravity attribute")
        else:
            assert hasattr(unwrapped, feature), f"{name} has no attribute {feature}"
            setattr(unwrapped, feature, value)
    if name == "cartpole":
        # Gymnasium derives these once in __init__; recompute them from the new context.
        unwrapped.total_mass = unwrapped.masspole + unwrapped.masscart
        unwrapped.polemass_length = unwrapped.masspole * unwrapped.length
        unwrapped.kinematics_integrator = (
            "semi-implicit" if context.get("integrator") == "semi-implicit-euler" else "euler")
    return env


def starting_state(name, context, rng, episode):
    """Draw an explicit starting state; some episodes start near events worth testing."""
    if name == "cartpole":
        lower = context.get("initial_state_lower", -0.05)
        upper = context.get("initial_state_upper", 0.05)
        return list(rng.uniform(lower, upper, size=4))
    if name == "pendulum":
        if episode == 0:
            # Angles beyond one turn exercise the floored modulo of angle_normalize.
            return [rng.uniform(-3 * math.pi, 3 * math.pi), rng.uniform(-1.0, 1.0)]
        angle = context.get("initial_angle_max", math.pi)
        velocity = context.get("initial_velocity_max", 1.0)
        return [rng.uniform(-angle, angle), rng.uniform(-velocity, velocity)]
    if name in ("mountaincar", "mountaincar-continuous"):
        kind = episode % 3
        if kind == 1:
            # Near the goal and moving right, so that episodes terminate.
            return [rng.uniform(0.3, 0.45), rng.uniform(0.01, 0.04)]
        if kind == 2:
            # Near the left wall and moving left, so that the wall stops the car.
            return [rng.uniform(-1.15, -0.9), rng.uniform(-0.04, -0.01)]
        lower = context.get("min_position_start", -0.6)
        upper = context.get("max_position_start", -0.4)
        return [rng.uniform(lower, upper), 0.0]
    if name == "acrobot":
        if episode % 2 == 1:
            # Swung up and turning, so that episodes terminate and angles wrap.
            return [rng.uniform(2.0, 3.0), rng.uniform(-1.0, 1.0), rng.uniform(-4.0, 4.0),
                    rng.uniform(-6.0, 6.0)]
        return list(rng.uniform(-0.1, 0.1, size=4))
    raise ValueError(name)


def random_action(name, env, rng):
    """Draw one action: discrete uniformly, continuous beyond the bounds so that clipping runs."""
    if name in ("cartpole", "mountaincar", "acrobot"):
        return int(rng.integers(env.action_space.n))
    bound = env.unwrapped.max_torque if name == "pendulum" else 1.0
    return float(rng.uniform(-1.5 * bound, 1.5 * bound))


def observation_of_state(name, unwrapped):
    """Return the observation components that are not float32 copies of the state."""
    if name == "pendulum":
        observation = unwrapped._get_obs()
        assert observation[2] == np.float32(unwrapped.state[1])
        return [float32_text(value) for value in observation[:2]]
    if name == "acrobot":
        observation = unwrapped._get_ob()
        assert observation[4] == np.float32(unwrapped.state[2])
        assert observation[5] == np.float32(unwrapped.state[3])
        return [float32_text(value) for value in observation[:4]]
    return None


def record_trajectory(name, context, seed):
    """Step one trajectory of TRAJECTORY_STEPS steps and return its episodes."""
    env = make_environment(name, context)
    unwrapped = env.unwrapped
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    episodes = []
    steps = 0
    while steps < TRAJECTORY_STEPS:
        env.reset()
        start = [float(value) for value in starting_state(name, context, rng, len(episodes))]
        unwrapped.state = np.array(start, dtype=np.float64)
        episode = {"start": start, "actions": [], "states": [], "rewards": []}
        start_observation = observation_of_state(name, unwrapped)
        if start_observation is not None:
            episode["start_observation"] = start_observation
            episode["observations"] = []
        if name == "acrobot" and unwrapped.torque_noise_max > 0:
            episode["noise"] = []
        terminated = truncated = False
        cap = EPISODE_CAPS.get(name, TRAJECTORY_STEPS)
        while steps < TRAJECTORY_STEPS and len(episode["actions"]) < cap and not (
                terminated or truncated):
            action = random_action(name, env, rng)
            if "noise" in episode:
                # The noise Gymnasium is about to draw, from a copy of its generator.
                generator = copy.deepcopy(unwrapped.np_random)
                limit = unwrapped.torque_noise_max
                episode["noise"].append(float(generator.uniform(-limit, limit)))
            gym_action = action if isinstance(action, int) else np.array([action], np.float64)
            observation, reward, terminated, truncated, _ = env.step(gym_action)
            state = np.asarray(unwrapped.state)
            if name == "mountaincar-continuous":
                assert state.dtype == np.float32
                episode["states"].extend(float32_text(value) for value in state)
            else:
                assert state.dtype == np.float64 or name == "mountaincar"
                episode["states"].extend(float(value) for value in state)
            if name in ("cartpole", "mountaincar", "mountaincar-continuous"):
                assert np.array_equal(observation, np.asarray(state, dtype=np.float32))
            else:
                episode["observations"].extend(observation_of_state(name, unwrapped))
            episode["actions"].append(action)
            episode["rewards"].append(float(reward))
            steps += 1
        episode["terminated"] = bool(terminated)
        episode["truncated"] = bool(truncated)
        episodes.append(episode)
    env.close()
    return episodes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parent.parent
        / "Tests" / "EnvironmentsTests" / "Fixtures",
        help="folder for the JSON files (default: the test target's Fixtures folder)")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")

    for index, (name, contexts) in enumerate(CONTEXTS.items()):
        trajectories = []
        for context_index, context in enumerate(contexts):
            seed = 1000 * index + context_index
            features = {key: value for key, value in context.items() if key != "integrator"}
            trajectories.append({
                "context": features,
                "integrator": context.get("integrator", "euler"),
                "seed": seed,
                "episodes": record_trajectory(name, context, seed),
            })
        document = {
            "generator": "scripts/make_fixtures.py",
            "gymnasium": gym.__version__,
            "numpy": np.__version__,
            "environment": name,
            "gymnasium_id": GYMNASIUM_IDS[name],
            "trajectories": trajectories,
        }
        path = arguments.out / f"{name}.json"
        path.write_text(json.dumps(document, separators=(",", ":")) + "\n")
        print(f"{path}: {len(trajectories)} trajectories, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
