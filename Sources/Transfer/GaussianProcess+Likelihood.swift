import Foundation
import Numerics

/// The log marginal likelihood of a Gaussian process and its gradient with respect to the
/// logarithms of the hyperparameters (Rasmussen and Williams 2006, equations 5.8 and 5.9).
///
/// ```
/// log p(y | X, theta) = -1/2 y^T K^-1 y - 1/2 log |K| - n/2 log(2 pi)
/// d/d theta_p         =  1/2 tr((alpha alpha^T - K^-1) dK/d theta_p),  alpha = K^-1 y
/// ```
///
/// With `K = c R + s^2 I`, `R_ij = exp(-1/2 sum_d (x_id - x_jd)^2 / l_d^2)` and the kernel
/// part `K_f = c R`, the derivatives with respect to the log-parameters are
///
/// ```
/// dK/d log c     = K_f
/// dK/d log l_d   = K_f * (x_id - x_jd)^2 / l_d^2     (element-wise)
/// dK/d log s^2   = s^2 I
/// ```
///
/// The parameter vector is `[log c, log l_1, ..., log l_D]`, followed by `log s^2` when the
/// noise variance is learned.
struct MarginalLikelihood {
    let data: GaussianProcessData
    let jitterRetries: Int
    /// `(x_id - x_jd)^2` for each dimension d, row-major n x n.
    let squaredDifferences: [[Double]]

    init(data: GaussianProcessData, jitterRetries: Int) {
        self.data = data
        self.jitterRetries = jitterRetries
        let n = data.inputs.count
        squaredDifferences = (0..<data.dimension).map { d in
            var values = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    let difference = data.inputs[i][d] - data.inputs[j][d]
                    values[i * n + j] = difference * difference
                }
            }
            return values
        }
    }

    /// A factored kernel matrix and what follows from it.
    struct Factorization {
        /// The Cholesky factor of `K` (with any jitter it needed).
        let factor: Cholesky
        /// `alpha = K^-1 y`.
        let weights: [Double]
        /// The kernel part `K_f = c R`, row-major n x n.
        let signalKernel: [Double]
        let logMarginalLikelihood: Double
    }

    /// Builds and factors `K` for `hyperparameters`.
    ///
    /// - Throws: `GaussianProcessError` when the factorisation fails after every jitter
    ///   retry, or when a hyperparameter is not finite.
    /// - Complexity: O(n^3 + D n^2).
    func factorize(_ hyperparameters: KernelHyperparameters) throws -> Factorization {
        let n = data.inputs.count
        let c = hyperparameters.constant
        let lengthScales = hyperparameters.lengthScales
        precondition(c > 0, "the kernel constant must be positive, got \(c)")
        precondition(lengthScales.allSatisfy { $0 > 0 }, "length scales must be positive")
        precondition(hyperparameters.noiseVariance >= 0, "the noise variance must be >= 0")

        var signal = [Double](repeating: 0, count: n * n)
        for index in 0..<(n * n) {
            var exponent = 0.0
            for d in 0..<data.dimension {
                exponent += squaredDifferences[d][index] / (lengthScales[d] * lengthScales[d])
            }
            signal[index] = c * exp(-0.5 * exponent)
        }
        var kernel = Matrix<Double>(rows: n, columns: n, storage: signal)
        for i in 0..<n { kernel[i, i] += hyperparameters.noiseVariance }

        let factor: Cholesky
        do {
            factor = try Cholesky(
                kernel, initialRelativeJitter: 1e-9, maxRetries: jitterRetries)
        } catch CholeskyError.notPositiveDefinite(_, let jitter) {
            throw GaussianProcessError.kernelNotPositiveDefinite(
                observations: n, noiseVariance: hyperparameters.noiseVariance, jitter: jitter)
        } catch {
            throw GaussianProcessError.nonFinite(what: "hyperparameter")
        }
        let weights = factor.solve(data.targets)
        var fit = 0.0
        for (target, weight) in zip(data.targets, weights) { fit += target * weight }
        let value = -0.5 * fit - 0.5 * factor.logDeterminant - 0.5 * Double(n) * log(2 * .pi)
        return Factorization(
            factor: factor, weights: weights, signalKernel: signal,
            logMarginalLikelihood: value)
    }

    /// The log marginal likelihood and its gradient with respect to the log-parameters.
    ///
    /// - Complexity: O(n^3 + D n^2).
    func valueAndGradient(
        _ hyperparameters: KernelHyperparameters, learnsNoiseVariance: Bool
    ) throws -> (value: Double, gradient: [Double]) {
        let n = data.inputs.count
        let state = try factorize(hyperparameters)

        // W = alpha alpha^T - K^-1
        let inverse = state.factor.solve(Matrix<Double>.identity(n))
        var w = inverse.storage
        for i in 0..<n {
            for j in 0..<n { w[i * n + j] = state.weights[i] * state.weights[j] - w[i * n + j] }
        }

        // Gradient: 1/2 sum_ij W_ij (dK/d theta_p)_ij
        var gradient: [Double] = []
        var constantTerm = 0.0
        for index in 0..<(n * n) { constantTerm += w[index] * state.signalKernel[index] }
        gradient.append(0.5 * constantTerm)
        for d in 0..<data.dimension {
            let squaredLength = hyperparameters.lengthScales[d] * hyperparameters.lengthScales[d]
            var total = 0.0
            for index in 0..<(n * n) {
                total += w[index] * state.signalKernel[index] * squaredDifferences[d][index]
            }
            gradient.append(0.5 * total / squaredLength)
        }
        if learnsNoiseVariance {
            var trace = 0.0
            for i in 0..<n { trace += w[i * n + i] }
            gradient.append(0.5 * hyperparameters.noiseVariance * trace)
        }
        return (state.logMarginalLikelihood, gradient)
    }
}

extension KernelHyperparameters {
    /// The log-parameter vector `[log c, log l_1, ..., log l_D]`, with `log s^2` appended
    /// when the noise variance is learned.
    func logParameters(learnsNoiseVariance: Bool) -> [Double] {
        [log(constant)] + lengthScales.map { log($0) }
            + (learnsNoiseVariance ? [log(noiseVariance)] : [])
    }

    /// The hyperparameters at a log-parameter vector; a fixed noise variance is kept.
    func with(logParameters theta: [Double], learnsNoiseVariance: Bool) -> Self {
        let dimension = lengthScales.count
        return KernelHyperparameters(
            constant: exp(theta[0]),
            lengthScales: theta[1..<(1 + dimension)].map { exp($0) },
            noiseVariance: learnsNoiseVariance ? exp(theta[dimension + 1]) : noiseVariance)
    }
}
