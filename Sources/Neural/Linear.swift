import Numerics

/// A fully connected layer `y = x W^T + b`.
///
/// `weight` is `outputs x inputs`, as in PyTorch, so a checkpoint reads the same in both.
public final class Linear: Layer {
    /// The weight, `outputs x inputs`.
    public let weight: Parameter
    /// The bias, `1 x outputs`.
    public let bias: Parameter
    private var cachedInput = Matrix<Float>(rows: 0, columns: 0)

    /// The number of input features.
    public var inputCount: Int { weight.value.columns }
    /// The number of output features.
    public var outputCount: Int { weight.value.rows }

    /// Creates a layer with zero weights and biases; initialise them with `Initialization`.
    public init(inputs: Int, outputs: Int, name: String = "linear") {
        weight = Parameter(name: name + ".weight", value: Matrix(rows: outputs, columns: inputs))
        bias = Parameter(name: name + ".bias", value: Matrix(rows: 1, columns: outputs))
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// Computes `x W^T + b`.
    ///
    /// - Complexity: O(batch x inputs x outputs), one BLAS `sgemm`.
    public func forward(_ input: Matrix<Float>) -> Matrix<Float> {
        precondition(input.columns == inputCount, "input has \(input.columns) columns, not \(inputCount)")
        cachedInput = input
        return apply(input)
    }

    /// Computes `x W^T + b` without caching, for inference.
    public func apply(_ input: Matrix<Float>) -> Matrix<Float> {
        var output = Matrix<Float>(rows: input.rows, columns: outputCount)
        output.fillRows(with: bias.value.storage)
        Matrix.multiply(input, weight.value, transposeB: true, beta: 1, into: &output)
        return output
    }

    /// Accumulates `dW += dY^T x` and `db += sum over rows of dY`, and returns `dY W`.
    ///
    /// - Complexity: two `sgemm` calls of O(batch x inputs x outputs).
    public func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float> {
        precondition(outputGradient.rows == cachedInput.rows, "backward batch differs from forward")
        Matrix.multiply(
            outputGradient, cachedInput, transposeA: true, beta: 1, into: &weight.gradient)
        let biasGradient = outputGradient.columnSums()
        for j in 0..<outputCount { bias.gradient.storage[j] += biasGradient[j] }
        return Matrix.product(outputGradient, weight.value)
    }
}

extension Matrix {
    /// Sets every row to `values`.
    @inlinable
    public mutating func fillRows(with values: [Scalar]) {
        precondition(values.count == columns, "row of \(values.count) for \(columns) columns")
        let columns = self.columns
        values.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<rows {
                    (target.baseAddress! + i * columns).update(
                        from: source.baseAddress!, count: columns)
                }
            }
        }
    }
}
