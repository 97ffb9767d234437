import Foundation
import Numerics

/// How a Gaussian process is fitted: the kernel's starting or fixed hyperparameters, their
/// bounds, the noise, and the maximisation of the log marginal likelihood.
///
/// The defaults follow the MBTL reference code (Cho et al., 2024): constant-times-RBF
/// kernel starting at `1 * RBF(1)`, constant bounds 1e-3...1e3, noise variance 0.01 fixed,
/// and nine restarts after the first start. Unlike that code, the inputs here are normalised
/// coordinates in [0, 1] rather than grid indices, so the length-scale bounds are
/// 1e-3...1e2 in normalised units, and the targets are standardised by default.
public struct GaussianProcessConfiguration: Codable, Equatable, Sendable {
    /// The kernel constant `c` at the first start, or throughout when not optimising.
    public var initialConstant = 1.0
    /// The length scale of every dimension at the first start, or throughout when not
    /// optimising, in normalised context units.
    public var initialLengthScale = 1.0
    /// The observation-noise variance, in the fitted (standardised) target units.
    public var noiseVariance = 0.01
    /// Whether the noise variance is learned with the kernel hyperparameters, starting at
    /// `noiseVariance`.
    public var learnsNoiseVariance = false
    /// Whether targets are standardised to mean 0 and standard deviation 1 before fitting.
    public var standardizesTargets = true
    /// Whether the hyperparameters maximise the log marginal likelihood; when false the
    /// initial values are used as given.
    public var optimizesHyperparameters = true
    /// Starts drawn log-uniformly within the bounds, in addition to the first start.
    public var restarts = 9
    /// Bounds of the kernel constant `c`.
    public var constantBounds: ClosedRange<Double> = 1e-3...1e3
    /// Bounds of every length scale.
    public var lengthScaleBounds: ClosedRange<Double> = 1e-3...1e2
    /// Bounds of the noise variance when it is learned.
    public var noiseVarianceBounds: ClosedRange<Double> = 1e-6...1
    /// Retries of the Cholesky factorisation with diagonal jitter growing tenfold from 1e-9
    /// times the mean diagonal.
    public var jitterRetries = 6
    /// The seed of the restart draws.
    public var seed: UInt64 = 0

    public init() {}
}

extension GaussianProcessRegressor {
    /// Fits a process, choosing its hyperparameters by maximum log marginal likelihood.
    ///
    /// The first start is the configuration's initial values; `restarts` more are drawn
    /// log-uniformly within the bounds from `RandomStream(seed: configuration.seed)`. Each
    /// start runs `BoundedLBFGS` on the negative log marginal likelihood over the
    /// log-parameters, with the analytic gradient, and the start reaching the highest
    /// likelihood wins. Starts whose kernel cannot be factored are skipped.
    ///
    /// - Parameters:
    ///   - inputs: At least one input; every input has the same number D of values.
    ///   - targets: One target per input.
    ///   - configuration: Kernel, bounds, noise and optimiser settings.
    /// - Throws: `GaussianProcessError` when no start can be factored (the error of the last
    ///   start) or a value is not finite.
    /// - Complexity: O(S I n^3) for S starts of at most I iterations each.
    public static func fit(
        inputs: [[Double]], targets: [Double],
        configuration: GaussianProcessConfiguration = GaussianProcessConfiguration()
    ) throws -> GaussianProcessRegressor {
        precondition(!inputs.isEmpty, "a Gaussian process needs at least one observation")
        let dimension = inputs[0].count
        let initial = KernelHyperparameters(
            constant: configuration.initialConstant,
            lengthScales: Array(repeating: configuration.initialLengthScale, count: dimension),
            noiseVariance: configuration.noiseVariance)
        guard configuration.optimizesHyperparameters else {
            return try GaussianProcessRegressor(
                inputs: inputs, targets: targets, hyperparameters: initial,
                standardizesTargets: configuration.standardizesTargets,
                jitterRetries: configuration.jitterRetries)
        }
        let best = try maximizeLikelihood(
            inputs: inputs, targets: targets, initial: initial, configuration: configuration)
        return try GaussianProcessRegressor(
            inputs: inputs, targets: targets, hyperparameters: best,
            standardizesTargets: configuration.standardizesTargets,
            jitterRetries: configuration.jitterRetries)
    }

    /// The hyperparameters of the best start.
    static func maximizeLikelihood(
        inputs: [[Double]], targets: [Double], initial: KernelHyperparameters,
        configuration: GaussianProcessConfiguration
    ) throws -> KernelHyperparameters {
        let learnsNoise = configuration.learnsNoiseVariance
        let data = try GaussianProcessData(
            inputs: inputs, targets: targets, dimension: initial.lengthScales.count,
            standardizesTargets: configuration.standardizesTargets)
        let likelihood = MarginalLikelihood(
            data: data, jitterRetries: configuration.jitterRetries)

        // Bounds of the log-parameters
        var bounds = [configuration.constantBounds]
        bounds += Array(repeating: configuration.lengthScaleBounds, count: data.dimension)
        if learnsNoise { bounds.append(configuration.noiseVarianceBounds) }
        let lower = bounds.map { log($0.lowerBound) }
        let upper = bounds.map { log($0.upperBound) }

        // Starts
        var stream = RandomStream(seed: configuration.seed).child("gaussian-process-starts")
        var starts = [initial.logParameters(learnsNoiseVariance: learnsNoise)]
        for _ in 0..<max(configuration.restarts, 0) {
            starts.append(zip(lower, upper).map { stream.uniform($0, $1) })
        }

        // Minimise -log p(y | X, theta) from each start
        let optimizer = BoundedLBFGS()
        var best: (value: Double, hyperparameters: KernelHyperparameters)?
        var lastError: (any Error)?
        for start in starts {
            do {
                let result = try optimizer.minimize(from: start, lower: lower, upper: upper) {
                    theta in
                    let point = initial.with(logParameters: theta, learnsNoiseVariance: learnsNoise)
                    let (value, gradient) = try likelihood.valueAndGradient(
                        point, learnsNoiseVariance: learnsNoise)
                    return (-value, gradient.map { -$0 })
                }
                if best == nil || -result.value > best!.value {
                    best = (
                        -result.value,
                        initial.with(logParameters: result.point, learnsNoiseVariance: learnsNoise)
                    )
                }
            } catch {
                lastError = error
            }
        }
        guard let best else { throw lastError! }
        return best.hyperparameters
    }
}
