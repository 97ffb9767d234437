import Environments

extension PPOConfiguration {
    /// The tuned settings for each environment.
    ///
    /// Starting points are the Stable-Baselines3 RL Zoo's tuned PPO hyperparameters
    /// (`hyperparams/ppo.yml`); where the Zoo relies on generalized state-dependent exploration
    /// (gSDE), which ctxrl does not implement, the settings keep the Zoo's discount and batch
    /// shape with an ordinary state-independent Gaussian. `docs/benchmarks.md` records what
    /// each reaches.
    public static func defaults(for kind: EnvironmentKind) -> PPOConfiguration {
        var configuration = PPOConfiguration()
        switch kind {
        case .cartpole:
            // The Zoo's CartPole-v1: 8 copies x 32 steps, 20 epochs of one 256-sample
            // minibatch, gamma 0.98, lambda 0.8, linear learning rate 1e-3 and clip 0.2.
            break
        case .acrobot:
            configuration.totalSteps = 200_000
            configuration.copies = 16
            configuration.rolloutSteps = 256
            configuration.epochs = 4
            configuration.minibatchSize = 64
            configuration.gamma = 0.99
            configuration.gaeLambda = 0.94
            configuration.learningRate = 3e-4
            configuration.linearLearningRate = false
            configuration.linearClipRange = false
            configuration.normalizeObservations = true
        case .mountainCar:
            configuration.totalSteps = 1_000_000
            configuration.copies = 16
            configuration.rolloutSteps = 16
            configuration.epochs = 4
            configuration.minibatchSize = 64
            configuration.gamma = 0.99
            configuration.gaeLambda = 0.98
            configuration.learningRate = 3e-4
            configuration.linearLearningRate = false
            configuration.linearClipRange = false
            configuration.normalizeObservations = true
        case .pendulum:
            configuration.totalSteps = 1_000_000
            configuration.copies = 4
            configuration.rolloutSteps = 1024
            configuration.epochs = 10
            configuration.minibatchSize = 64
            configuration.gamma = 0.9
            configuration.gaeLambda = 0.95
            configuration.learningRate = 1e-3
            configuration.linearLearningRate = false
            configuration.linearClipRange = false
            configuration.normalizeObservations = true
        case .mountainCarContinuous:
            configuration.totalSteps = 200_000
            configuration.copies = 1
            configuration.rolloutSteps = 8
            configuration.epochs = 10
            configuration.minibatchSize = 256
            configuration.gamma = 0.9999
            configuration.gaeLambda = 0.9
            configuration.learningRate = 7.77e-5
            configuration.linearLearningRate = false
            configuration.clipRange = 0.1
            configuration.linearClipRange = false
            configuration.entropyCoefficient = 0.00429
            configuration.valueCoefficient = 0.19
            configuration.maxGradientNorm = 5
            configuration.normalizeObservations = true
        }
        return configuration
    }
}
