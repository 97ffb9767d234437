import Numerics

/// The hyperbolic tangent, element-wise, through `fastTanh`.
///
/// Backward uses the cached output: `d tanh(x) / dx = 1 - tanh(x)^2`.
public final class Tanh: Layer {
    private var cachedOutput = Matrix<Float>(rows: 0, columns: 0)

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Matrix<Float>) -> Matrix<Float> {
        cachedOutput = Tanh.apply(input)
        return cachedOutput
    }

    /// Returns `tanh` of every element without caching.
    public static func apply(_ input: Matrix<Float>) -> Matrix<Float> {
        let storage = input.storage.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { target, count in
                fastTanh(source, into: target)
                count = source.count
            }
        }
        return Matrix(rows: input.rows, columns: input.columns, storage: storage)
    }

    public func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float> {
        precondition(outputGradient.count == cachedOutput.count, "backward shape differs from forward")
        let storage = cachedOutput.storage.withUnsafeBufferPointer { y in
            outputGradient.storage.withUnsafeBufferPointer { g in
                [Float](unsafeUninitializedCapacity: g.count) { target, count in
                    for i in 0..<g.count { target[i] = g[i] * (1 - y[i] * y[i]) }
                    count = g.count
                }
            }
        }
        return Matrix(rows: outputGradient.rows, columns: outputGradient.columns, storage: storage)
    }
}

/// The rectified linear unit `max(x, 0)`, element-wise; its gradient at 0 is taken as 0.
public final class ReLU: Layer {
    private var cachedInput = Matrix<Float>(rows: 0, columns: 0)

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Matrix<Float>) -> Matrix<Float> {
        cachedInput = input
        return input.map { max($0, 0) }
    }

    public func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float> {
        var inputGradient = outputGradient
        cachedInput.storage.withUnsafeBufferPointer { x in
            inputGradient.storage.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count where x[i] <= 0 { g[i] = 0 }
            }
        }
        return inputGradient
    }
}

/// The activation between hidden layers of an MLP.
public enum Activation: String, Codable, Sendable {
    case tanh
    case relu

    /// A new layer computing this activation.
    public func makeLayer() -> any Layer {
        switch self {
        case .tanh: return Tanh()
        case .relu: return ReLU()
        }
    }
}
