import Foundation
import Neural
import Numerics

/// The set of adapters that each adapted layer mixes.
public enum AdapterInventory: Codable, Equatable, Sendable {
    /// One adapter per source, chosen one-hot: per-task LoRA. There are no routing
    /// parameters, and a mixture of adapters is a mixture over sources.
    case perSource
    /// `count` shared skills that learned routing logits mix with `heads` heads (one head is
    /// Poly, several are MHR).
    case skills(count: Int, heads: Int)
}

/// The source of a batch group's mixture weights.
public enum MixtureRequest: Hashable, Sendable {
    /// Training source `index`: its own routing row, fused with the book's attention
    /// through the gates when the model has a book.
    case source(Int)
    /// The book's attention for a context with these standardised features, with no own row
    /// (a context never trained on).
    case attention(features: [Float])
    /// Every skill (or every source's adapter) weighted equally.
    case uniform
}

/// The mixture weights of every adapted layer for one request, with what the backward pass
/// through the router needs.
public struct ResolvedMixture {
    /// The request that produced these weights.
    public let request: MixtureRequest
    /// One `heads x skills` matrix per adapted layer, each row summing to 1.
    public let layers: [Matrix<Float>]
    /// The attention over sources; empty when the book was not consulted.
    public let attention: [Double]
    /// The gate value of each network; empty when no gate was applied.
    public let gates: [Double]
    let query: [Double]
    let features: [Float]
    /// Per layer, the attention-weighted mixture of the sources' routing weights.
    let attended: [Matrix<Float>]
    /// Per layer, the requesting source's own routing weights (source requests only).
    let own: [Matrix<Float>]
    /// Per source, per layer, the routing weights the attention mixed.
    let sourceMixtures: [[Matrix<Float>]]
}

/// The routing of every adapted layer of a network: per-layer routing logits (or one-hot
/// per-source choices) and an optional context book.
///
/// Routing is deterministic: `w = sigmoid(logits)` normalised over skills per head, with no
/// Gumbel or Bernoulli noise, so that PPO's old and new log-probabilities come from the same
/// function of the parameters. For a training source with a book, the mixture of layer l in
/// network n is
///
/// ```
/// w_l = (1 - g_n) own_l + g_n sum_k alpha_k w_l(k)
/// ```
///
/// and a context never trained on uses the attention term alone.
public final class AdapterRouter: ParameterOwner {
    /// The adapters that the mixtures weight.
    public let inventory: AdapterInventory
    /// The number of training sources `K`.
    public let sourceCount: Int
    /// The number of adapted layers.
    public let layerCount: Int
    /// Routing logits per adapted layer, `sources x (heads * skills)`, head-major; empty for
    /// `.perSource`.
    public let logits: [Parameter]
    /// The context book, if the model has one.
    public let book: ContextBook?
    /// The gate (network) index of each adapted layer.
    public let gateOfLayer: [Int]

    /// Creates the routing for layers named `layerNames`.
    ///
    /// Logits start uniform in ±1e-3, so every source starts near the uniform mixture.
    public init(
        inventory: AdapterInventory, sourceCount: Int, layerNames: [String], gateOfLayer: [Int],
        book: ContextBook?, rng: inout RandomStream
    ) {
        precondition(layerNames.count == gateOfLayer.count, "one gate index per layer")
        precondition(sourceCount >= 1, "routing needs at least one source")
        self.inventory = inventory
        self.sourceCount = sourceCount
        self.book = book
        self.gateOfLayer = gateOfLayer
        layerCount = layerNames.count
        switch inventory {
        case .perSource:
            logits = []
        case .skills(let count, let heads):
            logits = layerNames.map { name in
                let parameter = Parameter(
                    name: name + ".routing_logits",
                    value: Matrix(rows: sourceCount, columns: heads * count))
                Initialization.uniform(parameter, bound: 1e-3, rng: &rng)
                return parameter
            }
        }
    }

    /// The number of routing heads per layer.
    public var heads: Int {
        if case .skills(_, let heads) = inventory { return heads }
        return 1
    }

    /// The number of adapters each head chooses among.
    public var skills: Int {
        if case .skills(let count, _) = inventory { return count }
        return sourceCount
    }

    public var parameters: [Parameter] { logits + (book?.parameters ?? []) }

    // MARK: - Forward

    /// Returns the routing weights of source `source` in layer `layer`, `heads x skills`.
    public func sourceMixture(_ source: Int, layer: Int) -> Matrix<Float> {
        precondition(source >= 0 && source < sourceCount, "source \(source) outside 0..<\(sourceCount)")
        switch inventory {
        case .perSource:
            var oneHot = Matrix<Float>(rows: 1, columns: sourceCount)
            oneHot[0, source] = 1
            return oneHot
        case .skills(let count, let heads):
            let row = logits[layer].value.row(source)
            var weights = Matrix<Float>(rows: heads, columns: count)
            for head in 0..<heads {
                let probabilities = (0..<count).map { sigmoid(Double(row[head * count + $0])) }
                let total = probabilities.reduce(0, +)
                for skill in 0..<count { weights[head, skill] = Float(probabilities[skill] / total) }
            }
            return weights
        }
    }

    /// Computes the mixture weights of every layer for `request`.
    ///
    /// - Precondition: attention requests need a book.
    public func resolve(_ request: MixtureRequest) -> ResolvedMixture {
        let layerIndices = 0..<layerCount
        switch request {
        case .uniform:
            let uniform = Matrix<Float>(rows: heads, columns: skills, repeating: 1 / Float(skills))
            return ResolvedMixture(
                request: request, layers: layerIndices.map { _ in uniform }, attention: [],
                gates: [], query: [], features: [], attended: [], own: [], sourceMixtures: [])
        case .source(let source):
            let own = layerIndices.map { sourceMixture(source, layer: $0) }
            guard let book else {
                return ResolvedMixture(
                    request: request, layers: own, attention: [], gates: [], query: [],
                    features: [], attended: [], own: own, sourceMixtures: [])
            }
            let features = book.sourceFeatures[source]
            let attended = attend(features)
            let gates = book.gates(features)
            let layers = layerIndices.map { layer in
                let gate = Float(gates[gateOfLayer[layer]])
                return (1 - gate) * own[layer] + gate * attended.mixtures[layer]
            }
            return ResolvedMixture(
                request: request, layers: layers, attention: attended.weights, gates: gates,
                query: attended.query, features: features, attended: attended.mixtures, own: own,
                sourceMixtures: attended.sourceMixtures)
        case .attention(let features):
            precondition(book != nil, "attention requests need a context book")
            let attended = attend(features)
            return ResolvedMixture(
                request: request, layers: attended.mixtures, attention: attended.weights,
                gates: [], query: attended.query, features: features,
                attended: attended.mixtures, own: [], sourceMixtures: attended.sourceMixtures)
        }
    }

    private func attend(_ features: [Float]) -> (
        weights: [Double], query: [Double], mixtures: [Matrix<Float>],
        sourceMixtures: [[Matrix<Float>]]
    ) {
        let (weights, query) = book!.attend(features)
        let sourceMixtures = (0..<sourceCount).map { source in
            (0..<layerCount).map { sourceMixture(source, layer: $0) }
        }
        let mixtures = (0..<layerCount).map { layer in
            var mixture = Matrix<Float>(rows: heads, columns: skills)
            for source in 0..<sourceCount {
                mixture.add(sourceMixtures[source][layer], scaledBy: Float(weights[source]))
            }
            return mixture
        }
        return (weights, query, mixtures, sourceMixtures)
    }

    // MARK: - Backward

    /// Accumulates into the logits and the book the gradients of the loss with respect to
    /// `resolved`'s per-layer mixtures.
    public func backward(_ resolved: ResolvedMixture, mixtureGradients: [Matrix<Float>]) {
        precondition(mixtureGradients.count == layerCount, "one mixture gradient per layer")
        var sourceGradients = [[Matrix<Float>?]](
            repeating: Array(repeating: nil, count: layerCount), count: sourceCount)
        var attendedGradients: [Matrix<Float>] = []
        switch resolved.request {
        case .uniform:
            return
        case .source(let source):
            guard let book else {
                for layer in 0..<layerCount {
                    sourceGradients[source][layer] = mixtureGradients[layer]
                }
                break
            }
            // w = (1 - g) own + g attended, so d own = (1 - g) dw, d attended = g dw and
            // dg = <dw, attended - own>.
            var gateGradients = [Double](repeating: 0, count: resolved.gates.count)
            for layer in 0..<layerCount {
                let gateIndex = gateOfLayer[layer]
                let gate = Float(resolved.gates[gateIndex])
                sourceGradients[source][layer] = (1 - gate) * mixtureGradients[layer]
                attendedGradients.append(gate * mixtureGradients[layer])
                gateGradients[gateIndex] += innerProduct(
                    mixtureGradients[layer], resolved.attended[layer] - resolved.own[layer])
            }
            book.backwardGates(
                features: resolved.features, gates: resolved.gates, gateGradient: gateGradients)
        case .attention:
            attendedGradients = mixtureGradients
        }

        if !attendedGradients.isEmpty {
            // attended_l = sum_k alpha_k w_l(k): d alpha_k = sum_l <d attended_l, w_l(k)> and
            // d w_l(k) = alpha_k d attended_l.
            var weightGradient = [Double](repeating: 0, count: sourceCount)
            for source in 0..<sourceCount {
                for layer in 0..<layerCount {
                    weightGradient[source] += innerProduct(
                        attendedGradients[layer], resolved.sourceMixtures[source][layer])
                    let share = Float(resolved.attention[source]) * attendedGradients[layer]
                    if let existing = sourceGradients[source][layer] {
                        sourceGradients[source][layer] = existing + share
                    } else {
                        sourceGradients[source][layer] = share
                    }
                }
            }
            book!.backwardAttention(
                features: resolved.features, query: resolved.query,
                weights: resolved.attention, weightGradient: weightGradient)
        }

        guard case .skills = inventory else { return }
        for source in 0..<sourceCount {
            for layer in 0..<layerCount {
                if let gradient = sourceGradients[source][layer] {
                    backwardLogits(source: source, layer: layer, mixtureGradient: gradient)
                }
            }
        }
    }

    /// Back-propagates through `w = p / sum(p)`, `p = sigmoid(z)`, per head:
    /// `dp_j = (dw_j - sum_s dw_s w_s) / sum(p)` and `dz_j = dp_j p_j (1 - p_j)`.
    private func backwardLogits(source: Int, layer: Int, mixtureGradient: Matrix<Float>) {
        guard case .skills(let count, let heads) = inventory else { return }
        let parameter = logits[layer]
        for head in 0..<heads {
            let columns = (head * count)..<((head + 1) * count)
            let probabilities = columns.map { sigmoid(Double(parameter.value[source, $0])) }
            let total = probabilities.reduce(0, +)
            var weightedGradient = 0.0
            for skill in 0..<count {
                weightedGradient += Double(mixtureGradient[head, skill]) * probabilities[skill]
                    / total
            }
            for skill in 0..<count {
                let p = probabilities[skill]
                let probabilityGradient =
                    (Double(mixtureGradient[head, skill]) - weightedGradient) / total
                parameter.gradient[source, head * count + skill] += Float(
                    probabilityGradient * p * (1 - p))
            }
        }
    }
}

/// Returns the logistic function `1 / (1 + exp(-x))`.
func sigmoid(_ x: Double) -> Double {
    1 / (1 + exp(-x))
}

/// Returns the sum of the element-wise products of two matrices of one shape, in double
/// precision.
func innerProduct(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns, "inner product of different shapes")
    return zip(a.storage, b.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}
