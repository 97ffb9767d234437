import Environments
import Numerics
import XCTest

@testable import Learning

/// Finite-difference checks of the whole PPO loss (clipped surrogate, entropy bonus, value
/// loss with and without clipping) with respect to every kind of network parameter.
final class PPOLossGradientTests: XCTestCase {
    func checkLossGradient(actionSpace: ActionSpace, valueClip: Double?) throws {
        var configuration = PPOConfiguration()
        configuration.copies = 2
        configuration.rolloutSteps = 8
        configuration.minibatchSize = 16
        configuration.hiddenWidths = [6]
        configuration.entropyCoefficient = 0.05
        configuration.valueClipRange = valueClip
        let environment = RecordingEnvironment(copies: 2, actionSpace: actionSpace)
        let trainer = try PPOTrainer(
            configuration: configuration, environment: environment, seed: 9)
        var buffer = RolloutBuffer(
            steps: 8, copies: 2, inputSize: 1, actionWidth: actionSpace.width)
        var observations = environment.reset()
        var episodes = EpisodeTracker(copies: 2)
        _ = try trainer.collectRollout(
            into: &buffer, observations: &observations, episodes: &episodes)
        // Move the old log-probabilities and values away from the current ones, so that some
        // ratios and value changes fall outside their clip ranges (away from the kinks).
        let offsets = [0.0, 0.5, -0.5, 0.0, 0.6, -0.7, 0.0, 0.45]
        for index in 0..<16 {
            buffer.logProbabilities[index] += offsets[index % offsets.count]
            buffer.values[index] += index % 3 == 0 ? 0.8 : 0.0
        }
        let advantages: [Double] = [
            -2, 1.3, 0.5, -0.7, 2, -1.5, 0.2, 1.1, -0.4, 0.9, -1.2, 1.8, 0.3, -0.9, 1.4, -0.2,
        ]
        let returns: [Double] = [
            0.4, -0.4, 1.1, 0.6, -0.2, 0.9, 1.3, -0.6, 0.1, 0.7, -0.3, 1.0, 0.5, -0.1, 0.8, 0.2,
        ]
        let indices = Array(0..<16)
        func loss() -> Double {
            trainer.lossGradients(
                indices: indices, buffer: buffer, advantages: advantages, returns: returns,
                clipRange: 0.2
            ).loss
        }
        _ = loss()
        let analytic = trainer.policy.parameters.map(\.gradient)

        var rng = RandomStream(seed: 4)
        for (parameterIndex, parameter) in trainer.policy.parameters.enumerated() {
            for _ in 0..<min(4, parameter.value.count) {
                let element = rng.integer(below: parameter.value.count)
                let original = parameter.value.storage[element]
                let h: Float = 1e-2
                parameter.value.storage[element] = original + h
                let plus = loss()
                parameter.value.storage[element] = original - h
                let minus = loss()
                parameter.value.storage[element] = original
                let numeric = (plus - minus) / Double(2 * h)
                let value = Double(analytic[parameterIndex].storage[element])
                XCTAssertEqual(
                    value, numeric, accuracy: 2e-2 * max(1, abs(numeric)),
                    "\(parameter.name)[\(element)]")
            }
        }
    }

    func testDiscreteLossGradient() throws {
        try checkLossGradient(actionSpace: .discrete(count: 3), valueClip: nil)
    }

    func testGaussianLossGradient() throws {
        try checkLossGradient(actionSpace: .box(dimension: 1), valueClip: nil)
    }

    func testClippedValueLossGradient() throws {
        try checkLossGradient(actionSpace: .discrete(count: 2), valueClip: 0.3)
    }
}
