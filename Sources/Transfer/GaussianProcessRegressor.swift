import Foundation
import Numerics

/// The hyperparameters of a constant-times-RBF kernel with Gaussian observation noise.
///
/// ```
/// k(x, x') = c exp(-1/2 sum_d (x_d - x'_d)^2 / l_d^2)
/// K_ij     = k(x_i, x_j) + s^2 [i = j]
/// ```
///
/// `c` is `constant`, `l_d` the length scale of input dimension `d` and `s^2` the noise
/// variance. All three are in the units the process is fitted in: standardised units when
/// the targets are standardised.
public struct KernelHyperparameters: Codable, Equatable, Sendable {
    /// The signal variance `c`.
    public var constant: Double
    /// One length scale per input dimension, in normalised context units.
    public var lengthScales: [Double]
    /// The observation-noise variance `s^2` added to the diagonal of the training kernel.
    public var noiseVariance: Double

    public init(constant: Double, lengthScales: [Double], noiseVariance: Double) {
        self.constant = constant
        self.lengthScales = lengthScales
        self.noiseVariance = noiseVariance
    }

    /// The kernel `k(a, b)` without noise.
    func kernel(_ a: [Double], _ b: [Double]) -> Double {
        var exponent = 0.0
        for d in 0..<lengthScales.count {
            let scaled = (a[d] - b[d]) / lengthScales[d]
            exponent += scaled * scaled
        }
        return constant * exp(-0.5 * exponent)
    }
}

/// The posterior of a Gaussian process at one input.
public struct GaussianProcessPrediction: Codable, Equatable, Sendable {
    /// The posterior mean, in target units.
    public let mean: Double
    /// The posterior standard deviation of the latent function, in target units. It excludes
    /// the observation noise, as scikit-learn's `predict(return_std=True)` does with noise
    /// given as `alpha`.
    public let standardDeviation: Double
}

/// A Gaussian-process regressor fitted to observations: Algorithm 2.1 of Rasmussen and
/// Williams, "Gaussian Processes for Machine Learning" (2006).
///
/// With the kernel matrix `K` of the training inputs (noise on the diagonal), its Cholesky
/// factor `K = L L^T`, standardised targets `y` and the kernel vector `k_*` between a query
/// and the training inputs:
///
/// ```
/// alpha   = K^-1 y                      (two triangular solves)
/// mean    = k_*^T alpha
/// v       = L^-1 k_*
/// var     = max(k(x_*, x_*) - v^T v, 0)
/// ```
///
/// Rounding can make `k(x_*, x_*) - v^T v` slightly negative near a training input, so the
/// variance is clamped at 0 before the square root. Mean and standard deviation are scaled
/// back to target units.
///
/// Targets are standardised by default, `y = (t - mean(t)) / std(t)` with the population
/// standard deviation, which is replaced by 1 when it is below 10 machine epsilons (one
/// observation, or all equal).
public struct GaussianProcessRegressor: Sendable {
    /// The training inputs, one row per observation.
    public let inputs: [[Double]]
    /// The kernel hyperparameters in use.
    public let hyperparameters: KernelHyperparameters
    /// The target mean subtracted before fitting (0 without standardisation).
    public let targetMean: Double
    /// The target scale divided out before fitting (1 without standardisation).
    public let targetScale: Double
    /// The log marginal likelihood of the fitted targets (standardised when standardising).
    public let logMarginalLikelihood: Double
    /// The jitter the Cholesky factorisation added to the diagonal (0 if none was needed).
    public let jitter: Double

    let factor: Cholesky
    let weights: [Double]

    /// Fits the process with fixed hyperparameters.
    ///
    /// - Parameters:
    ///   - inputs: At least one input, each with `hyperparameters.lengthScales.count` values.
    ///   - targets: One target per input.
    ///   - hyperparameters: The kernel to use.
    ///   - standardizesTargets: Whether to standardise the targets before fitting.
    ///   - jitterRetries: How many times the factorisation may retry with diagonal jitter,
    ///     starting at 1e-9 times the mean diagonal and growing tenfold per retry.
    /// - Throws: `GaussianProcessError.kernelNotPositiveDefinite` when the kernel matrix
    ///   stays indefinite after every retry, `.nonFinite` for non-finite values.
    /// - Complexity: O(n^3) for n observations.
    public init(
        inputs: [[Double]], targets: [Double], hyperparameters: KernelHyperparameters,
        standardizesTargets: Bool = true, jitterRetries: Int = 6
    ) throws {
        let data = try GaussianProcessData(
            inputs: inputs, targets: targets, dimension: hyperparameters.lengthScales.count,
            standardizesTargets: standardizesTargets)
        let likelihood = MarginalLikelihood(data: data, jitterRetries: jitterRetries)
        let state = try likelihood.factorize(hyperparameters)
        self.inputs = inputs
        self.hyperparameters = hyperparameters
        self.targetMean = data.targetMean
        self.targetScale = data.targetScale
        self.factor = state.factor
        self.weights = state.weights
        self.jitter = state.factor.jitter
        self.logMarginalLikelihood = state.logMarginalLikelihood
    }

    /// The posterior mean and standard deviation at `input`.
    ///
    /// - Complexity: O(n^2 + n D) for n observations of dimension D.
    public func predict(at input: [Double]) -> GaussianProcessPrediction {
        precondition(
            input.count == hyperparameters.lengthScales.count,
            "input of \(input.count) values for a process of dimension "
                + "\(hyperparameters.lengthScales.count)")
        let crossKernel = inputs.map { hyperparameters.kernel(input, $0) }
        var standardizedMean = 0.0
        for (k, weight) in zip(crossKernel, weights) { standardizedMean += k * weight }
        let v = factor.solveLower(crossKernel)
        let explained = v.reduce(0) { $0 + $1 * $1 }
        // Rounding can leave a tiny negative variance near training inputs; clamp it at 0.
        let variance = max(hyperparameters.constant - explained, 0)
        return GaussianProcessPrediction(
            mean: targetMean + targetScale * standardizedMean,
            standardDeviation: targetScale * variance.squareRoot())
    }

    /// The posterior at each of `inputs`.
    ///
    /// - Complexity: O(m (n^2 + n D)) for m queries.
    public func predict(at queries: [[Double]]) -> [GaussianProcessPrediction] {
        queries.map { predict(at: $0) }
    }
}

/// Validated training data, with the targets standardised when asked.
struct GaussianProcessData {
    let inputs: [[Double]]
    let targets: [Double]
    let targetMean: Double
    let targetScale: Double
    let dimension: Int

    init(
        inputs: [[Double]], targets: [Double], dimension: Int, standardizesTargets: Bool
    ) throws {
        precondition(!inputs.isEmpty, "a Gaussian process needs at least one observation")
        precondition(inputs.count == targets.count, "one target per input")
        precondition(
            inputs.allSatisfy { $0.count == dimension },
            "every input needs \(dimension) values")
        guard inputs.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw GaussianProcessError.nonFinite(what: "input")
        }
        guard targets.allSatisfy(\.isFinite) else {
            throw GaussianProcessError.nonFinite(what: "target")
        }
        var mean = 0.0
        var scale = 1.0
        if standardizesTargets {
            let n = Double(targets.count)
            mean = targets.reduce(0, +) / n
            let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            // A spread at rounding level is treated as none, so that near-equal targets are
            // not blown up to unit variance.
            if variance.squareRoot() > 10 * Double.ulpOfOne { scale = variance.squareRoot() }
        }
        self.inputs = inputs
        self.targets = targets.map { ($0 - mean) / scale }
        self.targetMean = mean
        self.targetScale = scale
        self.dimension = dimension
    }
}
