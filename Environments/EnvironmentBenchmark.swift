import Numerics

/// Measured stepping speeds of one environment kind at the default context.
public struct EnvironmentStepRates: Equatable, Sendable {
    /// Steps per second of one copy stepped by a plain loop over `step` and `reset`.
    public var singleStepsPerSecond: Double
    /// Steps per second, summed over copies, of a `VectorEnvironment` called through
    /// `any VectorEnvironment` as a learner calls it.
    public var vectorStepsPerSecond: Double
    /// The number of copies of the vectorized measurement.
    public var copies: Int
}

/// Measures environment steps per second, single copy and vectorized, on the calling thread.
///
/// Both measurements compute the observation of every step, as a learner needs it.
///
/// Actions are uniform random, drawn before the clock starts: a table of 4096 actions for
/// the single copy and four action arrays, used in turn, for the vectorized copies. Both
/// measurements include the automatic resets at episode ends and run one untimed warm-up
/// pass first.
///
/// - Parameters:
///   - kind: The environment.
///   - copies: The number of vectorized copies.
///   - steps: The number of environment steps to time in each measurement. The vectorized
///     measurement rounds up to whole steps of all copies.
///   - seed: The seed of the environments' and actions' streams.
/// - Returns: Steps per second of both measurements.
public func benchmarkSteps(
    kind: EnvironmentKind, copies: Int, steps: Int, seed: UInt64
) -> EnvironmentStepRates {
    precondition(copies > 0 && steps > 0, "copies and steps must be positive")
    switch kind {
    case .cartpole:
        return StepBenchmark<CartPole>.run(copies: copies, steps: steps, seed: seed)
    case .pendulum:
        return StepBenchmark<Pendulum>.run(copies: copies, steps: steps, seed: seed)
    case .mountainCar:
        return StepBenchmark<MountainCar>.run(copies: copies, steps: steps, seed: seed)
    case .mountainCarContinuous:
        return StepBenchmark<MountainCarContinuous>.run(
            copies: copies, steps: steps, seed: seed)
    case .acrobot:
        return StepBenchmark<Acrobot>.run(copies: copies, steps: steps, seed: seed)
    }
}

/// The two measurements of `benchmarkSteps` for one environment type.
enum StepBenchmark<Environment: ContextualEnvironment> {
    static func run(copies: Int, steps: Int, seed: UInt64) -> EnvironmentStepRates {
        let root = RandomStream(seed: seed)
        var actionStream = root.child("actions")
        let single = measureSingle(steps: steps, seed: seed, actionStream: &actionStream)
        let vector = measureVector(
            copies: copies, steps: steps, seed: seed, actionStream: &actionStream)
        return EnvironmentStepRates(
            singleStepsPerSecond: single, vectorStepsPerSecond: vector, copies: copies)
    }

    /// Draws `count` uniform random actions within the default action bounds.
    static func randomActions(count: Int, stream: inout RandomStream) -> [Double] {
        switch Environment.actionSpace {
        case .discrete(let actionCount):
            return (0..<count).map { _ in Double(stream.integer(below: actionCount)) }
        case .box:
            let bounds = Environment.actionBounds(params: Environment.defaultParams)
            return (0..<count).map { _ in stream.uniform(bounds.lower[0], bounds.upper[0]) }
        }
    }

    static func measureSingle(
        steps: Int, seed: UInt64, actionStream: inout RandomStream
    ) -> Double {
        let actions = randomActions(count: 4096, stream: &actionStream)
            .map { Environment.action(from: $0)! }
        var loop = SingleCopyLoop<Environment>(seed: seed)
        loop.run(min(steps, 100_000), actions: actions)
        let clock = ContinuousClock()
        let duration = clock.measure { loop.run(steps, actions: actions) }
        // The checksum keeps the optimizer from removing the loop.
        precondition(!loop.checksum.isNaN, "benchmark rewards became NaN")
        return Double(steps) / duration.seconds
    }

    static func measureVector(
        copies: Int, steps: Int, seed: UInt64, actionStream: inout RandomStream
    ) -> Double {
        let context = Environment.contextSpace.defaultContext
        // ContextFeature requires every default to lie within its bounds, so this cannot throw.
        let environment: any VectorEnvironment = try! VectorizedEnvironment<Environment>(
            contexts: Array(repeating: context, count: copies), seed: seed)
        let actionArrays = (0..<4).map { _ in
            randomActions(count: copies, stream: &actionStream)
        }
        var result = VectorStep(count: copies, observationSize: environment.observationSize)
        _ = environment.reset()
        environment.step(actionArrays[0], into: &result)

        let batches = (steps + copies - 1) / copies
        let clock = ContinuousClock()
        let duration = clock.measure {
            for batch in 0..<batches {
                environment.step(actionArrays[batch & 3], into: &result)
            }
        }
        return Double(batches * copies) / duration.seconds
    }
}

/// One copy stepped in a plain loop, as an agent without vectorization would step it.
struct SingleCopyLoop<Environment: ContextualEnvironment> {
    let params = Environment.defaultParams
    var stream: RandomStream
    var state: Environment.State
    var elapsed = 0
    /// The sum of rewards and first observation components, read after timing.
    var checksum = 0.0

    init(seed: UInt64) {
        stream = RandomStream(seed: seed)
        state = Environment.reset(params: params, rng: &stream)
    }

    /// Takes `count` steps with `actions` in turn, resetting at episode ends.
    mutating func run(_ count: Int, actions: [Environment.Action]) {
        var observation = [Float](repeating: 0, count: Environment.observationSize)
        observation.withUnsafeMutableBufferPointer { observation in
            for index in 0..<count {
                let outcome = Environment.step(
                    state: state, action: actions[index % actions.count], params: params,
                    rng: &stream)
                Environment.writeObservation(of: outcome.state, to: observation.baseAddress!)
                checksum += outcome.reward + Double(observation[0])
                elapsed += 1
                if outcome.terminated || elapsed >= Environment.timeLimit {
                    state = Environment.reset(params: params, rng: &stream)
                    elapsed = 0
                } else {
                    state = outcome.state
                }
            }
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
