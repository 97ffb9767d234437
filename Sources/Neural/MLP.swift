import Numerics

/// A multilayer perceptron: linear layers with an activation between them and none after the
/// last, as PPO's actor and critic use.
public final class MLP: Layer {
    /// The linear layers, input first.
    public let linears: [Linear]
    /// Every layer in order, activations included.
    public let layers: [any Layer]
    /// The widths, input first and output last, such as `[4, 64, 64, 2]`.
    public let widths: [Int]

    /// Creates an MLP with zero parameters named `name.0`, `name.1`, ...; initialise with
    /// `Initialization.orthogonal`.
    public init(widths: [Int], activation: Activation = .tanh, name: String = "mlp") {
        precondition(widths.count >= 2, "an MLP needs at least input and output widths")
        self.widths = widths
        var linears: [Linear] = []
        var layers: [any Layer] = []
        for index in 0..<(widths.count - 1) {
            let linear = Linear(
                inputs: widths[index], outputs: widths[index + 1], name: "\(name).\(index)")
            linears.append(linear)
            layers.append(linear)
            if index < widths.count - 2 { layers.append(activation.makeLayer()) }
        }
        self.linears = linears
        self.layers = layers
    }

    public var parameters: [Parameter] { linears.flatMap(\.parameters) }

    public func forward(_ input: Matrix<Float>) -> Matrix<Float> {
        layers.reduce(input) { $1.forward($0) }
    }

    public func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float> {
        layers.reversed().reduce(outputGradient) { $1.backward($0) }
    }
}
