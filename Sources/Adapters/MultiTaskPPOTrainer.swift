import Environments
import Foundation
import Learning
import Neural
import Numerics

/// Multi-task PPO: one adapter model trained on several source contexts at once.
///
/// Copy `i` of the vectorized environment runs source `copySources[i]`, and every row of a
/// rollout or minibatch goes through the mixture of its copy's source. The shared base, the
/// adapters, each source's routing row and the book learn together from one clipped PPO loss
/// (Schulman et al., 2017) over all sources. Advantages come from `GeneralizedAdvantage`,
/// which bootstraps episodes cut by the time limit from their real final observation, and
/// observations are normalised by one running mean and variance over all sources. Routing is
/// deterministic, so the log-probabilities of a rollout and of its updates come from the same
/// function of the parameters. All randomness comes from streams derived from `seed`, so two
/// trainings with one seed produce bit-identical parameters and metrics.
public final class MultiTaskPPOTrainer {
    /// The PPO settings; `appendContext` is ignored because the routing carries the context.
    public let configuration: PPOConfiguration
    /// The model being trained.
    public let policy: AdaptedActorCritic
    /// Observation normalisation, shared by all sources; saved with the model.
    public private(set) var pipeline: ObservationPipeline
    /// The source each copy runs.
    public let copySources: [Int]
    /// Environment steps taken so far, summed over copies.
    public private(set) var steps = 0
    /// Updates finished so far.
    public private(set) var updates = 0
    /// Receives every metric as it is logged.
    public var onMetric: ((MultiTaskMetric) -> Void)?
    /// Receives progress after every update.
    public var onProgress: ((MultiTaskProgress) -> Void)?
    /// Asked before every update; returning true stops training with `.cancelled`.
    public var shouldCancel: (() -> Bool)?

    let environment: any VectorEnvironment
    let optimizer: Adam
    /// The second thread of each gradient step, or nil for one thread.
    let worker: PairedWorker?
    var actionStream: RandomStream
    var minibatchStream: RandomStream
    let startTime = Date()

    /// Creates a trainer for `policy`.
    ///
    /// The optimizer owns the parameters of `policy.trainableGroups` at this call, with the
    /// routing and book learning-rate multipliers of `policy.settings`.
    ///
    /// - Parameters:
    ///   - environment: the copies; its `count` must equal `configuration.copies`.
    ///   - copySources: the source index of each copy; every source needs at least one copy.
    ///   - updateThreads: 2 computes the actor's and the critic's gradients at once. The
    ///     results do not depend on it.
    /// - Throws: `TrainingError.invalidConfiguration` for invalid PPO settings;
    ///   `AdapterError.invalidSetting` when a source has no copy.
    public init(
        configuration: PPOConfiguration, policy: AdaptedActorCritic,
        environment: any VectorEnvironment, copySources: [Int], seed: UInt64,
        updateThreads: Int = PPOTrainer.updateThreads
    ) throws {
        do {
            try configuration.validate()
        } catch let error as ConfigurationError {
            throw TrainingError.invalidConfiguration(error)
        }
        precondition(environment.count == configuration.copies,
                     "environment has \(environment.count) copies, settings ask for "
                         + "\(configuration.copies)")
        precondition(copySources.count == configuration.copies, "one source index per copy")
        precondition(copySources.allSatisfy { $0 >= 0 && $0 < policy.sourceCount },
                     "a copy's source index is outside 0..<\(policy.sourceCount)")
        let idle = (0..<policy.sourceCount).filter { !copySources.contains($0) }
        guard idle.isEmpty else {
            throw AdapterError.invalidSetting(
                field: "copies",
                reason: "must give every source a copy, but sources \(idle) have none; use at "
                    + "least \(policy.sourceCount) copies")
        }
        self.configuration = configuration
        self.policy = policy
        self.environment = environment
        self.copySources = copySources
        pipeline = ObservationPipeline(
            observationSize: environment.observationSize,
            normalize: configuration.normalizeObservations, clip: configuration.observationClip)
        optimizer = Adam(
            parameters: policy.parameters, learningRate: configuration.learningRate,
            epsilon: 1e-5, learningRateScales: policy.learningRateScales)
        let root = RandomStream(seed: seed)
        actionStream = root.child("actions")
        minibatchStream = root.child("minibatches")
        worker = updateThreads >= 2 ? PairedWorker() : nil
    }

    /// The parameters the optimizer updates.
    public var trainedParameters: [Parameter] { optimizer.parameters }

    /// Trains for `configuration.iterations` updates.
    ///
    /// - Throws: `TrainingError.nonFinite` naming the update and the quantity when a reward,
    ///   loss, gradient or parameter stops being finite; `.cancelled` when `shouldCancel`
    ///   returns true. The model keeps its last finite parameters in both cases.
    public func train() throws {
        var observations = environment.reset()
        pipeline.update(with: observations)
        var episodes = EpisodeCounter(copies: configuration.copies)
        let iterations = configuration.iterations
        for _ in 0..<iterations {
            if shouldCancel?() == true { throw TrainingError.cancelled(update: updates) }
            let progress = Double(steps) / Double(iterations * configuration.batchSize)

            // Collect a rollout.
            let mixtures = sourceMixtures()
            let groups = policy.groups(rowMixtures: copySources, mixtures: mixtures).groups
            var rollout = MultiTaskRollout(
                steps: configuration.rolloutSteps, copies: configuration.copies,
                inputSize: pipeline.inputSize, actionWidth: environment.actionSpace.width)
            let finished = try collectRollout(
                into: &rollout, groups: groups, observations: &observations,
                episodes: &episodes)
            let lastValues = policy.values(pipeline.inputs(observations), groups: groups)

            // Advantages and value targets.
            let estimator = GeneralizedAdvantage(
                gamma: configuration.gamma, lambda: configuration.gaeLambda)
            let (advantages, returns) = estimator.estimate(
                rewards: rollout.rewards, values: rollout.values, terminated: rollout.terminated,
                truncated: rollout.truncated, finalValues: rollout.finalValues,
                lastValues: lastValues, copies: configuration.copies)

            // Epochs of minibatch updates.
            let learningRate = configuration.learningRateSchedule.value(progress: progress)
            let clipRange = configuration.clipRangeSchedule.value(progress: progress)
            optimizer.learningRate = learningRate
            let statistics = try optimize(
                rollout: rollout, advantages: advantages, returns: returns, clipRange: clipRange)
            updates += 1

            // Log.
            log(MetricName.learningRate, learningRate)
            log(MetricName.policyLoss, statistics.policyLoss)
            log(MetricName.valueLoss, statistics.valueLoss)
            log(MetricName.entropy, statistics.entropy)
            log(MetricName.approximateKL, statistics.approximateKL)
            log(MetricName.clipFraction, statistics.clipFraction)
            log(MetricName.gradientNorm, statistics.gradientNorm)
            log(MetricName.explainedVariance,
                explainedVariance(predicted: rollout.values, target: returns))
            let elapsed = Date().timeIntervalSince(startTime)
            log(MetricName.stepsPerSecond, Double(steps) / max(elapsed, 1e-9))
            logBook()
            let recent = finished.isEmpty ? nil : finished.reduce(0, +) / Double(finished.count)
            onProgress?(
                MultiTaskProgress(
                    training: 0, trainings: 1, update: updates, updates: iterations,
                    steps: steps, recentReturn: recent))
        }
    }

    /// Resolves the current mixture of every source, indexed by source.
    func sourceMixtures() -> [ResolvedMixture] {
        (0..<policy.sourceCount).map { policy.resolve(.source($0)) }
    }

    func log(_ key: String, _ value: Double, source: Int? = nil) {
        onMetric?(MultiTaskMetric(key: key, step: steps, value: value, source: source))
    }

    /// Logs each source's gates and self-attention when the model has a book.
    private func logBook() {
        guard policy.router.book != nil else { return }
        for (source, mixture) in sourceMixtures().enumerated() {
            log(AdapterMetricName.policyGate, mixture.gates[0], source: source)
            log(AdapterMetricName.valueGate, mixture.gates[1], source: source)
            log(AdapterMetricName.selfAttention, mixture.attention[source], source: source)
        }
    }
}

// MARK: - Rollouts

extension MultiTaskPPOTrainer {
    /// Steps every copy `rolloutSteps` times with sampled actions, filling `rollout`.
    ///
    /// - Returns: the returns of the episodes that finished during the rollout.
    func collectRollout(
        into rollout: inout MultiTaskRollout, groups: [RoutedRows], observations: inout [Float],
        episodes: inout EpisodeCounter
    ) throws -> [Double] {
        let copies = configuration.copies
        var outcome = VectorStep(count: copies, observationSize: environment.observationSize)
        var finishedReturns: [Double] = []
        for t in 0..<configuration.rolloutSteps {
            let inputs = pipeline.inputs(observations)
            let (actions, logProbabilities) = policy.act(
                inputs, groups: groups, deterministic: false, rng: &actionStream)
            let values = policy.values(inputs, groups: groups)
            rollout.store(
                step: t, inputs: inputs, actions: actions, logProbabilities: logProbabilities,
                values: values)

            environment.step(environmentActions(actions), into: &outcome)
            steps += copies
            if let copy = outcome.rewards.firstIndex(where: { !$0.isFinite }) {
                throw TrainingError.nonFinite(
                    update: updates + 1, quantity: "reward of copy \(copy)")
            }

            // Bootstrap values for episodes cut by the time limit, from their real final
            // observation (normalised with the statistics the policy acted under).
            var finalValues = [Double](repeating: 0, count: copies)
            if zip(outcome.truncated, outcome.terminated).contains(where: { $0 && !$1 }) {
                let bootstrap = policy.values(
                    pipeline.inputs(outcome.finalObservations), groups: groups)
                for copy in 0..<copies where outcome.truncated[copy] && !outcome.terminated[copy] {
                    finalValues[copy] = bootstrap[copy]
                }
            }
            rollout.storeOutcome(step: t, outcome: outcome, finalValues: finalValues)

            for episode in episodes.record(outcome) {
                finishedReturns.append(episode.return)
                let source = copySources[episode.copy]
                log(MetricName.episodicReturn, episode.return, source: source)
                log(MetricName.episodicLength, Double(episode.length), source: source)
            }
            observations = outcome.observations
            pipeline.update(with: observations)
        }
        return finishedReturns
    }

    /// Returns the actions to send to the environment: discrete actions as they are, and
    /// Gaussian actions clipped to each copy's bounds. The rollout keeps the unclipped actions.
    func environmentActions(_ actions: Matrix<Double>) -> [Double] {
        guard case .box(let dimension) = environment.actionSpace else { return actions.storage }
        var clipped = actions.storage
        for copy in 0..<environment.count {
            let bounds = environment.actionBounds(copy: copy)
            for j in 0..<dimension {
                let index = copy * dimension + j
                clipped[index] = min(max(clipped[index], bounds.lower[j]), bounds.upper[j])
            }
        }
        return clipped
    }
}

/// `1 - Var(target - predicted) / Var(target)`; NaN when the target has no variance.
func explainedVariance(predicted: [Double], target: [Double]) -> Double {
    func variance(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    }
    let targetVariance = variance(target)
    if targetVariance == 0 { return .nan }
    return 1 - variance(zip(target, predicted).map { $0 - $1 }) / targetVariance
}
