import Neural
import Numerics

/// An MLP whose linear layers are routed LoRA layers: the base MLP's layers with adapters,
/// an activation between them and none after the last.
public final class AdaptedMLP: ParameterOwner {
    /// The base network; its `Linear` layers are the adapted layers' bases.
    public let base: MLP
    /// The adapted layers, input first.
    public let layers: [RoutedLoRALinear]
    /// The index of this network's first layer in `RoutedRows.mixtures`.
    public let firstLayer: Int
    private let activations: [any Layer]

    /// Wraps every linear layer of `base`.
    public init(
        base: MLP, activation: Activation, firstLayer: Int, skills: Int, heads: Int, rank: Int,
        scale: Double, rng: inout RandomStream
    ) {
        self.base = base
        self.firstLayer = firstLayer
        layers = base.linears.map { linear in
            let name = String(linear.weight.name.dropLast(".weight".count))
            return RoutedLoRALinear(
                wrapping: linear, skills: skills, heads: heads, rank: rank, scale: scale,
                name: name, rng: &rng)
        }
        activations = (0..<(base.linears.count - 1)).map { _ in activation.makeLayer() }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// The names of the adapted layers, such as `policy.actor.0`.
    public var layerNames: [String] {
        layers.map { String($0.base.weight.name.dropLast(".weight".count)) }
    }

    /// Computes the output of every row with its group's mixtures and caches what `backward`
    /// needs.
    public func forward(_ input: Matrix<Float>, groups: [RoutedRows]) -> Matrix<Float> {
        var output = input
        for (index, layer) in layers.enumerated() {
            output = layer.forward(output, groups: groups, layer: firstLayer + index)
            if index < activations.count { output = activations[index].forward(output) }
        }
        return output
    }

    /// Accumulates parameter gradients and returns the input gradient and, per group, the
    /// gradient with respect to each of this network's mixtures (input layer first).
    public func backward(_ outputGradient: Matrix<Float>) -> (
        input: Matrix<Float>, mixtures: [[Matrix<Float>]]
    ) {
        var gradient = outputGradient
        var mixtures: [[Matrix<Float>]] = []
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            if index < activations.count { gradient = activations[index].backward(gradient) }
            let (inputGradient, layerMixtures) = layers[index].backward(gradient)
            gradient = inputGradient
            if mixtures.isEmpty { mixtures = layerMixtures.map { _ in [] } }
            for group in layerMixtures.indices { mixtures[group].insert(layerMixtures[group], at: 0) }
        }
        return (gradient, mixtures)
    }

    /// Returns the weights of `base` with each layer's mixed adapter folded in, for
    /// `mixtures` indexed like `RoutedRows.mixtures`.
    func mergedWeights(_ mixtures: [Matrix<Float>]) -> [Matrix<Float>] {
        layers.enumerated().map { index, layer in layer.mergedWeight(mixtures[firstLayer + index]) }
    }
}
