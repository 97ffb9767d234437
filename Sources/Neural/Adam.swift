import Foundation
import Numerics

/// Adam with bias correction (Kingma and Ba, 2015), in PyTorch's form.
///
/// For each trainable parameter with gradient g at step t:
///
/// ```
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// m_hat = m / (1 - beta1^t)
/// v_hat = v / (1 - beta2^t)
/// p = p - lr * m_hat / (sqrt(v_hat) + eps)
/// ```
///
/// The optimizer owns exactly the parameters it was given that are trainable at creation; each
/// may have its own learning-rate multiplier (routing logits learn faster than adapters).
public final class Adam {
    /// The base learning rate; schedules set it before each step.
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// The number of steps taken.
    public private(set) var stepCount: Int = 0
    /// The parameters this optimizer updates.
    public let parameters: [Parameter]
    /// Per-parameter learning-rate multipliers, parallel to `parameters`.
    public let learningRateScales: [Double]
    var firstMoments: [Matrix<Float>]
    var secondMoments: [Matrix<Float>]

    /// Creates an optimizer for the trainable members of `parameters`.
    ///
    /// - Parameter learningRateScales: multipliers by parameter name; 1 for names not listed.
    public init(
        parameters: [Parameter], learningRate: Double, beta1: Double = 0.9,
        beta2: Double = 0.999, epsilon: Double = 1e-8,
        learningRateScales: [String: Double] = [:]
    ) {
        let trainable = parameters.filter(\.isTrainable)
        self.parameters = trainable
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.learningRateScales = trainable.map { learningRateScales[$0.name] ?? 1 }
        firstMoments = trainable.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
        secondMoments = firstMoments
    }

    /// Applies one update from the parameters' accumulated gradients.
    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let firstCorrection = 1 - pow(beta1, t)
        let secondCorrection = 1 - pow(beta2, t)
        let b1 = Float(beta1)
        let b2 = Float(beta2)
        let eps = Float(epsilon)
        for (index, parameter) in parameters.enumerated() {
            let stepSize = Float(learningRate * learningRateScales[index] / firstCorrection)
            let secondScale = Float(1 / secondCorrection.squareRoot())
            parameter.gradient.storage.withUnsafeBufferPointer { g in
                firstMoments[index].storage.withUnsafeMutableBufferPointer { m in
                    secondMoments[index].storage.withUnsafeMutableBufferPointer { v in
                        parameter.value.storage.withUnsafeMutableBufferPointer { p in
                            Adam.update(
                                p, m, v, gradient: g, beta1: b1, beta2: b2, epsilon: eps,
                                stepSize: stepSize, secondScale: secondScale)
                        }
                    }
                }
            }
        }
    }

    /// Updates one parameter element-wise, eight lanes at a time and the rest one by one,
    /// with the same arithmetic on both paths:
    /// `p -= stepSize * m / (sqrt(v) * secondScale + eps)`, where the bias corrections are
    /// folded into `stepSize` and `secondScale`.
    static func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>,
        _ v: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
        beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, secondScale: Float
    ) {
        let count = p.count
        let vectorEnd = count - count % 8
        let (pRaw, mRaw, vRaw) = (
            UnsafeMutableRawPointer(p.baseAddress), UnsafeMutableRawPointer(m.baseAddress),
            UnsafeMutableRawPointer(v.baseAddress))
        let gRaw = UnsafeRawPointer(g.baseAddress)
        for start in stride(from: 0, to: vectorEnd, by: 8) {
            let offset = start * MemoryLayout<Float>.stride
            let gradient = gRaw!.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var first = mRaw!.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var second = vRaw!.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var value = pRaw!.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            first = beta1 * first + (1 - beta1) * gradient
            second = beta2 * second + (1 - beta2) * gradient * gradient
            value -= stepSize * first / (second.squareRoot() * secondScale + epsilon)
            mRaw!.storeBytes(of: first, toByteOffset: offset, as: SIMD8<Float>.self)
            vRaw!.storeBytes(of: second, toByteOffset: offset, as: SIMD8<Float>.self)
            pRaw!.storeBytes(of: value, toByteOffset: offset, as: SIMD8<Float>.self)
        }
        for i in vectorEnd..<count {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] -= stepSize * m[i] / (v[i].squareRoot() * secondScale + epsilon)
        }
    }

    /// The optimizer state as named tensors for a checkpoint: `adam.m.NAME`, `adam.v.NAME`.
    public var stateTensors: [(name: String, value: Matrix<Float>)] {
        parameters.indices.flatMap { index in
            [("adam.m." + parameters[index].name, firstMoments[index]),
             ("adam.v." + parameters[index].name, secondMoments[index])]
        }
    }

    /// Restores moments and the step count saved by `stateTensors`.
    ///
    /// - Throws: `CheckpointError` when a moment is missing or has another shape.
    public func restore(from checkpoint: Checkpoint) throws {
        for index in parameters.indices {
            let name = parameters[index].name
            let shape = (parameters[index].value.rows, parameters[index].value.columns)
            firstMoments[index] = try checkpoint.tensor("adam.m." + name, shape: shape)
            secondMoments[index] = try checkpoint.tensor("adam.v." + name, shape: shape)
        }
        stepCount = Int(checkpoint.metadata["adam.step"] ?? "0") ?? 0
    }
}

// MARK: - Gradient clipping and schedules

/// Scales all gradients so that their global L2 norm is at most `maxNorm`, as PyTorch's
/// `clip_grad_norm_` does (factor `maxNorm / (norm + 1e-6)` when the norm exceeds `maxNorm`).
///
/// - Returns: the global norm before clipping; NaN or infinity if a gradient is not finite.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
    let norm = parameters.reduce(0) { $0 + squaredSum($1.gradient.storage) }.squareRoot()
    if norm.isFinite && norm > maxNorm {
        let scale = Float(maxNorm / (norm + 1e-6))
        for parameter in parameters { parameter.gradient *= scale }
    }
    return norm
}

/// Returns the sum of squares of `values` in double precision, from four interleaved partial
/// sums so that the loop vectorizes.
func squaredSum(_ values: [Float]) -> Double {
    values.withUnsafeBufferPointer { buffer in
        var partial = SIMD4<Double>()
        let vectorEnd = buffer.count - buffer.count % 4
        for start in stride(from: 0, to: vectorEnd, by: 4) {
            let chunk = SIMD4<Double>(
                Double(buffer[start]), Double(buffer[start + 1]), Double(buffer[start + 2]),
                Double(buffer[start + 3]))
            partial += chunk * chunk
        }
        var total = partial.sum()
        for i in vectorEnd..<buffer.count { total += Double(buffer[i]) * Double(buffer[i]) }
        return total
    }
}

/// A learning rate (or clip range) as a function of training progress.
public enum Schedule: Codable, Equatable, Sendable {
    /// The same value throughout.
    case constant(Double)
    /// Falls linearly from the value at the start to 0 at the end, as Stable-Baselines3's
    /// `lin_` schedules do.
    case linear(Double)

    /// The value when a fraction `progress` in [0, 1] of training is done.
    public func value(progress: Double) -> Double {
        switch self {
        case .constant(let value): return value
        case .linear(let initial): return initial * max(0, 1 - progress)
        }
    }

    /// The value at the start of training.
    public var initialValue: Double {
        switch self {
        case .constant(let value), .linear(let value): return value
        }
    }
}
