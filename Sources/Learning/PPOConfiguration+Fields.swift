import Neural

/// How one PPO setting is typed and where it lives in `PPOConfiguration`.
public enum PPOFieldKind {
    case integer(WritableKeyPath<PPOConfiguration, Int>, minimum: Int)
    case number(WritableKeyPath<PPOConfiguration, Double>)
    case optionalNumber(WritableKeyPath<PPOConfiguration, Double?>)
    case flag(WritableKeyPath<PPOConfiguration, Bool>)
    case widths(WritableKeyPath<PPOConfiguration, [Int]>)
    case activation(WritableKeyPath<PPOConfiguration, Activation>)
}

/// One PPO setting as scenario files and `--help` name it.
public struct PPOField {
    /// The snake_case key in scenario files and `--ppo KEY=VALUE`.
    public let key: String
    /// The help text: the same words as the field's documentation line.
    public let help: String
    public let kind: PPOFieldKind

    /// The setting's value in `configuration`, as text.
    public func value(in configuration: PPOConfiguration) -> String {
        switch kind {
        case .integer(let path, _): return String(configuration[keyPath: path])
        case .number(let path): return "\(configuration[keyPath: path])"
        case .optionalNumber(let path): return configuration[keyPath: path].map { "\($0)" } ?? "none"
        case .flag(let path): return configuration[keyPath: path] ? "true" : "false"
        case .widths(let path):
            return "[" + configuration[keyPath: path].map(String.init).joined(separator: ", ") + "]"
        case .activation(let path): return configuration[keyPath: path].rawValue
        }
    }
}

extension PPOConfiguration {
    /// Every setting, in declaration order, with the documentation line of its field.
    public static var fields: [PPOField] {
        [
            PPOField(key: "total_steps", help: "Environment steps to train for, summed over all copies.",
                     kind: .integer(\.totalSteps, minimum: 1)),
            PPOField(key: "copies", help: "Environment copies stepped together during rollouts.",
                     kind: .integer(\.copies, minimum: 1)),
            PPOField(key: "rollout_steps", help: "Steps per copy in each rollout.",
                     kind: .integer(\.rolloutSteps, minimum: 1)),
            PPOField(key: "epochs", help: "Passes over each rollout batch.",
                     kind: .integer(\.epochs, minimum: 1)),
            PPOField(key: "minibatch_size", help: "Samples per gradient step.",
                     kind: .integer(\.minibatchSize, minimum: 2)),
            PPOField(key: "gamma", help: "Discount factor gamma.", kind: .number(\.gamma)),
            PPOField(key: "gae_lambda", help: "GAE lambda.", kind: .number(\.gaeLambda)),
            PPOField(key: "learning_rate",
                     help: "Adam learning rate, falling linearly to 0 when "
                        + "`linear_learning_rate` is true.",
                     kind: .number(\.learningRate)),
            PPOField(key: "linear_learning_rate",
                     help: "Whether the learning rate decays linearly to 0 over training.",
                     kind: .flag(\.linearLearningRate)),
            PPOField(key: "clip_range", help: "PPO clip range epsilon for the probability ratio.",
                     kind: .number(\.clipRange)),
            PPOField(key: "linear_clip_range",
                     help: "Whether the clip range decays linearly to 0 over training.",
                     kind: .flag(\.linearClipRange)),
            PPOField(key: "value_clip_range",
                     help: "Clip range for the value function around the old values; null "
                        + "disables value clipping.",
                     kind: .optionalNumber(\.valueClipRange)),
            PPOField(key: "entropy_coefficient", help: "Weight of the entropy bonus.",
                     kind: .number(\.entropyCoefficient)),
            PPOField(key: "value_coefficient", help: "Weight of the value loss.",
                     kind: .number(\.valueCoefficient)),
            PPOField(key: "max_gradient_norm", help: "Maximum global L2 norm of the gradient.",
                     kind: .number(\.maxGradientNorm)),
            PPOField(key: "hidden_widths", help: "Hidden layer widths of the actor and of the critic.",
                     kind: .widths(\.hiddenWidths)),
            PPOField(key: "activation", help: "Hidden activation (tanh or relu).",
                     kind: .activation(\.activation)),
            PPOField(key: "normalize_observations",
                     help: "Whether observations are normalised by running mean and variance.",
                     kind: .flag(\.normalizeObservations)),
            PPOField(key: "observation_clip", help: "Bound on normalised observations.",
                     kind: .number(\.observationClip)),
            PPOField(key: "initial_log_std", help: "Initial log standard deviation of Gaussian policies.",
                     kind: .number(\.initialLogStd)),
            PPOField(key: "append_context",
                     help: "Whether the context, scaled to [0, 1] by its declared bounds, is "
                        + "appended to the observation (multi-task baselines).",
                     kind: .flag(\.appendContext)),
        ]
    }
}
