import Environments
import Foundation
import Neural
import Numerics

/// One logged value: a namespaced key, the environment step it belongs to, and the value.
public struct MetricRecord: Equatable, Sendable {
    public let key: String
    public let step: Int
    public let value: Double
}

/// Where training stands, reported after every update.
public struct TrainingProgress: Sendable {
    /// Updates finished.
    public let update: Int
    /// Updates planned.
    public let updates: Int
    /// Environment steps taken.
    public let steps: Int
    /// The mean raw return of the episodes finished in this update, if any finished.
    public let recentReturn: Double?
}

/// Proximal policy optimisation with the clipped objective (Schulman et al., 2017) on a
/// vectorized contextual environment.
///
/// Each iteration collects `rolloutSteps` steps from every copy, computes advantages with
/// `GeneralizedAdvantage` (bootstrapping truncated episodes from their real final
/// observation), then runs `epochs` passes of shuffled minibatch updates with Adam. All
/// randomness comes from streams derived from `seed`, so two trainings with one seed produce
/// bit-identical parameters and metrics.
public final class PPOTrainer {
    public let configuration: PPOConfiguration
    /// The networks being trained.
    public let policy: ActorCritic
    /// Observation normalisation and context appending; saved with the policy.
    public private(set) var pipeline: ObservationPipeline
    /// Environment steps taken so far, summed over copies.
    public private(set) var steps = 0
    /// Updates finished so far.
    public private(set) var updates = 0
    /// Receives every metric as it is logged.
    public var onMetric: ((MetricRecord) -> Void)?
    /// Receives progress after every update.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Asked before every update; returning true stops training with `.cancelled`.
    public var shouldCancel: (() -> Bool)?

    let environment: any VectorEnvironment
    let optimizer: Adam
    /// The second thread of each gradient step, or nil for one thread.
    let worker: PairedWorker?
    var actionStream: RandomStream
    var minibatchStream: RandomStream
    let startTime = Date()

    /// Creates a trainer and initialises the policy from `seed`.
    ///
    /// - Parameters:
    ///   - environment: the copies to train on; its `count` must equal `configuration.copies`.
    ///   - contextFeatures: per copy, the context scaled to [0, 1], appended to observations
    ///     when `configuration.appendContext` is true.
    ///   - updateThreads: 2 computes the actor's and the critic's gradients at once. The
    ///     results do not depend on it.
    /// - Throws: `TrainingError.invalidConfiguration` for invalid settings.
    public init(
        configuration: PPOConfiguration, environment: any VectorEnvironment,
        contextFeatures: [[Float]] = [], seed: UInt64,
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
        self.configuration = configuration
        self.environment = environment
        pipeline = ObservationPipeline(
            observationSize: environment.observationSize,
            normalize: configuration.normalizeObservations, clip: configuration.observationClip,
            contextFeatures: configuration.appendContext ? contextFeatures : [])
        let root = RandomStream(seed: seed)
        var initialization = root.child("initialization")
        policy = ActorCritic(
            inputSize: pipeline.inputSize, actionSpace: environment.actionSpace,
            hiddenWidths: configuration.hiddenWidths, activation: configuration.activation,
            initialLogStd: configuration.initialLogStd, rng: &initialization)
        optimizer = Adam(
            parameters: policy.parameters, learningRate: configuration.learningRate,
            epsilon: 1e-5)
        actionStream = root.child("actions")
        minibatchStream = root.child("minibatches")
        worker = updateThreads >= 2 ? PairedWorker() : nil
    }

    /// Trains for `configuration.iterations` updates.
    ///
    /// - Throws: `TrainingError.nonFinite` naming the update and the quantity when a reward,
    ///   loss, gradient or parameter stops being finite; `.cancelled` when `shouldCancel`
    ///   returns true. The policy keeps its last finite parameters in both cases.
    public func train() throws {
        var observations = environment.reset()
        pipeline.update(with: observations)
        var episodes = EpisodeTracker(copies: configuration.copies)
        let iterations = configuration.iterations
        for _ in 0..<iterations {
            if shouldCancel?() == true { throw TrainingError.cancelled(update: updates) }
            let progress = Double(steps) / Double(iterations * configuration.batchSize)

            // Collect a rollout.
            var buffer = RolloutBuffer(
                steps: configuration.rolloutSteps, copies: configuration.copies,
                inputSize: pipeline.inputSize, actionWidth: environment.actionSpace.width)
            let finished = try collectRollout(
                into: &buffer, observations: &observations, episodes: &episodes)
            let lastValues = policy.values(pipeline.inputs(observations))

            // Advantages and value targets.
            let estimator = GeneralizedAdvantage(
                gamma: configuration.gamma, lambda: configuration.gaeLambda)
            let (advantages, returns) = estimator.estimate(
                rewards: buffer.rewards, values: buffer.values, terminated: buffer.terminated,
                truncated: buffer.truncated, finalValues: buffer.finalValues,
                lastValues: lastValues, copies: configuration.copies)

            // Epochs of minibatch updates.
            let learningRate = configuration.learningRateSchedule.value(progress: progress)
            let clipRange = configuration.clipRangeSchedule.value(progress: progress)
            optimizer.learningRate = learningRate
            let statistics = try optimize(
                buffer: buffer, advantages: advantages, returns: returns, clipRange: clipRange)
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
                explainedVariance(predicted: buffer.values, target: returns))
            let elapsed = Date().timeIntervalSince(startTime)
            log(MetricName.stepsPerSecond, Double(steps) / max(elapsed, 1e-9))
            let recent = finished.isEmpty ? nil : finished.reduce(0, +) / Double(finished.count)
            onProgress?(
                TrainingProgress(
                    update: updates, updates: iterations, steps: steps, recentReturn: recent))
        }
    }

    func log(_ key: String, _ value: Double) {
        onMetric?(MetricRecord(key: key, step: steps, value: value))
    }
}

// MARK: - Rollouts

extension PPOTrainer {
    /// Steps every copy `rolloutSteps` times with sampled actions, filling `buffer`.
    ///
    /// - Returns: the returns of the episodes that finished during the rollout.
    func collectRollout(
        into buffer: inout RolloutBuffer, observations: inout [Float],
        episodes: inout EpisodeTracker
    ) throws -> [Double] {
        let copies = configuration.copies
        var outcome = VectorStep(count: copies, observationSize: environment.observationSize)
        var finishedReturns: [Double] = []
        for t in 0..<configuration.rolloutSteps {
            let inputs = pipeline.inputs(observations)
            let (actions, logProbabilities) = policy.act(
                inputs, deterministic: false, rng: &actionStream)
            let values = policy.values(inputs)
            buffer.store(
                step: t, inputs: inputs, actions: actions,
                logProbabilities: logProbabilities, values: values)

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
                let bootstrap = policy.values(pipeline.inputs(outcome.finalObservations))
                for copy in 0..<copies where outcome.truncated[copy] && !outcome.terminated[copy] {
                    finalValues[copy] = bootstrap[copy]
                }
            }
            buffer.storeOutcome(
                step: t, rewards: outcome.rewards, terminated: outcome.terminated,
                truncated: outcome.truncated, finalValues: finalValues)

            for episode in episodes.record(outcome) {
                finishedReturns.append(episode.return)
                log(MetricName.episodicReturn, episode.return)
                log(MetricName.episodicLength, Double(episode.length))
            }
            observations = outcome.observations
            pipeline.update(with: observations)
        }
        return finishedReturns
    }

    /// The actions sent to the environment: discrete actions as they are; Gaussian actions
    /// clipped to each copy's action bounds. The buffer keeps the unclipped actions.
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

/// Running returns and lengths of each copy's current episode.
struct EpisodeTracker {
    var returns: [Double]
    var lengths: [Int]

    init(copies: Int) {
        returns = Array(repeating: 0, count: copies)
        lengths = Array(repeating: 0, count: copies)
    }

    /// Adds one step's rewards and returns the episodes that ended on it.
    mutating func record(_ outcome: VectorStep) -> [(return: Double, length: Int)] {
        var finished: [(return: Double, length: Int)] = []
        for copy in 0..<returns.count {
            returns[copy] += outcome.rewards[copy]
            lengths[copy] += 1
            if outcome.terminated[copy] || outcome.truncated[copy] {
                finished.append((returns[copy], lengths[copy]))
                returns[copy] = 0
                lengths[copy] = 0
            }
        }
        return finished
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
