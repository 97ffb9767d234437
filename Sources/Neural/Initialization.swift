import Numerics

/// Weight initialisation schemes.
public enum Initialization {
    /// Fills `linear.weight` with a scaled orthogonal matrix and sets the bias to `bias`.
    ///
    /// Follows Saxe et al. (2014) as PyTorch's `nn.init.orthogonal_` does: draw a standard
    /// normal matrix of shape `max(rows, columns) x min(rows, columns)`, take Q of its QR
    /// decomposition with the signs fixed so that R has a positive diagonal, transpose if the
    /// weight is wide, and multiply by `gain`. The PPO convention uses gain sqrt(2) for hidden
    /// layers, 0.01 for the policy head and 1 for the value head, with zero biases.
    public static func orthogonal(
        _ linear: Linear, gain: Double, bias: Float = 0, rng: inout RandomStream
    ) {
        let rows = linear.outputCount
        let columns = linear.inputCount
        let tall = max(rows, columns)
        let narrow = min(rows, columns)
        // Columns of `basis` are orthonormalised in place by modified Gram-Schmidt.
        var basis = (0..<narrow).map { _ in (0..<tall).map { _ in rng.normal() } }
        for j in 0..<narrow {
            for previous in 0..<j {
                let projection = dot(basis[j], basis[previous])
                for i in 0..<tall { basis[j][i] -= projection * basis[previous][i] }
            }
            let norm = dot(basis[j], basis[j]).squareRoot()
            for i in 0..<tall { basis[j][i] /= norm }
        }
        // Gram-Schmidt already yields R with a positive diagonal, which is the sign convention.
        var weight = Matrix<Float>(rows: rows, columns: columns)
        for j in 0..<narrow {
            for i in 0..<tall {
                let value = Float(gain * basis[j][i])
                if rows >= columns { weight[i, j] = value } else { weight[j, i] = value }
            }
        }
        linear.weight.value = weight
        linear.bias.value = Matrix(rows: 1, columns: rows, repeating: bias)
    }

    /// Initialises every linear layer of `mlp` orthogonally: `hiddenGain` for all but the last,
    /// `outputGain` for the last, zero biases.
    public static func orthogonal(
        _ mlp: MLP, hiddenGain: Double = 2.0.squareRoot(), outputGain: Double,
        rng: inout RandomStream
    ) {
        for (index, linear) in mlp.linears.enumerated() {
            let gain = index == mlp.linears.count - 1 ? outputGain : hiddenGain
            orthogonal(linear, gain: gain, rng: &rng)
        }
    }

    /// Fills `parameter` with uniform values in [-bound, bound).
    public static func uniform(_ parameter: Parameter, bound: Double, rng: inout RandomStream) {
        for index in 0..<parameter.value.count {
            parameter.value.storage[index] = Float(rng.uniform(-bound, bound))
        }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
